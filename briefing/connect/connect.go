// Package connect connects X and LinkedIn channels to their accounts with
// OAuth 2.0 (authorization code with PKCE S256) and keeps their tokens
// fresh: it is the channel.TokenProvider of the senders. The tokens live
// in the channel's sealed config (store); the rules in briefing.
package connect

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// CallbackPath is where the platforms send the admin back: the redirect
// URI to register with the X and LinkedIn apps, under the base URL.
const CallbackPath = "/admin/channels/oauth/callback"

// exchangeTimeout bounds one call to a token endpoint.
const exchangeTimeout = 15 * time.Second

// Options is what the service needs from the server.
type Options struct {
	Store   *store.Store
	BaseURL string       // the public address; the redirect URI is under it
	Client  *http.Client // the guarded client every channel request uses
	Logger  *slog.Logger
}

// Service starts and finishes connects and hands out current tokens.
type Service struct {
	st      *store.Store
	baseURL string
	client  *http.Client
	log     *slog.Logger

	mu    sync.Mutex
	locks map[string]*sync.Mutex // per channel: one refresh at a time
}

// New returns the service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Client == nil {
		o.Client = channel.NewGuardedDialer(channel.AllowExternal()).Client()
	}
	return &Service{st: o.Store, baseURL: o.BaseURL, client: o.Client, log: o.Logger, locks: map[string]*sync.Mutex{}}
}

// RedirectURL is the callback's full address.
func (s *Service) RedirectURL() string { return s.baseURL + CallbackPath }

// Begin starts connecting a channel for an admin in the session whose
// secret is given: it keeps a one-time state and the PKCE verifier, and
// returns the platform's authorization address to send the browser to.
func (s *Service) Begin(channelID string, admin *briefing.User, session string) (string, error) {
	ch, err := s.st.Channel(channelID)
	if err != nil {
		return "", err
	}
	cfg, _, ok, err := channel.OAuthConfig(*ch, s.RedirectURL())
	if !ok {
		return "", briefing.Conflict("%s channels are not connected to an account: their config carries what they need", ch.Kind)
	}
	if err != nil {
		return "", err
	}
	state, verifier := rand.Text(), oauth2.GenerateVerifier()
	err = s.st.PutOAuthState(state, session, briefing.OAuthState{
		ChannelID: ch.ID, UserID: admin.ID, Verifier: verifier, ExpiresAt: s.st.Now().Add(briefing.OAuthStateTTL),
	})
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil
}

// Abandon uses up a state whose callback brought no code (the admin
// declined): it cannot be replayed, and it must have been this admin's.
func (s *Service) Abandon(state string, admin *briefing.User, session string) (*briefing.Channel, error) {
	st, err := s.st.TakeOAuthState(state, admin.ID, session)
	if err != nil {
		return nil, err
	}
	return s.st.Channel(st.ChannelID)
}

// Finish completes a connect: the state is used up and checked, the code
// exchanged with the verifier, and the tokens stored (channel.connect
// audited). It returns the connected channel.
func (s *Service) Finish(ctx context.Context, state, code string, admin *briefing.User, session string) (*briefing.Channel, error) {
	st, err := s.st.TakeOAuthState(state, admin.ID, session)
	if err != nil {
		return nil, err
	}
	ch, err := s.st.Channel(st.ChannelID)
	if err != nil {
		return nil, err
	}
	cfg, app, _, err := channel.OAuthConfig(*ch, s.RedirectURL())
	if err != nil {
		return nil, err
	}
	if code == "" {
		return nil, briefing.Invalid("code", "%s sent no authorization code back: start again from the channels page", app.Platform)
	}
	ctx, cancel := context.WithTimeout(s.clientContext(ctx), exchangeTimeout)
	defer cancel()
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return nil, briefing.Invalid("code", "%s did not exchange the authorization code (%s): nothing was stored; start again from the channels page", app.Platform, describe(err))
	}
	t := briefing.ChannelTokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry.UTC()}
	// Not while a refresh of the old grant is under way: it would write
	// its tokens over these.
	lock := s.lockOf(ch.ID)
	lock.Lock()
	err = s.st.ConnectChannel(ch.ID, "user:"+admin.ID, t)
	lock.Unlock()
	if err != nil {
		return nil, err
	}
	s.log.Info("channel connected", "channel", ch.ID, "kind", ch.Kind, "expires", t.Expiry, "refreshable", t.RefreshToken != "")
	return s.st.Channel(ch.ID)
}

func (s *Service) clientContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, s.client)
}

// describe names what went wrong at a token endpoint without quoting its
// answer, which could echo what was sent: the OAuth error code and the
// HTTP status, or that there was no answer.
func describe(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" {
			code = "no error code"
		}
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return fmt.Sprintf("%s, HTTP %d", code, status)
	}
	var refused *channel.RefusedError
	if errors.As(err, &refused) {
		return refused.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	return "no answer: the token endpoint could not be reached"
}
