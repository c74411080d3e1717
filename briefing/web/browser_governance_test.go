package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"firsthand/briefing"
	"firsthand/store"
)

// Approval and correction as people click through them: submit → approve
// (a reviewer) → publish with approval required, then a material
// correction as an employee sees it: back at the top of the inbox, the
// note, what changed, and acknowledge again.
func TestBrowserApprovalAndMaterialCorrection(t *testing.T) {
	var id string
	e := newBrowserEnv(t, func(st *store.Store) {
		people := addPeople(t, st,
			briefing.User{Email: "paula@example.com", Name: "Paula PR", Department: "Communications", Roles: []briefing.Role{briefing.RoleAuthor}},
			briefing.User{Email: "rita@example.com", Name: "Rita Review", Department: "Legal", Roles: []briefing.Role{briefing.RoleReviewer}},
			briefing.User{Email: "anna@example.com", Name: "Anna Sales", Department: "Sales"},
			briefing.User{Email: "ben@example.com", Name: "Ben Sales", Department: "Sales"},
		)
		if _, err := st.UpdateSettings("test", requireApproval); err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"Canteen hours", "Office move"} {
			a := &briefing.Announcement{AuthorID: people["paula@example.com"].ID, Title: title, Summary: "Summary of " + title,
				Body: "We move on **1 March**.", Audience: briefing.Audience{Departments: []string{"Sales"}}}
			if err := st.CreateAnnouncement(a, "user:"+a.AuthorID); err != nil {
				t.Fatal(err)
			}
			id = a.ID
		}
	})

	// The author submits the draft from its dashboard; publish is not offered yet.
	author := e.tab(1280, 900, false)
	e.signIn(author, "paula@example.com")
	dash := e.url + "/announcements/" + id
	e.do(author, "submit for review",
		chromedp.Navigate(dash),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.text(author, `[data-live="state"] .state`); got != "In review" {
		t.Fatalf("after submit: state %q, want In review", got)
	}

	// The reviewer is told in her inbox, reads it and approves it.
	rev := e.tab(390, 844, true)
	e.signIn(rev, "rita@example.com")
	e.do(rev, "open the review from the inbox notice",
		chromedp.WaitVisible(chromedp.ID("review-notice")),
		chromedp.Click(chromedp.CSS(`#review-notice a[href="/reviews/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("approve_note")),
	)
	if got := e.text(rev, ".prose strong"); got != "1 March" {
		t.Errorf("the reviewer reads %q, want the rendered body", got)
	}
	e.do(rev, "approve",
		chromedp.SendKeys(chromedp.ID("approve_note"), "Legal is fine with it"),
		chromedp.Click(chromedp.CSS(`form[action$="/approve"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.text(rev, "main"); strings.Contains(got, "Office move") {
		t.Errorf("the review queue still lists the approved item")
	}

	// The author publishes the approved item.
	e.do(author, "publish",
		chromedp.Navigate(dash),
		chromedp.WaitVisible(chromedp.CSS(`a.button.primary[href$="/publish"]`)),
		chromedp.Click(chromedp.CSS(`a.button.primary[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".confirm button.primary")),
		chromedp.Click(chromedp.CSS(".confirm button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	)

	// Anna acknowledges version 1.
	anna := e.tab(390, 844, true)
	e.signIn(anna, "anna@example.com")
	e.do(anna, "acknowledge version 1",
		chromedp.Click(chromedp.CSS(`.item a[href="/briefings/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ack button`)),
		chromedp.Click(chromedp.CSS(`#ack button`)),
		chromedp.WaitVisible(chromedp.CSS(`#ack .done-note`)),
	)

	// The author corrects it: the date moved, everyone acknowledges again.
	e.do(author, "a material correction",
		chromedp.Navigate(dash),
		chromedp.WaitVisible(chromedp.ID("revise_body")),
		chromedp.SetValue(chromedp.ID("revise_body"), "We move on **3 March**."),
		chromedp.Click(chromedp.ID("revise_material")),
		chromedp.SendKeys(chromedp.ID("revise_note"), "The date moved to 3 March"),
		chromedp.Click(chromedp.CSS(`form[action$="/revisions"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)

	// Anna: back at the top of her inbox with the note; the page shows what
	// changed and asks her to acknowledge again.
	e.do(anna, "the inbox", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.CSS(".items")))
	if got := e.text(anna, "#open-h + .items .item:first-child .item-head a"); got != "Office move" {
		t.Errorf("top of the inbox: %q, want the changed briefing", got)
	}
	if got := e.text(anna, "#open-h + .items .item:first-child .item-change"); !strings.Contains(got, "The date moved to 3 March") {
		t.Errorf("the inbox item's note: %q", got)
	}
	e.do(anna, "open the changed briefing",
		chromedp.Click(chromedp.CSS(`#open-h + .items .item:first-child .item-head a`)),
		chromedp.WaitVisible(chromedp.ID("what-changed")),
	)
	if got := e.text(anna, "#changed-note"); !strings.Contains(got, "The date moved to 3 March") {
		t.Errorf("the note on the briefing: %q", got)
	}
	if del, ins := e.text(anna, "#what-changed del"), e.text(anna, "#what-changed ins"); del != "1" || ins != "3" {
		t.Errorf("the diff: deleted %q, inserted %q; want 1 → 3", del, ins)
	}
	if got := e.text(anna, "#ack-again"); !strings.Contains(got, "version 1") {
		t.Errorf("the ask to acknowledge again: %q", got)
	}
	e.do(anna, "acknowledge version 2",
		chromedp.Click(chromedp.CSS(`#ack button`)),
		chromedp.WaitVisible(chromedp.CSS(`#ack .done-note`)),
	)
	b, err := e.st.ReadBriefing(id, mustUser(t, e.st, "anna@example.com").ID)
	if err != nil || b.AcknowledgedVersion != 2 || b.AcknowledgedAt == nil {
		t.Errorf("after acknowledging again: %+v, %v; want version 2 acknowledged", b, err)
	}
	if f := e.foreign(); len(f) > 0 {
		t.Errorf("requests to other origins: %v", f)
	}
}

func mustUser(t *testing.T, st *store.Store, email string) *briefing.User {
	t.Helper()
	u, err := st.UserByEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
