package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestChannelTextOverLimitRefused: the API counts a channel's text as the
// platform does and refuses a longer one at create and at PATCH (422 on
// channels[i].text; it used to accept it, and the Mastodon sender cut it).
// Mastodon counts the appended newsroom link as 23 whatever its form.
func TestChannelTextOverLimitRefused(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	hook := a.webhook(s.admin, "Partners")
	toot := decode[struct {
		ID string `json:"id"`
	}](t, "create mastodon", a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, map[string]any{
		"name": "Fediverse", "kind": "mastodon",
		"config": map[string]any{"instance": "https://social.example", "access_token": "tok"},
	}), http.StatusCreated).ID

	fits := strings.Repeat("é", 500-25) // 475 + blank line + link (23) = 500
	draft := draftOf("Limits", "Sales")
	draft["channels"] = []map[string]any{{"channel_id": hook, "text": "any"}, {"channel_id": toot, "text": fits + "é"}}
	wantError(t, "create over the limit", a.do(http.MethodPost, "/api/v1/announcements", s.author.Token, draft), 422, "invalid", "channels[1].text")

	draft["channels"] = []map[string]any{{"channel_id": hook, "text": "any"}, {"channel_id": toot, "text": fits}}
	ann := a.create(s.author, draft)

	over := map[string]any{"channels": []map[string]any{{"channel_id": toot, "text": fits + " and more"}}}
	wantError(t, "PATCH over the limit", a.do(http.MethodPatch, "/api/v1/announcements/"+ann.ID, s.author.Token, over), 422, "invalid", "channels[0].text")

	// An empty text sends the summary, so the summary is counted then.
	long := map[string]any{"summary": strings.Repeat("s", 480), "channels": []map[string]any{{"channel_id": toot, "text": ""}}}
	wantError(t, "PATCH with a long summary for Mastodon", a.do(http.MethodPatch, "/api/v1/announcements/"+ann.ID, s.author.Token, long), 422, "invalid", "channels[0].text")

	if n := a.publish(s.author, ann.ID); n == 0 {
		t.Error("publish of the draft that fits: no recipients")
	}
}

// TestChannelListFields: GET /channels shows purpose, disabled and
// connected, and an e-mail channel without SMTP is not connected.
func TestChannelListFields(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	r := a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, map[string]any{
		"name": "Press", "kind": "email", "purpose": "Journalists", "config": map[string]any{"to": []string{"desk@example.org"}},
	})
	wantStatus(t, "create email", r, http.StatusCreated)
	got := decode[struct {
		Channels []struct {
			Kind      string `json:"kind"`
			Purpose   string `json:"purpose"`
			Disabled  bool   `json:"disabled"`
			Connected bool   `json:"connected"`
		} `json:"channels"`
	}](t, "list", a.get("/api/v1/channels", s.author.Token), http.StatusOK)
	if len(got.Channels) != 2 || got.Channels[0].Kind != "newsroom" || !got.Channels[0].Connected {
		t.Fatalf("channels = %+v, want the connected newsroom first", got.Channels)
	}
	if e := got.Channels[1]; e.Purpose != "Journalists" || e.Disabled || e.Connected {
		t.Errorf("e-mail channel without SMTP = %+v, want purpose kept, not disabled, not connected", e)
	}
}

// TestPlatformSecretsNeverLeave: the tokens, app passwords and client
// secrets of the social kinds are in no API answer and on no page.
func TestPlatformSecretsNeverLeave(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	secrets := []string{"x-token-7f3a", "x-refresh-9c1d", "x-client-secret-2b8e", "li-token-5d6f", "li-client-secret-0a4c",
		"fb-page-token-3e9b", "bsky-app-pass-8k2m", "threads-token-6h1q"}
	for _, in := range []map[string]any{
		{"name": "X", "kind": "x", "config": map[string]any{"access_token": secrets[0], "refresh_token": secrets[1], "client_id": "cid", "client_secret": secrets[2]}},
		{"name": "LinkedIn", "kind": "linkedin", "config": map[string]any{"access_token": secrets[3], "client_id": "cid", "client_secret": secrets[4], "author": "urn:li:organization:2414183"}},
		{"name": "Facebook", "kind": "facebook", "config": map[string]any{"page_id": "1234567890", "page_access_token": secrets[5]}},
		{"name": "Bluesky", "kind": "bluesky", "config": map[string]any{"identifier": "acme.bsky.social", "app_password": secrets[6]}},
		{"name": "Threads", "kind": "threads", "config": map[string]any{"user_id": "17841400000", "access_token": secrets[7]}},
	} {
		r := a.do(http.MethodPost, "/api/v1/channels", s.admin.Token, in)
		wantStatus(t, "create "+in["kind"].(string), r, http.StatusCreated)
		for _, x := range secrets {
			if strings.Contains(string(r.Body), x) {
				t.Errorf("POST %s: the answer carries %q", in["kind"], x)
			}
		}
	}
	for _, path := range []string{"/api/v1/channels", "/admin/channels"} {
		r := a.get(path, s.admin.Token)
		wantStatus(t, path, r, http.StatusOK)
		if !strings.Contains(string(r.Body), "Threads") {
			t.Errorf("%s does not list the channels: %s", path, r.Body)
		}
		for _, x := range secrets {
			if strings.Contains(string(r.Body), x) {
				t.Errorf("%s carries %q", path, x)
			}
		}
	}
	if logs := a.logs.String(); strings.Contains(logs, "token-") || strings.Contains(logs, "app-pass") {
		t.Errorf("the log carries a secret:\n%s", logs)
	}
}
