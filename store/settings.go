package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// keySettings holds the organisation's settings in the meta bucket: one
// small JSON record, absent until the first start or change writes it
// (then the defaults apply). In meta, not a bucket of its own, so that no
// migration is needed to add it.
var keySettings = []byte("settings")

func getSettings(tx *bolt.Tx) (briefing.Settings, error) {
	s := briefing.DefaultSettings()
	v := tx.Bucket(bMeta).Get(keySettings)
	if v == nil {
		return s, nil
	}
	// Decoded onto the defaults: a field added by a later build starts at
	// its default on a record an older build wrote.
	err := json.Unmarshal(v, &s)
	return s, err
}

func putSettings(tx *bolt.Tx, s briefing.Settings) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(keySettings, v)
}

// Settings returns the organisation's settings.
func (s *Store) Settings() (briefing.Settings, error) {
	var out briefing.Settings
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		out, err = getSettings(tx)
		return err
	})
	return out, err
}

// UpdateSettings changes the settings through fn (merge semantics are the
// caller's), validates them and records what changed in the audit log as
// settings.update. Nothing changed, nothing is written.
func (s *Store) UpdateSettings(actor string, fn func(*briefing.Settings) error) (briefing.Settings, error) {
	var out briefing.Settings
	err := s.db.Update(func(tx *bolt.Tx) error {
		old, err := getSettings(tx)
		if err != nil {
			return err
		}
		out = old
		if err := fn(&out); err != nil {
			return err
		}
		out.Normalize()
		if err := out.Validate(); err != nil {
			return err
		}
		changes := briefing.SettingsChanges(old, out)
		if len(changes) == 0 && tx.Bucket(bMeta).Get(keySettings) != nil {
			return nil
		}
		if err := putSettings(tx, out); err != nil {
			return err
		}
		return audit(tx, s.now(), actor, "settings.update", "settings", jsonString(changes))
	})
	return out, err
}

// InitSettings writes the settings on the first start, with the
// organisation's time zone from the configuration; once a record exists it
// changes nothing, so a later change on the settings page stands.
func (s *Store) InitSettings(timeZone string) (created bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta).Get(keySettings) != nil {
			return nil
		}
		set := briefing.DefaultSettings()
		if timeZone != "" {
			set.TimeZone = timeZone
		}
		if err := set.Validate(); err != nil {
			return err
		}
		if err := putSettings(tx, set); err != nil {
			return err
		}
		created = true
		return audit(tx, s.now(), "config", "settings.update", "settings",
			jsonString(briefing.SettingsChanges(briefing.DefaultSettings(), set)))
	})
	return created, err
}
