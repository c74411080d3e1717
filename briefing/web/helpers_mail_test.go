package web

// Mail in the web tests: the test kit's SMTP server and the real mail
// worker (briefing/embargo) beside the server, so a test reads the links
// people get and follows them.

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing/channel"
	"firsthand/briefing/embargo"
	"firsthand/briefing/testkit"
)

// mailed is one message as the test server received it.
type mailed struct {
	To, Subject, Body string
}

// mailbox reads the test kit's SMTP server by recipient.
type mailbox struct{ srv *testkit.SMTP }

// to lists the messages to one address so far.
func (b *mailbox) to(addr string) []mailed {
	var out []mailed
	for _, m := range b.srv.Mails() {
		if strings.Join(m.To, ",") == addr {
			out = append(out, mailed{To: addr, Subject: m.Subject(), Body: m.Body()})
		}
	}
	return out
}

func (b *mailbox) count() int { return len(b.srv.Mails()) }

// waitFor waits until addr has n messages and returns them.
func (b *mailbox) waitFor(t *testing.T, addr string, n int) []mailed {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(b.to(addr)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s %s has %d mails, want %d: %v", addr, len(b.to(addr)), n, b.to(addr))
		}
		time.Sleep(10 * time.Millisecond)
	}
	return b.to(addr)
}

// testClock is a clock a test moves while the server and the mail worker
// read it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newMailApp is a test app with SMTP configured and the mail worker
// running against the same store, on the real clock.
func newMailApp(t *testing.T) (*testApp, *mailbox) {
	t.Helper()
	return newMailAppAt(t, nil)
}

// newMailAppAt is newMailApp on the test's clock, if given.
func newMailAppAt(t *testing.T, clock *testClock) (*testApp, *mailbox) {
	t.Helper()
	box := &mailbox{srv: testkit.StartSMTP(t, testkit.SMTPOptions{})}
	m, err := channel.NewMailer("smtp://"+box.srv.Addr, "Firsthand <firsthand@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	var sched *embargo.Scheduler
	a := newTestApp(t, func(c *Config) {
		c.Mailer = m
		c.OnMail = func() { sched.Replan() }
	})
	if clock != nil {
		a.st.Now = clock.Now // before any worker reads it
	}
	sched, err = embargo.New(a.st, embargo.Options{BaseURL: a.srv.baseURL, Mailer: m,
		MailBackoff: func(int) time.Duration { return 20 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	a.st.OnPublish, a.st.OnRelease = sched.Replan, sched.Kick
	sched.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sched.Shutdown(ctx)
	})
	return a, box
}

// linkIn finds the first link with the path prefix in a mail and returns
// its path (the server under test is not at the base URL's host).
func linkIn(t *testing.T, m mailed, prefix string) string {
	t.Helper()
	re := regexp.MustCompile(`https?://[^/\s]+(` + regexp.QuoteMeta(prefix) + `[A-Za-z0-9_\-]+)`)
	got := re.FindStringSubmatch(m.Body)
	if got == nil {
		t.Fatalf("no %s link in the mail %q:\n%s", prefix, m.Subject, m.Body)
	}
	return got[1]
}
