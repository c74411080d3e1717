package store

import (
	"bytes"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// notAddressed is the answer for an announcement that does not exist and for
// one not addressed to the caller alike: existence is not leaked.
func notAddressed() error { return briefing.NotFound("no such briefing") }

// recipientOf returns the announcement and the caller's receipt, or not
// found for anyone who is not a recipient of a visible briefing.
func recipientOf(tx *bolt.Tx, annID, userID uint64) (*briefing.Announcement, receipt, error) {
	v := tx.Bucket(bReceipts).Get(pair(annID, userID))
	if v == nil {
		return nil, receipt{}, notAddressed()
	}
	r := decodeReceipt(v)
	if r.departed {
		// Left the list when deactivated; a reactivation does not rejoin it.
		return nil, receipt{}, notAddressed()
	}
	a, err := getAnnouncement(tx, u64(annID))
	if err != nil || !briefing.Briefed(a) {
		return nil, receipt{}, notAddressed()
	}
	return a, r, nil
}

// briefingOf is a as one recipient sees it: the read and the
// acknowledgement that count now (of the current material epoch), the
// version they last acknowledged, the changes since publish, and what
// staff may say outside.
func briefingOf(a *briefing.Announcement, r receipt, now time.Time) briefing.Briefing {
	epoch := a.CurrentEpoch()
	b := briefing.Briefing{
		ID: a.ID, Title: a.Title, Summary: a.Summary, State: a.State, Deadline: a.Policy.Deadline,
		PublishedAt: a.PublishedAt, ReleasedAt: a.ReleasedAt,
		Version: a.Version, AcknowledgedVersion: int(r.ackVer), Changes: a.Changes,
		Public:       briefing.PublicStatusOf(a, now),
		Acknowledged: r.ackCounts(epoch), TimesErased: erased(r.readAt) || erased(r.ackAt),
	}
	if r.readCounts(epoch) {
		b.ReadAt = fromMicros(r.readAt)
	}
	if r.ackCounts(epoch) {
		b.AcknowledgedAt = fromMicros(r.ackAt)
	}
	if b.Changes == nil {
		b.Changes = []briefing.Change{}
	}
	if b.Public == briefing.PublicEmbargoed {
		b.NotBefore = a.Policy.NotBefore
	}
	return b
}

// withdrawnFor is the answer to a recipient opening a withdrawn briefing:
// when and why, not a 404 that makes it look mistyped. Anyone else still
// gets not found.
func withdrawnFor(tx *bolt.Tx, annID, userID uint64) error {
	v := tx.Bucket(bReceipts).Get(pair(annID, userID))
	if v == nil || decodeReceipt(v).departed {
		return notAddressed()
	}
	a, err := getAnnouncement(tx, u64(annID))
	if err != nil || a.State != briefing.StateWithdrawn || a.PublishedAt == nil {
		return notAddressed()
	}
	at := a.UpdatedAt
	if a.WithdrawnAt != nil {
		at = *a.WithdrawnAt
	}
	return &briefing.WithdrawnError{At: at, Reason: a.WithdrawReason}
}

func ids(annID, userID string) (uint64, uint64, error) {
	a, err := parseID("briefing", annID)
	if err != nil {
		return 0, 0, notAddressed()
	}
	u, err := parseID("user", userID)
	if err != nil {
		return 0, 0, notAddressed()
	}
	return a, u, nil
}

// ReadBriefing returns a briefing with its HTML to one of its recipients and
// records the read receipt on the first call.
func (s *Store) ReadBriefing(annID, userID string) (briefing.Briefing, error) {
	an, un, err := ids(annID, userID)
	if err != nil {
		return briefing.Briefing{}, err
	}
	var b briefing.Briefing
	var unread bool
	err = s.db.View(func(tx *bolt.Tx) error {
		a, r, err := recipientOf(tx, an, un)
		if err != nil {
			return withdrawnFor(tx, an, un)
		}
		if err := loadBody(tx, a); err != nil {
			return err
		}
		b = briefingOf(a, r, s.now())
		b.HTML, b.TalkingPointsHTML = a.HTML, a.TalkingPointsHTML
		unread = !r.readCounts(a.CurrentEpoch())
		return nil
	})
	if err != nil || !unread {
		return b, err
	}
	// Only the first read writes; later reads stay in read transactions.
	var readAt int64
	err = s.batch(func(tx *bolt.Tx) error {
		readAt = 0
		a, r, err := recipientOf(tx, an, un)
		if err != nil {
			return err
		}
		readAt = r.readAt
		if r.readCounts(a.CurrentEpoch()) {
			return nil
		}
		r.readAt, r.readVer = stamp(a, s.now()), uint16(a.Version)
		readAt = r.readAt
		if err := tx.Bucket(bReceipts).Put(pair(an, un), r.encode()); err != nil {
			return err
		}
		return bumpCounters(tx, an, r.dept, 1, 0)
	})
	b.ReadAt = fromMicros(readAt)
	return b, err
}

// AckResult is what an acknowledgement did.
type AckResult struct {
	// AcknowledgedAt is zero when retention has erased the time.
	AcknowledgedAt time.Time
	// Version is the version acknowledged.
	Version int
	// Released is true when this acknowledgement opened the gate.
	Released bool
}

// Acknowledge records that a recipient has read and understood a briefing.
// It is idempotent (a repeat returns the first time) and implies read. The
// counters change and the gate is re-evaluated in the same transaction, so
// the acknowledgement that crosses the threshold releases. Many arrive at
// once: the group commit (batch.go) lets one fsync serve them all. The
// batch function may run more than once, so it derives everything from the
// transaction it is given.
func (s *Store) Acknowledge(annID, userID string) (AckResult, error) {
	an, un, err := ids(annID, userID)
	if err != nil {
		return AckResult{}, err
	}
	var res AckResult
	err = s.batch(func(tx *bolt.Tx) error {
		res = AckResult{}
		a, r, err := recipientOf(tx, an, un)
		if err != nil {
			return err
		}
		epoch := a.CurrentEpoch()
		if r.ackCounts(epoch) {
			if t := fromMicros(r.ackAt); t != nil {
				res.AcknowledgedAt = *t
			}
			res.Version = int(r.ackVer)
			return nil
		}
		now := s.now()
		var read uint32
		if !r.readCounts(epoch) {
			r.readAt, r.readVer, read = stamp(a, now), uint16(a.Version), 1
		}
		// The acknowledgement records the version it saw.
		r.ackAt, r.ackVer = stamp(a, now), uint16(a.Version)
		if t := fromMicros(r.ackAt); t != nil {
			res.AcknowledgedAt = *t
		}
		res.Version = a.Version
		if err := tx.Bucket(bReceipts).Put(pair(an, un), r.encode()); err != nil {
			return err
		}
		if err := bumpCounters(tx, an, r.dept, read, 1); err != nil {
			return err
		}
		// In works-council mode the log would be a second, person-level
		// record of the receipt that admins can read: the receipt is the
		// only one.
		if briefing.PersonLevelVisible(a) {
			if err := audit(tx, now, "user:"+formatID(un), actionAcknowledge, "announcement:"+formatID(an), ""); err != nil {
				return err
			}
		}
		res.Released, err = gate(tx, a, now)
		return err
	})
	if err == nil && res.Released {
		s.signal(s.OnRelease)
	}
	return res, err
}

// Inbox lists the briefings addressed to a person: unacknowledged first,
// then newest first. Withdrawn ones are gone from it.
func (s *Store) Inbox(userID string) ([]briefing.Briefing, error) {
	un, err := parseID("user", userID)
	if err != nil {
		return nil, err
	}
	var out []briefing.Briefing
	now := s.now()
	err = s.db.View(func(tx *bolt.Tx) error {
		prefix := u64(un)
		receipts := tx.Bucket(bReceipts)
		c := tx.Bucket(bInbox).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			an := bytesToU64(k[8:])
			a, err := getAnnouncement(tx, u64(an))
			if err != nil {
				return err
			}
			r := decodeReceipt(receipts.Get(pair(an, un)))
			if !briefing.Briefed(a) || r.departed {
				continue
			}
			out = append(out, briefingOf(a, r, now))
		}
		return nil
	})
	// Unacknowledged first, then by the last call for attention: a
	// material revision brings an item back to the top.
	slices.SortStableFunc(out, func(x, y briefing.Briefing) int {
		if x.Acknowledged != y.Acknowledged {
			if !x.Acknowledged {
				return -1
			}
			return 1
		}
		return y.Activity().Compare(x.Activity())
	})
	return out, err
}

// IsRecipient reports whether a user is among an announcement's recipients.
func (s *Store) IsRecipient(annID, userID string) bool {
	an, un, err := ids(annID, userID)
	if err != nil {
		return false
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		_, _, err := recipientOf(tx, an, un)
		return err
	})
	return err == nil
}
