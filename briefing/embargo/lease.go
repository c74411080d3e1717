package embargo

import (
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// leaseMargin is how much longer than an attempt's budget a delivery is
// leased: room for reading the announcement and recording the outcome.
const leaseMargin = 30 * time.Second

// leaseFor is how long a worker owns a delivery of kind (store.ClaimDelivery):
// longer than any attempt it can make (channel.AttemptBudget bounds the
// attempt's context: a token refresh and the retry after it, Threads' two
// steps, Bluesky's session renewal), so no other worker posts it
// meanwhile. A lease shorter than the call is how schedulers post twice.
func leaseFor(kind briefing.ChannelKind) time.Duration {
	return channel.AttemptBudget(kind) + leaseMargin
}
