package store

import (
	"sync/atomic"
	"testing"

	"firsthand/briefing"
)

func readinessOf(t *testing.T, s *Store, id string) (*briefing.Announcement, briefing.Readiness) {
	t.Helper()
	a, r, err := s.Readiness(id)
	mustNoErr(t, err)
	return a, r
}

func deptLine(r briefing.Readiness, dept string) briefing.DepartmentReadiness {
	for _, d := range r.Departments {
		if d.Department == dept {
			return d
		}
	}
	return briefing.DepartmentReadiness{}
}

// TestDepartureOpensGate: people who leave after publish drop out of the
// denominator, so the gate opens for those who stayed, in the transaction
// of the deactivation that crosses it.
func TestDepartureOpensGate(t *testing.T) {
	s, _ := openStore(t)
	c := mkChannel(t, s, "partner")
	sales := mkUsers(t, s, 6, inDept("Sales"))
	support := mkUser(t, s, "support@example.com", "Support")
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 0.8}, Channels: channels(c),
	})
	var signals atomic.Int32
	s.OnRelease = func() { signals.Add(1) }
	// 4 of 7 acknowledge (0.57); 0.8 of 7 needs 6.
	for _, u := range sales[:3] {
		ack(t, s, a.ID, u)
	}
	ack(t, s, a.ID, support)

	// One who had not acknowledged leaves: 4 of 6, still short of 5.
	setActive(t, s, sales[5].ID, false)
	got, r := readinessOf(t, s, a.ID)
	if got.State != briefing.StateBriefing || r.Recipients != 6 || r.Departed != 1 || r.Acknowledged != 4 {
		t.Fatalf("after one departure: %s, recipients %d, departed %d, acknowledged %d; want briefing, 6, 1, 4",
			got.State, r.Recipients, r.Departed, r.Acknowledged)
	}
	if d := deptLine(r, "Sales"); d.Recipients != 5 || d.Departed != 1 || d.Acknowledged != 3 {
		t.Errorf("Sales after one departure: %+v, want 5 recipients, 1 departed, 3 acknowledged", d)
	}
	if d := deptLine(r, "Support"); d.Recipients != 1 || d.Departed != 0 || d.Acknowledged != 1 {
		t.Errorf("Support untouched: %+v", d)
	}
	// A second leaves: 4 of 5 meets 0.8, and that deactivation releases.
	setActive(t, s, sales[4].ID, false)
	got, r = readinessOf(t, s, a.ID)
	if got.State != briefing.StateReleased || r.Recipients != 5 || r.Departed != 2 {
		t.Fatalf("after two departures: %s, recipients %d, departed %d; want released, 5, 2", got.State, r.Recipients, r.Departed)
	}
	if signals.Load() != 1 {
		t.Errorf("OnRelease called %d times, want 1", signals.Load())
	}
	ds, err := s.Deliveries(a.ID)
	mustNoErr(t, err)
	if len(ds) != 1 {
		t.Errorf("%d deliveries after the release, want 1", len(ds))
	}
	// Released: a later departure leaves the figures as they were.
	setActive(t, s, sales[3].ID, false)
	if _, r2 := readinessOf(t, s, a.ID); r2.Recipients != 5 || r2.Departed != 2 {
		t.Errorf("a departure after release changed the figures: recipients %d, departed %d", r2.Recipients, r2.Departed)
	}
}

// TestDepartedAcknowledgerLeavesBothCounts: an acknowledgement of someone
// who left counts no more; a reactivated person does not rejoin the list,
// and leaving twice counts once.
func TestDepartedAcknowledgerLeavesBothCounts(t *testing.T) {
	s, _ := openStore(t)
	c := mkChannel(t, s, "partner")
	us := mkUsers(t, s, 4, inDept("Sales"))
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 1}, Channels: channels(c),
	})
	ack(t, s, a.ID, us[0])
	_, err := s.ReadBriefing(a.ID, us[1].ID)
	mustNoErr(t, err)

	setActive(t, s, us[0].ID, false) // acknowledged
	setActive(t, s, us[1].ID, false) // read
	_, r := readinessOf(t, s, a.ID)
	if r.Recipients != 2 || r.Read != 0 || r.Acknowledged != 0 || r.Departed != 2 {
		t.Fatalf("after an acknowledger and a reader left: %+v; want 2 recipients, 0 read, 0 acknowledged, 2 departed", r)
	}
	setActive(t, s, us[0].ID, true)
	setActive(t, s, us[0].ID, false)
	if _, r := readinessOf(t, s, a.ID); r.Recipients != 2 || r.Departed != 2 {
		t.Errorf("leaving a second time: recipients %d, departed %d; want 2, 2", r.Recipients, r.Departed)
	}
	setActive(t, s, us[0].ID, true)
	inbox, err := s.Inbox(us[0].ID)
	mustNoErr(t, err)
	if len(inbox) != 0 {
		t.Errorf("a reactivated person's inbox has %d briefings of the list they left, want 0", len(inbox))
	}
	_, err = s.Acknowledge(a.ID, us[0].ID)
	wantKind(t, err, briefing.ErrNotFound)
	n := 0
	_, err = s.Receipts(a.ID, ReceiptFilter{}, func(briefing.Receipt) error { n++; return nil })
	mustNoErr(t, err)
	if n != 2 {
		t.Errorf("%d receipts listed, want the 2 who stayed", n)
	}
	// Mail about it (here the publish notice) no longer reaches them.
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	for _, j := range jobs {
		rs, err := s.NextMailRecipients(j.ID, 100)
		mustNoErr(t, err)
		for _, r := range rs {
			if r.UserID == us[0].ID {
				t.Errorf("mail job %s (%s) still reaches the reactivated person who left", j.ID, j.Kind)
			}
		}
	}
	// The two who stayed acknowledge: 2 of 2 releases at threshold 1.
	ack(t, s, a.ID, us[2])
	if res := ack(t, s, a.ID, us[3]); !res.Released {
		t.Error("the last of those who stayed acknowledged and the gate did not open")
	}
}

// TestDepartureTouchesOnlyTheirInbox: announcements the person was not
// addressed are left alone.
func TestDepartureTouchesOnlyTheirInbox(t *testing.T) {
	s, _ := openStore(t)
	leaver := mkUser(t, s, "leaver@example.com", "Sales")
	mkUser(t, s, "other@example.com", "Support")
	theirs := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Sales"}}})
	notTheirs := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{Departments: []string{"Support"}}})
	setActive(t, s, leaver.ID, false)
	if _, r := readinessOf(t, s, theirs.ID); r.Departed != 1 || r.Recipients != 0 {
		t.Errorf("their announcement: recipients %d, departed %d; want 0, 1", r.Recipients, r.Departed)
	}
	if _, r := readinessOf(t, s, notTheirs.ID); r.Departed != 0 || r.Recipients != 1 {
		t.Errorf("another announcement: recipients %d, departed %d; want 1, 0", r.Recipients, r.Departed)
	}
}
