package channel

// The X stand-in follows X's published API v2 contract for POST /2/tweets,
// DELETE /2/tweets/{id} and GET /2/users/me strictly: it refuses a missing
// or wrong bearer token (401), a body that is not JSON or carries anything
// but "text" (400), a text over 280 weighted characters (400), and answers
// a text it already has with X's 403 "duplicate content"; 201 carries
// {"data": {"id", "text"}}.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
)

const xToken = "x-access-token-do-not-leak"

// xStandIn is X's API with one account; mode chooses a misbehaviour.
type xStandIn struct {
	*standIn
	mu    sync.Mutex
	token string
	mode  string            // "", "ratelimit", "hang"
	posts map[string]string // id → text
	reset time.Time
}

func newXStandIn(t *testing.T) *xStandIn {
	x := &xStandIn{token: xToken, posts: map[string]string{}, reset: time.Now().Add(15 * time.Minute).Truncate(time.Second)}
	x.standIn = newStandIn(t, x.serve)
	return x
}

func (x *xStandIn) serve(w http.ResponseWriter, r seen) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+x.token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
		return
	}
	switch {
	case r.Method == http.MethodGet && r.Path == "/2/users/me":
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"id": "2244994945", "name": "Acme", "username": "acme"}})
	case r.Method == http.MethodDelete && strings.HasPrefix(r.Path, "/2/tweets/"):
		id := strings.TrimPrefix(r.Path, "/2/tweets/")
		if _, ok := x.posts[id]; !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"title": "Not Found Error", "status": 404})
			return
		}
		delete(x.posts, id)
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]bool{"deleted": true}})
	case r.Method == http.MethodPost && r.Path == "/2/tweets":
		x.create(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"title": "Not Found Error"})
	}
}

func (x *xStandIn) create(w http.ResponseWriter, r seen) {
	switch x.mode {
	case "ratelimit":
		w.Header().Set("x-rate-limit-limit", "100")
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", itoa(x.reset.Unix()))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429})
		return
	}
	if r.Header.Get("Content-Type") != "application/json" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"title": "Invalid Request", "detail": "content type must be application/json"})
		return
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body) != 1 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"title": "Invalid Request", "detail": "One or more parameters to your request was invalid."})
		return
	}
	text, ok := body["text"].(string)
	if !ok || text == "" || xCount(strings.TrimSpace(linkPattern.ReplaceAllString(text, "")))-xURLWeight > xLimit {
		writeJSON(w, http.StatusBadRequest, map[string]any{"title": "Invalid Request", "detail": "text is invalid"})
		return
	}
	for _, t := range x.posts {
		if t == text {
			writeJSON(w, http.StatusForbidden, map[string]any{"detail": "You are not allowed to create a Tweet with duplicate content.", "type": "about:blank", "title": "Forbidden", "status": 403})
			return
		}
	}
	id := "18" + itoa(int64(len(x.posts)+1))
	x.posts[id] = text
	if x.mode == "hang" {
		x.mu.Unlock()
		hang(w, 2*time.Second)
		x.mu.Lock()
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]string{"id": id, "text": text}})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func newTestX(t *testing.T, base string, tokens TokenProvider) *x {
	t.Helper()
	env := testEnv
	env.Tokens = tokens
	s, err := New(briefing.Channel{ID: "5", Name: "X", Kind: KindX, Config: ConfigJSON(XConfig{AccessToken: xToken, APIBase: base})}, env)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*x)
}

// nonASCII is a text with umlauts, CJK, an emoji and LinkedIn's reserved
// characters: what every platform's exact-request test sends.
const nonASCII = "Grüße aus Köln 👋 — 新しい価格 (ab 1. März) #news @acme [Preise] *neu* _jetzt_ ~fast~ <b> {x} | a\\b"

