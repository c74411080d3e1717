package channel

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// standIn is the frame of a platform stand-in: an httptest server that
// records every request and lets the platform's handler answer it. Each
// platform's test file writes its handler after the platform's published
// contract and refuses what the real one refuses.
type standIn struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// seen is one request a stand-in got.
type seen struct {
	Method, Path string
	RawPath      string // as sent, still encoded
	Query        url.Values
	Header       http.Header
	Body         []byte
	Form         url.Values // a form body, parsed
}

func newStandIn(t *testing.T, h func(w http.ResponseWriter, r seen)) *standIn {
	t.Helper()
	s := &standIn{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := seen{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			req.Form, _ = url.ParseQuery(string(body))
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
		h(w, req)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns what arrived, optionally only those to path.
func (s *standIn) requests(method, path string) []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []seen
	for _, r := range s.reqs {
		if (method == "" || r.Method == method) && (path == "" || r.Path == path) {
			out = append(out, r)
		}
	}
	return out
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// hang holds a request past the sender's deadline (its ctx), as a platform
// does that posts and then never answers.
func hang(w http.ResponseWriter, d time.Duration) {
	time.Sleep(d)
	w.WriteHeader(http.StatusCreated)
}

// fakeTokens is a TokenProvider as the oauth code's is: a current token,
// and a fresh one when told the current one was refused.
type fakeTokens struct {
	mu      sync.Mutex
	current string
	fresh   string // what a refresh yields; "" fails the refresh
	calls   []string
}

func (f *fakeTokens) Token(_ context.Context, channelID, refused string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, channelID+"|"+refused)
	if refused == "" {
		return f.current, nil
	}
	if refused != f.current || f.fresh == "" {
		return "", errors.New("refresh failed")
	}
	f.current, f.fresh = f.fresh, ""
	return f.current, nil
}

// asError returns err as an *Error, failing the test when it is not one.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e
}

// assertNoneOf fails if s carries any of the secrets.
func assertNoneOf(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, x := range secrets {
		if x != "" && strings.Contains(s, x) {
			t.Errorf("%s %q carries the secret %q", what, s, x)
		}
	}
}

// TestDoUnknownOutcome: a request written and then dropped without an
// answer may have been acted on (Timeout); one that never connected was not.
func TestDoUnknownOutcome(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			_, _ = c.Read(buf) // the request arrives, then the line drops
			c.Close()
		}
	}()
	client := testEnv.withDefaults().Client
	_, err = do(t.Context(), client, apiCall{method: http.MethodPost, url: "http://" + ln.Addr().String() + "/2/tweets", body: []byte(`{}`)})
	if e := asError(t, err); !e.Timeout {
		t.Errorf("dropped after writing: Timeout = false (%q), want true: the platform may have it", e.Msg)
	}
	ln.Close()
	_, err = do(t.Context(), client, apiCall{method: http.MethodPost, url: "http://" + ln.Addr().String() + "/2/tweets", body: []byte(`{}`)})
	if e := asError(t, err); e.Timeout {
		t.Errorf("refused connection: Timeout = true (%q), want false: nothing left", e.Msg)
	}
}

// TestBearerCallRefreshesOnce: a 401 gets one fresh token and one more
// try; a second 401 fails for good and tells the admins.
func TestBearerCallRefreshesOnce(t *testing.T) {
	valid := "fresh-token"
	srv := newStandIn(t, func(w http.ResponseWriter, r seen) {
		if r.Header.Get("Authorization") != "Bearer "+valid {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"title": "Unauthorized"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{})
	})
	client := testEnv.withDefaults().Client
	call := func(tok string) apiCall {
		return apiCall{method: http.MethodGet, url: srv.URL, header: http.Header{"Authorization": {"Bearer " + tok}}}
	}
	tokens := &fakeTokens{current: "stale-token", fresh: valid}
	ans, err := bearerCall(t.Context(), client, bearer{channelID: "7", tokens: tokens}, "x", call)
	if err != nil || ans.status != http.StatusOK {
		t.Fatalf("after a refresh: %v, %v; want 200", ans, err)
	}
	if want := []string{"7|", "7|stale-token"}; strings.Join(tokens.calls, ",") != strings.Join(want, ",") {
		t.Errorf("token calls = %q, want %q", tokens.calls, want)
	}
	valid = "nobody-has-this"
	tokens = &fakeTokens{current: "stale-token", fresh: "also-stale"}
	_, err = bearerCall(t.Context(), client, bearer{channelID: "7", tokens: tokens}, "x", call)
	e := asError(t, err)
	if !e.Permanent || !e.TellAdmins || !strings.Contains(e.Msg, "connect the account again") {
		t.Errorf("second 401: %+v, want permanent, admins told, 'connect the account again'", e)
	}
	if n := len(srv.requests("", "")); n != 4 {
		t.Errorf("stand-in saw %d requests, want 4 (two per call, never a third)", n)
	}
	assertNoneOf(t, "error", e.Msg, "stale-token", "also-stale")
}

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}
