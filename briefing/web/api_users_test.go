package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
)

type userJSON struct {
	ID         string   `json:"id"`
	Email      string   `json:"email"`
	Name       string   `json:"name"`
	Department string   `json:"department"`
	Location   string   `json:"location"`
	Roles      []string `json:"roles"`
}

type usersPage struct {
	Users []userJSON `json:"users"`
	Next  *string    `json:"next"`
}

// TestCreateUser: 201 with the user, the address normalised and the
// employee role by default; a password is stored hashed.
func TestCreateUser(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	r := a.do("POST", "/api/v1/users", s.admin.Token, map[string]any{
		"email": " Grace@Example.com ", "name": "Grace", "department": "Support", "location": "Hamburg", "password": "a long password",
	})
	u := decode[userJSON](t, "POST /users", r, http.StatusCreated)
	if u.ID == "" || u.Email != "grace@example.com" || u.Department != "Support" || u.Location != "Hamburg" ||
		!slices.Equal(u.Roles, []string{"employee"}) {
		t.Errorf("POST /users: got %+v, want grace@example.com in Support, Hamburg, roles [employee]", u)
	}
	if strings.Contains(strings.ToLower(string(r.Body)), "password") {
		t.Errorf("POST /users: the answer mentions the password: %s", r.Body)
	}
	// The password is kept as a full-cost bcrypt hash. (Signing in with it
	// is the session tests' job, with cheap hashes: bcrypt is slow under -race.)
	stored, err := a.st.UserByEmail("grace@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost(stored.PasswordHash); err != nil || cost < bcrypt.DefaultCost {
		t.Errorf("stored password: got bcrypt cost %d (%v), want at least %d", cost, err, bcrypt.DefaultCost)
	}

	u = decode[userJSON](t, "POST /users with roles", a.do("POST", "/api/v1/users", s.admin.Token, map[string]any{
		"email": "lin@example.com", "name": "Lin", "roles": []string{"manager", "author"},
	}), http.StatusCreated)
	if !slices.Equal(u.Roles, []string{"author", "manager"}) {
		t.Errorf("POST /users with roles: got %v, want [author manager]", u.Roles)
	}

	tests := []struct {
		name        string
		body        map[string]any
		status      int
		code, field string
	}{
		{"duplicate address", map[string]any{"email": "GRACE@example.com", "name": "Other"}, 409, "conflict", ""},
		{"no name", map[string]any{"email": "x1@example.com"}, 422, "invalid", "name"},
		{"no address", map[string]any{"name": "X"}, 422, "invalid", "email"},
		{"unknown role", map[string]any{"email": "x2@example.com", "name": "X", "roles": []string{"king"}}, 422, "invalid", "roles"},
		{"short password", map[string]any{"email": "x3@example.com", "name": "X", "password": "short"}, 422, "invalid", "password"},
	}
	for _, tt := range tests {
		wantError(t, tt.name, a.do("POST", "/api/v1/users", s.admin.Token, tt.body), tt.status, tt.code, tt.field)
	}
}

// allUsers follows ?after= from page to page and returns every user seen
// and the number of pages.
func allUsers(t *testing.T, a *testApp, token, query string) ([]userJSON, int) {
	t.Helper()
	var all []userJSON
	after := ""
	for pages := 1; ; pages++ {
		path := "/api/v1/users?" + query
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		p := decode[usersPage](t, "GET "+path, a.get(path, token), http.StatusOK)
		all = append(all, p.Users...)
		if p.Next == nil {
			return all, pages
		}
		if *p.Next == "" || pages > 100 {
			t.Fatalf("GET %s: got next %q after %d pages", path, *p.Next, pages)
		}
		after = *p.Next
	}
}

