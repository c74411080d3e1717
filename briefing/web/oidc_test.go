package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"firsthand/briefing"
	"firsthand/store"
)

// idpUser is a person at the in-process provider. tweak changes the ID
// token's standard claims before mockoidc signs them with its own key, so
// a bad token is still a real, correctly signed one.
type idpUser struct {
	Subject       string
	Email         string
	EmailVerified any
	Name          string
	Department    string
	Groups        []string
	tweak         func(c *mockoidc.IDTokenClaims)
}

type idpClaims struct {
	*mockoidc.IDTokenClaims
	Email         string   `json:"email,omitempty"`
	EmailVerified any      `json:"email_verified,omitempty"`
	Name          string   `json:"name,omitempty"`
	Department    string   `json:"department,omitempty"`
	Groups        []string `json:"groups,omitempty"`
}

func (u *idpUser) ID() string { return u.Subject }
func (u *idpUser) Userinfo([]string) ([]byte, error) {
	return []byte(`{"sub":"` + u.Subject + `"}`), nil
}
func (u *idpUser) Claims(_ []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.tweak != nil {
		u.tweak(c)
	}
	return &idpClaims{IDTokenClaims: c, Email: u.Email, EmailVerified: u.EmailVerified, Name: u.Name,
		Department: u.Department, Groups: u.Groups}, nil
}

// oidcApp is the server with sign-in through a real OpenID provider that
// runs in the test process (mockoidc: its own RSA key, discovery, JWKS,
// PKCE checked at the token endpoint).
type oidcApp struct {
	*testApp
	idp *mockoidc.MockOIDC
}

func newOIDCApp(t *testing.T, configure ...func(*Config)) *oidcApp {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatalf("mockoidc: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	roles, err := briefing.ParseRoleMap("comms=author,leads=manager,it=admin")
	if err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, append([]func(*Config){func(c *Config) {
		c.OIDC = &OIDCConfig{Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
			Name: "Example Corp", RoleMap: roles}
	}}, configure...)...)
	return &oidcApp{testApp: a, idp: m}
}

