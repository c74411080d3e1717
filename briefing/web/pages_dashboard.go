package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
	"firsthand/store"
)

// The readiness dashboard: the gate as a checklist, departments as bars,
// the acknowledgement curve, who has not acknowledged, deliveries, the
// questions, and the manual release and withdrawal.

// gateLine is one condition of the release gate, and what it still needs.
type gateLine struct {
	Met    bool
	Label  string
	Detail string
}

// deptLine is one department's bar.
type deptLine struct {
	briefing.DepartmentReadiness
	Name    string // the department as the reader's language names it (deptLabel)
	Bar     barView
	Missing string
}

// chartView is the curve in a wide and a narrow drawing (CSS shows the one
// that fits) and the same in words.
type chartView struct {
	Wide, Narrow template.HTML
	Summary      string
	Estimate     string
}

// dashForm is what someone typed into the dashboard's forms, kept when the
// server sends one back to be fixed.
type dashForm struct {
	Errors                        formErrors
	ReleaseReason, WithdrawReason string
	Answers                       map[string]string // by question id
	// Revise is the correction form as typed; nil shows the current text.
	Revise *reviseForm
}

// dashboardView is what the dashboard shows. Its Can… flags come from the
// briefing rules the store applies, so a button is offered exactly when
// the action would be taken.
type dashboardView struct {
	A                                              *briefing.Announcement
	R                                              briefing.Readiness
	CanEdit, CanAnswer, CanRelease, CanWithdraw    bool
	CanRemind, CanSubmit, CanPublish               bool
	CanRevise, CanReviseMaterial                   bool
	Review                                         reviewForms
	Overall                                        barView
	Need, Missing                                  int
	Gates                                          []gateLine
	Depts                                          []deptLine
	Chart                                          chartView
	People                                         peopleView
	Deliveries                                     []deliveryRow
	Checks                                         []briefing.ChannelCheck
	Channels                                       []*briefing.Channel
	Questions                                      []*briefing.Question
	Unanswered                                     int
	LastRemind, NextRemind, ReleaseBlocked, Reason string
	// NextScheduled is when the scheduler reminds next, in words.
	NextScheduled string
	Form          dashForm
	Live          bool
}

func (s *Server) dashboardPage(c *gin.Context) { s.renderDashboard(c, http.StatusOK, dashForm{}) }

