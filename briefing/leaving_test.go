package briefing

import "testing"

func TestEndingOf(t *testing.T) {
	active := func(hash string) *User { return &User{Active: true, PasswordHash: []byte(hash)} }
	inactive := func(hash string) *User { return &User{Active: false, PasswordHash: []byte(hash)} }
	tests := []struct {
		name          string
		before, after *User
		want          Ending
	}{
		{"deactivation ends everything and departs", active("a"), inactive("a"), Ending{Tokens: true, Sessions: true, Departs: true}},
		{"deactivation with a new password is still a deactivation", active("a"), inactive("b"), Ending{Tokens: true, Sessions: true, Departs: true}},
		{"a new password ends the other sessions", active("a"), active("b"), Ending{Sessions: true, KeepCurrent: true}},
		{"a first password ends the other sessions", active(""), active("b"), Ending{Sessions: true, KeepCurrent: true}},
		{"the same password ends nothing", active("a"), active("a"), Ending{}},
		{"reactivation revives nothing and ends nothing", inactive("a"), active("a"), Ending{}},
		{"a deactivated person staying so ends nothing new", inactive("a"), inactive("b"), Ending{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EndingOf(tt.before, tt.after); got != tt.want {
				t.Errorf("EndingOf = %+v, want %+v", got, tt.want)
			}
			if got := EndingOf(tt.before, tt.after).Any(); got != (tt.want != Ending{}) {
				t.Errorf("Any = %v", got)
			}
		})
	}
}
