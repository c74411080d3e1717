package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// newSecret makes a random credential with a readable prefix, so a leaked
// token is recognisable in logs and by secret scanners.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is what the database keeps of a credential: enough to check it,
// useless to a thief of the file. Tokens carry 256 random bits, so a fast
// hash is safe here, unlike for passwords.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateToken makes a new API token for a user and returns it: the only time
// it exists in clear.
func (s *Store) CreateToken(userID, actor string) (string, error) {
	n, err := parseID("user", userID)
	if err != nil {
		return "", err
	}
	token := newSecret("fh_")
	err = s.db.Update(func(tx *bolt.Tx) error {
		if _, err := userByKey(tx, u64(n)); err != nil {
			return err
		}
		if err := putToken(tx, u64(n), hashSecret(token)); err != nil {
			return err
		}
		return audit(tx, s.now(), actor, "token.create", "user:"+userID, "")
	})
	return token, err
}

// UserByToken returns the active user an API token belongs to.
func (s *Store) UserByToken(token string) (*briefing.User, error) {
	var u *briefing.User
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bTokens).Get(hashSecret(token))
		if id == nil {
			return briefing.Unauthenticated("the API token is not valid")
		}
		var err error
		u, err = activeUser(tx, id)
		return err
	})
	return u, err
}

func activeUser(tx *bolt.Tx, id []byte) (*briefing.User, error) {
	u, err := userByKey(tx, id)
	if err != nil || !u.Active {
		return nil, briefing.Unauthenticated("the account does not exist or is deactivated")
	}
	return u, nil
}

// CreateSession starts a browser session for a user and returns its secret,
// which only the cookie holds.
func (s *Store) CreateSession(userID string, ttl time.Duration) (string, error) {
	n, err := parseID("user", userID)
	if err != nil {
		return "", err
	}
	secret := newSecret("fs_")
	err = s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		return putSession(tx, u64(n), hashSecret(secret), now, now.Add(ttl))
	})
	return secret, err
}

// SessionUser returns the active user of an unexpired session.
func (s *Store) SessionUser(secret string) (*briefing.User, error) {
	var u *briefing.User
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bSessions).Get(hashSecret(secret))
		if len(v) < 16 || int64(binary.BigEndian.Uint64(v[8:])) < s.now().Unix() {
			return briefing.Unauthenticated("the session has ended: sign in again")
		}
		var err error
		u, err = activeUser(tx, v[:8])
		return err
	})
	return u, err
}

// DeleteSession ends a session; ending one that does not exist is no error.
func (s *Store) DeleteSession(secret string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return deleteSession(tx, hashSecret(secret))
	})
}

// PruneSessions removes expired sessions.
func (s *Store) PruneSessions() (int, error) {
	n := 0
	now := s.now().Unix()
	err := s.db.Update(func(tx *bolt.Tx) error {
		var expired [][]byte
		c := tx.Bucket(bSessions).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(v) < 16 || int64(binary.BigEndian.Uint64(v[8:])) < now {
				expired = append(expired, clone(k))
			}
		}
		for _, k := range expired {
			if err := deleteSession(tx, k); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	return n, err
}
