package testkit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// AuthServer is a stand-in for the OAuth 2.0 authorization server of X or
// LinkedIn, strict where they are (docs.x.com "OAuth 2.0 Authorization
// Code Flow with PKCE"; Microsoft Learn, LinkedIn "Authorization Code
// Flow (3-legged OAuth)"):
//   - the authorize page takes only response_type=code, the registered
//     client_id and redirect_uri (exactly), the scopes asked for, a state
//     and an S256 code challenge, and sends the browser back with a code
//     (or error=access_denied when Deny is set) and the same state;
//   - the token endpoint takes a form POST with grant_type
//     authorization_code or refresh_token; X wants a confidential client's
//     credentials as HTTP Basic (and no secret in the body), LinkedIn
//     client_id and client_secret in the body (and no Basic header);
//   - a code works once, only with the redirect_uri it was issued for and
//     a code_verifier whose S256 is the challenge: it recomputes it;
//   - X's refresh tokens rotate (each works once); LinkedIn's are reused;
//     an unknown or spent one is 400 invalid_grant, as both answer;
//   - access tokens lapse after AccessTTL; the "who am I" endpoint
//     (X GET /2/users/me, LinkedIn GET /v2/userinfo) answers 401 to an
//     unknown or lapsed one, and so do the posting endpoints (X POST
//     /2/tweets, LinkedIn POST /rest/posts), which otherwise accept.
//
// Every token it issues is kept in Issued, so a test can look for them
// where they must never appear.
type AuthServer struct {
	URL          string // auth_base and api_base alike
	Platform     string // "x" or "linkedin"
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scopes       []string

	srv *httptest.Server

	mu        sync.Mutex
	deny      bool
	accessTTL time.Duration
	refreshIn time.Duration // each refresh takes this long: widens races
	codes     map[string]grant
	refresh   map[string]bool // refresh tokens that still work
	access    map[string]time.Time
	issued    []string
	exchanges int
	refreshes int
	refused   []string // why the token endpoint said no, for test messages
	posts     []string // the access token each accepted post came with
}

type grant struct {
	challenge, redirectURI string
}

// NewAuthServer starts a stand-in for platform ("x" or "linkedin") that
// knows one app; it stops when the test ends.
func NewAuthServer(t testing.TB, platform, redirectURI string) *AuthServer {
	t.Helper()
	a := &AuthServer{
		Platform: platform, ClientID: platform + "-client-id", ClientSecret: platform + "-client-secret-" + rand.Text(),
		RedirectURI: redirectURI, accessTTL: 2 * time.Hour,
		codes: map[string]grant{}, refresh: map[string]bool{}, access: map[string]time.Time{},
	}
	mux := http.NewServeMux()
	if platform == "x" {
		a.Scopes = []string{"tweet.read", "tweet.write", "users.read", "offline.access"}
		mux.HandleFunc("GET /i/oauth2/authorize", a.authorize)
		mux.HandleFunc("POST /2/oauth2/token", a.token)
		mux.HandleFunc("GET /2/users/me", a.whoami)
		mux.HandleFunc("POST /2/tweets", a.post)
	} else {
		a.Scopes = []string{"w_organization_social", "openid", "profile"}
		mux.HandleFunc("GET /oauth/v2/authorization", a.authorize)
		mux.HandleFunc("POST /oauth/v2/accessToken", a.token)
		mux.HandleFunc("GET /v2/userinfo", a.whoami)
		mux.HandleFunc("POST /rest/posts", a.post)
	}
	a.srv = httptest.NewServer(mux)
	a.URL = a.srv.URL
	t.Cleanup(a.srv.Close)
	return a
}

// Deny makes the authorize page answer as when the person declines.
func (a *AuthServer) Deny() { a.mu.Lock(); a.deny = true; a.mu.Unlock() }

// SetAccessTTL sets the lifetime of the access tokens issued from now on.
func (a *AuthServer) SetAccessTTL(d time.Duration) { a.mu.Lock(); a.accessTTL = d; a.mu.Unlock() }

// SetRefreshDelay makes every refresh take d before it answers.
func (a *AuthServer) SetRefreshDelay(d time.Duration) { a.mu.Lock(); a.refreshIn = d; a.mu.Unlock() }

// RevokeAll makes every access and refresh token issued so far invalid,
// as when the person removes the app from their account.
func (a *AuthServer) RevokeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.refresh)
	clear(a.access)
}

// Expire makes the access token lapse now.
func (a *AuthServer) Expire(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.access[token]; ok {
		a.access[token] = time.Now().Add(-time.Second)
	}
}

// Counts says how many codes were exchanged and tokens refreshed.
func (a *AuthServer) Counts() (exchanges, refreshes int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.exchanges, a.refreshes
}

// Issued lists every access and refresh token handed out, and the secret.
func (a *AuthServer) Issued() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string{a.ClientSecret}, a.issued...)
}

// Refused lists why the token endpoint refused requests.
func (a *AuthServer) Refused() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.refused)
}

// ValidRefresh says whether a refresh token still works.
func (a *AuthServer) ValidRefresh(rt string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refresh[rt]
}

