package store

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"firsthand/briefing"
)

func outboxOf(tb testing.TB, s *Store, annID string) []*briefing.Delivery {
	tb.Helper()
	all, err := s.Outbox()
	mustNoErr(tb, err)
	var out []*briefing.Delivery
	for _, d := range all {
		if d.AnnouncementID == annID {
			out = append(out, d)
		}
	}
	return out
}

func channelIDs(ds []*briefing.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ChannelID)
	}
	slices.Sort(out)
	return out
}

func TestGateThreshold(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 10, inDept("Sales"))
	press, partners := mkChannel(t, s, "Press"), mkChannel(t, s, "Partners")
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 0.6},
		Channels: channels(press, partners),
	})
	var signals atomic.Int32
	s.OnRelease = func() { signals.Add(1) }

	for i, u := range users[:5] {
		clk.Add(time.Minute)
		if res := ack(t, s, a.ID, u); res.Released {
			t.Fatalf("ack %d of 10 released at threshold 0.6", i+1)
		}
	}
	if got := outboxOf(t, s, a.ID); len(got) != 0 {
		t.Fatalf("after 5 of 10: %d outbox rows, want 0", len(got))
	}
	if got, _ := s.Announcement(a.ID); got.State != briefing.StateBriefing {
		t.Fatalf("after 5 of 10: state %s, want briefing", got.State)
	}

	clk.Add(time.Minute)
	releasedAt := clk.Now()
	if res := ack(t, s, a.ID, users[5]); !res.Released {
		t.Fatal("the 6th of 10 acknowledgements at 0.6 did not release")
	}
	if signals.Load() != 1 {
		t.Errorf("OnRelease called %d times, want 1", signals.Load())
	}
	got, err := s.Announcement(a.ID)
	mustNoErr(t, err)
	if got.State != briefing.StateReleased || got.ReleasedAt == nil || !got.ReleasedAt.Equal(releasedAt) || got.ReleaseReason != "threshold" {
		t.Errorf("released: state %s at %v reason %q; want released at %v, threshold", got.State, got.ReleasedAt, got.ReleaseReason, releasedAt)
	}
	out := outboxOf(t, s, a.ID)
	if want := []string{press.ID, partners.ID}; !slices.Equal(channelIDs(out), want) {
		t.Fatalf("outbox channels = %v, want exactly one row for each of %v", channelIDs(out), want)
	}
	for _, d := range out {
		if d.State != briefing.DeliveryPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(releasedAt) {
			t.Errorf("delivery %+v, want pending, no attempts, due now", d)
		}
	}

	for _, u := range users[6:] {
		clk.Add(time.Minute)
		if res := ack(t, s, a.ID, u); res.Released {
			t.Error("an acknowledgement after the release released again")
		}
	}
	if ds, _ := s.Deliveries(a.ID); len(ds) != 2 {
		t.Errorf("after 10 of 10: %d deliveries, want 2", len(ds))
	}
	if out := outboxOf(t, s, a.ID); len(out) != 2 {
		t.Errorf("after 10 of 10: %d outbox rows, want 2", len(out))
	}
	if signals.Load() != 1 {
		t.Errorf("OnRelease called %d times, want 1", signals.Load())
	}
	if released, err := s.SweepGates(); err != nil || len(released) != 0 {
		t.Errorf("SweepGates after release = %v, %v; want nothing", released, err)
	}

	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	kinds := map[MailKind]int{}
	for _, j := range jobs {
		kinds[j.Kind]++
	}
	if kinds[MailReleased] != 1 {
		t.Errorf("mail jobs = %v, want one %q", kinds, MailReleased)
	}
}

func TestGateReleasesOnceUnderConcurrency(t *testing.T) {
	s, _ := openStore(t)
	const n = 60
	users := mkUsers(t, s, n, inDept("Sales"))
	c := mkChannel(t, s, "Press")
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 0.5}, Channels: channels(c),
	})
	var released atomic.Int32
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() {
			res, err := s.Acknowledge(a.ID, u.ID)
			if err != nil {
				t.Error(err)
			}
			if res.Released {
				released.Add(1)
			}
		})
	}
	wg.Wait()
	if released.Load() != 1 {
		t.Errorf("%d acknowledgements report the release, want exactly 1", released.Load())
	}
	if ds, _ := s.Deliveries(a.ID); len(ds) != 1 {
		t.Errorf("%d deliveries, want 1", len(ds))
	}
}

