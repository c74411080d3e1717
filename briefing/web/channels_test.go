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