func (a *AuthServer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(why string) { http.Error(w, why, http.StatusBadRequest) }
	switch {
	case q.Get("response_type") != "code":
		bad("response_type must be code")
	case q.Get("client_id") != a.ClientID:
		bad("unknown client_id")
	case q.Get("redirect_uri") != a.RedirectURI:
		bad("redirect_uri is not the registered one")
	case !slices.Equal(strings.Fields(q.Get("scope")), a.Scopes):
		bad("scope must be " + strings.Join(a.Scopes, " "))
	case q.Get("state") == "":
		bad("state is required")
	case q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43:
		bad("PKCE with code_challenge_method=S256 is required")
	default:
		back := url.Values{"state": {q.Get("state")}}
		a.mu.Lock()
		if a.deny {
			back.Set("error", "access_denied")
			back.Set("error_description", "The user denied the request")
		} else {
			code := "code-" + rand.Text()
			a.codes[code] = grant{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri")}
			back.Set("code", code)
		}
		a.mu.Unlock()
		http.Redirect(w, r, a.RedirectURI+"?"+back.Encode(), http.StatusFound)
	}
}

func (a *AuthServer) token(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	delay := a.refreshIn
	a.mu.Unlock()
	refuse := func(status int, code, why string) {
		a.mu.Lock()
		a.refused = append(a.refused, code+": "+why)
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		refuse(http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		refuse(http.StatusBadRequest, "invalid_request", "the form does not parse")
		return
	}
	f := r.PostForm
	if why := a.clientAuth(r, f); why != "" {
		refuse(http.StatusUnauthorized, "invalid_client", why)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		g, ok := a.codes[f.Get("code")]
		delete(a.codes, f.Get("code")) // a code works once, even when refused
		switch {
		case !ok:
			a.refused = append(a.refused, "invalid_grant: unknown or used code")
		case f.Get("redirect_uri") != g.redirectURI:
			a.refused = append(a.refused, "invalid_grant: redirect_uri differs from the authorize request's")
			ok = false
		case s256(f.Get("code_verifier")) != g.challenge:
			a.refused = append(a.refused, "invalid_grant: code_verifier does not match the code_challenge")
			ok = false
		}
		if !ok {
			a.writeErr(w, "invalid_grant", "the authorization code is not valid")
			return
		}
		a.exchanges++
		a.issue(w, "")
	case "refresh_token":
		rt := f.Get("refresh_token")
		if !a.refresh[rt] {
			a.refused = append(a.refused, "invalid_grant: unknown or spent refresh token")
			a.writeErr(w, "invalid_grant", "Value passed for the token was invalid.")
			return
		}
		keep := rt
		if a.Platform == "x" {
			delete(a.refresh, rt) // X rotates: the old one is spent at once
			keep = ""
		}
		a.refreshes++
		if delay > 0 {
			a.mu.Unlock()
			time.Sleep(delay)
			a.mu.Lock()
		}
		a.issue(w, keep)
	default:
		a.refused = append(a.refused, "unsupported_grant_type: "+f.Get("grant_type"))
		a.writeErr(w, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

// clientAuth checks the client's credentials the way the platform wants
// them, and refuses the other way.
func (a *AuthServer) clientAuth(r *http.Request, f url.Values) string {
	user, pass, basic := r.BasicAuth()
	if a.Platform == "x" {
		switch {
		case !basic:
			return "a confidential client authenticates with HTTP Basic"
		case f.Has("client_secret"):
			return "the client secret belongs in the Authorization header, not the body"
		case user != a.ClientID || pass != a.ClientSecret:
			return "wrong client credentials"
		}
		return ""
	}
	switch {
	case basic:
		return "client_id and client_secret go in the body"
	case f.Get("client_id") != a.ClientID || f.Get("client_secret") != a.ClientSecret:
		return "wrong client credentials"
	}
	return ""
}

func (a *AuthServer) writeErr(w http.ResponseWriter, code, why string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
}

// issue answers with a new access token and a refresh token (keep: the
// one to hand back again). a.mu is held.
func (a *AuthServer) issue(w http.ResponseWriter, keep string) {
	at := a.Platform + "-access-" + rand.Text()
	rt := keep
	if rt == "" {
		rt = a.Platform + "-refresh-" + rand.Text()
		a.issued = append(a.issued, rt)
	}
	a.issued = append(a.issued, at)
	a.refresh[rt] = true
	a.access[at] = time.Now().Add(a.accessTTL)
	body := map[string]any{"token_type": "bearer", "access_token": at, "expires_in": int(a.accessTTL.Seconds()),
		"scope": strings.Join(a.Scopes, " "), "refresh_token": rt}
	if a.Platform == "linkedin" {
		body["refresh_token_expires_in"] = 31536000
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(body)
}

// Posts lists the access token each accepted post was made with.
func (a *AuthServer) Posts() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.posts)
}

// authorized answers 401 unless the request carries a live access token.
func (a *AuthServer) authorized(w http.ResponseWriter, r *http.Request) (string, bool) {
	at, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	a.mu.Lock()
	exp, ok := a.access[at]
	a.mu.Unlock()
	if !ok || !time.Now().Before(exp) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`))
		return "", false
	}
	return at, true
}

// post takes a post with a live token (the posting API's authorization
// only: the body is the senders' stand-ins' business): X answers 201 with
// the id, LinkedIn 201 with the URN in x-restli-id.
func (a *AuthServer) post(w http.ResponseWriter, r *http.Request) {
	at, ok := a.authorized(w, r)
	if !ok {
		return
	}
	a.mu.Lock()
	a.posts = append(a.posts, at)
	n := len(a.posts)
	a.mu.Unlock()
	if a.Platform == "x" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"data":{"id":"18%08d","text":"…"}}`, n)
		return
	}
	w.Header().Set("x-restli-id", fmt.Sprintf("urn:li:share:70%08d", n))
	w.WriteHeader(http.StatusCreated)
}

func (a *AuthServer) whoami(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.authorized(w, r); !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if a.Platform == "x" {
		w.Write([]byte(`{"data":{"id":"2244994945","name":"Firsthand Test","username":"firsthand_test"}}`))
		return
	}
	w.Write([]byte(`{"sub":"782bbtaQ","name":"Firsthand Test","given_name":"Firsthand","family_name":"Test"}`))
}

// s256 is PKCE's code challenge of a verifier (RFC 7636 4.2).
func s256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}
