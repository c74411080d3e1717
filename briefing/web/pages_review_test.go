package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
)

func TestPageSubmitApproveRejectAndTheQueue(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	rev := a.member("rita@example.com", "Legal", briefing.RoleReviewer)
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: "Moving offices", Summary: "We move.",
		Body: "We **move** in May.", Audience: briefing.Audience{Departments: []string{"Sales"}}}
	if err := a.st.CreateAnnouncement(ann, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	dash := "/announcements/" + ann.ID

	// The author's dashboard offers submit; the reviewer's inbox shows nothing yet.
	r := a.get(o.author, dash)
	pgWant(t, "dashboard of a draft", r, http.StatusOK)
	pgContains(t, "dashboard of a draft", r.Body, `action="/announcements/`+ann.ID+`/submit"`, "Submit for review")
	if r := a.get(rev, "/"); strings.Contains(r.Body, "review-notice") {
		t.Errorf("the reviewer's inbox shows a review notice before anything was submitted")
	}
	pgContains(t, "reviewer nav", a.get(rev, "/").Body, `href="/reviews"`)
	if strings.Contains(a.get(o.sales[0], "/").Body, `href="/reviews"`) {
		t.Errorf("an employee's navigation offers the review queue")
	}

	r = a.post(o.author, dash+"/submit", url.Values{})
	pgWant(t, "submit", r, http.StatusSeeOther)
	if !strings.Contains(r.Flash, "Submitted for review") {
		t.Errorf("submit: got flash %q", r.Flash)
	}
	r = a.get(o.author, dash)
	pgContains(t, "dashboard in review", r.Body, "In review", "waiting for a reviewer")
	if strings.Contains(r.Body, `/submit"`) {
		t.Errorf("the dashboard offers submit for an item already in review")
	}

	// The reviewer is told in their inbox, lists it and reads it without author rights.
	pgContains(t, "reviewer inbox", a.get(rev, "/").Body, `id="review-notice"`, `href="/reviews/`+ann.ID+`"`)
	pgContains(t, "queue", a.get(rev, "/reviews").Body, "Moving offices")
	r = a.get(rev, "/reviews/"+ann.ID)
	pgWant(t, "review page", r, http.StatusOK)
	pgContains(t, "review page", r.Body, "<strong>move</strong>", `action="/announcements/`+ann.ID+`/approve"`, `action="/announcements/`+ann.ID+`/reject"`)
	pgWant(t, "reviewer on the dashboard", a.get(rev, dash), http.StatusForbidden)
	pgWant(t, "employee on the queue", a.get(o.sales[0], "/reviews"), http.StatusForbidden)

	// A rejection needs a reason: refused next to the field, nothing lost.
	r = a.post(rev, dash+"/reject", url.Values{"reason": {"  "}})
	pgWant(t, "reject without reason", r, http.StatusUnprocessableEntity)
	pgContains(t, "reject without reason", r.Body, `id="reject_reason-err"`, "Say what needs to change")
	r = a.post(rev, dash+"/reject", url.Values{"reason": {"Say which office."}})
	pgWant(t, "reject", r, http.StatusSeeOther)
	pgContains(t, "the author sees the reason", a.get(o.author, dash).Body, "Sent back by a reviewer", "Say which office.")
	pgContains(t, "the editor shows the reason", a.get(o.author, dash+"/edit").Body, `id="rejected-reason"`, "Say which office.")

	// The editor's submit button saves and submits.
	form := pgDraftForm()
	form.Set("title", "Moving offices to Mitte")
	form.Set("action", "submit")
	r = a.post(o.author, dash+"/edit", form)
	pgWant(t, "save and submit", r, http.StatusSeeOther)
	if got, _ := a.st.Announcement(ann.ID); got.State != briefing.StateReview {
		t.Fatalf("after save and submit: got state %s, want review", got.State)
	}
	pgContains(t, "editor in review", a.get(o.author, dash+"/edit").Body, `id="voids-approval"`)

	// The author, also made a reviewer, cannot approve their own item.
	self := a.member("sam@example.com", "PR", briefing.RoleAuthor, briefing.RoleReviewer)
	own := &briefing.Announcement{AuthorID: self.ID, Title: "Own", Audience: briefing.Audience{All: true}}
	if err := a.st.CreateAnnouncement(own, "user:"+self.ID); err != nil {
		t.Fatal(err)
	}
	pgWant(t, "submit own", a.post(self, "/announcements/"+own.ID+"/submit", url.Values{}), http.StatusSeeOther)
	r = a.get(self, "/reviews/"+own.ID)
	pgContains(t, "own item", r.Body, `id="not-yours"`, "another reviewer must approve it")
	if strings.Contains(r.Body, "/approve\"") {
		t.Errorf("the review page offers approval of one's own item")
	}
	pgWant(t, "approve own by form", a.post(self, "/announcements/"+own.ID+"/approve", url.Values{}), http.StatusForbidden)

	// Approve: the queue empties and the author may publish.
	r = a.post(rev, dash+"/approve", url.Values{"note": {"Good to go"}})
	pgWant(t, "approve", r, http.StatusSeeOther)
	if strings.Contains(a.get(rev, "/reviews").Body, "Moving offices") {
		t.Errorf("the queue still lists an approved item")
	}
	r = a.get(o.author, dash)
	pgContains(t, "approved dashboard", r.Body, "Approved", "Good to go", `href="/announcements/`+ann.ID+`/publish"`)
}