// TestListUsersPaging: limit/after/next walk every user exactly once, and
// the last page carries no next.
func TestListUsersPaging(t *testing.T) {
	a := newTestApp(t)
	s := a.staff() // 10 users
	for i := range 11 {
		a.user(fmt.Sprintf("extra%02d@example.com", i), "Sales")
	}
	total := 21

	all, pages := allUsers(t, a, s.admin.Token, "limit=4")
	if len(all) != total || pages != 6 {
		t.Errorf("limit=4: got %d users on %d pages, want %d on 6", len(all), pages, total)
	}
	seen := map[string]bool{}
	for _, u := range all {
		if seen[u.ID] {
			t.Errorf("limit=4: user %s listed twice", u.ID)
		}
		seen[u.ID] = true
	}

	// A page that ends exactly at the last user has no next.
	p := decode[usersPage](t, "limit=21", a.get("/api/v1/users?limit=21", s.admin.Token), http.StatusOK)
	if len(p.Users) != total || p.Next != nil {
		t.Errorf("limit=%d: got %d users and next %v, want %d and no next", total, len(p.Users), p.Next, total)
	}
	p = decode[usersPage](t, "default limit", a.get("/api/v1/users", s.admin.Token), http.StatusOK)
	if len(p.Users) != total || p.Next != nil {
		t.Errorf("default limit: got %d users and next %v, want %d and no next", len(p.Users), p.Next, total)
	}

	sales, _ := allUsers(t, a, s.admin.Token, "department=Sales&limit=5")
	if len(sales) != 15 { // 3 staff + the manager + 11 extra
		t.Errorf("?department=Sales: got %d users, want 15", len(sales))
	}
	for _, u := range sales {
		if u.Department != "Sales" {
			t.Errorf("?department=Sales: got %s of %q", u.Email, u.Department)
		}
	}
}

// TestListUsersManagerScope: a manager sees their own department only, with
// or without ?department=, and gets 403 for another.
func TestListUsersManagerScope(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	for _, q := range []string{"", "department=Sales"} {
		got, _ := allUsers(t, a, s.salesMgr.Token, q+"&limit=2")
		if len(got) != 4 {
			t.Errorf("Sales manager, ?%s: got %d users, want the 4 in Sales", q, len(got))
		}
		for _, u := range got {
			if u.Department != "Sales" {
				t.Errorf("Sales manager, ?%s: got %s of %q", q, u.Email, u.Department)
			}
		}
	}
	wantError(t, "Sales manager, ?department=Support", a.get("/api/v1/users?department=Support", s.salesMgr.Token),
		http.StatusForbidden, "forbidden", "")

	// A manager without a department sees no department, not every one.
	floating := a.user("floating.mgr@example.com", "", briefing.RoleManager)
	ann := a.create(s.author, draftOf("Scope", "Sales"))
	a.publish(s.author, ann.ID)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/users"},
		{"GET", "/api/v1/announcements/" + ann.ID + "/receipts"},
		{"POST", "/api/v1/announcements/" + ann.ID + "/remind"},
	} {
		wantError(t, c.method+" "+c.path+" as a manager without a department", a.do(c.method, c.path, floating.Token, nil),
			http.StatusForbidden, "forbidden", "")
	}
}

