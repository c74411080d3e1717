package channel

import (
	"context"
	"encoding/json"
	"errors"
)

// TokenProvider gives an OAuth channel (x, linkedin) a current access
// token. refused is the token the platform just answered 401 to (empty on
// the first call): the provider refreshes that one once, and hands back the
// new token. The oauth code implements it; without one (Env.Tokens nil) the
// senders use the access_token of their config.
type TokenProvider interface {
	Token(ctx context.Context, channelID string, refused string) (string, error)
}

// SessionKeeper keeps a platform session with its channel, sealed like the
// channel's secrets (the store does that), so that a restart or the next
// delivery reuses it instead of signing in again: Bluesky allows only a
// few dozen sign-ins a day.
type SessionKeeper interface {
	KeepSession(ctx context.Context, channelID string, session json.RawMessage) error
}

// tokenRefusedMsg is what a second 401 means: the token was refreshed (or
// there is no way to refresh it) and the platform still refuses it.
const tokenRefusedMsg = "the account's token expired or was revoked: connect the account again"

// bearer hands out the token an OAuth sender posts with.
type bearer struct {
	channelID string
	static    string // the config's access_token
	tokens    TokenProvider
}

// token returns the token to use; refused is the one just answered 401.
// Without a provider there is nothing to refresh: a refused static token
// stays refused.
func (b bearer) token(ctx context.Context, refused string) (string, error) {
	if b.tokens == nil {
		if refused != "" {
			return "", errors.New("no way to refresh the token")
		}
		if b.static == "" {
			return "", errors.New("the account is not connected")
		}
		return b.static, nil
	}
	return b.tokens.Token(ctx, b.channelID, refused)
}
