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

func TestCountsDepart(t *testing.T) {
	c := Counts{Recipients: 10, Read: 6, Acknowledged: 4}
	tests := []struct {
		name       string
		read, ackd bool
		want       Counts
	}{
		{"one who had done nothing", false, false, Counts{Recipients: 9, Read: 6, Acknowledged: 4, Departed: 1}},
		{"a reader", true, false, Counts{Recipients: 9, Read: 5, Acknowledged: 4, Departed: 1}},
		{"an acknowledger leaves both numerator and denominator", true, true, Counts{Recipients: 9, Read: 5, Acknowledged: 3, Departed: 1}},
	}
	for _, tt := range tests {
		if got := c.Depart(tt.read, tt.ackd); got != tt.want {
			t.Errorf("%s: Depart = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	// 8 of 10 needed at 0.8; two who had not acknowledged leave: 6 of 8 is
	// short, two more acknowledgements of those who stayed would do.
	left := Counts{Recipients: 10, Acknowledged: 6}.Depart(false, false).Depart(false, false)
	if !meets(Counts{Recipients: left.Recipients, Acknowledged: 7}, 0.8) || meets(left, 0.8) {
		t.Errorf("after two departures %+v: 6 should fall short of 0.8 and 7 meet it", left)
	}
}

func TestLeavesOnDeparture(t *testing.T) {
	for _, st := range []State{StateDraft, StateBriefing, StateReleased, StateWithdrawn} {
		if got, want := LeavesOnDeparture(&Announcement{State: st}), st == StateBriefing; got != want {
			t.Errorf("LeavesOnDeparture(%s) = %v, want %v", st, got, want)
		}
	}
}
