package store

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
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
	// 2: no acknowledgement's audit event is left as JSON.
	func(t *testing.T, tx *bolt.Tx) {
		mustNoErr(t, tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
			if e, err := decodeEvent(v); err == nil && v[0] == '{' {
				if _, ok := encodeCompactAck(e); ok {
					t.Errorf("event %d is still JSON after migration 2: %s", bytesToU64(k), v)
				}
			}
			return nil
		}))
	},
	// 3: every user is in the binary form and decodes.
	func(t *testing.T, tx *bolt.Tx) {
		mustNoErr(t, tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
			if _, err := decodeUser(v); err != nil {
				t.Errorf("user %d after migration 3: %v (%q)", bytesToU64(k), err, v)
			}
			return nil
		}))
	},
}

func TestMigrationCompactsAckEvents(t *testing.T) {
	s, _ := openStore(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)
	// What a build before migration 2 wrote: every event as JSON.
	old := []briefing.Event{
		{At: at, Actor: "user:12", Action: "briefing.acknowledge", Target: "announcement:3"},
		{At: at, Actor: "user:12", Action: "briefing.acknowledge", Target: "announcement:3", Detail: "kept as JSON"},
		{At: at, Actor: "user:012", Action: "briefing.acknowledge", Target: "announcement:3"},
		{At: at, Actor: "admin", Action: "user.create", Target: "user:12", Detail: "x@example.com"},
	}
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		for _, e := range old {
			v, err := json.Marshal(e)
			if err != nil {
				return err
			}
			seq, _ := b.NextSequence()
			if err := b.Put(u64(seq), v); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(1))
	}))

	s = reopen(t, s)
	if v, err := s.Schema(); err != nil || v != SchemaVersion() {
		t.Fatalf("Schema() = %d, %v; want %d", v, err, SchemaVersion())
	}
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		for i, wantCompact := range []bool{true, false, false, false} {
			v := b.Get(u64(uint64(i + 1)))
			if got := len(v) > 0 && v[0] == compactAck; got != wantCompact {
				t.Errorf("event %d (%+v): compact = %v, want %v (%d bytes)", i+1, old[i], got, wantCompact, len(v))
			}
		}
		return nil
	}))
	events, _, err := s.AuditEvents(AuditFilter{})
	mustNoErr(t, err)
	if len(events) != len(old) {
		t.Fatalf("got %d events after the migration, want %d", len(events), len(old))
	}
	for i, e := range events {
		if want := old[len(old)-1-i]; e.Event != want {
			t.Errorf("event %s after the migration = %+v, want %+v", e.ID, e.Event, want)
		}
	}
}

func TestMigrationBinaryUsers(t *testing.T) {
	s, _ := openStore(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)
	// What a build before migration 3 wrote: every user as JSON, the
	// password hash beside the fields briefing.User marshals.
	old := []briefing.User{
		{ID: "1", Email: "ada@example.com", Name: "Ada", Department: "Engineering", Location: "London",
			Roles: []briefing.Role{briefing.RoleAdmin, briefing.RoleAuthor}, Active: true, CreatedAt: at,
			PasswordHash: []byte("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")},
		{ID: "2", Email: "gone@example.com", Name: "Gone", Department: "Sales",
			Roles: []briefing.Role{briefing.RoleEmployee}, CreatedAt: at.Add(time.Second)},
		{ID: "3", Email: "mgr@example.com", Name: "Mägör", Location: "Berlin",
			Roles: []briefing.Role{briefing.RoleManager}, Active: true, CreatedAt: at.Add(time.Hour)},
	}
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		users, byEmail := tx.Bucket(bUsers), tx.Bucket(bUsersByEmail)
		for _, u := range old {
			v, err := json.Marshal(legacyUser{User: u, PasswordHash: u.PasswordHash})
			if err != nil {
				return err
			}
			seq, _ := users.NextSequence()
			if err := users.Put(u64(seq), v); err != nil {
				return err
			}
			if err := byEmail.Put([]byte(u.Email), u64(seq)); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(2))
	}))

	s = reopen(t, s)
	if v, err := s.Schema(); err != nil || v != SchemaVersion() {
		t.Fatalf("Schema() = %d, %v; want %d", v, err, SchemaVersion())
	}
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
			if len(v) == 0 || v[0] != userV1 {
				t.Errorf("user %d is still stored as %q, want the binary form", bytesToU64(k), v)
			}
			return nil
		})
	}))
	for _, want := range old {
		got, err := s.UserByEmail(want.Email)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("after the migration:\n got %+v, %v\nwant %+v", got, err, want)
		}
	}
	listed, _, err := s.Users(UserFilter{})
	mustNoErr(t, err)
	if len(listed) != len(old) {
		t.Errorf("Users() lists %d users after the migration, want %d", len(listed), len(old))
	}
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
