package store

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// SignInIdentity signs in a person the company's identity provider vouches
// for: on their first sign-in they are created from the identity, on every
// later one their department and roles follow it (briefing.Identity.Apply),
// a deactivated person is refused, and a session starts, all in one
// transaction. It returns the person and the session's secret.
func (s *Store) SignInIdentity(id briefing.Identity, ttl time.Duration) (*briefing.User, string, error) {
	email := briefing.NormalizeEmail(id.Email)
	secret := newSecret("fs_")
	var u *briefing.User
	err := s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		key := tx.Bucket(bUsersByEmail).Get([]byte(email))
		if key == nil {
			u = id.NewUser()
			u.Normalize()
			if err := u.Validate(); err != nil {
				return err
			}
			u.CreatedAt = now
			if err := createUser(tx, u); err != nil {
				return err
			}
			if err := audit(tx, now, "oidc", "user.create", "user:"+u.ID, u.Email); err != nil {
				return err
			}
		} else {
			var err error
			if u, err = userByKey(tx, key); err != nil {
				return err
			}
			if !u.Active {
				return briefing.Forbidden("your account is deactivated: ask an administrator")
			}
			if id.Apply(u) {
				u.Normalize()
				if err := u.Validate(); err != nil {
					return err
				}
				if err := putUser(tx.Bucket(bUsers), u); err != nil {
					return err
				}
				if err := audit(tx, now, "oidc", "user.update", "user:"+u.ID, u.Email); err != nil {
					return err
				}
			}
		}
		return putSession(tx, u64(mustID(u.ID)), hashSecret(secret), now, now.Add(ttl))
	})
	if err != nil {
		return nil, "", err
	}
	return u, secret, nil
}

// putSession stores a session and its index entry.
func putSession(tx *bolt.Tx, userKey, hash []byte, created, expires time.Time) error {
	// userID | expiry | created, unix seconds; sessions written before the
	// creation time was kept (for the personal export) are 16 bytes, and
	// readers take both.
	v := make([]byte, 24)
	copy(v, userKey)
	binary.BigEndian.PutUint64(v[8:], uint64(expires.Unix()))
	binary.BigEndian.PutUint64(v[16:], uint64(created.Unix()))
	if err := tx.Bucket(bSessions).Put(hash, v); err != nil {
		return err
	}
	return tx.Bucket(bSessionsByUser).Put(credentialKey(userKey, hash), nil)
}
