package channel

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"firsthand/briefing"
)

func TestMastodonDelivery(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	// A trailing slash on the instance must not double the path's.
	s, err := New(briefing.Channel{Name: "toot", Kind: briefing.KindMastodon,
		Config: briefing.ChannelConfig{Instance: srv.URL + "/", AccessToken: testToken}}, nil, nil)
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

func TestMastodonStatus(t *testing.T) {
	url := "https://news.example.com/news/" + strings.Repeat("x", 40)
	long := strings.Repeat("Grüße aus der Pressestelle. ", 40) // > 1,000 runes, multi-byte
	tests := []struct {
		name, text, url string
		check           func(t *testing.T, got string)
	}{
		{"fits", "short", url, func(t *testing.T, got string) {
			if got != "short\n\n"+url {
				t.Errorf("got %q", got)
			}
		}},
		{"long text is cut, URL kept", long, url, func(t *testing.T, got string) {
			if n := utf8.RuneCountInString(got); n > mastodonLimit {
				t.Errorf("%d runes, want at most %d", n, mastodonLimit)
			}
			if !strings.HasSuffix(got, "…\n\n"+url) {
				t.Errorf("got %q, want the text cut with … and the whole URL at the end", got)
			}
			if !utf8.ValidString(got) {
				t.Error("cut inside a rune")
			}
		}},
		{"exactly the limit", strings.Repeat("a", mastodonLimit-2-utf8.RuneCountInString(url)), url, func(t *testing.T, got string) {
			if n := utf8.RuneCountInString(got); n != mastodonLimit || strings.Contains(got, "…") {
				t.Errorf("%d runes, cut: %v; want %d uncut", n, strings.Contains(got, "…"), mastodonLimit)
			}
		}},
		{"no URL", long, "", func(t *testing.T, got string) {
			if n := utf8.RuneCountInString(got); n != mastodonLimit {
				t.Errorf("%d runes, want %d", n, mastodonLimit)
			}
		}},
		{"URL longer than the limit", "text", "https://x.example/" + strings.Repeat("y", 600), func(t *testing.T, got string) {
			if !strings.HasPrefix(got, "https://x.example/") || strings.Contains(got, "text") {
				t.Errorf("got %.40q…, want the URL alone", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, mastodonStatus(tt.text, tt.url)) })
	}
}
