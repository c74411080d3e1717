package channel

// The LinkedIn stand-in follows LinkedIn's published Posts API contract
// (versioned /rest/posts) strictly: it refuses a missing or wrong bearer
// token (401), a missing X-Restli-Protocol-Version: 2.0.0 or a
// LinkedIn-Version that is not an active YYYYMM (426), a body that is not
// JSON or lacks or adds a field (422), and answers a repeated commentary
// with LinkedIn's 422 DUPLICATE_POST naming the earlier share. Like the
// real one it stores commentary cut at the first unescaped reserved
// character of the little text format, and still answers 201.

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
)

const linkedInToken = "li-access-token-do-not-leak"

type linkedInStandIn struct {
	*standIn
	mu    sync.Mutex
	token string
	mode  string            // "", "ratelimit", "hang"
	posts map[string]string // urn → commentary as LinkedIn keeps it
	seq   int
}

func newLinkedInStandIn(t *testing.T) *linkedInStandIn {
	li := &linkedInStandIn{token: linkedInToken, posts: map[string]string{}}
	li.standIn = newStandIn(t, li.serve)
	return li
}

func linkedInActive(v string) bool {
	t, err := time.Parse("200601", v)
	if err != nil {
		return false
	}
	now := time.Now().UTC()
	return !t.After(now) && t.After(now.AddDate(-1, 0, 0))
}

func (li *linkedInStandIn) serve(w http.ResponseWriter, r seen) {
	li.mu.Lock()
	defer li.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+li.token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"})
		return
	}
	if r.Path == "/v2/userinfo" && r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, map[string]any{"sub": "782bbtaQ", "name": "Ada Admin", "email_verified": true})
		return
	}
	if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" || !linkedInActive(r.Header.Get("LinkedIn-Version")) {
		writeJSON(w, http.StatusUpgradeRequired, map[string]any{"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version " + r.Header.Get("LinkedIn-Version") + " is not active"})
		return
	}
	switch {
	case r.Method == http.MethodPost && r.Path == "/rest/posts":
		li.create(w, r)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.Path, "/rest/posts/"):
		// r.Path is decoded; the request must have encoded the URN's colons.
		delete(li.posts, strings.TrimPrefix(r.Path, "/rest/posts/"))
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"status": 404})
	}
}

// linkedInReserved are the little text format's reserved characters.
const linkedInReserved = `\|{}@[]()<>#*_~`

// keptCommentary is what LinkedIn keeps of a commentary: the unescaped
// text, cut at the first unescaped reserved character.
func keptCommentary(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && strings.IndexByte(linkedInReserved, s[i+1]) >= 0 {
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if strings.IndexByte(linkedInReserved, c) >= 0 {
			break
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (li *linkedInStandIn) create(w http.ResponseWriter, r seen) {
	if li.mode == "ratelimit" {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": 429, "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."})
		return
	}
	if r.Header.Get("Content-Type") != "application/json" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": 400, "code": "ILLEGAL_ARGUMENT", "message": "Request body could not be converted to data map"})
		return
	}
	var p linkedInPost
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	var raw map[string]any
	if dec.Decode(&p) != nil || json.Unmarshal(r.Body, &raw) != nil || len(raw) != 7 ||
		p.Author == "" || p.Visibility != "PUBLIC" || p.LifecycleState != "PUBLISHED" || p.Distribution.FeedDistribution != "MAIN_FEED" ||
		p.Distribution.TargetEntities == nil || p.Distribution.ThirdPartyDistributionChannels == nil || p.Content.Article.Source == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"status": 422, "message": "ERROR :: field is required but not found, or unrecognized field found"})
		return
	}
	kept := keptCommentary(p.Commentary)
	for urn, c := range li.posts {
		if c == kept {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"status": 422, "message": "Content is a duplicate of " + urn,
				"errorDetails": map[string]any{"inputErrors": []any{map[string]any{"code": "DUPLICATE_POST", "description": "Duplicate post is detected"}}}})
			return
		}
	}
	li.seq++
	urn := "urn:li:share:716100000000000000" + itoa(int64(li.seq))
	li.posts[urn] = kept
	if li.mode == "hang" {
		li.mu.Unlock()
		hang(w, 2*time.Second)
		li.mu.Lock()
		return
	}
	w.Header().Set("x-restli-id", urn)
	w.WriteHeader(http.StatusCreated)
}

