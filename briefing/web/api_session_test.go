package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
)

// TestSessionLifecycle: signing in sets an HttpOnly, SameSite=Lax cookie
// that works for /api/v1/me; DELETE /api/v1/session ends it for good.
func TestSessionLifecycle(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "ada@example.com", Name: "Ada", Department: "Sales", Location: "Berlin", Password: "a long password"})

	r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": " ADA@example.com ", "password": "a long password"})
	u := decode[map[string]any](t, "sign in", r, http.StatusOK)
	if u["email"] != "ada@example.com" || u["name"] != "Ada" {
		t.Errorf("sign in: got user %v, want ada@example.com / Ada", u)
	}
	c := sessionCookie(r)
	if c == nil {
		t.Fatalf("sign in: no %s cookie in %v", SessionCookie, r.Header.Values("Set-Cookie"))
	}
	if !c.HttpOnly {
		t.Errorf("session cookie: got HttpOnly false, want true")
	}
	if c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie: got SameSite %v, want Lax", c.SameSite)
	}
	if c.Secure {
		t.Errorf("session cookie over an http base URL: got Secure, want not")
	}
	if c.Path != "/" {
		t.Errorf("session cookie: got Path %q, want /", c.Path)
	}
	if c.MaxAge <= 0 {
		t.Errorf("session cookie: got Max-Age %d, want a lifetime", c.MaxAge)
	}
	if strings.Contains(string(r.Body), "password") || strings.Contains(string(r.Body), c.Value) {
		t.Errorf("sign in: the body carries a password or the session secret: %s", r.Body)
	}

	me := decode[map[string]any](t, "GET /me with the cookie", a.send(req{method: "GET", path: "/api/v1/me", cookie: c.Value}), http.StatusOK)
	for _, k := range []string{"id", "email", "name", "department", "location", "roles"} {
		if _, ok := me[k]; !ok {
			t.Errorf("GET /me: got %v, want the key %q", me, k)
		}
	}
	if me["department"] != "Sales" || me["location"] != "Berlin" {
		t.Errorf("GET /me: got %v, want Sales / Berlin", me)
	}

	r = a.send(req{method: "DELETE", path: "/api/v1/session", cookie: c.Value})
	wantStatus(t, "DELETE /session", r, http.StatusNoContent)
	if cleared := sessionCookie(r); cleared == nil || cleared.MaxAge >= 0 || cleared.Value != "" {
		t.Errorf("DELETE /session: got cookie %v, want it cleared (empty, Max-Age<0)", cleared)
	}
	wantError(t, "GET /me with the ended session", a.send(req{method: "GET", path: "/api/v1/me", cookie: c.Value}),
		http.StatusUnauthorized, "unauthenticated", "")
	wantError(t, "DELETE /session again", a.send(req{method: "DELETE", path: "/api/v1/session", cookie: c.Value}),
		http.StatusUnauthorized, "unauthenticated", "")
}

// TestSessionCookieSecure: with an https base URL the cookie is Secure.
func TestSessionCookieSecure(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.BaseURL = "https://news.example.test" })
	a.addUser(person{Email: "ada@example.com", Password: "a long password"})
	r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "ada@example.com", "password": "a long password"})
	wantStatus(t, "sign in", r, http.StatusOK)
	if c := sessionCookie(r); c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie over an https base URL: got %v, want Secure; HttpOnly; SameSite=Lax", c)
	}
}

// TestSignInFailures: every wrong credential is the same 401, and none sets
// a cookie.
func TestSignInFailures(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "ada@example.com", Password: "a long password"})
	a.addUser(person{Email: "nopass@example.com"})
	tests := []struct {
		name string
		body any
	}{
		{"wrong password", map[string]string{"email": "ada@example.com", "password": "a wrong password"}},
		{"unknown address", map[string]string{"email": "nobody@example.com", "password": "a long password"}},
		{"account without a password", map[string]string{"email": "nopass@example.com", "password": ""}},
		{"no password", map[string]string{"email": "ada@example.com"}},
	}
	var messages []string
	for _, tt := range tests {
		r := a.do(http.MethodPost, "/api/v1/session", "", tt.body)
		wantError(t, tt.name, r, http.StatusUnauthorized, "unauthenticated", "")
		if c := sessionCookie(r); c != nil && c.Value != "" {
			t.Errorf("%s: got a session cookie", tt.name)
		}
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(r.Body, &e)
		messages = append(messages, e.Error.Message)
	}
	// The message must not tell which addresses exist.
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("got different messages %q, want one message for every failure", messages)
			break
		}
	}
}

