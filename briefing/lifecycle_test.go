package briefing

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	ruleNow     = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ruleAdmin   = &User{ID: "1", Roles: []Role{RoleAdmin}, Active: true}
	ruleAuthor  = &User{ID: "2", Department: "PR", Roles: []Role{RoleAuthor}, Active: true}
	ruleManager = &User{ID: "3", Department: "Sales", Roles: []Role{RoleManager}, Active: true}
	ruleNoDept  = &User{ID: "4", Roles: []Role{RoleManager}, Active: true}
	ruleStaff   = &User{ID: "5", Department: "Sales", Roles: []Role{RoleEmployee}, Active: true}
	ruleBoth    = &User{ID: "6", Department: "Sales", Roles: []Role{RoleAuthor, RoleManager}, Active: true}
)

// ann is an announcement in state st; with channels unless internal.
func ann(st State, internal bool) *Announcement {
	a := &Announcement{ID: "7", State: st, Policy: Policy{Threshold: 0.8, OnDeadline: DeadlineHold}}
	if !internal {
		a.Channels = []ChannelText{{ChannelID: "1"}}
	}
	return a
}

// wantRule fails unless err is of kind want (nil: allowed) and, when it is
// refused, says something a person can act on.
func wantRule(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: got %v, want allowed", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: got %v, want %v", what, err, want)
	case err != nil && len(ErrorMessage(err)) < 20:
		t.Errorf("%s: message %q does not say what to do", what, ErrorMessage(err))
	}
}

func TestCanEditAndPublish(t *testing.T) {
	for _, tt := range []struct {
		state                  State
		edit, publish, withApp error
	}{
		{StateDraft, nil, nil, ErrConflict},
		{StateReview, nil, ErrConflict, ErrConflict},
		{StateApproved, nil, nil, nil},
		{StateBriefing, ErrConflict, ErrConflict, ErrConflict},
		{StateReleased, ErrConflict, ErrConflict, ErrConflict},
		{StateWithdrawn, ErrConflict, ErrConflict, ErrConflict},
	} {
		wantRule(t, "edit "+string(tt.state), CanEdit(ann(tt.state, false)), tt.edit)
		wantRule(t, "publish "+string(tt.state), CanPublish(ann(tt.state, false), false), tt.publish)
		wantRule(t, "publish with approval required "+string(tt.state), CanPublish(ann(tt.state, false), true), tt.withApp)
		if got, want := VoidsApproval(ann(tt.state, false)), tt.state == StateReview || tt.state == StateApproved; got != want {
			t.Errorf("VoidsApproval(%s) = %v, want %v", tt.state, got, want)
		}
	}
	if err := CanPublish(ann(StateDraft, false), true); !strings.Contains(ErrorMessage(err), "approve") {
		t.Errorf("CanPublish(draft, required) = %q, want it to say a reviewer must approve", ErrorMessage(err))
	}
	if err := CanEdit(ann(StateReleased, false)); !strings.Contains(ErrorMessage(err), "released") {
		t.Errorf("CanEdit(released) = %q, want it to name the state", ErrorMessage(err))
	}
}

func TestCanRelease(t *testing.T) {
	for _, tt := range []struct {
		name     string
		actor    *User
		state    State
		internal bool
		want     error
	}{
		{"manager, briefing", ruleManager, StateBriefing, false, nil},
		{"admin, briefing", ruleAdmin, StateBriefing, false, nil},
		{"manager without a department", ruleNoDept, StateBriefing, false, nil},
		{"author", ruleAuthor, StateBriefing, false, ErrForbidden},
		{"employee", ruleStaff, StateBriefing, false, ErrForbidden},
		{"internal only", ruleManager, StateBriefing, true, ErrConflict},
		{"draft", ruleManager, StateDraft, false, ErrConflict},
		{"released", ruleManager, StateReleased, false, ErrConflict},
		{"withdrawn", ruleAdmin, StateWithdrawn, false, ErrConflict},
	} {
		wantRule(t, tt.name, CanRelease(tt.actor, ann(tt.state, tt.internal)), tt.want)
	}
}

