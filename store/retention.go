package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// PurgeReceipts erases the per-person read and acknowledgement times of
// every announcement whose retention period (receipt_retention_days after
// its release or withdrawal) has passed, one transaction per announcement,
// each audited as receipts.purge by the scheduler. Whether a person read
// and acknowledged stays (the receipt keeps erasedMicros), and the counters
// are not touched, so readiness does not change. It looks in a read
// transaction first: with retention off or nothing due it writes nothing.
func (s *Store) PurgeReceipts() (purged []string, err error) {
	var due [][]byte
	err = s.db.View(func(tx *bolt.Tx) error {
		set, err := getSettings(tx)
		if err != nil || set.ReceiptRetentionDays == 0 {
			return err
		}
		now := s.now()
		return tx.Bucket(bAnnouncements).ForEach(func(k, _ []byte) error {
			a, err := getAnnouncement(tx, k)
			if err == nil && briefing.RetentionDue(a, set.ReceiptRetentionDays, now) {
				due = append(due, clone(k))
			}
			return err
		})
	})
	for _, k := range due {
		if err != nil {
			break
		}
		err = s.db.Update(func(tx *bolt.Tx) error {
			set, err := getSettings(tx)
			if err != nil {
				return err
			}
			a, err := getAnnouncement(tx, k)
			now := s.now()
			if err != nil || !briefing.RetentionDue(a, set.ReceiptRetentionDays, now) {
				return err
			}
			n, err := eraseReceiptTimes(tx, bytesToU64(k))
			if err != nil {
				return err
			}
			a.ReceiptsErasedAt = &now
			if err := putAnnouncement(tx, a); err != nil {
				return err
			}
			purged = append(purged, a.ID)
			return audit(tx, now, "scheduler", "receipts.purge", "announcement:"+a.ID,
				jsonString(map[string]int{"receipts": n, "retention_days": set.ReceiptRetentionDays}))
		})
	}
	return purged, err
}

// eraseReceiptTimes replaces every read and acknowledgement time of an
// announcement's receipts with erasedMicros, drops the acknowledgement
// events that hold the same times, and says how many receipts held a time.
func eraseReceiptTimes(tx *bolt.Tx, annID uint64) (int, error) {
	b := tx.Bucket(bReceipts)
	prefix := u64(annID)
	type change struct {
		k []byte
		r receipt
	}
	var todo []change
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r := decodeReceipt(v)
		if (r.readAt == 0 || erased(r.readAt)) && (r.ackAt == 0 || erased(r.ackAt)) {
			continue
		}
		if r.readAt != 0 {
			r.readAt = erasedMicros
		}
		if r.ackAt != 0 {
			r.ackAt = erasedMicros
		}
		todo = append(todo, change{clone(k), r})
	}
	// Put after the scan: changing a bucket under a cursor invalidates it.
	for _, ch := range todo {
		if err := b.Put(ch.k, ch.r.encode()); err != nil {
			return 0, err
		}
	}
	return len(todo), dropAckEvents(tx, annID)
}
