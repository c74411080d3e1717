package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// TestPageStaffNotices: the briefing page and the inbox say in words what
// staff may say outside, with times in the reader's zone; the talking
// points are there as "What to tell customers"; a withdrawn briefing tells
// its recipient when and why (410), and stays 404 to anyone else.
func TestPageStaffNotices(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.webhookChannel("wire")
	chans := []briefing.ChannelText{{ChannelID: ch.ID}}
	embargo := time.Date(2030, 12, 3, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin
	internal := a.published(o, "Internal news", briefing.Policy{}, nil, "Sales")
	embargoed := a.published(o, "Embargoed news", briefing.Policy{NotBefore: &embargo}, chans, "Sales")
	pending := a.published(o, "Pending news", briefing.Policy{}, chans, "Sales")
	released := a.published(o, "Released news", briefing.Policy{}, chans, "Sales")
	if _, err := a.st.Release(released.ID, o.manager.User, "launch"); err != nil {
		t.Fatal(err)
	}
	reader := o.sales[0]
	staffOrgZone(t, a, "Europe/Berlin")
	berlin := func(path string) pgResp { return a.get(reader, path) }
	for _, tt := range []struct {
		id   string
		want []string
	}{
		{internal.ID, []string{`data-public="internal"`, "Internal: not for customers."}},
		{embargoed.ID, []string{`data-public="embargoed"`, "Embargoed until 3 Dec 2030, 09:00 CET:", "don’t discuss it outside before."}},
		{pending.ID, []string{`data-public="pending"`, "Waiting for staff acknowledgement:", "not public yet"}},
		{released.ID, []string{`data-public="released"`, "Public since"}},
	} {
		r := berlin("/briefings/" + tt.id)
		pgWant(t, "briefing "+tt.id, r, http.StatusOK)
		pgContains(t, "briefing "+tt.id, r.Body, tt.want...)
	}
	inbox := berlin("/")
	pgWant(t, "inbox", inbox, http.StatusOK)
	pgContains(t, "inbox", inbox.Body, "Internal: not for customers.", "Embargoed until 3 Dec 2030, 09:00 CET:",
		"Waiting for staff acknowledgement:", "Public since")

	tp := &briefing.Announcement{AuthorID: o.author.ID, Title: "With points", Body: "Body",
		TalkingPoints: "- **Old contracts** keep their price.", Audience: briefing.Audience{Departments: []string{"Sales"}}}
	if err := a.st.CreateAnnouncement(tp, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Publish(tp.ID, "test"); err != nil {
		t.Fatal(err)
	}
	r := a.get(reader, "/briefings/"+tp.ID)
	pgContains(t, "talking points", r.Body, "What to tell customers", "<strong>Old contracts</strong> keep their price.")
	if r := a.get(reader, "/briefings/"+pending.ID); strings.Contains(r.Body, "What to tell customers") {
		t.Error("a briefing without talking points shows the section")
	}

	if _, err := a.st.Withdraw(pending.ID, "test", "the figures were wrong"); err != nil {
		t.Fatal(err)
	}
	r = berlin("/briefings/" + pending.ID)
	pgWant(t, "withdrawn, to a recipient", r, http.StatusGone)
	pgContains(t, "withdrawn", r.Body, "This briefing was withdrawn", "because: the figures were wrong", " CET")
	pgWant(t, "withdrawn, to someone else", a.get(o.support[0], "/briefings/"+pending.ID), http.StatusNotFound)
}

// staffOrgZone sets the organisation's time zone, as an admin would on the
// settings page: it is every reader's zone unless they chose their own.
func staffOrgZone(t *testing.T, a *pgApp, zone string) {
	t.Helper()
	if _, err := a.st.UpdateSettings("test", func(s *briefing.Settings) error { s.TimeZone = zone; return nil }); err != nil {
		t.Fatalf("UpdateSettings(time_zone %s): %v", zone, err)
	}
}

// staffGet is a GET as a browser whose Accept-Language is lang.
func staffGet(t *testing.T, a *pgApp, u *pgUser, path, lang string) pgResp {
	t.Helper()
	return staffSend(t, a, u, http.MethodGet, path, nil, lang)
}

// staffSend is a request as a browser whose Accept-Language is lang, with
// a form if one is given.
func staffSend(t *testing.T, a *pgApp, u *pgUser, method, path string, form url.Values, lang string) pgResp {
	t.Helper()
	return a.sendIn(lang, u, method, path, form)
}

const acceptGerman = "de-DE,de;q=0.9,en;q=0.5"

// staffGermanBriefing is an embargoed briefing in German with a deadline,
// a material revision, an answered question and talking points: every
// section of the briefing page.
func staffGermanBriefing(t *testing.T, a *pgApp, o pgOrg) *briefing.Announcement {
	t.Helper()
	ch := a.webhookChannel("Partner")
	embargo := time.Date(2030, 12, 3, 8, 0, 0, 0, time.UTC)   // 09:00 MEZ
	deadline := time.Date(2030, 12, 4, 16, 0, 0, 0, time.UTC) // 17:00 MEZ
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: "Neue Preise ab Januar",
		Summary: "Drei Tarife statt fünf.", Body: "Niemand zahlt **mehr**.",
		TalkingPoints: "- Bestehende Verträge behalten ihren Preis.",
		Audience:      briefing.Audience{Departments: []string{"Sales"}},
		Policy:        briefing.Policy{NotBefore: &embargo, Deadline: &deadline},
		Channels:      []briefing.ChannelText{{ChannelID: ch.ID}}}
	if err := a.st.CreateAnnouncement(ann, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Publish(ann.ID, "test"); err != nil {
		t.Fatal(err)
	}
	body := "Niemand zahlt **mehr**, viele zahlen weniger."
	if _, err := a.st.Revise(ann.ID, o.author.User, briefing.Revision{Body: &body, Material: true, Note: "Preise präzisiert"}); err != nil {
		t.Fatal(err)
	}
	q, err := a.st.Ask(ann.ID, o.sales[1].ID, "Gilt das auch für Altverträge?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Answer(q.ID, "user:"+o.author.ID, "Ja, ab der Verlängerung."); err != nil {
		t.Fatal(err)
	}
	return ann
}

// TestPageStaffGerman: a German reader's inbox and briefing are German
// throughout, with times in the organisation's zone named as Germans name
// it, and the button says "Gelesen und verstanden"; an English reader gets
// the same pages in English.
func TestPageStaffGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	staffOrgZone(t, a, "Europe/Berlin")
	ann := staffGermanBriefing(t, a, o)
	reader := o.sales[0]

	inbox := staffGet(t, a, &reader, "/", acceptGerman)
	pgWant(t, "German inbox", inbox, http.StatusOK)
	pgGerman(t, "German inbox", inbox.Body)
	pgContains(t, "German inbox", inbox.Body, "<title>Posteingang · Firsthand</title>", "Ihre Briefings", "Zu bestätigen",
		"Sperrfrist bis 3. Dez. 2030, 09:00 MEZ:", "bitte bestätigen Sie bis <strong>4. Dez. 2030, 17:00 MEZ</strong>",
		"Geändert am", "Preise präzisiert", "Alle Zeiten in Europe/Berlin.")

	page := staffGet(t, a, &reader, "/briefings/"+ann.ID, acceptGerman)
	pgWant(t, "German briefing", page, http.StatusOK)
	pgGerman(t, "German briefing", page.Body)
	pgContains(t, "German briefing", page.Body, "Gelesen und verstanden", "Sperrfrist bis 3. Dez. 2030, 09:00 MEZ:",
		"Bitte bestätigen Sie bis 4. Dez. 2030, 17:00 MEZ.", "← Posteingang", "Sprachregelung für Kundengespräche",
		"Was sich seit Version 1 geändert hat", "Versionen", "wesentliche Änderung", "Bitte lesen Sie die Meldung noch einmal",
		"Fragen vor der Veröffentlichung", "Beantwortet am", "Ihre Frage", "Frage stellen")

	empty := staffSend(t, a, &reader, http.MethodPost, "/briefings/"+ann.ID+"/questions", url.Values{"text": {"  "}}, acceptGerman)
	pgWant(t, "an empty German question", empty, http.StatusUnprocessableEntity)
	pgGerman(t, "an empty German question", empty.Body)
	asked := staffSend(t, a, &reader, http.MethodPost, "/briefings/"+ann.ID+"/questions", url.Values{"text": {"Und für Neukunden?"}}, acceptGerman)
	pgWant(t, "a German question", asked, http.StatusSeeOther)
	if asked.Flash != "Ihre Frage ist an die Redaktion gegangen." {
		t.Errorf("the note after a question: got %q", asked.Flash)
	}
	acked := staffSend(t, a, &reader, http.MethodPost, "/briefings/"+ann.ID+"/ack", url.Values{}, acceptGerman)
	pgWant(t, "acknowledge", acked, http.StatusSeeOther)
	page = staffGet(t, a, &reader, "/briefings/"+ann.ID, acceptGerman)
	pgGerman(t, "German briefing, acknowledged", page.Body)
	pgContains(t, "German briefing, acknowledged", page.Body, "✓ Sie haben die Meldung am ", " bestätigt. Vielen Dank.")
	inbox = staffGet(t, a, &reader, "/", acceptGerman)
	pgGerman(t, "German inbox, acknowledged", inbox.Body)
	pgContains(t, "German inbox, acknowledged", inbox.Body, "Bestätigt am ", " MEZ")

	// A person's own language and zone win over the browser's and the
	// organisation's.
	own := a.member("greta@example.com", "Sales")
	de, vienna := "de", "Europe/Vienna"
	if _, err := a.st.SetPreferences(own.ID, &vienna, &de); err != nil {
		t.Fatal(err)
	}
	mine := staffGet(t, a, &own, "/", "en-GB,en;q=0.9")
	pgGerman(t, "the inbox of a person who chose German", mine.Body)
	pgContains(t, "the inbox of a person who chose German", mine.Body, "Für Sie liegt noch nichts vor.", "Alle Zeiten in Europe/Vienna.")

	if _, err := a.st.Withdraw(ann.ID, "test", "die Zahlen waren falsch"); err != nil {
		t.Fatal(err)
	}
	gone := staffGet(t, a, &reader, "/briefings/"+ann.ID, acceptGerman)
	pgWant(t, "German withdrawn", gone, http.StatusGone)
	pgGerman(t, "German withdrawn", gone.Body)
	pgContains(t, "German withdrawn", gone.Body, "<title>Zurückgezogen · Firsthand</title>", "Dieses Briefing wurde zurückgezogen",
		"Begründung: die Zahlen waren falsch", " MEZ")
}

// TestPageStaffEnglish: the same pages for an English reader.
func TestPageStaffEnglish(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	staffOrgZone(t, a, "Europe/Berlin")
	ann := staffGermanBriefing(t, a, o)
	reader := o.sales[0]

	inbox := staffGet(t, a, &reader, "/", "en-GB,en;q=0.9")
	pgWant(t, "English inbox", inbox, http.StatusOK)
	pgContains(t, "English inbox", inbox.Body, `<html lang="en">`, "<title>Inbox · Firsthand</title>", "Your briefings", "To acknowledge",
		"Embargoed until 3 Dec 2030, 09:00 CET:", "please acknowledge by <strong>4 Dec 2030, 17:00 CET</strong>", "Changed ")
	page := staffGet(t, a, &reader, "/briefings/"+ann.ID, "en-GB,en;q=0.9")
	pgWant(t, "English briefing", page, http.StatusOK)
	pgContains(t, "English briefing", page.Body, `<html lang="en">`, "I have read and understood this", "Please acknowledge by 4 Dec 2030, 17:00 CET.",
		"What to tell customers", "What changed since version 1", "material: Preise präzisiert", "Questions before launch", "Answered ")
	if strings.Contains(page.Body, "Gelesen und verstanden") {
		t.Error("the English briefing shows the German button")
	}
}

// TestPageSignInGerman: the sign-in page and its refusals (a wrong
// password, too many of them, an ended session) in German, and in English
// for an English browser.
func TestPageSignInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	page := staffGet(t, a, nil, "/", acceptGerman)
	pgWant(t, "German sign-in", page, http.StatusOK)
	pgGerman(t, "German sign-in", page.Body)
	pgContains(t, "German sign-in", page.Body, "<title>Anmelden · Firsthand</title>", "E-Mail-Adresse", "Passwort vergessen?", "Zum Newsroom")

	wrong := url.Values{"email": {"nobody@example.com"}, "password": {"wrong guess"}}
	r := staffSend(t, a, nil, http.MethodPost, "/signin", wrong, acceptGerman)
	pgWant(t, "German wrong password", r, http.StatusUnauthorized)
	pgGerman(t, "German wrong password", r.Body)
	pgContains(t, "German wrong password", r.Body, "E-Mail-Adresse oder Passwort ist falsch.")
	for range maxPerAccount - 1 {
		staffSend(t, a, nil, http.MethodPost, "/signin", wrong, acceptGerman)
	}
	r = staffSend(t, a, nil, http.MethodPost, "/signin", wrong, acceptGerman)
	pgWant(t, "German rate limit", r, http.StatusTooManyRequests)
	pgGerman(t, "German rate limit", r.Body)
	pgContains(t, "German rate limit", r.Body, "Zu viele fehlgeschlagene Anmeldeversuche.")
	r = staffSend(t, a, nil, http.MethodPost, "/signin", wrong, "en-GB")
	pgContains(t, "English rate limit", r.Body, `<html lang="en">`, "Too many failed sign-ins: wait 15 minutes and try again.")

	ended := staffSend(t, a, nil, http.MethodPost, "/briefings/1/ack", url.Values{}, acceptGerman)
	pgWant(t, "German ended session", ended, http.StatusUnauthorized)
	pgGerman(t, "German ended session", ended.Body)
	pgContains(t, "German ended session", ended.Body, "Ihre Sitzung ist abgelaufen.")

	english := staffGet(t, a, nil, "/", "en-US,en;q=0.9")
	pgContains(t, "English sign-in", english.Body, `<html lang="en">`, "<title>Sign in · Firsthand</title>", "E-mail address", "Forgot your password?")
	r = staffSend(t, a, nil, http.MethodPost, "/signin", url.Values{"email": {o.admin.Email}, "password": {"wrong guess"}}, "en-US")
	pgContains(t, "English wrong password", r.Body, "The e-mail address or the password is wrong.")
}
