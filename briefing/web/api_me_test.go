package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"firsthand/briefing"
)

type meJSON struct {
	ID       string          `json:"id"`
	Email    string          `json:"email"`
	Roles    []briefing.Role `json:"roles"`
	TimeZone string          `json:"time_zone"`
	Language string          `json:"language"`
}

func TestPatchMeSetsOwnZoneAndLanguage(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	me := decode[meJSON](t, "GET /me", a.get("/api/v1/me", s.sales1.Token), 200)
	if me.TimeZone != "" || me.Language != "" {
		t.Fatalf("a new person's preferences = %q, %q; want none (the organisation's)", me.TimeZone, me.Language)
	}

	got := decode[meJSON](t, "PATCH /me", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token,
		map[string]any{"time_zone": "Europe/Berlin", "language": "DE"}), 200)
	if got.TimeZone != "Europe/Berlin" || got.Language != "de" {
		t.Errorf("after PATCH: %q, %q; want Europe/Berlin, de", got.TimeZone, got.Language)
	}
	again := decode[meJSON](t, "GET /me again", a.get("/api/v1/me", s.sales1.Token), 200)
	if again.TimeZone != "Europe/Berlin" || again.Language != "de" {
		t.Errorf("GET /me after PATCH: %q, %q; want them kept", again.TimeZone, again.Language)
	}

	// Merge: a field left out stays; an empty one goes back to the organisation's.
	got = decode[meJSON](t, "PATCH language only", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token,
		map[string]any{"language": ""}), 200)
	if got.TimeZone != "Europe/Berlin" || got.Language != "" {
		t.Errorf("after clearing the language: %q, %q; want Europe/Berlin and none", got.TimeZone, got.Language)
	}

	// Only the preferences: roles sent along are not taken.
	got = decode[meJSON](t, "PATCH with roles", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token,
		map[string]any{"roles": []string{"admin"}, "email": "boss@example.com", "language": "en"}), 200)
	if slices.Contains(got.Roles, briefing.RoleAdmin) || got.Email != s.sales1.Email || got.Language != "en" {
		t.Errorf("PATCH /me with roles and e-mail = %+v; want only the language changed", got)
	}

	wantError(t, "unknown zone", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token,
		map[string]any{"time_zone": "Mars/Olympus"}), 422, "invalid", "time_zone")
	wantError(t, "Local", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token,
		map[string]any{"time_zone": "Local"}), 422, "invalid", "time_zone")
	wantError(t, "unknown language", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token,
		map[string]any{"language": "fr"}), 422, "invalid", "language")
	wantError(t, "malformed", a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token, `{"language":`), 400, "invalid_json", "")
	wantError(t, "signed out", a.do(http.MethodPatch, "/api/v1/me", "", map[string]any{"language": "de"}), 401, "unauthenticated", "")
	if after := decode[meJSON](t, "GET /me after refusals", a.get("/api/v1/me", s.sales1.Token), 200); after.TimeZone != "Europe/Berlin" || after.Language != "en" {
		t.Errorf("a refused PATCH changed the preferences: %q, %q", after.TimeZone, after.Language)
	}
}

// TestPagesFollowOwnLanguageThenBrowserThenOrganisation: the three sources
// of a page's language, in that order.
func TestPagesFollowOwnLanguageThenBrowserThenOrganisation(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	cookie := a.session(s.sales1)
	page := func(accept string) string {
		t.Helper()
		h := map[string]string{}
		if accept != "" {
			h["Accept-Language"] = accept
		}
		r := a.send(req{method: http.MethodGet, path: "/", cookie: cookie, header: h})
		if r.Status != http.StatusOK {
			t.Fatalf("GET /: %s", r)
		}
		return string(r.Body)
	}
	lang := func(body string) string {
		_, rest, _ := strings.Cut(body, `<html lang="`)
		l, _, _ := strings.Cut(rest, `"`)
		return l
	}
	if got := lang(page("")); got != "en" {
		t.Errorf("no preference, no header, organisation en: lang %q", got)
	}
	if got := lang(page("de-DE,de;q=0.9,en;q=0.5")); got != "de" {
		t.Errorf("browser asks for German: lang %q", got)
	}
	if _, err := a.st.UpdateSettings("user:"+s.admin.ID, func(set *briefing.Settings) error { set.Language = "de"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := lang(page("")); got != "de" {
		t.Errorf("organisation de, no header: lang %q", got)
	}
	if got := lang(page("fr-FR")); got != "de" {
		t.Errorf("organisation de, browser French only: lang %q", got)
	}
	if got := lang(page("en-GB")); got != "en" {
		t.Errorf("organisation de, browser English: lang %q", got)
	}
	a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token, map[string]any{"language": "en"})
	if got := lang(page("de-DE")); got != "en" {
		t.Errorf("own choice en, browser German: lang %q", got)
	}

	// The zone: the organisation's, then the person's own.
	if _, err := a.st.UpdateSettings("user:"+s.admin.ID, func(set *briefing.Settings) error { set.TimeZone = "Europe/Berlin"; return nil }); err != nil {
		t.Fatal(err)
	}
	if body := page(""); !strings.Contains(body, "Times are shown in Europe/Berlin.") {
		t.Errorf("organisation Europe/Berlin: the page does not say so")
	}
	a.do(http.MethodPatch, "/api/v1/me", s.sales1.Token, map[string]any{"time_zone": "America/New_York"})
	if body := page(""); !strings.Contains(body, "Times are shown in America/New_York.") {
		t.Errorf("own zone America/New_York: the page does not say so")
	}
}
