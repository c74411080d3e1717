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

// CanEdit reports whether a's content may be changed: a draft, or one in
// review or approved, which the edit takes back to draft (VoidsApproval).
func CanEdit(a *Announcement) error {
	switch a.State {
	case StateDraft, StateReview, StateApproved:
		return nil
	}
	return Conflict("the announcement is %s: only a draft can be edited (after publish, post a correction)", a.State.Phrase())
}

// VoidsApproval reports whether an edit of a takes it back to draft: an
// approval, or a review under way, was of the text as it was.
func VoidsApproval(a *Announcement) bool {
	return a.State == StateReview || a.State == StateApproved
}

// CanPublish reports whether a may be briefed to its audience. With
// approvalRequired only an approved announcement may; without, a draft or
// an approved one.
func CanPublish(a *Announcement, approvalRequired bool) error {
	switch {
	case a.State == StateApproved:
		return nil
	case approvalRequired && (a.State == StateDraft || a.State == StateReview):
		return Conflict("the announcement is %s: a reviewer must approve it before it is published", a.State.Phrase())
	case a.State == StateDraft:
		return nil
	}
	return Conflict("the announcement is %s: only a draft or an approved announcement can be published", a.State.Phrase())
}

// CanSubmit reports whether actor may send a to the reviewers: an author,
// and a draft.
func CanSubmit(actor *User, a *Announcement) error {
	if !actor.Has(RoleAuthor) {
		return Forbidden("only authors submit announcements for review")
	}
	if a.State != StateDraft {
		return Conflict("the announcement is %s: only a draft can be submitted for review", a.State.Phrase())
	}
	return nil
}

// CanApprove reports whether actor may approve a: a reviewer, an
// announcement in review, and somebody else's: whoever created it or last
// changed it does not approve it (four eyes).
func CanApprove(actor *User, a *Announcement) error {
	if !actor.Has(RoleReviewer) {
		return Forbidden("only reviewers approve announcements")
	}
	if a.State != StateReview {
		return Conflict("the announcement is %s: only one in review can be approved", a.State.Phrase())
	}
	if actor.ID == a.Creator() || actor.ID == a.LastEditedBy {
		return Forbidden("you wrote or last changed this announcement: another reviewer must approve it")
	}
	return nil
}

// CanReject reports whether actor may send a back to its authors: a
// reviewer, and an announcement in review. The reason is checked by
// RejectReason.
func CanReject(actor *User, a *Announcement) error {
	if !actor.Has(RoleReviewer) {
		return Forbidden("only reviewers reject announcements")
	}
	if a.State != StateReview {
		return Conflict("the announcement is %s: only one in review can be rejected", a.State.Phrase())
	}
	return nil
}

// RejectReason checks and trims the reason of a rejection: its authors
// read it to know what to change.
func RejectReason(reason string) (string, error) {
	return requireReason(reason, Invalid("reason", "say what needs to change: the authors see the reason"))
}

// ApprovalNote checks and trims an approval's optional note.
func ApprovalNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if len(note) > MaxReason {
		return "", Invalid("note", "the note must be at most %d characters", MaxReason)
	}
	return note, nil
}

// Gated reports whether a waits on its release gate: in briefing, with
// channels to go out on.
func Gated(a *Announcement) bool { return a.State == StateBriefing && !a.Internal() }

// Briefed reports whether a's recipients have it: from publish until it is
// withdrawn.
func Briefed(a *Announcement) bool { return a.State == StateBriefing || a.State == StateReleased }

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
		return Conflict("the embargo holds until %s: nothing goes out before it", Instant(*nb))
	}
	return nil
}

// MaxReason is the longest reason a release or a withdrawal may carry.
const MaxReason = 2000

// ReleaseReason checks and trims the reason of a manual release.
func ReleaseReason(reason string) (string, error) {
	return requireReason(reason, Invalid("reason", "say why you release it by hand: the reason goes into the audit log"))
}

// WithdrawReason checks and trims the reason of a withdrawal.
func WithdrawReason(reason string) (string, error) {
	return requireReason(reason, Invalid("reason", "say why you withdraw it: the reason goes into the audit log"))
}

func requireReason(reason string, missing error) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", missing
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
			Instant(next))
	}
	return nil
}

// CanRevise reports whether r may correct a after publish: in briefing
// any field, material or not; once released only a minor correction of
// the title, summary or body (the public has read it: a material change
// is a new announcement). Nothing else is revised, and the version is
// bounded by what a receipt can hold.
func CanRevise(a *Announcement, r *Revision) error {
	switch a.State {
	case StateBriefing:
	case StateReleased:
		if r.Material {
			return Conflict("the announcement is released: only a minor correction is possible now (a material change needs a new announcement)")
		}
		if r.Channels != nil {
			return Conflict("the announcement is released: its channels have been sent and cannot be revised")
		}
	default:
		return Conflict("the announcement is %s: only a published announcement (in briefing or released) takes revisions", a.State.Phrase())
	}
	if a.Version >= MaxVersion {
		return Conflict("the announcement has reached %d versions: publish a new one", MaxVersion)
	}
	return nil
}
