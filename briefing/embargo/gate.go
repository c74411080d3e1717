package embargo

import (
	"context"
	"errors"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
)

// gateJob is a scheduled one-time job at an announcement's gate instant.
type gateJob struct {
	at time.Time // the instant on the store's clock
	id uuid.UUID
}

// sweep opens every gate that is open now.
func (s *Scheduler) sweep() {
	released, err := s.st.SweepGates()
	if err != nil {
		s.log.Error("gate sweep failed", "err", err)
		return
	}
	if len(released) > 0 {
		s.log.Info("released by the clock", "announcements", released)
		// The store signals OnRelease too; kicking here as well keeps the
		// scheduler correct when nobody wired that hook.
		s.Kick()
	}
}

// replanEvery re-reads the gate instants even when nobody asks, so that a
// failed replan heals itself.
const replanEvery = time.Minute

// runPlanner keeps one one-time job per announcement at its next gate
// instant. It is the only goroutine that changes the gate jobs.
func (s *Scheduler) runPlanner(ctx context.Context) {
	for {
		s.replan()
		t := time.NewTimer(replanEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wakePlan:
		case <-t.C:
		}
		t.Stop()
	}
}

// replan makes the gate jobs match the store's gate instants: stale ones go,
// moved ones are replaced, new ones are added.
func (s *Scheduler) replan() {
	instants, err := s.st.GateInstants()
	if err != nil {
		s.log.Error("reading the gate instants failed", "err", err)
		return
	}
	if s.plan(instants) {
		s.sweep() // an instant passed while we were planning
	}
}

// plan updates the gate jobs and reports whether an instant has passed
// already, so that the caller sweeps now.
func (s *Scheduler) plan(instants map[string]time.Time) (sweepNow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ann, g := range s.gates {
		if at, ok := instants[ann]; !ok || !at.Equal(g.at) {
			// A job that has fired stays in gocron until removed: not found
			// only means someone was quicker.
			if err := s.gs.RemoveJob(g.id); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
				s.log.Warn("removing a gate job failed", "announcement", ann, "err", err)
			}
			delete(s.gates, ann)
		}
	}
	for ann, at := range instants {
		if _, ok := s.gates[ann]; ok {
			continue
		}
		// gocron runs on the wall clock, the store on its own (tests move
		// it): the job fires when the store's clock will read at.
		wait := at.Sub(s.st.Now())
		if wait <= 0 {
			sweepNow = true
			continue
		}
		j, err := s.gs.NewJob(
			gocron.OneTimeJob(gocron.OneTimeJobStartDateTime(time.Now().Add(wait))),
			gocron.NewTask(s.gateFired, ann),
			gocron.WithName("gate:"+ann),
			gocron.WithTags("gate"),
		)
		if errors.Is(err, gocron.ErrOneTimeJobStartDateTimePast) {
			sweepNow = true
			continue
		}
		if err != nil {
			s.log.Error("scheduling a gate job failed", "announcement", ann, "err", err)
			continue
		}
		s.gates[ann] = gateJob{at: at, id: j.ID()}
	}
	return sweepNow
}

// gateFired runs at an announcement's gate instant: sweep, drop the spent
// job, and have the planner schedule the next instant (a deadline after
// the embargo), or this one again should the sweep have come a hair early.
func (s *Scheduler) gateFired(ann string) {
	s.sweep()
	s.mu.Lock()
	g, ok := s.gates[ann]
	delete(s.gates, ann)
	s.mu.Unlock()
	// Outside the lock: the planner holds it while it waits on gocron, and
	// this runs on one of gocron's goroutines.
	if ok {
		if err := s.gs.RemoveJob(g.id); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
			s.log.Warn("removing a gate job failed", "announcement", ann, "err", err)
		}
	}
	signal(s.wakePlan)
}