// TestSignInForm: the form signs in without JavaScript and redirects only
// within the site.
func TestSignInForm(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "ada@example.com", Password: "a long password"})
	tests := []struct{ next, want string }{
		{"/briefings/7", "/briefings/7"},
		{"//evil.example/x", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
	}
	for _, tt := range tests {
		form := url.Values{"email": {"ada@example.com"}, "password": {"a long password"}, "next": {tt.next}}
		r := a.send(req{method: "POST", path: "/signin", body: strings.NewReader(form.Encode()),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		wantStatus(t, "sign-in form, next="+tt.next, r, http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != tt.want {
			t.Errorf("sign-in form, next=%s: got Location %q, want %q", tt.next, got, tt.want)
		}
		if c := sessionCookie(r); c == nil || c.Value == "" || !c.HttpOnly {
			t.Errorf("sign-in form: got cookie %v, want an HttpOnly session cookie", c)
		}
	}
}

// TestSessionTTL: the configured lifetime is the cookie's Max-Age and the
// server's own limit: a day before it the session works, after it not.
func TestSessionTTL(t *testing.T) {
	const ttl = 30 * 24 * time.Hour
	a := newTestApp(t, func(c *Config) { c.SessionTTL = ttl })
	a.addUser(person{Email: "ada@example.com", Name: "Ada", Department: "Sales", Password: "a long password"})
	start := time.Now().UTC()
	a.st.Now = func() time.Time { return start }
	c := sessionCookie(a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "ada@example.com", "password": "a long password"}))
	if c == nil || c.MaxAge != int(ttl.Seconds()) {
		t.Fatalf("session cookie %v, want Max-Age %d", c, int(ttl.Seconds()))
	}
	a.st.Now = func() time.Time { return start.Add(ttl - 24*time.Hour) }
	wantStatus(t, "GET /me a day before the end", a.send(req{method: "GET", path: "/api/v1/me", cookie: c.Value}), http.StatusOK)
	a.st.Now = func() time.Time { return start.Add(ttl + time.Minute) }
	wantError(t, "GET /me after the end", a.send(req{method: "GET", path: "/api/v1/me", cookie: c.Value}),
		http.StatusUnauthorized, "unauthenticated", "")
}

// TestSignInCostsOneBcryptOnEveryPath: unknown, deactivated, passwordless
// and wrong-password sign-ins each run exactly one bcrypt comparison, at
// the cost real passwords are hashed with, so timing tells no one which
// addresses exist.
func TestSignInCostsOneBcryptOnEveryPath(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "ada@example.com", Password: "a long password"})
	a.addUser(person{Email: "nopass@example.com"})
	gone := a.addUser(person{Email: "gone@example.com", Password: "a long password"})
	if _, err := a.st.UpdateUser(gone.ID, "test", func(u *briefing.User) error { u.Active = false; return nil }); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var costs []int
	a.srv.comparePassword = func(hash, password []byte) error {
		mu.Lock()
		c, _ := bcrypt.Cost(hash)
		costs = append(costs, c)
		mu.Unlock()
		return bcrypt.CompareHashAndPassword(hash, password)
	}
	tests := []struct {
		name, email, password string
		dummy                 bool // compared against the stand-in hash
	}{
		{"unknown address", "nobody@example.com", "a long password", true},
		{"deactivated account, right password", "gone@example.com", "a long password", true},
		{"account without a password", "nopass@example.com", "anything at all", true},
		{"account without a password, empty password", "nopass@example.com", "", true},
		{"wrong password", "ada@example.com", "a wrong password", false},
	}
	for _, tt := range tests {
		costs = nil
		r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": tt.email, "password": tt.password})
		wantError(t, tt.name, r, http.StatusUnauthorized, "unauthenticated", "")
		mu.Lock()
		got := slices.Clone(costs)
		mu.Unlock()
		if len(got) != 1 {
			t.Errorf("%s: got %d bcrypt comparisons, want 1", tt.name, len(got))
			continue
		}
		if tt.dummy && got[0] != bcrypt.DefaultCost {
			t.Errorf("%s: compared at cost %d, want %d (the cost of real password hashes)", tt.name, got[0], bcrypt.DefaultCost)
		}
	}
}

// TestSignInFailureAuditIsBounded: a 100 KB e-mail typed into a failed
// sign-in writes at most an address's length (254) to the audit log, with
// no control characters.
func TestSignInFailureAuditIsBounded(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	long := "\x1b[31m" + strings.Repeat("a\n", 50_000) + "@example.com"
	for _, path := range []string{"/api/v1/session", "/signin"} {
		var r *response
		if path == "/signin" {
			form := url.Values{"email": {long}, "password": {"whatever it is"}}
			r = a.send(req{method: "POST", path: path, body: strings.NewReader(form.Encode()),
				header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		} else {
			r = a.do(http.MethodPost, path, "", map[string]string{"email": long, "password": "whatever it is"})
		}
		wantStatus(t, "sign-in with a 100 KB e-mail at "+path, r, http.StatusUnauthorized)
	}
	got := decode[struct {
		Events []struct{ Actor, Action, Target, Detail string } `json:"events"`
	}](t, "audit", a.get("/api/v1/audit?action=session.fail", s.admin.Token), http.StatusOK)
	if len(got.Events) != 2 {
		t.Fatalf("audit: got %d session.fail events, want 2", len(got.Events))
	}
	for _, e := range got.Events {
		if n := len(e.Target) + len(e.Detail); n > len("email:")+254+64 {
			t.Errorf("session.fail: stored %d bytes of anonymous input, want at most an address's length", n)
		}
		if strings.ContainsFunc(e.Target+e.Detail, unicode.IsControl) {
			t.Errorf("session.fail: target %q keeps control characters", e.Target[:40])
		}
	}
}