func TestEmbargoHolds(t *testing.T) {
	a := ann(StateBriefing, false)
	wantRule(t, "no embargo", EmbargoHolds(a, ruleNow), nil)
	later := ruleNow.Add(time.Minute)
	a.Policy.NotBefore = &later
	wantRule(t, "before the embargo", EmbargoHolds(a, ruleNow), ErrConflict)
	wantRule(t, "at the embargo", EmbargoHolds(a, later), nil)
}

func TestReasons(t *testing.T) {
	for name, check := range map[string]func(string) (string, error){"release": ReleaseReason, "withdraw": WithdrawReason} {
		for _, tt := range []struct {
			in, want string
			err      error
		}{
			{"", "", ErrInvalid},
			{" \t\n", "", ErrInvalid},
			{strings.Repeat("x", MaxReason+1), "", ErrInvalid},
			{"  press leak ", "press leak", nil},
			{strings.Repeat("x", MaxReason), strings.Repeat("x", MaxReason), nil},
		} {
			got, err := check(tt.in)
			wantRule(t, name+" reason "+tt.in[:min(len(tt.in), 12)], err, tt.err)
			if err != nil && ErrorField(err) != "reason" {
				t.Errorf("%s reason %q: field %q, want reason", name, tt.in, ErrorField(err))
			}
			if got != tt.want {
				t.Errorf("%s reason %q: got %q, want %q", name, tt.in, got, tt.want)
			}
		}
	}
}

func TestCanWithdraw(t *testing.T) {
	for _, st := range []State{StateDraft, StateBriefing, StateReleased} {
		wantRule(t, "withdraw "+string(st), CanWithdraw(ann(st, false)), nil)
	}
	wantRule(t, "withdraw twice", CanWithdraw(ann(StateWithdrawn, false)), ErrConflict)
}

func TestCanRemind(t *testing.T) {
	sales := Scope{Department: "Sales", Fixed: true}
	for _, st := range []State{StateDraft, StateReleased, StateWithdrawn} {
		wantRule(t, "remind "+string(st), CanRemind(ann(st, false), Scope{}, ruleNow), ErrConflict)
	}
	a := ann(StateBriefing, true)
	wantRule(t, "remind in briefing", CanRemind(a, Scope{}, ruleNow), nil)

	// The pace: a company-wide reminder holds back every department; a
	// department's holds back itself only.
	a.Reminders = map[string]time.Time{"Sales": ruleNow}
	wantRule(t, "Sales again at once", CanRemind(a, sales, ruleNow.Add(time.Minute)), ErrRateLimited)
	wantRule(t, "Support after Sales", CanRemind(a, Scope{Department: "Support"}, ruleNow.Add(time.Minute)), nil)
	wantRule(t, "Sales after the pace", CanRemind(a, sales, ruleNow.Add(ReminderPace)), nil)
	a.Reminders = map[string]time.Time{"": ruleNow}
	wantRule(t, "Sales after everyone", CanRemind(a, sales, ruleNow.Add(time.Minute)), ErrRateLimited)
	err := CanRemind(a, Scope{}, ruleNow.Add(time.Minute))
	if !strings.Contains(ErrorMessage(err), ruleNow.Add(ReminderPace).Format(time.RFC3339)) {
		t.Errorf("pace message %q does not say from when", ErrorMessage(err))
	}
}

