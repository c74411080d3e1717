package testkit

import "testing"

func TestEnglishWord(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string
	}{
		{"Bitte lesen und bestätigen Sie das Briefing.", ""},
		{"Please read it.", "Please"},
		{"Zum Newsroom: https://n.example/b/fl_the_token", ""},
		{"Gelesen und verstanden, or not", "or"},
		{"Alle Zeiten in America/New_York.", ""},
		{"New in America/New_York", "New"},
	} {
		got, ok := EnglishWord(tc.text)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("EnglishWord(%q) = %q, %v; want %q", tc.text, got, ok, tc.want)
		}
	}
}
