package briefing

import (
	"strings"
	"time"
)

// WallClock is a date and a time of day as a person reads them off a
// clock, in no zone yet: what an HTML datetime-local input gives
// ("2027-03-28T02:30"). Only a zone makes it an instant, and at the edges
// of daylight saving time a reading may name no instant or two.
type WallClock struct {
	// naive holds the reading in UTC for the arithmetic; it is not the
	// instant UTC shows that reading.
	naive time.Time
}

// wallLayouts are the forms ParseWallClock reads: a datetime-local value
// with or without seconds, and the same with a space for the T.
var wallLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05"}

// ParseWallClock reads "2006-01-02T15:04" (seconds and a space for the T
// are accepted too); ok is false for anything else.
func ParseWallClock(s string) (w WallClock, ok bool) {
	s = strings.Replace(strings.TrimSpace(s), " ", "T", 1)
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return WallClock{naive: t}, true
		}
	}
	return WallClock{}, false
}

// String writes the reading as "2027-03-28 02:30" (with seconds when it
// has them): the same in every language.
func (w WallClock) String() string {
	if w.naive.Second() != 0 {
		return w.naive.Format("2006-01-02 15:04:05")
	}
	return w.naive.Format("2006-01-02 15:04")
}

// AmbiguousTime is a reading that happens twice in its zone, on the
// night the clocks go back: the person has to say which one they mean.
// It unwraps to an Invalid error of the field, so callers that do not ask
// treat it as one.
type AmbiguousTime struct {
	Field string
	Wall  WallClock
	// Earlier and Later are the two instants, in the zone: Zone() names
	// each (CEST and CET in Europe/Berlin).
	Earlier, Later time.Time
	err            error
}

func (e *AmbiguousTime) Error() string { return e.err.Error() }

// Unwrap gives the Invalid error, whose message says what happened.
func (e *AmbiguousTime) Unwrap() error { return e.err }

// LocalTime is the instant at which the clocks in loc show s, a time a
// person typed (see ParseWallClock), as UTC. It fails with an Invalid
// error of field when s is no date and time or when the clocks in loc
// skip it, and with an *AmbiguousTime when they show it twice.
func LocalTime(field, s string, loc *time.Location) (time.Time, error) {
	w, ok := ParseWallClock(s)
	if !ok {
		return time.Time{}, Invalid(field, "%q is not a date and a time such as 2026-03-01T09:00", s)
	}
	return w.Instant(field, loc)
}

// zonePeriod is a stretch of time in which a zone keeps one offset.
type zonePeriod struct {
	start, end time.Time // zero: unbounded
	offset     int       // seconds east of UTC
}

func (p zonePeriod) holds(t time.Time) bool {
	return (p.start.IsZero() || !t.Before(p.start)) && (p.end.IsZero() || t.Before(p.end))
}

// periodsAround lists the zone's periods that an instant showing the
// reading w could fall in: UTC offsets run from -12 to +14 hours, so
// every such instant lies within a day of w read as UTC.
func periodsAround(w WallClock, loc *time.Location) []zonePeriod {
	const reach = 26 * time.Hour
	last := w.naive.Add(reach)
	var out []zonePeriod
	for t := w.naive.Add(-reach).In(loc); ; {
		_, offset := t.Zone()
		start, end := t.ZoneBounds()
		out = append(out, zonePeriod{start: start, end: end, offset: offset})
		if end.IsZero() || !end.Before(last) {
			return out
		}
		t = end.In(loc)
	}
}

// Instant is the instant at which the clocks in loc show w, as UTC. It
// tries every offset the zone has around w instead of trusting
// time.Date, whose choice in a gap or an overlap is unspecified: a
// reading the clocks skip is an Invalid error of field that names the
// gap, and a reading they show twice is an *AmbiguousTime.
func (w WallClock) Instant(field string, loc *time.Location) (time.Time, error) {
	periods := periodsAround(w, loc)
	var found []time.Time
	var at []int // the period of each instant found
	for i, p := range periods {
		if t := w.naive.Add(-time.Duration(p.offset) * time.Second); p.holds(t) {
			found, at = append(found, t), append(at, i)
		}
	}
	switch {
	case len(found) == 1:
		return found[0].UTC(), nil
	case len(found) > 1:
		from, to := periods[at[len(at)-1]-1], periods[at[len(at)-1]]
		return time.Time{}, &AmbiguousTime{Field: field, Wall: w,
			Earlier: found[0].In(loc), Later: found[len(found)-1].In(loc),
			err: Invalid(field, "%s happens twice in %s: the clocks go back from %s to %s that night; choose the first or the second time",
				w.String(), loc.String(), w.clock(to.start, from.offset), w.clock(to.start, to.offset))}
	}
	for i := 1; i < len(periods); i++ {
		from, to := periods[i-1], periods[i]
		before := to.start.Add(time.Duration(from.offset) * time.Second)
		after := to.start.Add(time.Duration(to.offset) * time.Second)
		if !w.naive.Before(before) && w.naive.Before(after) {
			return time.Time{}, Invalid(field, "%s does not exist in %s: the clocks go from %s to %s that night; choose %s or later",
				w.String(), loc.String(), w.clock(to.start, from.offset), w.clock(to.start, to.offset), w.clock(to.start, to.offset))
		}
	}
	// Unreachable for a zone Go loaded: a reading no offset reaches lies in a gap.
	return time.Time{}, Invalid(field, "%s does not exist in %s", w.String(), loc.String())
}

// clock writes what the clocks show at t with offset: the time of day
// when it is w's day, else the date as well.
func (w WallClock) clock(t time.Time, offset int) string {
	c := t.UTC().Add(time.Duration(offset) * time.Second)
	if c.YearDay() == w.naive.YearDay() && c.Year() == w.naive.Year() {
		return c.Format("15:04")
	}
	return c.Format("2006-01-02 15:04")
}
