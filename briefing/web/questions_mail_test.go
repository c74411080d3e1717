package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// TestQuestionAndAnswerMails: the first question reaches the author at
// once; the next ones within ten minutes wait for the end of that window
// and arrive in one digest; an answer reaches the asker with the answer
// and their link to the briefing.
func TestQuestionAndAnswerMails(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	a, box := newMailAppAt(t, clock)
	author := a.user("author@example.com", "PR", briefing.RoleAuthor)
	emp := a.addUser(person{Email: "emp@example.com", Name: "Emma Employee", Department: "Sales"})
	ann := a.create(author, draftOf("New prices", "Sales"))
	a.publish(author, ann.ID)
	box.waitFor(t, emp.Email, 1)

	ask := func(text string) string {
		return decode[struct {
			ID string `json:"id"`
		}](t, "ask", a.do(http.MethodPost, "/api/v1/briefings/"+ann.ID+"/questions", emp.Token, map[string]string{"text": text}), http.StatusCreated).ID
	}
	q1 := ask("Do existing contracts keep the old price?")
	first := box.waitFor(t, author.Email, 1)[0]
	if first.Subject != "A new question on New prices" || !strings.Contains(first.Body, "existing contracts") ||
		!strings.Contains(first.Body, "Emma Employee") || !strings.Contains(first.Body, "/announcements/"+ann.ID+"#questions") {
		t.Errorf("the first question's mail:\n%s\n%s", first.Subject, first.Body)
	}
	clock.Add(time.Minute)
	ask("What about discounts?")
	clock.Add(2 * time.Minute)
	ask("Is there a FAQ?")
	time.Sleep(1500 * time.Millisecond) // more than the worker's poll
	if got := box.to(author.Email); len(got) != 1 {
		t.Fatalf("within the window the author got %d mails, want still 1", len(got))
	}
	clock.Add(7 * time.Minute) // the end of the window
	digest := box.waitFor(t, author.Email, 2)[1]
	if digest.Subject != "2 new questions on New prices" || !strings.Contains(digest.Body, "discounts") ||
		!strings.Contains(digest.Body, "FAQ") || strings.Contains(digest.Body, "existing contracts") {
		t.Errorf("the digest:\n%s\n%s", digest.Subject, digest.Body)
	}

	wantStatus(t, "answer", a.do(http.MethodPost, "/api/v1/questions/"+q1+"/answer", author.Token,
		map[string]string{"text": "Yes, until they are renewed."}), http.StatusOK)
	mails := box.waitFor(t, emp.Email, 2)
	answer := mails[1]
	if answer.Subject != "Your question on New prices is answered" || !strings.Contains(answer.Body, "until they are renewed") ||
		!strings.Contains(answer.Body, "existing contracts") {
		t.Errorf("the answer's mail:\n%s\n%s", answer.Subject, answer.Body)
	}
	link := linkIn(t, answer, "/b/")
	r := a.form(link, "", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/briefings/"+ann.ID {
		t.Errorf("the answer's link: %d to %q, want 303 to the briefing", r.Status, r.Header.Get("Location"))
	}
}
