package store

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// manualAssignees reads a manual channel's assignees from its config. The
// store knows only this one field of one kind's config: who may confirm
// its deliveries and who gets the task.
func manualAssignees(c *briefing.Channel) []string {
	var cfg struct {
		Assignees []string `json:"assignees"`
	}
	_ = json.Unmarshal(c.Config, &cfg)
	return cfg.Assignees
}

// awaitPerson files a manual delivery in the awaiting index and gives its
// assignees their task: the inbox reads the index, the mail worker mails it.
func awaitPerson(tx *bolt.Tx, d *briefing.Delivery, c *briefing.Channel, now time.Time) error {
	if err := tx.Bucket(bAwaiting).Put(u64(mustID(d.ID)), nil); err != nil {
		return err
	}
	ids := userIDsByEmail(tx, manualAssignees(c))
	if len(ids) == 0 {
		return nil
	}
	return enqueueMail(tx, mailJob{Kind: MailManualTask, AnnouncementID: d.AnnouncementID, DeliveryID: d.ID, UserIDs: ids}, now)
}

// userIDsByEmail maps e-mails to the ids of active people, in id order.
func userIDsByEmail(tx *bolt.Tx, emails []string) []string {
	var ids []string
	for _, e := range emails {
		if v := tx.Bucket(bUsersByEmail).Get([]byte(briefing.NormalizeEmail(e))); v != nil {
			if u, err := userByKey(tx, v); err == nil && u.Active {
				ids = append(ids, u.ID)
			}
		}
	}
	slices.SortFunc(ids, func(x, y string) int { return cmp.Compare(mustID(x), mustID(y)) })
	return slices.Compact(ids)
}

// unconfirmedNow applies briefing.UnconfirmedAfterNoAnswer to d's kind.
func unconfirmedNow(d *briefing.Delivery, now time.Time) bool {
	k, ok := briefing.LookupKind(d.Kind)
	return ok && briefing.UnconfirmedAfterNoAnswer(k, d, now)
}

// markUnconfirmed takes an unconfirmed delivery out of the outbox, audits
// it and tells the authors and managers to check the account.
func markUnconfirmed(tx *bolt.Tx, d *briefing.Delivery, now time.Time, actor string) error {
	if err := tx.Bucket(bOutbox).Delete(u64(mustID(d.ID))); err != nil {
		return err
	}
	if err := enqueueMail(tx, mailJob{Kind: MailDeliveryUnconfirmed, AnnouncementID: d.AnnouncementID, DeliveryID: d.ID}, now); err != nil {
		return err
	}
	return audit(tx, now, actor, "delivery.unconfirmed", "announcement:"+d.AnnouncementID, d.ChannelName+": "+d.LastError)
}

// BeginAttempt records, before a request goes out, that an attempt is
// under way. A row that still says so when the next attempt begins had an
// attempt whose outcome nobody recorded (the server died mid-send): it
// counts as an attempt without an answer, so a kind without an
// idempotency key becomes unconfirmed instead of posting twice. ok is
// false when the delivery is no longer to be sent.
func (s *Store) BeginAttempt(id string) (d *briefing.Delivery, ok bool, err error) {
	n, err := parseID("delivery", id)
	if err != nil {
		return nil, false, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if d, err = getDelivery(tx, u64(n)); err != nil {
			return err
		}
		if d.State != briefing.DeliveryPending {
			return nil
		}
		now := s.now()
		if d.AttemptingSince != nil {
			if d.FirstUnansweredAt == nil {
				d.FirstUnansweredAt = d.AttemptingSince
			}
			if unconfirmedNow(d, now) {
				d.State, d.AttemptingSince = briefing.DeliveryUnconfirmed, nil
				d.LastError = "an attempt went out and its outcome was never recorded (the server stopped): it may be posted"
				if err := putDelivery(tx, d); err != nil {
					return err
				}
				return markUnconfirmed(tx, d, now, "outbox")
			}
		}
		d.AttemptingSince, ok = &now, true
		return putDelivery(tx, d)
	})
	return d, ok, err
}

