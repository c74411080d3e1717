package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
	// 4: no channel keeps a config in clear, and each one opens.
	func(t *testing.T, tx *bolt.Tx) {
		mustNoErr(t, tx.Bucket(bChannels).ForEach(func(k, v []byte) error {
			if _, err := getChannel(tx, k); err != nil || bytes.Contains(v, []byte(`"config"`)) {
				t.Errorf("channel %d after migration 4: %v (%s)", bytesToU64(k), err, v)
			}
			return nil
		}))
	},
	// 5: every delivery has a receiver id.
	func(t *testing.T, tx *bolt.Tx) {
		mustNoErr(t, tx.Bucket(bDeliveries).ForEach(func(k, _ []byte) error {
			if d, err := getDelivery(tx, k); err != nil || d.ReceiverID == "" {
				t.Errorf("delivery %d after migration 5: %+v, %v", bytesToU64(k), d, err)
			}
			return nil
		}))
	},
	// 6: every token and session is in its owner's index.
	func(t *testing.T, tx *bolt.Tx) {
		for _, p := range [][2][]byte{{bTokens, bTokensByUser}, {bSessions, bSessionsByUser}} {
			mustNoErr(t, tx.Bucket(p[0]).ForEach(func(k, v []byte) error {
				if tx.Bucket(p[1]).Get(credentialKey(v[:8], k)) == nil {
					t.Errorf("%s %x is not in %s after migration 6", p[0], k, p[1])
				}
				return nil
			}))
		}
	},
	// 7: exactly one newsroom channel (run twice by TestEachMigration).
	func(t *testing.T, tx *bolt.Tx) {
		n := 0
		mustNoErr(t, tx.Bucket(bChannels).ForEach(func(_, v []byte) error {
			if kind, err := channelKind(v); err == nil && kind == briefing.KindNewsroom {
				n++
			}
			return nil
		}))
		if n != 1 {
			t.Errorf("%d newsroom channels after migration 7, want 1", n)
		}
	},
	// 8: the buckets of personal links.
	func(t *testing.T, tx *bolt.Tx) {
		for _, b := range [][]byte{bLinks, bLinksByUser} {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing after migration 8", b)
			}
		}
	},
	// 9: every event is filed under each person it names.
	func(t *testing.T, tx *bolt.Tx) {
		idx := tx.Bucket(bAuditByUser)
		if idx == nil {
			t.Fatal("no audit_by_user bucket after migration 9")
		}
		mustNoErr(t, tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
			e, err := decodeEvent(v)
			mustNoErr(t, err)
			if e.Action == actionAcknowledge {
				return nil // not indexed (audit.go)
			}
			for _, who := range []string{e.Actor, e.Target} {
				if id, ok := canonicalID(who, "user:"); ok && idx.Get(pair(id, bytesToU64(k))) == nil {
					t.Errorf("event %d is not filed under %s", bytesToU64(k), who)
				}
			}
			return nil
		}))
	},
	// 10: the revisions and message types buckets.
	func(t *testing.T, tx *bolt.Tx) {
		for _, b := range [][]byte{bRevisions, bMessageTypes} {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing after migration 10", b)
			}
		}
	},
	// 11: the bucket of OAuth connect attempts.
	func(t *testing.T, tx *bolt.Tx) {
		if tx.Bucket(bOAuthStates) == nil {
			t.Errorf("bucket %s missing after its migration", bOAuthStates)
		}
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
	box, err := newSecretBox(bytes.Repeat([]byte{7}, SecretKeySize))
	mustNoErr(t, err)
	boxes.Store(db, box)
	defer boxes.Delete(db)
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

func TestMigrationSealsChannelSecrets(t *testing.T) {
	s, _ := openStore(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	// What a build before migration 4 wrote: the config in clear beside
	// the public fields.
	old := []map[string]any{
		{"id": "1", "name": "Partners", "kind": "webhook", "purpose": "", "disabled": false, "created_at": at,
			"config": map[string]any{"url": "https://partner.example/hook", "secret": atRestSecret}},
		{"id": "2", "name": "Fediverse", "kind": "mastodon", "purpose": "news", "disabled": true, "note": "paused", "created_at": at,
			"config": map[string]any{"instance": "https://social.example", "access_token": atRestToken}},
	}
	// Enough channels to fill several pages: the pages the migration frees
	// are not all reused at once, as in a real database, so only the scrub
	// takes the clear text out of the file.
	for i := 3; i <= 60; i++ {
		old = append(old, map[string]any{"id": formatID(uint64(i)), "name": fmt.Sprintf("Hook %d", i), "kind": "webhook", "created_at": at,
			"config": map[string]any{"url": fmt.Sprintf("https://partner%d.example/hook", i), "secret": atRestSecret}})
	}
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		// A database from before migration 7 has no newsroom channel.
		if err := tx.DeleteBucket(bChannels); err != nil {
			return err
		}
		b, err := tx.CreateBucket(bChannels)
		if err != nil {
			return err
		}
		for _, c := range old {
			v, err := json.Marshal(c)
			if err != nil {
				return err
			}
			seq, _ := b.NextSequence()
			if err := b.Put(u64(seq), v); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(3))
	}))
	path := s.Path()
	mustNoErr(t, s.Close())
	if file, _ := os.ReadFile(path); !bytes.Contains(file, []byte(atRestSecret)) {
		t.Fatal("the old-format file does not hold the secret: the test proves nothing")
	}

	s, _ = openAt(t, path)
	if v, err := s.Schema(); err != nil || v != SchemaVersion() {
		t.Fatalf("Schema() = %d, %v; want %d", v, err, SchemaVersion())
	}
	hook, err := s.Channel("1")
	mustNoErr(t, err)
	masto, err := s.Channel("2")
	mustNoErr(t, err)
	if !bytes.Contains(hook.Config, []byte(atRestSecret)) || !bytes.Contains(hook.Config, []byte("https://partner.example/hook")) || hook.Name != "Partners" {
		t.Errorf("webhook after the migration = %+v", hook)
	}
	if !bytes.Contains(masto.Config, []byte(atRestToken)) || !masto.Disabled || masto.Note != "paused" || masto.Purpose != "news" {
		t.Errorf("mastodon after the migration = %+v", masto)
	}
	var backup bytes.Buffer
	_, err = s.WriteBackup(&backup)
	mustNoErr(t, err)
	wantNoSecrets(t, "a backup after the migration", backup.Bytes())
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta).Get(keyScrub) != nil {
			t.Error("the scrub flag is still set after the scrub")
		}
		return nil
	}))
	// The ids go on from where they were: 61 is the newsroom migration 7 added.
	c := mkChannel(t, s, "New")
	if c.ID != "62" {
		t.Errorf("a channel made after the migration has id %s, want 62", c.ID)
	}
	mustNoErr(t, s.Close())
	file, err := os.ReadFile(path)
	mustNoErr(t, err)
	wantNoSecrets(t, "the database file after the migration", file)
	if _, err := os.Stat(path + ".scrub"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the scrub left its copy behind: %v", err)
	}
}

