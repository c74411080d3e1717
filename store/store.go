package store

import (
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Store is Firsthand's database: one bbolt file.
type Store struct {
	db *bolt.DB
	// Now is the clock; tests may replace it.
	Now func() time.Time
	// OnRelease, if set, is called after a transaction that released
	// announcements has committed: the delivery worker wakes on it.
	OnRelease func()
	// OnPublish, if set, is called after a publish has committed: the mail
	// worker and the scheduler wake on it.
	OnPublish func()

	commit committer  // group commit of acknowledgements and reads (batch.go)
	box    *secretBox // seals channel secrets (secretbox.go); nil when read-only
}

func (s *Store) signal(f func()) {
	if f != nil {
		f()
	}
}

// ErrLocked means another process has the database open.
var ErrLocked = errors.New("the database is in use by another process (is a server running on it?)")

// Open opens or creates the database at path and runs pending migrations.
// Channel secrets are sealed with the key given by WithSecretKey or, by
// default, the key file beside the database (KeyFilePath), created on the
// first start; a key that does not fit the database is refused here.
func Open(path string, opts ...Option) (*Store, error) {
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	bo := &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType, ReadOnly: o.readOnly}
	db, err := bolt.Open(path, 0o600, bo)
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	tune(db)
	s := &Store{db: db, Now: func() time.Time { return time.Now().UTC() }}
	if o.readOnly {
		return s, nil
	}
	if err := s.start(path, bo, o); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// start readies a writable store: its secret key, its migrations, and the
// scrub a migration may ask for.
func (s *Store) start(path string, bo *bolt.Options, o openOptions) error {
	box, err := openSecretBox(s.db, path, o)
	if err != nil {
		return err
	}
	s.box = box
	boxes.Store(s.db, box)
	if err := s.migrate(); err != nil {
		return err
	}
	if err := s.scrubIfAsked(path, bo); err != nil {
		return err
	}
	return recordKeyID(s.db, box)
}

func tune(db *bolt.DB) {
	// For any caller of db.Batch. The acknowledgements and reads no longer
	// use it: they go through the store's own group commit (batch.go), which
	// cuts a batch when the writer is free rather than on this timer. The
	// default 10 ms delay makes 64 writers wait on the timer rather than the
	// disk (DESIGN.md); 1 ms keeps batches full without idling, and the size
	// matches the concurrency we design for.
	db.MaxBatchDelay = time.Millisecond
	db.MaxBatchSize = 128
}

// Close closes the database file.
func (s *Store) Close() error {
	boxes.Delete(s.db)
	return s.db.Close()
}

// Path is the file the store lives in.
func (s *Store) Path() string { return s.db.Path() }

// Size is the database file's size in bytes.
func (s *Store) Size() int64 {
	var n int64
	_ = s.db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// WriteBackup streams a consistent copy of the database to w while the
// store stays in use.
func (s *Store) WriteBackup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

func (s *Store) now() time.Time { return s.Now().UTC() }