// RetryDelivery puts a failed or unconfirmed delivery back in the outbox
// by hand, with its id (the idempotency key) unchanged. For an unconfirmed
// one the caller states it is not posted (briefing.CanRetry).
func (s *Store) RetryDelivery(annID, deliveryID, actor string, notPosted bool) (*briefing.Delivery, error) {
	n, err := parseID("delivery", deliveryID)
	if err != nil {
		return nil, err
	}
	var d *briefing.Delivery
	err = s.db.Update(func(tx *bolt.Tx) error {
		if d, err = getDelivery(tx, u64(n)); err != nil || d.AnnouncementID != annID {
			return briefing.NotFound("no such delivery")
		}
		a, err := getAnnouncement(tx, u64(mustID(annID)))
		if err != nil {
			return err
		}
		if err := briefing.CanRetry(a, d, notPosted); err != nil {
			return err
		}
		now := s.now()
		detail := d.ChannelName
		if d.State == briefing.DeliveryUnconfirmed {
			detail += ": stated not posted"
			// A fresh start of the key's window: the person checked.
			d.FirstUnansweredAt = nil
		}
		d.State, d.NextAttemptAt, d.AttemptingSince = briefing.DeliveryPending, now, nil
		if err := putDelivery(tx, d); err != nil {
			return err
		}
		if err := tx.Bucket(bOutbox).Put(u64(n), nil); err != nil {
			return err
		}
		return audit(tx, now, actor, "delivery.retry", "announcement:"+annID, detail)
	})
	if err == nil {
		s.signal(s.OnRelease)
	}
	return d, err
}

// ConfirmDelivery marks an awaiting or unconfirmed delivery as posted, by
// an author, manager or admin, or an assignee of its manual channel.
func (s *Store) ConfirmDelivery(annID, deliveryID string, by *briefing.User, postURL string) (*briefing.Delivery, error) {
	n, err := parseID("delivery", deliveryID)
	if err != nil {
		return nil, err
	}
	var d *briefing.Delivery
	err = s.db.Update(func(tx *bolt.Tx) error {
		if d, err = getDelivery(tx, u64(n)); err != nil || d.AnnouncementID != annID {
			return briefing.NotFound("no such delivery")
		}
		var assignees []string
		if c, err := getChannel(tx, u64(mustID(d.ChannelID))); err == nil {
			assignees = manualAssignees(c)
		}
		if err := briefing.MayConfirm(by, assignees); err != nil {
			return err
		}
		if err := briefing.CanConfirm(d); err != nil {
			return err
		}
		now := s.now()
		d.State, d.SentAt, d.PostURL, d.ConfirmedBy, d.LastError = briefing.DeliverySent, &now, postURL, by.ID, ""
		if err := putDelivery(tx, d); err != nil {
			return err
		}
		if err := tx.Bucket(bAwaiting).Delete(u64(n)); err != nil {
			return err
		}
		if err := tx.Bucket(bOutbox).Delete(u64(n)); err != nil {
			return err
		}
		return audit(tx, now, "user:"+by.ID, "delivery.confirm", "announcement:"+annID, d.ChannelName+" "+postURL)
	})
	return d, err
}

// AwaitingTask is a manual delivery as its assignees see it.
type AwaitingTask struct {
	Delivery  *briefing.Delivery
	Channel   *briefing.Channel
	Assignees []string
}

// Awaiting lists the manual deliveries awaiting a person; with email set,
// only those assigned to that person.
func (s *Store) Awaiting(email string) ([]AwaitingTask, error) {
	var out []AwaitingTask
	email = briefing.NormalizeEmail(email)
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAwaiting).ForEach(func(k, _ []byte) error {
			d, err := getDelivery(tx, k)
			if err != nil {
				return err
			}
			c, err := getChannel(tx, u64(mustID(d.ChannelID)))
			if err != nil {
				return err
			}
			as := manualAssignees(c)
			for _, a := range as {
				if email == "" || a == email {
					out = append(out, AwaitingTask{Delivery: d, Channel: c, Assignees: as})
					break
				}
			}
			return nil
		})
	})
	return out, err
}

// RemindAwaiting queues the one reminder of every manual delivery still
// awaiting its person after briefing.ManualReminderAfter (the scheduler
// calls it), and says how many it queued.
func (s *Store) RemindAwaiting() (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		c := tx.Bucket(bAwaiting).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			d, err := getDelivery(tx, k)
			if err != nil {
				return err
			}
			if !briefing.DueManualReminder(d, now) {
				continue
			}
			d.RemindedAt = &now
			if err := putDelivery(tx, d); err != nil {
				return err
			}
			ch, err := getChannel(tx, u64(mustID(d.ChannelID)))
			if err != nil {
				return err
			}
			if ids := userIDsByEmail(tx, manualAssignees(ch)); len(ids) > 0 {
				if err := enqueueMail(tx, mailJob{Kind: MailManualReminder, AnnouncementID: d.AnnouncementID, DeliveryID: d.ID, UserIDs: ids}, now); err != nil {
					return err
				}
			}
			if err := audit(tx, now, "scheduler", "delivery.remind", "announcement:"+d.AnnouncementID, d.ChannelName); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