func newTestLinkedIn(t *testing.T, base string) *linkedIn {
	t.Helper()
	s, err := New(briefing.Channel{ID: "6", Name: "LinkedIn", Kind: KindLinkedIn, Config: ConfigJSON(LinkedInConfig{
		AccessToken: linkedInToken, Author: "urn:li:organization:2414183", APIBase: base})}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*linkedIn)
}

func TestLinkedInPostExactRequest(t *testing.T) {
	srv := newLinkedInStandIn(t)
	m := testMessage()
	m.Text = nonASCII
	got, err := newTestLinkedIn(t, srv.URL).Post(t.Context(), m)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	reqs := srv.requests(http.MethodPost, "/rest/posts")
	if len(reqs) != 1 {
		t.Fatalf("stand-in got %d posts, want 1", len(reqs))
	}
	wantCommentary := `Grüße aus Köln 👋 — 新しい価格 \(ab 1. März\) \#news \@acme \[Preise\] \*neu\* \_jetzt\_ \~fast\~ \<b\> \{x\} \| a\\b`
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"author": "urn:li:organization:2414183", "commentary": wantCommentary, "visibility": "PUBLIC",
		"distribution":   map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{}, "thirdPartyDistributionChannels": []any{}},
		"content":        map[string]any{"article": map[string]any{"source": "https://news.example.com/news/new-pricing", "title": "New pricing from 1 March"}},
		"lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": false,
	}
	gotJSON, _ := json.Marshal(body)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("body\n got %s\nwant %s", gotJSON, wantJSON)
	}
	if v := reqs[0].Header.Get("LinkedIn-Version"); !linkedInActive(v) {
		t.Errorf("LinkedIn-Version = %q, want an active YYYYMM", v)
	}
	// Nothing was cut: LinkedIn keeps the whole text.
	if kept := srv.posts[got.ID]; kept != strings.TrimSpace(nonASCII) {
		t.Errorf("LinkedIn kept %q, want the whole text %q", kept, nonASCII)
	}
	if !strings.HasPrefix(got.ID, "urn:li:share:") || got.URL != "https://www.linkedin.com/feed/update/"+got.ID {
		t.Errorf("posted = %+v, want the URN and its feed URL", got)
	}
}

func TestLinkedInDuplicateIsSentWithURN(t *testing.T) {
	srv := newLinkedInStandIn(t)
	s := newTestLinkedIn(t, srv.URL)
	first, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatalf("duplicate: %v, want sent", err)
	}
	if again.ID != first.ID || again.URL != first.URL || !strings.Contains(again.Note, "duplicate") {
		t.Errorf("duplicate posted = %+v, want the first post %+v, noted", again, first)
	}
	if len(srv.posts) != 1 {
		t.Errorf("LinkedIn has %d posts, want 1", len(srv.posts))
	}
}

