package web

// Shared helpers of the web tests: a real bbolt file in t.TempDir(), the
// whole router behind an httptest.Server, users with API tokens, and JSON
// requests with got/want checks of the contract's error body.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

// testApp is one server on its own database.
type testApp struct {
	t   *testing.T
	st  *store.Store
	srv *Server
	ts  *httptest.Server
	// client does not follow redirects and keeps no cookies: every test
	// says which credential a request carries.
	client *http.Client
	logs   *testkit.LockedBuffer
}

// newTestApp opens a fresh store and serves web.New over it. A change to
// the Config (a base URL, say) goes through configure. Any error the server
// logs (a 5xx, a panic) fails the test: the contract has no 500s.
func newTestApp(t *testing.T, configure ...func(*Config)) *testApp {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "firsthand.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("store.Close: %v", err)
		}
	})
	logs := &testkit.LockedBuffer{}
	cfg := Config{
		Store:   st,
		BaseURL: "http://news.example.test",
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})),
		Version: "test",
		// The tests' receivers are httptest servers on loopback, which the
		// default policy refuses: allowed explicitly.
		ChannelDialer: channel.NewGuardedDialer(channel.AllowLoopback()),
	}
	for _, f := range configure {
		f(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	a := &testApp{t: t, st: st, srv: srv, ts: ts, logs: logs}
	a.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		ts.Close()
		if l := logs.String(); l != "" {
			t.Errorf("the server logged errors:\n%s", l)
		}
	})
	return a
}

// testUser is a user with an API token.
type testUser struct {
	*briefing.User
	Token string
}

// person describes a user to create.
type person struct {
	Email, Name, Department, Location string
	Roles                             []briefing.Role
	Password                          string // hashed at bcrypt.MinCost: fast under -race
}

// addUser creates a user in the store (not through the API, which hashes
// passwords at full cost) and gives them an API token.
func (a *testApp) addUser(p person) testUser {
	a.t.Helper()
	if p.Name == "" {
		p.Name = strings.Split(p.Email, "@")[0]
	}
	u := &briefing.User{Email: p.Email, Name: p.Name, Department: p.Department, Location: p.Location, Roles: p.Roles}
	if p.Password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(p.Password), bcrypt.MinCost)
		if err != nil {
			a.t.Fatalf("bcrypt: %v", err)
		}
		u.PasswordHash = h
	}
	if err := a.st.CreateUser(u, "test"); err != nil {
		a.t.Fatalf("CreateUser(%s): %v", p.Email, err)
	}
	token, err := a.st.CreateToken(u.ID, "test")
	if err != nil {
		a.t.Fatalf("CreateToken(%s): %v", p.Email, err)
	}
	return testUser{User: u, Token: token}
}

// user is addUser for the common case.
func (a *testApp) user(email, department string, roles ...briefing.Role) testUser {
	a.t.Helper()
	return a.addUser(person{Email: email, Department: department, Roles: roles})
}

// staff is the usual cast of a test: an admin, an author, and managers
// and employees in Sales and Support.
type staff struct {
	admin, author               testUser
	salesMgr, supportMgr        testUser
	sales1, sales2, sales3      testUser
	support1, support2, outside testUser
}

func (a *testApp) staff() staff {
	a.t.Helper()
	return staff{
		admin:      a.user("admin@example.com", "Board", briefing.RoleAdmin),
		author:     a.user("author@example.com", "PR", briefing.RoleAuthor),
		salesMgr:   a.user("sales.mgr@example.com", "Sales", briefing.RoleManager),
		supportMgr: a.user("support.mgr@example.com", "Support", briefing.RoleManager),
		sales1:     a.user("s1@example.com", "Sales"),
		sales2:     a.user("s2@example.com", "Sales"),
		sales3:     a.user("s3@example.com", "Sales"),
		support1:   a.user("u1@example.com", "Support"),
		support2:   a.user("u2@example.com", "Support"),
		outside:    a.user("o1@example.com", "Finance"),
	}
}

// response is an answer read to the end.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	// Close says the server asked to close the connection (Connection:
	// close, which the client takes out of Header).
	Close bool
}

func (r *response) String() string { return fmt.Sprintf("%d %s", r.Status, r.Body) }

// req is one request: the credential and extra headers it carries.
type req struct {
	method, path string
	token        string // Authorization: Bearer
	cookie       string // the session cookie's value
	body         any    // marshalled to JSON unless []byte, string or io.Reader
	header       map[string]string
}

// send does a request against the running server.
func (a *testApp) send(r req) *response {
	a.t.Helper()
	var body io.Reader
	contentType := ""
	switch b := r.body.(type) {
	case nil:
	case io.Reader:
		body = b
	case []byte:
		body, contentType = bytes.NewReader(b), "application/json"
	case string:
		body, contentType = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatalf("marshal: %v", err)
		}
		body, contentType = bytes.NewReader(j), "application/json"
	}
	hr, err := http.NewRequest(r.method, a.ts.URL+r.path, body)
	if err != nil {
		a.t.Fatalf("NewRequest: %v", err)
	}
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: r.cookie})
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := a.client.Do(hr)
	if err != nil {
		a.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading the body: %v", r.method, r.path, err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: b, Close: res.Close}
}

