package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// The benchmarks (BenchmarkImportUsers100k, BenchmarkPublish100k,
// BenchmarkAcknowledgeParallel, BenchmarkReadiness100k, BenchmarkInbox1000)
// set up only when run:
//
//	go test -run '^$' -bench . -benchtime 1x ./store/

// clock is a settable time source for Store.Now, safe for the goroutines of
// db.Batch.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// openStore opens a fresh database in the test's temporary directory, driven
// by a clock that only moves when the test moves it.
func openStore(tb testing.TB) (*Store, *clock) {
	tb.Helper()
	return openAt(tb, filepath.Join(tb.TempDir(), "firsthand.db"))
}

func openAt(tb testing.TB, path string) (*Store, *clock) {
	tb.Helper()
	s, err := Open(path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	clk := &clock{t: epoch}
	s.Now = clk.Now
	tb.Cleanup(func() { s.Close() })
	return s, clk
}

// reopen closes s and opens its file again, as a restart does.
func reopen(tb testing.TB, s *Store) *Store {
	tb.Helper()
	path := s.Path()
	if err := s.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
	s2, _ := openAt(tb, path)
	return s2
}

// copyKey puts the key file of the database at from beside the one at to,
// as a restore does.
func copyKey(tb testing.TB, from, to string) {
	tb.Helper()
	k, err := os.ReadFile(KeyFilePath(from))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(KeyFilePath(to), k, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func mustNoErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// wantKind fails unless err is of the domain kind want.
func wantKind(tb testing.TB, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("err = %v, want %v", err, want)
	}
}

func mkUser(tb testing.TB, s *Store, email, dept string, roles ...briefing.Role) *briefing.User {
	tb.Helper()
	u := &briefing.User{Email: email, Name: "Name of " + email, Department: dept, Roles: roles}
	if err := s.CreateUser(u, "test"); err != nil {
		tb.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// The people who act in store tests: the store trusts the caller's user,
// as the web layer has loaded it.
var (
	testAdmin   = &briefing.User{ID: "admin", Roles: []briefing.Role{briefing.RoleAdmin}, Active: true}
	testAuthor  = &briefing.User{ID: "author", Department: "PR", Roles: []briefing.Role{briefing.RoleAuthor}, Active: true}
	testManager = &briefing.User{ID: "manager", Department: "Sales", Roles: []briefing.Role{briefing.RoleManager}, Active: true}
)

// mkUsers creates n employees; dept names the department of the i-th.
func mkUsers(tb testing.TB, s *Store, n int, dept func(i int) string) []*briefing.User {
	tb.Helper()
	rows := make([]ImportRow, n)
	for i := range rows {
		rows[i] = ImportRow{Line: i + 2, User: briefing.User{
			Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %d", i), Department: dept(i),
		}}
	}
	// One transaction instead of n fsyncs.
	if res, err := s.ImportUsers(rows, "test"); err != nil || res.Created != n {
		tb.Fatalf("ImportUsers: created %d of %d, %v", res.Created, n, err)
	}
	out := make([]*briefing.User, n)
	for i, r := range rows {
		u, err := s.UserByEmail(r.User.Email)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = u
	}
	return out
}

func inDept(d string) func(int) string { return func(int) string { return d } }

func mkChannel(tb testing.TB, s *Store, name string) *briefing.Channel {
	tb.Helper()
	c := &briefing.Channel{Name: name, Kind: channel.KindWebhook, Config: channel.ConfigJSON(channel.WebhookConfig{
		URL: "https://partner.example/hook", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	})}
	if err := s.CreateChannel(c, "test"); err != nil {
		tb.Fatalf("CreateChannel(%s): %v", name, err)
	}
	return c
}

// mkDraft stores a draft; a missing title and threshold are filled in.
func mkDraft(tb testing.TB, s *Store, a briefing.Announcement) *briefing.Announcement {
	tb.Helper()
	if a.Title == "" {
		a.Title = "New pricing from 1 March"
	}
	if a.Body == "" {
		a.Body = "Prices **change**."
	}
	if err := s.CreateAnnouncement(&a, "user:author"); err != nil {
		tb.Fatalf("CreateAnnouncement: %v", err)
	}
	return &a
}

// mkPublished stores a draft and publishes it.
func mkPublished(tb testing.TB, s *Store, a briefing.Announcement) *briefing.Announcement {
	tb.Helper()
	d := mkDraft(tb, s, a)
	p, err := s.Publish(d.ID, "user:author")
	if err != nil {
		tb.Fatalf("Publish: %v", err)
	}
	return p
}

func channels(cs ...*briefing.Channel) []briefing.ChannelText {
	out := make([]briefing.ChannelText, len(cs))
	for i, c := range cs {
		out[i] = briefing.ChannelText{ChannelID: c.ID}
	}
	return out
}

func ack(tb testing.TB, s *Store, annID string, u *briefing.User) AckResult {
	tb.Helper()
	res, err := s.Acknowledge(annID, u.ID)
	if err != nil {
		tb.Fatalf("Acknowledge(%s, %s): %v", annID, u.ID, err)
	}
	return res
}

func TestOpenCreatesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub.db")
	s, _ := openAt(t, path)
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %v, want 0600: the file holds password hashes", perm)
	}
	if s.Size() <= 0 {
		t.Errorf("Size() = %d, want > 0", s.Size())
	}
}

func TestOpenLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 2 s lock timeout")
	}
	s, _ := openStore(t)
	_, err := Open(s.Path())
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
}

func TestBackup(t *testing.T) {
	s, _ := openStore(t)
	want := mkUsers(t, s, 5, inDept("Sales"))
	c := mkChannel(t, s, "Press")
	mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}, Channels: channels(c)})

	out := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.WriteBackup(f)
	if err != nil {
		t.Fatalf("WriteBackup: %v", err)
	}
	mustNoErr(t, f.Close())
	if fi, _ := os.Stat(out); fi.Size() != n || n == 0 {
		t.Errorf("WriteBackup wrote %d bytes, file has %d", n, fi.Size())
	}
	// The original stays in use while the copy is opened.
	mkUser(t, s, "after@example.com", "Sales")

	// A backup opens only with its key beside it (or given): restored
	// alone, it is refused rather than given a new key.
	if b, err := Open(out); err == nil {
		b.Close()
		t.Fatal("Open of a backup without its key succeeded, want an error")
	} else if !strings.Contains(err.Error(), "key file") || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Open of a backup without its key: %v, want it to say the key file is missing", err)
	}
	copyKey(t, s.Path(), out)
	b, _ := openAt(t, out)
	if got, err := b.Channel(c.ID); err != nil || string(got.Config) != string(c.Config) {
		t.Errorf("backup channel = %+v, %v; want the secret back with the key", got, err)
	}
	got, _, err := b.Users(UserFilter{})
	mustNoErr(t, err)
	if len(got) != len(want) {
		t.Fatalf("backup has %d users, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Email != want[i].Email {
			t.Errorf("backup user %d = %s %s, want %s %s", i, got[i].ID, got[i].Email, want[i].ID, want[i].Email)
		}
	}
	if v, err := b.Schema(); err != nil || v != SchemaVersion() {
		t.Errorf("backup schema = %d, %v; want %d", v, err, SchemaVersion())
	}
	list, _, err := b.Announcements(AnnouncementFilter{})
	mustNoErr(t, err)
	if len(list) != 1 || list[0].Recipients != 5 {
		t.Errorf("backup announcements = %d, want 1 with 5 recipients", len(list))
	}
}
