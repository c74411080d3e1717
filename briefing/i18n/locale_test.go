package i18n

import (
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/templates"
)

func catalogue(t *testing.T) *Catalogue {
	t.Helper()
	c, err := Load(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChoose(t *testing.T) {
	c := catalogue(t)
	for _, tc := range []struct{ own, accept, org, want string }{
		{"de", "en-GB,en;q=0.9", "en", "de"},
		{"", "de-AT,de;q=0.9,en;q=0.5", "en", "de"},
		{"", "fr-FR,fr;q=0.9", "de", "de"},
		{"", "fr-FR,en;q=0.5", "de", "en"},
		{"", "", "de", "de"},
		{"", "not a header;;", "de", "de"},
		{"xx", "", "", "en"},
	} {
		if got := c.Choose(tc.own, tc.accept, tc.org); got != tc.want {
			t.Errorf("Choose(%q, %q, %q) = %q, want %q", tc.own, tc.accept, tc.org, got, tc.want)
		}
	}
}

func TestZone(t *testing.T) {
	for _, tc := range []struct{ own, org, want string }{
		{"America/New_York", "Europe/Berlin", "America/New_York"},
		{"", "Europe/Berlin", "Europe/Berlin"},
		{"Mars/Olympus", "Europe/Berlin", "Europe/Berlin"},
		{"", "", "UTC"},
		{"Local", "", "UTC"},
	} {
		if got := Zone(tc.own, tc.org).String(); got != tc.want {
			t.Errorf("Zone(%q, %q) = %q, want %q", tc.own, tc.org, got, tc.want)
		}
	}
}

func TestTimeNamesTheZoneInTheReadersLanguage(t *testing.T) {
	c := catalogue(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	dubai, _ := time.LoadLocation("Asia/Dubai")
	winter := time.Date(2026, 12, 1, 18, 33, 0, 0, time.UTC)
	summer := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC) // 03:00 CEST, the first hour of summer time
	for _, tc := range []struct {
		lang string
		zone *time.Location
		at   time.Time
		want string
	}{
		{English, berlin, winter, "1 Dec 2026, 19:33 CET"},
		{German, berlin, winter, "1. Dez. 2026, 19:33 MEZ"},
		{German, berlin, summer, "29. März 2026, 03:00 MESZ"},
		{English, berlin, summer, "29 Mar 2026, 03:00 CEST"},
		{English, time.UTC, winter, "1 Dec 2026, 18:33 UTC"},
		{English, kolkata, winter, "2 Dec 2026, 00:03 IST"},
		{German, dubai, winter, "1. Dez. 2026, 22:33 UTC+4"},
	} {
		if got := c.Locale(tc.lang, tc.zone).Time(tc.at); got != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.lang, tc.zone, got, tc.want)
		}
	}
	if got := c.Locale(German, berlin).Time(time.Time{}); got != "" {
		t.Errorf("the zero time = %q, want nothing", got)
	}
}

func TestNumbersAndShares(t *testing.T) {
	c := catalogue(t)
	en, de := c.Locale(English, nil), c.Locale(German, nil)
	if got := en.Num(100000); got != "100,000" {
		t.Errorf("English 100000 = %q", got)
	}
	if got := de.Num(100000); got != "100.000" {
		t.Errorf("German 100000 = %q", got)
	}
	// One short of 80 % must never read as 80 %.
	if got := en.Pct(0.7999); got != "79%" {
		t.Errorf("English 0.7999 = %q, want 79%%", got)
	}
	if got := de.Pct(0.85); got != "85\u00a0%" {
		t.Errorf("German 0.85 = %q, want 85 %% with a no-break space", got)
	}
}

func TestErrorSpeaksTheReadersLanguage(t *testing.T) {
	c := catalogue(t)
	err := briefing.Invalid("time_zone", "%q is not a known IANA time zone (such as Europe/Berlin or UTC)", "Mars/Olympus")
	if got := c.Locale(English, nil).Error(err); got != `"Mars/Olympus" is not a known IANA time zone (such as Europe/Berlin or UTC)` {
		t.Errorf("English: %q", got)
	}
	got := c.Locale(German, nil).Error(err)
	if got == briefing.ErrorMessage(err) || !strings.Contains(got, `"Mars/Olympus"`) {
		t.Errorf("German: %q, want the German text with the zone filled in", got)
	}
}

func TestErrorSaysTheStateInTheReadersWords(t *testing.T) {
	c := catalogue(t)
	err := briefing.CanEdit(&briefing.Announcement{State: briefing.StateBriefing})
	if got := c.Locale(English, nil).Error(err); !strings.Contains(got, "is in briefing") {
		t.Errorf("English: %q, want the English phrase", got)
	}
	got := c.Locale(German, nil).Error(err)
	if !strings.Contains(got, c.Locale(German, nil).T("state.briefing")) || strings.Contains(got, "in briefing") {
		t.Errorf("German: %q, want the state in German", got)
	}
}

func TestErrorShowsTimesInTheReadersZone(t *testing.T) {
	c := catalogue(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	nb := time.Date(2030, 12, 3, 8, 0, 0, 0, time.UTC)
	err := briefing.EmbargoHolds(&briefing.Announcement{Policy: briefing.Policy{NotBefore: &nb}}, nb.Add(-time.Hour))
	if msg := briefing.ErrorMessage(err); !strings.Contains(msg, "2030-12-03T08:00:00Z") {
		t.Errorf("the API's message %q, want the time in RFC 3339 UTC", msg)
	}
	if got := c.Locale(English, berlin).Error(err); !strings.Contains(got, "3 Dec 2030, 09:00 CET") {
		t.Errorf("English page: %q, want the Berlin time", got)
	}
	if got := c.Locale(German, berlin).Error(err); !strings.Contains(got, "3. Dez. 2030, 09:00 MEZ") {
		t.Errorf("German page: %q, want the Berlin time in German", got)
	}
}