func (s *Server) renderDashboard(c *gin.Context, status int, form dashForm) {
	u, l, now := currentUser(c), s.locale(c), s.st.Now().UTC()
	a, r, err := s.st.Readiness(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	required, err := s.st.ApprovalRequired()
	if err != nil {
		s.fail(c, err)
		return
	}
	v := dashboardView{A: a, R: r, Form: form,
		CanEdit:           u.Has(briefing.RoleAuthor) && briefing.CanEdit(a) == nil,
		CanSubmit:         briefing.CanSubmit(u, a) == nil,
		CanPublish:        u.Has(briefing.RoleAuthor) && briefing.CanPublish(a, required) == nil,
		Review:            reviewFormsFor(s.locale(c), u, a),
		CanRevise:         u.Has(briefing.RoleAuthor) && briefing.CanRevise(a, &briefing.Revision{}) == nil,
		CanReviseMaterial: u.Has(briefing.RoleAuthor) && briefing.CanRevise(a, &briefing.Revision{Material: true}) == nil,
		CanAnswer:         u.Has(briefing.RoleAuthor),
		CanRelease:        briefing.CanRelease(u, a) == nil,
		CanWithdraw:       briefing.CanWithdraw(a) == nil,
		Live:              a.State == briefing.StateBriefing}
	if v.CanRevise && v.Form.Revise == nil {
		if err := s.st.LoadBody(a); err != nil {
			s.fail(c, err)
			return
		}
		v.Form.Revise = &reviseForm{Title: a.Title, Summary: a.Summary, Body: a.Body}
	}
	if a.PublishedAt == nil { // a draft, or one withdrawn before it was published
		s.render(c, status, "dashboard", a.Title, "announcements", v)
		return
	}
	v.Need = ackNeeded(r.Threshold, r.Recipients)
	v.Missing = max(0, v.Need-r.Acknowledged)
	v.Overall = newBar(r.ReadRatio, r.AckRatio, &r.Threshold, l.T("dash.bar_overall",
		"Acked", r.Acknowledged, "Recipients", r.Recipients,
		"AckPct", l.Pct(r.AckRatio), "ReadPct", l.Pct(r.ReadRatio), "NeedPct", l.Pct(r.Threshold)))
	v.Gates = gateChecklist(a, r, v.Need, now, l)
	for _, d := range r.Departments {
		line := deptLine{DepartmentReadiness: d, Name: deptLabel(l, d.Department)}
		line.Bar = newBar(d.ReadRatio, d.AckRatio, r.DepartmentThreshold, l.T("dash.bar_department",
			"Department", line.Name, "AckPct", l.Pct(d.AckRatio), "Recipients", d.Recipients, "ReadPct", l.Pct(d.ReadRatio)))
		if t := r.DepartmentThreshold; t != nil && !d.Met {
			line.Missing = l.T("dash.department_missing", "N", ackNeeded(*t, d.Recipients)-d.Acknowledged, "Pct", l.Pct(*t))
		}
		v.Depts = append(v.Depts, line)
	}
	if v.Chart, err = s.chart(a, r, v.Need, now, l); err != nil {
		s.fail(c, err)
		return
	}
	if v.People, err = s.people(c, a, r); err != nil {
		s.fail(c, err)
		return
	}
	ds, err := s.st.Deliveries(a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if v.Channels, err = s.channelsOf(a); err != nil {
		s.fail(c, err)
		return
	}
	byID := map[string]*briefing.Channel{}
	for _, ch := range v.Channels {
		byID[ch.ID] = ch
	}
	v.Deliveries = deliveryRows(a, ds, byID, now, l)
	if v.Checks, err = s.st.Checks(a.ID); err != nil {
		s.fail(c, err)
		return
	}
	if v.Questions, err = s.st.Questions(a.ID); err != nil {
		s.fail(c, err)
		return
	}
	// Unanswered first, then oldest first: the longest wait gets the answer first.
	slices.SortStableFunc(v.Questions, func(x, y *briefing.Question) int {
		if (x.AnsweredAt == nil) != (y.AnsweredAt == nil) {
			if x.AnsweredAt == nil {
				return -1
			}
			return 1
		}
		return x.AskedAt.Compare(y.AskedAt)
	})
	v.Unanswered = r.UnansweredQuestions
	if t := a.LastRemindedAt; t != nil {
		v.LastRemind = timeAndDistance(l, now, *t)
	}
	if v.People.Denied == "" {
		// The pace is shown as a disabled button, not hidden.
		scope := briefing.Scope{Department: v.People.Department, Fixed: v.People.Scoped}
		err := briefing.CanRemind(a, scope, now)
		v.CanRemind = err == nil || errors.Is(err, briefing.ErrRateLimited)
		if next := a.NextReminder(scope.Department); now.Before(next) {
			v.NextRemind = timeAndDistance(l, now, next)
		}
	}
	if next, ok := briefing.NextScheduledReminder(a); ok {
		v.NextScheduled = timeAndDistance(l, now, next.At)
		if next.Deadline {
			v.NextScheduled = l.T("dash.next_scheduled_deadline", "When", v.NextScheduled)
		}
	}
	if briefing.EmbargoHolds(a, now) != nil {
		v.ReleaseBlocked = l.T("dash.release_blocked", "Time", l.Time(*a.Policy.NotBefore))
	}
	v.Reason = releaseReason(l, a.ReleaseReason)
	s.render(c, status, "dashboard", a.Title, "announcements", v)
}

// gateChecklist writes the release gate as a checklist with what is still missing.
func gateChecklist(a *briefing.Announcement, r briefing.Readiness, need int, now time.Time, l *i18n.Locale) []gateLine {
	var out []gateLine
	th := gateLine{Met: r.Gates.ThresholdMet, Label: l.T("dash.gate_threshold", "Pct", l.Pct(r.Threshold))}
	if th.Met {
		th.Detail = l.T("dash.gate_threshold_met", "Acked", r.Acknowledged, "Recipients", r.Recipients, "Pct", l.Pct(r.AckRatio))
	} else {
		th.Detail = l.T("dash.gate_threshold_missing", "Count", need-r.Acknowledged,
			"Acked", r.Acknowledged, "Recipients", r.Recipients, "Need", need)
	}
	out = append(out, th)
	if t := r.DepartmentThreshold; t != nil {
		d := gateLine{Met: r.Gates.DepartmentsMet, Label: l.T("dash.gate_departments", "Pct", l.Pct(*t))}
		if d.Met {
			n := 0
			for _, dr := range r.Departments {
				n += max(1, dr.Merged)
			}
			d.Detail = l.T("dash.gate_departments_met", "Count", n)
		} else {
			var behind []string
			for _, dr := range r.Departments {
				if !dr.Met {
					behind = append(behind, l.T("dash.gate_department_behind",
						"Department", deptLabel(l, dr.Department), "Pct", l.Pct(dr.AckRatio), "Need", l.Pct(*t)))
				}
			}
			d.Detail = strings.Join(behind, "; ") + "."
		}
		out = append(out, d)
	}
	e := gateLine{Met: r.Gates.EmbargoPassed, Label: l.T("dash.gate_embargo")}
	switch nb := a.Policy.NotBefore; {
	case nb == nil:
		e.Detail = l.T("dash.gate_embargo_none")
	case e.Met:
		e.Detail = l.T("dash.gate_embargo_passed", "Time", l.Time(*nb))
	default:
		e.Detail = l.T("dash.gate_embargo_holds", "Time", l.Time(*nb), "In", inAbout(l, now, *nb))
	}
	out = append(out, e)
	if dl := a.Policy.Deadline; dl != nil {
		then := "dash.gate_deadline_hold"
		if a.Policy.OnDeadline == briefing.DeadlineRelease {
			then = "dash.gate_deadline_release"
		}
		passed := !now.Before(*dl)
		line := gateLine{Label: l.T("dash.gate_deadline"), Detail: l.T(then, "Time", l.Time(*dl), "In", inAbout(l, now, *dl))}
		switch {
		case passed && a.Policy.OnDeadline == briefing.DeadlineRelease:
			line.Met = true // the deadline opens the gate (the embargo still holds)
		case passed:
			// A held deadline opens nothing: it is not "met", it is over.
			line.Label = l.T("dash.gate_deadline_passed")
			line.Detail = l.T("dash.gate_deadline_passed_hold", "Time", l.Time(*dl))
		}
		out = append(out, line)
	}
	return out
}

// chart draws the acknowledgement curve with the threshold and, while the
// threshold is not met, the estimate at the current pace.
func (s *Server) chart(a *briefing.Announcement, r briefing.Readiness, need int, now time.Time, l *i18n.Locale) (chartView, error) {
	points, err := s.st.AckCurve(a.ID, 240)
	if err != nil || a.PublishedAt == nil {
		return chartView{}, err
	}
	ch := curveChart{Points: points, Start: *a.PublishedAt, Now: now, Recipients: r.Recipients, Need: need,
		Threshold: r.Threshold, NotBefore: a.Policy.NotBefore, L: l}
	if a.ReleasedAt != nil && a.State != briefing.StateBriefing {
		ch.Now = *a.ReleasedAt
		if last := lastCurveAt(points); last.After(ch.Now) {
			ch.Now = last
		}
	}
	var v chartView
	eta, ok := estimateThreshold(points, *a.PublishedAt, now, need)
	switch {
	case r.Recipients == 0:
	case r.Acknowledged >= need && ok:
		v.Estimate = l.T("dash.estimate_reached", "Time", l.Time(eta))
	case a.State != briefing.StateBriefing:
	case ok:
		ch.ETA = &eta
		v.Estimate = l.T("dash.estimate", "Time", l.Time(eta), "In", inAbout(l, now, eta))
		if dl := a.Policy.Deadline; dl != nil && eta.After(*dl) {
			v.Estimate += " " + l.T("dash.estimate_after_deadline")
		}
	default:
		v.Estimate = l.T("dash.estimate_none")
	}
	v.Summary = l.T("dash.chart_summary", "Acked", r.Acknowledged, "Recipients", r.Recipients,
		"Time", l.Time(*a.PublishedAt), "Need", need)
	if r.Departed > 0 {
		// Those who left are out of every figure above; say so, so that
		// the numbers add up for someone who remembers the list.
		v.Summary += " " + l.T("dash.chart_departed", "Count", r.Departed)
	}
	if t := a.ReceiptsErasedAt; t != nil {
		// Retention erased the times the curve is drawn from.
		v.Estimate = l.T("dash.chart_erased", "Time", l.Time(*t))
	}
	title := strings.TrimSpace(l.T("dash.chart_title") + ". " + v.Summary + " " + v.Estimate)
	v.Wide, v.Narrow = ch.svg(900, 300, title), ch.svg(360, 240, title)
	return v, nil
}

func lastCurveAt(points []store.CurvePoint) time.Time {
	if len(points) == 0 {
		return time.Time{}
	}
	return points[len(points)-1].At
}