func TestLinkedInRefusals(t *testing.T) {
	srv := newLinkedInStandIn(t)
	srv.mode = "ratelimit"
	_, err := newTestLinkedIn(t, srv.URL).Post(t.Context(), testMessage())
	e := asError(t, err)
	now := time.Now().UTC()
	if until := now.Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(now); e.RetryAfter < until-time.Minute || e.RetryAfter > until+time.Minute {
		t.Errorf("429 RetryAfter = %v, want %v (LinkedIn's daily reset at midnight UTC)", e.RetryAfter, until)
	}
	srv.mode = ""
	srv.token = "revoked"
	_, err = newTestLinkedIn(t, srv.URL).Post(t.Context(), testMessage())
	if e := asError(t, err); !e.Permanent || !e.TellAdmins || !strings.Contains(e.Msg, "connect the account again") {
		t.Errorf("expired token: %+v, want failed for good, admins told", e)
	} else {
		assertNoneOf(t, "error", e.Msg, linkedInToken)
	}
	srv.token = linkedInToken
	c := ConfigJSON(LinkedInConfig{AccessToken: linkedInToken, Author: "urn:li:organization:1", Version: "202001", APIBase: srv.URL})
	s, _ := New(briefing.Channel{ID: "6", Kind: KindLinkedIn, Config: c}, testEnv)
	_, err = s.(Poster).Post(t.Context(), testMessage())
	if e := asError(t, err); e.Status != http.StatusUpgradeRequired || !e.Permanent || !strings.Contains(e.Msg, "not active") {
		t.Errorf("sunset version: %+v, want LinkedIn's 426 as a permanent failure", e)
	}
}

func TestLinkedInTimeoutIsUnconfirmed(t *testing.T) {
	srv := newLinkedInStandIn(t)
	srv.mode = "hang"
	ctx, cancel := contextWithTimeout(t, 300*time.Millisecond)
	defer cancel()
	_, err := newTestLinkedIn(t, srv.URL).Post(ctx, testMessage())
	if e := asError(t, err); !e.Timeout {
		t.Errorf("no answer: %+v, want Timeout (unknown outcome)", e)
	}
	if n := len(srv.requests(http.MethodPost, "/rest/posts")); n != 1 {
		t.Errorf("stand-in got %d posts, want exactly 1", n)
	}
	if k, _ := Lookup(KindLinkedIn); k.Retry != briefing.RetryUnconfirmedOnNoAnswer {
		t.Errorf("linkedin retry safety = %v, want RetryUnconfirmedOnNoAnswer", k.Retry)
	}
}

func TestLinkedInCount(t *testing.T) {
	if got := linkedInCount("a (b) #c"); got != 11 {
		t.Errorf("linkedInCount = %d, want 11 (three escapes)", got)
	}
	c := briefing.Channel{Name: "LinkedIn", Kind: KindLinkedIn, Config: ConfigJSON(LinkedInConfig{AccessToken: "t", Author: "urn:li:organization:1"})}
	if err := briefing.CheckChannelText(&c, strings.Repeat("(", 1500), "", "channels[0].text"); err != nil {
		t.Errorf("1500 '(' escaped to 3000: %v, want accepted", err)
	}
	if err := briefing.CheckChannelText(&c, strings.Repeat("(", 1500)+"a", "", "channels[0].text"); err == nil {
		t.Error("3001 after escaping: accepted, want refused")
	}
}

func TestLinkedInCheckAndRetract(t *testing.T) {
	srv := newLinkedInStandIn(t)
	ch := briefing.Channel{ID: "6", Kind: KindLinkedIn, Config: ConfigJSON(LinkedInConfig{AccessToken: linkedInToken, Author: "urn:li:organization:2414183", APIBase: srv.URL})}
	if r := Check(t.Context(), ch, testEnv); !r.OK || !strings.Contains(r.Account, "Ada Admin") {
		t.Errorf("check = %+v, want ok with the member's name", r)
	}
	s := newTestLinkedIn(t, srv.URL)
	p, err := s.Post(t.Context(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Retract(t.Context(), testMessage(), p.ID); err != nil {
		t.Fatalf("Retract: %v", err)
	}
	var raw []string
	srv.mu.Lock()
	for _, r := range srv.reqs {
		if r.Method == http.MethodDelete {
			raw = append(raw, r.RawPath)
		}
	}
	srv.mu.Unlock()
	want := "/rest/posts/" + strings.ReplaceAll(p.ID, ":", "%3A")
	if len(raw) != 1 || raw[0] != want || len(srv.posts) != 0 {
		t.Errorf("deletes %q, posts left %d; want one DELETE %s and none left", raw, len(srv.posts), want)
	}
}
