package main

import (
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing/testkit"
)

// The release gate, end to end: a server started by run, with one real
// receiver per channel kind (the test kit's HTTP receivers for webhook,
// Slack and Mastodon, its in-process SMTP server for e-mail). Every
// announcement of a test carries a tag in its title and channel texts, so
// the receivers can tell which announcement a request is for.

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
	*testkit.Receiver
	check func(r testkit.Request) (key string, err error)

	mu       sync.Mutex
	status   func(n int) int
	keys     map[int]string // by request number
	problems []string
}

func newReceiver(t *testing.T, check func(r testkit.Request) (string, error)) *receiver {
	rc := &receiver{check: check, status: func(int) int { return http.StatusOK }, keys: map[int]string{}}
	rc.Receiver = testkit.NewReceiver(t, rc.respond)
	return rc
}

func (rc *receiver) respond(n int, r testkit.Request) testkit.Response {
	key, err := rc.check(r)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err != nil {
		rc.problems = append(rc.problems, err.Error())
		return testkit.Response{Status: http.StatusBadRequest}
	}
	rc.keys[n] = key
	return testkit.Response{Status: rc.status(n)}
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
	return rc.HoldFirst(t, func(r testkit.Request) bool { return strings.Contains(string(r.Body), tag) })
}

// tagged returns the requests whose body carries tag.
func (rc *receiver) tagged(tag string) []hit {
	reqs := rc.Requests()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []hit
	for i, r := range reqs {
		if strings.Contains(string(r.Body), tag) {
			out = append(out, hit{at: r.At, key: rc.keys[i+1], body: string(r.Body), status: r.Status})
		}
	}
	return out
}

func (rc *receiver) trouble() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.problems...)
}

// mailbox is the test kit's SMTP server, read for the messages sent to the
// press address, the e-mail channel's only recipient; notices to staff go
// elsewhere and are ignored.
type mailbox struct {
	*testkit.SMTP
	press string
}

func (mb *mailbox) tagged(tag string) []hit {
	var out []hit
	for _, m := range mb.Mails() {
		toPress := false
		for _, to := range m.To {
			toPress = toPress || strings.EqualFold(to, mb.press)
		}
		if toPress && strings.Contains(string(m.Data), tag) {
			out = append(out, hit{at: m.At, key: messageID(m), body: string(m.Data), status: 250})
		}
	}
	return out
}

func messageID(m testkit.Mail) string {
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(msg.Header.Get("Message-ID"))
}
