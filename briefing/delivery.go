package briefing

import "time"

// DeliveryState is where one delivery to one channel stands.
type DeliveryState string

// The delivery states (API.md "Deliveries: states and actions").
const (
	DeliveryPending     DeliveryState = "pending"
	DeliverySent        DeliveryState = "sent"
	DeliveryFailed      DeliveryState = "failed"
	DeliveryUnconfirmed DeliveryState = "unconfirmed" // an attempt without an answer, on a kind without a key
	DeliveryAwaiting    DeliveryState = "awaiting"    // a manual channel: a person has to post it
)

// Delivery is one announcement going out on one channel. Its ReceiverID is
// the idempotency key of every attempt: receivers deduplicate resends by it.
type Delivery struct {
	ID string `json:"id"`
	// ReceiverID is what the receiver sees as webhook-id, Idempotency-Key or
	// Message-ID: random (NewReceiverID), fixed at creation, the same on
	// every retry. ID is a sequence number and repeats after a restore.
	ReceiverID     string        `json:"receiver_id"`
	AnnouncementID string        `json:"announcement_id"`
	ChannelID      string        `json:"channel_id"`
	ChannelName    string        `json:"channel_name"`
	Kind           ChannelKind   `json:"kind"`
	State          DeliveryState `json:"state"`
	Attempts       int           `json:"attempts"`
	LastError      string        `json:"last_error"`
	CreatedAt      time.Time     `json:"created_at"`
	NextAttemptAt  time.Time     `json:"next_attempt_at"`
	SentAt         *time.Time    `json:"sent_at"`
	PostURL        string        `json:"post_url"`
	// FirstUnansweredAt is when the first attempt that got no answer went
	// out: past the kind's idempotency window a retry could post twice.
	FirstUnansweredAt *time.Time `json:"first_unanswered_at,omitempty"`
	// AttemptingSince is written before a request goes out and cleared when
	// its outcome is recorded: a row that still has it after a crash had an
	// attempt whose outcome nobody knows.
	AttemptingSince *time.Time `json:"attempting_since,omitempty"`
	ConfirmedBy     string     `json:"confirmed_by,omitempty"`
	RemindedAt      *time.Time `json:"reminded_at,omitempty"` // a manual delivery's one reminder
	// Action is what the delivery does: post the announcement, or retract
	// the post of an earlier delivery (RetractsID) after a withdrawal.
	Action     DeliveryAction `json:"action"`
	RetractsID string         `json:"retracts_id,omitempty"`
	Reason     string         `json:"reason,omitempty"` // a retraction's: why it was withdrawn
	// PostID is the platform's id of the post (what a retraction deletes);
	// Note says how an unusual outcome was read (a duplicate counted as sent).
	PostID string `json:"post_id,omitempty"`
	Note   string `json:"note,omitempty"`
	// Progress is what a retry needs, stored before the request that needs
	// it goes out: Bluesky's record key, Threads' container id. No secrets.
	Progress map[string]string `json:"progress,omitempty"`
	// LeaseUntil is how long the worker sending it owns it: longer than
	// the kind's longest attempt, so no other worker sends it meanwhile.
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
	LeaseOwner string     `json:"lease_owner,omitempty"` // the process holding it
}

// DeliveryAction is what a delivery does on its channel.
type DeliveryAction string

// The delivery actions (API.md "Deliveries as receivers see them").
const (
	ActionPost    DeliveryAction = "post"
	ActionRetract DeliveryAction = "retract"
)

// Leased reports whether a worker owns the delivery at now.
func (d *Delivery) Leased(now time.Time) bool {
	return d.LeaseUntil != nil && now.Before(*d.LeaseUntil)
}

// MaxAttempts is how often a delivery is tried before it is failed.
const MaxAttempts = 8

// RetryDelay is the wait before the attempt after attempt n (1-based): 2 s,
// then 20 s, then doubling from a minute with up to 20% jitter, so that 8
// attempts span well over 30 minutes (2+20+60+120+240+480+960 s ≈ 31 min).
// A receiver's Retry-After wins when it asks for longer. jitter is taken
// from [0, 1]; n below 1 counts as 1, and no wait exceeds maxRetryDelay
// (an unguarded shift would panic for n < 1 and overflow for large n).
func RetryDelay(n int, retryAfter time.Duration, jitter float64) time.Duration {
	var d time.Duration
	switch {
	case n <= 1:
		d = 2 * time.Second
	case n == 2:
		d = 20 * time.Second
	default:
		d = time.Minute << min(n-3, 16)
		d += time.Duration(float64(d) * 0.2 * min(max(jitter, 0), 1))
	}
	return min(max(d, retryAfter), maxRetryDelay)
}

// maxRetryDelay bounds every wait between attempts, a receiver's
// Retry-After included.
const maxRetryDelay = 6 * time.Hour
