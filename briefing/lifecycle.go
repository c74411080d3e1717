package briefing

import (
	"strings"
	"time"
)

// The lifecycle rules: which state allows which step, and what a step
// needs (a role, a reason). The store calls them inside the transaction
// that takes the step, and the pages call the same functions to decide
// which buttons to offer, so a page and its API twin cannot drift. A new
// state (review, approved) or a new step is one more case here.

// CanEdit reports whether a's content may be changed: only a draft.
func CanEdit(a *Announcement) error {
	if a.State != StateDraft {
		return Conflict("the announcement is %s: only a draft can be edited", a.State.Phrase())
	}
	return nil
}

// CanPublish reports whether a may be briefed to its audience: only a draft.
func CanPublish(a *Announcement) error {
	if a.State != StateDraft {
		return Conflict("the announcement is %s: only a draft can be published", a.State.Phrase())
	}
	return nil
}

// Gated reports whether a waits on its release gate: in briefing, with
// channels to go out on.
func Gated(a *Announcement) bool { return a.State == StateBriefing && !a.Internal() }

// Briefed reports whether a's recipients have it: from publish until it is
// withdrawn.
func Briefed(a *Announcement) bool { return a.State != StateDraft && a.State != StateWithdrawn }

// CanRelease reports whether actor may release a by hand at all: a manager
// or an admin, and an announcement in briefing that has channels. The
// moment is checked by EmbargoHolds, the reason by ReleaseReason.
func CanRelease(actor *User, a *Announcement) error {
	switch {
	case !actor.Has(RoleManager):
		return Forbidden("only a manager or an admin releases by hand")
	case a.Internal():
		return Conflict("the announcement has no channels: it is internal and is never released")
	case a.State != StateBriefing:
		return Conflict("the announcement is %s: only one in briefing can be released", a.State.Phrase())
	}
	return nil
}

// EmbargoHolds refuses any release of a before its not_before: a manual
// release overrides the thresholds, never the embargo.
func EmbargoHolds(a *Announcement, now time.Time) error {
	if nb := a.Policy.NotBefore; nb != nil && now.Before(*nb) {
		return Conflict("the embargo holds until %s: nothing goes out before it", nb.Format(time.RFC3339))
	}
	return nil
}

// MaxReason is the longest reason a release or a withdrawal may carry.
const MaxReason = 2000

// ReleaseReason checks and trims the reason of a manual release.
func ReleaseReason(reason string) (string, error) {
	return requireReason(reason, "say why you release it by hand: the reason goes into the audit log")
}

// WithdrawReason checks and trims the reason of a withdrawal.
func WithdrawReason(reason string) (string, error) {
	return requireReason(reason, "say why you withdraw it: the reason goes into the audit log")
}

func requireReason(reason, missing string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", Invalid("reason", "%s", missing)
	}
	if len(reason) > MaxReason {
		return "", Invalid("reason", "the reason must be at most %d characters", MaxReason)
	}
	return reason, nil
}

// CanWithdraw reports whether a may be withdrawn: from any state but
// withdrawn. The reason is checked by WithdrawReason.
func CanWithdraw(a *Announcement) error {
	if a.State == StateWithdrawn {
		return Conflict("the announcement is already withdrawn")
	}
	return nil
}

// CanRetry, CanConfirm and the other delivery rules are in delivery_rules.go.

// CanRemind reports whether the people in scope may be reminded of a at
// now: only while it is in briefing, and at most once per ReminderPace for
// the same people (ErrRateLimited, saying from when).
func CanRemind(a *Announcement, scope Scope, now time.Time) error {
	if a.State != StateBriefing {
		return Conflict("the announcement is %s: reminders go out only while it is in briefing", a.State.Phrase())
	}
	if next := a.NextReminder(scope.Department); now.Before(next) {
		return RateLimited("these people were reminded less than an hour ago: the next reminder is possible from %s",
			next.Format(time.RFC3339))
	}
	return nil
}
