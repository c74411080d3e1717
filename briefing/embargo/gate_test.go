package embargo

import (
	"testing"
	"time"

	"firsthand/briefing"
)

// TestGateInstant checks that time alone opens a gate within 2 s of its
// instant, through the one-time job at that instant: the periodic sweep is
// set to an hour, so it cannot be what releases.
func TestGateInstant(t *testing.T) {
	tests := []struct {
		name     string
		restart  bool // everything happens before the scheduler starts
		ack      bool // the threshold is met before the instant
		deadline bool // the instant is a deadline with on_deadline release
	}{
		{name: "embargo passes"},
		{name: "embargo passes after a restart", restart: true, ack: true},
		{name: "deadline releases", deadline: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
			e1 := addUser(t, st, "e1@example.com", "Sales")
			e2 := addUser(t, st, "e2@example.com", "Sales")
			ch := addWebhook(t, st, "press", "http://127.0.0.1:1/hook") // never reached in time to matter
			instant := time.Now().UTC().Add(1500 * time.Millisecond)
			p := briefing.Policy{Threshold: 1, NotBefore: &instant}
			// The acknowledgements met the threshold before the instant:
			// the embargo passing is the true reason (it was logged as
			// "threshold").
			wantReason := briefing.ReasonEmbargo
			if tt.deadline {
				p = briefing.Policy{Threshold: 1, Deadline: &instant, OnDeadline: briefing.DeadlineRelease}
				wantReason = "deadline"
			}
			a := draft(t, st, author, p, ch)
			var s *Scheduler
			if !tt.restart {
				s, _ = start(t, st, Options{SweepEvery: time.Hour})
			}
			publish(t, st, a)
			if !tt.deadline {
				ack(t, st, a, e1, e2)
			}
			if tt.restart {
				s, _ = start(t, st, Options{SweepEvery: time.Hour})
			}
			if got := announcement(t, st, a.ID).State; got != briefing.StateBriefing {
				t.Fatalf("state before the instant = %s, want briefing", got)
			}
			eventually(t, time.Second, "a gate job at the instant", func() bool {
				return hasJob(s, "gate:"+a.ID)
			})
			eventually(t, 5*time.Second, "the release", func() bool {
				return announcement(t, st, a.ID).State == briefing.StateReleased
			})
			got := announcement(t, st, a.ID)
			if got.ReleasedAt.Before(instant) {
				t.Errorf("released at %s, before its instant %s", got.ReleasedAt, instant)
			}
			late := got.ReleasedAt.Sub(instant)
			if late > 2*time.Second {
				t.Errorf("released %s after its instant, want within 2s", late)
			}
			t.Logf("released %s after the instant", late)
			if got.ReleaseReason != wantReason {
				t.Errorf("release reason = %q, want %q", got.ReleaseReason, wantReason)
			}
			// The spent job is dropped once the instant has passed.
			eventually(t, 2*time.Second, "the spent gate job removed", func() bool {
				return !hasJob(s, "gate:"+a.ID)
			})
		})
	}
}

func hasJob(s *Scheduler, name string) bool {
	for _, j := range s.gs.Jobs() {
		if j.Name() == name {
			return true
		}
	}
	return false
}

// TestReplanMovesGateJobs checks that the planner follows the store: a job
// per instant, and none for an announcement whose instant is gone.
func TestReplanMovesGateJobs(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	addUser(t, st, "e1@example.com", "Sales")
	ch := addWebhook(t, st, "press", "http://127.0.0.1:1/hook")
	later := time.Now().UTC().Add(time.Hour)
	a := draft(t, st, author, briefing.Policy{NotBefore: &later}, ch)
	b := draft(t, st, author, briefing.Policy{NotBefore: &later}, ch)
	s, _ := start(t, st, Options{})
	publish(t, st, a)
	publish(t, st, b)
	eventually(t, 2*time.Second, "gate jobs for both", func() bool {
		return hasJob(s, "gate:"+a.ID) && hasJob(s, "gate:"+b.ID)
	})
	if _, err := st.Withdraw(a.ID, "test", "wrong date"); err != nil {
		t.Fatal(err)
	}
	s.Replan()
	eventually(t, 2*time.Second, "the withdrawn one's job removed", func() bool {
		return !hasJob(s, "gate:"+a.ID) && hasJob(s, "gate:"+b.ID)
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.gates[b.ID]; !ok || !g.at.Equal(later) {
		t.Errorf("gate of %s = %+v, want one at %s", b.ID, g, later)
	}
}