// TestImportUsers: a bad line is reported with its number and the good ones
// are created; a second import updates by address.
func TestImportUsers(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	csv := "email,name,department,location,roles\n" + // line 1
		"kim@example.com,Kim,Sales,Berlin,\n" + // 2
		"not-an-address,Bad,Sales,Berlin,\n" + // 3
		"lee@example.com,Lee,Support,Hamburg,author;Manager\n" + // 4
		"max@example.com,Max,Sales,Berlin,emperor\n" + // 5
		"\"ann@example.com,Ann\n" // 6: an unterminated quote
	importCSV := func(body string) *response {
		return a.send(req{method: "POST", path: "/api/v1/users/import", token: s.admin.Token,
			body: strings.NewReader(body), header: map[string]string{"Content-Type": "text/csv"}})
	}
	type result struct {
		Created int `json:"created"`
		Updated int `json:"updated"`
		Errors  []struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	res := decode[result](t, "import", importCSV(csv), http.StatusOK)
	if res.Created != 2 || res.Updated != 0 {
		t.Errorf("import: got created %d, updated %d, want 2, 0", res.Created, res.Updated)
	}
	var lines []int
	for _, e := range res.Errors {
		lines = append(lines, e.Line)
		if e.Message == "" {
			t.Errorf("import: line %d has no message", e.Line)
		}
	}
	if !slices.Equal(lines, []int{3, 5, 6}) {
		t.Errorf("import: got errors on lines %v, want [3 5 6] (%+v)", lines, res.Errors)
	}
	lee, err := a.st.UserByEmail("lee@example.com")
	if err != nil {
		t.Fatalf("lee was not imported: %v", err)
	}
	if !lee.Has(briefing.RoleAuthor) || !lee.Has(briefing.RoleManager) || lee.Department != "Support" {
		t.Errorf("lee: got %+v, want author and manager in Support", lee)
	}
	if _, err := a.st.UserByEmail("max@example.com"); err == nil {
		t.Errorf("max with an unknown role was imported")
	}

	res = decode[result](t, "re-import", importCSV("email,name,department,location,roles\nKIM@example.com,Kim Park,Support,Munich,\n"), http.StatusOK)
	if res.Created != 0 || res.Updated != 1 || len(res.Errors) != 0 {
		t.Errorf("re-import: got %+v, want 0 created, 1 updated, no errors", res)
	}
	kim, err := a.st.UserByEmail("kim@example.com")
	if err != nil || kim.Name != "Kim Park" || kim.Department != "Support" || kim.Location != "Munich" {
		t.Errorf("kim after re-import: got %+v (%v), want Kim Park in Support, Munich", kim, err)
	}

	wantError(t, "import with no header", importCSV(""), http.StatusUnprocessableEntity, "invalid", "header")
	wantError(t, "import without the email column", importCSV("name,department\nX,Y\n"), http.StatusUnprocessableEntity, "invalid", "header")
	r := a.send(req{method: "POST", path: "/api/v1/users/import", token: s.salesMgr.Token, body: strings.NewReader(csv)})
	wantError(t, "import by a manager", r, http.StatusForbidden, "forbidden", "")
	r = a.send(req{method: "POST", path: "/api/v1/users/import", body: strings.NewReader(csv)})
	wantError(t, "import signed out", r, http.StatusUnauthorized, "unauthenticated", "")
}

// TestTokens: an admin makes a token (201 {token}) that works as Bearer;
// the token appears in no listing.
func TestTokens(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	r := a.do("POST", "/api/v1/users/"+s.support1.ID+"/tokens", s.admin.Token, nil)
	tok := decode[map[string]string](t, "POST /tokens", r, http.StatusCreated)
	token := tok["token"]
	if token == "" || len(tok) != 1 {
		t.Fatalf("POST /tokens: got %s, want {\"token\": ...}", r.Body)
	}
	me := decode[userJSON](t, "GET /me with the new token", a.get("/api/v1/me", token), http.StatusOK)
	if me.ID != s.support1.ID {
		t.Errorf("GET /me with the new token: got user %s, want %s", me.ID, s.support1.ID)
	}
	for _, path := range []string{"/api/v1/users", "/api/v1/me", "/api/v1/audit"} {
		r := a.get(path, s.admin.Token)
		wantStatus(t, "GET "+path, r, http.StatusOK)
		for _, secret := range []string{token, s.admin.Token, s.support1.Token} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("GET %s: the body contains a token", path)
			}
		}
	}
	if r := a.get("/api/v1/me", token); strings.Contains(string(r.Body), token) {
		t.Errorf("GET /me: the body contains the caller's own token")
	}
	wantError(t, "token for an unknown user", a.do("POST", "/api/v1/users/424242/tokens", s.admin.Token, nil), 404, "not_found", "")
	wantError(t, "token for a garbage id", a.do("POST", "/api/v1/users/x'y/tokens", s.admin.Token, nil), 404, "not_found", "")
}

// meWith asks GET /api/v1/me with a token or a session cookie and returns
// the status.
func (a *testApp) meWith(token, cookie string) int {
	a.t.Helper()
	return a.send(req{method: http.MethodGet, path: "/api/v1/me", token: token, cookie: cookie}).Status
}

