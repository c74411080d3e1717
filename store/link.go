package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// Personal links in e-mails (invitations, password resets, briefing
// mails): the token is only ever in the mail; the store keeps its SHA-256,
// like API tokens and sessions.

// linkIndexKey is the key of a person's one live link of a single-use
// kind: a new invitation voids the old one.
func linkIndexKey(userID uint64, kind briefing.LinkKind) []byte {
	return append(u64(userID), kind...)
}

// IssueLinks makes one personal link of kind for each person (about the
// announcement annID, for briefing links) and returns the tokens by user
// id. The mail worker calls it for each chunk it is about to send, so a
// token exists in clear only in the mail that carries it.
func (s *Store) IssueLinks(kind briefing.LinkKind, annID string, userIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(userIDs))
	err := s.db.Update(func(tx *bolt.Tx) error {
		clear(out)
		now := s.now()
		links, index := tx.Bucket(bLinks), tx.Bucket(bLinksByUser)
		for _, uid := range userIDs {
			token := newSecret("fl_")
			l := briefing.Link{Kind: kind, UserID: uid, AnnouncementID: annID, IssuedAt: now, ExpiresAt: now.Add(kind.TTL())}
			v, err := json.Marshal(l)
			if err != nil {
				return err
			}
			h := hashSecret(token)
			if kind.SingleUse() {
				ik := linkIndexKey(mustID(uid), kind)
				if old := index.Get(ik); old != nil {
					if err := links.Delete(clone(old)); err != nil {
						return err
					}
				}
				if err := index.Put(ik, h); err != nil {
					return err
				}
			}
			if err := links.Put(h, v); err != nil {
				return err
			}
			out[uid] = token
		}
		return nil
	})
	return out, err
}

func getLink(tx *bolt.Tx, token string) *briefing.Link {
	v := tx.Bucket(bLinks).Get(hashSecret(token))
	if v == nil {
		return nil
	}
	var l briefing.Link
	if json.Unmarshal(v, &l) != nil {
		return nil
	}
	return &l
}

// Link looks a personal link up without using it: the pages a link opens
// change nothing on GET (mail scanners open links). Unknown, expired, used
// and deactivated all answer the same not found.
func (s *Store) Link(token string, kind briefing.LinkKind) (*briefing.Link, *briefing.User, error) {
	var l *briefing.Link
	var u *briefing.User
	err := s.db.View(func(tx *bolt.Tx) error {
		l = getLink(tx, token)
		if err := briefing.CheckLink(l, kind, s.now()); err != nil {
			return err
		}
		var err error
		if u, err = activeUser(tx, u64(mustID(l.UserID))); err != nil {
			return briefing.CheckLink(nil, kind, s.now())
		}
		return nil
	})
	return l, u, err
}

// SetPasswordByLink spends an invitation or reset link: it sets the
// password hash, ends every session of the person (whoever had one, has
// it no more) and audits it, in one transaction. The caller then signs the
// person in afresh.
func (s *Store) SetPasswordByLink(token string, kind briefing.LinkKind, hash []byte) (*briefing.User, error) {
	var u *briefing.User
	err := s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		l := getLink(tx, token)
		if err := briefing.CheckLink(l, kind, now); err != nil {
			return err
		}
		un := mustID(l.UserID)
		var err error
		if u, err = activeUser(tx, u64(un)); err != nil {
			return briefing.CheckLink(nil, kind, now)
		}
		before := *u
		u.PasswordHash = hash
		if err := putUser(tx.Bucket(bUsers), u); err != nil {
			return err
		}
		l.UsedAt = &now
		v, err := json.Marshal(l)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bLinks).Put(hashSecret(token), v); err != nil {
			return err
		}
		if err := tx.Bucket(bLinksByUser).Delete(linkIndexKey(un, kind)); err != nil {
			return err
		}
		// The leaving rule of a new password; no session is kept: the
		// person sets it from a link, signed in nowhere.
		_, ended, err := endCredentials(tx, u64(un), briefing.EndingOf(&before, u), nil)
		if err != nil {
			return err
		}
		return audit(tx, now, "user:"+u.ID, "user.password_set", "user:"+u.ID,
			jsonString(map[string]any{"link": kind, "sessions_ended": ended}))
	})
	return u, err
}

// PruneLinks removes links that expired: a spent or stale link is no use
// to anybody, and its record only grows the file.
func (s *Store) PruneLinks() (int, error) {
	n := 0
	now := s.now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		c := tx.Bucket(bLinks).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var l briefing.Link
			if json.Unmarshal(v, &l) == nil && now.Before(l.ExpiresAt) {
				continue
			}
			if l.Kind.SingleUse() {
				ik := linkIndexKey(mustID(l.UserID), l.Kind)
				if cur := tx.Bucket(bLinksByUser).Get(ik); cur != nil && string(cur) == string(k) {
					if err := tx.Bucket(bLinksByUser).Delete(ik); err != nil {
						return err
					}
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// lastIssued is when a person's live link of a single-use kind was mailed,
// or zero.
func lastIssued(tx *bolt.Tx, userID uint64, kind briefing.LinkKind) time.Time {
	h := tx.Bucket(bLinksByUser).Get(linkIndexKey(userID, kind))
	if h == nil {
		return time.Time{}
	}
	var l briefing.Link
	if v := tx.Bucket(bLinks).Get(h); v == nil || json.Unmarshal(v, &l) != nil {
		return time.Time{}
	}
	return l.IssuedAt
}

// SessionByLink signs the owner of a briefing mail's link in: a new
// session, audited, in one transaction. Only people whom
// briefing.CanSignInByLink admits; anyone else gets ErrForbidden (with the
// link, so the caller can send them to the sign-in form with the briefing
// as next).
func (s *Store) SessionByLink(token string, ttl time.Duration) (secret string, l *briefing.Link, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		l = getLink(tx, token)
		if err := briefing.CheckLink(l, briefing.LinkBriefing, now); err != nil {
			return err
		}
		un := mustID(l.UserID)
		u, err := activeUser(tx, u64(un))
		if err != nil {
			return briefing.CheckLink(nil, briefing.LinkBriefing, now)
		}
		if !briefing.CanSignInByLink(u) {
			return briefing.Forbidden("people with the roles %v sign in with their password", u.Roles)
		}
		secret = newSecret("fs_")
		if err := putSession(tx, u64(un), hashSecret(secret), now, now.Add(ttl)); err != nil {
			return err
		}
		l.UsedAt = &now
		lv, err := json.Marshal(l)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bLinks).Put(hashSecret(token), lv); err != nil {
			return err
		}
		return audit(tx, now, "user:"+u.ID, "session.link", "announcement:"+l.AnnouncementID, "")
	})
	return secret, l, err
}
