package main

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketSpace is one bucket's share of the file.
type bucketSpace struct {
	Keys       int `json:"keys"`
	AllocBytes int `json:"alloc_bytes"` // pages it occupies
	InuseBytes int `json:"inuse_bytes"` // bytes of those pages holding data
}

// The buckets a receipt lives in, and the audit log every acknowledgement
// writes to (doc.go of the store draws them all).
var spaceBuckets = []string{"receipts", "inbox", "counters", "audit", "users", "users_by_email", "tokens", "announcements", "bodies"}

// measureSpace reads, after the store is closed, where the file's bytes
// went. It is the one place the bench looks at bbolt itself: the store has
// no reason to offer page statistics to anyone else, and this reads a
// closed scratch file, read-only.
func measureSpace(path string) (map[string]bucketSpace, int, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	out := map[string]bucketSpace{}
	var free int
	err = db.View(func(tx *bolt.Tx) error {
		for _, name := range spaceBuckets {
			b := tx.Bucket([]byte(name))
			if b == nil {
				continue
			}
			s := b.Stats()
			out[name] = bucketSpace{Keys: s.KeyN, AllocBytes: s.BranchAlloc + s.LeafAlloc, InuseBytes: s.BranchInuse + s.LeafInuse}
		}
		return nil
	})
	free = db.Stats().FreePageN * db.Info().PageSize
	return out, free, err
}
