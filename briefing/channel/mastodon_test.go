package channel

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"firsthand/briefing"
)

func TestMastodonDelivery(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	// A trailing slash on the instance must not double the path's.
	s, err := New(briefing.Channel{Name: "toot", Kind: KindMastodon,
		Config: ConfigJSON(MastodonConfig{Instance: srv.URL + "/", AccessToken: testToken})}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := rec.requests(t, 1)[0]
	if r.method != http.MethodPost || r.path != "/api/v1/statuses" {
		t.Errorf("got %s %s, want POST /api/v1/statuses", r.method, r.path)
	}
	for k, want := range map[string]string{
		"Authorization":   "Bearer " + testToken,
		"Idempotency-Key": testReceiverID,
		"Content-Type":    "application/json",
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	var body map[string]string
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	if want := "Our plans get simpler & cheaper.\n\nhttps://news.example.com/news/new-pricing"; body["status"] != want {
		t.Errorf("status = %q, want %q", body["status"], want)
	}
}

// TestMastodonStatus: the sender never cuts (issue 10 changed this: it
// used to trim the text to 500 runes silently); the API refuses a text
// over the limit instead (TestMastodonCount, and the web package's
// TestChannelTextOverLimitRefused).
func TestMastodonStatus(t *testing.T) {
	url := "https://news.example.com/news/" + strings.Repeat("x", 40)
	long := strings.Repeat("Grüße aus der Pressestelle. ", 40) // > 1,000 runes
	tests := []struct{ name, text, url, want string }{
		{"text and link", "short", url, "short\n\n" + url},
		{"long text is never cut", long, url, strings.TrimSpace(long) + "\n\n" + url},
		{"no text: the link alone", "  ", url, url},
		{"no link", "text", "", "text"},
	}
	for _, tt := range tests {
		if got := mastodonStatus(tt.text, tt.url); got != tt.want {
			t.Errorf("%s: mastodonStatus = %.60q…, want %.60q…", tt.name, got, tt.want)
		}
	}
}

// TestMastodonCount counts as Mastodon does: every link 23, whatever its
// length or form, the appended newsroom link included.
func TestMastodonCount(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 23},
		{"hello", 5 + 2 + 23},
		{"Grüße", 5 + 2 + 23},
		{"see https://example.com/" + strings.Repeat("a", 200) + " now", 4 + 23 + 4 + 2 + 23},
		{"http://10.0.0.1:8080/x", 23 + 2 + 23},
	}
	for _, tt := range tests {
		if got := mastodonCount(tt.text); got != tt.want {
			t.Errorf("mastodonCount(%.30q) = %d, want %d", tt.text, got, tt.want)
		}
	}
	cfg := func(limit int) *briefing.Channel {
		return &briefing.Channel{Name: "toot", Kind: KindMastodon, Config: ConfigJSON(MastodonConfig{Instance: "https://m.example", AccessToken: "t", Limit: limit})}
	}
	if got := cfg(0).TextLimit(); got != 500 {
		t.Errorf("default limit = %d, want 500", got)
	}
	if got := cfg(1000).TextLimit(); got != 1000 {
		t.Errorf("configured limit = %d, want 1000", got)
	}
	fits := strings.Repeat("a", 500-25)
	if err := briefing.CheckChannelText(cfg(0), fits, "", "channels[0].text"); err != nil {
		t.Errorf("475 characters and the link: %v, want it to fit 500", err)
	}
	if err := briefing.CheckChannelText(cfg(0), fits+"a", "", "channels[0].text"); briefing.ErrorField(err) != "channels[0].text" {
		t.Errorf("476 characters and the link: %v, want refused on channels[0].text", err)
	}
}

// TestMastodonPostAndRetract: the status's id and url come back from the
// post; the retraction deletes it by id, and a status gone already counts.
func TestMastodonPostAndRetract(t *testing.T) {
	deleted := 0
	srv := newStandIn(t, func(w http.ResponseWriter, r seen) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			return
		}
		switch {
		case r.Method == http.MethodPost && r.Path == "/api/v1/statuses":
			writeJSON(w, http.StatusOK, map[string]string{"id": "1131", "url": "https://social.example/@acme/1131"})
		case r.Method == http.MethodDelete && r.Path == "/api/v1/statuses/1131" && deleted == 0:
			deleted++
			writeJSON(w, http.StatusOK, map[string]string{"id": "1131"})
		default:
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		}
	})
	s, err := New(briefing.Channel{Kind: KindMastodon, Config: ConfigJSON(MastodonConfig{Instance: srv.URL, AccessToken: testToken})}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.(Poster).Post(t.Context(), testMessage())
	if err != nil || p.ID != "1131" || p.URL != "https://social.example/@acme/1131" {
		t.Fatalf("Post = %+v, %v; want the status's id and url", p, err)
	}
	for range 2 {
		if err := s.(Retracter).Retract(t.Context(), testMessage(), p.ID); err != nil {
			t.Errorf("Retract: %v", err)
		}
	}
	if deleted != 1 {
		t.Errorf("%d deletes, want 1", deleted)
	}
}
