package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

// Page tests drive the whole router as a browser would: a session cookie,
// form posts, redirects not followed, HTML read back. Helpers are named
// pg… so that they stay apart from the API tests' helpers.

type pgApp struct {
	t      *testing.T
	st     *store.Store
	ts     *httptest.Server
	client *http.Client
	logs   *testkit.LockedBuffer
}

type pgUser struct {
	*briefing.User
	session string
}

// pgResp is one answer: status, body and where a redirect points.
type pgResp struct {
	Status   int
	Body     string
	Location string
	// Flash is the one-time note the answer leaves for the next page.
	Flash string
}

func newPgApp(t *testing.T) *pgApp {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "pages.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	logs := &testkit.LockedBuffer{}
	srv, err := New(Config{Store: st, BaseURL: "http://news.example.test", Version: "test", ChannelDialer: channel.NewGuardedDialer(channel.AllowLoopback()),
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	a := &pgApp{t: t, st: st, ts: ts, logs: logs,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	t.Cleanup(func() {
		ts.Close()
		if err := st.Close(); err != nil {
			t.Errorf("store.Close: %v", err)
		}
		if l := logs.String(); l != "" {
			t.Errorf("the server logged errors:\n%s", l)
		}
	})
	return a
}

// member creates a user with a browser session.
func (a *pgApp) member(email, dept string, roles ...briefing.Role) pgUser {
	a.t.Helper()
	name := strings.ToUpper(email[:1]) + strings.Split(email, "@")[0][1:]
	u := &briefing.User{Email: email, Name: name, Department: dept, Location: "Berlin", Roles: roles}
	if err := a.st.CreateUser(u, "test"); err != nil {
		a.t.Fatalf("CreateUser(%s): %v", email, err)
	}
	secret, err := a.st.CreateSession(u.ID, time.Hour)
	if err != nil {
		a.t.Fatalf("CreateSession: %v", err)
	}
	return pgUser{User: u, session: secret}
}

// send makes one request as u (nil: signed out). A reader's zone is their
// own setting or the organisation's, no longer a cookie: tz, when given,
// becomes the organisation's time zone (store.UpdateSettings) before the
// request, and stays so for the rest of the test.
func (a *pgApp) send(u *pgUser, method, path string, body io.Reader, contentType string, tz string) pgResp {
	a.t.Helper()
	if tz != "" {
		a.zone(tz)
	}
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return a.do(u, method, path, body, h)
}

// zone makes tz the organisation's time zone.
func (a *pgApp) zone(tz string) {
	a.t.Helper()
	if _, err := a.st.UpdateSettings("test", func(set *briefing.Settings) error {
		set.TimeZone = tz
		return nil
	}); err != nil {
		a.t.Fatalf("setting the organisation's zone to %q: %v", tz, err)
	}
}

// germanBrowser is the Accept-Language of a browser set to German.
const germanBrowser = "de-DE,de;q=0.9"

// getIn is get from a browser that asks for lang (an Accept-Language).
func (a *pgApp) getIn(u pgUser, lang, path string) pgResp {
	a.t.Helper()
	return a.do(&u, http.MethodGet, path, nil, http.Header{"Accept-Language": {lang}})
}

// postIn is post from a browser that asks for lang (an Accept-Language).
func (a *pgApp) postIn(u pgUser, lang, path string, form url.Values) pgResp {
	a.t.Helper()
	return a.do(&u, http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Accept-Language": {lang}, "Content-Type": {"application/x-www-form-urlencoded"}})
}

// do makes one request as u with the given headers.
func (a *pgApp) do(u *pgUser, method, path string, body io.Reader, h http.Header) pgResp {
	a.t.Helper()
	req, err := http.NewRequest(method, a.ts.URL+path, body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if u != nil {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: u.session})
	}
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := pgResp{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location")}
	for _, ck := range res.Cookies() {
		if ck.Name == flashCookie && ck.MaxAge > 0 {
			r.Flash, _ = url.QueryUnescape(ck.Value)
		}
	}
	return r
}

// webhookChannel creates a webhook channel in the store; nothing listens
// at its address, so only tests that never deliver may use it.
func (a *pgApp) webhookChannel(name string) *briefing.Channel {
	a.t.Helper()
	ch := &briefing.Channel{Name: name, Kind: channel.KindWebhook,
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://partner.example/hook", Secret: "whsec_MDEyMzQ1Njc4OWFiY2RlZg=="})}
	if err := a.st.CreateChannel(ch, "test"); err != nil {
		a.t.Fatal(err)
	}
	return ch
}

func (a *pgApp) get(u pgUser, path string) pgResp {
	a.t.Helper()
	return a.send(&u, http.MethodGet, path, nil, "", "")
}

func (a *pgApp) post(u pgUser, path string, form url.Values) pgResp {
	a.t.Helper()
	return a.send(&u, http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", "")
}

func pgWant(t *testing.T, what string, r pgResp, status int) {
	t.Helper()
	if r.Status != status {
		body := r.Body
		if len(body) > 1500 {
			body = body[:1500] + "…"
		}
		t.Fatalf("%s: got status %d, want %d (location %q)\n%s", what, r.Status, status, r.Location, body)
	}
}

func pgContains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
}

// pgOrg is a small organisation: an author, a Sales manager, an admin,
// four people in Sales and two in Support.
type pgOrg struct {
	author, manager, admin pgUser
	sales, support         []pgUser
}

func (a *pgApp) org() pgOrg {
	a.t.Helper()
	o := pgOrg{
		author:  a.member("paula@example.com", "Communications", briefing.RoleAuthor),
		manager: a.member("martin@example.com", "Sales", briefing.RoleManager),
		admin:   a.member("ada@example.com", "IT", briefing.RoleAdmin),
	}
	for _, e := range []string{"anna", "ben", "clara"} {
		o.sales = append(o.sales, a.member(e+"@example.com", "Sales"))
	}
	for _, e := range []string{"dora", "emil"} {
		o.support = append(o.support, a.member(e+"@example.com", "Support"))
	}
	return o
}

// published creates and publishes an announcement through the store.
func (a *pgApp) published(o pgOrg, title string, policy briefing.Policy, channels []briefing.ChannelText, depts ...string) *briefing.Announcement {
	a.t.Helper()
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: title, Summary: "Summary of " + title,
		Body: "Body of **" + title + "**", Audience: briefing.Audience{Departments: depts}, Policy: policy, Channels: channels}
	if err := a.st.CreateAnnouncement(ann, "test"); err != nil {
		a.t.Fatalf("CreateAnnouncement: %v", err)
	}
	p, err := a.st.Publish(ann.ID, "test")
	if err != nil {
		a.t.Fatalf("Publish: %v", err)
	}
	return p
}

func TestPageRolesOnAuthorAndAdminPages(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	employee := o.sales[0]
	ann := a.published(o, "Roles", briefing.Policy{Threshold: 0.5}, nil, "Sales")
	paths := []string{"/announcements", "/announcements/new", "/announcements/" + ann.ID, "/admin/users", "/admin/channels", "/admin/audit"}
	want := map[string][]int{
		"employee": {403, 403, 403, 403, 403, 403},
		"manager":  {200, 403, 200, 403, 403, 403},
		"author":   {200, 200, 200, 403, 403, 403},
		"admin":    {200, 200, 200, 200, 200, 200},
	}
	for who, u := range map[string]pgUser{"employee": employee, "manager": o.manager, "author": o.author, "admin": o.admin} {
		for i, p := range paths {
			r := a.get(u, p)
			if r.Status != want[who][i] {
				t.Errorf("%s GET %s: got %d, want %d", who, p, r.Status, want[who][i])
			}
			if r.Status == 403 && !strings.Contains(r.Body, "This is not open to you") {
				t.Errorf("%s GET %s: the 403 is not the friendly page", who, p)
			}
		}
	}
	// Posts are checked on the server too, not only hidden in the page.
	r := a.post(employee, "/announcements/"+ann.ID+"/withdraw", url.Values{"reason": {"mine now"}})
	pgWant(t, "employee withdraws", r, http.StatusForbidden)
	r = a.post(o.author, "/announcements/"+ann.ID+"/release", url.Values{"reason": {"author may not"}})
	pgWant(t, "author releases", r, http.StatusForbidden)
	// Signed out: to the sign-in form, and back afterwards.
	r = a.send(nil, http.MethodGet, "/announcements", nil, "", "")
	pgWant(t, "signed out", r, http.StatusSeeOther)
	if r.Location != "/?next=%2Fannouncements" {
		t.Errorf("signed out: got Location %q, want the sign-in form with next", r.Location)
	}
}

func TestPageAnnouncementsList(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "Launch day", briefing.Policy{Threshold: 0.5}, nil, "Sales")
	if _, err := a.st.Acknowledge(ann.ID, o.sales[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Ask(ann.ID, o.sales[1].ID, "What do I tell customers?"); err != nil {
		t.Fatal(err)
	}
	draft := &briefing.Announcement{AuthorID: o.author.ID, Title: "Still a draft", Policy: briefing.Policy{Threshold: 0.8}}
	if err := a.st.CreateAnnouncement(draft, "test"); err != nil {
		t.Fatal(err)
	}
	r := a.get(o.author, "/announcements")
	pgWant(t, "list", r, http.StatusOK)
	pgContains(t, "list", r.Body,
		`href="/announcements/`+ann.ID+`"`, "In briefing", `<strong>25%</strong> acknowledged`, "50% needed",
		`href="/announcements/`+draft.ID+`/edit"`, "Draft", "Questions waiting for an answer", "1 question to answer",
		`class="bar"`, `width="25.0"`)
	r = a.get(o.author, "/announcements?state=draft")
	pgWant(t, "drafts", r, http.StatusOK)
	if strings.Contains(r.Body, "Launch day") || !strings.Contains(r.Body, "Still a draft") {
		t.Errorf("the drafts tab shows the wrong announcements")
	}
	// A manager sees the list but gets no editor links.
	r = a.get(o.manager, "/announcements")
	pgWant(t, "manager list", r, http.StatusOK)
	if strings.Contains(r.Body, "/announcements/new") {
		t.Errorf("a manager is offered the editor")
	}
}

var inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>`)

// TestPageNoInlineStyleOrScript walks the pages of every role: the CSP
// forbids inline styles and scripts, so none may be in the HTML.
func TestPageNoInlineStyleOrScript(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "CSP", briefing.Policy{Threshold: 0.5}, nil, "Sales", "Support")
	for _, p := range []string{"/", "/announcements", "/announcements/new", "/announcements/" + ann.ID,
		"/admin/users", "/admin/users/" + o.sales[0].ID, "/admin/channels", "/admin/audit", "/news", "/nowhere"} {
		r := a.get(o.admin, p)
		if strings.Contains(r.Body, " style=") || strings.Contains(r.Body, "<style") {
			t.Errorf("%s has an inline style", p)
		}
		for _, tag := range inlineScript.FindAllString(r.Body, -1) {
			if !strings.Contains(tag, `src="/static/`) {
				t.Errorf("%s has an inline script: %s", p, tag)
			}
		}
		for _, m := range regexp.MustCompile(`(?:src|href|action)="(?:https?:)?//[^"]*"`).FindAllString(r.Body, -1) {
			t.Errorf("%s points to another origin: %s", p, m)
		}
	}
}

var (
	controlTag = regexp.MustCompile(`<(input|textarea|select)\b[^>]*>`)
	idAttr     = regexp.MustCompile(`\sid="([^"]+)"`)
	typeAttr   = regexp.MustCompile(`\stype="([^"]+)"`)
)

// TestPageControlsHaveLabels: every visible form control of the author and
// admin pages has a label that names it, so that a screen reader says what
// to type and a click on the label reaches the control.
func TestPageControlsHaveLabels(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.webhookChannel("Hook")
	ann := a.published(o, "Labels", briefing.Policy{Threshold: 0.5}, []briefing.ChannelText{{ChannelID: ch.ID}}, "Sales")
	if _, err := a.st.Ask(ann.ID, o.sales[0].ID, "A question?"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/announcements/new", "/announcements/" + ann.ID, "/admin/users", "/admin/users/" + o.sales[0].ID,
		"/admin/channels", "/admin/audit", "/briefings/" + ann.ID} {
		r := a.get(o.admin, p)
		if p == "/briefings/"+ann.ID {
			r = a.get(o.sales[1], p)
		}
		pgWant(t, p, r, http.StatusOK)
		for _, tag := range controlTag.FindAllString(r.Body, -1) {
			if typ := typeAttr.FindStringSubmatch(tag); typ != nil && (typ[1] == "hidden" || typ[1] == "submit") {
				continue
			}
			id := idAttr.FindStringSubmatch(tag)
			if id == nil {
				t.Errorf("%s: a control without an id, so no label can name it: %s", p, tag)
				continue
			}
			if !strings.Contains(r.Body, `for="`+id[1]+`"`) {
				t.Errorf("%s: no label for #%s", p, id[1])
			}
		}
	}
}

// TestPagePartiallyPublished: a released announcement whose delivery failed
// on one channel says so in the list, with a link to the deliveries.
func TestPagePartiallyPublished(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	var texts []briefing.ChannelText
	for _, name := range []string{"Press", "Partners"} {
		ch := &briefing.Channel{Name: name, Kind: channel.KindSlack, Config: channel.ConfigJSON(channel.SlackConfig{URL: "http://127.0.0.1:1/hook"})}
		if err := a.st.CreateChannel(ch, "test"); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, briefing.ChannelText{ChannelID: ch.ID})
	}
	ann := a.published(o, "Half out", briefing.Policy{Threshold: 0.5}, texts, "Sales")
	if _, err := a.st.Release(ann.ID, o.manager.User, "launch"); err != nil {
		t.Fatal(err)
	}
	r := a.get(o.author, "/announcements")
	pgContains(t, "list while delivering", r.Body, "Delivering to 2 channels")
	ds, err := a.st.Deliveries(ann.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("deliveries: %v, %v", ds, err)
	}
	if _, err := a.st.RecordAttempt(ds[0].ID, store.Attempt{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.RecordAttempt(ds[1].ID, store.Attempt{Err: errors.New("500 from partner"), GiveUp: true}); err != nil {
		t.Fatal(err)
	}
	r = a.get(o.author, "/announcements")
	pgContains(t, "list after one channel failed", r.Body,
		"Partially published: 1 channel failed", `href="/announcements/`+ann.ID+`#deliveries"`)
}

// TestPageAnnouncementsListInGerman: the list speaks German to a German
// browser (tabs, counts, dates, shares, a reviewer's reason) and English
// to the rest.
func TestPageAnnouncementsListInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	rev := a.member("rita@example.com", "Recht", briefing.RoleReviewer)
	ann := a.published(o, "Umzug nach Mitte", briefing.Policy{Threshold: 0.5}, nil, "Sales")
	if _, err := a.st.Acknowledge(ann.ID, o.sales[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Ask(ann.ID, o.sales[1].ID, "Wohin kommt mein Schreibtisch?"); err != nil {
		t.Fatal(err)
	}
	draft := &briefing.Announcement{AuthorID: o.author.ID, Title: "Neue Preisliste", Audience: briefing.Audience{All: true}}
	if err := a.st.CreateAnnouncement(draft, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Submit(draft.ID, o.author.User); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Reject(draft.ID, rev.User, "Bitte die Preise prüfen."); err != nil {
		t.Fatal(err)
	}

	r := a.getIn(o.author, germanBrowser, "/announcements")
	pgWant(t, "German list", r, http.StatusOK)
	pgGerman(t, "German list", r.Body)
	pgContains(t, "German list", r.Body, "<title>Meldungen · Firsthand</title>", "Neue Meldung", "Offene Fragen",
		"Umzug nach Mitte</a>: 1 Frage", "1 Frage offen", "Im Briefing", "an 4 Personen gesendet",
		"<strong>25\u00a0%</strong> bestätigt", "25\u00a0% gelesen", "50\u00a0% nötig",
		"Entwurf, zuletzt gespeichert am ", "zurückgegeben: Bitte die Preise prüfen.", `aria-label="Nach Zustand filtern"`,
		">Entwürfe</a>", ">Zurückgezogen</a>", "aria-label=\"25\u00a0% bestätigt, 25\u00a0% gelesen; 50\u00a0% nötig\"")

	r = a.getIn(o.author, germanBrowser, "/announcements?state=withdrawn")
	pgGerman(t, "German empty tab", r.Body)
	pgContains(t, "German empty tab", r.Body, "In diesem Zustand gibt es keine Meldungen.")

	r = a.get(o.author, "/announcements")
	pgContains(t, "English list", r.Body, `<html lang="en">`, "Questions waiting for an answer", "Published ", "to 4 people",
		"<strong>25%</strong> acknowledged", "sent back: Bitte die Preise prüfen.", ">Drafts</a>")
}

// TestPageChooseTypeInGerman: the choice of message type speaks German
// (its page title is the editor's).
func TestPageChooseTypeInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	press := a.webhookChannel("Presseverteiler")
	intranet := a.webhookChannel("Intranet")
	mt := &briefing.MessageType{Name: "Preisänderung", Channels: []string{press.ID, intranet.ID},
		Audience: &briefing.Audience{Departments: []string{"Sales"}}}
	if err := a.st.CreateMessageType(mt, "test"); err != nil {
		t.Fatal(err)
	}
	r := a.getIn(o.author, germanBrowser, "/announcements/new")
	pgWant(t, "German type choice", r, http.StatusOK)
	pgGerman(t, "German type choice", r.Body)
	pgContains(t, "German type choice", r.Body, "Neue Meldung: Worum geht es?", "Preisänderung", "2 Kanäle · für Sales")
	pgContains(t, "English type choice", a.get(o.author, "/announcements/new").Body, "what kind of news is it?", "2 channels · for Sales")
}
