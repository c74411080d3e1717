package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"firsthand/briefing"
)

// OIDCConfig is sign-in through the company's OpenID Connect provider.
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret string
	// Name is what the button says: "Sign in with {Name}".
	Name string
	// DepartmentClaim names the ID token claim that holds the department.
	DepartmentClaim string
	// RoleMap gives roles to members of the provider's groups (the
	// "groups" claim); empty leaves roles as the directory has them.
	RoleMap briefing.RoleMap
	// HTTPClient reaches the provider (discovery, keys, token exchange);
	// nil is a client with a 10 s timeout.
	HTTPClient *http.Client
}

// oidcCookie carries state, nonce and PKCE verifier from the start of a
// sign-in to its callback, bound to this browser.
const (
	oidcCookie    = "firsthand_oidc"
	oidcCookieTTL = 10 * time.Minute
)

// oidcClient talks to the provider. Discovery happens on the first
// sign-in, not at start-up, so an identity provider that is down does not
// keep Firsthand (and its admins' password sign-in) from starting; a
// failed discovery is tried again on the next sign-in.
type oidcClient struct {
	cfg         OIDCConfig
	redirectURL string

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newOIDCClient(cfg OIDCConfig, baseURL string) *oidcClient {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.DepartmentClaim == "" {
		cfg.DepartmentClaim = "department"
	}
	if cfg.Name == "" {
		cfg.Name = "your company account"
	}
	return &oidcClient{cfg: cfg, redirectURL: baseURL + "/signin/oidc/callback"}
}

// ctx carries the provider's HTTP client. The provider keeps the context
// it was discovered with for fetching keys later, so it must not be a
// request's.
func (o *oidcClient) ctx() context.Context {
	return oidc.ClientContext(context.Background(), o.cfg.HTTPClient)
}

func (o *oidcClient) discover() (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.oauth != nil {
		return o.oauth, o.verifier, nil
	}
	p, err := oidc.NewProvider(o.ctx(), o.cfg.Issuer)
	if err != nil {
		return nil, nil, err
	}
	o.oauth = &oauth2.Config{
		ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.redirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
	// The verifier checks the signature against the provider's keys, iss,
	// aud (our client id) and exp.
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
	return o.oauth, o.verifier, nil
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// oidcStart sends the browser to the provider: code flow with PKCE S256,
// state and nonce bound to a short-lived cookie.
func (s *Server) oidcStart(c *gin.Context) {
	if s.oidc == nil {
		s.fail(c, briefing.NotFound("sign-in through an identity provider is not set up"))
		return
	}
	oc, _, err := s.oidc.discover()
	if err != nil {
		s.log.Warn("oidc discovery", "issuer", s.oidc.cfg.Issuer, "err", err)
		s.refuseSignIn(c, http.StatusServiceUnavailable, "discovery", s.locale(c).T("oidc.unavailable"))
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	http.SetCookie(c.Writer, &http.Cookie{
		Name: oidcCookie, Value: state + "." + nonce + "." + verifier, Path: "/signin/oidc",
		MaxAge: int(oidcCookieTTL.Seconds()), HttpOnly: true, Secure: s.secure,
		// Lax: the provider sends the browser back with a top-level GET.
		SameSite: http.SameSiteLaxMode,
	})
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

// oidcClaims are the ID token claims Firsthand reads; the department
// claim's name is configurable, so it is read from the raw claims.
type oidcClaims struct {
	Email         string   `json:"email"`
	EmailVerified any      `json:"email_verified"`
	Name          string   `json:"name"`
	Groups        []string `json:"groups"`
}

// verified accepts email_verified as true or "true" (some providers send
// a string); anything else, including no claim, is unverified.
func (cl oidcClaims) verified() bool {
	switch v := cl.EmailVerified.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// oidcCallback finishes a sign-in: the state must match the cookie, the
// code is exchanged with the PKCE verifier, and the ID token must be
// signed by the provider, for us, unexpired, with our nonce and a
// verified e-mail address. No password, so no bcrypt.
func (s *Server) oidcCallback(c *gin.Context) {
	if s.oidc == nil {
		s.fail(c, briefing.NotFound("sign-in through an identity provider is not set up"))
		return
	}
	cookie, _ := c.Cookie(oidcCookie)
	http.SetCookie(c.Writer, &http.Cookie{Name: oidcCookie, Value: "", Path: "/signin/oidc", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	parts := strings.Split(cookie, ".")
	if len(parts) != 3 {
		s.refuseSignIn(c, http.StatusBadRequest, "no state", s.locale(c).T("oidc.no_state"))
		return
	}
	state, nonce, verifier := parts[0], parts[1], parts[2]
	if subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(state)) != 1 {
		s.refuseSignIn(c, http.StatusBadRequest, "state mismatch", s.locale(c).T("oidc.state_mismatch"))
		return
	}
	if c.Query("error") != "" {
		// The provider's own words stay out of the page: only text the
		// server chose is shown.
		s.refuseSignIn(c, http.StatusUnauthorized, "provider refused", s.locale(c).T("oidc.provider_refused"))
		return
	}
	oc, idv, err := s.oidc.discover()
	if err != nil {
		s.refuseSignIn(c, http.StatusServiceUnavailable, "discovery", s.locale(c).T("oidc.unavailable"))
		return
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(c.Request.Context(), s.oidc.cfg.HTTPClient), 10*time.Second)
	defer cancel()
	tok, err := oc.Exchange(ctx, c.Query("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.refuseSignIn(c, http.StatusUnauthorized, "code exchange: "+err.Error(), s.locale(c).T("oidc.exchange"))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := idv.Verify(ctx, raw)
	if err != nil {
		s.refuseSignIn(c, http.StatusUnauthorized, "id token: "+err.Error(), s.locale(c).T("oidc.bad_token"))
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		s.refuseSignIn(c, http.StatusUnauthorized, "nonce mismatch", s.locale(c).T("oidc.nonce"))
		return
	}
	id, err := s.identityOf(idt)
	if err != nil {
		s.refuseSignIn(c, http.StatusForbidden, err.Error(), upperFirst(s.locale(c).Error(err))+".")
		return
	}
	u, secret, err := s.st.SignInIdentity(id, s.ttl)
	if err != nil {
		if status, body := classify(err); status < 500 {
			s.refuseSignIn(c, status, "store: "+body.Message, upperFirst(s.locale(c).Error(err))+".")
			return
		}
		s.fail(c, err)
		return
	}
	s.setSessionCookie(c, secret)
	logErr(s.log, "audit", s.st.Audit("user:"+u.ID, "session.create", "user:"+u.ID, "oidc"))
	c.Redirect(http.StatusSeeOther, "/")
}

// identityOf reads the person out of a verified ID token.
func (s *Server) identityOf(idt *oidc.IDToken) (briefing.Identity, error) {
	var cl oidcClaims
	var all map[string]any
	if err := idt.Claims(&cl); err != nil {
		return briefing.Identity{}, briefing.Forbidden("the token's claims cannot be read")
	}
	if err := idt.Claims(&all); err != nil {
		return briefing.Identity{}, briefing.Forbidden("the token's claims cannot be read")
	}
	if cl.Email == "" {
		return briefing.Identity{}, briefing.Forbidden("the company's sign-in service sent no e-mail address: ask IT to release the email claim")
	}
	if !cl.verified() {
		return briefing.Identity{}, briefing.Forbidden("the company's sign-in service does not vouch for the e-mail address %s (email_verified is not true)", truncate(cl.Email, 254))
	}
	id := briefing.Identity{Email: cl.Email, Name: cl.Name, Roles: s.oidc.cfg.RoleMap.Roles(cl.Groups)}
	if v, ok := all[s.oidc.cfg.DepartmentClaim]; ok {
		d, _ := v.(string)
		id.Department = &d
	}
	return id, nil
}

// refuseSignIn ends a refused sign-in on an error page, never signed in,
// and audits why (the reason for the log, the message for the person).
func (s *Server) refuseSignIn(c *gin.Context, status int, reason, message string) {
	logErr(s.log, "audit", s.st.Audit("anonymous", "session.fail", "oidc", truncate("oidc: "+reason, 300)))
	c.Header("Cache-Control", "no-store")
	s.renderError(c, status, message)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// oidcName is the identity provider's name for the sign-in page's button
// (staff.signin_oidc, "Sign in with …"), or "" without OIDC.
func (s *Server) oidcName() string {
	if s.oidc == nil {
		return ""
	}
	return s.oidc.cfg.Name
}

// passwordSignInAllowed applies FIRSTHAND_PASSWORD_SIGNIN to a person
// whose password was right.
func (s *Server) passwordSignInAllowed(u *briefing.User) error {
	if briefing.PasswordSignInAllowed(u, !s.noPasswordSignIn) {
		return nil
	}
	if s.oidc != nil {
		return briefing.Forbidden("password sign-in is off: use “Sign in with %s”", s.oidc.cfg.Name)
	}
	return briefing.Forbidden("password sign-in is off: use the company sign-in")
}
