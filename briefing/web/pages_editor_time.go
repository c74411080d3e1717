package web

import (
	"errors"
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

// The editor's embargo and deadline are typed in the author's zone (their
// own, else the organisation's: the locale's zone) and stored in UTC. A
// time the clocks skip that night is refused, naming the gap; a time they
// show twice is asked about, with the two instants to choose from.

// errNotATime is a typed time that is no date and time at all.
var errNotATime = errors.New("not a date and a time")

// editorTime is one of the editor's times as read from what was typed.
type editorTime struct {
	At    *time.Time              // the instant in UTC; nil for none or when it cannot be read
	Twice *briefing.AmbiguousTime // the clocks show the typed time twice
	Err   error                   // errNotATime, a gap, or twice without a choice
}

// readTime reads a time typed in loc; choice is the instant (RFC 3339)
// the author picked in case the clocks show that time twice. "" is no time.
func readTime(field, typed, choice string, loc *time.Location) editorTime {
	if strings.TrimSpace(typed) == "" {
		return editorTime{}
	}
	w, ok := briefing.ParseWallClock(typed)
	if !ok {
		return editorTime{Err: errNotATime}
	}
	at, err := w.Instant(field, loc)
	if err == nil {
		return editorTime{At: &at}
	}
	var twice *briefing.AmbiguousTime
	if !errors.As(err, &twice) {
		return editorTime{Err: err}
	}
	if picked, perr := time.Parse(time.RFC3339, strings.TrimSpace(choice)); perr == nil {
		for _, c := range []time.Time{twice.Earlier, twice.Later} {
			if c.Equal(picked) {
				u := c.UTC()
				return editorTime{At: &u, Twice: twice}
			}
		}
	}
	return editorTime{Twice: twice, Err: err}
}

// check records under the form's field what keeps t from being saved, in
// the author's language, and gives its instant.
func (t editorTime) check(l *i18n.Locale, field string, errs *formErrors) *time.Time {
	switch {
	case t.Err == nil:
		return t.At
	case errors.Is(t.Err, errNotATime):
		msg := l.T("editor.err_not_before")
		if field == "deadline" {
			msg = l.T("editor.err_deadline")
		}
		errs.Add(field, "%s", msg)
	default: // a gap, or twice: the domain's message says which and what to do
		errs.Add(field, "%s", refusal(l, t.Err))
	}
	return nil
}

// choiceOf is the choice that keeps a stored time when the clocks in loc
// show it twice, else "".
func choiceOf(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	if w, ok := briefing.ParseWallClock(t.In(loc).Format("2006-01-02T15:04:05")); ok {
		var twice *briefing.AmbiguousTime
		if _, err := w.Instant("", loc); errors.As(err, &twice) {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return ""
}

// timeView is how the editor shows one of its times.
type timeView struct {
	Field string // the control: not_before or deadline
	// Zone is the author's zone as the label names it: "Europe/Berlin,
	// CET" (the abbreviation at the typed time, else now).
	Zone string
	// UTC is the typed time's instant in UTC ("1 Dec 2026, 18:33 UTC"),
	// when it names one and the author's zone is not UTC itself.
	UTC string
	// Choices are the two instants of a time the clocks show twice.
	Choices []timeChoice
}

// timeChoice is one instant of a time the clocks show twice.
type timeChoice struct {
	Value   string // RFC 3339, UTC
	Label   string // "02:30 CEST (UTC+2, the first time)"
	Checked bool
}

// timeView reads what the author typed into one of the editor's times.
func (s *Server) timeView(l *i18n.Locale, now time.Time, field, typed, choice string) timeView {
	t := readTime(field, typed, choice, l.Zone)
	at := now
	if t.At != nil {
		at = *t.At
	}
	v := timeView{Field: field, Zone: zoneLabel(l, at)}
	if t.At != nil && l.Zone.String() != "UTC" {
		v.UTC = s.pages.cat.Locale(l.Lang, time.UTC).Time(*t.At)
	}
	if t.Twice != nil {
		for i, c := range []time.Time{t.Twice.Earlier, t.Twice.Later} {
			id := "editor.twice_first"
			if i == 1 {
				id = "editor.twice_second"
			}
			clock := c.Format("15:04")
			if name := l.ZoneName(c); !strings.HasPrefix(name, "UTC") {
				clock += " " + name // the offset follows anyway
			}
			_, offset := c.Zone()
			v.Choices = append(v.Choices, timeChoice{Value: c.UTC().Format(time.RFC3339),
				Label:   l.T(id, "Time", clock, "Offset", i18n.UTCOffset(offset)),
				Checked: t.At != nil && t.At.Equal(c)})
		}
	}
	return v
}

// zoneLabel names the reader's zone for a label: its name and, where the
// zone has one, its abbreviation at t ("Europe/Berlin, CET").
func zoneLabel(l *i18n.Locale, t time.Time) string {
	name, abbr := l.Zone.String(), l.ZoneName(t)
	if name == abbr || name == "UTC" {
		return name
	}
	return name + ", " + abbr
}
