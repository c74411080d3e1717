package store

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// gate re-evaluates the release rule of an announcement inside the
// transaction that changed its counters (or the clock's sweep), and
// releases it there if the gate is open.
func gate(tx *bolt.Tx, a *briefing.Announcement, now time.Time) (bool, error) {
	return gateBy(tx, a, now, false)
}

// gateBy is gate; byClock says the clock (not an acknowledgement) asks, so
// that the release names its true reason (ReleaseDecision.ByClock).
func gateBy(tx *bolt.Tx, a *briefing.Announcement, now time.Time, byClock bool) (bool, error) {
	if !briefing.Gated(a) { // spares the counters of everything else
		return false, nil
	}
	n := mustID(a.ID)
	total, depts := countsOf(tx, n)
	d := briefing.Decide(a, briefing.ComputeReadiness(a, total, depts, now), now)
	if byClock {
		d = d.ByClock(a)
	}
	if !d.Release {
		return false, nil
	}
	return true, release(tx, a, now, "gate", d.Reason, "")
}

// release marks an announcement released and, in the same transaction,
// writes one delivery and outbox row per channel: a crash can never leave a
// release without its deliveries, or deliveries without the release.
func release(tx *bolt.Tx, a *briefing.Announcement, now time.Time, actor, reason, detail string) error {
	a.State, a.ReleasedAt, a.ReleaseReason, a.UpdatedAt = briefing.StateReleased, &now, reason, now
	if err := putAnnouncement(tx, a); err != nil {
		return err
	}
	for _, ct := range a.Channels {
		if err := createDelivery(tx, a, ct.ChannelID, now); err != nil {
			return err
		}
	}
	if err := enqueueMail(tx, mailJob{Kind: MailReleased, AnnouncementID: a.ID}, now); err != nil {
		return err
	}
	if detail == "" {
		detail = reason
	}
	return audit(tx, now, actor, "announcement.release", "announcement:"+a.ID, detail)
}

// Release is the manual override of the thresholds by a manager or admin
// (briefing.CanRelease). It never overrides the embargo: nothing goes out
// before not_before.
func (s *Store) Release(id string, by *briefing.User, reason string) (*briefing.Announcement, error) {
	a, err := s.changeState(id, func(tx *bolt.Tx, a *briefing.Announcement, now time.Time) error {
		if err := briefing.CanRelease(by, a); err != nil {
			return err
		}
		reason, err := briefing.ReleaseReason(reason)
		if err != nil {
			return err
		}
		if err := briefing.EmbargoHolds(a, now); err != nil {
			return err
		}
		return release(tx, a, now, "user:"+by.ID, "manual", "manual: "+reason)
	})
	if err == nil {
		s.signal(s.OnRelease)
	}
	return a, err
}

// Withdraw takes an announcement back from any state (briefing.CanWithdraw)
// for a stated reason. A released one leaves the newsroom; deliveries not
// yet sent are cancelled.
func (s *Store) Withdraw(id, actor, reason string) (*briefing.Announcement, error) {
	return s.changeState(id, func(tx *bolt.Tx, a *briefing.Announcement, now time.Time) error {
		if err := briefing.CanWithdraw(a); err != nil {
			return err
		}
		reason, err := briefing.WithdrawReason(reason)
		if err != nil {
			return err
		}
		a.State, a.WithdrawnAt, a.UpdatedAt = briefing.StateWithdrawn, &now, now
		a.WithdrawReason = reason
		if err := putAnnouncement(tx, a); err != nil {
			return err
		}
		if err := cancelDeliveries(tx, mustID(a.ID), now); err != nil {
			return err
		}
		if err := createRetractions(tx, a, reason, now); err != nil {
			return err
		}
		return audit(tx, now, actor, "announcement.withdraw", "announcement:"+a.ID, reason)
	})
}

func (s *Store) changeState(id string, fn func(tx *bolt.Tx, a *briefing.Announcement, now time.Time) error) (*briefing.Announcement, error) {
	n, err := parseID("announcement", id)
	if err != nil {
		return nil, err
	}
	var a *briefing.Announcement
	err = s.db.Update(func(tx *bolt.Tx) error {
		if a, err = getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		return fn(tx, a, s.now())
	})
	return a, err
}

// SweepGates releases every announcement whose gate is open now: the
// clock's half of the gate (embargo passing, deadline), and a backstop. It
// looks in a read transaction first, so a sweep that finds nothing never
// takes the write lock from the acknowledgements.
func (s *Store) SweepGates() (released []string, err error) {
	var due [][]byte
	err = s.db.View(func(tx *bolt.Tx) error {
		now := s.now()
		return tx.Bucket(bAnnouncements).ForEach(func(k, _ []byte) error {
			a, err := getAnnouncement(tx, k)
			if err != nil || !briefing.Gated(a) {
				return err
			}
			total, depts := countsOf(tx, bytesToU64(k))
			if briefing.Decide(a, briefing.ComputeReadiness(a, total, depts, now), now).Release {
				due = append(due, clone(k))
			}
			return nil
		})
	})
	if err != nil || len(due) == 0 {
		return nil, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		released = released[:0]
		now := s.now()
		for _, k := range due {
			a, err := getAnnouncement(tx, k)
			if err != nil {
				return err
			}
			if ok, err := gateBy(tx, a, now, true); err != nil {
				return err
			} else if ok {
				released = append(released, a.ID)
			}
		}
		return nil
	})
	if err == nil && len(released) > 0 {
		s.signal(s.OnRelease)
	}
	return released, err
}

// GateInstants returns, for every announcement in briefing, the next instant
// at which time alone may open its gate, so the scheduler can wake exactly then.
func (s *Store) GateInstants() (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := s.db.View(func(tx *bolt.Tx) error {
		now := s.now()
		return tx.Bucket(bAnnouncements).ForEach(func(k, _ []byte) error {
			a, err := getAnnouncement(tx, k)
			if err != nil {
				return err
			}
			if t := briefing.NextGateInstant(a, now); !t.IsZero() {
				out[a.ID] = t
			}
			return nil
		})
	})
	return out, err
}
