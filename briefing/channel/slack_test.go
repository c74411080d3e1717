package channel

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"firsthand/briefing"
)

func TestSlackDelivery(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s, err := New(briefing.Channel{Name: "chat", Kind: KindSlack,
		Config: ConfigJSON(SlackConfig{URL: srv.URL + testSlackPath})}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := rec.requests(t, 1)[0]
	if r.method != http.MethodPost || r.path != testSlackPath {
		t.Errorf("got %s %s, want POST %s", r.method, r.path, testSlackPath)
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	want := "*New pricing from 1 March*\nOur plans get simpler &amp; cheaper.\nhttps://news.example.com/news/new-pricing"
	if len(body) != 1 || body["text"] != want {
		t.Errorf("body = %v, want only text %q", body, want)
	}
}

func TestSlackText(t *testing.T) {
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"mrkdwn control characters", Message{Title: "A <b> & *C*", Text: "<!channel> hi", URL: "https://x.example/a"},
			"*A &lt;b&gt; &amp; C*\n&lt;!channel&gt; hi\nhttps://x.example/a"},
		{"no text", Message{Title: "T", URL: "https://x.example/a"}, "*T*\nhttps://x.example/a"},
		{"no url", Message{Title: "T", Text: "body"}, "*T*\nbody"},
	}
	for _, tt := range tests {
		if got := slackText(tt.m); got != tt.want {
			t.Errorf("%s: slackText = %q, want %q", tt.name, got, tt.want)
		}
	}
}
