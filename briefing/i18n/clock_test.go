package i18n

import (
	"testing"
	"time"
)

func TestShortTimesInTheReadersLanguageAndZone(t *testing.T) {
	c := catalogue(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := time.Date(2026, 12, 1, 23, 33, 0, 0, time.UTC) // Wednesday 00:33 in Berlin
	for _, tc := range []struct {
		lang             string
		clock, wday, day string
	}{
		{English, "00:33", "Wed 00:33", "2 Dec"},
		{German, "00:33", "Mi. 00:33", "2. Dez."},
	} {
		l := c.Locale(tc.lang, berlin)
		if got := l.Clock(at); got != tc.clock {
			t.Errorf("%s Clock = %q, want %q", tc.lang, got, tc.clock)
		}
		if got := l.WeekdayClock(at); got != tc.wday {
			t.Errorf("%s WeekdayClock = %q, want %q", tc.lang, got, tc.wday)
		}
		if got := l.DayMonth(at); got != tc.day {
			t.Errorf("%s DayMonth = %q, want %q", tc.lang, got, tc.day)
		}
	}
}