// TestDeactivationRevokesForGood: PATCH active:false ends the person's
// tokens and sessions at once, and PATCH active:true does not bring them
// back.
func TestDeactivationRevokesForGood(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	p := a.addUser(person{Email: "leaver@example.com", Department: "Sales", Password: "a long password"})
	cookie := a.signIn(p.Email, "a long password").Value
	if a.meWith(p.Token, "") != 200 || a.meWith("", cookie) != 200 {
		t.Fatal("the person's token or session does not work to begin with")
	}
	wantStatus(t, "deactivate", a.do("PATCH", "/api/v1/users/"+p.ID, s.admin.Token, map[string]any{"active": false}), 200)
	if tok, ses := a.meWith(p.Token, ""), a.meWith("", cookie); tok != 401 || ses != 401 {
		t.Errorf("after deactivation: token %d, session %d; want 401 both", tok, ses)
	}
	wantStatus(t, "reactivate", a.do("PATCH", "/api/v1/users/"+p.ID, s.admin.Token, map[string]any{"active": true}), 200)
	if tok, ses := a.meWith(p.Token, ""), a.meWith("", cookie); tok != 401 || ses != 401 {
		t.Errorf("after reactivation: token %d, session %d; want 401 both (revoked for good)", tok, ses)
	}
	if a.meWith(s.sales1.Token, "") != 200 {
		t.Error("another person's token stopped working")
	}
}

// TestPasswordChangeEndsOtherSessions: a new password set by an admin ends
// every session of that person; an admin changing their own keeps the
// session they did it in and ends their others.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := newTestApp(t)
	admin := a.addUser(person{Email: "boss@example.com", Roles: []briefing.Role{briefing.RoleAdmin}, Password: "a long password"})
	p := a.addUser(person{Email: "p@example.com", Password: "a long password"})
	laptop, phone := a.signIn(p.Email, "a long password").Value, a.signIn(p.Email, "a long password").Value

	wantStatus(t, "admin sets a password", a.do("PATCH", "/api/v1/users/"+p.ID, admin.Token, map[string]any{"password": "another long one"}), 200)
	if l, ph := a.meWith("", laptop), a.meWith("", phone); l != 401 || ph != 401 {
		t.Errorf("after the password change: laptop %d, phone %d; want 401 both", l, ph)
	}
	if a.meWith(p.Token, "") != 200 {
		t.Error("the person's API token ended with the password change, want it kept")
	}

	here, there := a.signIn(admin.Email, "a long password").Value, a.signIn(admin.Email, "a long password").Value
	r := a.send(req{method: "PATCH", path: "/api/v1/users/" + admin.ID, cookie: here,
		header: map[string]string{"Origin": a.ts.URL}, body: map[string]any{"password": "my own new one"}})
	wantStatus(t, "admin changes their own password", r, 200)
	if h, th := a.meWith("", here), a.meWith("", there); h != 200 || th != 401 {
		t.Errorf("own password change: this session %d, the other %d; want 200 and 401", h, th)
	}
}

// TestRevokeTokensAPI: DELETE /users/{id}/tokens answers 204 and ends every
// API token of the person, not their sessions; only an admin may.
func TestRevokeTokensAPI(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	p := a.addUser(person{Email: "tok@example.com", Password: "a long password"})
	second := decode[map[string]string](t, "second token", a.do("POST", "/api/v1/users/"+p.ID+"/tokens", s.admin.Token, nil), 201)["token"]
	cookie := a.signIn(p.Email, "a long password").Value

	wantError(t, "a manager revokes", a.do("DELETE", "/api/v1/users/"+p.ID+"/tokens", s.salesMgr.Token, nil), 403, "forbidden", "")
	r := a.do("DELETE", "/api/v1/users/"+p.ID+"/tokens", s.admin.Token, nil)
	wantStatus(t, "DELETE tokens", r, http.StatusNoContent)
	if len(r.Body) != 0 {
		t.Errorf("DELETE tokens: body %q, want none", r.Body)
	}
	for _, tok := range []string{p.Token, second} {
		if got := a.meWith(tok, ""); got != 401 {
			t.Errorf("a revoked token: GET /me %d, want 401", got)
		}
	}
	if a.meWith("", cookie) != 200 {
		t.Error("the person's session ended with their tokens, want it kept")
	}
	if a.meWith(s.sales1.Token, "") != 200 {
		t.Error("another person's token stopped working")
	}
	wantError(t, "revoke for an unknown user", a.do("DELETE", "/api/v1/users/424242/tokens", s.admin.Token, nil), 404, "not_found", "")
	events := decode[struct {
		Events []struct{ Action, Target string } `json:"events"`
	}](t, "audit", a.get("/api/v1/audit?action=token.revoke", s.admin.Token), 200)
	if len(events.Events) != 1 || events.Events[0].Target != "user:"+p.ID {
		t.Errorf("audit token.revoke: got %+v, want one event for user:%s", events.Events, p.ID)
	}
}

