package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

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

func TestAcknowledgementEventIsCompact(t *testing.T) {
	s, clk := openStore(t)
	u := mkUser(t, s, "c@example.com", "Sales")
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	clk.Add(1500 * time.Microsecond)
	res := ack(t, s, a.ID, u)

	events, _, err := s.AuditEvents(AuditFilter{Action: "briefing.acknowledge"})
	mustNoErr(t, err)
	want := briefing.Event{At: res.AcknowledgedAt, Actor: "user:" + u.ID, Action: "briefing.acknowledge", Target: "announcement:" + a.ID}
	if len(events) != 1 || events[0].Event != want {
		t.Fatalf("acknowledge events = %+v, want one %+v", events, want)
	}
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		id, _ := parseID("event", events[0].ID)
		v := tx.Bucket(bAudit).Get(u64(id))
		if len(v) == 0 || v[0] != compactAck || len(v) > 20 {
			t.Errorf("stored acknowledgement event = %x (%d bytes), want the compact form of at most 20", v, len(v))
		}
		return nil
	}))
}

func TestEventEncodingRoundTrips(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)
	tests := []struct {
		e       briefing.Event
		compact bool
	}{
		{briefing.Event{At: at, Actor: "user:1", Action: "briefing.acknowledge", Target: "announcement:1"}, true},
		{briefing.Event{At: at, Actor: "user:18446744073709551615", Action: "briefing.acknowledge", Target: "announcement:300"}, true},
		{briefing.Event{At: time.Unix(0, 0).UTC(), Actor: "user:100000", Action: "briefing.acknowledge", Target: "announcement:7"}, true},
		// Anything the fixed form could not give back exactly stays JSON.
		{briefing.Event{At: at, Actor: "user:1", Action: "briefing.acknowledge", Target: "announcement:1", Detail: "d"}, false},
		{briefing.Event{At: at, Actor: "user:01", Action: "briefing.acknowledge", Target: "announcement:1"}, false},
		{briefing.Event{At: at, Actor: "user:0", Action: "briefing.acknowledge", Target: "announcement:1"}, true},
		{briefing.Event{At: at, Actor: "admin", Action: "briefing.acknowledge", Target: "announcement:1"}, false},
		{briefing.Event{At: at, Actor: "user:1", Action: "briefing.acknowledge", Target: "announcement:x"}, false},
		{briefing.Event{At: at, Actor: "user:1", Action: "briefing.acknowledge", Target: "announcement:+1"}, false},
		{briefing.Event{At: at.In(time.FixedZone("CET", 3600)), Actor: "user:1", Action: "briefing.acknowledge", Target: "announcement:1"}, false},
		{briefing.Event{At: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "user:1", Action: "briefing.acknowledge", Target: "announcement:1"}, false},
		{briefing.Event{At: at, Actor: "user:1", Action: "briefing.read", Target: "announcement:1"}, false},
	}
	for _, tt := range tests {
		v, err := encodeEvent(tt.e)
		mustNoErr(t, err)
		if got := v[0] == compactAck; got != tt.compact {
			t.Errorf("encodeEvent(%+v) compact = %v, want %v", tt.e, got, tt.compact)
		}
		got, err := decodeEvent(v)
		mustNoErr(t, err)
		if !got.At.Equal(tt.e.At) || got.Actor != tt.e.Actor || got.Action != tt.e.Action || got.Target != tt.e.Target || got.Detail != tt.e.Detail {
			t.Errorf("decodeEvent(encodeEvent(%+v)) = %+v", tt.e, got)
		}
	}
	for _, bad := range [][]byte{{compactAck}, {compactAck, 0, 0, 0, 0, 0, 0, 0, 0, 1}, append(make([]byte, 0), compactAck, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1)} {
		if _, err := decodeEvent(bad); err == nil {
			t.Errorf("decodeEvent(%x) succeeded, want an error", bad)
		}
	}
}
