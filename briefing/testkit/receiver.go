package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Request is one request a Receiver got, and what it answered.
type Request struct {
	At     time.Time
	Method string
	Path   string // with the query, as sent
	Header http.Header
	Body   []byte
	Status int
}

// Response is a Receiver's answer to one request.
type Response struct {
	Status int
	Header map[string]string
	Body   string
}

// Responder chooses the answer to the n-th request (counting from 1).
type Responder func(n int, r Request) Response

// Status answers every request with code and an empty body.
func Status(code int) Responder {
	return func(int, Request) Response { return Response{Status: code} }
}

// Receiver is an HTTP server on loopback that records every request and
// answers as its Responder says: a webhook endpoint, a chat webhook or a
// platform's API stand-in.
type Receiver struct {
	URL string
	srv *httptest.Server

	mu      sync.Mutex
	respond Responder
	reqs    []Request
	hold    func(Request) bool // the first request it matches hangs …
	held    bool
	unhold  chan struct{} // … until this is closed
}

// NewReceiver starts a receiver; it stops when the test ends.
func NewReceiver(t testing.TB, respond Responder) *Receiver {
	t.Helper()
	rc := &Receiver{respond: respond}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	rc.URL = rc.srv.URL
	t.Cleanup(rc.srv.Close)
	return rc
}

// Respond replaces the responder for the requests still to come.
func (rc *Receiver) Respond(r Responder) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.respond = r
}

// HoldFirst makes the first request that match accepts hang, as a slow
// receiver does at the moment of a crash, until release is called. release
// also runs when the test ends, before the server's Close waits for it.
func (rc *Receiver) HoldFirst(t testing.TB, match func(Request) bool) (release func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	unhold := make(chan struct{})
	rc.hold, rc.held, rc.unhold = match, false, unhold
	var once sync.Once
	release = func() { once.Do(func() { close(unhold) }) }
	t.Cleanup(release)
	return release
}

// Requests returns what arrived so far, in order.
func (rc *Receiver) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.reqs...)
}

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := Request{At: time.Now(), Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body}
	rc.mu.Lock()
	resp := rc.respond(len(rc.reqs)+1, req)
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	req.Status = resp.Status
	rc.reqs = append(rc.reqs, req)
	var hold chan struct{}
	if rc.hold != nil && !rc.held && rc.hold(req) {
		rc.held, hold = true, rc.unhold
	}
	rc.mu.Unlock()
	if hold != nil {
		<-hold
	}
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.Status)
	_, _ = io.WriteString(w, resp.Body)
}
