package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// TestNewsroomOnlyGoesPublic: an announcement to the newsroom alone is not
// internal only: when its gate opens it is released, its page is up at
// /news/{slug}, and it is on /news and in the feed.
func TestNewsroomOnlyGoesPublic(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	var list struct {
		Channels []struct{ ID, Kind string }
	}
	e.admin.must(t, "GET", "/api/v1/channels", nil, http.StatusOK, &list)
	if len(list.Channels) == 0 || list.Channels[0].Kind != "newsroom" {
		t.Fatalf("channels = %+v, want the newsroom first", list.Channels)
	}
	e.channels = []string{list.Channels[0].ID}
	a := e.announce(2, func() map[string]any { return map[string]any{"threshold": 1} })
	anon := newAPI(e.base, "")
	e.ack(a, 0)
	if got, _, _ := anon.call("GET", "/news/"+a.Slug, nil, nil); got != http.StatusNotFound {
		t.Fatalf("GET /news/%s before the gate: %d, want 404", a.Slug, got)
	}
	e.ack(a, 1)
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) && e.readiness(a).State != "released" {
		time.Sleep(50 * time.Millisecond)
	}
	if r := e.readiness(a); r.State != "released" {
		t.Fatalf("state after the gate opened: %s, want released", r.State)
	}
	if ds := e.deliveries(a); len(ds) != 1 {
		t.Errorf("deliveries = %+v, want the newsroom's alone", ds)
	}
	status, page, _ := anon.call("GET", "/news/"+a.Slug, nil, nil)
	if status != http.StatusOK || !strings.Contains(string(page), "Gate "+a.Tag) {
		t.Errorf("GET /news/%s: %d, want the page with its title", a.Slug, status)
	}
	if _, idx, _ := anon.call("GET", "/news", nil, nil); !strings.Contains(string(idx), "/news/"+a.Slug) {
		t.Error("/news does not list it")
	}
	_, feedBody, _ := anon.call("GET", "/news/feed.atom", nil, nil)
	feed, err := gofeed.NewParser().ParseString(string(feedBody))
	if err != nil {
		t.Fatalf("the feed does not parse: %v", err)
	}
	found := false
	for _, it := range feed.Items {
		found = found || it.Title == "Gate "+a.Tag
	}
	if !found {
		t.Errorf("the feed's %d items lack %q", len(feed.Items), "Gate "+a.Tag)
	}
}

// TestChannelAllowedHostsDefault: under the default policy (external) a
// channel to 127.0.0.1 fails its check with a sentence naming the rule,
// and nothing reaches it; FIRSTHAND_CHANNEL_ALLOWED_HOSTS=loopback lets
// the same receivers through (every other test here sets it).
func TestChannelAllowedHostsDefault(t *testing.T) {
	t.Parallel()
	hits := 0
	recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	defer recv.Close()
	db := filepath.Join(t.TempDir(), "f.db")
	mustCLI(t, "user", "add", "--db", db, "--email", gateAdmin, "--name", "Admin", "--department", "Comms", "--role", "admin")
	token := oneLine(t, "token create", mustCLI(t, "token", "create", "--db", db, "--email", gateAdmin))
	srv := startServe(t, map[string]string{"FIRSTHAND_DB": db, "FIRSTHAND_CHANNEL_ALLOWED_HOSTS": "external"})
	admin := newAPI(srv.URL, token)
	var ch struct{ ID string }
	admin.must(t, "POST", "/api/v1/channels", map[string]any{"name": "Local", "kind": "webhook",
		"config": map[string]any{"url": recv.URL + "/in", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}, http.StatusCreated, &ch)
	var res struct {
		OK      bool
		Message string
	}
	admin.must(t, "POST", "/api/v1/channels/"+ch.ID+"/check", nil, http.StatusOK, &res)
	if res.OK || !strings.Contains(res.Message, "127.0.0.1 is a loopback address") {
		t.Errorf("check = %+v, want refused: loopback", res)
	}
	if hits != 0 {
		t.Errorf("the receiver got %d requests, want none", hits)
	}
}
