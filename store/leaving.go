package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// applyEnding carries out the leaving rule for a change from before to u
// inside the transaction that stored it: credentials end, and a
// deactivated person leaves their briefings. It reports whether that
// opened a gate.
func (s *Store) applyEnding(tx *bolt.Tx, before, u *briefing.User, keep []byte, actor string, now time.Time) (released bool, err error) {
	e := briefing.EndingOf(before, u)
	if !e.Any() {
		return false, nil
	}
	key := u64(mustID(u.ID))
	tokens, sessions, err := endCredentials(tx, key, e, keep)
	if err != nil {
		return false, err
	}
	if !e.Departs {
		return false, audit(tx, now, actor, "session.revoke", "user:"+u.ID, jsonString(map[string]int{"sessions": sessions}))
	}
	left, released, err := depart(tx, key, now)
	if err != nil {
		return false, err
	}
	return released, audit(tx, now, actor, "user.deactivate", "user:"+u.ID,
		jsonString(map[string]int{"tokens": tokens, "sessions": sessions, "briefings_left": left}))
}

// depart takes a deactivated person out of every announcement in their
// inbox that is still in briefing: their receipt is marked departed, their
// department's counters lose them (briefing.Counts.Depart), and the gate
// is evaluated again, as an acknowledgement does, since a smaller
// denominator may open it. O(their inbox): the per-user inbox index lists
// exactly their announcements. The receipt stays, so the person's history
// is kept; a later reactivation does not put them back on a frozen list.
func depart(tx *bolt.Tx, userKey []byte, now time.Time) (left int, released bool, err error) {
	var anns []uint64
	c := tx.Bucket(bInbox).Cursor()
	for k, _ := c.Seek(userKey); k != nil && bytes.HasPrefix(k, userKey); k, _ = c.Next() {
		anns = append(anns, bytesToU64(k[8:]))
	}
	un := bytesToU64(userKey)
	receipts, counts := tx.Bucket(bReceipts), tx.Bucket(bCounters)
	for _, an := range anns {
		a, err := getAnnouncement(tx, u64(an))
		if err != nil {
			return 0, false, err
		}
		v := receipts.Get(pair(an, un))
		if v == nil || !briefing.LeavesOnDeparture(a) {
			continue
		}
		r := decodeReceipt(v)
		if r.departed {
			continue
		}
		r.departed = true
		if err := receipts.Put(pair(an, un), r.encode()); err != nil {
			return 0, false, err
		}
		ck := counterKey(an, r.dept)
		cs := decodeCounters(counts.Get(ck))
		d := briefing.Counts{Recipients: int(cs.recipients), Read: int(cs.read), Acknowledged: int(cs.acked), Departed: int(cs.departed)}.
			Depart(r.readCounts(a.CurrentEpoch()), r.ackCounts(a.CurrentEpoch()))
		cs = counters{uint32(d.Recipients), uint32(d.Read), uint32(d.Acknowledged), uint32(d.Departed)}
		if err := counts.Put(ck, cs.encode()); err != nil {
			return 0, false, err
		}
		left++
		opened, err := gate(tx, a, now)
		if err != nil {
			return 0, false, err
		}
		released = released || opened
	}
	return left, released, nil
}
