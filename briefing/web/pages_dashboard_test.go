package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
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
	ann := a.published(o, "Paced", briefing.Policy{RemindEveryHours: &every}, nil, "Sales")
	r := a.send(&o.author, http.MethodGet, "/announcements/"+ann.ID, nil, "", "Europe/Berlin")
	pgWant(t, "dashboard", r, http.StatusOK)
	next := ann.PublishedAt.Add(24 * time.Hour)
	pgContains(t, "dashboard", r.Body, "data-next-reminder>Next reminder "+when(t, "Europe/Berlin")(next))
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
	at := when(t, "UTC")
	for _, tt := range []struct {
		on   briefing.OnDeadline
		met  bool
		want string
	}{
		{briefing.DeadlineHold, false, "it keeps waiting for the threshold"},
		{briefing.DeadlineRelease, true, "released anyway"},
	} {
		a := &briefing.Announcement{State: briefing.StateBriefing, Policy: briefing.Policy{Threshold: 0.8, Deadline: &past, OnDeadline: tt.on}}
		lines := gateChecklist(a, briefing.Readiness{Threshold: 0.8, Recipients: 10}, 8, now, at)
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
