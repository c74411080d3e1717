package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"firsthand/briefing"
	"firsthand/store"
)

type settingsJSON struct {
	ApprovalRequired     bool   `json:"approval_required"`
	Privacy              string `json:"privacy"`
	MinGroup             int    `json:"min_group"`
	ReceiptRetentionDays int    `json:"receipt_retention_days"`
	TimeZone             string `json:"time_zone"`
	Language             string `json:"language"`
}

func TestSettingsAPI(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	want := settingsJSON{Privacy: "personal", MinGroup: 5, TimeZone: "UTC", Language: "en"}
	for _, u := range []testUser{s.sales1, s.author, s.salesMgr, s.admin} {
		if got := decode[settingsJSON](t, "GET settings as "+u.Email, a.get("/api/v1/settings", u.Token), 200); got != want {
			t.Errorf("GET settings as %s = %+v, want %+v", u.Email, got, want)
		}
	}
	wantError(t, "GET settings signed out", a.get("/api/v1/settings", ""), 401, "unauthenticated", "")
	for _, u := range []testUser{s.sales1, s.author, s.salesMgr} {
		wantError(t, "PATCH as "+u.Email, a.do("PATCH", "/api/v1/settings", u.Token, map[string]any{"privacy": "aggregate"}), 403, "forbidden", "")
	}

	// Merge: only what is sent changes.
	got := decode[settingsJSON](t, "PATCH privacy", a.do("PATCH", "/api/v1/settings", s.admin.Token,
		map[string]any{"privacy": "aggregate", "receipt_retention_days": 30}), 200)
	want.Privacy, want.ReceiptRetentionDays = "aggregate", 30
	if got != want {
		t.Errorf("PATCH = %+v, want %+v", got, want)
	}
	got = decode[settingsJSON](t, "PATCH zone", a.do("PATCH", "/api/v1/settings", s.admin.Token,
		map[string]any{"time_zone": "Europe/Berlin", "language": "de"}), 200)
	want.TimeZone, want.Language = "Europe/Berlin", "de"
	if got != want {
		t.Errorf("second PATCH = %+v, want %+v", got, want)
	}

	for _, tt := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"privacy": "hidden"}, "privacy"},
		{map[string]any{"min_group": 1}, "min_group"},
		{map[string]any{"min_group": "five"}, "min_group"},
		{map[string]any{"receipt_retention_days": -3}, "receipt_retention_days"},
		{map[string]any{"time_zone": "Berlin"}, "time_zone"},
		{map[string]any{"language": "fr"}, "language"},
	} {
		wantError(t, "PATCH "+tt.field, a.do("PATCH", "/api/v1/settings", s.admin.Token, tt.body), 422, "invalid", tt.field)
	}
	wantError(t, "PATCH malformed", a.do("PATCH", "/api/v1/settings", s.admin.Token, "{"), 400, "invalid_json", "")
	if got := decode[settingsJSON](t, "GET after refusals", a.get("/api/v1/settings", s.sales1.Token), 200); got != want {
		t.Errorf("refused changes changed the settings: %+v, want %+v", got, want)
	}

	events, _, err := a.st.AuditEvents(store.AuditFilter{Action: "settings.update"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("got %d settings.update events, want 2", len(events))
	}
	var detail map[string]briefing.SettingChange
	if err := json.Unmarshal([]byte(events[1].Detail), &detail); err != nil || events[1].Actor != "user:"+s.admin.ID ||
		detail["receipt_retention_days"] != (briefing.SettingChange{From: 0.0, To: 30.0}) || len(detail) != 2 {
		t.Errorf("the first change's event = %+v (%v), want the admin and what changed", events[1].Event, err)
	}
}

func TestPageAdminSettings(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	pgWant(t, "settings page as author", a.get(o.author, "/admin/settings"), http.StatusForbidden)
	pgWant(t, "settings post as manager", a.post(o.manager, "/admin/settings", url.Values{"privacy": {"aggregate"}}), http.StatusForbidden)

	r := a.get(o.admin, "/admin/settings")
	pgWant(t, "settings page", r, http.StatusOK)
	pgContains(t, "settings page", r.Body, `id="privacy-personal" name="privacy" value="personal" checked`,
		`name="min_group" inputmode="numeric" value="5"`, `value="UTC"`, `<option value="en" selected>`, "Works-council mode")

	form := url.Values{"privacy": {"aggregate"}, "min_group": {"7"}, "receipt_retention_days": {"90"},
		"time_zone": {"Europe/Berlin"}, "language": {"de"}}
	// The organisation speaks German from here on; the admin's browser
	// asks for English, so the pages stay English (pages_admin_i18n_test.go
	// has the German ones).
	post := func(form url.Values) pgResp {
		return a.sendIn("en", &o.admin, http.MethodPost, "/admin/settings", form)
	}
	r = post(form)
	pgWant(t, "save settings", r, http.StatusSeeOther)
	if r.Location != "/admin/settings" || r.Flash != "Settings saved." {
		t.Errorf("save: location %q flash %q", r.Location, r.Flash)
	}
	got, _ := a.st.Settings()
	if got.Privacy != briefing.PrivacyAggregate || got.MinGroup != 7 || got.ReceiptRetentionDays != 90 || got.TimeZone != "Europe/Berlin" || got.Language != "de" {
		t.Errorf("after the form: %+v", got)
	}

	// The same rules as the API, the typed values kept.
	for _, tt := range []struct{ key, value, want string }{
		{"min_group", "1", "Min_group must be a whole number from 2 to 1000"},
		{"min_group", "many", "Give the smallest group as a whole number"},
		{"time_zone", "Berlin", "is not a known IANA time zone"},
		{"receipt_retention_days", "-1", "Receipt_retention_days must be from 0"},
		{"privacy", "open", "Privacy must be personal or aggregate"},
	} {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set(tt.key, tt.value)
		r = post(bad)
		pgWant(t, "bad "+tt.key, r, http.StatusUnprocessableEntity)
		pgContains(t, "bad "+tt.key, r.Body, tt.want)
		if tt.key != "privacy" { // a radio button: the choices stay as they are
			pgContains(t, "bad "+tt.key, r.Body, `value="`+tt.value+`"`)
		}
	}
	if again, _ := a.st.Settings(); again != got {
		t.Errorf("refused forms changed the settings: %+v, want %+v", again, got)
	}
}