func TestPagePublishNeedsApprovalWhenRequired(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	if _, err := a.st.UpdateSettings("test", requireApproval); err != nil {
		t.Fatal(err)
	}
	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: "Gated", Audience: briefing.Audience{All: true}}
	if err := a.st.CreateAnnouncement(ann, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	r := a.get(o.author, "/announcements/"+ann.ID)
	if strings.Contains(r.Body, "/publish\"") {
		t.Errorf("the dashboard offers publish of an unapproved draft while approval is required")
	}
	pgContains(t, "draft", r.Body, "a reviewer must approve it before it is published")
	r = a.get(o.author, "/announcements/"+ann.ID+"/publish")
	pgWant(t, "publish page", r, http.StatusSeeOther)
	if !strings.Contains(r.Flash, "approve") {
		t.Errorf("publish page: got flash %q, want it to say a reviewer must approve", r.Flash)
	}
	pgWant(t, "publish form", a.post(o.author, "/announcements/"+ann.ID+"/publish", url.Values{}), http.StatusConflict)
}

// TestPageReviewsInGerman: the review queue, one review and the notes
// after a decision speak German to a German reviewer; English stays
// English.
func TestPageReviewsInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	a.zone("Europe/Berlin")
	rev := a.member("rita@example.com", "Recht", briefing.RoleReviewer)
	r := a.getIn(rev, germanBrowser, "/reviews")
	pgWant(t, "German empty queue", r, http.StatusOK)
	pgGerman(t, "German empty queue", r.Body)
	pgContains(t, "German empty queue", r.Body, "<title>Zur Prüfung · Firsthand</title>", "Nichts zu prüfen")

	ann := &briefing.Announcement{AuthorID: o.author.ID, Title: "Umzug nach Mitte", Summary: "Wir ziehen um.",
		Body: "Wir **ziehen** im Mai um.", Audience: briefing.Audience{Departments: []string{"Sales"}}}
	if err := a.st.CreateAnnouncement(ann, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	r = a.postIn(o.author, germanBrowser, "/announcements/"+ann.ID+"/submit", url.Values{})
	pgWant(t, "German submit", r, http.StatusSeeOther)
	if !strings.Contains(r.Flash, "Zur Prüfung eingereicht") {
		t.Errorf("German submit: got flash %q", r.Flash)
	}

	r = a.getIn(rev, germanBrowser, "/reviews")
	pgGerman(t, "German queue", r.Body)
	pgContains(t, "German queue", r.Body, "Umzug nach Mitte", "In Prüfung", "Eingereicht am ", " · Wir ziehen um.")

	r = a.getIn(rev, germanBrowser, "/reviews/"+ann.ID)
	pgWant(t, "German review", r, http.StatusOK)
	pgGerman(t, "German review", r.Body)
	pgContains(t, "German review", r.Body, "<title>Prüfung: Umzug nach Mitte · Firsthand</title>", "Verfasst von Paula · zuletzt gespeichert am ",
		"Empfänger und Kanäle", "Abteilungen: Sales.", "Keine: nur intern", "80\u00a0% müssen bestätigen", "Ihre Entscheidung", "Freigeben")
	pgContains(t, "English review", a.get(rev, "/reviews/"+ann.ID).Body, `<html lang="en">`, "Written by Paula · last saved ",
		"Departments: Sales.", "None: internal only", "80% must acknowledge", "Your decision")

	r = a.postIn(rev, germanBrowser, "/announcements/"+ann.ID+"/approve", url.Values{"note": {"Passt so."}})
	pgWant(t, "German approval", r, http.StatusSeeOther)
	if want := "Freigegeben: Die Redaktion kann die Meldung jetzt an die Belegschaft senden."; r.Flash != want {
		t.Errorf("German approval: got flash %q, want %q", r.Flash, want)
	}
	r = a.getIn(rev, germanBrowser, "/reviews/"+ann.ID)
	pgGerman(t, "German review after the decision", r.Body)
	pgContains(t, "German review after the decision", r.Body, "Es gibt nichts zu entscheiden.")

	back := &briefing.Announcement{AuthorID: o.author.ID, Title: "Neue Preisliste", Audience: briefing.Audience{All: true}}
	if err := a.st.CreateAnnouncement(back, "user:"+o.author.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Submit(back.ID, o.author.User); err != nil {
		t.Fatal(err)
	}
	pgContains(t, "German review for everyone", a.getIn(rev, germanBrowser, "/reviews/"+back.ID).Body, "Alle Mitarbeitenden")
	r = a.postIn(rev, germanBrowser, "/announcements/"+back.ID+"/reject", url.Values{"reason": {"Bitte die Preise prüfen."}})
	pgWant(t, "German rejection", r, http.StatusSeeOther)
	if want := "Mit Ihrer Begründung an die Redaktion zurückgegeben."; r.Flash != want {
		t.Errorf("German rejection: got flash %q, want %q", r.Flash, want)
	}
}

func TestRefusalIsASentence(t *testing.T) {
	l := localeIn(t, "en", "UTC")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{briefing.Conflict("it is in review"), "It is in review."},
		{briefing.Conflict("über alles"), "Über alles."},
		{briefing.Conflict("really?"), "Really?"},
		{briefing.Conflict("done."), "Done."},
	} {
		if got := refusal(l, tc.err); got != tc.want {
			t.Errorf("refusal(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
