package store

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"firsthand/briefing"
)

func TestPublishFreezesRecipients(t *testing.T) {
	s, clk := openStore(t)
	sales := mkUsers(t, s, 3, inDept("Sales"))
	mkUser(t, s, "support@example.com", "Support")
	named := mkUser(t, s, "named@example.com", "Legal")
	gone := mkUser(t, s, "gone@example.com", "Sales")
	_, err := s.UpdateUser(gone.ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)

	published := 0
	s.OnPublish = func() { published++ }
	d := mkDraft(t, s, briefing.Announcement{Audience: briefing.Audience{
		Departments: []string{"sales"}, Users: []string{"NAMED@example.com"},
	}})
	a, err := s.Publish(d.ID, "user:author")
	mustNoErr(t, err)
	if a.State != briefing.StateBriefing || a.Recipients != 4 || a.PublishedAt == nil || !a.PublishedAt.Equal(clk.Now()) {
		t.Fatalf("published: state %s, %d recipients, at %v; want briefing, 4, now", a.State, a.Recipients, a.PublishedAt)
	}
	if !slices.Equal(a.Departments, []string{"Legal", "Sales"}) {
		t.Errorf("frozen departments = %v, want [Legal Sales]", a.Departments)
	}
	if published != 1 {
		t.Errorf("OnPublish called %d times, want 1", published)
	}

	// A user who joins Sales after publishing is not a recipient, and the
	// denominator stays 4.
	late := mkUser(t, s, "late@example.com", "Sales")
	if s.IsRecipient(a.ID, late.ID) {
		t.Error("a user created after publish is a recipient")
	}
	_, err = s.ReadBriefing(a.ID, late.ID)
	wantKind(t, err, briefing.ErrNotFound)
	if s.IsRecipient(a.ID, gone.ID) {
		t.Error("an inactive user is a recipient")
	}
	for _, u := range append(sales, named) {
		if !s.IsRecipient(a.ID, u.ID) {
			t.Errorf("%s is not a recipient", u.Email)
		}
	}
	_, r, err := s.Readiness(a.ID)
	mustNoErr(t, err)
	if r.Recipients != 4 {
		t.Errorf("readiness recipients = %d, want 4", r.Recipients)
	}
	var n int
	_, err = s.Receipts(a.ID, ReceiptFilter{}, func(briefing.Receipt) error { n++; return nil })
	mustNoErr(t, err)
	if n != 4 {
		t.Errorf("%d receipts, want 4", n)
	}
	if inbox, _ := s.Inbox(late.ID); len(inbox) != 0 {
		t.Errorf("the late user's inbox has %d briefings, want 0", len(inbox))
	}

	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	if len(jobs) != 1 || jobs[0].Kind != MailBriefing || jobs[0].AnnouncementID != a.ID {
		t.Errorf("mail jobs after publish = %+v, want one briefing job", jobs)
	}

	_, err = s.Publish(a.ID, "user:author")
	wantKind(t, err, briefing.ErrConflict)
	if _, r, _ := s.Readiness(a.ID); r.Recipients != 4 {
		t.Errorf("a refused second publish changed the recipients to %d", r.Recipients)
	}
}

func TestPublishToNobody(t *testing.T) {
	s, _ := openStore(t)
	mkUser(t, s, "x@example.com", "Sales")
	for _, aud := range []briefing.Audience{
		{},
		{Departments: []string{"Nonexistent"}},
		{Users: []string{"stranger@example.com"}},
	} {
		d := mkDraft(t, s, briefing.Announcement{Audience: aud})
		_, err := s.Publish(d.ID, "user:author")
		if !errors.Is(err, briefing.ErrInvalid) || briefing.ErrorField(err) != "audience" {
			t.Errorf("Publish to %+v = %v, want invalid audience", aud, err)
		}
		a, err := s.Announcement(d.ID)
		mustNoErr(t, err)
		if a.State != briefing.StateDraft {
			t.Errorf("a refused publish left the state %s, want draft", a.State)
		}
	}
	if jobs, _ := s.DueMailJobs(); len(jobs) != 0 {
		t.Errorf("refused publishes queued %d mail jobs", len(jobs))
	}
	_, err := s.Publish("999", "user:author")
	wantKind(t, err, briefing.ErrNotFound)
}

func TestPublishSanitisesHTML(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "x@example.com", "Sales")
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true},
		Body: "# Hello\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) " +
			"<img src=x onerror=alert(3)> **bold**",
	})
	b, err := s.ReadBriefing(a.ID, u.ID)
	mustNoErr(t, err)
	low := strings.ToLower(b.HTML)
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(low, bad) {
			t.Errorf("HTML %q contains %q", b.HTML, bad)
		}
	}
	if !strings.Contains(b.HTML, "<strong>bold</strong>") || !strings.Contains(b.HTML, "Hello</h1>") {
		t.Errorf("HTML %q lost the Markdown", b.HTML)
	}
}

// BenchmarkPublish100k publishes to 100,000 recipients in 8 departments
// (target: under 3 s). The directory is imported once, outside the timer.
func BenchmarkPublish100k(b *testing.B) {
	s, _ := openStore(b)
	if _, err := s.ImportUsers(importRows(100_000, 0), "bench"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		d := mkDraft(b, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
		b.StartTimer()
		a, err := s.Publish(d.ID, "bench")
		if err != nil || a.Recipients != 100_000 {
			b.Fatalf("Publish: %v", err)
		}
	}
}
