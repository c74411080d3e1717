package channel

// The Bluesky stand-in follows atproto's published XRPC contract (a PDS
// such as bsky.social) strictly: createSession takes exactly {identifier,
// password} and answers 401 AuthenticationRequired to a wrong one; every
// other call needs a current access JWT (400 ExpiredToken once it has
// expired), refreshSession the refresh JWT (which it then revokes);
// createRecord checks repo, collection, a TID record key, the post's
// $type, 300 graphemes, createdAt and that each facet's byteStart/byteEnd
// cut the text's UTF-8 bytes where the link is shown; getRecord answers
// 400 RecordNotFound for a key it does not have.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"firsthand/briefing"
)

const (
	blueskyPassword = "abcd-efgh-ijkl-mnop"
	blueskyDID      = "did:plc:acme1234567890abcdefgh"
)

type blueskyStandIn struct {
	*standIn
	mu       sync.Mutex
	mode     string               // "", "500-after-store", "ratelimit"
	access   map[string]time.Time // access JWT → expiry
	refresh  map[string]bool      // live refresh JWTs
	records  map[string]blueskyPost
	signIns  int
	refreshs int
	seq      int
}

func newBlueskyStandIn(t *testing.T) *blueskyStandIn {
	b := &blueskyStandIn{access: map[string]time.Time{}, refresh: map[string]bool{}, records: map[string]blueskyPost{}}
	b.standIn = newStandIn(t, b.serve)
	return b
}

func xrpcFail(w http.ResponseWriter, status int, name, msg string) {
	writeJSON(w, status, map[string]string{"error": name, "message": msg})
}

// jwt is a token with an exp claim (unsigned: the sender never checks).
func (b *blueskyStandIn) jwt(kind string, exp time.Time) string {
	b.seq++
	payload, _ := json.Marshal(map[string]any{"scope": kind, "sub": blueskyDID, "exp": exp.Unix(), "n": b.seq})
	return "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln"
}

func (b *blueskyStandIn) newSession(w http.ResponseWriter) {
	a, r := b.jwt("com.atproto.access", time.Now().Add(2*time.Hour)), b.jwt("com.atproto.refresh", time.Now().Add(60*24*time.Hour))
	b.access[a], b.refresh[r] = time.Now().Add(2*time.Hour), true
	writeJSON(w, http.StatusOK, map[string]any{"did": blueskyDID, "handle": "acme.bsky.social", "accessJwt": a, "refreshJwt": r, "active": true})
}

// expireAccess makes every access token expired, as two hours do.
func (b *blueskyStandIn) expireAccess() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k := range b.access {
		b.access[k] = time.Now().Add(-time.Second)
	}
}