// oidcSignIn goes through the whole flow as a browser would, with the
// provider signing in u, and returns the callback's answer. mangle, if
// set, may change the callback's query (a forged state).
func (a *oidcApp) oidcSignIn(u *idpUser, mangle func(q url.Values)) *response {
	a.t.Helper()
	start := a.get("/signin/oidc", "")
	wantStatus(a.t, "GET /signin/oidc", start, http.StatusFound)
	var flow *http.Cookie
	for _, c := range (&http.Response{Header: start.Header}).Cookies() {
		if c.Name == oidcCookie {
			flow = c
		}
	}
	if flow == nil || !flow.HttpOnly || flow.MaxAge <= 0 || flow.MaxAge > 600 {
		a.t.Fatalf("GET /signin/oidc: flow cookie %+v, want a short-lived HttpOnly cookie", flow)
	}
	auth, err := url.Parse(start.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(auth.String(), a.idp.AuthorizationEndpoint()) {
		a.t.Fatalf("GET /signin/oidc: Location %q, want the provider's authorization endpoint %s", auth, a.idp.AuthorizationEndpoint())
	}
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		q.Get("response_type") != "code" || q.Get("scope") != "openid email profile" ||
		q.Get("redirect_uri") != "http://news.example.test/signin/oidc/callback" {
		a.t.Fatalf("authorization request %v: want code flow, PKCE S256, nonce, state, scope openid email profile, our redirect URI", q)
	}
	a.idp.QueueUser(u)
	res, err := a.client.Get(auth.String())
	if err != nil {
		a.t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || back.Path != "/signin/oidc/callback" {
		a.t.Fatalf("provider's answer: %d to %q, want 302 to our callback", res.StatusCode, res.Header.Get("Location"))
	}
	cq := back.Query()
	if mangle != nil {
		mangle(cq)
	}
	return a.send(req{method: http.MethodGet, path: "/signin/oidc/callback?" + cq.Encode(),
		header: map[string]string{"Cookie": flow.Name + "=" + flow.Value}})
}

// TestOIDCRoundTrip: the first sign-in creates the person with the claimed
// department and the mapped role; the next one updates both.
func TestOIDCRoundTrip(t *testing.T) {
	a := newOIDCApp(t)
	home := a.get("/", "")
	if !strings.Contains(string(home.Body), `href="/signin/oidc"`) || !strings.Contains(string(home.Body), "Sign in with Example Corp") {
		t.Errorf("the sign-in page has no button for the identity provider")
	}
	nina := &idpUser{Subject: "nina", Email: "Nina.Berg@example.com", EmailVerified: true, Name: "Nina Berg",
		Department: "Communications", Groups: []string{"comms", "everyone"}}
	r := a.oidcSignIn(nina, nil)
	wantStatus(t, "callback", r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("callback redirects to %q, want /", loc)
	}
	session := sessionCookie(r)
	if session == nil || !session.HttpOnly {
		t.Fatalf("callback: session cookie %+v, want an HttpOnly session", session)
	}
	me := decode[userJSON](t, "GET /me", a.send(req{method: "GET", path: "/api/v1/me", cookie: session.Value}), 200)
	if me.Email != "nina.berg@example.com" || me.Name != "Nina Berg" || me.Department != "Communications" || !slices.Equal(me.Roles, []string{"author"}) {
		t.Errorf("created: %+v, want nina.berg@example.com, Nina Berg, Communications, [author]", me)
	}

	nina.Department, nina.Groups = "Sales", []string{"leads"}
	r = a.oidcSignIn(nina, nil)
	wantStatus(t, "second callback", r, http.StatusSeeOther)
	again := decode[userJSON](t, "GET /me", a.send(req{method: "GET", path: "/api/v1/me", cookie: sessionCookie(r).Value}), 200)
	if again.ID != me.ID || again.Department != "Sales" || !slices.Equal(again.Roles, []string{"manager"}) {
		t.Errorf("second sign-in: %+v, want the same person in Sales as manager", again)
	}

	// Deactivated: refused, never signed in.
	admin := a.user("root@example.com", "", briefing.RoleAdmin)
	wantStatus(t, "deactivate", a.do("PATCH", "/api/v1/users/"+me.ID, admin.Token, map[string]any{"active": false}), 200)
	r = a.oidcSignIn(nina, nil)
	wantStatus(t, "deactivated", r, http.StatusForbidden)
	if c := sessionCookie(r); c != nil && c.Value != "" {
		t.Errorf("a deactivated person got a session cookie")
	}
}

// TestOIDCRefused: every bad sign-in ends on an error page with a 4xx and
// no session; each token is signed by the provider's real key, so only the
// claim under test is wrong.
func TestOIDCRefused(t *testing.T) {
	a := newOIDCApp(t)
	auditor := a.user("audit@example.com", "", briefing.RoleAdmin)
	good := func() *idpUser {
		return &idpUser{Subject: "x", Email: "x@example.com", EmailVerified: true, Name: "X", Department: "Sales"}
	}
	tests := []struct {
		name   string
		user   func() *idpUser
		mangle func(q url.Values)
		status int
		reason string // in the audit event's detail
	}{
		{"unverified e-mail", func() *idpUser { u := good(); u.EmailVerified = false; return u }, nil, 403, "email_verified"},
		{"no email_verified claim", func() *idpUser { u := good(); u.EmailVerified = nil; return u }, nil, 403, "email_verified"},
		{"wrong nonce", func() *idpUser {
			u := good()
			u.tweak = func(c *mockoidc.IDTokenClaims) { c.Nonce = "someone-elses-nonce" }
			return u
		}, nil, 401, "nonce mismatch"},
		{"wrong audience", func() *idpUser {
			u := good()
			u.tweak = func(c *mockoidc.IDTokenClaims) { c.Audience = jwt.ClaimStrings{"another-client"} }
			return u
		}, nil, 401, "audience"},
		{"expired token", func() *idpUser {
			u := good()
			u.tweak = func(c *mockoidc.IDTokenClaims) {
				past := time.Now().Add(-time.Hour)
				c.IssuedAt, c.NotBefore, c.ExpiresAt = jwt.NewNumericDate(past.Add(-time.Hour)), jwt.NewNumericDate(past.Add(-time.Hour)), jwt.NewNumericDate(past)
			}
			return u
		}, nil, 401, "expired"},
		{"wrong issuer", func() *idpUser {
			u := good()
			u.tweak = func(c *mockoidc.IDTokenClaims) { c.Issuer = "https://evil.example" }
			return u
		}, nil, 401, "different provider"},
		{"forged state", good, func(q url.Values) { q.Set("state", "forged") }, 400, "state mismatch"},
		{"no state", good, func(q url.Values) { q.Del("state") }, 400, "state mismatch"},
		{"provider error", good, func(q url.Values) { q.Set("error", "access_denied"); q.Set("error_description", "<b>shown?</b>") }, 401, "provider refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.oidcSignIn(tt.user(), tt.mangle)
			if r.Status != tt.status {
				t.Fatalf("got %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			if c := sessionCookie(r); c != nil && c.Value != "" {
				t.Errorf("a refused sign-in set a session cookie")
			}
			if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || strings.Contains(string(r.Body), "shown?") {
				t.Errorf("want an error page with only the server's words: %s %s", r.Header.Get("Content-Type"), r.Body)
			}
			ev := decode[struct {
				Events []struct{ Detail string } `json:"events"`
			}](t, "audit", a.get("/api/v1/audit?action=session.fail&limit=1", auditor.Token), 200)
			if len(ev.Events) != 1 || !strings.Contains(ev.Events[0].Detail, tt.reason) {
				t.Errorf("audited %+v, want a session.fail saying %q", ev.Events, tt.reason)
			}
		})
	}
	if _, err := a.st.UserByEmail("x@example.com"); err == nil {
		t.Error("a refused sign-in created the person")
	}
	// A callback without the flow cookie (another browser) is refused too.
	r := a.get("/signin/oidc/callback?code=abc&state=abc", "")
	wantStatus(t, "callback without cookie", r, http.StatusBadRequest)
	ev := decode[struct {
		Events []struct{ Detail string } `json:"events"`
	}](t, "audit", a.get("/api/v1/audit?action=session.fail", auditor.Token), 200)
	if len(ev.Events) != len(tests)+1 {
		t.Errorf("%d session.fail events, want one per refusal (%d)", len(ev.Events), len(tests)+1)
	}
}

// TestOIDCNotConfigured: without an issuer the routes are not there and
// the sign-in page offers no button.
func TestOIDCNotConfigured(t *testing.T) {
	a := newTestApp(t)
	wantStatus(t, "GET /signin/oidc", a.get("/signin/oidc", ""), http.StatusNotFound)
	if strings.Contains(string(a.get("/", "").Body), "/signin/oidc") {
		t.Error("the sign-in page offers the identity provider without one")
	}
}

// TestPasswordSignInOff: with FIRSTHAND_PASSWORD_SIGNIN=off only admins
// sign in with a password; the others are sent to the identity provider.
func TestPasswordSignInOff(t *testing.T) {
	a := newOIDCApp(t, func(c *Config) { c.PasswordSignInOff = true })
	a.addUser(person{Email: "emp@example.com", Password: "a long password"})
	a.addUser(person{Email: "adm@example.com", Password: "a long password", Roles: []briefing.Role{briefing.RoleAdmin}})
	r := a.do("POST", "/api/v1/session", "", map[string]string{"email": "emp@example.com", "password": "a long password"})
	wantError(t, "employee with a password", r, 403, "forbidden", "")
	if !strings.Contains(string(r.Body), "Sign in with Example Corp") || sessionCookie(r) != nil {
		t.Errorf("employee with a password: %s, want a pointer to the company sign-in and no session", r.Body)
	}
	a.signIn("adm@example.com", "a long password")
}

// BenchmarkSignIn: one sign-in at a time through the router over loopback,
// by password (bcrypt at the default cost) and through the in-process
// OpenID provider (the redirect, the provider's authorization, the
// callback with its code exchange and signature check). cpu-µs is the
// whole process: for OIDC that includes the provider signing the token,
// so the server's own share is lower still.
//
//	go test -run '^$' -bench SignIn -benchtime 200x ./briefing/web/
func BenchmarkSignIn(b *testing.B) {
	b.Run("password", func(b *testing.B) {
		st, ts, client := benchServer(b)
		h, err := HashPassword("a long password")
		if err != nil {
			b.Fatal(err)
		}
		u := &briefing.User{Email: "pw@bench.test", Name: "PW", PasswordHash: h}
		if err := st.CreateUser(u, "bench"); err != nil {
			b.Fatal(err)
		}
		body := `{"email":"pw@bench.test","password":"a long password"}`
		cpu0 := cpuTime()
		b.ResetTimer()
		for range b.N {
			res, err := client.Post(ts.URL+"/api/v1/session", "application/json", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Fatalf("sign-in: %d", res.StatusCode)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/signin")
	})
	b.Run("oidc", func(b *testing.B) {
		m, err := mockoidc.Run()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Shutdown() })
		st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		srv, err := New(Config{Store: st, BaseURL: "http://bench.test", Logger: slog.New(slog.DiscardHandler),
			OIDC: &OIDCConfig{Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret}})
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		b.Cleanup(ts.Close)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(u string, cookie *http.Cookie, want int) *http.Response {
			r, _ := http.NewRequest("GET", u, nil)
			if cookie != nil {
				r.AddCookie(cookie)
			}
			res, err := client.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != want {
				b.Fatalf("GET %s: %d, want %d", u, res.StatusCode, want)
			}
			return res
		}
		signIn := func() {
			start := get(ts.URL+"/signin/oidc", nil, http.StatusFound)
			var flow *http.Cookie
			for _, c := range start.Cookies() {
				if c.Name == oidcCookie {
					flow = c
				}
			}
			m.QueueUser(&idpUser{Subject: "b", Email: "oidc@bench.test", EmailVerified: true, Name: "Bench", Department: "D1"})
			back, _ := url.Parse(get(start.Header.Get("Location"), nil, http.StatusFound).Header.Get("Location"))
			get(ts.URL+"/signin/oidc/callback?"+back.RawQuery, flow, http.StatusSeeOther)
		}
		signIn() // discovery and the provider's keys, once per server
		cpu0 := cpuTime()
		b.ResetTimer()
		for range b.N {
			signIn()
		}
		b.StopTimer()
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/signin")
	})
}
