package briefing

import "time"

// Receipt retention: with receipt_retention_days N > 0, N days after an
// announcement is released or withdrawn the time each person read and
// acknowledged it is erased. Whether they did stays (the counters, the
// inbox, the status of a receipt), when they did does not; an announcement
// that stays in briefing (internal only) is never due.

// RetentionStart is when an announcement's retention period begins: its
// release or withdrawal, or zero while it runs.
func RetentionStart(a *Announcement) time.Time {
	switch {
	case a.State == StateWithdrawn && a.WithdrawnAt != nil:
		return *a.WithdrawnAt
	case a.State == StateReleased && a.ReleasedAt != nil:
		return *a.ReleasedAt
	}
	return time.Time{}
}

// RetentionDue reports whether the per-person times of a are to be
// erased at now under a retention of days (0: keep).
func RetentionDue(a *Announcement, days int, now time.Time) bool {
	if days <= 0 || a.ReceiptsErasedAt != nil || a.PublishedAt == nil {
		return false
	}
	start := RetentionStart(a)
	return !start.IsZero() && !now.Before(start.AddDate(0, 0, days))
}
