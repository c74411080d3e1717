package web

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/store"
)

// TestChannels: POST answers {id, name, kind}; neither POST nor GET ever
// carries a secret or an access token; a bad config names its field.
func TestChannels(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	const mastodonToken = "mastodon-access-token-4f9a2c"
	secretB64 := strings.TrimPrefix(testWebhookSecret, "whsec_")
	inputs := []map[string]any{
		{"name": "Partners", "kind": "webhook", "config": map[string]any{"url": "https://partner.example/hook", "secret": testWebhookSecret}},
		{"name": "Fediverse", "kind": "mastodon", "config": map[string]any{"instance": "https://social.example", "access_token": mastodonToken}},
		{"name": "Chat", "kind": "slack", "config": map[string]any{"url": "https://chat.example/hooks/xyz"}},
		{"name": "Press list", "kind": "email", "config": map[string]any{"to": []string{"press@example.org"}, "subject_prefix": "[News]"}},
	}
	for _, in := range inputs {
		r := a.do("POST", "/api/v1/channels", s.admin.Token, in)
		got := decode[map[string]any](t, "POST /channels "+in["kind"].(string), r, http.StatusCreated)
		if id, _ := got["id"].(string); id == "" || got["name"] != in["name"] || got["kind"] != in["kind"] {
			t.Errorf("POST /channels: got %v, want id, name %v, kind %v", got, in["name"], in["kind"])
		}
		for _, secret := range []string{secretB64, mastodonToken, "config"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("POST /channels %s: the answer contains %q: %s", in["kind"], secret, r.Body)
			}
		}
	}
	for _, who := range []testUser{s.admin, s.author, s.salesMgr} {
		r := a.get("/api/v1/channels", who.Token)
		got := decode[struct {
			Channels []map[string]any `json:"channels"`
		}](t, "GET /channels", r, http.StatusOK)
		// The built-in newsroom comes first (v1.1).
		if len(got.Channels) != len(inputs)+1 || got.Channels[0]["kind"] != "newsroom" {
			t.Errorf("GET /channels as %s: got %v, want the newsroom and %d channels", who.Email, got.Channels, len(inputs))
		}
		for _, ch := range got.Channels {
			for _, k := range []string{"id", "name", "kind", "purpose", "disabled", "connected"} {
				if _, ok := ch[k]; !ok {
					t.Errorf("GET /channels: entry %v lacks %q", ch, k)
				}
			}
		}
		for _, secret := range []string{secretB64, mastodonToken, "whsec_", "access_token", "secret"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("GET /channels as %s: the answer contains %q: %s", who.Email, secret, r.Body)
			}
		}
	}

	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"secret without prefix", map[string]any{"name": "W", "kind": "webhook", "config": map[string]any{"url": "https://x.example", "secret": "hunter2"}}, "config.secret"},
		{"secret not base64", map[string]any{"name": "W", "kind": "webhook", "config": map[string]any{"url": "https://x.example", "secret": "whsec_!!!"}}, "config.secret"},
		{"secret too short", map[string]any{"name": "W", "kind": "webhook", "config": map[string]any{"url": "https://x.example", "secret": "whsec_c2hvcnQ="}}, "config.secret"},
		{"webhook without url", map[string]any{"name": "W", "kind": "webhook", "config": map[string]any{"secret": testWebhookSecret}}, "config.url"},
		{"mastodon without token", map[string]any{"name": "M", "kind": "mastodon", "config": map[string]any{"instance": "https://social.example"}}, "config.access_token"},
		{"unknown kind", map[string]any{"name": "P", "kind": "pigeon", "config": map[string]any{}}, "kind"},
		{"no config", map[string]any{"name": "S", "kind": "slack"}, "config"},
		{"no name", map[string]any{"kind": "slack", "config": map[string]any{"url": "https://chat.example"}}, "name"},
	}
	for _, tt := range tests {
		wantError(t, tt.name, a.do("POST", "/api/v1/channels", s.admin.Token, tt.body), 422, "invalid", tt.field)
	}
	wantError(t, "POST /channels as author", a.do("POST", "/api/v1/channels", s.author.Token, inputs[0]), 403, "forbidden", "")
	wantError(t, "GET /channels as employee", a.get("/api/v1/channels", s.sales1.Token), 403, "forbidden", "")
}

type auditPage struct {
	Events []struct {
		At     string `json:"at"`
		Actor  string `json:"actor"`
		Action string `json:"action"`
		Target string `json:"target"`
		Detail string `json:"detail"`
	} `json:"events"`
	Next *string `json:"next"`
}

