package i18n

import (
	"strconv"
	"strings"
	"time"
)

var germanMonths = [...]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."}

// germanZones are the abbreviations a German reader knows for the zones
// Go names in English.
var germanZones = map[string]string{"CET": "MEZ", "CEST": "MESZ", "WET": "WEZ", "WEST": "WESZ", "EET": "OEZ", "EEST": "OESZ"}

// Time writes an instant in the reader's zone and names the zone:
// "1 Dec 2026, 19:33 CET" or "1. Dez. 2026, 19:33 MEZ". The zero time is "".
func (l *Locale) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.Zone)
	return l.date(t) + ", " + t.Format("15:04") + " " + l.ZoneName(t)
}

// Date writes the day of an instant in the reader's zone: "1 Dec 2026" or
// "1. Dez. 2026".
func (l *Locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.date(t.In(l.Zone))
}

func (l *Locale) date(t time.Time) string {
	if l.Lang == German {
		return strconv.Itoa(t.Day()) + ". " + germanMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("2 Jan 2006")
}

// ZoneName is the zone's abbreviation at t, as the reader's language
// writes it; a zone without one ("+03") is written as an offset from UTC.
func (l *Locale) ZoneName(t time.Time) string {
	abbr, offset := t.In(l.Zone).Zone()
	if l.Lang == German {
		if de, ok := germanZones[abbr]; ok {
			return de
		}
	}
	if abbr == "" || strings.ContainsAny(abbr[:1], "+-0123456789") {
		return UTCOffset(offset)
	}
	return abbr
}

// UTCOffset writes an offset in seconds as UTC+3 or UTC+5:30.
func UTCOffset(seconds int) string {
	if seconds == 0 {
		return "UTC"
	}
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	s := "UTC" + sign + strconv.Itoa(seconds/3600)
	if m := seconds % 3600 / 60; m != 0 {
		s += ":" + strconv.Itoa(m/10) + strconv.Itoa(m%10)
	}
	return s
}
