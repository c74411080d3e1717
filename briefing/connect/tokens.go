package connect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

var _ channel.TokenProvider = (*Service)(nil)

// notConnected is channel.ErrNotConnected with the reason beside it.
type notConnected struct{ reason string }

func (e notConnected) Error() string {
	if e.reason == "" {
		return channel.ErrNotConnected.Error()
	}
	return channel.ErrNotConnected.Error() + " (" + e.reason + ")"
}

func (e notConnected) Is(target error) bool { return target == channel.ErrNotConnected }

// Token returns a current access token for a channel. It refreshes the
// token first when it lapses within briefing.TokenRefreshLead, or when
// refused is the token the channel holds (the platform answered 401 to
// it). Refreshes of one channel take turns: a caller that waited finds
// the token its predecessor fetched and spends no second refresh token
// (X's rotate: each one works once). A refused refresh token disconnects
// the channel and tells the admins; the error is then
// channel.ErrNotConnected.
func (s *Service) Token(ctx context.Context, channelID string, refused string) (string, error) {
	lock := s.lockOf(channelID)
	lock.Lock()
	defer lock.Unlock()

	ch, err := s.st.Channel(channelID)
	if err != nil {
		return "", err
	}
	t := briefing.TokensOf(ch.Config)
	if !t.Connected() {
		return "", notConnected{reason: t.Failed}
	}
	stale := refused != "" && refused == t.AccessToken
	if !stale && !t.RefreshDue(s.st.Now()) {
		return t.AccessToken, nil
	}
	cfg, app, _, cerr := channel.OAuthConfig(*ch, s.RedirectURL())
	if t.RefreshToken == "" || cerr != nil {
		if !stale {
			// Nothing to renew it with: use it while the platform takes it.
			return t.AccessToken, nil
		}
		return "", s.disconnect(ch, "the platform refused the access token and there is no refresh token to renew it")
	}
	ctx, cancel := context.WithTimeout(s.clientContext(ctx), exchangeTimeout)
	defer cancel()
	// An empty access token makes the source refresh at once.
	tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: t.RefreshToken}).Token()
	if err != nil {
		if refusedGrant(err) {
			return "", s.disconnect(ch, fmt.Sprintf("%s refused the refresh token (%s)", app.Platform, describe(err)))
		}
		// No answer, or the platform's own trouble: the next attempt tries again.
		return "", fmt.Errorf("renewing the %s token failed (%s); the next attempt tries again", app.Platform, describe(err))
	}
	next := briefing.ChannelTokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry.UTC()}
	if next.RefreshToken == "" {
		next.RefreshToken = t.RefreshToken // LinkedIn may not rotate it
	}
	if err := s.st.RefreshedChannelTokens(ch.ID, next); err != nil {
		// The new access token works; the rotated refresh token is lost,
		// and the next refresh will say so by disconnecting.
		s.log.Error("storing refreshed tokens failed", "channel", ch.ID, "err", err)
	}
	s.log.Info("channel token refreshed", "channel", ch.ID, "kind", ch.Kind, "expires", next.Expiry, "after_refusal", stale)
	return next.AccessToken, nil
}

// refusedGrant says whether a refresh failed for good: the platform
// answered that the grant or the client is not valid (400 or 401), as
// opposed to not answering or failing on its side.
func refusedGrant(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return false
	}
	switch re.ErrorCode {
	case "invalid_grant", "invalid_client", "unauthorized_client", "invalid_request":
		return true
	}
	return re.Response != nil && (re.Response.StatusCode == http.StatusBadRequest || re.Response.StatusCode == http.StatusUnauthorized)
}

// disconnect marks the channel not connected and tells the admins.
func (s *Service) disconnect(ch *briefing.Channel, reason string) error {
	if err := s.st.DisconnectChannel(ch.ID, reason); err != nil {
		s.log.Error("recording a disconnected channel failed", "channel", ch.ID, "err", err)
	}
	s.log.Warn("channel disconnected: an admin must connect it again", "channel", ch.ID, "kind", ch.Kind, "reason", reason)
	return notConnected{reason: reason}
}

func (s *Service) lockOf(channelID string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.locks[channelID]
	if !ok {
		l = &sync.Mutex{}
		s.locks[channelID] = l
	}
	return l
}
