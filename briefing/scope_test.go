package briefing

import (
	"strings"
	"testing"
)

func TestReceiptScope(t *testing.T) {
	a := ann(StateBriefing, false)
	for _, tt := range []struct {
		name      string
		actor     *User
		requested string
		want      Scope
		err       error
	}{
		{"author, everyone", ruleAuthor, "", Scope{}, nil},
		{"author, one department", ruleAuthor, "Support", Scope{Department: "Support"}, nil},
		{"admin, one department", ruleAdmin, "Sales", Scope{Department: "Sales"}, nil},
		{"author who manages too", ruleBoth, "Support", Scope{Department: "Support"}, nil},
		{"manager, own department", ruleManager, "", Scope{Department: "Sales", Fixed: true}, nil},
		{"manager, own department by name", ruleManager, "Sales", Scope{Department: "Sales", Fixed: true}, nil},
		{"manager, another department", ruleManager, "Support", Scope{}, ErrForbidden},
		// "" would be every department to the store: never for a
		// manager who has none.
		{"manager without a department", ruleNoDept, "", Scope{}, ErrForbidden},
		{"manager without a department, asking", ruleNoDept, "Sales", Scope{}, ErrForbidden},
		{"employee", ruleStaff, "", Scope{}, ErrForbidden},
	} {
		got, err := ReceiptScope(tt.actor, a, tt.requested)
		wantRule(t, tt.name, err, tt.err)
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	_, err := ReceiptScope(ruleNoDept, a, "")
	if !strings.Contains(ErrorMessage(err), "ask an admin") {
		t.Errorf("no department: %q, want it to say what to do", ErrorMessage(err))
	}
}

func TestDirectoryScope(t *testing.T) {
	for _, tt := range []struct {
		name      string
		actor     *User
		requested string
		want      Scope
		err       error
	}{
		{"admin", ruleAdmin, "", Scope{}, nil},
		{"admin, one department", ruleAdmin, "Sales", Scope{Department: "Sales"}, nil},
		// An author who manages lists their own department: the
		// directory is not an author's.
		{"author who manages too", ruleBoth, "", Scope{Department: "Sales", Fixed: true}, nil},
		{"manager", ruleManager, "", Scope{Department: "Sales", Fixed: true}, nil},
		{"manager, another department", ruleManager, "Support", Scope{}, ErrForbidden},
		{"manager without a department", ruleNoDept, "", Scope{}, ErrForbidden},
		{"author", ruleAuthor, "", Scope{}, ErrForbidden},
	} {
		got, err := DirectoryScope(tt.actor, tt.requested)
		wantRule(t, tt.name, err, tt.err)
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestScopeAll(t *testing.T) {
	if !(Scope{}).All() || (Scope{Department: "Sales"}).All() {
		t.Error("All: want true only without a department")
	}
}
