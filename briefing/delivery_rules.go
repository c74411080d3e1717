package briefing

import (
	"slices"
	"time"
)

// InitialDeliveryState is where a kind's delivery starts at release: the
// newsroom is sent there and then, a manual channel awaits its person,
// every other kind goes to the outbox.
func InitialDeliveryState(k KindSpec) DeliveryState {
	switch k.Retry {
	case RetryLocal:
		return DeliverySent
	case RetryPerson:
		return DeliveryAwaiting
	}
	return DeliveryPending
}

// UnconfirmedAfterNoAnswer says whether an attempt without an answer
// leaves the delivery unconfirmed instead of retried: always for a kind
// without an idempotency key, and for a kind whose key expires once the
// first unanswered attempt is older than the key lasts (Mastodon: an
// hour). A retry after that could post twice, so only a person decides.
func UnconfirmedAfterNoAnswer(k KindSpec, d *Delivery, now time.Time) bool {
	switch k.Retry {
	case RetryUnconfirmedOnNoAnswer:
		return true
	case RetryIdempotent:
		return k.IdempotencyWindow > 0 && d.FirstUnansweredAt != nil && now.Sub(*d.FirstUnansweredAt) >= k.IdempotencyWindow
	}
	return false
}

// CanRetry says whether delivery d of a may go back to the outbox by hand:
// a failed one, or an unconfirmed one when the caller states it is not
// posted (notPosted), so that nobody re-sends a post that may be up; and
// only while a is released.
func CanRetry(a *Announcement, d *Delivery, notPosted bool) error {
	if err := canRetryState(d, notPosted); err != nil {
		return err
	}
	if a.State != StateReleased {
		return Conflict("the announcement is %s: only a released one is delivered", a.State.Phrase())
	}
	return nil
}

func canRetryState(d *Delivery, notPosted bool) error {
	switch d.State {
	case DeliveryFailed:
		return nil
	case DeliveryUnconfirmed:
		if !notPosted {
			return Invalid("not_posted", "this delivery may already be posted: check the account, then send again with not_posted: true, or mark it as posted")
		}
		return nil
	}
	return Conflict("the delivery is %s: only a failed or unconfirmed one can be sent again", d.State)
}

// CanConfirm says whether a delivery may be marked as posted: one that
// awaits a person, or an unconfirmed one somebody found posted.
func CanConfirm(d *Delivery) error {
	if d.State == DeliveryAwaiting || d.State == DeliveryUnconfirmed {
		return nil
	}
	return Conflict("the delivery is %s: only an awaiting or unconfirmed one can be marked as posted", d.State)
}

// MayConfirm says who may mark a delivery as posted: an author, manager or
// admin, or one of the manual channel's assignees. Anyone else learns
// nothing of it (not found).
func MayConfirm(u *User, assignees []string) error {
	if u.Has(RoleAuthor) || u.Has(RoleManager) || u.Has(RoleAdmin) {
		return nil
	}
	if slices.Contains(assignees, NormalizeEmail(u.Email)) {
		return nil
	}
	return NotFound("no such delivery")
}

// ManualReminderAfter is how long a manual delivery may await its person
// before the assignees are reminded, once.
const ManualReminderAfter = 30 * time.Minute

// DueManualReminder says whether an awaiting delivery's assignees are to
// be reminded now.
func DueManualReminder(d *Delivery, now time.Time) bool {
	return d.State == DeliveryAwaiting && d.RemindedAt == nil && now.Sub(d.CreatedAt) >= ManualReminderAfter
}
