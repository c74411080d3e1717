package store

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// keyScrub in meta asks for the file to be rewritten: a migration sealed
// values that were stored in clear. bbolt reuses a freed page but never
// wipes it, and a backup (tx.WriteTo) copies free pages too, so the clear
// text would linger in the file and in every backup until its page is
// reused.
var keyScrub = []byte("scrub")

// askScrub is what a migration calls after rewriting clear secrets.
func askScrub(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keyScrub, []byte{1}) }

// scrubIfAsked replaces the file with a compacted copy (bolt.Compact
// writes only live data into a new file) when a migration asked for it.
// The flag travels into the copy and is cleared there, so a crash before
// the rename leaves the old file and its flag: the next start scrubs again.
func (s *Store) scrubIfAsked(path string, bo *bolt.Options) error {
	var asked bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		asked = tx.Bucket(bMeta).Get(keyScrub) != nil
		return nil
	}); err != nil || !asked {
		return err
	}
	tmp := path + ".scrub"
	os.Remove(tmp) // a copy left by a crash
	dst, err := bolt.Open(tmp, 0o600, bo)
	if err != nil {
		return fmt.Errorf("scrubbing %s: %w", path, err)
	}
	err = bolt.Compact(dst, s.db, 64<<20)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(keyScrub) })
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("scrubbing %s: %w", path, err)
	}
	boxes.Delete(s.db)
	if err := s.db.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("scrubbing %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	db, err := bolt.Open(path, 0o600, bo)
	if err != nil {
		return fmt.Errorf("open %s after scrubbing: %w", path, err)
	}
	tune(db)
	s.db = db
	boxes.Store(db, s.box)
	return nil
}
