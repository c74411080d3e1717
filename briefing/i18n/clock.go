package i18n

import (
	"strconv"
	"time"
)

// Short forms of a time, for a chart's axis where the full Time does not
// fit and the day or the zone is plain from the rest of the page.

var germanWeekdays = [...]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."}

// Clock writes the time of day in the reader's zone: "19:33".
func (l *Locale) Clock(t time.Time) string { return t.In(l.Zone).Format("15:04") }

// WeekdayClock writes the weekday and the time of day in the reader's
// zone: "Tue 19:33" or "Di. 19:33".
func (l *Locale) WeekdayClock(t time.Time) string {
	t = t.In(l.Zone)
	if l.Lang == German {
		return germanWeekdays[t.Weekday()] + " " + t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

// DayMonth writes the day of an instant without its year: "1 Dec" or
// "1. Dez.".
func (l *Locale) DayMonth(t time.Time) string {
	t = t.In(l.Zone)
	if l.Lang == German {
		return strconv.Itoa(t.Day()) + ". " + germanMonths[t.Month()-1]
	}
	return t.Format("2 Jan")
}
