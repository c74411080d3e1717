package channel

// The Facebook stand-in follows the Graph API's published contract for
// POST /{version}/{page-id}/feed, DELETE /{version}/{post-id} and GET
// /{version}/me strictly: it refuses a missing or wrong token (400, error
// code 190, OAuthException, as Graph does), an unknown version or page
// (400, code 100), a body that is not a form or has no message (400, code
// 100), answers a repeated message with code 506 and throttles with code
// 32 and X-Business-Use-Case-Usage; success is 200 {"id": "page_post"}.

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
)

const facebookToken = "EAAfb-page-token-do-not-leak"

type facebookStandIn struct {
	*standIn
	mu    sync.Mutex
	token string
	mode  string            // "", "throttle", "hang"
	posts map[string]string // id → message
	seq   int
}

func newFacebookStandIn(t *testing.T) *facebookStandIn {
	fb := &facebookStandIn{token: facebookToken, posts: map[string]string{}}
	fb.standIn = newStandIn(t, fb.serve)
	return fb
}

func graphFail(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}})
}

func (fb *facebookStandIn) serve(w http.ResponseWriter, r seen) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" && r.Form != nil {
		token = r.Form.Get("access_token")
	}
	if token != fb.token {
		graphFail(w, http.StatusBadRequest, 190, "Error validating access token: Session has expired on Tuesday, 01-Dec-26 10:00:00 PST.")
		return
	}
	if !strings.HasPrefix(r.Path, "/v26.0/") {
		graphFail(w, http.StatusBadRequest, 100, "Unknown path components")
		return
	}
	rest := strings.TrimPrefix(r.Path, "/v26.0/")
	switch {
	case r.Method == http.MethodGet && rest == "me":
		if r.Query.Get("fields") != "id,name" {
			graphFail(w, http.StatusBadRequest, 100, "fields")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": "1234567890", "name": "Acme GmbH"})
	case r.Method == http.MethodPost && rest == "1234567890/feed":
		fb.create(w, r)
	case r.Method == http.MethodDelete:
		if _, ok := fb.posts[rest]; !ok {
			graphFail(w, http.StatusBadRequest, 100, "Object with ID '"+rest+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation")
			return
		}
		delete(fb.posts, rest)
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	default:
		graphFail(w, http.StatusBadRequest, 100, "Unsupported request")
	}
}

func (fb *facebookStandIn) create(w http.ResponseWriter, r seen) {
	if fb.mode == "throttle" {
		w.Header().Set("X-Business-Use-Case-Usage", `{"1234567890":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":42}]}`)
		graphFail(w, http.StatusForbidden, 32, "Page request limit reached")
		return
	}
	if r.Form == nil || r.Form.Get("message") == "" || r.Form.Get("link") == "" {
		graphFail(w, http.StatusBadRequest, 100, "Invalid parameter")
		return
	}
	msg := r.Form.Get("message")
	for _, m := range fb.posts {
		if m == msg {
			graphFail(w, http.StatusBadRequest, 506, "Duplicate status message")
			return
		}
	}
	fb.seq++
	id := "1234567890_98765" + itoa(int64(fb.seq))
	fb.posts[id] = msg
	if fb.mode == "hang" {
		fb.mu.Unlock()
		hang(w, 2*time.Second)
		fb.mu.Lock()
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}

func newTestFacebook(t *testing.T, base string) *facebook {
	t.Helper()
	s, err := New(briefing.Channel{ID: "7", Name: "Facebook", Kind: KindFacebook, Config: facebookConfig(base)}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*facebook)
}

func facebookConfig(base string) []byte {
	c := FacebookConfig{PageID: "1234567890", PageAccessToken: facebookToken, APIBase: base}
	if err := c.validate(); err != nil {
		panic(err)
	}
	return ConfigJSON(c)
}

func TestFacebookPostExactRequest(t *testing.T) {
	srv := newFacebookStandIn(t)
	m := testMessage()
	m.Text = nonASCII
	got, err := newTestFacebook(t, srv.URL).Post(t.Context(), m)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	reqs := srv.requests(http.MethodPost, "/v26.0/1234567890/feed")
	if len(reqs) != 1 {
		t.Fatalf("stand-in got %d posts, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || len(r.Form) != 2 {
		t.Errorf("content type %q, form %v; want a form of message and link", r.Header.Get("Content-Type"), r.Form)
	}
	if r.Form.Get("message") != nonASCII || r.Form.Get("link") != "https://news.example.com/news/new-pricing" {
		t.Errorf("form = %v, want the text as message (without the link) and the link", r.Form)
	}
	if got.ID != "1234567890_987651" || got.URL != "https://www.facebook.com/1234567890_987651" {
		t.Errorf("posted = %+v", got)
	}
}

func TestFacebookRefusals(t *testing.T) {
	srv := newFacebookStandIn(t)
	s := newTestFacebook(t, srv.URL)
	if _, err := s.Post(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	dup, err := s.Post(t.Context(), testMessage())
	if err != nil || !strings.Contains(dup.Note, "duplicate") {
		t.Errorf("code 506: %+v, %v; want sent, noted", dup, err)
	}
	srv.mode = "throttle"
	_, err = s.Post(t.Context(), testMessage())
	if e := asError(t, err); e.RetryAfter != 42*time.Minute || e.Permanent {
		t.Errorf("code 32: %+v, want a retry in 42 minutes (estimated_time_to_regain_access)", e)
	}
	srv.mode = ""
	srv.token = "another"
	_, err = s.Post(t.Context(), testMessage())
	e := asError(t, err)
	if !e.Permanent || !e.TellAdmins || !strings.Contains(e.Msg, "the page token expired or was revoked") {
		t.Errorf("code 190: %+v, want failed for good, admins told", e)
	}
	assertNoneOf(t, "error", e.Msg, facebookToken)
}

func TestFacebookTimeoutIsUnconfirmed(t *testing.T) {
	srv := newFacebookStandIn(t)
	srv.mode = "hang"
	ctx, cancel := contextWithTimeout(t, 300*time.Millisecond)
	defer cancel()
	_, err := newTestFacebook(t, srv.URL).Post(ctx, testMessage())
	if e := asError(t, err); !e.Timeout {
		t.Errorf("no answer: %+v, want Timeout (unknown outcome)", e)
	}
	if n := len(srv.requests(http.MethodPost, "")); n != 1 {
		t.Errorf("stand-in got %d posts, want exactly 1", n)
	}
	if k, _ := Lookup(KindFacebook); k.Retry != briefing.RetryUnconfirmedOnNoAnswer {
		t.Errorf("facebook retry safety = %v, want RetryUnconfirmedOnNoAnswer", k.Retry)
	}
}

func TestFacebookCheckAndRetract(t *testing.T) {
	srv := newFacebookStandIn(t)
	ch := briefing.Channel{ID: "7", Kind: KindFacebook, Config: facebookConfig(srv.URL)}
	if r := Check(t.Context(), ch, testEnv); !r.OK || r.Account != "Acme GmbH" {
		t.Errorf("check = %+v, want ok as Acme GmbH", r)
	}
	s := newTestFacebook(t, srv.URL)
	p, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Retract(t.Context(), testMessage(), p.ID); err != nil || len(srv.posts) != 0 {
		t.Fatalf("Retract: %v, %d posts left", err, len(srv.posts))
	}
	if err := s.Retract(t.Context(), testMessage(), p.ID); err != nil {
		t.Errorf("Retract of a deleted post: %v, want nil", err)
	}
	if n := facebookCount(strings.Repeat("ü", facebookLimit)); n != facebookLimit {
		t.Errorf("facebookCount = %d, want %d (the link is not in the message)", n, facebookLimit)
	}
}