func TestMigrationGivesDeliveriesReceiverIDs(t *testing.T) {
	s, _ := openStore(t)
	// What a build before migration 5 wrote: no receiver_id; receivers saw
	// the sequence number.
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		for n := uint64(1); n <= 3; n++ {
			v, _ := json.Marshal(map[string]any{"id": formatID(n), "announcement_id": "1", "channel_id": "1",
				"kind": "webhook", "state": "pending", "attempts": n - 1})
			if err := tx.Bucket(bDeliveries).Put(u64(n), v); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(4))
	}))
	s = reopen(t, s)
	for n := 1; n <= 3; n++ {
		d, err := s.Delivery(formatID(uint64(n)))
		mustNoErr(t, err)
		if d.ReceiverID != d.ID || d.Attempts != n-1 || d.State != briefing.DeliveryPending {
			t.Errorf("delivery %d after the migration = %+v, want receiver id %q and the rest kept", n, d, d.ID)
		}
	}
}

// TestMigrationIndexesCredentials: tokens and sessions written before the
// per-user indexes existed are revoked by a deactivation after the upgrade.
func TestMigrationIndexesCredentials(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "old@example.com", "")
	token, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	session, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	// Back to schema 5: no indexes, as an older build left the file.
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bTokensByUser, bSessionsByUser} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(5))
	}))
	s = reopen(t, s)
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Active = true; return nil })
	mustNoErr(t, err)
	if _, err := s.UserByToken(token); err == nil {
		t.Error("a token from before the migration works after deactivation and reactivation")
	}
	if _, err := s.SessionUser(session); err == nil {
		t.Error("a session from before the migration works after deactivation and reactivation")
	}
}
