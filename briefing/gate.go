package briefing

import (
	"math"
	"time"
)

// Counts are the receipt counters of an announcement or of one of its
// departments, kept in the transaction that changes a receipt.
type Counts struct {
	Recipients   int `json:"recipients"`
	Read         int `json:"read"`
	Acknowledged int `json:"acknowledged"`
	// Departed are those who left the list (deactivated while the
	// announcement was in briefing); Recipients no longer counts them.
	Departed int `json:"departed"`
}

// AckRatio is the share of recipients who have acknowledged.
func (c Counts) AckRatio() float64 { return ratio(c.Acknowledged, c.Recipients) }

// ReadRatio is the share of recipients who have read.
func (c Counts) ReadRatio() float64 { return ratio(c.Read, c.Recipients) }

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*10000) / 10000
}

// DepartmentReadiness is one department's line of readiness.
type DepartmentReadiness struct {
	Department   string  `json:"department"`
	Recipients   int     `json:"recipients"`
	Read         int     `json:"read"`
	Acknowledged int     `json:"acknowledged"`
	Departed     int     `json:"departed"`
	ReadRatio    float64 `json:"read_ratio"`
	AckRatio     float64 `json:"ack_ratio"`
	Met          bool    `json:"met"`
	// Merged is, on the OtherDepartments line of works-council mode, how
	// many departments it holds.
	Merged int `json:"merged,omitempty"`
}

// Gates says which conditions of the release gate hold.
type Gates struct {
	ThresholdMet   bool `json:"threshold_met"`
	DepartmentsMet bool `json:"departments_met"`
	EmbargoPassed  bool `json:"embargo_passed"`
}

// Readiness is how far staff are with an announcement.
type Readiness struct {
	State               State                 `json:"state"`
	Recipients          int                   `json:"recipients"`
	Read                int                   `json:"read"`
	Acknowledged        int                   `json:"acknowledged"`
	Departed            int                   `json:"departed"`
	ReadRatio           float64               `json:"read_ratio"`
	AckRatio            float64               `json:"ack_ratio"`
	Threshold           float64               `json:"threshold"`
	DepartmentThreshold *float64              `json:"department_threshold"`
	NotBefore           *time.Time            `json:"not_before"`
	Deadline            *time.Time            `json:"deadline"`
	Departments         []DepartmentReadiness `json:"departments"`
	Gates               Gates                 `json:"gates"`
	ReleasedAt          *time.Time            `json:"released_at"`
	UnansweredQuestions int                   `json:"unanswered_questions"`
}

// ComputeReadiness derives readiness from counters: total and per department
// (in the order of a.Departments). It never looks at single receipts.
func ComputeReadiness(a *Announcement, total Counts, depts []Counts, now time.Time) Readiness {
	r := Readiness{
		State:        a.State,
		Recipients:   total.Recipients,
		Read:         total.Read,
		Acknowledged: total.Acknowledged,
		Departed:     total.Departed,
		ReadRatio:    total.ReadRatio(),
		AckRatio:     total.AckRatio(),
		Threshold:    a.Policy.Threshold,

		DepartmentThreshold: a.Policy.DepartmentThreshold,
		NotBefore:           a.Policy.NotBefore,
		Deadline:            a.Policy.Deadline,
		ReleasedAt:          a.ReleasedAt,
		Departments:         make([]DepartmentReadiness, 0, len(depts)),
	}
	r.Gates.ThresholdMet = total.Recipients > 0 && meets(total, a.Policy.Threshold)
	r.Gates.DepartmentsMet = true
	for i, c := range depts {
		d := DepartmentReadiness{
			Recipients: c.Recipients, Read: c.Read, Acknowledged: c.Acknowledged, Departed: c.Departed,
			ReadRatio: c.ReadRatio(), AckRatio: c.AckRatio(), Met: true,
		}
		if i < len(a.Departments) {
			d.Department = a.Departments[i]
		}
		if t := a.Policy.DepartmentThreshold; t != nil {
			d.Met = meets(c, *t)
			r.Gates.DepartmentsMet = r.Gates.DepartmentsMet && d.Met
		}
		r.Departments = append(r.Departments, d)
	}
	r.Gates.EmbargoPassed = a.Policy.NotBefore == nil || !now.Before(*a.Policy.NotBefore)
	return r
}

// meets compares in integers so that 0.6 of 10 is exactly 6, whatever
// floating point makes of 0.6*10.
func meets(c Counts, threshold float64) bool {
	need := int(math.Ceil(threshold*float64(c.Recipients) - 1e-9))
	return c.Acknowledged >= need
}

// ReleaseDecision says whether and why an announcement goes out now.
type ReleaseDecision struct {
	Release bool
	Reason  string // "threshold" or "deadline"
}

// Decide applies the release gate: an announcement in briefing with at least
// one channel is released when the thresholds are met and the embargo has
// passed, or at its deadline when on_deadline is release. not_before holds in
// every case.
func Decide(a *Announcement, r Readiness, now time.Time) ReleaseDecision {
	if !Gated(a) || !r.Gates.EmbargoPassed {
		return ReleaseDecision{}
	}
	if r.Gates.ThresholdMet && r.Gates.DepartmentsMet {
		return ReleaseDecision{Release: true, Reason: "threshold"}
	}
	p := a.Policy
	if p.Deadline != nil && !now.Before(*p.Deadline) && p.OnDeadline == DeadlineRelease {
		return ReleaseDecision{Release: true, Reason: "deadline"}
	}
	return ReleaseDecision{}
}

// NextGateInstant returns the next instant after now at which time alone may
// open the gate (the embargo or the deadline), or zero if there is none.
func NextGateInstant(a *Announcement, now time.Time) time.Time {
	if a.State != StateBriefing || a.Internal() {
		return time.Time{}
	}
	var next time.Time
	for _, t := range []*time.Time{a.Policy.NotBefore, a.Policy.Deadline} {
		if t != nil && t.After(now) && (next.IsZero() || t.Before(next)) {
			next = *t
		}
	}
	return next
}
