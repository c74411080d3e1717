package briefing

import "time"

// Scheduled reminders: the pace an author sets (policy.remind_every_hours)
// and one reminder a day before a deadline. They go the way of a manual
// reminder (CanRemind's pace rule included) with the scheduler as actor.

// The bounds of policy.remind_every_hours, and how often the scheduler
// reminds at that pace.
const (
	MinRemindEveryHours   = 1
	MaxRemindEveryHours   = 168
	MaxScheduledReminders = 3
	// DeadlineReminderLead is how long before a deadline the last call
	// goes out.
	DeadlineReminderLead = 24 * time.Hour
)

// ScheduledReminder is the scheduler's next reminder of an announcement.
type ScheduledReminder struct {
	At time.Time
	// Deadline says it is the reminder before the deadline, not a paced one.
	Deadline bool
}

// NextScheduledReminder decides when the scheduler reminds next, or
// reports false when it will not any more: only in briefing; at the pace
// after the later of the publish and the last reminder to everyone, until
// MaxScheduledReminders went; once DeadlineReminderLead before a deadline
// that lies further than that after the publish. The earlier of the two
// comes first. The pace rule (NextReminder) may hold either back.
func NextScheduledReminder(a *Announcement) (ScheduledReminder, bool) {
	if a.State != StateBriefing || a.PublishedAt == nil {
		return ScheduledReminder{}, false
	}
	var next ScheduledReminder
	found := false
	if h := a.Policy.RemindEveryHours; h != nil && a.ScheduledReminders < MaxScheduledReminders {
		last := *a.PublishedAt
		if t := a.Reminders[""]; t.After(last) {
			last = t
		}
		next, found = ScheduledReminder{At: last.Add(time.Duration(*h) * time.Hour)}, true
	}
	if dl := a.Policy.Deadline; dl != nil && !a.DeadlineReminded {
		at := dl.Add(-DeadlineReminderLead)
		if at.After(*a.PublishedAt) && (!found || at.Before(next.At)) {
			next, found = ScheduledReminder{At: at, Deadline: true}, true
		}
	}
	if found {
		if pace := a.NextReminder(""); pace.After(next.At) {
			next.At = pace
		}
	}
	return next, found
}
