package briefing

import (
	"errors"
	"testing"
)

func TestSettingsValidate(t *testing.T) {
	ok := DefaultSettings()
	if err := ok.Validate(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	if ok.Privacy != PrivacyPersonal || ok.MinGroup != 5 || ok.ReceiptRetentionDays != 0 || ok.TimeZone != "UTC" || ok.Language != "en" || ok.ApprovalRequired {
		t.Errorf("DefaultSettings() = %+v, want the contract's defaults", ok)
	}
	tests := []struct {
		name  string
		edit  func(s *Settings)
		field string
	}{
		{"aggregate", func(s *Settings) { s.Privacy = PrivacyAggregate }, ""},
		{"Berlin, German, 30 days, groups of 10", func(s *Settings) {
			s.TimeZone, s.Language, s.ReceiptRetentionDays, s.MinGroup = "Europe/Berlin", "de", 30, 10
		}, ""},
		{"unknown privacy", func(s *Settings) { s.Privacy = "secret" }, "privacy"},
		{"empty privacy", func(s *Settings) { s.Privacy = "" }, "privacy"},
		{"a group of one", func(s *Settings) { s.MinGroup = 1 }, "min_group"},
		{"a group of zero", func(s *Settings) { s.MinGroup = 0 }, "min_group"},
		{"a huge group", func(s *Settings) { s.MinGroup = 1001 }, "min_group"},
		{"negative retention", func(s *Settings) { s.ReceiptRetentionDays = -1 }, "receipt_retention_days"},
		{"retention for ever", func(s *Settings) { s.ReceiptRetentionDays = 3651 }, "receipt_retention_days"},
		{"unknown zone", func(s *Settings) { s.TimeZone = "Europe/Atlantis" }, "time_zone"},
		{"the server's zone", func(s *Settings) { s.TimeZone = "Local" }, "time_zone"},
		{"no zone", func(s *Settings) { s.TimeZone = "" }, "time_zone"},
		{"French", func(s *Settings) { s.Language = "fr" }, "language"},
	}
	for _, tt := range tests {
		s := DefaultSettings()
		tt.edit(&s)
		s.Normalize()
		err := s.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v, want valid", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) || ErrorField(err) != tt.field {
			t.Errorf("%s: got %v (field %q), want invalid %s", tt.name, err, ErrorField(err), tt.field)
		}
	}
}

func TestSettingsNormalize(t *testing.T) {
	s := Settings{Privacy: " Aggregate ", TimeZone: " Europe/Berlin ", Language: "DE", MinGroup: 5}
	s.Normalize()
	if s.Privacy != PrivacyAggregate || s.TimeZone != "Europe/Berlin" || s.Language != "de" {
		t.Errorf("Normalize() = %+v", s)
	}
}

func TestSettingsChanges(t *testing.T) {
	old := DefaultSettings()
	new := old
	if got := SettingsChanges(old, new); len(got) != 0 {
		t.Errorf("no change: got %v, want nothing", got)
	}
	new.Privacy, new.MinGroup = PrivacyAggregate, 7
	got := SettingsChanges(old, new)
	if len(got) != 2 || got["privacy"] != (SettingChange{"personal", "aggregate"}) || got["min_group"] != (SettingChange{5.0, 7.0}) {
		t.Errorf("SettingsChanges = %v, want privacy and min_group with old and new values", got)
	}
}
