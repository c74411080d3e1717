package embargo

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "firsthand.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// start runs a scheduler wired to st the way the server wires it, and
// shuts it down (waiting for its jobs) before the store is closed.
func start(t testing.TB, st *store.Store, opts Options) (*Scheduler, *testkit.LockedBuffer) {
	t.Helper()
	logs := &testkit.LockedBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opts.BaseURL == "" {
		opts.BaseURL = "https://news.example.com/"
	}
	if opts.Dialer == nil {
		// The receivers are httptest servers on loopback, which the
		// default policy refuses: allowed explicitly.
		opts.Dialer = channel.NewGuardedDialer(channel.AllowLoopback())
	}
	s, err := New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	st.OnRelease, st.OnPublish = s.Kick, s.Replan
	s.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if t.Failed() {
			t.Logf("scheduler log:\n%s", logs)
		}
	})
	return s, logs
}

func addUser(t testing.TB, st *store.Store, email, dept string, roles ...briefing.Role) *briefing.User {
	t.Helper()
	u := &briefing.User{Email: email, Name: strings.Split(email, "@")[0], Department: dept, Roles: roles}
	if err := st.CreateUser(u, "test"); err != nil {
		t.Fatal(err)
	}
	return u
}

// testSecret is a webhook secret; no log line may ever contain it.
var testSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("sixteen-byte-key-for-tests"))

func addWebhook(t *testing.T, st *store.Store, name, url string) *briefing.Channel {
	t.Helper()
	c := &briefing.Channel{Name: name, Kind: channel.KindWebhook, Config: channel.ConfigJSON(channel.WebhookConfig{URL: url, Secret: testSecret})}
	if err := st.CreateChannel(c, "test"); err != nil {
		t.Fatal(err)
	}
	return c
}

// draft creates an announcement for the Sales department on the given
// channels; the caller publishes it.
func draft(t testing.TB, st *store.Store, author *briefing.User, p briefing.Policy, channels ...*briefing.Channel) *briefing.Announcement {
	t.Helper()
	a := &briefing.Announcement{
		Title: "New pricing from 1 March", Summary: "Prices change.", Body: "# Details",
		Audience: briefing.Audience{Departments: []string{"Sales"}}, Policy: p, AuthorID: author.ID,
	}
	for _, c := range channels {
		a.Channels = append(a.Channels, briefing.ChannelText{ChannelID: c.ID, Text: "Public text for " + c.Name})
	}
	if err := st.CreateAnnouncement(a, "test"); err != nil {
		t.Fatal(err)
	}
	return a
}

func publish(t testing.TB, st *store.Store, a *briefing.Announcement) {
	t.Helper()
	if _, err := st.Publish(a.ID, "test"); err != nil {
		t.Fatal(err)
	}
}

