package web

import (
	"time"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

// Words the dashboard puts together in the reader's language: how far
// away a time is, department names, the reason of a release.

// timeAndDistance writes a time and how far it is from now: "1 Dec 2026,
// 19:33 CET (in 3 h)".
func timeAndDistance(l *i18n.Locale, now, t time.Time) string {
	return l.T("dash.time_and_distance", "Time", l.Time(t), "In", inAbout(l, now, t))
}

// inAbout says how far away t is, in words: "in 3 h 5 min", "2 days ago".
func inAbout(l *i18n.Locale, now, t time.Time) string {
	d := t.Sub(now)
	past := d < 0
	if past {
		d = -d
	}
	var span string
	switch {
	case d < time.Minute:
		return l.T("dash.now")
	case d < time.Hour:
		span = l.T("dash.span_minutes", "N", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		span = l.T("dash.span_hours", "N", h)
		if m > 0 && h < 10 {
			span = l.T("dash.span_hours_minutes", "N", h, "M", m)
		}
	default:
		span = l.T("dash.span_days", "Count", int(d.Hours()/24))
	}
	if past {
		return l.T("dash.ago", "Span", span)
	}
	return l.T("dash.in", "Span", span)
}

// deptLabel names a department line for the reader: the empty department,
// and works-council mode's merged line, which the domain and the API call
// briefing.OtherDepartments in English, in the reader's language.
func deptLabel(l *i18n.Locale, d string) string {
	switch d {
	case "":
		return l.T("dash.no_department")
	case briefing.OtherDepartments:
		return l.T("dash.other_departments")
	}
	return d
}

// releaseReason says why an announcement was released, to follow "released
// …:" in the reader's language; a reason the page does not know is shown
// as it is stored.
func releaseReason(l *i18n.Locale, r string) string {
	switch r {
	case "threshold":
		return l.T("dash.reason_threshold")
	case "manual":
		return l.T("dash.reason_manual")
	case "deadline":
		return l.T("dash.reason_deadline")
	case briefing.ReasonEmbargo:
		return l.T("dash.reason_embargo")
	}
	return r
}
