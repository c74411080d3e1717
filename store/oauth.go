package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// PutOAuthState keeps a connect attempt under the hash of its state, bound
// to the hash of the admin's session secret. Expired attempts are dropped
// on the way: an abandoned connect leaves nothing behind for long.
func (s *Store) PutOAuthState(state, session string, st briefing.OAuthState) error {
	st.SessionHash = hashSecret(session)
	plain, err := json.Marshal(st)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOAuthStates)
		var stale [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if old, err := openOAuthState(tx, k, v); err != nil || !now.Before(old.ExpiresAt) {
				stale = append(stale, clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		key := hashSecret(state)
		box, err := boxOf(tx)
		if err != nil {
			return err
		}
		return b.Put(key, box.seal(plain, oauthStateRecord(key)))
	})
}

// oauthStateRecord names a connect attempt's record for its seal: the
// verifier is a secret, sealed like the channels' (secretbox.go).
func oauthStateRecord(key []byte) []byte { return append([]byte("oauth_states/"), key...) }

func openOAuthState(tx *bolt.Tx, key, sealed []byte) (*briefing.OAuthState, error) {
	box, err := boxOf(tx)
	if err != nil {
		return nil, err
	}
	plain, err := box.open(sealed, oauthStateRecord(key))
	if err != nil {
		return nil, err
	}
	var st briefing.OAuthState
	if err := json.Unmarshal(plain, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// TakeOAuthState uses up a connect attempt: whatever the outcome, a state
// presented once is gone (single use), and it is handed out only to the
// admin and session that started it, before its expiry
// (briefing.CheckOAuthState).
func (s *Store) TakeOAuthState(state, userID, session string) (*briefing.OAuthState, error) {
	var st *briefing.OAuthState
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bOAuthStates)
		k := hashSecret(state)
		v := b.Get(k)
		if v == nil {
			return nil
		}
		if err := b.Delete(k); err != nil {
			return err
		}
		// One that does not open (another key, tampered) is as good as none.
		st, _ = openOAuthState(tx, k, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := briefing.CheckOAuthState(st, userID, hashSecret(session), s.now()); err != nil {
		return nil, err
	}
	return st, nil
}

// ConnectChannel stores the tokens an admin's connect brought back, in the
// channel's config, and audits channel.connect.
func (s *Store) ConnectChannel(id, actor string, t briefing.ChannelTokens) error {
	t.Failed = ""
	return s.setChannelTokens(id, t, func(tx *bolt.Tx, c *briefing.Channel) error {
		return audit(tx, s.now(), actor, "channel.connect", "channel:"+id, string(c.Kind)+" "+c.Name)
	})
}

// RefreshedChannelTokens stores the tokens a refresh brought back (the
// rotated refresh token included). A routine step, not a decision: not
// audited.
func (s *Store) RefreshedChannelTokens(id string, t briefing.ChannelTokens) error {
	t.Failed = ""
	return s.setChannelTokens(id, t, nil)
}

// DisconnectChannel records that a channel's tokens no longer work: they
// are removed (a refused refresh token is worth nothing, and a secret not
// kept cannot leak), the reason is kept, the decision audited, and every
// active admin is mailed (the inbox shows it while it lasts).
func (s *Store) DisconnectChannel(id, reason string) error {
	t := briefing.ChannelTokens{Failed: reason}
	return s.setChannelTokens(id, t, func(tx *bolt.Tx, c *briefing.Channel) error {
		now := s.now()
		if err := audit(tx, now, "system", "channel.disconnect", "channel:"+id, reason); err != nil {
			return err
		}
		admins, err := activeAdminIDs(tx)
		if err != nil || len(admins) == 0 {
			return err
		}
		return enqueueMail(tx, mailJob{Kind: MailChannelDisconnected, ChannelID: id, UserIDs: admins}, now)
	})
}

func (s *Store) setChannelTokens(id string, t briefing.ChannelTokens, then func(tx *bolt.Tx, c *briefing.Channel) error) error {
	n, err := parseID("channel", id)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		c, err := getChannel(tx, u64(n))
		if err != nil {
			return err
		}
		if c.Config, err = briefing.WithTokens(c.Config, t); err != nil {
			return err
		}
		if err := putChannel(tx, c); err != nil {
			return err
		}
		if then != nil {
			return then(tx, c)
		}
		return nil
	})
}

// activeAdminIDs lists the ids of the active admins in id order (a mail job
// walks its people in that order).
func activeAdminIDs(tx *bolt.Tx) ([]string, error) {
	var out []string
	err := tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
		u, err := decodeUser(v)
		if err != nil {
			return err
		}
		if u.IsActiveAdmin() {
			out = append(out, u.ID)
		}
		return nil
	})
	return out, err
}

// oauthStates is the migration that adds the bucket of connect attempts.
func oauthStates(tx *bolt.Tx) error {
	_, err := tx.CreateBucketIfNotExists(bOAuthStates)
	return err
}
