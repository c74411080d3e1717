package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"firsthand/briefing"
)

func TestAuditNewestFirst(t *testing.T) {
	s, clk := openStore(t)
	for i := range 5 {
		clk.Add(time.Minute)
		mustNoErr(t, s.Audit("admin", "test.event", fmt.Sprintf("thing:%d", i), "d"))
	}
	events, next, err := s.AuditEvents(AuditFilter{Action: "test.event"})
	mustNoErr(t, err)
	if next != "" || len(events) != 5 {
		t.Fatalf("got %d events, next %q; want 5 and no next", len(events), next)
	}
	for i, e := range events {
		if want := fmt.Sprintf("thing:%d", 4-i); e.Target != want {
			t.Errorf("event %d target = %s, want %s (newest first)", i, e.Target, want)
		}
		if want := epoch.Add(time.Duration(5-i) * time.Minute); !e.At.Equal(want) {
			t.Errorf("event %d at %v, want %v", i, e.At, want)
		}
		if e.Actor != "admin" || e.Detail != "d" {
			t.Errorf("event %d = %+v", i, e.Event)
		}
	}
}

func TestAuditFilterAndPaging(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "x@example.com", "Sales")                                           // user.create
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}}) // announcement.create, .publish
	ack(t, s, a.ID, u)                                                                    // briefing.acknowledge
	mustNoErr(t, s.Audit("admin", "session.failed", "user:"+u.ID, ""))

	tests := []struct {
		f    AuditFilter
		want []string
	}{
		{AuditFilter{Action: "user.create"}, []string{"user.create"}},
		{AuditFilter{Action: "announcement."}, []string{"announcement.publish", "announcement.create"}},
		{AuditFilter{Action: "announcement"}, nil}, // not a prefix without the dot
		{AuditFilter{Target: "user:" + u.ID}, []string{"session.failed", "user.create"}},
		{AuditFilter{Target: "announcement:" + a.ID, Action: "briefing.acknowledge"}, []string{"briefing.acknowledge"}},
		{AuditFilter{}, []string{"session.failed", "briefing.acknowledge", "announcement.publish", "announcement.create", "user.create"}},
	}
	for _, tt := range tests {
		events, _, err := s.AuditEvents(tt.f)
		mustNoErr(t, err)
		var got []string
		for _, e := range events {
			got = append(got, e.Action)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("AuditEvents(%+v) = %v, want %v", tt.f, got, tt.want)
		}
	}

	// Paging walks every event once, newest first.
	var got []string
	after := ""
	for range 10 {
		page, next, err := s.AuditEvents(AuditFilter{After: after, Limit: 2})
		mustNoErr(t, err)
		for _, e := range page {
			got = append(got, e.Action)
		}
		if next == "" {
			break
		}
		if len(page) != 2 || next != page[1].ID {
			t.Errorf("page of %d, next %q; want 2 and the last id", len(page), next)
		}
		after = next
	}
	if want := tests[len(tests)-1].want; !slices.Equal(got, want) {
		t.Errorf("paged = %v, want %v", got, want)
	}

	// Paging with a filter: the cursor skips non-matching events between pages.
	page, next, err := s.AuditEvents(AuditFilter{Action: "announcement.", Limit: 1})
	mustNoErr(t, err)
	if len(page) != 1 || page[0].Action != "announcement.publish" || next == "" {
		t.Fatalf("first filtered page = %v, next %q", page, next)
	}
	page, next, err = s.AuditEvents(AuditFilter{Action: "announcement.", Limit: 1, After: next})
	mustNoErr(t, err)
	if len(page) != 1 || page[0].Action != "announcement.create" || next != "" {
		t.Errorf("second filtered page = %v, next %q; want announcement.create and no next", page, next)
	}

	_, _, err = s.AuditEvents(AuditFilter{After: "x"})
	wantKind(t, err, briefing.ErrInvalid)
}
