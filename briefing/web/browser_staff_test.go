package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// TestBrowserStaffGerman: a German browser at 390 px signs in, and its
// inbox and briefing are German, fit the screen without sideways scrolling
// (German words are longer), and the button says "Gelesen und verstanden".
// Full-page screenshots go to FIRSTHAND_SCREENSHOTS when it is set.
func TestBrowserStaffGerman(t *testing.T) {
	dir := os.Getenv("FIRSTHAND_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshots in %s", dir)
	}
	var live string
	e := newBrowserEnv(t, func(st *store.Store) { live = seedGerman(t, st) })

	ctx := e.tab(390, 844, true)
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9"}}); err != nil {
		t.Fatalf("Accept-Language: %v", err)
	}
	check := func(name string) { t.Helper(); checkGermanAt390(t, e, ctx, dir, name) }

	e.do(ctx, "the sign-in page", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.ID("email")))
	if got := e.text(ctx, "h1"); got != "Anmelden" {
		t.Errorf("the sign-in page's heading: got %q, want Anmelden", got)
	}
	check("de-signin")
	e.signIn(ctx, "anna@example.com")

	e.do(ctx, "the inbox", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.CSS(".inbox")))
	inbox := e.text(ctx, "main")
	for _, want := range []string{"Ihre Briefings", "Zu bestätigen", "Von Hand zu posten", "Bestätigt", " MEZ"} {
		if !strings.Contains(inbox, want) {
			t.Errorf("the German inbox lacks %q:\n%s", want, inbox)
		}
	}
	check("de-inbox")

	e.do(ctx, "the briefing", chromedp.Navigate(e.url+"/briefings/"+live), chromedp.WaitVisible(chromedp.CSS(`#ack button`)))
	if got := strings.TrimSpace(e.text(ctx, "#ack button")); got != "Gelesen und verstanden" {
		t.Errorf("the acknowledge button says %q, want Gelesen und verstanden", got)
	}
	page := e.text(ctx, "main")
	for _, want := range []string{"Sperrfrist bis", "Sprachregelung für Kundengespräche", "Fragen vor der Veröffentlichung", " MEZ"} {
		if !strings.Contains(page, want) {
			t.Errorf("the German briefing lacks %q:\n%s", want, page)
		}
	}
	check("de-briefing")

	e.do(ctx, "acknowledge", chromedp.Click(chromedp.CSS(`#ack button`)), chromedp.WaitVisible(chromedp.CSS(`#ack .done-note`)))
	if got := e.text(ctx, "#ack .done-note"); !strings.Contains(got, "Vielen Dank") {
		t.Errorf("after acknowledging: %q", got)
	}
	check("de-briefing-acknowledged")
	if f := e.foreign(); len(f) > 0 {
		t.Errorf("requests to another origin: %q", f)
	}
}

