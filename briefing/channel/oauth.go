package channel

import (
	"cmp"
	"encoding/json"
	"errors"
	"strings"

	"golang.org/x/oauth2"

	"firsthand/briefing"
)

// OAuthApp is how one platform's OAuth 2.0 authorization code flow is
// reached: where the admin approves, where codes and refresh tokens are
// exchanged, what is asked for, and how the client proves who it is.
type OAuthApp struct {
	Platform        string // as people call it: X, LinkedIn
	DefaultAuthBase string
	DefaultAPIBase  string
	AuthorizePath   string // on auth_base
	TokenPath       string // on auth_base, or on api_base when TokenOnAPI
	TokenOnAPI      bool
	Scopes          []string
	// BasicAuth: the client authenticates with HTTP Basic (X, for
	// confidential clients); otherwise client_id and client_secret go in
	// the form body (LinkedIn).
	BasicAuth bool
}

// oauthApps are the kinds that connect an account (API.md v1.1,
// "Connecting an account").
var oauthApps = map[briefing.ChannelKind]OAuthApp{
	"x": {
		Platform: "X", DefaultAuthBase: "https://x.com", DefaultAPIBase: "https://api.x.com",
		AuthorizePath: "/i/oauth2/authorize", TokenPath: "/2/oauth2/token", TokenOnAPI: true,
		Scopes:    []string{"tweet.read", "tweet.write", "users.read", "offline.access"},
		BasicAuth: true,
	},
	"linkedin": {
		Platform: "LinkedIn", DefaultAuthBase: "https://www.linkedin.com", DefaultAPIBase: "https://api.linkedin.com",
		AuthorizePath: "/oauth/v2/authorization", TokenPath: "/oauth/v2/accessToken",
		Scopes: []string{"w_organization_social", "openid", "profile"},
	},
}

// LookupOAuth returns the OAuth app of a kind that connects an account.
func LookupOAuth(kind briefing.ChannelKind) (OAuthApp, bool) {
	a, ok := oauthApps[kind]
	return a, ok
}

// oauthSettings are the config fields the flow reads, whatever else a
// kind's config holds.
type oauthSettings struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	APIBase      string `json:"api_base"`
	AuthBase     string `json:"auth_base"`
}

// OAuthConfig is a channel's oauth2 configuration with redirectURL as
// the callback. ok is false for a kind that does not connect an account;
// err says what the config lacks.
func OAuthConfig(c briefing.Channel, redirectURL string) (cfg *oauth2.Config, app OAuthApp, ok bool, err error) {
	app, ok = LookupOAuth(c.Kind)
	if !ok {
		return nil, app, false, nil
	}
	var s oauthSettings
	if len(c.Config) > 0 {
		_ = json.Unmarshal(c.Config, &s)
	}
	if s.ClientID == "" {
		return nil, app, true, briefing.Conflict("%s has no client_id: add the %s app's client id and secret to connect an account", c.Name, app.Platform)
	}
	auth := strings.TrimRight(cmp.Or(s.AuthBase, app.DefaultAuthBase), "/")
	api := strings.TrimRight(cmp.Or(s.APIBase, app.DefaultAPIBase), "/")
	tokenBase := auth
	if app.TokenOnAPI {
		tokenBase = api
	}
	style := oauth2.AuthStyleInParams
	if app.BasicAuth && s.ClientSecret != "" {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID: s.ClientID, ClientSecret: s.ClientSecret, RedirectURL: redirectURL, Scopes: app.Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: auth + app.AuthorizePath, TokenURL: tokenBase + app.TokenPath, AuthStyle: style},
	}, app, true, nil
}

// Connected says whether a channel has what it needs to post as far as
// its account goes: always for kinds that do not connect one; for x and
// linkedin a token that the last refresh did not lose.
func Connected(c briefing.Channel) bool {
	if _, ok := LookupOAuth(c.Kind); !ok {
		return true
	}
	return briefing.TokensOf(c.Config).Connected()
}

// ErrNotConnected is the TokenProvider's answer for a channel without a
// usable token: sending cannot succeed until an admin connects the
// account again, so the delivery fails rather than retries.
var ErrNotConnected = errors.New("not connected: an admin must connect the account again")
