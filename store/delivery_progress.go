package store

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// processID names this process's leases. bbolt lets one process open the
// file, so a lease another process wrote belongs to one that is gone (a
// crash): it is void at once, and the unknown outcome of its attempt is
// BeginAttempt's to judge, without waiting for the lease to run out.
var processID = briefing.NewReceiverID()

// ClaimDelivery gives the caller the lease on a due pending delivery
// until until: no other worker claims it before then. The lease must
// outlast the kind's longest attempt (the outbox's AttemptBudget), so that
// a slow platform call is never sent again beside itself. A delivery that
// is not pending, not due, or leased to another worker answers a conflict.
// The outbox calls BeginAttempt next.
func (s *Store) ClaimDelivery(id string, until time.Time) (*briefing.Delivery, error) {
	n, err := parseID("delivery", id)
	if err != nil {
		return nil, err
	}
	var d *briefing.Delivery
	err = s.db.Update(func(tx *bolt.Tx) error {
		if d, err = getDelivery(tx, u64(n)); err != nil {
			return err
		}
		now := s.now()
		switch {
		case d.State != briefing.DeliveryPending:
			return briefing.Conflict("the delivery is %s", d.State)
		case d.NextAttemptAt.After(now):
			return briefing.Conflict("the delivery is not due")
		case d.Leased(now) && d.LeaseOwner == processID:
			return briefing.Conflict("another worker is sending the delivery")
		}
		d.LeaseUntil, d.LeaseOwner = &until, processID
		return putDelivery(tx, d)
	})
	return d, err
}

// SaveDeliveryProgress stores one entry of what a retry of a delivery
// needs (Bluesky's record key, Threads' container), synchronously, before
// the request that needs it goes out. Only a pending delivery takes it.
func (s *Store) SaveDeliveryProgress(id, key, value string) error {
	n, err := parseID("delivery", id)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		d, err := getDelivery(tx, u64(n))
		if err != nil {
			return err
		}
		if d.State != briefing.DeliveryPending {
			return briefing.Conflict("the delivery is %s", d.State)
		}
		if d.Progress == nil {
			d.Progress = map[string]string{}
		}
		d.Progress[key] = value
		return putDelivery(tx, d)
	})
}

// KeepSession keeps a platform session (Bluesky's) in the channel's config
// as "session", sealed with the config's secrets; the kind's sender reads
// it from there. It implements channel.SessionKeeper.
func (s *Store) KeepSession(_ context.Context, channelID string, session json.RawMessage) error {
	n, err := parseID("channel", channelID)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		c, err := getChannel(tx, u64(n))
		if err != nil {
			return err
		}
		var config map[string]json.RawMessage
		if err := json.Unmarshal(c.Config, &config); err != nil {
			return err
		}
		config["session"] = session
		if c.Config, err = json.Marshal(config); err != nil {
			return err
		}
		return putChannel(tx, c)
	})
}

// withAdmins adds every active admin to ids, in id order.
func withAdmins(tx *bolt.Tx, ids []string) ([]string, error) {
	err := tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
		u, err := decodeUser(v)
		if err != nil {
			return err
		}
		if u.Active && hasRole(u, briefing.RoleAdmin) && !slices.Contains(ids, u.ID) {
			ids = append(ids, u.ID)
		}
		return nil
	})
	slices.SortFunc(ids, func(x, y string) int { return cmp.Compare(mustID(x), mustID(y)) })
	return ids, err
}