// do is send for a bearer-token JSON request.
func (a *testApp) do(method, path, token string, body any) *response {
	a.t.Helper()
	return a.send(req{method: method, path: path, token: token, body: body})
}

// get is do for a GET.
func (a *testApp) get(path, token string) *response {
	a.t.Helper()
	return a.do(http.MethodGet, path, token, nil)
}

// wantStatus fails the test unless the answer has the status.
func wantStatus(t *testing.T, what string, r *response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: got %s, want status %d", what, r, status)
	}
}

// decode reads a JSON answer into v, after checking its status.
func decode[T any](t *testing.T, what string, r *response, status int) T {
	t.Helper()
	wantStatus(t, what, r, status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: got Content-Type %q, want application/json", what, ct)
	}
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%s: the body is not the JSON expected: %v\n%s", what, err, r.Body)
	}
	return v
}

// wantError checks the contract's error answer exactly: the status and a
// body {"error": {"code", "message", "field"?}} with nothing else in it.
func wantError(t *testing.T, what string, r *response, status int, code, field string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: got %s, want status %d", what, r, status)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: got Content-Type %q, want application/json", what, ct)
	}
	var body map[string]map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Errorf("%s: the error body is not {\"error\": {...}}: %v\n%s", what, err, r.Body)
		return
	}
	if len(body) != 1 || body["error"] == nil {
		t.Errorf("%s: got body %s, want exactly one key \"error\"", what, r.Body)
		return
	}
	e := body["error"]
	want := []string{"code", "message"}
	if field != "" {
		want = append(want, "field")
	}
	var keys []string
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("%s: got error keys %v, want %v (%s)", what, keys, want, r.Body)
	}
	if got, _ := e["code"].(string); got != code {
		t.Errorf("%s: got code %q, want %q (%s)", what, got, code, r.Body)
	}
	if msg, _ := e["message"].(string); strings.TrimSpace(msg) == "" {
		t.Errorf("%s: got an empty message (%s)", what, r.Body)
	}
	if got, _ := e["field"].(string); got != field {
		t.Errorf("%s: got field %q, want %q (%s)", what, got, field, r.Body)
	}
}

// announcement is the JSON of an announcement as the API answers it.
type announcement struct {
	ID          string  `json:"id"`
	State       string  `json:"state"`
	Slug        string  `json:"slug"`
	Title       string  `json:"title"`
	Summary     string  `json:"summary"`
	Body        string  `json:"body"`
	PublishedAt *string `json:"published_at"`
	ReleasedAt  *string `json:"released_at"`
	Recipients  int     `json:"recipients"`
	Policy      struct {
		Threshold float64 `json:"threshold"`
	} `json:"policy"`
}

// draftOf is a valid draft addressed to the departments.
func draftOf(title string, departments ...string) map[string]any {
	return map[string]any{
		"title":    title,
		"summary":  "Summary of " + title,
		"body":     "# " + title + "\n\nThe details.",
		"audience": map[string]any{"departments": departments},
	}
}

// create makes a draft as author and returns it.
func (a *testApp) create(author testUser, draft map[string]any) announcement {
	a.t.Helper()
	return decode[announcement](a.t, "create announcement", a.do(http.MethodPost, "/api/v1/announcements", author.Token, draft), http.StatusCreated)
}

// publish publishes a draft and returns the number of recipients.
func (a *testApp) publish(author testUser, id string) int {
	a.t.Helper()
	got := decode[struct {
		State      string `json:"state"`
		Recipients int    `json:"recipients"`
	}](a.t, "publish", a.do(http.MethodPost, "/api/v1/announcements/"+id+"/publish", author.Token, nil), http.StatusOK)
	if got.State != "briefing" {
		a.t.Fatalf("publish: got state %q, want briefing", got.State)
	}
	return got.Recipients
}

// webhook creates a webhook channel (nothing is sent in these tests: no
// delivery worker runs) and returns its id.
func (a *testApp) webhook(admin testUser, name string) string {
	a.t.Helper()
	ch := decode[struct {
		ID string `json:"id"`
	}](a.t, "create channel", a.do(http.MethodPost, "/api/v1/channels", admin.Token, map[string]any{
		"name": name, "kind": "webhook",
		"config": map[string]any{"url": "https://hooks.example.test/in", "secret": testWebhookSecret},
	}), http.StatusCreated)
	return ch.ID
}

// testWebhookSecret is whsec_ and 24 bytes in base64.
const testWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// signIn signs in through the API and returns the session cookie.
func (a *testApp) signIn(email, password string) *http.Cookie {
	a.t.Helper()
	r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": email, "password": password})
	wantStatus(a.t, "sign in as "+email, r, http.StatusOK)
	c := sessionCookie(r)
	if c == nil || c.Value == "" {
		a.t.Fatalf("sign in as %s: no session cookie in %v", email, r.Header.Values("Set-Cookie"))
	}
	return c
}

// sessionCookie is the session cookie an answer sets, or nil.
func sessionCookie(r *response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	return nil
}
