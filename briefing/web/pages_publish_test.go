package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// publishDraft is a draft for Sales and Support with a channel, an embargo,
// a deadline that releases and a department threshold, in a Berlin
// organisation.
func publishDraft(t *testing.T, a *pgApp, o pgOrg) *briefing.Announcement {
	t.Helper()
	a.zone("Europe/Berlin")
	ch := a.webhookChannel("Pressekanal")
	notBefore := time.Date(2030, 6, 1, 7, 0, 0, 0, time.UTC)
	deadline := time.Date(2030, 6, 3, 8, 0, 0, 0, time.UTC)
	dept := 0.4
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: "Frühjahrsputz", Summary: "Wir räumen auf.",
		Body:     "Am Freitag wird **aufgeräumt**.",
		Audience: briefing.Audience{Departments: []string{"Sales", "Support"}, Users: []string{"niemand@example.com"}},
		Policy: briefing.Policy{Threshold: 0.5, DepartmentThreshold: &dept, NotBefore: &notBefore, Deadline: &deadline,
			OnDeadline: briefing.DeadlineRelease},
		Channels: []briefing.ChannelText{{ChannelID: ch.ID, Text: "Wir räumen auf."}}}
	if err := a.st.CreateAnnouncement(ann, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	return ann
}

// TestPagePublishInGerman: the confirmation before publishing, and the note
// after it, speak German to a German browser, with German dates, counts
// and shares; an English browser still reads English.
func TestPagePublishInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := publishDraft(t, a, o)
	path := "/announcements/" + ann.ID + "/publish"

	r := a.getIn(o.author, germanBrowser, path)
	pgWant(t, "German confirmation", r, http.StatusOK)
	pgGerman(t, "German confirmation", r.Body)
	pgContains(t, "German confirmation", r.Body,
		"<title>An die Belegschaft senden: Frühjahrsputz · Firsthand</title>",
		"„Frühjahrsputz“ an die Belegschaft senden?",
		"Die Meldung kommt jetzt in den Posteingang von <strong>6 Personen</strong> in 2 Abteilungen:",
		"nicht im Briefing: niemand@example.com",
		"Wie es weitergeht", "sie bis 3. Juni 2030, 10:00 MESZ zu bestätigen.",
		"Sie wird veröffentlicht, sobald 50\u00a0% bestätigt haben und jede Abteilung 40\u00a0% erreicht hat, frühestens am 1. Juni 2030, 09:00 MESZ.",
		"<strong>Pressekanal</strong> (webhook)", "Außerdem erscheint sie im Newsroom.",
		"Mit Ablauf der Frist wird sie in jedem Fall veröffentlicht", "An 6 Personen senden", "Zurück zur Bearbeitung")

	r = a.get(o.author, path)
	pgContains(t, "English confirmation", r.Body, `<html lang="en">`, "Publish “Frühjahrsputz”?",
		"It goes to the inbox of <strong>6 people</strong> now, in 2 departments:",
		"acknowledge it by 3 Jun 2030, 10:00 CEST.",
		"It goes public when 50% have acknowledged and every department has reached 40%, and not before 1 Jun 2030, 09:00 CEST.",
		"At the deadline it is released anyway", "Publish to 6 people")

	r = a.postIn(o.author, germanBrowser, path, url.Values{})
	pgWant(t, "German publish", r, http.StatusSeeOther)
	if want := "Gesendet: Die Meldung liegt jetzt im Posteingang von 6 Personen."; r.Flash != want {
		t.Errorf("German publish: got flash %q, want %q", r.Flash, want)
	}
}

// TestPagePublishToNobodyInGerman: an audience that reaches nobody is
// refused in German, and no publish button is offered.
func TestPagePublishToNobodyInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: "Für niemanden",
		Audience: briefing.Audience{Users: []string{"niemand@example.com"}}}
	if err := a.st.CreateAnnouncement(ann, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	r := a.getIn(o.author, germanBrowser, "/announcements/"+ann.ID+"/publish")
	pgWant(t, "German confirmation to nobody", r, http.StatusOK)
	pgGerman(t, "German confirmation to nobody", r.Body)
	pgContains(t, "German confirmation to nobody", r.Body, "erreicht die Meldung noch niemanden", "niemand@example.com")
	if strings.Contains(r.Body, "Personen senden") {
		t.Errorf("the German page offers to publish to nobody")
	}
}