// TestAuditLog: publish, acknowledge, answer and withdraw each leave an
// event; ?action= and ?target= filter; the newest comes first; only an
// admin reads it.
func TestAuditLog(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ann := a.create(s.author, draftOf("Audited", "Sales"))
	a.publish(s.author, ann.ID)
	wantStatus(t, "ack", a.do("POST", "/api/v1/briefings/"+ann.ID+"/ack", s.sales1.Token, nil), 200)
	q := decode[questionJSON](t, "ask", a.do("POST", "/api/v1/briefings/"+ann.ID+"/questions", s.sales2.Token, map[string]string{"text": "When?"}), 201)
	wantStatus(t, "answer", a.do("POST", "/api/v1/questions/"+q.ID+"/answer", s.author.Token, map[string]string{"text": "Monday."}), 200)
	wantStatus(t, "withdraw", a.do("POST", "/api/v1/announcements/"+ann.ID+"/withdraw", s.salesMgr.Token, map[string]string{"reason": "postponed"}), 200)

	target := "announcement:" + ann.ID
	tests := []struct {
		action, actor, detail string
	}{
		{"announcement.publish", "user:" + s.author.ID, ""},
		{"briefing.acknowledge", "user:" + s.sales1.ID, ""},
		{"question.answer", "user:" + s.author.ID, "Monday."},
		{"announcement.withdraw", "user:" + s.salesMgr.ID, "postponed"},
	}
	for _, tt := range tests {
		p := decode[auditPage](t, "audit ?action="+tt.action, a.get("/api/v1/audit?action="+tt.action, s.admin.Token), http.StatusOK)
		if len(p.Events) != 1 {
			t.Errorf("audit ?action=%s: got %d events %+v, want 1", tt.action, len(p.Events), p.Events)
			continue
		}
		e := p.Events[0]
		if e.Action != tt.action || e.Actor != tt.actor || e.Target != target || !strings.Contains(e.Detail, tt.detail) {
			t.Errorf("audit ?action=%s: got %+v, want actor %s target %s detail with %q", tt.action, e, tt.actor, target, tt.detail)
		}
		if at, err := time.Parse(time.RFC3339, e.At); err != nil || time.Since(at) > time.Minute {
			t.Errorf("audit ?action=%s: got at %q, want a recent RFC 3339 time", tt.action, e.At)
		}
	}

	p := decode[auditPage](t, "audit ?target=", a.get("/api/v1/audit?target="+url.QueryEscape(target), s.admin.Token), http.StatusOK)
	var actions []string
	for _, e := range p.Events {
		actions = append(actions, e.Action)
	}
	want := []string{"announcement.withdraw", "question.answer", "question.ask", "briefing.acknowledge", "announcement.publish", "announcement.create"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit ?target=%s: got %v, want newest first %v", target, actions, want)
	}

	// Paging over the whole log sees every event once.
	all := decode[auditPage](t, "audit", a.get("/api/v1/audit", s.admin.Token), http.StatusOK)
	var paged int
	after := ""
	for i := 0; i < 100; i++ {
		path := "/api/v1/audit?limit=4"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		p := decode[auditPage](t, path, a.get(path, s.admin.Token), http.StatusOK)
		paged += len(p.Events)
		if p.Next == nil {
			break
		}
		after = *p.Next
	}
	if paged != len(all.Events) || paged < 10 {
		t.Errorf("paged audit: got %d events, want all %d", paged, len(all.Events))
	}
	wantError(t, "audit as manager", a.get("/api/v1/audit", s.salesMgr.Token), 403, "forbidden", "")
}

// TestBackup: the backup is a database store.Open opens (with the key
// beside it), with the same users, taken while the server runs, and with
// no channel secret in clear.
func TestBackup(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ann := a.create(s.author, draftOf("Backed up", "Sales"))
	a.publish(s.author, ann.ID)
	const secret, token = "whsec_d2ViYmFja3Vwc2VjcmV0d2ViYmFja3Vw", "mastodon-token-not-in-the-backup"
	for _, in := range []map[string]any{
		{"name": "Partners", "kind": "webhook", "config": map[string]any{"url": "https://partner.example/hook", "secret": secret}},
		{"name": "Fediverse", "kind": "mastodon", "config": map[string]any{"instance": "https://social.example", "access_token": token}},
	} {
		wantStatus(t, "POST /channels", a.do("POST", "/api/v1/channels", s.admin.Token, in), http.StatusCreated)
	}

	r := a.get("/api/v1/backup", s.admin.Token)
	wantStatus(t, "GET /backup", r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("GET /backup: got Content-Type %q, want application/octet-stream", ct)
	}
	for _, sec := range []string{secret, token} {
		if bytes.Contains(r.Body, []byte(sec)) {
			t.Errorf("the backup holds the secret %q in clear", sec)
		}
	}
	if !bytes.Contains(r.Body, []byte("Fediverse")) {
		t.Error("the backup lacks the channel's name: the search proves nothing")
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, r.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(store.KeyFilePath(a.st.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(store.KeyFilePath(path), key, 0o600); err != nil {
		t.Fatal(err)
	}
	copied, err := store.Open(path)
	if err != nil {
		t.Fatalf("store.Open(backup): %v", err)
	}
	defer copied.Close()

	emails := func(st *store.Store) []string {
		var out []string
		if err := st.EachUser("", func(u *briefing.User) bool { out = append(out, u.Email); return true }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := emails(copied), emails(a.st); len(want) != 10 || !slices.Equal(got, want) {
		t.Errorf("users in the backup: got %v, want %v", got, want)
	}
	if got, err := copied.Announcement(ann.ID); err != nil || got.State != briefing.StateBriefing || got.Recipients != 4 {
		t.Errorf("announcement in the backup: got %+v, %v, want in briefing with 4 recipients", got, err)
	}
	if cs, err := copied.Channels(); err != nil || len(cs) != 3 || !strings.Contains(string(cs[1].Config), secret) || !strings.Contains(string(cs[2].Config), token) {
		t.Errorf("channels in the backup: got %+v, %v, want both with their secrets", cs, err)
	}
	if u, err := copied.UserByToken(s.sales1.Token); err != nil || u.ID != s.sales1.ID {
		t.Errorf("token in the backup: got %v, %v, want it to work", u, err)
	}
	wantError(t, "backup as author", a.get("/api/v1/backup", s.author.Token), 403, "forbidden", "")
}
