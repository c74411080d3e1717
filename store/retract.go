package store

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// createRetractions writes, in the withdrawal's transaction, one
// retraction delivery for every post of a that went out
// (briefing.Retraction): pending in the outbox where the platform takes it
// down, awaiting a person otherwise, who is mailed the task.
func createRetractions(tx *bolt.Tx, a *briefing.Announcement, reason string, now time.Time) error {
	var posts []*briefing.Delivery
	if err := eachDeliveryOf(tx, mustID(a.ID), func(d *briefing.Delivery) error {
		posts = append(posts, d)
		return nil
	}); err != nil {
		return err
	}
	for _, post := range posts {
		spec, known := briefing.LookupKind(post.Kind)
		if !known {
			spec = briefing.KindSpec{Kind: post.Kind} // a person's task
		}
		state, ok := briefing.Retraction(post, spec)
		if !ok {
			continue
		}
		b := tx.Bucket(bDeliveries)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		r := &briefing.Delivery{
			ID: formatID(id), ReceiverID: briefing.NewReceiverID(), AnnouncementID: a.ID, ChannelID: post.ChannelID, ChannelName: post.ChannelName, Kind: post.Kind,
			State: state, CreatedAt: now, NextAttemptAt: now, Action: briefing.ActionRetract, RetractsID: post.ID,
			PostID: post.PostID, PostURL: post.PostURL, Reason: reason,
		}
		if err := putDelivery(tx, r); err != nil {
			return err
		}
		if err := tx.Bucket(bDeliveriesAnn).Put(pair(mustID(a.ID), id), nil); err != nil {
			return err
		}
		if state == briefing.DeliveryPending {
			if err := tx.Bucket(bOutbox).Put(u64(id), nil); err != nil {
				return err
			}
			continue
		}
		// The authors and managers are told; a manual channel's assignees,
		// who posted it, too.
		job := mailJob{Kind: MailRetractByHand, AnnouncementID: a.ID, DeliveryID: r.ID}
		if post.Kind == "manual" {
			if c, err := getChannel(tx, u64(mustID(post.ChannelID))); err == nil {
				job.UserIDs = userIDsByEmail(tx, manualAssignees(c))
			}
		}
		if err := enqueueMail(tx, job, now); err != nil {
			return err
		}
	}
	return nil
}
