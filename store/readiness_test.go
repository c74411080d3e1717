package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"firsthand/briefing"
)

// briefDepartments publishes to 12 people in three departments and leaves
// them in a known mix of pending, read and acknowledged.
func briefDepartments(t *testing.T) (*Store, *clock, *briefing.Announcement, []*briefing.User) {
	t.Helper()
	s, clk := openStore(t)
	depts := []string{"Sales", "Support", "Legal"}
	users := mkUsers(t, s, 12, func(i int) string { return depts[i%3] })
	a := mkPublished(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	for i, u := range users {
		clk.Add(time.Second)
		switch i % 4 {
		case 1:
			_, err := s.ReadBriefing(a.ID, u.ID)
			mustNoErr(t, err)
		case 2, 3:
			ack(t, s, a.ID, u)
		}
	}
	return s, clk, a, users
}

func TestReadinessCountersMatchReceipts(t *testing.T) {
	s, _, a, _ := briefDepartments(t)
	_, r, err := s.Readiness(a.ID)
	mustNoErr(t, err)

	// Count the receipts one by one and compare with the counters.
	type tally struct{ recipients, read, acked int }
	want := map[string]*tally{}
	_, err = s.Receipts(a.ID, ReceiptFilter{}, func(rc briefing.Receipt) error {
		tl := want[rc.Department]
		if tl == nil {
			tl = &tally{}
			want[rc.Department] = tl
		}
		tl.recipients++
		if rc.ReadAt != nil {
			tl.read++
		}
		if rc.AcknowledgedAt != nil {
			tl.acked++
		}
		return nil
	})
	mustNoErr(t, err)
	if len(r.Departments) != len(want) {
		t.Fatalf("readiness has %d departments, receipts %d", len(r.Departments), len(want))
	}
	var names []string
	total := tally{}
	for _, d := range r.Departments {
		names = append(names, d.Department)
		w := want[d.Department]
		if w == nil || d.Recipients != w.recipients || d.Read != w.read || d.Acknowledged != w.acked {
			t.Errorf("department %s: counters %d/%d/%d, receipts %+v", d.Department, d.Recipients, d.Read, d.Acknowledged, w)
		}
		total.recipients += d.Recipients
		total.read += d.Read
		total.acked += d.Acknowledged
	}
	if !slices.Equal(names, []string{"Legal", "Sales", "Support"}) {
		t.Errorf("departments = %v, want sorted Legal, Sales, Support", names)
	}
	if r.Recipients != 12 || r.Read != 9 || r.Acknowledged != 6 || total != (tally{12, 9, 6}) {
		t.Errorf("totals %d/%d/%d (sum of departments %+v), want 12/9/6", r.Recipients, r.Read, r.Acknowledged, total)
	}
	if r.AckRatio != 0.5 || r.ReadRatio != 0.75 {
		t.Errorf("ratios ack %v read %v, want 0.5 and 0.75", r.AckRatio, r.ReadRatio)
	}
	_, _, err = s.Readiness("999")
	wantKind(t, err, briefing.ErrNotFound)
}

func TestReceiptsFilter(t *testing.T) {
	s, _, a, users := briefDepartments(t)
	byID := map[string]*briefing.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	tests := []struct {
		f    ReceiptFilter
		want []int // indexes into users
	}{
		{ReceiptFilter{}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{ReceiptFilter{Status: briefing.StatusPending}, []int{0, 4, 8}},
		{ReceiptFilter{Status: briefing.StatusRead}, []int{1, 5, 9}},
		{ReceiptFilter{Status: briefing.StatusAcknowledged}, []int{2, 3, 6, 7, 10, 11}},
		{ReceiptFilter{Department: "Sales"}, []int{0, 3, 6, 9}},
		{ReceiptFilter{Department: "Sales", Status: briefing.StatusAcknowledged}, []int{3, 6}},
		{ReceiptFilter{Department: "Nowhere"}, nil},
	}
	for _, tt := range tests {
		var got []string
		next, err := s.Receipts(a.ID, tt.f, func(r briefing.Receipt) error {
			got = append(got, r.UserID)
			u := byID[r.UserID]
			if u == nil || r.Email != u.Email || r.Name != u.Name || r.Department != u.Department {
				t.Errorf("receipt %+v does not match its user", r)
			}
			if (tt.f.Status != "" && r.Status() != tt.f.Status) || (tt.f.Department != "" && r.Department != tt.f.Department) {
				t.Errorf("filter %+v let through %+v", tt.f, r)
			}
			return nil
		})
		mustNoErr(t, err)
		var want []string
		for _, i := range tt.want {
			want = append(want, users[i].ID)
		}
		if !slices.Equal(got, want) || next != "" {
			t.Errorf("Receipts(%+v) = %v next %q, want %v", tt.f, got, next, want)
		}
	}

	// Paging with a filter: 6 acknowledged in pages of 4.
	var paged []string
	after, pages := "", 0
	for {
		var page []string
		next, err := s.Receipts(a.ID, ReceiptFilter{Status: briefing.StatusAcknowledged, After: after, Limit: 4},
			func(r briefing.Receipt) error { page = append(page, r.UserID); return nil })
		mustNoErr(t, err)
		pages++
		paged = append(paged, page...)
		if next == "" {
			break
		}
		if next != page[len(page)-1] {
			t.Errorf("next = %s, want the last user id %s", next, page[len(page)-1])
		}
		after = next
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	var want []string
	for _, i := range []int{2, 3, 6, 7, 10, 11} {
		want = append(want, users[i].ID)
	}
	if !slices.Equal(paged, want) || pages != 2 {
		t.Errorf("paged = %v in %d pages, want %v in 2", paged, pages, want)
	}

	stop := errors.New("stop")
	if _, err := s.Receipts(a.ID, ReceiptFilter{}, func(briefing.Receipt) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("the callback's error = %v, want it passed on", err)
	}
	_, err := s.Receipts(a.ID, ReceiptFilter{After: "x"}, func(briefing.Receipt) error { return nil })
	wantKind(t, err, briefing.ErrInvalid)
	_, err = s.Receipts("999", ReceiptFilter{}, func(briefing.Receipt) error { return nil })
	wantKind(t, err, briefing.ErrNotFound)
}

func TestAckCurve(t *testing.T) {
	s, _, a, _ := briefDepartments(t)
	all, err := s.AckCurve(a.ID, 0)
	mustNoErr(t, err)
	if len(all) != 6 {
		t.Fatalf("%d points, want 6", len(all))
	}
	for i, p := range all {
		if p.Acknowledged != i+1 || (i > 0 && p.At.Before(all[i-1].At)) {
			t.Errorf("point %d = %+v, want %d acknowledged, in time order", i, p, i+1)
		}
	}
	thin, err := s.AckCurve(a.ID, 3)
	mustNoErr(t, err)
	if len(thin) > 4 || thin[len(thin)-1].Acknowledged != 6 {
		t.Errorf("thinned curve = %+v, want at most 3 points (+ the last) ending at 6", thin)
	}
}

// BenchmarkReadiness100k reads readiness of an announcement briefed to
// 100,000 people in 8 departments, a third of them acknowledged (target:
// under 5 ms).
func BenchmarkReadiness100k(b *testing.B) {
	s, _ := openStore(b)
	if _, err := s.ImportUsers(importRows(100_000, 0), "bench"); err != nil {
		b.Fatal(err)
	}
	a := mkPublished(b, s, briefing.Announcement{Audience: briefing.Audience{All: true}})
	// Acknowledge a third from 64 goroutines so that db.Batch groups them;
	// setup only, so without the fsync (never in the product, DESIGN.md).
	s.db.NoSync = true
	var next atomic.Int64
	next.Store(1)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for i := next.Add(3) - 3; i <= 100_000; i = next.Add(3) - 3 {
				if _, err := s.Acknowledge(a.ID, fmt.Sprint(i)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	s.db.NoSync = false
	for b.Loop() {
		_, r, err := s.Readiness(a.ID)
		if err != nil || r.Recipients != 100_000 || len(r.Departments) != 8 {
			b.Fatalf("Readiness: %d recipients, %d departments, %v", r.Recipients, len(r.Departments), err)
		}
	}
}