func TestXPostExactRequest(t *testing.T) {
	srv := newXStandIn(t)
	m := testMessage()
	m.Text = nonASCII
	got, err := newTestX(t, srv.URL, nil).Post(t.Context(), m)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	reqs := srv.requests(http.MethodPost, "/2/tweets")
	if len(reqs) != 1 {
		t.Fatalf("stand-in got %d posts, want 1", len(reqs))
	}
	want := `{"text":"` + strings.ReplaceAll(nonASCII, `\`, `\\`) + `\n\nhttps://news.example.com/news/new-pricing"}`
	want = strings.ReplaceAll(strings.ReplaceAll(want, "<", `\u003c`), ">", `\u003e`)
	if string(reqs[0].Body) != want {
		t.Errorf("body\n got %s\nwant %s", reqs[0].Body, want)
	}
	if got.ID != "181" || got.URL != "https://x.com/i/web/status/181" {
		t.Errorf("posted = %+v, want id 181 at https://x.com/i/web/status/181", got)
	}
}

func TestXDuplicateIsSent(t *testing.T) {
	srv := newXStandIn(t)
	s := newTestX(t, srv.URL, nil)
	if _, err := s.Post(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatalf("duplicate: %v, want sent", err)
	}
	if !strings.Contains(got.Note, "already posted") {
		t.Errorf("note = %q, want it to say the text is already posted", got.Note)
	}
	if n := len(srv.posts); n != 1 {
		t.Errorf("X has %d posts, want 1", n)
	}
}

func TestXRateLimitWaitsForReset(t *testing.T) {
	srv := newXStandIn(t)
	srv.mode = "ratelimit"
	_, err := newTestX(t, srv.URL, nil).Post(t.Context(), testMessage())
	e := asError(t, err)
	if want := time.Until(srv.reset); e.RetryAfter < want-2*time.Second || e.RetryAfter > want+time.Second {
		t.Errorf("RetryAfter = %v, want about %v (x-rate-limit-reset)", e.RetryAfter, want)
	}
	if e.Permanent || e.Timeout {
		t.Errorf("429: %+v, want a plain retry", e)
	}
}

func TestXExpiredToken(t *testing.T) {
	srv := newXStandIn(t)
	srv.token = "the-refreshed-token"
	// The provider refreshes once: the post goes out with the new token.
	tokens := &fakeTokens{current: xToken, fresh: "the-refreshed-token"}
	if _, err := newTestX(t, srv.URL, tokens).Post(t.Context(), testMessage()); err != nil {
		t.Fatalf("after a refresh: %v", err)
	}
	if n := len(srv.requests(http.MethodPost, "/2/tweets")); n != 2 {
		t.Errorf("stand-in got %d posts, want 2 (the 401 and the retry)", n)
	}
	// Without a provider, the config's token is all there is.
	srv.token = "revoked"
	_, err := newTestX(t, srv.URL, nil).Post(t.Context(), testMessage())
	e := asError(t, err)
	if !e.Permanent || !e.TellAdmins || !strings.Contains(e.Msg, "the account's token expired or was revoked: connect the account again") {
		t.Errorf("revoked token: %+v, want failed for good, admins told", e)
	}
	assertNoneOf(t, "error", e.Msg, xToken, "the-refreshed-token")
}

func TestXTimeoutIsUnconfirmed(t *testing.T) {
	srv := newXStandIn(t)
	srv.mode = "hang"
	ctx, cancel := contextWithTimeout(t, 300*time.Millisecond)
	defer cancel()
	_, err := newTestX(t, srv.URL, nil).Post(ctx, testMessage())
	if e := asError(t, err); !e.Timeout {
		t.Errorf("no answer: %+v, want Timeout (unknown outcome)", e)
	}
	if n := len(srv.requests(http.MethodPost, "/2/tweets")); n != 1 {
		t.Errorf("stand-in got %d posts, want exactly 1", n)
	}
	if k, _ := Lookup(KindX); k.Retry != briefing.RetryUnconfirmedOnNoAnswer {
		t.Errorf("x retry safety = %v, want RetryUnconfirmedOnNoAnswer: never re-sent by itself", k.Retry)
	}
}

func TestXCount(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 23},
		{"abc", 3 + 2 + 23},
		{"Grüße", 5 + 2 + 23},
		{"新しい", 6 + 2 + 23},
		{"👋", 2 + 2 + 23},
		{"“quoted” – ok…", 13 + 2 + 2 + 23}, // the ellipsis U+2026 is outside the ranges: 2
		{"see https://example.com/a/very/long/path/that/is/longer/than/23", 4 + 23 + 2 + 23},
	} {
		if got := xCount(tc.text); got != tc.want {
			t.Errorf("xCount(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	c := briefing.Channel{Name: "X", Kind: KindX, Config: ConfigJSON(XConfig{AccessToken: "t"})}
	if err := briefing.CheckChannelText(&c, strings.Repeat("新", 127), "", "channels[0].text"); err != nil {
		t.Errorf("127 CJK (254 + 25 = 279): %v, want accepted", err)
	}
	if err := briefing.CheckChannelText(&c, strings.Repeat("新", 128), "", "channels[0].text"); err == nil {
		t.Error("128 CJK (256 + 25 = 281): accepted, want refused")
	}
}

func TestXCheckAndRetract(t *testing.T) {
	srv := newXStandIn(t)
	ch := briefing.Channel{ID: "5", Name: "X", Kind: KindX, Config: ConfigJSON(XConfig{AccessToken: xToken, APIBase: srv.URL})}
	if r := Check(t.Context(), ch, testEnv); !r.OK || r.Account != "@acme" {
		t.Errorf("check = %+v, want ok as @acme", r)
	}
	s := newTestX(t, srv.URL, nil)
	p, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Retract(t.Context(), testMessage(), p.ID); err != nil {
		t.Fatalf("Retract: %v", err)
	}
	if d := srv.requests(http.MethodDelete, "/2/tweets/"+p.ID); len(d) != 1 {
		t.Errorf("stand-in got %d deletes of %s, want 1", len(d), p.ID)
	}
	if len(srv.posts) != 0 {
		t.Errorf("X still has %d posts after the retraction", len(srv.posts))
	}
	// A second retraction finds it gone: done, not an error.
	if err := s.Retract(t.Context(), testMessage(), p.ID); err != nil {
		t.Errorf("Retract of a deleted post: %v, want nil", err)
	}
	srv.token = "revoked"
	r := Check(t.Context(), ch, testEnv)
	if r.OK {
		t.Error("check with a revoked token: ok, want not")
	}
	assertNoneOf(t, "check message", r.Message, xToken)
}
