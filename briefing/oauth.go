package briefing

import (
	"encoding/json"
	"time"
)

// OAuthStateTTL is how long a connect attempt's state is good for: long
// enough to sign in at the platform and approve, short enough that a
// leaked link is soon worthless.
const OAuthStateTTL = 10 * time.Minute

// TokenRefreshLead is how long before its expiry an access token is
// renewed, so that no request goes out with a token about to lapse.
const TokenRefreshLead = time.Minute

// OAuthState is one connect attempt as the server keeps it: which channel,
// for whom (the admin and the hash of their session), the PKCE verifier,
// and until when. The state itself is stored only hashed.
type OAuthState struct {
	ChannelID   string    `json:"channel_id"`
	UserID      string    `json:"user_id"`
	SessionHash []byte    `json:"session_hash"`
	Verifier    string    `json:"verifier"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// CheckOAuthState says whether a returning callback may use a state: it
// must exist, be unexpired, and belong to the same admin's same session.
// Every refusal is the same invalid error, so a prober learns nothing.
func CheckOAuthState(st *OAuthState, userID string, sessionHash []byte, now time.Time) error {
	refused := Invalid("state", "this connect link is not valid (expired, used already, or started in another sign-in): start again from the channels page")
	if st == nil || st.UserID != userID || !now.Before(st.ExpiresAt) || len(sessionHash) == 0 ||
		string(st.SessionHash) != string(sessionHash) {
		return refused
	}
	return nil
}

// ChannelTokens are the OAuth tokens of an x or linkedin channel, kept in
// its (sealed) config beside the client credentials: the access token, the
// refresh token, when the access token lapses, and why the last refresh
// failed, if it did.
type ChannelTokens struct {
	AccessToken  string    `json:"access_token,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"token_expiry,omitzero"`
	Failed       string    `json:"token_failed,omitempty"`
}

// TokensOf reads the tokens out of a channel config; a config without
// them gives the zero value.
func TokensOf(config json.RawMessage) ChannelTokens {
	var t ChannelTokens
	_ = json.Unmarshal(config, &t)
	return t
}

// WithTokens returns config with t's fields written over its own and every
// other field kept as it was: the kind's own settings are not this code's
// to know. An empty field is removed.
func WithTokens(config json.RawMessage, t ChannelTokens) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(config) > 0 {
		if err := json.Unmarshal(config, &m); err != nil {
			return nil, err
		}
	}
	set := func(k string, v any, empty bool) {
		if empty {
			delete(m, k)
			return
		}
		b, _ := json.Marshal(v)
		m[k] = b
	}
	set("access_token", t.AccessToken, t.AccessToken == "")
	set("refresh_token", t.RefreshToken, t.RefreshToken == "")
	set("token_expiry", t.Expiry, t.Expiry.IsZero())
	set("token_failed", t.Failed, t.Failed == "")
	return json.Marshal(m)
}

// Connected says whether a channel's tokens can post: there is an access
// token and the last refresh did not fail.
func (t ChannelTokens) Connected() bool { return t.AccessToken != "" && t.Failed == "" }

// RefreshDue says whether an access token is to be renewed before use: it
// lapses within TokenRefreshLead. A token without an expiry never is.
func (t ChannelTokens) RefreshDue(now time.Time) bool {
	return !t.Expiry.IsZero() && !now.Before(t.Expiry.Add(-TokenRefreshLead))
}