// TestPatchUserLastAdmin: PATCH /api/v1/users/{id} refuses (409 conflict)
// to take the admin role or the active flag from the last active admin,
// and allows both while another active admin exists.
func TestPatchUserLastAdmin(t *testing.T) {
	a := newTestApp(t)
	admin := a.user("ada@example.com", "IT", briefing.RoleAdmin)
	path := "/api/v1/users/" + admin.ID
	wantError(t, "last admin drops the role", a.do(http.MethodPatch, path, admin.Token, map[string]any{"roles": []string{"author"}}),
		http.StatusConflict, "conflict", "roles")
	wantError(t, "last admin deactivates themselves", a.do(http.MethodPatch, path, admin.Token, map[string]any{"active": false}),
		http.StatusConflict, "conflict", "active")
	decode[userJSON](t, "last admin renames themselves", a.do(http.MethodPatch, path, admin.Token, map[string]any{"name": "Ada L."}), http.StatusOK)

	grace := a.user("grace@example.com", "IT", briefing.RoleAdmin)
	got := decode[userJSON](t, "one of two admins drops the role",
		a.do(http.MethodPatch, path, admin.Token, map[string]any{"roles": []string{"author"}}), http.StatusOK)
	if slices.Contains(got.Roles, "admin") {
		t.Errorf("after dropping the role: got roles %v", got.Roles)
	}
	wantError(t, "the new last admin deactivates themselves",
		a.do(http.MethodPatch, "/api/v1/users/"+grace.ID, grace.Token, map[string]any{"active": false}), http.StatusConflict, "conflict", "active")
}

// TestPatchUserClearsDepartment: department "" clears it (presence, not
// emptiness, decides); a PATCH without the field keeps it.
func TestPatchUserClearsDepartment(t *testing.T) {
	a := newTestApp(t)
	admin := a.user("ada@example.com", "IT", briefing.RoleAdmin)
	bob := a.addUser(person{Email: "bob@example.com", Department: "Sales", Location: "Berlin"})
	path := "/api/v1/users/" + bob.ID
	got := decode[userJSON](t, "PATCH without department", a.do(http.MethodPatch, path, admin.Token, map[string]any{"name": "Bob B."}), http.StatusOK)
	if got.Department != "Sales" || got.Location != "Berlin" || got.Name != "Bob B." {
		t.Errorf("PATCH {name}: got %+v, want department and location kept", got)
	}
	got = decode[userJSON](t, `PATCH department ""`, a.do(http.MethodPatch, path, admin.Token, map[string]any{"department": "", "location": ""}), http.StatusOK)
	if got.Department != "" || got.Location != "" {
		t.Errorf(`PATCH {department: "", location: ""}: got department %q, location %q, want both cleared`, got.Department, got.Location)
	}
	if u, _ := a.st.User(bob.ID); u.Department != "" {
		t.Errorf("stored department: got %q, want it cleared", u.Department)
	}
	wantError(t, `PATCH name ""`, a.do(http.MethodPatch, path, admin.Token, map[string]any{"name": ""}), http.StatusUnprocessableEntity, "invalid", "name")
}
