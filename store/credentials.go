package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// credentialKey is the per-user index key of a token or session:
// userID | SHA-256 of the secret, so a person's credentials are one prefix
// scan away and revoking them never walks everyone's.
func credentialKey(userKey, hash []byte) []byte {
	k := make([]byte, 0, 8+len(hash))
	return append(append(k, userKey...), hash...)
}

// putToken stores a token's hash and its index entry.
func putToken(tx *bolt.Tx, userKey, hash []byte) error {
	if err := tx.Bucket(bTokens).Put(hash, userKey); err != nil {
		return err
	}
	return tx.Bucket(bTokensByUser).Put(credentialKey(userKey, hash), nil)
}

// deleteSession removes a session and its index entry.
func deleteSession(tx *bolt.Tx, hash []byte) error {
	b := tx.Bucket(bSessions)
	v := b.Get(hash)
	if v == nil {
		return nil
	}
	if len(v) >= 8 {
		if err := tx.Bucket(bSessionsByUser).Delete(credentialKey(v[:8], hash)); err != nil {
			return err
		}
	}
	return b.Delete(hash)
}

// endCredentials deletes what the leaving rule says a change ends: the
// person's tokens, their sessions, or their sessions but keep (the hash of
// the session the change was made in). Deleted, not flagged: nothing can
// revive them.
func endCredentials(tx *bolt.Tx, userKey []byte, e briefing.Ending, keep []byte) (tokens, sessions int, err error) {
	if e.Tokens {
		if tokens, err = deleteIndexed(tx, bTokensByUser, bTokens, userKey, nil); err != nil {
			return 0, 0, err
		}
	}
	if e.Sessions {
		if !e.KeepCurrent {
			keep = nil
		}
		if sessions, err = deleteIndexed(tx, bSessionsByUser, bSessions, userKey, keep); err != nil {
			return 0, 0, err
		}
	}
	return tokens, sessions, nil
}

// deleteIndexed deletes every credential of a person listed in index from
// primary, except keep, and their index entries.
func deleteIndexed(tx *bolt.Tx, index, primary, userKey, keep []byte) (int, error) {
	var hashes [][]byte
	c := tx.Bucket(index).Cursor()
	for k, _ := c.Seek(userKey); k != nil && bytes.HasPrefix(k, userKey); k, _ = c.Next() {
		if h := k[8:]; keep == nil || !bytes.Equal(h, keep) {
			hashes = append(hashes, clone(h))
		}
	}
	ib, pb := tx.Bucket(index), tx.Bucket(primary)
	for _, h := range hashes {
		if err := ib.Delete(credentialKey(userKey, h)); err != nil {
			return 0, err
		}
		if err := pb.Delete(h); err != nil {
			return 0, err
		}
	}
	return len(hashes), nil
}

// RevokeTokens revokes every API token of a person; their browser sessions
// stay. Revoking when there are none is no error.
func (s *Store) RevokeTokens(userID, actor string) (int, error) {
	n, err := parseID("user", userID)
	if err != nil {
		return 0, err
	}
	var count int
	err = s.db.Update(func(tx *bolt.Tx) error {
		if _, err := userByKey(tx, u64(n)); err != nil {
			return err
		}
		if count, _, err = endCredentials(tx, u64(n), briefing.Ending{Tokens: true}, nil); err != nil {
			return err
		}
		return audit(tx, s.now(), actor, "token.revoke", "user:"+userID, jsonString(map[string]int{"tokens": count}))
	})
	return count, err
}

// indexCredentials builds the per-user indexes of the tokens and sessions a
// database held before they existed (schema 6).
func indexCredentials(tx *bolt.Tx) error {
	for _, b := range [][]byte{bTokensByUser, bSessionsByUser} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	for _, p := range [][2][]byte{{bTokens, bTokensByUser}, {bSessions, bSessionsByUser}} {
		index := tx.Bucket(p[1])
		err := tx.Bucket(p[0]).ForEach(func(hash, v []byte) error {
			if len(v) < 8 {
				return nil
			}
			return index.Put(credentialKey(v[:8], hash), nil)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