func TestGateDepartmentThreshold(t *testing.T) {
	s, _ := openStore(t)
	users := mkUsers(t, s, 10, func(i int) string {
		if i < 6 {
			return "Sales"
		}
		return "Support"
	})
	c := mkChannel(t, s, "Press")
	half := 0.5
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true},
		Policy:   briefing.Policy{Threshold: 0.6, DepartmentThreshold: &half}, Channels: channels(c),
	})
	for _, u := range users[:6] { // all of Sales: 6 of 10 overall
		if ack(t, s, a.ID, u).Released {
			t.Fatal("released while Support has 0 of 4")
		}
	}
	_, r, err := s.Readiness(a.ID)
	mustNoErr(t, err)
	if !r.Gates.ThresholdMet || r.Gates.DepartmentsMet {
		t.Errorf("gates = %+v, want threshold met, departments not", r.Gates)
	}
	if ack(t, s, a.ID, users[6]).Released {
		t.Fatal("released with Support at 1 of 4")
	}
	if !ack(t, s, a.ID, users[7]).Released {
		t.Error("Support at 2 of 4 with department threshold 0.5: not released")
	}
}

func TestGateEmbargo(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 4, inDept("Sales"))
	c := mkChannel(t, s, "Press")
	nb := epoch.Add(time.Hour)
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 0.5, NotBefore: &nb}, Channels: channels(c),
	})
	for _, u := range users {
		if ack(t, s, a.ID, u).Released {
			t.Fatal("released before not_before")
		}
	}
	instants, err := s.GateInstants()
	mustNoErr(t, err)
	if got := instants[a.ID]; !got.Equal(nb) {
		t.Errorf("GateInstants[%s] = %v, want %v", a.ID, got, nb)
	}

	clk.Add(59 * time.Minute)
	if released, err := s.SweepGates(); err != nil || len(released) != 0 {
		t.Fatalf("sweep a minute early = %v, %v; want nothing", released, err)
	}
	if out := outboxOf(t, s, a.ID); len(out) != 0 {
		t.Fatalf("%d outbox rows before the embargo", len(out))
	}
	var signals atomic.Int32
	s.OnRelease = func() { signals.Add(1) }
	clk.Add(time.Minute)
	released, err := s.SweepGates()
	mustNoErr(t, err)
	if !slices.Equal(released, []string{a.ID}) || signals.Load() != 1 {
		t.Fatalf("sweep at not_before = %v (%d signals), want [%s] and 1", released, signals.Load(), a.ID)
	}
	if out := outboxOf(t, s, a.ID); len(out) != 1 {
		t.Errorf("%d outbox rows after the embargo, want 1", len(out))
	}
	if again, _ := s.SweepGates(); len(again) != 0 {
		t.Errorf("a second sweep released %v again", again)
	}
	if got, _ := s.Announcement(a.ID); got.ReleaseReason != briefing.ReasonEmbargo {
		t.Errorf("release reason at the embargo = %q, want %q", got.ReleaseReason, briefing.ReasonEmbargo)
	}
	if instants, _ := s.GateInstants(); !instants[a.ID].IsZero() {
		t.Errorf("GateInstants still lists the released %s", a.ID)
	}
}

