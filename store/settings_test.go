package store

import (
	"encoding/json"
	"testing"

	"firsthand/briefing"
)

func TestSettingsDefaultsUpdateAndAudit(t *testing.T) {
	s, _ := openStore(t)
	got, err := s.Settings()
	mustNoErr(t, err)
	if got != briefing.DefaultSettings() {
		t.Errorf("a new database: got %+v, want the defaults", got)
	}
	got, err = s.UpdateSettings("user:1", func(set *briefing.Settings) error {
		set.Privacy, set.MinGroup = "aggregate", 8
		return nil
	})
	mustNoErr(t, err)
	if got.Privacy != briefing.PrivacyAggregate || got.MinGroup != 8 || got.TimeZone != "UTC" {
		t.Errorf("UpdateSettings = %+v", got)
	}
	// An invalid change writes nothing.
	_, err = s.UpdateSettings("user:1", func(set *briefing.Settings) error { set.MinGroup = 1; return nil })
	wantKind(t, err, briefing.ErrInvalid)
	if briefing.ErrorField(err) != "min_group" {
		t.Errorf("field = %q, want min_group", briefing.ErrorField(err))
	}
	// Nothing changed: no event.
	_, err = s.UpdateSettings("user:1", func(set *briefing.Settings) error { return nil })
	mustNoErr(t, err)

	s = reopen(t, s)
	got, err = s.Settings()
	mustNoErr(t, err)
	if got.Privacy != briefing.PrivacyAggregate || got.MinGroup != 8 {
		t.Errorf("after a restart: got %+v, want the change kept", got)
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "settings.update"})
	mustNoErr(t, err)
	if len(events) != 1 {
		t.Fatalf("got %d settings.update events, want 1: %+v", len(events), events)
	}
	e := events[0]
	var detail map[string]briefing.SettingChange
	if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil {
		t.Fatalf("detail %q is not JSON: %v", e.Detail, err)
	}
	if e.Actor != "user:1" || e.Target != "settings" || len(detail) != 2 ||
		detail["privacy"] != (briefing.SettingChange{From: "personal", To: "aggregate"}) {
		t.Errorf("event = %+v, detail %v", e, detail)
	}
}

func TestInitSettingsOnlyOnTheFirstStart(t *testing.T) {
	s, _ := openStore(t)
	created, err := s.InitSettings("Europe/Berlin")
	mustNoErr(t, err)
	if !created {
		t.Error("the first start: created = false")
	}
	got, _ := s.Settings()
	if got.TimeZone != "Europe/Berlin" {
		t.Errorf("time_zone = %q, want Europe/Berlin", got.TimeZone)
	}
	_, err = s.UpdateSettings("user:1", func(set *briefing.Settings) error { set.TimeZone = "Europe/Vienna"; return nil })
	mustNoErr(t, err)
	created, err = s.InitSettings("America/New_York")
	mustNoErr(t, err)
	if got, _ := s.Settings(); created || got.TimeZone != "Europe/Vienna" {
		t.Errorf("a later start: created %v, time_zone %q; want the admin's Europe/Vienna kept", created, got.TimeZone)
	}
	s2, _ := openStore(t)
	_, err = s2.InitSettings("Mars/Olympus")
	wantKind(t, err, briefing.ErrInvalid)
}
