package store

import (
	"bytes"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

func createDelivery(tx *bolt.Tx, a *briefing.Announcement, channelID string, now time.Time) error {
	c, err := getChannel(tx, u64(mustID(channelID)))
	if err != nil {
		return err
	}
	b := tx.Bucket(bDeliveries)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	d := &briefing.Delivery{
		ID: formatID(id), ReceiverID: briefing.NewReceiverID(), AnnouncementID: a.ID, ChannelID: c.ID, ChannelName: c.Name, Kind: c.Kind,
		State: briefing.DeliveryPending, CreatedAt: now, NextAttemptAt: now, Action: briefing.ActionPost,
	}
	if k, ok := briefing.LookupKind(c.Kind); ok {
		d.State = briefing.InitialDeliveryState(k)
	}
	if d.State == briefing.DeliverySent {
		d.SentAt = &now // local: the newsroom page is up with the release
	}
	if err := putDelivery(tx, d); err != nil {
		return err
	}
	if err := tx.Bucket(bDeliveriesAnn).Put(pair(mustID(a.ID), id), nil); err != nil {
		return err
	}
	switch d.State {
	case briefing.DeliveryAwaiting:
		return awaitPerson(tx, d, c, now)
	case briefing.DeliveryPending:
		return tx.Bucket(bOutbox).Put(u64(id), nil)
	}
	return nil
}

func putDelivery(tx *bolt.Tx, d *briefing.Delivery) error {
	v, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return tx.Bucket(bDeliveries).Put(u64(mustID(d.ID)), v)
}

func getDelivery(tx *bolt.Tx, key []byte) (*briefing.Delivery, error) {
	v := tx.Bucket(bDeliveries).Get(key)
	if v == nil {
		return nil, briefing.NotFound("no such delivery")
	}
	var d briefing.Delivery
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, err
	}
	if d.Action == "" {
		d.Action = briefing.ActionPost // made before retractions existed
	}
	return &d, nil
}

func eachDeliveryOf(tx *bolt.Tx, annID uint64, fn func(d *briefing.Delivery) error) error {
	prefix := u64(annID)
	c := tx.Bucket(bDeliveriesAnn).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		d, err := getDelivery(tx, k[8:])
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

func cancelDeliveries(tx *bolt.Tx, annID uint64, now time.Time) error {
	return eachDeliveryOf(tx, annID, func(d *briefing.Delivery) error {
		if d.State != briefing.DeliveryPending {
			return nil
		}
		d.State, d.LastError = briefing.DeliveryFailed, "withdrawn before it was sent"
		if err := putDelivery(tx, d); err != nil {
			return err
		}
		return tx.Bucket(bOutbox).Delete(u64(mustID(d.ID)))
	})
}

// Deliveries lists an announcement's deliveries in channel order.
func (s *Store) Deliveries(annID string) ([]*briefing.Delivery, error) {
	n, err := parseID("announcement", annID)
	if err != nil {
		return nil, err
	}
	out := []*briefing.Delivery{}
	err = s.db.View(func(tx *bolt.Tx) error {
		if _, err := getAnnouncement(tx, u64(n)); err != nil {
			return err
		}
		return eachDeliveryOf(tx, n, func(d *briefing.Delivery) error {
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// Delivery returns one delivery.
func (s *Store) Delivery(id string) (*briefing.Delivery, error) {
	n, err := parseID("delivery", id)
	if err != nil {
		return nil, err
	}
	var d *briefing.Delivery
	err = s.db.View(func(tx *bolt.Tx) error {
		d, err = getDelivery(tx, u64(n))
		return err
	})
	return d, err
}

// Outbox returns the pending deliveries, with the earliest next attempt.
func (s *Store) Outbox() ([]*briefing.Delivery, error) {
	var out []*briefing.Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bOutbox).ForEach(func(k, _ []byte) error {
			d, err := getDelivery(tx, k)
			if err == nil {
				out = append(out, d)
			}
			return err
		})
	})
	return out, err
}

// Attempt is the outcome of one try at a delivery.
type Attempt struct {
	Err       error         // nil: sent
	NoAnswer  bool          // the request went out and no answer came back: it may be posted
	NextDelay time.Duration // when to try again after a failure
	GiveUp    bool          // no more tries: the delivery has failed
	Disable   bool          // the channel answered 410 Gone
	// TellAdmins: only an admin can fix it (connect the account again):
	// the admins are told with the authors and managers.
	TellAdmins bool
	// What the platform answered to a post: its id, its address, a note.
	PostID, PostURL, Note string
}

// RecordAttempt writes the outcome of one try. A sent or failed delivery
// leaves the outbox; a failed one is audited so that it is never silent.
func (s *Store) RecordAttempt(id string, at Attempt) (*briefing.Delivery, error) {
	n, err := parseID("delivery", id)
	if err != nil {
		return nil, err
	}
	var d *briefing.Delivery
	err = s.db.Update(func(tx *bolt.Tx) error {
		if d, err = getDelivery(tx, u64(n)); err != nil {
			return err
		}
		if d.State != briefing.DeliveryPending {
			return briefing.Conflict("the delivery is already %s", d.State)
		}
		now := s.now()
		d.Attempts++
		d.AttemptingSince, d.LeaseUntil, d.LeaseOwner = nil, nil, ""
		if at.Err != nil && at.NoAnswer && d.FirstUnansweredAt == nil {
			d.FirstUnansweredAt = &now
		}
		switch {
		case at.Err == nil:
			d.State, d.SentAt, d.LastError = briefing.DeliverySent, &now, ""
			d.PostID, d.PostURL, d.Note = at.PostID, at.PostURL, at.Note
		case at.NoAnswer && unconfirmedNow(d, now):
			d.State, d.LastError = briefing.DeliveryUnconfirmed, at.Err.Error()
		case at.GiveUp || at.Disable:
			d.State, d.LastError = briefing.DeliveryFailed, at.Err.Error()
		default:
			d.LastError, d.NextAttemptAt = at.Err.Error(), now.Add(at.NextDelay)
		}
		if err := putDelivery(tx, d); err != nil {
			return err
		}
		if d.State == briefing.DeliveryPending {
			return nil
		}
		if err := tx.Bucket(bOutbox).Delete(u64(n)); err != nil {
			return err
		}
		if d.State == briefing.DeliverySent {
			return nil
		}
		if d.State == briefing.DeliveryUnconfirmed {
			return markUnconfirmed(tx, d, now, "outbox")
		}
		if at.Disable {
			c, err := getChannel(tx, u64(mustID(d.ChannelID)))
			if err != nil {
				return err
			}
			c.Disabled, c.Note = true, "the receiver answered 410 Gone: it no longer accepts deliveries"
			if err := putChannel(tx, c); err != nil {
				return err
			}
			if err := audit(tx, now, "outbox", "channel.disable", "channel:"+c.ID, c.Note); err != nil {
				return err
			}
		}
		if err := enqueueMail(tx, mailJob{Kind: MailDeliveryFailed, AnnouncementID: d.AnnouncementID, DeliveryID: d.ID, Admins: at.TellAdmins}, now); err != nil {
			return err
		}
		return audit(tx, now, "outbox", "delivery.failed", "announcement:"+d.AnnouncementID, d.ChannelName+": "+d.LastError)
	})
	return d, err
}
