package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/store"
)

func TestPageDashboardShowsGatesBarsAndCurve(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	half := 0.5
	later := time.Now().UTC().Add(3 * time.Hour)
	ch := &briefing.Channel{Name: "Partners", Kind: channel.KindWebhook, Purpose: "Partner systems",
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://partner.example/hook", Secret: "whsec_MDEyMzQ1Njc4OWFiY2RlZg=="})}
	if err := a.st.CreateChannel(ch, "test"); err != nil {
		t.Fatal(err)
	}
	ann := a.published(o, "Gates", briefing.Policy{Threshold: 0.8, DepartmentThreshold: &half, NotBefore: &later},
		[]briefing.ChannelText{{ChannelID: ch.ID}}, "Sales", "Support")
	for _, u := range o.sales[:2] {
		if _, err := a.st.Acknowledge(ann.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.st.ReadBriefing(ann.ID, o.support[0].ID); err != nil {
		t.Fatal(err)
	}
	r := a.get(o.author, "/announcements/"+ann.ID)
	pgWant(t, "dashboard", r, http.StatusOK)
	// Sales has the manager and three more, Support two: 6 recipients, 5 needed.
	pgContains(t, "dashboard", r.Body,
		"Release gate",
		"3 more acknowledgements needed: 2 of 6 so far, 5 needed.",
		"Every department reaches 50%", "Support at 0% of 50%",
		"Embargo until", "(in 2 h", "nothing goes out before",
		`data-dept="Sales"`, `data-dept="Support"`, "1 more needed for 50%",
		`<svg class="chart"`, "threshold 80% · 5",
		"Not acknowledged <span class=\"count\">4</span>",
		"Remind the 4 people who have not acknowledged",
		"Nothing sent yet", "Partners",
		`data-poll="/api/v1/announcements/`+ann.ID+`/readiness"`)
	if strings.Contains(r.Body, "anna@example.com") {
		t.Errorf("the not-acknowledged list shows someone who acknowledged")
	}
	pgContains(t, "people", r.Body, "clara@example.com", "dora@example.com", "emil@example.com")

	// Per status: read but not acknowledged.
	r = a.get(o.author, "/announcements/"+ann.ID+"?status=read")
	pgWant(t, "read tab", r, http.StatusOK)
	pgContains(t, "read tab", r.Body, "dora@example.com")
	if strings.Contains(r.Body, "emil@example.com") {
		t.Errorf("the read tab lists someone who has not read")
	}

	// A manager sees their own department's people only.
	r = a.get(o.manager, "/announcements/"+ann.ID)
	pgWant(t, "manager", r, http.StatusOK)
	pgContains(t, "manager", r.Body, "People in Sales", "martin@example.com", "clara@example.com", "Release now", "The embargo holds until")
	if strings.Contains(r.Body, "dora@example.com") {
		t.Errorf("a manager sees people of another department")
	}
	r = a.get(o.manager, "/announcements/"+ann.ID+"?department=Support")
	pgWant(t, "manager, other department", r, http.StatusForbidden)
	r = a.get(o.manager, "/announcements/"+ann.ID+"/receipts.csv")
	pgWant(t, "manager csv", r, http.StatusOK)
	if strings.Contains(r.Body, "dora@example.com") || !strings.Contains(r.Body, "clara@example.com") {
		t.Errorf("manager csv: got\n%s", r.Body)
	}
}

func TestPageDashboardFormsNeedReasonsAndKeepText(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.webhookChannel("Hook")
	ann := a.published(o, "Reasons", briefing.Policy{Threshold: 1}, []briefing.ChannelText{{ChannelID: ch.ID}}, "Sales")
	path := "/announcements/" + ann.ID

	r := a.post(o.manager, path+"/release", url.Values{"reason": {"   "}})
	pgWant(t, "release without reason", r, http.StatusUnprocessableEntity)
	pgContains(t, "release without reason", r.Body, `id="release_reason-err"`, "Say why you release it")
	r = a.post(o.author, path+"/withdraw", url.Values{})
	pgWant(t, "withdraw without reason", r, http.StatusUnprocessableEntity)
	pgContains(t, "withdraw without reason", r.Body, `id="withdraw_reason-err"`)

	// Questions: an empty answer keeps the form; an answer is published.
	q, err := a.st.Ask(ann.ID, o.sales[0].ID, "Is the old plan still sold?")
	if err != nil {
		t.Fatal(err)
	}
	r = a.post(o.author, path+"/questions/"+q.ID+"/answer", url.Values{"text": {""}})
	pgWant(t, "empty answer", r, http.StatusUnprocessableEntity)
	pgContains(t, "empty answer", r.Body, `id="answer-`+q.ID+`-err"`, "Is the old plan still sold?")
	r = a.post(o.manager, path+"/questions/"+q.ID+"/answer", url.Values{"text": {"Managers do not answer"}})
	pgWant(t, "manager answers", r, http.StatusForbidden)
	r = a.post(o.author, path+"/questions/"+q.ID+"/answer", url.Values{"text": {"Until the end of March."}})
	pgWant(t, "answer", r, http.StatusSeeOther)
	r = a.get(o.sales[1], "/briefings/"+ann.ID)
	pgContains(t, "briefing page", r.Body, "Until the end of March.")

	// Remind: the manager reminds their department.
	r = a.post(o.manager, path+"/remind", url.Values{"department": {"Support"}})
	pgWant(t, "manager reminds another department", r, http.StatusForbidden)
	r = a.post(o.manager, path+"/remind", url.Values{})
	pgWant(t, "remind", r, http.StatusSeeOther)
	// This app has no SMTP: the flash says no e-mail went out instead of
	// "queued" (issue 11), and still who was reminded.
	if !strings.Contains(r.Flash, "No e-mail sent") || !strings.Contains(r.Flash, "4 people who have not acknowledged") {
		t.Errorf("remind: got flash %q, want it to say no e-mail was sent and who was reminded", r.Flash)
	}
	r = a.get(o.author, path)
	pgContains(t, "after remind", r.Body, "Last reminder:")
	r = a.get(o.manager, path)
	pgContains(t, "after remind, the manager's page", r.Body, "the next reminder is possible from", "disabled")
	r = a.post(o.manager, path+"/remind", url.Values{})
	pgWant(t, "remind again at once", r, http.StatusSeeOther)
	if !strings.Contains(r.Flash, "Not sent") {
		t.Errorf("remind again at once: got flash %q, want it to say nothing was sent", r.Flash)
	}

	// Release with a reason, then a failed delivery gets its retry button.
	r = a.post(o.manager, path+"/release", url.Values{"reason": {"Launch moved up"}})
	pgWant(t, "release", r, http.StatusSeeOther)
	ds, err := a.st.Deliveries(ann.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries: %v, %v", ds, err)
	}
	if _, err := a.st.RecordAttempt(ds[0].ID, store.Attempt{Err: errors.New("503 from partner"), GiveUp: true}); err != nil {
		t.Fatal(err)
	}
	r = a.get(o.author, path)
	pgContains(t, "failed delivery", r.Body, "503 from partner", "dstate-failed", path+"/deliveries/"+ds[0].ID+"/retry", "released by hand")
	r = a.post(o.author, path+"/deliveries/"+ds[0].ID+"/retry", url.Values{})
	pgWant(t, "retry", r, http.StatusSeeOther)
	if d, _ := a.st.Delivery(ds[0].ID); d.State != briefing.DeliveryPending {
		t.Errorf("after retry: %s", d.State)
	}
	r = a.post(o.author, path+"/withdraw", url.Values{"reason": {"Wrong prices"}})
	pgWant(t, "withdraw", r, http.StatusSeeOther)
	if ann, _ := a.st.Announcement(ann.ID); ann.State != briefing.StateWithdrawn {
		t.Errorf("after withdraw: %s", ann.State)
	}
}

// TestPageManagerWithoutDepartment: a manager whose department is empty
// sees readiness (aggregate figures) on the dashboard, as the API shows
// it, but no person lists and no reminder; pressing Remind is refused, on
// the page as in the API, and queues nothing (it used to remind the
// whole company, and the dashboard used to answer 403 as a whole).
func TestPageManagerWithoutDepartment(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	nina := a.member("nina@example.com", "", briefing.RoleManager)
	ann := a.published(o, "Nobody's", briefing.Policy{Threshold: 0.8}, nil, "Sales", "Support")
	if _, err := a.st.Acknowledge(ann.ID, o.sales[0].ID); err != nil {
		t.Fatal(err)
	}
	path := "/announcements/" + ann.ID

	r := a.get(nina, path)
	pgWant(t, "dashboard", r, http.StatusOK)
	pgContains(t, "dashboard", r.Body, "Release gate", `data-r="recipients">6<`, `data-dept="Sales"`,
		`id="people-denied"`, "You manage no department", "ask an admin to set your department")
	for _, leak := range []string{"clara@example.com", "dora@example.com", path + "/remind", "receipts.csv"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("the dashboard of a manager without a department shows %q", leak)
		}
	}

	r = a.post(nina, path+"/remind", url.Values{})
	pgWant(t, "remind on the page", r, http.StatusForbidden)
	pgContains(t, "remind on the page", r.Body, "You manage no department")
	api := a.send(&nina, http.MethodPost, "/api/v1/announcements/"+ann.ID+"/remind", nil, "", "")
	pgWant(t, "remind in the API", api, http.StatusForbidden)
	pgContains(t, "remind in the API", api.Body, `"code":"forbidden"`)
	jobs, err := a.st.DueMailJobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Kind == store.MailReminder {
			t.Errorf("a refused reminder was queued: %+v", j)
		}
	}
	if got, _ := a.st.Announcement(ann.ID); got.LastRemindedAt != nil {
		t.Errorf("LastRemindedAt = %v after a refused reminder", got.LastRemindedAt)
	}

	// The person lists stay closed in every form; the figures stay open.
	pgWant(t, "receipts csv", a.get(nina, path+"/receipts.csv"), http.StatusForbidden)
	pgWant(t, "receipts API", a.get(nina, "/api/v1/announcements/"+ann.ID+"/receipts"), http.StatusForbidden)
	pgWant(t, "readiness API", a.get(nina, "/api/v1/announcements/"+ann.ID+"/readiness"), http.StatusOK)
}

// TestPageButtonsFollowTheRules: the dashboard offers an action exactly
// when the rule the store applies allows it.
func TestPageButtonsFollowTheRules(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "Internal", briefing.Policy{Threshold: 0.8}, nil, "Sales")
	path := "/announcements/" + ann.ID
	r := a.get(o.manager, path)
	pgWant(t, "internal", r, http.StatusOK)
	pgContains(t, "internal", r.Body, path+"/withdraw", path+"/remind")
	if strings.Contains(r.Body, path+"/release") {
		t.Errorf("an internal announcement offers a manual release")
	}
	if _, err := a.st.Withdraw(ann.ID, "test", "cancelled"); err != nil {
		t.Fatal(err)
	}
	r = a.get(o.author, path)
	pgWant(t, "withdrawn", r, http.StatusOK)
	for _, action := range []string{path + "/withdraw", path + "/remind", path + "/edit"} {
		if strings.Contains(r.Body, action) {
			t.Errorf("a withdrawn announcement offers %s", action)
		}
	}
	r = a.post(o.author, path+"/withdraw", url.Values{"reason": {"again"}})
	pgWant(t, "withdraw twice", r, http.StatusConflict)
	pgContains(t, "withdraw twice", r.Body, "already withdrawn")
}

