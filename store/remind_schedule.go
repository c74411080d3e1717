package store

import (
	"errors"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// SchedulerActor names the scheduler in the audit log.
const SchedulerActor = "scheduler"

// SweepReminders sends the scheduled reminders that are due
// (briefing.NextScheduledReminder), each through the reminder path of a
// manual one, CanRemind's pace rule included, audited with the scheduler
// as actor. Everything it needs lives on the announcement, so a restart
// loses none: a reminder due while the server was down goes at start. It
// looks in a read transaction first and returns the ids it reminded.
func (s *Store) SweepReminders() ([]string, error) {
	now := s.now()
	var due []uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAnnouncements).ForEach(func(k, _ []byte) error {
			a, err := getAnnouncement(tx, k)
			if err != nil {
				return err
			}
			if next, ok := briefing.NextScheduledReminder(a); ok && !now.Before(next.At) {
				due = append(due, bytesToU64(k))
			}
			return nil
		})
	})
	if err != nil || len(due) == 0 {
		return nil, err
	}
	var reminded []string
	for _, n := range due {
		err := s.db.Update(func(tx *bolt.Tx) error {
			a, err := getAnnouncement(tx, u64(n))
			if err != nil {
				return err
			}
			next, ok := briefing.NextScheduledReminder(a)
			if !ok || now.Before(next.At) {
				return nil // a manual reminder or a release came first
			}
			if err := briefing.CanRemind(a, briefing.Scope{}, now); err != nil {
				if errors.Is(err, briefing.ErrRateLimited) {
					return nil
				}
				return err
			}
			if next.Deadline {
				a.DeadlineReminded = true
			} else {
				a.ScheduledReminders++
			}
			if _, err := queueReminder(tx, a, "", SchedulerActor, now); err != nil {
				return err
			}
			reminded = append(reminded, a.ID)
			return nil
		})
		if err != nil {
			return reminded, err
		}
	}
	return reminded, nil
}
