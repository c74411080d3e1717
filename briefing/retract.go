package briefing

// RetractMode is how withdrawing an announcement takes a kind's post down.
type RetractMode int

// The retract modes. The zero value is a person's task: a kind that says
// nothing is never assumed to be retractable.
const (
	// RetractByPerson: the platform offers no way (Slack, e-mail, manual,
	// Threads): the authors or assignees are asked to remove it by hand.
	RetractByPerson RetractMode = iota
	// RetractByAPI: the platform deletes the post by its id (X, LinkedIn,
	// Facebook, Bluesky, Mastodon).
	RetractByAPI
	// RetractByEvent: the receiver is told (a webhook's
	// announcement.withdrawn); no post id needed.
	RetractByEvent
	// RetractLocal: nothing outside to take down (the newsroom: a
	// withdrawn item leaves /news by itself).
	RetractLocal
)

// Retraction says what withdrawing does to one delivery: ok is false when
// there is nothing to retract (it was never sent, it is a retraction
// itself, or it was local); otherwise the retraction delivery starts in
// state: pending for a platform that deletes it (its own retries, like a
// post's), awaiting for a person's task. A post the platform took without
// naming it (a duplicate noted as sent) cannot be deleted by id, so a
// person does it.
func Retraction(d *Delivery, spec KindSpec) (state DeliveryState, ok bool) {
	if d.Action == ActionRetract || d.State != DeliverySent {
		return "", false
	}
	switch spec.Retract {
	case RetractLocal:
		return "", false
	case RetractByEvent:
		return DeliveryPending, true
	case RetractByAPI:
		if d.PostID != "" {
			return DeliveryPending, true
		}
	}
	return DeliveryAwaiting, true
}
