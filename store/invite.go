package store

import (
	"cmp"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// resetPace is the least time between two reset mails to one person: a
// stranger who knows an address must not be able to flood its mailbox.
const resetPace = time.Minute

// Invite queues an invitation mail to each person: a link to set their
// password. The link itself is made when the mail goes out, and voids the
// person's earlier invitation. It returns how many it queued.
func (s *Store) Invite(userIDs []string, actor string) (int, error) {
	var queued []string
	err := s.db.Update(func(tx *bolt.Tx) error {
		queued = queued[:0]
		now := s.now()
		for _, id := range userIDs {
			n, err := parseID("user", id)
			if err != nil {
				return err
			}
			u, err := userByKey(tx, u64(n))
			if err != nil {
				return err
			}
			if !u.Active {
				return briefing.Conflict("%s is deactivated: reactivate them before inviting them", u.Name)
			}
			queued = append(queued, u.ID)
			if err := audit(tx, now, actor, "user.invite", "user:"+u.ID, u.Email); err != nil {
				return err
			}
		}
		return enqueueInvites(tx, queued, now)
	})
	return len(queued), err
}

// InviteWithoutPassword invites every active person who has no password
// yet: the people an import created.
func (s *Store) InviteWithoutPassword(actor string) (int, error) {
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
			u, err := decodeUser(v)
			if err != nil {
				return err
			}
			if u.Active && len(u.PasswordHash) == 0 {
				ids = append(ids, u.ID)
			}
			return nil
		})
	})
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return s.Invite(ids, actor)
}

// enqueueInvites queues one mail job for all of them, walked in id order
// like any other.
func enqueueInvites(tx *bolt.Tx, ids []string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(x, y string) int { return cmp.Compare(mustID(x), mustID(y)) })
	ids = slices.Compact(ids)
	return enqueueMail(tx, mailJob{Kind: MailInvite, UserIDs: ids}, now)
}

// RequestPasswordReset queues a reset mail if the address belongs to an
// active person. Known or not, it does the same work (one write
// transaction with an audit event) and answers the same, so neither the
// answer nor its timing tells whether the address exists.
func (s *Store) RequestPasswordReset(email, clientAddr string) error {
	email = briefing.NormalizeEmail(email)
	return s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		target := "email:" + email
		if id := tx.Bucket(bUsersByEmail).Get([]byte(email)); id != nil {
			if u, err := userByKey(tx, clone(id)); err == nil && u.Active {
				target = "user:" + u.ID
				if last := lastIssued(tx, mustID(u.ID), briefing.LinkReset); last.IsZero() || now.Sub(last) >= resetPace {
					if err := enqueueMail(tx, mailJob{Kind: MailReset, UserIDs: []string{u.ID}}, now); err != nil {
						return err
					}
				}
			}
		}
		return audit(tx, now, "anonymous", "user.reset_request", target, clientAddr)
	})
}
