package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPageYourSettingsForm: a person chooses their own time zone and
// language on their settings page, or goes back to the organisation's;
// the page says what it refuses next to the field and keeps what was sent.
func TestPageYourSettingsForm(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	pgOrgZone(t, a, "Europe/Berlin")
	anna := o.sales[0]

	r := a.get(anna, "/settings")
	pgWant(t, "your settings", r, http.StatusOK)
	pgContains(t, "your settings", html.UnescapeString(r.Body), `<form method="post" action="/settings"`,
		`<option value="" selected>The organisation’s default (Europe/Berlin)</option>`,
		`<option value="Asia/Tokyo">Asia/Tokyo</option>`, `<optgroup label="Europe">`,
		`<option value="" selected>The organisation’s default (English)</option>`,
		`<option value="de" lang="de">Deutsch</option>`, "Download my data")

	// Her own zone and language: saved, and the answer is in the language
	// she chose.
	r = a.post(anna, "/settings", url.Values{"time_zone": {"America/New_York"}, "language": {"de"}})
	pgWant(t, "save", r, http.StatusSeeOther)
	if r.Location != "/settings" || r.Flash != "Ihre Einstellungen sind gespeichert." {
		t.Errorf("save: got Location %q, flash %q", r.Location, r.Flash)
	}
	if u, err := a.st.User(anna.ID); err != nil || u.TimeZone != "America/New_York" || u.Language != "de" {
		t.Fatalf("stored: %+v, %v", u, err)
	}
	r = a.get(anna, "/settings")
	pgWant(t, "in German", r, http.StatusOK)
	pgGerman(t, "your settings after choosing German", r.Body)
	pgContains(t, "your settings after choosing German", r.Body, "<h1>Ihre Einstellungen</h1>",
		`<option value="America/New_York" selected>`, `<option value="de" lang="de" selected>Deutsch</option>`,
		"Alle Zeiten in America/New_York.")
	pgContains(t, "GET /api/v1/me", a.get(anna, "/api/v1/me").Body, `"time_zone":"America/New_York"`, `"language":"de"`)

	// An unknown zone and an unknown language are refused, naming the
	// field, and nothing changes.
	for _, tc := range []struct {
		name, zone, lang, field, msg string
	}{
		{"unknown zone", "Mars/Olympus", "en", "time_zone", `"Mars/Olympus" ist keine bekannte IANA-Zeitzone`},
		{"the server's own zone", "Local", "en", "time_zone", "IANA-Namen"},
		{"unknown language", "UTC", "fr", "language", "Sprache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.post(anna, "/settings", url.Values{"time_zone": {tc.zone}, "language": {tc.lang}})
			pgWant(t, tc.name, r, http.StatusUnprocessableEntity)
			pgGerman(t, tc.name, r.Body)
			pgContains(t, tc.name, html.UnescapeString(r.Body), `id="`+tc.field+`-err"`, `href="#`+tc.field+`"`, tc.msg)
			if u, _ := a.st.User(anna.ID); u.TimeZone != "America/New_York" || u.Language != "de" {
				t.Errorf("a refused form changed the person: %q, %q", u.TimeZone, u.Language)
			}
		})
	}
	r = a.post(anna, "/settings", url.Values{"time_zone": {"Mars/Olympus"}, "language": {"de"}})
	pgContains(t, "the refused zone kept", r.Body, `<option value="Mars/Olympus" selected>Mars/Olympus</option>`)

	// Back to the organisation's defaults.
	r = a.post(anna, "/settings", url.Values{"time_zone": {""}, "language": {""}})
	pgWant(t, "defaults", r, http.StatusSeeOther)
	if r.Flash != "Your settings are saved." {
		t.Errorf("flash after going back to English: %q", r.Flash)
	}
	if u, _ := a.st.User(anna.ID); u.TimeZone != "" || u.Language != "" {
		t.Errorf("defaults: stored %q, %q", u.TimeZone, u.Language)
	}
	pgContains(t, "defaults", a.get(anna, "/settings").Body, `<option value="" selected>`, "Times are shown in Europe/Berlin.")

	// A zone set through the API that the list lacks is shown, chosen.
	if _, err := a.st.SetPreferences(anna.ID, new("America/Boise"), nil); err != nil {
		t.Fatal(err)
	}
	pgContains(t, "a zone from the API", a.get(anna, "/settings").Body, `<option value="America/Boise" selected>America/Boise</option>`)

	// Signed out, there is nothing to change.
	r = a.send(nil, http.MethodPost, "/settings", strings.NewReader("time_zone=UTC"), "application/x-www-form-urlencoded", "")
	if r.Status == http.StatusSeeOther && r.Location == "/settings" {
		t.Errorf("signed out: the form was taken")
	}
}

// TestPageYourSettingsInGerman: a browser set to German gets the page in
// German, the organisation's defaults named.
func TestPageYourSettingsInGerman(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	r := pgSend(a, o.sales[0], http.MethodGet, "/settings", nil, pgGermanReader)
	pgWant(t, "settings", r, http.StatusOK)
	pgGerman(t, "your settings", r.Body)
	pgContains(t, "your settings", r.Body, "<h1>Ihre Einstellungen</h1>", "Voreinstellung der Organisation (UTC)",
		"Voreinstellung der Organisation (Englisch)", `<optgroup label="Europa">`, "Meine Daten herunterladen")
}
