package store

import (
	"slices"
	"testing"
	"time"

	"firsthand/briefing"
)

// TestQuestionDigestSurvivesRestart: the second and third question of a
// window wait in one job on disk, which a restart keeps; an answer queues
// a mail to the asker.
func TestQuestionDigestSurvivesRestart(t *testing.T) {
	s, clk := openStore(t)
	author := mkUser(t, s, "author@example.com", "PR", briefing.RoleAuthor)
	e := mkUser(t, s, "e@example.com", "Sales")
	a := mkPublished(t, s, briefing.Announcement{AuthorID: author.ID, Audience: briefing.Audience{Departments: []string{"Sales"}}})
	jobs, _ := s.DueMailJobs()
	for _, j := range jobs {
		mustNoErr(t, s.AdvanceMailJob(j.ID, "", true)) // the briefing mail went
	}
	q1, err := s.Ask(a.ID, e.ID, "first")
	mustNoErr(t, err)
	clk.Add(time.Minute)
	q2, err := s.Ask(a.ID, e.ID, "second")
	mustNoErr(t, err)
	clk.Add(time.Minute)
	q3, err := s.Ask(a.ID, e.ID, "third")
	mustNoErr(t, err)

	due, err := s.DueMailJobs()
	mustNoErr(t, err)
	if len(due) != 1 || due[0].Kind != MailQuestion || !slices.Equal(due[0].QuestionIDs, []string{q1.ID}) {
		t.Fatalf("due now = %+v, want the mail of the first question alone", due)
	}
	mustNoErr(t, s.AdvanceMailJob(due[0].ID, author.ID, true))

	s = reopen(t, s)
	s.Now = func() time.Time { return epoch.Add(10*time.Minute - time.Second) }
	if due, _ := s.DueMailJobs(); len(due) != 0 {
		t.Fatalf("before the window's end: %+v due, want none", due)
	}
	s.Now = func() time.Time { return epoch.Add(10 * time.Minute) }
	due, err = s.DueMailJobs()
	mustNoErr(t, err)
	if len(due) != 1 || !slices.Equal(due[0].QuestionIDs, []string{q2.ID, q3.ID}) {
		t.Fatalf("at the window's end: %+v, want one digest of %s and %s", due, q2.ID, q3.ID)
	}
	rs, err := s.NextMailRecipients(due[0].ID, 10)
	mustNoErr(t, err)
	if len(rs) != 1 || rs[0].UserID != author.ID {
		t.Errorf("the digest goes to %+v, want the author", rs)
	}
	mustNoErr(t, s.AdvanceMailJob(due[0].ID, author.ID, true))

	if _, err := s.Answer(q1.ID, "user:"+author.ID, "yes"); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueMailJobs()
	if len(due) != 1 || due[0].Kind != MailAnswer {
		t.Fatalf("after the answer: %+v, want the answer's mail", due)
	}
	rs, _ = s.NextMailRecipients(due[0].ID, 10)
	if len(rs) != 1 || rs[0].UserID != e.ID {
		t.Errorf("the answer goes to %+v, want the asker", rs)
	}
}
