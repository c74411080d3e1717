package briefing

import (
	"testing"
	"time"
)

func TestCountsRatios(t *testing.T) {
	tests := []struct {
		c          Counts
		read, ackd float64
	}{
		{Counts{}, 0, 0},
		{Counts{Recipients: 1200, Read: 900, Acknowledged: 850}, 0.75, 0.7083},
		{Counts{Recipients: 3, Read: 3, Acknowledged: 1}, 1, 0.3333},
		{Counts{Recipients: 3, Read: 2, Acknowledged: 2}, 0.6667, 0.6667},
	}
	for _, tt := range tests {
		if got := tt.c.ReadRatio(); got != tt.read {
			t.Errorf("%+v.ReadRatio() = %v, want %v", tt.c, got, tt.read)
		}
		if got := tt.c.AckRatio(); got != tt.ackd {
			t.Errorf("%+v.AckRatio() = %v, want %v", tt.c, got, tt.ackd)
		}
	}
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

func fptr(f float64) *float64 { return &f }

func gated(p Policy, depts ...string) *Announcement {
	if p.OnDeadline == "" {
		p.OnDeadline = DeadlineHold
	}
	return &Announcement{
		ID: "1", State: StateBriefing, Policy: p, Departments: depts,
		Channels: []ChannelText{{ChannelID: "1"}},
	}
}

func TestThresholdMeetsExactly(t *testing.T) {
	tests := []struct {
		threshold float64
		n, acked  int
		want      bool
	}{
		{0.6, 10, 5, false},
		{0.6, 10, 6, true}, // 0.6*10 is not exactly 6 in floating point
		{0.7, 10, 6, false},
		{0.7, 10, 7, true}, // 0.7*10 = 7.000000000000001
		{0.8, 1200, 959, false},
		{0.8, 1200, 960, true},
		{1, 3, 2, false},
		{1, 3, 3, true},
		{0.3, 10, 3, true},
		{0.29, 100, 28, false},
		{0.29, 100, 29, true},
		{0.01, 1, 1, true},
		{0.01, 1, 0, false},
		{0.5, 0, 0, false}, // nobody to brief: never met
	}
	for _, tt := range tests {
		a := gated(Policy{Threshold: tt.threshold})
		r := ComputeReadiness(a, Counts{Recipients: tt.n, Acknowledged: tt.acked}, nil, t0)
		if r.Gates.ThresholdMet != tt.want {
			t.Errorf("threshold %v, %d of %d acknowledged: ThresholdMet = %v, want %v",
				tt.threshold, tt.acked, tt.n, r.Gates.ThresholdMet, tt.want)
		}
	}
}

func TestComputeReadiness(t *testing.T) {
	a := gated(Policy{Threshold: 0.6, DepartmentThreshold: fptr(0.5), NotBefore: at(time.Hour)}, "Sales", "Support")
	total := Counts{Recipients: 10, Read: 8, Acknowledged: 6}
	depts := []Counts{{Recipients: 6, Read: 5, Acknowledged: 5}, {Recipients: 4, Read: 3, Acknowledged: 1}}

	r := ComputeReadiness(a, total, depts, t0)
	if r.State != StateBriefing || r.Recipients != 10 || r.Read != 8 || r.Acknowledged != 6 {
		t.Errorf("totals = %s %d/%d/%d, want briefing 10/8/6", r.State, r.Recipients, r.Read, r.Acknowledged)
	}
	if r.ReadRatio != 0.8 || r.AckRatio != 0.6 || r.Threshold != 0.6 {
		t.Errorf("ratios = %v, %v, threshold %v; want 0.8, 0.6, 0.6", r.ReadRatio, r.AckRatio, r.Threshold)
	}
	if len(r.Departments) != 2 {
		t.Fatalf("got %d departments, want 2", len(r.Departments))
	}
	want := []DepartmentReadiness{
		{Department: "Sales", Recipients: 6, Read: 5, Acknowledged: 5, ReadRatio: 0.8333, AckRatio: 0.8333, Met: true},
		{Department: "Support", Recipients: 4, Read: 3, Acknowledged: 1, ReadRatio: 0.75, AckRatio: 0.25, Met: false},
	}
	for i := range want {
		if r.Departments[i] != want[i] {
			t.Errorf("department %d = %+v, want %+v", i, r.Departments[i], want[i])
		}
	}
	wantGates := Gates{ThresholdMet: true, DepartmentsMet: false, EmbargoPassed: false}
	if r.Gates != wantGates {
		t.Errorf("gates = %+v, want %+v", r.Gates, wantGates)
	}
	if r2 := ComputeReadiness(a, total, depts, t0.Add(time.Hour)); !r2.Gates.EmbargoPassed {
		t.Error("at not_before exactly: EmbargoPassed = false, want true")
	}

	// Without a department threshold every department counts as met.
	a.Policy.DepartmentThreshold = nil
	r = ComputeReadiness(a, total, depts, t0)
	if !r.Gates.DepartmentsMet || !r.Departments[1].Met {
		t.Errorf("no department threshold: DepartmentsMet = %v, Support met = %v; want true, true",
			r.Gates.DepartmentsMet, r.Departments[1].Met)
	}
}

func TestDecide(t *testing.T) {
	tenOf := func(acked int) (Counts, []Counts) {
		return Counts{Recipients: 10, Acknowledged: acked}, []Counts{{Recipients: 10, Acknowledged: acked}}
	}
	tests := []struct {
		name       string
		a          *Announcement
		acked      int
		depts      []Counts // overrides the single department when set
		now        time.Time
		want       bool
		wantReason string
	}{
		{"6 of 10 with 0.6 meets exactly", gated(Policy{Threshold: 0.6}, "Sales"), 6, nil, t0, true, "threshold"},
		{"5 of 10 with 0.6 does not", gated(Policy{Threshold: 0.6}, "Sales"), 5, nil, t0, false, ""},
		{"department below its threshold holds",
			gated(Policy{Threshold: 0.6, DepartmentThreshold: fptr(0.5)}, "Sales", "Support"), 7,
			[]Counts{{Recipients: 6, Acknowledged: 6}, {Recipients: 4, Acknowledged: 1}}, t0, false, ""},
		{"every department at its threshold releases",
			gated(Policy{Threshold: 0.6, DepartmentThreshold: fptr(0.5)}, "Sales", "Support"), 7,
			[]Counts{{Recipients: 6, Acknowledged: 5}, {Recipients: 4, Acknowledged: 2}}, t0, true, "threshold"},
		{"embargo holds a met threshold", gated(Policy{Threshold: 0.6, NotBefore: at(time.Hour)}, "Sales"), 10, nil, t0, false, ""},
		{"embargo passed", gated(Policy{Threshold: 0.6, NotBefore: at(time.Hour)}, "Sales"), 10, nil, t0.Add(time.Hour), true, "threshold"},
		{"deadline passed with release",
			gated(Policy{Threshold: 0.9, Deadline: at(time.Hour), OnDeadline: DeadlineRelease}, "Sales"), 1, nil,
			t0.Add(time.Hour), true, "deadline"},
		{"deadline not yet passed",
			gated(Policy{Threshold: 0.9, Deadline: at(time.Hour), OnDeadline: DeadlineRelease}, "Sales"), 1, nil,
			t0.Add(time.Hour - time.Second), false, ""},
		{"deadline passed with hold",
			gated(Policy{Threshold: 0.9, Deadline: at(time.Hour), OnDeadline: DeadlineHold}, "Sales"), 1, nil,
			t0.Add(2 * time.Hour), false, ""},
		{"deadline release never beats the embargo",
			gated(Policy{Threshold: 0.9, NotBefore: at(3 * time.Hour), Deadline: at(time.Hour), OnDeadline: DeadlineRelease}, "Sales"), 1, nil,
			t0.Add(2 * time.Hour), false, ""},
		{"internal is never released", func() *Announcement {
			a := gated(Policy{Threshold: 0.1, Deadline: at(0), OnDeadline: DeadlineRelease}, "Sales")
			a.Channels = nil
			return a
		}(), 10, nil, t0.Add(time.Hour), false, ""},
		{"a draft is never released", func() *Announcement {
			a := gated(Policy{Threshold: 0.1}, "Sales")
			a.State = StateDraft
			return a
		}(), 10, nil, t0, false, ""},
		{"released once: not again", func() *Announcement {
			a := gated(Policy{Threshold: 0.1}, "Sales")
			a.State = StateReleased
			return a
		}(), 10, nil, t0, false, ""},
		{"withdrawn is never released", func() *Announcement {
			a := gated(Policy{Threshold: 0.1}, "Sales")
			a.State = StateWithdrawn
			return a
		}(), 10, nil, t0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, depts := tenOf(tt.acked)
			if tt.depts != nil {
				depts = tt.depts
			}
			r := ComputeReadiness(tt.a, total, depts, tt.now)
			d := Decide(tt.a, r, tt.now)
			if d.Release != tt.want || d.Reason != tt.wantReason {
				t.Errorf("Decide = %+v, want {Release:%v Reason:%q} (gates %+v)", d, tt.want, tt.wantReason, r.Gates)
			}
		})
	}
}