func (b *blueskyStandIn) serve(w http.ResponseWriter, r seen) {
	b.mu.Lock()
	defer b.mu.Unlock()
	nsid := strings.TrimPrefix(r.Path, "/xrpc/")
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if nsid == "com.atproto.server.createSession" {
		var in map[string]string
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(r.Body, &in) != nil || len(in) != 2 {
			xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Input must have the property identifier and password")
			return
		}
		if in["identifier"] != "acme.bsky.social" || in["password"] != blueskyPassword {
			xrpcFail(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		b.signIns++
		b.newSession(w)
		return
	}
	if nsid == "com.atproto.server.refreshSession" {
		if !b.refresh[bearer] {
			xrpcFail(w, http.StatusBadRequest, "ExpiredToken", "Token has been revoked")
			return
		}
		delete(b.refresh, bearer)
		b.refreshs++
		b.newSession(w)
		return
	}
	exp, ok := b.access[bearer]
	if !ok {
		xrpcFail(w, http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required")
		return
	}
	if time.Now().After(exp) {
		xrpcFail(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
		return
	}
	switch {
	case nsid == "com.atproto.server.getSession" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"did": blueskyDID, "handle": "acme.bsky.social"})
	case nsid == "com.atproto.repo.getRecord" && r.Method == http.MethodGet:
		q := r.Query
		if q.Get("repo") != blueskyDID || q.Get("collection") != blueskyPostType {
			xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Could not find repo")
			return
		}
		rec, ok := b.records[q.Get("rkey")]
		if !ok {
			xrpcFail(w, http.StatusBadRequest, "RecordNotFound", "Could not locate record: at://"+blueskyDID+"/"+blueskyPostType+"/"+q.Get("rkey"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"uri": "at://" + blueskyDID + "/" + blueskyPostType + "/" + q.Get("rkey"), "cid": "bafyrei", "value": rec})
	case nsid == "com.atproto.repo.createRecord" && r.Method == http.MethodPost:
		b.create(w, r)
	case nsid == "com.atproto.repo.deleteRecord" && r.Method == http.MethodPost:
		var in map[string]string
		if json.Unmarshal(r.Body, &in) != nil || in["repo"] != blueskyDID || in["collection"] != blueskyPostType {
			xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "bad delete")
			return
		}
		delete(b.records, in["rkey"])
		writeJSON(w, http.StatusOK, map[string]any{})
	default:
		xrpcFail(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
}

func (b *blueskyStandIn) create(w http.ResponseWriter, r seen) {
	if b.mode == "ratelimit" {
		w.Header().Set("ratelimit-reset", itoa(time.Now().Add(10*time.Minute).Unix()))
		xrpcFail(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	var in struct {
		Repo, Collection, Rkey string
		Record                 blueskyPost
	}
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if r.Header.Get("Content-Type") != "application/json" || dec.Decode(&in) != nil {
		xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Invalid body")
		return
	}
	rec := in.Record
	if in.Repo != blueskyDID || in.Collection != blueskyPostType || !validTID(in.Rkey) || rec.Type != blueskyPostType ||
		uniseg.GraphemeClusterCount(rec.Text) > blueskyLimit {
		xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record")
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, rec.CreatedAt); err != nil {
		xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Record/createdAt must be an valid atproto datetime")
		return
	}
	for _, f := range rec.Facets {
		if f.Index.ByteStart < 0 || f.Index.ByteEnd > len(rec.Text) || f.Index.ByteStart >= f.Index.ByteEnd || len(f.Features) != 1 ||
			f.Features[0]["$type"] != "app.bsky.richtext.facet#link" || !strings.HasPrefix(f.Features[0]["uri"], "https://") {
			xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Invalid facet")
			return
		}
	}
	if _, dup := b.records[in.Rkey]; dup {
		xrpcFail(w, http.StatusBadRequest, "InvalidRequest", "Record already exists")
		return
	}
	b.records[in.Rkey] = rec
	if b.mode == "500-after-store" {
		b.mode = ""
		xrpcFail(w, http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"uri": "at://" + blueskyDID + "/" + blueskyPostType + "/" + in.Rkey, "cid": "bafyrei"})
}

// keptSessions is the store's side of the SessionKeeper: it keeps the
// session in the channel's config, as store.KeepChannelSession does.
type keptSessions struct {
	mu   sync.Mutex
	kept map[string]json.RawMessage
}

func (k *keptSessions) KeepSession(_ context.Context, channelID string, s json.RawMessage) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.kept == nil {
		k.kept = map[string]json.RawMessage{}
	}
	k.kept[channelID] = s
	return nil
}

func blueskyChannel(base string, keeper *keptSessions) briefing.Channel {
	c := BlueskyConfig{Identifier: "acme.bsky.social", AppPassword: blueskyPassword, Service: base}
	raw := ConfigJSON(c)
	if keeper != nil && keeper.kept["9"] != nil {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m)
		m["session"] = keeper.kept["9"]
		raw, _ = json.Marshal(m)
	}
	return briefing.Channel{ID: "9", Name: "Bluesky", Kind: KindBluesky, Config: raw}
}

func newTestBluesky(t *testing.T, base string, keeper *keptSessions) *bluesky {
	t.Helper()
	env := testEnv
	if keeper != nil {
		env.Sessions = keeper
	}
	s, err := New(blueskyChannel(base, keeper), env)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*bluesky)
}

func TestBlueskyPostExactRequest(t *testing.T) {
	srv := newBlueskyStandIn(t)
	saved := map[string]string{}
	m := savingMessage(saved, func() {
		if n := len(srv.requests(http.MethodPost, "/xrpc/com.atproto.repo.createRecord")); n != 0 {
			t.Errorf("the record key was stored after %d createRecord requests, want before", n)
		}
	})
	m.Text = nonASCII
	got, err := newTestBluesky(t, srv.URL, nil).Post(t.Context(), m)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	rkey := saved[progressRkey]
	rec, ok := srv.records[rkey]
	if !ok || !validTID(rkey) {
		t.Fatalf("records %v, stored rkey %q: want the post under the stored TID", srv.records, rkey)
	}
	prefix := nonASCII + "\n\n"
	if rec.Text != prefix+"news.example.com/news/new-p..." {
		t.Errorf("text = %q", rec.Text)
	}
	f := rec.Facets[0]
	if f.Index.ByteStart != len(prefix) || f.Index.ByteEnd != len(rec.Text) || rec.Text[f.Index.ByteStart:f.Index.ByteEnd] != "news.example.com/news/new-p..." ||
		f.Features[0]["uri"] != "https://news.example.com/news/new-pricing" {
		t.Errorf("facet %+v: want the shown link's UTF-8 bytes %d..%d and the whole address", f, len(prefix), len(rec.Text))
	}
	if f.Index.ByteStart == len([]rune(prefix)) {
		t.Error("the facet counts runes, want UTF-8 bytes")
	}
	if got.URL != "https://bsky.app/profile/acme.bsky.social/post/"+rkey || got.ID != "at://"+blueskyDID+"/app.bsky.feed.post/"+rkey {
		t.Errorf("posted = %+v", got)
	}
}

// TestBlueskyServerErrorAfterStoring: Bluesky stores the record and answers
// 500; the retry asks getRecord under the same key and finds it: one
// record, sent.
func TestBlueskyServerErrorAfterStoring(t *testing.T) {
	srv := newBlueskyStandIn(t)
	srv.mode = "500-after-store"
	s := newTestBluesky(t, srv.URL, nil)
	saved := map[string]string{}
	_, err := s.Post(t.Context(), savingMessage(saved, nil))
	if e := asError(t, err); e.Permanent || e.Timeout {
		t.Fatalf("500: %+v, want a plain retry", e)
	}
	retry := savingMessage(saved, nil)
	retry.Progress = map[string]string{progressRkey: saved[progressRkey]}
	got, err := s.Post(t.Context(), retry)
	if err != nil {
		t.Fatalf("retry: %v, want sent", err)
	}
	if len(srv.records) != 1 || len(srv.requests(http.MethodPost, "/xrpc/com.atproto.repo.createRecord")) != 1 {
		t.Errorf("%d records, %d createRecord calls; want 1 and 1", len(srv.records), len(srv.requests(http.MethodPost, "/xrpc/com.atproto.repo.createRecord")))
	}
	if got.URL == "" || !strings.Contains(got.Note, "earlier attempt") {
		t.Errorf("retry posted = %+v, want the post's URL, noted", got)
	}
}

// TestBlueskySessionKept: one sign-in for many posts and senders; an
// expired access token is refreshed, not signed in again; a refused
// refresh signs in again.
func TestBlueskySessionKept(t *testing.T) {
	srv := newBlueskyStandIn(t)
	keeper := &keptSessions{}
	for i := range 3 {
		m := testMessage()
		m.Text = fmt.Sprintf("post %d", i)
		if _, err := newTestBluesky(t, srv.URL, keeper).Post(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	if srv.signIns != 1 {
		t.Errorf("%d sign-ins for three posts by three senders, want 1 (the session is kept)", srv.signIns)
	}
	srv.expireAccess()
	if r := Check(t.Context(), blueskyChannel(srv.URL, keeper), Env{Dialer: testEnv.Dialer, Sessions: keeper}); !r.OK || r.Account != "@acme.bsky.social" {
		t.Errorf("check = %+v, want ok as @acme.bsky.social", r)
	}
	if srv.signIns != 1 || srv.refreshs != 1 {
		t.Errorf("after expiry: %d sign-ins, %d refreshes; want 1 and 1", srv.signIns, srv.refreshs)
	}
	srv.mu.Lock()
	srv.refresh = map[string]bool{}
	srv.mu.Unlock()
	srv.expireAccess()
	if _, err := newTestBluesky(t, srv.URL, keeper).Post(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if srv.signIns != 2 {
		t.Errorf("refresh refused: %d sign-ins, want 2", srv.signIns)
	}
	for _, k := range keeper.kept {
		for _, r := range srv.requests("", "") {
			assertNoneOf(t, "request path", r.Path, string(k))
		}
	}
}

func TestBlueskyRefusals(t *testing.T) {
	srv := newBlueskyStandIn(t)
	srv.mode = "ratelimit"
	_, err := newTestBluesky(t, srv.URL, nil).Post(t.Context(), testMessage())
	if e := asError(t, err); e.RetryAfter < 9*time.Minute || e.Permanent {
		t.Errorf("429: %+v, want a retry at ratelimit-reset", e)
	}
	c := BlueskyConfig{Identifier: "acme.bsky.social", AppPassword: "wrong-pass-word-xyz", Service: srv.URL}
	s, _ := New(briefing.Channel{ID: "9", Kind: KindBluesky, Config: ConfigJSON(c)}, testEnv)
	_, err = s.(Poster).Post(t.Context(), testMessage())
	e := asError(t, err)
	if !e.Permanent || !e.TellAdmins || !strings.Contains(e.Msg, "app password") {
		t.Errorf("wrong app password: %+v, want failed for good, admins told", e)
	}
	assertNoneOf(t, "error", e.Msg, "wrong-pass-word-xyz", blueskyPassword)
}

func TestBlueskyCountAndRetract(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"abc", 3 + 2 + blueskyLinkMax},
		{"👍🏽 e\u0301", 3 + 2 + blueskyLinkMax},
		{"👨‍👩‍👧", 1 + 2 + blueskyLinkMax},
	} {
		if got := blueskyCount(tc.text); got != tc.want {
			t.Errorf("blueskyCount(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	srv := newBlueskyStandIn(t)
	s := newTestBluesky(t, srv.URL, nil)
	p, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Retract(t.Context(), testMessage(), p.ID); err != nil || len(srv.records) != 0 {
		t.Errorf("Retract: %v, %d records left; want none", err, len(srv.records))
	}
	// A config never takes a session from outside.
	raw := []byte(`{"identifier":"a.bsky.social","app_password":"p","session":{"did":"did:plc:evil","accessJwt":"x"}}`)
	ch := briefing.Channel{Name: "b", Kind: KindBluesky, Config: raw}
	if err := ch.Validate(); err != nil || strings.Contains(string(ch.Config), "evil") {
		t.Errorf("Validate: %v, config %s; want the session dropped", err, ch.Config)
	}
}
