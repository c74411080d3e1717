package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// RecordChecks stores the latest preflight of an announcement's channels
// and, for each failed one, tells its authors and managers.
func (s *Store) RecordChecks(annID, actor string, checks []briefing.ChannelCheck) error {
	n, err := parseID("announcement", annID)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		v, err := json.Marshal(checks)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bChecks).Put(u64(n), v); err != nil {
			return err
		}
		now := s.now()
		for _, c := range checks {
			if c.OK {
				continue
			}
			if err := enqueueMail(tx, mailJob{Kind: MailCheckFailed, AnnouncementID: annID, ChannelID: c.ChannelID}, now); err != nil {
				return err
			}
			if err := audit(tx, now, actor, "channel.check", "announcement:"+annID, c.Name+": "+c.Message); err != nil {
				return err
			}
		}
		return nil
	})
}

// Checks returns an announcement's latest channel checks (none yet: empty).
func (s *Store) Checks(annID string) ([]briefing.ChannelCheck, error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return nil, err
	}
	out := []briefing.ChannelCheck{}
	err = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bChecks).Get(u64(n)); v != nil {
			return json.Unmarshal(v, &out)
		}
		return nil
	})
	return out, err
}

// LastCheck is when an announcement's channels were last checked (zero:
// never).
func (s *Store) LastCheck(annID string) (time.Time, error) {
	cs, err := s.Checks(annID)
	var last time.Time
	for _, c := range cs {
		if c.CheckedAt.After(last) {
			last = c.CheckedAt
		}
	}
	return last, err
}
