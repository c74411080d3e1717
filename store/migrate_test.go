package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestFreshDatabaseHasCurrentSchema(t *testing.T) {
	s, _ := openStore(t)
	v, err := s.Schema()
	if err != nil || v != SchemaVersion() {
		t.Fatalf("Schema() = %d, %v; want %d", v, err, SchemaVersion())
	}
	if SchemaVersion() != len(migrations) || SchemaVersion() < 1 {
		t.Errorf("SchemaVersion() = %d with %d migrations", SchemaVersion(), len(migrations))
	}
	u := mkUser(t, s, "keep@example.com", "Sales")

	s = reopen(t, s)
	if v, err := s.Schema(); err != nil || v != SchemaVersion() {
		t.Errorf("after reopening: Schema() = %d, %v; want %d", v, err, SchemaVersion())
	}
	if got, err := s.User(u.ID); err != nil || got.Email != u.Email {
		t.Errorf("after reopening: User(%s) = %v, %v; want %s", u.ID, got, err, u.Email)
	}
}

func TestNewerSchemaRefusesToOpen(t *testing.T) {
	s, _ := openStore(t)
	path := s.Path()
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bMeta).Put(keySchema, u64(uint64(SchemaVersion()+1)))
	}))
	mustNoErr(t, s.Close())

	s2, err := Open(path)
	if err == nil {
		s2.Close()
		t.Fatal("Open of a database from a newer build succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error = %q, want it to say the database is newer", err)
	}
	// The refused file is closed again, not left locked, and not downgraded.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("the refused file is still locked: %v", err)
	}
	defer db.Close()
	mustNoErr(t, db.View(func(tx *bolt.Tx) error {
		if got := schemaOf(tx.Bucket(bMeta)); got != uint64(SchemaVersion()+1) {
			t.Errorf("schema after refusal = %d, want %d untouched", got, SchemaVersion()+1)
		}
		return nil
	}))
}

// migrationChecks holds one check per migration, run after it: a new
// migration without a check here fails TestEachMigration.
var migrationChecks = []func(t *testing.T, tx *bolt.Tx){
	// 1: the initial buckets.
	func(t *testing.T, tx *bolt.Tx) {
		for _, b := range [][]byte{bUsers, bUsersByEmail, bTokens, bSessions, bAudit,
			bAnnouncements, bBodies, bReceipts, bInbox, bCounters, bQuestions, bQuestionAnn,
			bChannels, bDeliveries, bDeliveriesAnn, bOutbox, bMailJobs} {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing after migration 1", b)
			}
		}
	},
}

func TestEachMigration(t *testing.T) {
	if len(migrationChecks) != len(migrations) {
		t.Fatalf("%d migrations but %d checks: add a check for every migration", len(migrations), len(migrationChecks))
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, m := range migrations {
		mustNoErr(t, db.Update(func(tx *bolt.Tx) error { return m(tx) }))
		mustNoErr(t, db.View(func(tx *bolt.Tx) error { migrationChecks[i](t, tx); return nil }))
		// A migration that ran but whose version was not recorded (a crash
		// between the two cannot happen in one transaction, but a restore
		// of an old backup can replay it) must run again harmlessly.
		if err := db.Update(func(tx *bolt.Tx) error { return m(tx) }); err != nil {
			t.Errorf("migration %d run twice: %v", i+1, err)
		}
	}
}

func TestMigrateFromVersionZero(t *testing.T) {
	// A file with no meta bucket at all (an empty bbolt file) is version 0.
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustNoErr(t, db.Close())

	s, _ := openAt(t, path)
	if v, err := s.Schema(); err != nil || v != SchemaVersion() {
		t.Fatalf("Schema() = %d, %v; want %d", v, err, SchemaVersion())
	}
	mkUser(t, s, "works@example.com", "")
}
