package web

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// TestBrowserStaffNotices: at 390 px, in Berlin time (the organisation's
// zone), a recipient sees in words what they may say outside for a
// briefing in each public state and for a withdrawn one, and the page fits
// the screen; the deliveries table of a failed delivery shows its error
// without sideways scrolling; the editor's audience count follows the
// ticked boxes. Screenshots go to FIRSTHAND_SCREENSHOTS, or a temporary
// directory.
func TestBrowserStaffNotices(t *testing.T) {
	dir := os.Getenv("FIRSTHAND_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var ids map[string]string
	e := newBrowserEnv(t, func(st *store.Store) { ids = seedNotices(t, st) })
	t.Logf("screenshots in %s", dir)

	ctx := e.tab(390, 844, true)
	e.signIn(ctx, "anna@example.com")
	fits := func(what string) {
		t.Helper()
		w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if w > 390 {
			t.Errorf("%s at 390 px: scrollWidth %d", what, w)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-390.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ key, want string }{
		{"internal", "Internal: not for customers."},
		{"embargoed", "Embargoed until 3 Dec 2030, 09:00 CET: don’t discuss it outside before."},
		{"pending", "Waiting for staff acknowledgement: not public yet."},
		{"released", "Public since"},
		{"withdrawn", "This briefing was withdrawn"},
	} {
		e.do(ctx, tt.key, chromedp.Navigate(e.url+"/briefings/"+ids[tt.key]), chromedp.WaitVisible(chromedp.CSS(".notice")))
		if got := e.text(ctx, "main"); !strings.Contains(got, tt.want) {
			t.Errorf("%s: the page says\n%s\nwant %q", tt.key, got, tt.want)
		}
		fits(tt.key)
		shot("notice-" + tt.key)
	}
	e.do(ctx, "inbox", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.CSS(".notice")))
	fits("inbox")
	shot("notice-inbox")

	author := e.tab(390, 844, true)
	e.signIn(author, "paula@example.com")
	ctx = author
	e.do(ctx, "dashboard", chromedp.Navigate(e.url+"/announcements/"+ids["released"]), chromedp.WaitVisible(chromedp.ID("deliveries")))
	fits("dashboard with a failed delivery")
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var c = document.querySelector(".deliveries .err-cell");
		if (!c) { return false; }
		var r = c.getBoundingClientRect();
		return r.width > 0 && r.left >= 0 && r.right <= 391;
	})()`))
	if err != nil || !visible {
		t.Errorf("the delivery's error is not on the 390 px screen (%v)", err)
	}
	shot("dashboard-deliveries")

	e.do(ctx, "editor", chromedp.Navigate(e.url+"/announcements/new"), chromedp.WaitVisible(chromedp.ID("audience")))
	before := e.text(ctx, ".count-big")
	e.do(ctx, "tick Support", chromedp.Click(chromedp.CSS(`input[name="department"][value="Support"]`)))
	e.waitJS(ctx, "the count to follow the box", `document.querySelector(".count-big").innerText.indexOf("2 people") >= 0`, 5*time.Second)
	if !strings.Contains(before, "0 people") {
		t.Errorf("the count before ticking: %q", before)
	}
	if f := e.foreign(); len(f) > 0 {
		t.Errorf("requests to another origin: %q", f)
	}
}

// seedNotices makes one briefing per public state, a withdrawn one, and a
// failed delivery with a long error.
func seedNotices(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	if _, err := st.UpdateSettings("test", func(s *briefing.Settings) error { s.TimeZone = "Europe/Berlin"; return nil }); err != nil {
		t.Fatal(err)
	}
	users := addPeople(t, st,
		briefing.User{Email: "anna@example.com", Name: "Anna Becker", Department: "Sales"},
		briefing.User{Email: "ben@example.com", Name: "Ben Weber", Department: "Support"},
		briefing.User{Email: "clara@example.com", Name: "Clara Koch", Department: "Support"},
		briefing.User{Email: "paula@example.com", Name: "Paula PR", Department: "Communications", Roles: []briefing.Role{briefing.RoleAuthor}},
		briefing.User{Email: "martin@example.com", Name: "Martin Manager", Department: "Sales", Roles: []briefing.Role{briefing.RoleManager}})
	hook := &briefing.Channel{Name: "Partner webhook", Kind: channel.KindWebhook,
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://partners.example.com/hooks/firsthand", Secret: testWebhookSecret})}
	if err := st.CreateChannel(hook, "test"); err != nil {
		t.Fatal(err)
	}
	chans := []briefing.ChannelText{{ChannelID: hook.ID}}
	embargo := time.Date(2030, 12, 3, 8, 0, 0, 0, time.UTC)
	ids := map[string]string{}
	for _, s := range []struct {
		key    string
		policy briefing.Policy
		chans  []briefing.ChannelText
	}{
		{"internal", briefing.Policy{}, nil},
		{"embargoed", briefing.Policy{NotBefore: &embargo}, chans},
		{"pending", briefing.Policy{}, chans},
		{"released", briefing.Policy{}, chans},
		{"withdrawn", briefing.Policy{}, chans},
	} {
		a := &briefing.Announcement{AuthorID: users["paula@example.com"].ID, Title: fmt.Sprintf("New price list (%s)", s.key),
			Summary: "The price list changes on 1 January.", Body: "Prices change.", Policy: s.policy, Channels: s.chans,
			TalkingPoints: "- Existing contracts keep their price until renewal.\n- Questions go to your account manager.",
			Audience:      briefing.Audience{Departments: []string{"Sales"}}}
		if err := st.CreateAnnouncement(a, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Publish(a.ID, "test"); err != nil {
			t.Fatal(err)
		}
		ids[s.key] = a.ID
	}
	if _, err := st.Release(ids["released"], users["martin@example.com"], "launch"); err != nil {
		t.Fatal(err)
	}
	ds, err := st.Deliveries(ids["released"])
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries = %v, %v", ds, err)
	}
	if _, err := st.RecordAttempt(ds[0].ID, store.Attempt{GiveUp: true,
		Err: errors.New("the receiver answered 503 Service Unavailable: upstream partners-gateway-eu-central-1.example.com timed out after 10 s")}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Withdraw(ids["withdrawn"], "test", "the figures in it were wrong"); err != nil {
		t.Fatal(err)
	}
	return ids
}
