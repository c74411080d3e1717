package briefing

import (
	"encoding/json"
	"strings"
	"time"
)

// Privacy is the organisation's privacy mode: whether anyone may see who
// has or has not read or acknowledged a briefing.
type Privacy string

// The privacy modes. Personal shows receipts person by person; aggregate
// (works-council mode) shows only counts, with small groups merged.
const (
	PrivacyPersonal  Privacy = "personal"
	PrivacyAggregate Privacy = "aggregate"
)

// Bounds of the settings.
const (
	// DefaultMinGroup is the smallest group shown on its own in works-council mode.
	DefaultMinGroup = 5
	// MinMinGroup: a group of one is a person.
	MinMinGroup = 2
	MaxMinGroup = 1000
	// MaxRetentionDays is ten years: longer is keeping for ever.
	MaxRetentionDays = 3650
)

// Settings are the organisation's settings: one record.
type Settings struct {
	// ApprovalRequired: a reviewer's approval before publish (CanPublish).
	ApprovalRequired bool    `json:"approval_required"`
	Privacy          Privacy `json:"privacy"`
	// MinGroup is the smallest number of recipients a figure may show on
	// its own in aggregate mode.
	MinGroup int `json:"min_group"`
	// ReceiptRetentionDays: when N > 0, N days after an announcement is
	// released or withdrawn its per-person times are erased.
	ReceiptRetentionDays int `json:"receipt_retention_days"`
	// TimeZone is an IANA zone name; Language "en" or "de".
	TimeZone string `json:"time_zone"`
	Language string `json:"language"`
}

// DefaultSettings are the settings of a new organisation.
func DefaultSettings() Settings {
	return Settings{Privacy: PrivacyPersonal, MinGroup: DefaultMinGroup, TimeZone: "UTC", Language: "en"}
}

// Normalize trims the text fields.
func (s *Settings) Normalize() {
	s.Privacy = Privacy(strings.ToLower(strings.TrimSpace(string(s.Privacy))))
	s.TimeZone = strings.TrimSpace(s.TimeZone)
	s.Language = strings.ToLower(strings.TrimSpace(s.Language))
}

// Validate checks the settings; the API and the settings page both reach
// it through the store. The error names the JSON field at fault.
func (s *Settings) Validate() error {
	if s.Privacy != PrivacyPersonal && s.Privacy != PrivacyAggregate {
		return Invalid("privacy", "privacy must be personal or aggregate")
	}
	if s.MinGroup < MinMinGroup || s.MinGroup > MaxMinGroup {
		return Invalid("min_group", "min_group must be a whole number from %d to %d", MinMinGroup, MaxMinGroup)
	}
	if s.ReceiptRetentionDays < 0 || s.ReceiptRetentionDays > MaxRetentionDays {
		return Invalid("receipt_retention_days", "receipt_retention_days must be from 0 (keep) to %d", MaxRetentionDays)
	}
	if err := ValidateTimeZone(s.TimeZone); err != nil {
		return err
	}
	if !validLanguage(s.Language) {
		return Invalid("language", "language must be en or de")
	}
	return nil
}

// validLanguage reports whether Firsthand speaks lang.
func validLanguage(lang string) bool { return lang == "en" || lang == "de" }

// ValidateTimeZone checks an IANA zone name such as Europe/Berlin.
// "Local" is refused: it would mean whatever zone the server runs in.
func ValidateTimeZone(name string) error {
	if name == "" || name == "Local" {
		return Invalid("time_zone", "time_zone must be an IANA zone name such as Europe/Berlin or UTC")
	}
	if _, err := time.LoadLocation(name); err != nil {
		return Invalid("time_zone", "%q is not a known IANA time zone (such as Europe/Berlin or UTC)", name)
	}
	return nil
}

// SettingChange is one changed setting: its value before and after.
type SettingChange struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// SettingsChanges is the audit detail of a settings change: each field that
// changed, by its JSON name. Empty when nothing changed.
func SettingsChanges(old, new Settings) map[string]SettingChange {
	var o, n map[string]any
	ob, _ := json.Marshal(old)
	nb, _ := json.Marshal(new)
	_ = json.Unmarshal(ob, &o)
	_ = json.Unmarshal(nb, &n)
	out := map[string]SettingChange{}
	for k, v := range n {
		if ov := o[k]; ov != v {
			out[k] = SettingChange{ov, v}
		}
	}
	return out
}
