package store

import (
	"testing"
	"time"

	"firsthand/briefing"
)

// TestInviteWithoutPassword queues one job for everyone active without a
// password, and audits each invitation.
func TestInviteWithoutPassword(t *testing.T) {
	s, _ := openStore(t)
	a := mkUser(t, s, "a@example.com", "Sales")
	b := mkUser(t, s, "b@example.com", "Sales")
	withPw := mkUser(t, s, "c@example.com", "Sales")
	_, err := s.UpdateUser(withPw.ID, "test", func(u *briefing.User) error { u.PasswordHash = []byte("x"); return nil })
	mustNoErr(t, err)
	gone := mkUser(t, s, "d@example.com", "Sales")
	_, err = s.UpdateUser(gone.ID, "test", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)

	n, err := s.InviteWithoutPassword("user:1")
	mustNoErr(t, err)
	if n != 2 {
		t.Fatalf("invited %d, want 2", n)
	}
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	if len(jobs) != 1 || jobs[0].Kind != MailInvite {
		t.Fatalf("jobs = %+v, want one invitation job", jobs)
	}
	rs, err := s.NextMailRecipients(jobs[0].ID, 10)
	mustNoErr(t, err)
	if len(rs) != 2 || rs[0].UserID != a.ID || rs[1].UserID != b.ID {
		t.Errorf("recipients = %+v, want %s and %s", rs, a.ID, b.ID)
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "user.invite"})
	mustNoErr(t, err)
	if len(events) != 2 {
		t.Errorf("%d user.invite events, want 2", len(events))
	}
	if _, err := s.Invite([]string{gone.ID}, "user:1"); err == nil {
		t.Error("a deactivated person was invited")
	}
}

// TestResetRequestPace: a second reset mail to one person within a minute
// is not queued, although the answer and the audit are the same.
func TestResetRequestPace(t *testing.T) {
	s, clk := openStore(t)
	u := mkUser(t, s, "p@example.com", "Sales")
	mustNoErr(t, s.RequestPasswordReset("P@example.com", "10.0.0.1"))
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	if len(jobs) != 1 || jobs[0].Kind != MailReset {
		t.Fatalf("jobs = %+v, want one reset job", jobs)
	}
	// The worker sends it: the link is issued then.
	_, err = s.IssueLinks(briefing.LinkReset, "", []string{u.ID})
	mustNoErr(t, err)
	mustNoErr(t, s.AdvanceMailJob(jobs[0].ID, u.ID, true))

	mustNoErr(t, s.RequestPasswordReset("p@example.com", "10.0.0.1"))
	if jobs, _ := s.DueMailJobs(); len(jobs) != 0 {
		t.Errorf("a second reset within a minute queued %d jobs, want none", len(jobs))
	}
	clk.Add(time.Minute)
	mustNoErr(t, s.RequestPasswordReset("p@example.com", "10.0.0.1"))
	if jobs, _ := s.DueMailJobs(); len(jobs) != 1 {
		t.Errorf("a reset a minute later queued %d jobs, want 1", len(jobs))
	}
	mustNoErr(t, s.RequestPasswordReset("nobody@example.com", "10.0.0.1"))
	events, _, err := s.AuditEvents(AuditFilter{Action: "user.reset_request"})
	mustNoErr(t, err)
	if len(events) != 4 {
		t.Errorf("%d reset requests audited, want 4", len(events))
	}
}
