package testkit

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// The stand-in must refuse what the platforms refuse, or the tests that
// use it prove nothing.
func TestAuthServerIsStrict(t *testing.T) {
	for _, platform := range []string{"x", "linkedin"} {
		t.Run(platform, func(t *testing.T) {
			a := NewAuthServer(t, platform, "http://app.example.test/cb")
			token := map[string]string{"x": "/2/oauth2/token", "linkedin": "/oauth/v2/accessToken"}[platform]
			authz := map[string]string{"x": "/i/oauth2/authorize", "linkedin": "/oauth/v2/authorization"}[platform]
			style := oauth2.AuthStyleInParams
			if platform == "x" {
				style = oauth2.AuthStyleInHeader
			}
			cfg := &oauth2.Config{ClientID: a.ClientID, ClientSecret: a.ClientSecret, RedirectURL: a.RedirectURI, Scopes: a.Scopes,
				Endpoint: oauth2.Endpoint{AuthURL: a.URL + authz, TokenURL: a.URL + token, AuthStyle: style}}
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			codeFor := func(c *oauth2.Config, verifier string) string {
				res, err := noFollow.Get(c.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusFound {
					return ""
				}
				u, _ := url.Parse(res.Header.Get("Location"))
				return u.Query().Get("code")
			}
			ctx := context.Background()
			v := oauth2.GenerateVerifier()

			if _, err := cfg.Exchange(ctx, codeFor(cfg, v), oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
				t.Errorf("a verifier that is not the challenge's: exchanged")
			}
			wrongRedirect := *cfg
			wrongRedirect.RedirectURL = "http://evil.example.test/cb"
			if codeFor(&wrongRedirect, v) != "" {
				t.Errorf("an unregistered redirect_uri got a code")
			}
			otherStyle := *cfg
			otherStyle.Endpoint.AuthStyle = map[oauth2.AuthStyle]oauth2.AuthStyle{oauth2.AuthStyleInHeader: oauth2.AuthStyleInParams, oauth2.AuthStyleInParams: oauth2.AuthStyleInHeader}[style]
			if _, err := otherStyle.Exchange(ctx, codeFor(cfg, v), oauth2.VerifierOption(v)); err == nil {
				t.Errorf("client credentials the platform's other way: exchanged")
			}
			code := codeFor(cfg, v)
			tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v))
			if err != nil {
				t.Fatalf("the right exchange: %v (%v)", err, a.Refused())
			}
			if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v)); err == nil {
				t.Errorf("a code exchanged twice")
			}
			next, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			if err != nil {
				t.Fatal(err)
			}
			if rotated := next.RefreshToken != tok.RefreshToken; rotated != (platform == "x") || a.ValidRefresh(tok.RefreshToken) == (platform == "x") {
				t.Errorf("refresh rotation: got rotated=%v, want it only for X", rotated)
			}
			if !strings.Contains(strings.Join(a.Refused(), "|"), "code_verifier does not match") {
				t.Errorf("refusals %v: want the verifier mismatch named", a.Refused())
			}
		})
	}
}
