package web

import (
	"errors"
	"fmt"
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
	u, loc, now := currentUser(c), s.locale(c).Zone, s.st.Now().UTC()
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
	fmtTime := func(v any) string { return s.locale(c).Time(timeOf(v)) }
	v.Need = ackNeeded(r.Threshold, r.Recipients)
	v.Missing = max(0, v.Need-r.Acknowledged)
	v.Overall = newBar(r.ReadRatio, r.AckRatio, &r.Threshold,
		fmt.Sprintf("%s of %s acknowledged (%s); %s read; %s needed", thousands(r.Acknowledged), thousands(r.Recipients),
			percentDown(r.AckRatio), percentDown(r.ReadRatio), percentDown(r.Threshold)))
	v.Gates = gateChecklist(a, r, v.Need, now, fmtTime)
	for _, d := range r.Departments {
		line := deptLine{DepartmentReadiness: d, Bar: newBar(d.ReadRatio, d.AckRatio, r.DepartmentThreshold,
			fmt.Sprintf("%s: %s of %s acknowledged, %s read", deptName(d.Department), percentDown(d.AckRatio), thousands(d.Recipients), percentDown(d.ReadRatio)))}
		if t := r.DepartmentThreshold; t != nil && !d.Met {
			line.Missing = fmt.Sprintf("%s more needed for %s", thousands(ackNeeded(*t, d.Recipients)-d.Acknowledged), percentDown(*t))
		}
		v.Depts = append(v.Depts, line)
	}
	if v.Chart, err = s.chart(a, r, v.Need, now, loc); err != nil {
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
	v.Deliveries = deliveryRows(a, ds, byID, now, func(t time.Time) string { return t.In(loc).Format("15:04:05") })
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
		v.LastRemind = fmtTime(t) + " (" + inAbout(now, *t) + ")"
	}
	if v.People.Denied == "" {
		// The pace is shown as a disabled button, not hidden.
		scope := briefing.Scope{Department: v.People.Department, Fixed: v.People.Scoped}
		err := briefing.CanRemind(a, scope, now)
		v.CanRemind = err == nil || errors.Is(err, briefing.ErrRateLimited)
		if next := a.NextReminder(scope.Department); now.Before(next) {
			v.NextRemind = fmtTime(next) + " (" + inAbout(now, next) + ")"
		}
	}
	if next, ok := briefing.NextScheduledReminder(a); ok {
		v.NextScheduled = fmtTime(next.At) + " (" + inAbout(now, next.At) + ")"
		if next.Deadline {
			v.NextScheduled += ", a day before the deadline"
		}
	}
	if briefing.EmbargoHolds(a, now) != nil {
		v.ReleaseBlocked = "The embargo holds until " + fmtTime(a.Policy.NotBefore) + ": a manual release becomes possible then."
	}
	v.Reason = releaseReason(a.ReleaseReason)
	s.render(c, status, "dashboard", a.Title, "announcements", v)
}

func releaseReason(r string) string {
	switch r {
	case "threshold":
		return "the gate opened: enough staff acknowledged"
	case "manual":
		return "released by hand"
	case "deadline":
		return "released at the deadline"
	case briefing.ReasonEmbargo:
		return "released when the embargo passed: enough staff had acknowledged before"
	}
	return r
}

