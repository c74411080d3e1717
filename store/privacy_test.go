package store

import (
	"slices"
	"testing"
	"time"

	"firsthand/briefing"
)

func setPrivacy(t *testing.T, s *Store, p briefing.Privacy, minGroup int) {
	t.Helper()
	_, err := s.UpdateSettings("user:admin", func(set *briefing.Settings) error {
		set.Privacy, set.MinGroup = p, minGroup
		return nil
	})
	mustNoErr(t, err)
}

// privacyOrg: Sales 8, Support 4, Legal 1: Support and Legal are shown
// together as Other departments (5) in groups of 5.
func privacyOrg(t *testing.T, s *Store) (sales, support, legal []*briefing.User) {
	t.Helper()
	users := mkUsers(t, s, 13, func(i int) string {
		switch {
		case i < 8:
			return "Sales"
		case i < 12:
			return "Support"
		}
		return "Legal"
	})
	return users[:8], users[8:12], users[12:]
}

func everyone() briefing.Announcement {
	return briefing.Announcement{Audience: briefing.Audience{All: true}}
}

func TestAggregateModeIsRecordedAtPublishAndGovernsForGood(t *testing.T) {
	s, _ := openStore(t)
	sales, support, _ := privacyOrg(t, s)
	author := mkUser(t, s, "author@example.com", "PR", briefing.RoleAuthor)
	before := mkPublished(t, s, everyone())
	setPrivacy(t, s, briefing.PrivacyAggregate, 5)
	agg := mkPublished(t, s, everyone())
	if agg.Privacy != briefing.PrivacyAggregate || agg.MinGroup != 5 {
		t.Fatalf("published in aggregate mode: privacy %q min group %d", agg.Privacy, agg.MinGroup)
	}
	ack(t, s, agg.ID, sales[0])
	ack(t, s, agg.ID, support[0])
	ack(t, s, before.ID, sales[0])

	receipts := func(id string) error {
		_, err := s.Receipts(id, ReceiptFilter{Viewer: author}, func(briefing.Receipt) error {
			t.Errorf("announcement %s: a receipt was handed out", id)
			return nil
		})
		return err
	}
	wantKind(t, receipts(agg.ID), briefing.ErrForbidden)
	// Published before the switch: person by person, as then.
	n := 0
	_, err := s.Receipts(before.ID, ReceiptFilter{Viewer: author}, func(briefing.Receipt) error { n++; return nil })
	mustNoErr(t, err)
	if n != 14 {
		t.Errorf("personal announcement: %d receipts, want 14 (the author too)", n)
	}

	// Back to personal, and to a smaller group: nothing of agg is exposed.
	setPrivacy(t, s, briefing.PrivacyPersonal, 2)
	s = reopen(t, s)
	wantKind(t, receipts(agg.ID), briefing.ErrForbidden)
	_, r, err := s.Readiness(agg.ID)
	mustNoErr(t, err)
	var lines []string
	for _, d := range r.Departments {
		lines = append(lines, d.Department)
		if d.Recipients < 5 {
			t.Errorf("after switching back: line %s shows %d recipients", d.Department, d.Recipients)
		}
	}
	if !slices.Equal(lines, []string{"Sales", briefing.OtherDepartments}) || r.Acknowledged != 2 || r.Recipients != 14 {
		t.Errorf("readiness after switching back: lines %v, %d of %d acknowledged", lines, r.Acknowledged, r.Recipients)
	}
	// A new one is personal again.
	fresh := mkPublished(t, s, everyone())
	_, err = s.Receipts(fresh.ID, ReceiptFilter{Viewer: author}, func(briefing.Receipt) error { return nil })
	mustNoErr(t, err)

	// No per-person acknowledgement events for the aggregate one.
	events, _, err := s.AuditEvents(AuditFilter{Action: actionAcknowledge})
	mustNoErr(t, err)
	for _, e := range events {
		if e.Target == "announcement:"+agg.ID {
			t.Errorf("the audit log holds a person-level acknowledgement of an aggregate announcement: %+v", e)
		}
	}
	if len(events) != 1 {
		t.Errorf("got %d acknowledgement events, want the one of the personal announcement", len(events))
	}
}

func TestAggregateRemindersReachExactlyTheOpenOnes(t *testing.T) {
	s, clk := openStore(t)
	sales, support, legal := privacyOrg(t, s)
	author := &briefing.User{ID: "999", Roles: []briefing.Role{briefing.RoleAuthor}}
	setPrivacy(t, s, briefing.PrivacyAggregate, 5)
	a := mkPublished(t, s, everyone())
	for _, u := range append(sales[:3:3], support[0]) {
		ack(t, s, a.ID, u)
	}
	mustNoErr(t, s.AdvanceMailJob(jobOf(t, s, MailBriefing, a.ID).ID, "", true))

	// Support and Legal are merged: neither may be reminded on its own.
	for _, dept := range []string{"Support", "Legal", briefing.OtherDepartments} {
		_, _, err := s.Remind(a.ID, author, dept)
		wantKind(t, err, briefing.ErrForbidden)
	}
	n, _, err := s.Remind(a.ID, author, "Sales")
	mustNoErr(t, err)
	if n != 5 {
		t.Errorf("Sales reminder: %d, want 5", n)
	}
	got := walkJob(t, s, jobOf(t, s, MailReminder, a.ID).ID, 3)
	var want []string
	for _, u := range sales[3:] {
		want = append(want, u.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the Sales reminder reaches %v, want %v", got, want)
	}

	clk.Add(2 * time.Hour)
	n, _, err = s.Remind(a.ID, author, "")
	mustNoErr(t, err)
	if n != 9 {
		t.Errorf("company-wide reminder: %d, want 9", n)
	}
	got = walkJob(t, s, jobOf(t, s, MailReminder, a.ID).ID, 100)
	want = want[:0]
	for _, u := range append(append(sales[3:], support[1:]...), legal...) {
		want = append(want, u.ID)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the reminder reaches %v, want exactly those who have not acknowledged %v", got, want)
	}
}
