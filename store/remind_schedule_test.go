package store

import (
	"testing"
	"time"

	"firsthand/briefing"
)

// TestSweepReminders: at the pace the author set, at most three times,
// plus once a day before the deadline; audited as the scheduler; kept on
// disk across a restart; never while the pace rule holds.
func TestSweepReminders(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 3, inDept("Sales"))
	every := 2
	deadline := epoch.Add(30 * 24 * time.Hour)
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}},
		Policy: briefing.Policy{RemindEveryHours: &every, Deadline: &deadline}})
	ack(t, s, a.ID, users[0])
	sweep := func() []string {
		t.Helper()
		got, err := s.SweepReminders()
		mustNoErr(t, err)
		return got
	}
	if got := sweep(); len(got) != 0 {
		t.Fatalf("at publish: reminded %v", got)
	}
	clk.Add(2 * time.Hour)
	if got := sweep(); len(got) != 1 || got[0] != a.ID {
		t.Fatalf("after 2 h: reminded %v, want %s", got, a.ID)
	}
	if got := sweep(); len(got) != 0 {
		t.Errorf("the same sweep again reminded %v", got)
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "announcement.remind"})
	mustNoErr(t, err)
	if len(events) != 1 || events[0].Actor != SchedulerActor || events[0].Detail != `{"department":"","reminded":2}` {
		t.Errorf("audit = %+v, want one by the scheduler with the detail JSON", events)
	}

	s = reopen(t, s)
	s.Now = clk.Now
	clk.Add(time.Hour)
	if got := sweep(); len(got) != 0 {
		t.Errorf("an hour later: reminded %v, want nobody", got)
	}
	clk.Add(time.Hour)
	if got := sweep(); len(got) != 1 {
		t.Errorf("after a restart and 2 h: reminded %v, want the second", got)
	}
	clk.Add(2 * time.Hour)
	sweep()
	for range 3 {
		clk.Add(2 * time.Hour)
		if got := sweep(); len(got) != 0 {
			t.Fatalf("after three: reminded again %v", got)
		}
	}
	got, err := s.Announcement(a.ID)
	mustNoErr(t, err)
	if got.ScheduledReminders != 3 {
		t.Errorf("ScheduledReminders = %d, want 3", got.ScheduledReminders)
	}
	// A manual reminder just before the deadline's holds it back an hour.
	clk.Add(deadline.Add(-briefing.DeadlineReminderLead).Sub(clk.Now()) - 30*time.Minute)
	if _, _, err := s.Remind(a.ID, &briefing.User{ID: "1", Roles: []briefing.Role{briefing.RoleAuthor}}, ""); err != nil {
		t.Fatal(err)
	}
	clk.Add(30 * time.Minute)
	if got := sweep(); len(got) != 0 {
		t.Errorf("half an hour after a manual reminder: reminded %v", got)
	}
	clk.Add(30 * time.Minute)
	if got := sweep(); len(got) != 1 {
		t.Errorf("the deadline's reminder: %v, want it", got)
	}
	if got, _ := s.Announcement(a.ID); !got.DeadlineReminded {
		t.Error("DeadlineReminded not kept")
	}
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	reminders := 0
	for _, j := range jobs {
		if j.Kind == MailReminder {
			reminders++
		}
	}
	if reminders != 5 { // three paced, one manual, the deadline's
		t.Errorf("%d reminder jobs queued, want 5", reminders)
	}
}
