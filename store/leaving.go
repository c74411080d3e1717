package store

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// applyEnding carries out the leaving rule for a change from before to u
// inside the transaction that stored it: credentials end, and a
// deactivated person leaves their briefings.
func (s *Store) applyEnding(tx *bolt.Tx, before, u *briefing.User, keep []byte, actor string, now time.Time) error {
	e := briefing.EndingOf(before, u)
	if !e.Any() {
		return nil
	}
	key := u64(mustID(u.ID))
	tokens, sessions, err := endCredentials(tx, key, e, keep)
	if err != nil {
		return err
	}
	if !e.Departs {
		return audit(tx, now, actor, "session.revoke", "user:"+u.ID, jsonString(map[string]int{"sessions": sessions}))
	}
	return audit(tx, now, actor, "user.deactivate", "user:"+u.ID,
		jsonString(map[string]int{"tokens": tokens, "sessions": sessions}))
}
