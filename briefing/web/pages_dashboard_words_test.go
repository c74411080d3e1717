package web

import (
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

func TestInAboutInBothLanguages(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	en, de := localeIn(t, i18n.English, "UTC"), localeIn(t, i18n.German, "UTC")
	for _, tc := range []struct {
		d      time.Duration
		en, de string
	}{
		{30 * time.Second, "now", "jetzt"},
		{25 * time.Minute, "in 25 min", "in 25 Min."},
		{-(3*time.Hour + 5*time.Minute), "3 h 5 min ago", "vor 3 Std. 5 Min."},
		{30 * time.Hour, "in 30 h", "in 30 Std."},
		{-5 * 24 * time.Hour, "5 days ago", "vor 5 Tagen"},
	} {
		if got := inAbout(en, now, now.Add(tc.d)); got != tc.en {
			t.Errorf("English %v: %q, want %q", tc.d, got, tc.en)
		}
		if got := inAbout(de, now, now.Add(tc.d)); got != tc.de {
			t.Errorf("German %v: %q, want %q", tc.d, got, tc.de)
		}
	}
}

func TestDeptLabelNamesTheMergedLineInTheReadersLanguage(t *testing.T) {
	de := localeIn(t, i18n.German, "UTC")
	for in, want := range map[string]string{"": "Ohne Abteilung", briefing.OtherDepartments: "Sonstige Abteilungen", "Vertrieb": "Vertrieb"} {
		if got := deptLabel(de, in); got != want {
			t.Errorf("deptLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