func TestSweepDeadline(t *testing.T) {
	for _, tt := range []struct {
		on   briefing.OnDeadline
		want bool
	}{
		{briefing.DeadlineRelease, true},
		{briefing.DeadlineHold, false},
	} {
		t.Run(string(tt.on), func(t *testing.T) {
			s, clk := openStore(t)
			users := mkUsers(t, s, 10, inDept("Sales"))
			c := mkChannel(t, s, "Press")
			dl := epoch.Add(2 * time.Hour)
			a := mkPublished(t, s, briefing.Announcement{
				Audience: briefing.Audience{All: true}, Channels: channels(c),
				Policy: briefing.Policy{Threshold: 0.8, Deadline: &dl, OnDeadline: tt.on},
			})
			ack(t, s, a.ID, users[0])

			clk.Add(time.Hour)
			if released, _ := s.SweepGates(); len(released) != 0 {
				t.Fatalf("released %v an hour before the deadline", released)
			}
			clk.Add(time.Hour)
			released, err := s.SweepGates()
			mustNoErr(t, err)
			if got := len(released) == 1; got != tt.want {
				t.Fatalf("at the deadline with on_deadline %s: released %v, want %v", tt.on, released, tt.want)
			}
			got, err := s.Announcement(a.ID)
			mustNoErr(t, err)
			wantState := map[bool]briefing.State{true: briefing.StateReleased, false: briefing.StateBriefing}[tt.want]
			if got.State != wantState {
				t.Errorf("state = %s, want %s", got.State, wantState)
			}
			if tt.want && got.ReleaseReason != "deadline" {
				t.Errorf("release reason = %q, want deadline", got.ReleaseReason)
			}
			if n := len(outboxOf(t, s, a.ID)); (n == 1) != tt.want {
				t.Errorf("%d outbox rows, want release=%v", n, tt.want)
			}
			// Held past its deadline, the gate still opens on the threshold.
			if !tt.want {
				for _, u := range users[1:7] {
					ack(t, s, a.ID, u)
				}
				if !ack(t, s, a.ID, users[7]).Released {
					t.Error("held at the deadline, 8 of 10 at 0.8 did not release")
				}
			}
		})
	}
}

func TestInternalNeverReleased(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 3, inDept("Sales"))
	dl := epoch.Add(time.Hour)
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true},
		Policy:   briefing.Policy{Threshold: 0.1, Deadline: &dl, OnDeadline: briefing.DeadlineRelease},
	})
	for _, u := range users {
		if ack(t, s, a.ID, u).Released {
			t.Fatal("an internal announcement was released")
		}
	}
	clk.Add(2 * time.Hour)
	if released, _ := s.SweepGates(); len(released) != 0 {
		t.Errorf("sweep released internal %v", released)
	}
	_, err := s.Release(a.ID, testAdmin, "go")
	wantKind(t, err, briefing.ErrConflict)
	if got, _ := s.Announcement(a.ID); got.State != briefing.StateBriefing {
		t.Errorf("state = %s, want briefing", got.State)
	}
	if ds, _ := s.Deliveries(a.ID); len(ds) != 0 {
		t.Errorf("%d deliveries for an internal announcement", len(ds))
	}
}

func TestManualRelease(t *testing.T) {
	s, clk := openStore(t)
	mkUsers(t, s, 10, inDept("Sales"))
	c := mkChannel(t, s, "Press")
	nb := epoch.Add(time.Hour)
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Channels: channels(c),
		Policy: briefing.Policy{Threshold: 1, NotBefore: &nb},
	})

	for _, reason := range []string{"", "   "} {
		_, err := s.Release(a.ID, testManager, reason)
		if !errors.Is(err, briefing.ErrInvalid) || briefing.ErrorField(err) != "reason" {
			t.Errorf("Release with reason %q = %v, want invalid reason", reason, err)
		}
	}
	_, err := s.Release(a.ID, testManager, "press conference moved")
	wantKind(t, err, briefing.ErrConflict) // embargo holds
	if n := len(outboxOf(t, s, a.ID)); n != 0 {
		t.Fatalf("%d outbox rows after a refused release", n)
	}

	clk.Add(time.Hour)
	got, err := s.Release(a.ID, testManager, "press conference moved")
	mustNoErr(t, err)
	if got.State != briefing.StateReleased || got.ReleaseReason != "manual" {
		t.Errorf("released: state %s reason %q, want released manual", got.State, got.ReleaseReason)
	}
	if n := len(outboxOf(t, s, a.ID)); n != 1 {
		t.Errorf("%d outbox rows, want 1", n)
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "announcement.release", Target: "announcement:" + a.ID})
	mustNoErr(t, err)
	if len(events) != 1 || events[0].Actor != "user:manager" || !strings.Contains(events[0].Detail, "press conference moved") {
		t.Errorf("audit = %+v, want the manager and the reason", events)
	}

	_, err = s.Release(a.ID, testManager, "again")
	wantKind(t, err, briefing.ErrConflict)
	if ds, _ := s.Deliveries(a.ID); len(ds) != 1 {
		t.Errorf("%d deliveries after a second release, want 1", len(ds))
	}
	d := mkDraft(t, s, briefing.Announcement{Audience: briefing.Audience{All: true}, Channels: channels(c)})
	_, err = s.Release(d.ID, testManager, "draft")
	wantKind(t, err, briefing.ErrConflict)
	_, err = s.Release("999", testManager, "x")
	wantKind(t, err, briefing.ErrNotFound)
}

