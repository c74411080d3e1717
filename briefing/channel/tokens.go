package channel

import "context"

// TokenProvider hands the X and LinkedIn senders a current access token
// for a channel. After the platform refused one (a 401), the sender asks
// again with the refused token: the provider refreshes once, and the
// sender retries once.
type TokenProvider interface {
	Token(ctx context.Context, channelID string, refused string) (string, error)
}