func TestNextGateInstant(t *testing.T) {
	tests := []struct {
		name string
		a    *Announcement
		now  time.Time
		want time.Time
	}{
		{"none", gated(Policy{Threshold: 0.5}), t0, time.Time{}},
		{"embargo ahead", gated(Policy{Threshold: 0.5, NotBefore: at(time.Hour)}), t0, t0.Add(time.Hour)},
		{"earliest of the two", gated(Policy{Threshold: 0.5, NotBefore: at(time.Hour), Deadline: at(2 * time.Hour)}), t0, t0.Add(time.Hour)},
		{"embargo passed, deadline ahead", gated(Policy{Threshold: 0.5, NotBefore: at(time.Hour), Deadline: at(2 * time.Hour)}), t0.Add(90 * time.Minute), t0.Add(2 * time.Hour)},
		{"both passed", gated(Policy{Threshold: 0.5, NotBefore: at(time.Hour), Deadline: at(2 * time.Hour)}), t0.Add(3 * time.Hour), time.Time{}},
		{"internal", func() *Announcement {
			a := gated(Policy{Threshold: 0.5, NotBefore: at(time.Hour)})
			a.Channels = nil
			return a
		}(), t0, time.Time{}},
		{"released", func() *Announcement {
			a := gated(Policy{Threshold: 0.5, NotBefore: at(time.Hour)})
			a.State = StateReleased
			return a
		}(), t0, time.Time{}},
	}
	for _, tt := range tests {
		if got := NextGateInstant(tt.a, tt.now); !got.Equal(tt.want) {
			t.Errorf("%s: NextGateInstant = %v, want %v", tt.name, got, tt.want)
		}
	}
}
