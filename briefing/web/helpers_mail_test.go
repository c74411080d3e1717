package web

// Mail in the web tests: a real SMTP server in the test process and the
// real mail worker (briefing/embargo) beside the server, so a test reads
// the links people get and follows them. (A shared test kit may replace
// this server; until then it follows the one in briefing/embargo.)

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"firsthand/briefing/channel"
	"firsthand/briefing/embargo"
)

// mailed is one message as the test server received it.
type mailed struct {
	To, Subject, Body string
}

// mailbox is an SMTP server that keeps every message.
type mailbox struct {
	mu   sync.Mutex
	msgs []mailed
	addr string
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	b := &mailbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return b
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{b: b}, nil }

type mailSession struct {
	b  *mailbox
	to []string
}

func (s *mailSession) Reset()                                    { s.to = nil }
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }

func (s *mailSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		if dec, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw)))); err == nil {
			raw = dec
		}
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.msgs = append(s.b.msgs, mailed{To: strings.Join(s.to, ","), Subject: m.Header.Get("Subject"), Body: string(raw)})
	return nil
}

// to lists the messages to one address so far.
func (b *mailbox) to(addr string) []mailed {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []mailed
	for _, m := range b.msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

func (b *mailbox) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.msgs)
}

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

func (b *mailbox) mailer(t *testing.T) *channel.Mailer {
	t.Helper()
	m, err := channel.NewMailer("smtp://"+b.addr, "Firsthand <firsthand@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// newMailApp is a test app with SMTP configured and the mail worker
// running against the same store.
func newMailApp(t *testing.T) (*testApp, *mailbox) {
	t.Helper()
	box := newMailbox(t)
	m := box.mailer(t)
	var sched *embargo.Scheduler
	a := newTestApp(t, func(c *Config) {
		c.Mailer = m
		c.OnMail = func() { sched.Replan() }
	})
	var err error
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