// gateChecklist writes the release gate as a checklist with what is still missing.
func gateChecklist(a *briefing.Announcement, r briefing.Readiness, need int, now time.Time, at func(any) string) []gateLine {
	var out []gateLine
	th := gateLine{Met: r.Gates.ThresholdMet, Label: percentDown(r.Threshold) + " of recipients acknowledge"}
	if th.Met {
		th.Detail = fmt.Sprintf("Met: %s of %s acknowledged (%s).", thousands(r.Acknowledged), thousands(r.Recipients), percentDown(r.AckRatio))
	} else {
		missing := need - r.Acknowledged
		th.Detail = fmt.Sprintf("%s more acknowledgement%s needed: %s of %s so far, %s needed.",
			thousands(missing), pluralS(missing), thousands(r.Acknowledged), thousands(r.Recipients), thousands(need))
	}
	out = append(out, th)
	if t := r.DepartmentThreshold; t != nil {
		d := gateLine{Met: r.Gates.DepartmentsMet, Label: "Every department reaches " + percentDown(*t)}
		if d.Met {
			n := 0
			for _, dr := range r.Departments {
				n += max(1, dr.Merged)
			}
			d.Detail = "Met in all " + thousands(n) + " departments."
		} else {
			var behind []string
			for _, dr := range r.Departments {
				if !dr.Met {
					behind = append(behind, fmt.Sprintf("%s at %s of %s", deptName(dr.Department), percentDown(dr.AckRatio), percentDown(*t)))
				}
			}
			d.Detail = strings.Join(behind, "; ") + "."
		}
		out = append(out, d)
	}
	e := gateLine{Met: r.Gates.EmbargoPassed, Label: "Embargo"}
	switch nb := a.Policy.NotBefore; {
	case nb == nil:
		e.Detail = "No embargo: it may go out as soon as the rest is met."
	case e.Met:
		e.Detail = "Passed " + at(nb) + "."
	default:
		e.Detail = "Embargo until " + at(nb) + " (" + inAbout(now, *nb) + "): nothing goes out before."
	}
	out = append(out, e)
	if dl := a.Policy.Deadline; dl != nil {
		then := "it keeps waiting for the threshold"
		if a.Policy.OnDeadline == briefing.DeadlineRelease {
			then = "it is released anyway (never before the embargo)"
		}
		passed := !now.Before(*dl)
		line := gateLine{Label: "Deadline", Detail: "At " + at(dl) + " (" + inAbout(now, *dl) + ") " + then + "."}
		switch {
		case passed && a.Policy.OnDeadline == briefing.DeadlineRelease:
			line.Met = true // the deadline opens the gate (the embargo still holds)
		case passed:
			// A held deadline opens nothing: it is not "met", it is over.
			line.Label = "Deadline passed"
			line.Detail = "Passed " + at(dl) + ": it keeps waiting for the threshold."
		}
		out = append(out, line)
	}
	return out
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// chart draws the acknowledgement curve with the threshold and, while the
// threshold is not met, the estimate at the current pace.
func (s *Server) chart(a *briefing.Announcement, r briefing.Readiness, need int, now time.Time, loc *time.Location) (chartView, error) {
	points, err := s.st.AckCurve(a.ID, 240)
	if err != nil || a.PublishedAt == nil {
		return chartView{}, err
	}
	ch := curveChart{Points: points, Start: *a.PublishedAt, Now: now, Recipients: r.Recipients, Need: need,
		Threshold: r.Threshold, NotBefore: a.Policy.NotBefore, Loc: loc}
	if a.ReleasedAt != nil && a.State != briefing.StateBriefing {
		ch.Now = *a.ReleasedAt
		if l := lastCurveAt(points); l.After(ch.Now) {
			ch.Now = l
		}
	}
	var v chartView
	eta, ok := estimateThreshold(points, *a.PublishedAt, now, need)
	at := func(v any) string { return s.pages.cat.Locale(i18n.English, loc).Time(timeOf(v)) }
	switch {
	case r.Recipients == 0:
	case r.Acknowledged >= need && ok:
		v.Estimate = "The threshold was reached " + at(eta) + "."
	case a.State != briefing.StateBriefing:
	case ok:
		ch.ETA = &eta
		v.Estimate = "At the current pace the threshold is reached around " + at(eta) + " (" + inAbout(now, eta) + ")."
		if dl := a.Policy.Deadline; dl != nil && eta.After(*dl) {
			v.Estimate += " That is after the deadline."
		}
	default:
		v.Estimate = "No acknowledgements yet, so there is no pace to estimate from."
	}
	v.Summary = fmt.Sprintf("%s of %s recipients acknowledged since %s; the threshold asks for %s.",
		thousands(r.Acknowledged), thousands(r.Recipients), at(a.PublishedAt), thousands(need))
	if r.Departed > 0 {
		// Those who left are out of every figure above; say so, so that
		// the numbers add up for someone who remembers the list.
		v.Summary += fmt.Sprintf(" %s of the people briefed left since publish and no longer count.", thousands(r.Departed))
	}
	if t := a.ReceiptsErasedAt; t != nil {
		// Retention erased the times the curve is drawn from.
		v.Estimate = "The time of each read and acknowledgement was erased " + at(t) + " (receipt retention): the counts stay, the curve is gone."
	}
	title := "Acknowledgements over time. " + v.Summary + " " + v.Estimate
	v.Wide, v.Narrow = ch.svg(900, 300, title), ch.svg(360, 240, title)
	return v, nil
}

func lastCurveAt(points []store.CurvePoint) time.Time {
	if len(points) == 0 {
		return time.Time{}
	}
	return points[len(points)-1].At
}