// TestPageDashboardSaysHowManyLeft: the dashboard counts only those who
// stayed and says how many left.
func TestPageDashboardSaysHowManyLeft(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "Leaving", briefing.Policy{Threshold: 0.8}, nil, "Sales", "Support")
	before := a.get(o.author, "/announcements/"+ann.ID)
	pgWant(t, "dashboard before", before, http.StatusOK)
	if strings.Contains(before.Body, " left") {
		t.Errorf("the dashboard speaks of people who left before anyone did")
	}
	for _, u := range o.support {
		if _, err := a.st.UpdateUser(u.ID, "test", func(u *briefing.User) error { u.Active = false; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	r := a.get(o.author, "/announcements/"+ann.ID)
	pgWant(t, "dashboard", r, http.StatusOK)
	pgContains(t, "dashboard", r.Body, `data-r="departed">2 left</span>`,
		"2 of the people briefed left since publish and no longer count.")
	if strings.Contains(r.Body, o.support[0].Email) {
		t.Errorf("the dashboard lists a person who left among those to chase")
	}
}

// TestPageDashboardLinksUnansweredQuestions: the count of questions to
// answer at the top of the dashboard leads to them.
func TestPageDashboardLinksUnansweredQuestions(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "Questions", briefing.Policy{}, nil, "Sales")
	for _, text := range []string{"One?", "Two?"} {
		if _, err := a.st.Ask(ann.ID, o.sales[0].ID, text); err != nil {
			t.Fatal(err)
		}
	}
	r := a.get(o.author, "/announcements/"+ann.ID)
	pgWant(t, "dashboard", r, http.StatusOK)
	pgContains(t, "dashboard", r.Body, `<a class="tag tag-q" href="#questions" data-unanswered>2 questions to answer</a>`, `id="questions"`)
}

// TestPageDashboardShowsNextReminder: with remind_every_hours the
// dashboard says when the scheduler reminds next, in the reader's zone.
func TestPageDashboardShowsNextReminder(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	every := 24
	a.berlin()
	ann := a.published(o, "Paced", briefing.Policy{RemindEveryHours: &every}, nil, "Sales")
	r := a.get(o.author, "/announcements/"+ann.ID)
	pgWant(t, "dashboard", r, http.StatusOK)
	next := ann.PublishedAt.Add(24 * time.Hour)
	pgContains(t, "dashboard", r.Body, "data-next-reminder>Next reminder "+when(t, "Europe/Berlin")(next))
}

// berlin makes Europe/Berlin the organisation's time zone: the zone of
// every reader who has not chosen their own.
func (a *pgApp) berlin() {
	a.t.Helper()
	a.zone("Europe/Berlin")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestGateChecklistHeldDeadline: a deadline that passed with on_deadline
// hold is not shown as met (it opened nothing); with release it is.
func TestGateChecklistHeldDeadline(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	past := now.Add(-time.Hour)
	l := localeIn(t, i18n.English, "UTC")
	for _, tt := range []struct {
		on   briefing.OnDeadline
		met  bool
		want string
	}{
		{briefing.DeadlineHold, false, "it keeps waiting for the threshold"},
		{briefing.DeadlineRelease, true, "released anyway"},
	} {
		a := &briefing.Announcement{State: briefing.StateBriefing, Policy: briefing.Policy{Threshold: 0.8, Deadline: &past, OnDeadline: tt.on}}
		lines := gateChecklist(a, briefing.Readiness{Threshold: 0.8, Recipients: 10}, 8, now, l)
		dl := lines[len(lines)-1]
		if dl.Met != tt.met || !strings.Contains(dl.Detail, tt.want) {
			t.Errorf("%s: deadline line = %+v, want met %v and %q", tt.on, dl, tt.met, tt.want)
		}
	}
}

// TestPageDashboardCSVFollowsTheTab: the dashboard's CSV link exports the
// list on the screen (its tab and department), and the export honours it.
func TestPageDashboardCSVFollowsTheTab(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "CSV", briefing.Policy{}, nil, "Sales", "Support")
	if _, err := a.st.Acknowledge(ann.ID, o.sales[0].ID); err != nil {
		t.Fatal(err)
	}
	path := "/announcements/" + ann.ID
	r := a.get(o.author, path+"?status=acknowledged&department=Sales")
	pgContains(t, "acknowledged tab", r.Body, `href="`+path+`/receipts.csv?status=acknowledged&amp;department=Sales"`)
	csv := a.get(o.author, path+"/receipts.csv?status=acknowledged&department=Sales")
	pgWant(t, "csv of the acknowledged", csv, http.StatusOK)
	if !strings.Contains(csv.Body, o.sales[0].Email) || strings.Contains(csv.Body, o.sales[1].Email) {
		t.Errorf("the acknowledged CSV:\n%s", csv.Body)
	}
	open := a.get(o.author, path+"/receipts.csv?status=open")
	if strings.Contains(open.Body, o.sales[0].Email) || !strings.Contains(open.Body, o.support[0].Email) {
		t.Errorf("the not-acknowledged CSV:\n%s", open.Body)
	}
	pgContains(t, "default tab", a.get(o.author, path).Body, `receipts.csv?status=open"`)
}

// germanReader is the browser header of a reader who reads German.
var germanReader = map[string]string{"Accept-Language": "de-DE,de;q=0.9"}

// germanOrg is a company of 1,200 recipients in Berlin's time zone, with
// German departments: Vertrieb 1,000 (its manager among them), Lager 190,
// Einkauf 6, Recht 3 (its manager among them) and Empfang 1, and an author
// in Kommunikation outside the audience. It returns the ids of the staff
// imported, in the order above.
func (a *pgApp) germanOrg() (author, manager, lawyer pgUser, staff []string) {
	a.t.Helper()
	a.berlin()
	author = a.member("paula@example.com", "Kommunikation", briefing.RoleAuthor)
	manager = a.member("martin@example.com", "Vertrieb", briefing.RoleManager)
	lawyer = a.member("rita@example.com", "Recht", briefing.RoleManager)
	var rows []store.ImportRow
	for _, d := range []struct {
		dept string
		n    int
	}{{"Vertrieb", 999}, {"Lager", 190}, {"Einkauf", 6}, {"Recht", 2}, {"Empfang", 1}} {
		for range d.n {
			i := len(rows) + 1
			rows = append(rows, store.ImportRow{Line: i, User: briefing.User{
				Email: fmt.Sprintf("person%d@example.com", i), Name: fmt.Sprintf("Person %d", i), Department: d.dept}})
		}
	}
	res, err := a.st.ImportUsers(rows, "test")
	if err != nil || len(res.Errors) > 0 {
		a.t.Fatalf("ImportUsers: %v %v", res.Errors, err)
	}
	return author, manager, lawyer, res.CreatedIDs
}

// germanAnnouncement publishes an announcement written in German to the
// whole of germanOrg: an embargo in January (always winter time in
// Berlin), a deadline after it, daily reminders and a channel, with a few
// acknowledgements and a question.
func (a *pgApp) germanAnnouncement(author pgUser, staff []string) *briefing.Announcement {
	a.t.Helper()
	now := time.Now().UTC()
	embargo := time.Date(now.Year()+1, time.January, 15, 8, 0, 0, 0, time.UTC)
	deadline := embargo.Add(48 * time.Hour)
	every := 24
	ch := a.webhookChannel("Partnersystem")
	ann := &briefing.Announcement{AuthorID: author.ID, Title: "Neue Preisliste", Summary: "Die Preise ändern sich.",
		Body:     "Ab Januar gilt die neue **Preisliste**.",
		Audience: briefing.Audience{Departments: []string{"Vertrieb", "Lager", "Einkauf", "Recht", "Empfang"}},
		Policy: briefing.Policy{Threshold: 0.9, NotBefore: &embargo, Deadline: &deadline, OnDeadline: briefing.DeadlineRelease,
			RemindEveryHours: &every},
		Channels: []briefing.ChannelText{{ChannelID: ch.ID}}}
	if err := a.st.CreateAnnouncement(ann, "test"); err != nil {
		a.t.Fatal(err)
	}
	p, err := a.st.Publish(ann.ID, "test")
	if err != nil {
		a.t.Fatal(err)
	}
	for _, id := range staff[:5] {
		if _, err := a.st.Acknowledge(p.ID, id); err != nil {
			a.t.Fatal(err)
		}
	}
	if _, err := a.st.Ask(p.ID, staff[0], "Gilt die alte Preisliste für laufende Verträge?"); err != nil {
		a.t.Fatal(err)
	}
	return p
}

// TestPageDashboardSpeaksGerman: the dashboard of a published announcement
// for a German reader is German throughout, with Berlin's time named MEZ,
// German numbers and shares; without the header it stays English.
func TestPageDashboardSpeaksGerman(t *testing.T) {
	a := newPgApp(t)
	author, manager, _, staff := a.germanOrg()
	ann := a.germanAnnouncement(author, staff)
	path := "/announcements/" + ann.ID
	de, en := localeIn(t, i18n.German, "Europe/Berlin"), localeIn(t, i18n.English, "Europe/Berlin")
	embargo := de.Time(*ann.Policy.NotBefore)
	if !strings.HasSuffix(embargo, " MEZ") {
		t.Fatalf("the embargo in Berlin is %q, want it in MEZ", embargo)
	}

	for _, u := range []pgUser{author, manager} {
		r := a.sendWith(u, http.MethodGet, path, germanReader)
		pgWant(t, "German dashboard", r, http.StatusOK)
		pgGerman(t, "dashboard as "+u.Email, r.Body)
		pgContains(t, "German dashboard as "+u.Email, r.Body,
			"Bedingungen für die Veröffentlichung",
			"An die Belegschaft gesendet am "+de.Time(*ann.PublishedAt),
			`data-r="recipients">1.200<`, // the whole company, German thousands
			"90\u00a0%",                  // the threshold, a German share
			"Noch 1.075 Bestätigungen nötig: bisher 5 von 1.200, nötig sind 1.080.",
			"Sperrfrist bis "+embargo+" (in ", " Tagen): Vorher geht nichts hinaus.",
			"Nach Abteilung", "Vertrieb", "Bestätigungen im Zeitverlauf", "Schwelle 90\u00a0% · 1.080",
			"Nächste Erinnerung am ", "Kanäle", "Noch nichts gesendet",
			"Fragen der Belegschaft", "1 Frage zu beantworten")
	}
	r := a.sendWith(author, http.MethodGet, path, germanReader)
	pgContains(t, "German dashboard, the author's", r.Body, "Personen filtern", "Nicht bestätigt <span class=\"count\">1.195</span>",
		"Die 1.195 Personen erinnern, die noch nicht bestätigt haben", "Korrekturen", "Zurückziehen", `lang="de"`)
	r = a.sendWith(manager, http.MethodGet, path, germanReader)
	pgContains(t, "German dashboard, the manager's", r.Body, "Personen in Vertrieb", "Als Führungskraft sehen Sie Ihre eigene Abteilung.",
		"Jetzt veröffentlichen", "Die Sperrfrist gilt bis "+embargo)

	// The same page without the header: English, the same zone.
	r = a.get(author, path)
	pgWant(t, "English dashboard", r, http.StatusOK)
	pgContains(t, "English dashboard", r.Body, `<html lang="en">`, "Release gate", "Published "+en.Time(*ann.PublishedAt),
		`data-r="recipients">1,200<`, "1,075 more acknowledgements needed: 5 of 1,200 so far, 1,080 needed.",
		"Embargo until "+en.Time(*ann.Policy.NotBefore)+" (in ", " CET")
	if strings.Contains(r.Body, "Bestätigung") {
		t.Errorf("the English dashboard speaks German")
	}
}

// TestPageDashboardSpeaksGermanInWorksCouncilMode: in works-council mode
// a German reader sees the merged line as "Sonstige Abteilungen" (the page
// keeps the API's name in data-dept), the notice in German, and a manager
// of a merged department is told so in German.
func TestPageDashboardSpeaksGermanInWorksCouncilMode(t *testing.T) {
	a := newPgApp(t)
	if _, err := a.st.UpdateSettings("test", func(set *briefing.Settings) error {
		set.Privacy, set.MinGroup = briefing.PrivacyAggregate, 10
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	author, manager, lawyer, staff := a.germanOrg()
	ann := a.germanAnnouncement(author, staff)
	path := "/announcements/" + ann.ID
	for _, u := range []pgUser{author, manager, lawyer} {
		r := a.sendWith(u, http.MethodGet, path, germanReader)
		pgWant(t, "works-council dashboard", r, http.StatusOK)
		pgGerman(t, "works-council dashboard as "+u.Email, r.Body)
		pgContains(t, "works-council dashboard as "+u.Email, r.Body,
			"Im Betriebsratsmodus gesendet", "weniger als 10 Empfängern",
			`data-dept="Other departments"`, "Sonstige Abteilungen", "(3 Abteilungen)",
			`data-r="recipients">1.200<`, "90\u00a0%", " MEZ")
		for _, leak := range []string{"person1@example.com", `class="dept-name">Other departments`} {
			if strings.Contains(r.Body, leak) {
				t.Errorf("works-council dashboard as %s shows %q", u.Email, leak)
			}
		}
	}
	r := a.sendWith(author, http.MethodGet, path, germanReader)
	pgContains(t, "works-council dashboard, the author's", r.Body, `<option value="Vertrieb"`, "Alle Abteilungen",
		"Die 1.195 Personen erinnern, die noch nicht bestätigt haben")
	r = a.sendWith(manager, http.MethodGet, path, germanReader)
	pgContains(t, "works-council dashboard, the Vertrieb manager's", r.Body,
		"Die 995 Personen in Vertrieb erinnern, die noch nicht bestätigt haben")
	r = a.sendWith(lawyer, http.MethodGet, path, germanReader)
	pgContains(t, "works-council dashboard, the Recht manager's", r.Body,
		"Recht hat weniger als 10 Empfänger: Die Abteilung zählt unter „Sonstige Abteilungen“")

	r = a.get(author, path)
	pgContains(t, "English works-council dashboard", r.Body, "Published in works-council mode", `class="dept-name">Other departments`, "(3 departments)")
}

// postGerman posts a form as a German reader and reads the flash note.
func (a *pgApp) postGerman(u pgUser, path string, form url.Values) pgResp {
	a.t.Helper()
	return a.sendIn(germanBrowser, &u, http.MethodPost, path, form)
}

// TestPageDashboardFormsAnswerInGerman: the notes after the dashboard's
// forms, and a refusal next to a field, are in the reader's language.
func TestPageDashboardFormsAnswerInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ch := a.webhookChannel("Partnersystem")
	ann := a.published(o, "Gründe", briefing.Policy{Threshold: 1}, []briefing.ChannelText{{ChannelID: ch.ID}}, "Sales")
	path := "/announcements/" + ann.ID
	flash := func(what string, r pgResp, want string) {
		t.Helper()
		pgWant(t, what, r, http.StatusSeeOther)
		if !strings.Contains(r.Flash, want) {
			t.Errorf("%s: got the note %q, want %q", what, r.Flash, want)
		}
	}

	flash("remind", a.postGerman(o.manager, path+"/remind", nil),
		"Keine E-Mail gesendet: SMTP ist nicht eingerichtet. Die 4 Personen in Sales, die noch nicht bestätigt haben,")
	flash("remind again", a.postGerman(o.manager, path+"/remind", nil), "Nicht gesendet: Diese Personen wurden vor weniger als einer Stunde erinnert.")

	r := a.postGerman(o.manager, path+"/release", url.Values{"reason": {"  "}})
	pgWant(t, "release without reason", r, http.StatusUnprocessableEntity)
	pgGerman(t, "release without reason", r.Body)
	pgContains(t, "release without reason", r.Body, `id="release_reason-err"`, "Bitte begründen Sie, warum Sie von Hand veröffentlichen", "Jetzt veröffentlichen")

	q, err := a.st.Ask(ann.ID, o.sales[0].ID, "Gilt der alte Tarif noch?")
	if err != nil {
		t.Fatal(err)
	}
	flash("answer", a.postGerman(o.author, path+"/questions/"+q.ID+"/answer", url.Values{"text": {"Bis Ende März."}}),
		"Antwort gespeichert: Alle Empfänger können sie jetzt lesen.")
	flash("correction", a.postGerman(o.author, path+"/revisions", url.Values{"title": {ann.Title}, "summary": {ann.Summary},
		"body": {ann.Body + "!"}, "note": {"Satzzeichen"}}), "Korrigiert: Version 2. Die Empfänger sehen Ihren Hinweis.")
	flash("release", a.postGerman(o.manager, path+"/release", url.Values{"reason": {"Start vorgezogen"}}), "Von Hand veröffentlicht.")
	ds, err := a.st.Deliveries(ann.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries: %v, %v", ds, err)
	}
	if _, err := a.st.RecordAttempt(ds[0].ID, store.Attempt{Err: errors.New("503"), GiveUp: true}); err != nil {
		t.Fatal(err)
	}
	r = a.sendWith(o.author, http.MethodGet, path, germanReader)
	pgContains(t, "failed delivery", r.Body, `dstate-failed">fehlgeschlagen<`, "Erneut senden", "1 Versuch.")
	flash("retry", a.postGerman(o.author, path+"/deliveries/"+ds[0].ID+"/retry", nil), "Partnersystem wird jetzt erneut gesendet.")
	flash("withdraw", a.postGerman(o.author, path+"/withdraw", url.Values{"reason": {"Falsche Preise"}}), "Zurückgezogen.")
}