func TestWithdrawCancelsPendingDeliveries(t *testing.T) {
	s, clk := openStore(t)
	u := mkUser(t, s, "x@example.com", "Sales")
	press, partners := mkChannel(t, s, "Press"), mkChannel(t, s, "Partners")
	a := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 1}, Channels: channels(press, partners),
	})
	if !ack(t, s, a.ID, u).Released {
		t.Fatal("not released")
	}
	out := outboxOf(t, s, a.ID)
	if len(out) != 2 {
		t.Fatalf("%d outbox rows, want 2", len(out))
	}
	sent := out[0]
	_, err := s.RecordAttempt(sent.ID, Attempt{})
	mustNoErr(t, err)

	clk.Add(time.Minute)
	w, err := s.Withdraw(a.ID, "user:author", "wrong figures")
	mustNoErr(t, err)
	if w.State != briefing.StateWithdrawn || w.WithdrawnAt == nil || !w.WithdrawnAt.Equal(clk.Now()) {
		t.Errorf("withdrawn: state %s at %v", w.State, w.WithdrawnAt)
	}
	// Issue 12 changed this: the one post that went out (a webhook) gets
	// its retraction (announcement.withdrawn) in the outbox; before, the
	// outbox was left empty and the receiver never heard of the withdrawal.
	if out := outboxOf(t, s, a.ID); len(out) != 1 || out[0].Action != briefing.ActionRetract || out[0].RetractsID != sent.ID || out[0].Reason != "wrong figures" {
		t.Errorf("outbox after withdrawal = %+v, want only the retraction of %s", out, sent.ID)
	}
	ds, err := s.Deliveries(a.ID)
	mustNoErr(t, err)
	for _, d := range ds {
		if d.Action == briefing.ActionRetract {
			continue
		}
		want := briefing.DeliveryFailed
		if d.ID == sent.ID {
			want = briefing.DeliverySent
		}
		if d.State != want {
			t.Errorf("delivery %s to %s: %s, want %s", d.ID, d.ChannelName, d.State, want)
		}
		if want == briefing.DeliveryFailed && !strings.Contains(d.LastError, "withdrawn") {
			t.Errorf("cancelled delivery says %q", d.LastError)
		}
	}
	_, err = s.Withdraw(a.ID, "user:author", "twice")
	wantKind(t, err, briefing.ErrConflict)

	// Any state can be withdrawn: a draft, too; never without a reason.
	d := mkDraft(t, s, briefing.Announcement{Title: "A draft"})
	for _, reason := range []string{"", "  \n"} {
		_, err = s.Withdraw(d.ID, "user:author", reason)
		if !errors.Is(err, briefing.ErrInvalid) || briefing.ErrorField(err) != "reason" {
			t.Errorf("Withdraw(draft) with reason %q = %v, want invalid reason", reason, err)
		}
	}
	if got, _ := s.Announcement(d.ID); got.State != briefing.StateDraft {
		t.Errorf("after a refused withdrawal: %s, want draft", got.State)
	}
	if w, err := s.Withdraw(d.ID, "user:author", "not needed"); err != nil || w.State != briefing.StateWithdrawn {
		t.Errorf("Withdraw(draft) = %v, %v", w, err)
	}
}