// checkGermanAt390 fails when the page in ctx is not German or is wider
// than 390 px, naming what sticks out; with dir set it saves a full-page
// screenshot there as name-390.png.
func checkGermanAt390(t *testing.T, e *browserEnv, ctx context.Context, dir, name string) {
	t.Helper()
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil || lang != "de" {
		t.Errorf("%s: <html lang=%q> (%v), want de", name, lang, err)
	}
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scrollingElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if w > 390 {
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(el => el.getBoundingClientRect().right > 391).slice(0, 5).map(el => el.tagName + "." + el.className).join(", ")`))
		t.Errorf("%s at 390 px: scrollWidth %d > 390 (too wide: %s)", name, w, wide)
	}
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-390.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserAuthorGerman: the author's pages in German fit 390 px too:
// the dashboard of a live briefing (gate checklist, bars, chart, people)
// and the editor with its zone-labelled embargo.
func TestBrowserAuthorGerman(t *testing.T) {
	dir := os.Getenv("FIRSTHAND_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var live string
	e := newBrowserEnv(t, func(st *store.Store) { live = seedGerman(t, st) })
	ctx := e.tab(390, 844, true)
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "de-DE,de;q=0.9"}}); err != nil {
		t.Fatalf("Accept-Language: %v", err)
	}
	e.do(ctx, "the sign-in page", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.ID("email")))
	e.signIn(ctx, "paula@example.com")

	e.do(ctx, "the dashboard", chromedp.Navigate(e.url+"/announcements/"+live), chromedp.WaitVisible(chromedp.CSS("h1")))
	page := e.text(ctx, "main")
	for _, want := range []string{"Bedingungen für die Veröffentlichung", "Schwelle", " MEZ"} {
		if !strings.Contains(page, want) {
			t.Errorf("the German dashboard lacks %q:\n%s", want, page)
		}
	}
	checkGermanAt390(t, e, ctx, dir, "de-dashboard")

	e.do(ctx, "the editor", chromedp.Navigate(e.url+"/announcements/new"), chromedp.WaitVisible(chromedp.ID("not_before")))
	if page := e.text(ctx, "main"); !strings.Contains(page, "Europe/Berlin") {
		t.Errorf("the German editor does not name the zone:\n%s", page)
	}
	checkGermanAt390(t, e, ctx, dir, "de-editor")
}

// seedGerman makes, in Berlin time, a German briefing under embargo with
// a deadline, a material revision, talking points and an answered
// question (long German words in all of them), one already acknowledged,
// and a released one whose post on a platform without an API waits for
// Anna. It returns the embargoed briefing's id.
func seedGerman(t *testing.T, st *store.Store) string {
	t.Helper()
	if _, err := st.UpdateSettings("test", func(s *briefing.Settings) error { s.TimeZone = "Europe/Berlin"; return nil }); err != nil {
		t.Fatal(err)
	}
	users := addPeople(t, st,
		briefing.User{Email: "anna@example.com", Name: "Anna Becker", Department: "Vertrieb", Location: "Berlin"},
		briefing.User{Email: "ben@example.com", Name: "Ben Weber", Department: "Vertrieb", Location: "Leipzig"},
		briefing.User{Email: "paula@example.com", Name: "Paula Richter", Department: "Kommunikation", Roles: []briefing.Role{briefing.RoleAuthor}},
		briefing.User{Email: "martin@example.com", Name: "Martin Koch", Department: "Vertrieb", Roles: []briefing.Role{briefing.RoleManager}})
	author, manager := users["paula@example.com"], users["martin@example.com"]
	xing := &briefing.Channel{Name: "Xing-Unternehmensseite", Kind: channel.KindManual,
		Config: channel.ConfigJSON(channel.ManualConfig{Platform: "Xing", Assignees: []string{"anna@example.com"},
			Instructions: "Auf der Unternehmensseite als Neuigkeit veröffentlichen."})}
	if err := st.CreateChannel(xing, "test"); err != nil {
		t.Fatal(err)
	}
	chans := []briefing.ChannelText{{ChannelID: xing.ID, Text: "Unsere neuen Rahmenvertragsbedingungen gelten ab dem 1. April."}}
	publish := func(a *briefing.Announcement) *briefing.Announcement {
		a.AuthorID = author.ID
		a.Audience = briefing.Audience{Departments: []string{"Vertrieb"}}
		if err := st.CreateAnnouncement(a, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Publish(a.ID, "test"); err != nil {
			t.Fatal(err)
		}
		return a
	}

	released := publish(&briefing.Announcement{Title: "Kundenservice jetzt auch per Chat",
		Summary: "Kundinnen und Kunden erreichen den Kundenservice werktags von 8 bis 20 Uhr per Chat.",
		Body:    "Der **Chat** ist direkt in den Hilfeseiten erreichbar.", Channels: chans})
	if _, err := st.Acknowledge(released.ID, users["anna@example.com"].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Release(released.ID, manager, "Start"); err != nil {
		t.Fatal(err)
	}

	day := time.Now().UTC().Truncate(24 * time.Hour)
	embargo, deadline := day.Add(2*24*time.Hour+7*time.Hour), day.Add(3*24*time.Hour+15*time.Hour)
	live := publish(&briefing.Announcement{Title: "Neue Rahmenvertragsbedingungen für Bestandskundinnen und Bestandskunden",
		Summary:       "Drei Tarife statt fünf. Niemand zahlt in diesem Jahr mehr; die meisten zahlen weniger.",
		Body:          "## Was sich ändert\n\nDie Mindestvertragslaufzeitverlängerung entfällt. Bestandsverträge behalten ihren Preis bis zur Verlängerung.\n",
		TalkingPoints: "- Niemand zahlt in diesem Jahr mehr.\n- Bestandsverträge behalten ihren Preis bis zur Verlängerung.",
		Policy:        briefing.Policy{Threshold: 0.9, NotBefore: &embargo, Deadline: &deadline}, Channels: chans})
	body := live.Body + "\nFragen beantwortet das Vertriebsinnendienstteam.\n"
	if _, err := st.Revise(live.ID, author, briefing.Revision{Body: &body, Material: true, Note: "Ansprechpartner ergänzt"}); err != nil {
		t.Fatal(err)
	}
	q, err := st.Ask(live.ID, users["ben@example.com"].ID, "Gilt die Preisgarantie auch für Kundinnen und Kunden mit Sondervereinbarungen?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Answer(q.ID, "user:"+author.ID, "Ja, bis zum Ende der Vertragslaufzeit."); err != nil {
		t.Fatal(err)
	}
	return live.ID
}
