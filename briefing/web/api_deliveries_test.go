package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// TestConfirmManualDelivery: a manual delivery goes awaiting → sent only
// by a confirmation from an assignee (or an author, manager, admin);
// anyone else gets 404, and the confirmation is audited.
func TestConfirmManualDelivery(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	xing := decode[struct {
		ID string `json:"id"`
	}](t, "create manual", a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, map[string]any{
		"name": "Xing", "kind": "manual", "config": map[string]any{"platform": "Xing", "assignees": []string{s.sales2.Email}, "instructions": "Company page"},
	}), http.StatusCreated).ID
	draft := draftOf("Manual", "Sales")
	draft["channels"] = []map[string]any{{"channel_id": xing, "text": "Ready text"}}
	ann := a.create(s.author, draft)
	a.publish(s.author, ann.ID)
	wantStatus(t, "release", a.do(http.MethodPost, "/api/v1/announcements/"+ann.ID+"/release", s.admin.Token, map[string]string{"reason": "test"}), http.StatusOK)

	ds := decode[struct {
		Deliveries []briefing.Delivery `json:"deliveries"`
	}](t, "deliveries", a.get("/api/v1/announcements/"+ann.ID+"/deliveries", s.author.Token), http.StatusOK).Deliveries
	if len(ds) != 1 || ds[0].State != briefing.DeliveryAwaiting {
		t.Fatalf("deliveries = %+v, want one awaiting", ds)
	}
	path := "/api/v1/announcements/" + ann.ID + "/deliveries/" + ds[0].ID + "/confirm"
	wantError(t, "confirm by a non-assignee", a.do(http.MethodPost, path, s.sales1.Token, map[string]string{"post_url": "https://xing.example/p"}), 404, "not_found", "")
	wantError(t, "confirm with a bad URL", a.do(http.MethodPost, path, s.sales2.Token, map[string]string{"post_url": "javascript:alert(1)"}), 422, "invalid", "post_url")

	// The assignee's task page: the ready text with the link, the instructions.
	task := a.send(req{method: http.MethodGet, path: "/tasks/" + ds[0].ID, token: s.sales2.Token})
	wantStatus(t, "task page", task, http.StatusOK)
	for _, want := range []string{"Ready text", "/news/" + ann.Slug, "Company page", "Mark as posted"} {
		if !strings.Contains(string(task.Body), want) {
			t.Errorf("task page lacks %q", want)
		}
	}
	wantStatus(t, "task page for another", a.send(req{method: http.MethodGet, path: "/tasks/" + ds[0].ID, token: s.sales1.Token}), http.StatusNotFound)

	got := decode[briefing.Delivery](t, "confirm", a.do(http.MethodPost, path, s.sales2.Token, map[string]string{"post_url": "https://xing.example/p"}), http.StatusOK)
	if got.State != briefing.DeliverySent || got.PostURL != "https://xing.example/p" {
		t.Errorf("confirmed = %+v, want sent with the post's URL", got)
	}
	wantError(t, "confirm twice", a.do(http.MethodPost, path, s.author.Token, nil), 409, "conflict", "")
	events := decode[auditPage](t, "audit", a.get("/api/v1/audit?action=delivery.confirm", s.admin.Token), http.StatusOK).Events
	if len(events) != 1 {
		t.Errorf("delivery.confirm events = %+v, want 1", events)
	}
}

// TestChannelCheck runs the preflight of each kind: nothing is posted.
func TestChannelCheck(t *testing.T) {
	var posts, verifies int
	stand := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/accounts/verify_credentials" && r.Header.Get("Authorization") == "Bearer good" {
			verifies++
			_ = json.NewEncoder(w).Encode(map[string]string{"acct": "news"})
			return
		}
		if r.Method == http.MethodPost {
			posts++
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer stand.Close()
	a := newTestApp(t)
	s := a.staff()
	mk := func(name, kind string, cfg map[string]any) string {
		return decode[struct {
			ID string `json:"id"`
		}](t, "create "+name, a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, map[string]any{"name": name, "kind": kind, "config": cfg}), http.StatusCreated).ID
	}
	tests := []struct {
		name, id string
		ok       bool
		account  string
		msg      string
	}{
		{"newsroom", "1", true, "", "always"},
		{"webhook", mk("Hook", "webhook", map[string]any{"url": stand.URL + "/hook", "secret": testWebhookSecret}), true, "", "nothing was sent"},
		{"slack", mk("Chat", "slack", map[string]any{"url": stand.URL + "/services/x"}), true, "", "nothing was sent"},
		{"slack unreachable", mk("Gone", "slack", map[string]any{"url": "http://127.0.0.1:1/x"}), false, "", "refused"},
		{"mastodon", mk("Toot", "mastodon", map[string]any{"instance": stand.URL, "access_token": "good"}), true, "@news", "@news"},
		{"mastodon bad token", mk("Toot2", "mastodon", map[string]any{"instance": stand.URL, "access_token": "bad"}), false, "", "401"},
		{"manual", mk("Xing", "manual", map[string]any{"platform": "Xing", "assignees": []string{s.sales1.Email}}), true, "", "active"},
		{"manual unknown", mk("YouTube", "manual", map[string]any{"platform": "YouTube", "assignees": []string{"nobody@example.com"}}), false, "", "nobody@example.com"},
		{"email without SMTP", mk("Press", "email", map[string]any{"to": []string{"desk@example.org"}}), false, "", "SMTP is not configured"},
	}
	for _, tt := range tests {
		got := decode[channel.Result](t, "check "+tt.name, a.do(http.MethodPost, "/api/v1/channels/"+tt.id+"/check", s.author.Token, nil), http.StatusOK)
		if got.OK != tt.ok || got.Account != tt.account || !strings.Contains(got.Message, tt.msg) {
			t.Errorf("check %s = %+v, want ok %v account %q message with %q", tt.name, got, tt.ok, tt.account, tt.msg)
		}
	}
	if posts != 0 || verifies != 1 {
		t.Errorf("the stand-in got %d posts and %d verify_credentials, want 0 and 1", posts, verifies)
	}
	wantError(t, "check as employee", a.do(http.MethodPost, "/api/v1/channels/1/check", s.sales1.Token, nil), 403, "forbidden", "")
}

// TestChannelCheckRefusesLoopbackByDefault: under the default policy a
// channel to 127.0.0.1 fails its check (and its test send) with a
// sentence that names the rule; allowed under loopback (TestChannelCheck).
func TestChannelCheckRefusesLoopbackByDefault(t *testing.T) {
	hits := 0
	recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer recv.Close()
	a := newTestApp(t, func(c *Config) { c.ChannelDialer = nil }) // the default: external only
	s := a.staff()
	id := decode[struct {
		ID string `json:"id"`
	}](t, "create", a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, map[string]any{
		"name": "Hook", "kind": "webhook", "config": map[string]any{"url": recv.URL + "/h", "secret": testWebhookSecret}}), http.StatusCreated).ID
	got := decode[channel.Result](t, "check", a.do(http.MethodPost, "/api/v1/channels/"+id+"/check", s.admin.Token, nil), http.StatusOK)
	if got.OK || !strings.Contains(got.Message, "127.0.0.1 is a loopback address") {
		t.Errorf("check = %+v, want refused as loopback", got)
	}
	r := a.do(http.MethodPost, "/api/v1/channels/"+id+"/test", s.admin.Token, nil)
	wantError(t, "test send", r, 409, "conflict", "")
	if !strings.Contains(string(r.Body), "loopback") || hits != 0 {
		t.Errorf("test send: %s (%d hits), want a loopback refusal and nothing received", r.Body, hits)
	}
}
