package web

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// TestCSVCell: a cell a spreadsheet would run as a formula gets a leading
// apostrophe (OWASP); every other cell is written as it is.
func TestCSVCell(t *testing.T) {
	for _, in := range []string{"=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd", "=HYPERLINK(\"http://x\")"} {
		if got := csvCell(in); got != "'"+in {
			t.Errorf("csvCell(%q): got %q, want %q", in, got, "'"+in)
		}
	}
	for _, in := range []string{"", "Ada", "2026-12-01T09:00:00Z", "a=b", "ada@example.com", "'quoted"} {
		if got := csvCell(in); got != in {
			t.Errorf("csvCell(%q): got %q, want it unchanged", in, got)
		}
	}
}

// TestCSVExportsNeutraliseFormulas: the receipts CSV (API and page link)
// and the users CSV write names and departments that start like a formula
// with a leading apostrophe.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	hostile := map[string]string{
		"eq@example.com":   "=cmd|' /C calc'!A0",
		"plus@example.com": "+1+1",
		"dash@example.com": "-2+3",
		"at@example.com":   "@SUM(1+1)",
	}
	for email, name := range hostile {
		a.addUser(person{Email: email, Name: name, Department: "=Sales"})
	}
	ann := a.create(s.author, draftOf("Formulas", "=Sales"))
	a.publish(s.author, ann.ID)
	check := func(what string, r *response) {
		t.Helper()
		wantStatus(t, what, r, http.StatusOK)
		recs, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil {
			t.Fatalf("%s: not CSV: %v", what, err)
		}
		seen := 0
		for _, rec := range recs[1:] {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q starts like a formula", what, cell)
				}
				for _, name := range hostile {
					if cell == "'"+name {
						seen++
					}
				}
			}
		}
		if seen != len(hostile) {
			t.Errorf("%s: found %d of the %d names, each with a leading apostrophe", what, seen, len(hostile))
		}
	}
	csvHeader := map[string]string{"Accept": "text/csv"}
	check("receipts CSV", a.send(req{method: "GET", path: "/api/v1/announcements/" + ann.ID + "/receipts", token: s.author.Token, header: csvHeader}))
	check("users CSV", a.send(req{method: "GET", path: "/api/v1/users", token: s.admin.Token, header: csvHeader}))
	check("receipts CSV page link", a.send(req{method: "GET", path: "/announcements/" + ann.ID + "/receipts.csv", token: s.author.Token}))
}