func ack(t *testing.T, st *store.Store, a *briefing.Announcement, users ...*briefing.User) {
	t.Helper()
	for _, u := range users {
		if _, err := st.Acknowledge(a.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// eventually polls cond until it holds or the time is up: the workers run
// on their own goroutines, and timings on a loaded machine vary.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s never happened", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func announcement(t *testing.T, st *store.Store, id string) *briefing.Announcement {
	t.Helper()
	a, err := st.Announcement(id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestKickNeverBlocks: the store calls Kick and Replan inside request
// handlers, with or without a running scheduler.
func TestKickNeverBlocks(t *testing.T) {
	t.Parallel()
	s, err := New(newStore(t), Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for range 1000 {
			s.Kick()
			s.Replan()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Kick or Replan blocked on a scheduler that is not running")
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown of a scheduler never started: %v", err)
	}
}

// TestNewDefaults checks the defaults the server relies on.
func TestNewDefaults(t *testing.T) {
	t.Parallel()
	s, err := New(newStore(t), Options{BaseURL: "https://x.example/", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	if s.opts.SweepEvery != time.Second || s.opts.MaxInFlight != 8 || s.opts.BaseURL != "https://x.example" {
		t.Errorf("defaults = sweep %s, in flight %d, base %q; want 1s, 8, no trailing slash",
			s.opts.SweepEvery, s.opts.MaxInFlight, s.opts.BaseURL)
	}
	if got := s.opts.RetryDelay(1, 0); got != 2*time.Second {
		t.Errorf("default RetryDelay(1) = %s, want briefing.RetryDelay's 2s", got)
	}
	var names []string
	for _, j := range s.gs.Jobs() {
		names = append(names, j.Name())
	}
	if got := fmt.Sprint(names); !strings.Contains(got, "sweep") || !strings.Contains(got, "deliver") ||
		!strings.Contains(got, "mail") || !strings.Contains(got, "prune-sessions") || !strings.Contains(got, "plan") {
		t.Errorf("jobs = %s, want sweep, plan, deliver, mail and prune-sessions", got)
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil store) succeeded, want an error")
	}
}

// TestShutdownWaitsForSends: a send in flight when the server stops is
// finished and recorded, so it is not sent again after a restart.
func TestShutdownWaitsForSends(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	arrived := make(chan struct{}, 1)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default: // never block a handler: Close would wait for it forever
		}
		time.Sleep(300 * time.Millisecond)
	}))
	t.Cleanup(slow.Close)
	ch := addWebhook(t, st, "slow", slow.URL)
	s, err := New(st, Options{Logger: slog.New(slog.DiscardHandler), Dialer: channel.NewGuardedDialer(channel.AllowLoopback())})
	if err != nil {
		t.Fatal(err)
	}
	st.OnRelease = s.Kick
	s.Start()
	a := released(t, st, ch)
	select {
	case <-arrived:
	case <-time.After(15 * time.Second):
		t.Fatal("the delivery never reached the receiver")
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := deliveryOn(t, st, a, ch); d.State != briefing.DeliverySent || d.Attempts != 1 {
		t.Errorf("after shutdown: delivery %s with %d attempts, want sent with 1", d.State, d.Attempts)
	}
}

// TestShutdownGivesUp: when the caller's patience ends first, the send is
// cancelled and not recorded: the delivery stays pending with no attempt
// counted, to be sent after a restart with the same idempotency key.
func TestShutdownGivesUp(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	arrived := make(chan struct{}, 1)
	testDone := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a client gone only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case arrived <- struct{}{}:
		default: // a resend after the shutdown would be a failure below
		}
		// Hang until the client gives up, or the test ends: Close waits for
		// running handlers, so a handler that never returns hangs the test.
		select {
		case <-r.Context().Done():
		case <-testDone:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(testDone) }) // runs before hang.Close
	ch := addWebhook(t, st, "hangs", hang.URL)
	s, err := New(st, Options{Logger: slog.New(slog.DiscardHandler), Dialer: channel.NewGuardedDialer(channel.AllowLoopback())})
	if err != nil {
		t.Fatal(err)
	}
	st.OnRelease = s.Kick
	s.Start()
	a := released(t, st, ch)
	select {
	case <-arrived:
	case <-time.After(15 * time.Second):
		t.Fatal("the delivery never reached the receiver")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	if err := s.Shutdown(ctx); err == nil {
		t.Error("Shutdown returned no error although the send outlived its context")
	}
	if took := time.Since(began); took > 3*time.Second {
		t.Errorf("Shutdown took %s, want it to stop soon after its context ended", took)
	}
	if d := deliveryOn(t, st, a, ch); d.State != briefing.DeliveryPending || d.Attempts != 0 {
		t.Errorf("after an impatient shutdown: delivery %s with %d attempts, want pending with 0", d.State, d.Attempts)
	}
}

// TestScheduledReminderIsMailed: the remind job finds a reminder that fell
// due (policy.remind_every_hours) and the reminder mail goes out with the
// person's link, only to whoever has not acknowledged.
func TestScheduledReminderIsMailed(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	var mu sync.Mutex
	now := time.Now().UTC()
	st.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := newSMTP(t, 0)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	e1 := addUser(t, st, "e1@example.com", "Sales")
	e2 := addUser(t, st, "e2@example.com", "Sales")
	every := 4
	a := draft(t, st, author, briefing.Policy{RemindEveryHours: &every})
	publish(t, st, a)
	ack(t, st, a, e1)
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff, RemindEvery: 20 * time.Millisecond})
	waitMailed(t, st, srv, 2) // the briefing mail to both

	mu.Lock()
	now = now.Add(4 * time.Hour)
	mu.Unlock()
	eventually(t, 10*time.Second, "the reminder mailed", func() bool {
		acc, _ := srv.got()
		return len(acc) == 3
	})
	acc, _ := srv.got()
	r := acc[2]
	if r.to != e2.Email || !strings.HasPrefix(r.subject, "Reminder:") || !strings.Contains(r.body, "https://news.example.com/b/fl_") {
		t.Errorf("the reminder: to %s, %q\n%s", r.to, r.subject, r.body)
	}
	if got := announcement(t, st, a.ID); got.ScheduledReminders != 1 {
		t.Errorf("ScheduledReminders = %d, want 1", got.ScheduledReminders)
	}
}