func TestGatedAndBriefed(t *testing.T) {
	for _, tt := range []struct {
		state           State
		internal        bool
		gated, recipent bool
	}{
		{StateDraft, false, false, false},
		{StateBriefing, false, true, true},
		{StateBriefing, true, false, true},
		{StateReleased, false, false, true},
		{StateWithdrawn, false, false, false},
	} {
		a := ann(tt.state, tt.internal)
		if got := Gated(a); got != tt.gated {
			t.Errorf("Gated(%s, internal %v) = %v, want %v", tt.state, tt.internal, got, tt.gated)
		}
		if got := Briefed(a); got != tt.recipent {
			t.Errorf("Briefed(%s) = %v, want %v", tt.state, got, tt.recipent)
		}
	}
}

var (
	ruleReviewer = &User{ID: "8", Roles: []Role{RoleReviewer}, Active: true}
	ruleOther    = &User{ID: "9", Roles: []Role{RoleReviewer}, Active: true}
)

func inReview(createdBy, lastEditedBy string) *Announcement {
	a := ann(StateReview, false)
	a.CreatedBy, a.LastEditedBy = createdBy, lastEditedBy
	return a
}

func TestCanSubmit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		actor *User
		state State
		want  error
	}{
		{"author, draft", ruleAuthor, StateDraft, nil},
		{"admin, draft", ruleAdmin, StateDraft, nil},
		{"reviewer only", ruleReviewer, StateDraft, ErrForbidden},
		{"employee", ruleStaff, StateDraft, ErrForbidden},
		{"already in review", ruleAuthor, StateReview, ErrConflict},
		{"approved", ruleAuthor, StateApproved, ErrConflict},
		{"briefing", ruleAuthor, StateBriefing, ErrConflict},
	} {
		wantRule(t, tt.name, CanSubmit(tt.actor, ann(tt.state, false)), tt.want)
	}
}

func TestCanApproveAndReject(t *testing.T) {
	for _, tt := range []struct {
		name            string
		actor           *User
		a               *Announcement
		approve, reject error
	}{
		{"another reviewer", ruleReviewer, inReview("2", "2"), nil, nil},
		{"an admin who did not write it", ruleAdmin, inReview("2", "2"), nil, nil},
		{"the creator", ruleReviewer, inReview("8", "2"), ErrForbidden, nil},
		{"the last editor", ruleReviewer, inReview("2", "8"), ErrForbidden, nil},
		{"an author", ruleAuthor, inReview("9", "9"), ErrForbidden, ErrForbidden},
		{"a manager", ruleManager, inReview("2", "2"), ErrForbidden, ErrForbidden},
		{"a draft", ruleOther, ann(StateDraft, false), ErrConflict, ErrConflict},
		{"approved", ruleOther, ann(StateApproved, false), ErrConflict, ErrConflict},
		{"briefing", ruleOther, ann(StateBriefing, false), ErrConflict, ErrConflict},
	} {
		wantRule(t, "approve: "+tt.name, CanApprove(tt.actor, tt.a), tt.approve)
		wantRule(t, "reject: "+tt.name, CanReject(tt.actor, tt.a), tt.reject)
	}
	// An announcement stored before created_by was kept falls back to its author.
	old := ann(StateReview, false)
	old.AuthorID = "8"
	wantRule(t, "approve: the author of an old record", CanApprove(ruleReviewer, old), ErrForbidden)
}

func TestRejectReasonAndApprovalNote(t *testing.T) {
	if _, err := RejectReason("  "); ErrorField(err) != "reason" {
		t.Errorf("RejectReason(blank) = %v, want invalid on reason", err)
	}
	if got, err := RejectReason("  the date is wrong "); err != nil || got != "the date is wrong" {
		t.Errorf("RejectReason = %q, %v; want trimmed", got, err)
	}
	if got, err := ApprovalNote(""); err != nil || got != "" {
		t.Errorf("ApprovalNote(empty) = %q, %v; want allowed", got, err)
	}
	long := make([]byte, MaxReason+1)
	for i := range long {
		long[i] = 'x'
	}
	if _, err := ApprovalNote(string(long)); ErrorField(err) != "note" {
		t.Errorf("ApprovalNote(too long) = %v, want invalid on note", err)
	}
}
