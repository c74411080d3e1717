package main

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// The release gate, end to end: a server started by run, with one real
// receiver per channel kind (httptest servers for webhook, Slack and
// Mastodon, an in-process SMTP server for e-mail). Every announcement of a
// test carries a tag in its title and channel texts, so the receivers can
// tell which announcement a request is for.

// hit is one request a receiver got.
type hit struct {
	at     time.Time
	key    string // webhook-id, Idempotency-Key or Message-ID
	body   string
	status int // what the receiver answered
}

// receiver records what arrives and answers with status(n), n counting its
// requests from 1. check validates a request the way the real service
// would; a failed check is answered 400 and reported by the test.
type receiver struct {
	srv    *httptest.Server
	status func(n int) int
	check  func(r *http.Request, body []byte) (key string, err error)

	mu       sync.Mutex
	hits     []hit
	problems []string
	holdTag  string        // the first request carrying it hangs …
	held     bool          // (it has arrived) …
	unhold   chan struct{} // … until this is closed
}

// answer sets what the receiver answers to its n-th request.
func (rc *receiver) answer(status func(n int) int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.status = status
}

// holdFirst makes the receiver hang on the first request carrying tag,
// as a receiver does that is slow at the moment of a crash, until
// release is called. release is also called when the test ends.
func (rc *receiver) holdFirst(t *testing.T, tag string) (release func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.holdTag, rc.unhold = tag, make(chan struct{})
	var once sync.Once
	unhold := rc.unhold
	release = func() { once.Do(func() { close(unhold) }) }
	t.Cleanup(release) // before the httptest server's Close waits for it
	return release
}

func newReceiver(t *testing.T, check func(r *http.Request, body []byte) (string, error)) *receiver {
	rc := &receiver{check: check, status: func(int) int { return http.StatusOK }}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key, err := rc.check(r, body)
	rc.mu.Lock()
	status := http.StatusBadRequest
	if err != nil {
		rc.problems = append(rc.problems, err.Error())
	} else {
		status = rc.status(len(rc.hits) + 1)
	}
	rc.hits = append(rc.hits, hit{at: at, key: key, body: string(body), status: status})
	var hold chan struct{}
	if rc.holdTag != "" && !rc.held && strings.Contains(string(body), rc.holdTag) {
		rc.held, hold = true, rc.unhold
	}
	rc.mu.Unlock()
	if hold != nil {
		<-hold
	}
	w.WriteHeader(status)
}

// tagged returns the requests whose body carries tag.
func (rc *receiver) tagged(tag string) []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []hit
	for _, h := range rc.hits {
		if strings.Contains(h.body, tag) {
			out = append(out, h)
		}
	}
	return out
}

func (rc *receiver) trouble() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.problems...)
}

// mailbox is a real SMTP server's backend. It keeps the messages sent to
// the press address, the e-mail channel's only recipient; notices to
// staff go elsewhere and are ignored.
type mailbox struct {
	press string
	mu    sync.Mutex
	hits  []hit
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }

func (mb *mailbox) tagged(tag string) []hit {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []hit
	for _, h := range mb.hits {
		if strings.Contains(h.body, tag) {
			out = append(out, h)
		}
	}
	return out
}

type mailSession struct {
	mb    *mailbox
	press bool
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.press = s.press || strings.EqualFold(to, s.mb.press)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.press {
		h := hit{at: time.Now(), body: string(data), status: 250}
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Message-ID") {
				h.key = strings.TrimSpace(v)
			}
		}
		s.mb.mu.Lock()
		s.mb.hits = append(s.mb.hits, h)
		s.mb.mu.Unlock()
	}
	return nil
}

func (s *mailSession) Reset()        { s.press = false }
func (s *mailSession) Logout() error { return nil }

func startSMTP(t *testing.T, mb *mailbox) string {
	t.Helper()
	s := smtp.NewServer(mb)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return l.Addr().String()
}
