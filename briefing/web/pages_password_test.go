package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/store"
)

// form posts a form as a same-origin browser would, with the session
// cookie if given.
func (a *testApp) form(path, cookie string, values url.Values) *response {
	a.t.Helper()
	return a.send(req{method: http.MethodPost, path: path, cookie: cookie, body: strings.NewReader(values.Encode()),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
}

// page is a GET as a browser, with the session cookie if given.
func (a *testApp) page(path, cookie string) *response {
	a.t.Helper()
	return a.send(req{method: http.MethodGet, path: path, cookie: cookie})
}

func (a *testApp) hasAudit(action, target string) bool {
	a.t.Helper()
	events, _, err := a.st.AuditEvents(store.AuditFilter{Action: action, Target: target})
	if err != nil {
		a.t.Fatal(err)
	}
	return len(events) > 0
}

// TestInvitedImportSignsIn is the first hour of an imported person: the
// import invites them, the link opened twice changes nothing, the form
// sets the password, ends any other session and signs them in; the link
// is spent.
func TestInvitedImportSignsIn(t *testing.T) {
	a, box := newMailApp(t)
	admin := a.user("admin@example.com", "Board", briefing.RoleAdmin)
	csv := "email,name,department,location,roles\nnew.person@example.com,New Person,Sales,Berlin,\n"
	res := decode[struct {
		Created int `json:"created"`
		Invited int `json:"invited"`
	}](t, "import with invitations", a.send(req{method: http.MethodPost, path: "/api/v1/users/import?invite=true",
		token: admin.Token, body: strings.NewReader(csv), header: map[string]string{"Content-Type": "text/csv"}}), http.StatusOK)
	if res.Created != 1 || res.Invited != 1 {
		t.Fatalf("import = %+v, want 1 created and 1 invited", res)
	}
	m := box.waitFor(t, "new.person@example.com", 1)[0]
	if !strings.Contains(m.Subject, "set your password") {
		t.Errorf("subject = %q, want an invitation", m.Subject)
	}
	link := linkIn(t, m, "/welcome/")
	u, err := a.st.UserByEmail("new.person@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !a.hasAudit("user.invite", "user:"+u.ID) {
		t.Error("no user.invite audit event")
	}
	// Some session of theirs from before (an admin's test, say) must end.
	oldSession, err := a.st.CreateSession(u.ID, a.srv.ttl)
	if err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		r := a.page(link, "")
		wantStatus(t, "GET the welcome link", r, http.StatusOK)
		if !bytes.Contains(r.Body, []byte(`action="`+link+`"`)) || !bytes.Contains(r.Body, []byte("New Person")) {
			t.Errorf("GET %d: no set-your-password form for New Person:\n%s", i+1, r.Body)
		}
		if c := sessionCookie(r); c != nil && c.MaxAge >= 0 {
			t.Errorf("GET %d signed someone in: %v", i+1, c)
		}
		if u, _ := a.st.UserByEmail("new.person@example.com"); len(u.PasswordHash) != 0 {
			t.Fatalf("GET %d set a password", i+1)
		}
	}
	if _, err := a.st.SessionUser(oldSession); err != nil {
		t.Fatalf("a GET ended the old session: %v", err)
	}

	r := a.form(link, "", url.Values{"password": {"a fresh password"}, "confirm": {"a different one"}})
	wantStatus(t, "passwords that differ", r, http.StatusUnprocessableEntity)
	r = a.form(link, "", url.Values{"password": {"a fresh password"}, "confirm": {"a fresh password"}})
	wantStatus(t, "POST the password", r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Errorf("redirect to %q, want /", loc)
	}
	c := sessionCookie(r)
	if c == nil || c.Value == "" {
		t.Fatal("the POST did not sign in")
	}
	me := decode[struct {
		Email string `json:"email"`
	}](t, "me", a.send(req{method: http.MethodGet, path: "/api/v1/me", cookie: c.Value}), http.StatusOK)
	if me.Email != "new.person@example.com" {
		t.Errorf("signed in as %q", me.Email)
	}
	if _, err := a.st.SessionUser(oldSession); err == nil {
		t.Error("the session from before the password was set still works")
	}
	a.signIn("new.person@example.com", "a fresh password")
	if !a.hasAudit("user.password_set", "user:"+u.ID) {
		t.Error("no user.password_set audit event")
	}
	// Spent: neither the form nor the page works again.
	wantStatus(t, "GET a spent link", a.page(link, ""), http.StatusNotFound)
	wantStatus(t, "POST a spent link", a.form(link, "", url.Values{"password": {"another password"}, "confirm": {"another password"}}), http.StatusNotFound)
}

// TestNewInvitationVoidsTheOld: only the newest invitation's link works.
func TestNewInvitationVoidsTheOld(t *testing.T) {
	a, box := newMailApp(t)
	admin := a.user("admin@example.com", "Board", briefing.RoleAdmin)
	p := a.user("p@example.com", "Sales")
	for i := 1; i <= 2; i++ {
		wantStatus(t, "invite", a.do(http.MethodPost, "/api/v1/users/"+p.ID+"/invite", admin.Token, nil), http.StatusAccepted)
		box.waitFor(t, p.Email, i)
	}
	mails := box.to(p.Email)
	first, second := linkIn(t, mails[0], "/welcome/"), linkIn(t, mails[1], "/welcome/")
	wantStatus(t, "the first invitation", a.page(first, ""), http.StatusNotFound)
	wantStatus(t, "the second invitation", a.page(second, ""), http.StatusOK)
	wantError(t, "an employee invites", a.do(http.MethodPost, "/api/v1/users/"+p.ID+"/invite", p.Token, nil), http.StatusForbidden, "forbidden", "")
	wantError(t, "nobody to invite", a.do(http.MethodPost, "/api/v1/users/999/invite", admin.Token, nil), http.StatusNotFound, "not_found", "")
}

// TestResetAnswersAlike: a reset for an unknown address is answered
// exactly like one for a known address, and only the known one gets mail;
// its link sets a new password that replaces the old.
func TestResetAnswersAlike(t *testing.T) {
	a, box := newMailApp(t)
	a.addUser(person{Email: "known@example.com", Password: "the old password"})
	known := a.do(http.MethodPost, "/api/v1/password-reset", "", map[string]string{"email": "known@example.com"})
	unknown := a.do(http.MethodPost, "/api/v1/password-reset", "", map[string]string{"email": "nobody@example.com"})
	wantStatus(t, "reset of a known address", known, http.StatusAccepted)
	if unknown.Status != known.Status || !bytes.Equal(unknown.Body, known.Body) ||
		unknown.Header.Get("Content-Type") != known.Header.Get("Content-Type") {
		t.Errorf("unknown address answered %s, known %s: want the same", unknown, known)
	}
	if !a.hasAudit("user.reset_request", "email:nobody@example.com") {
		t.Error("the unknown address's request is not audited")
	}
	m := box.waitFor(t, "known@example.com", 1)[0]
	if n := box.count(); n != 1 {
		t.Errorf("%d mails sent, want only the one to the known address", n)
	}
	// The form says the same for anyone.
	for _, email := range []string{"known@example.com", "nobody@example.com"} {
		r := a.form("/reset", "", url.Values{"email": {email}})
		wantStatus(t, "the reset form for "+email, r, http.StatusAccepted)
		if !bytes.Contains(r.Body, []byte("If the address belongs to an account")) {
			t.Errorf("the reset form for %s says:\n%s", email, r.Body)
		}
	}
	link := linkIn(t, m, "/reset/")
	wantStatus(t, "GET the reset link", a.page(link, ""), http.StatusOK)
	r := a.form(link, "", url.Values{"password": {"the new password"}, "confirm": {"the new password"}})
	wantStatus(t, "POST a new password", r, http.StatusSeeOther)
	a.signIn("known@example.com", "the new password")
	wantStatus(t, "the old password", a.do(http.MethodPost, "/api/v1/session", "",
		map[string]string{"email": "known@example.com", "password": "the old password"}), http.StatusUnauthorized)
	if !bytes.Contains(a.page("/", "").Body, []byte(`href="/reset"`)) {
		t.Error("the sign-in page has no Forgot your password? link")
	}
}

// TestNoMailServerIsHonest: without SMTP nothing pretends a mail went.
func TestNoMailServerIsHonest(t *testing.T) {
	a := newTestApp(t)
	admin := a.user("admin@example.com", "Board", briefing.RoleAdmin)
	p := a.user("p@example.com", "Sales")
	wantError(t, "invite without SMTP", a.do(http.MethodPost, "/api/v1/users/"+p.ID+"/invite", admin.Token, nil), http.StatusConflict, "conflict", "")
	for _, email := range []string{"p@example.com", "nobody@example.com"} {
		wantError(t, "reset without SMTP", a.do(http.MethodPost, "/api/v1/password-reset", "", map[string]string{"email": email}), http.StatusConflict, "conflict", "")
	}
	r := a.send(req{method: http.MethodPost, path: "/api/v1/users/import?invite=true", token: admin.Token,
		body: strings.NewReader("email,name\nx@example.com,X\n"), header: map[string]string{"Content-Type": "text/csv"}})
	wantError(t, "import with invitations without SMTP", r, http.StatusConflict, "conflict", "")
	if _, err := a.st.UserByEmail("x@example.com"); err == nil {
		t.Error("the refused import created the person anyway")
	}
}

// TestPeoplePageInvites: the people page invites one person, and
// everyone without a password, through the same mail.
func TestPeoplePageInvites(t *testing.T) {
	a, box := newMailApp(t)
	a.addUser(person{Email: "admin@example.com", Roles: []briefing.Role{briefing.RoleAdmin}, Password: "the admin password"})
	cookie := a.signIn("admin@example.com", "the admin password").Value
	one := a.user("one@example.com", "Sales")
	a.user("two@example.com", "Sales")
	a.addUser(person{Email: "has.password@example.com", Password: "a long password"})
	page := a.page("/admin/users/"+one.ID, cookie)
	if !bytes.Contains(page.Body, []byte(`action="/admin/users/`+one.ID+`/invite"`)) {
		t.Fatal("the person's page has no Invite button")
	}
	r := a.form("/admin/users/"+one.ID+"/invite", cookie, nil)
	wantStatus(t, "invite one", r, http.StatusSeeOther)
	box.waitFor(t, "one@example.com", 1)
	r = a.form("/admin/users/invite", cookie, nil)
	wantStatus(t, "invite everyone without a password", r, http.StatusSeeOther)
	box.waitFor(t, "two@example.com", 1)
	box.waitFor(t, "one@example.com", 2)
	if got := box.to("has.password@example.com"); len(got) != 0 {
		t.Errorf("someone with a password was invited: %v", got)
	}
	if got := box.to("admin@example.com"); len(got) != 0 {
		t.Errorf("the admin (with a password) was invited: %v", got)
	}
}

// TestPasswordPagesGerman: the welcome link's form, its refusal of two
// different passwords, the note after setting one, and the "Forgot your
// password?" form and its answer, for a German reader.
func TestPasswordPagesGerman(t *testing.T) {
	a, box := newMailApp(t)
	admin := a.user("admin@example.com", "Board", briefing.RoleAdmin)
	p := a.addUser(person{Email: "jana@example.com", Name: "Jana Neu", Department: "Sales"})
	wantStatus(t, "invite", a.do(http.MethodPost, "/api/v1/users/"+p.ID+"/invite", admin.Token, nil), http.StatusAccepted)
	link := linkIn(t, box.waitFor(t, p.Email, 1)[0], "/welcome/")
	german := func(h map[string]string) map[string]string {
		out := map[string]string{"Accept-Language": acceptGerman, "Sec-Fetch-Site": "same-origin"}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	form := func(path string, values url.Values) *response {
		t.Helper()
		return a.send(req{method: http.MethodPost, path: path, body: strings.NewReader(values.Encode()),
			header: german(map[string]string{"Content-Type": "application/x-www-form-urlencoded"})})
	}

	r := a.send(req{method: http.MethodGet, path: link, header: german(nil)})
	wantStatus(t, "GET the welcome link", r, http.StatusOK)
	pgGerman(t, "German welcome", string(r.Body))
	pgContains(t, "German welcome", string(r.Body), "<title>Willkommen: Legen Sie Ihr Passwort fest · Firsthand</title>",
		"Hallo Jana Neu. Wählen Sie ein Passwort für jana@example.com.", "Mindestens 8 Zeichen.", "Passwort festlegen und anmelden")

	r = form(link, url.Values{"password": {"ein langes Passwort"}, "confirm": {"ein anderes Passwort"}})
	wantStatus(t, "passwords that differ", r, http.StatusUnprocessableEntity)
	pgGerman(t, "German welcome, passwords differ", string(r.Body))
	pgContains(t, "German welcome, passwords differ", string(r.Body), "Die beiden Passwörter stimmen nicht überein.")

	r = form(link, url.Values{"password": {"kurz"}, "confirm": {"kurz"}})
	wantStatus(t, "a short password", r, http.StatusUnprocessableEntity)
	pgGerman(t, "German welcome, a short password", string(r.Body))
	pgContains(t, "German welcome, a short password", string(r.Body), "Das Passwort muss mindestens 8 Zeichen haben.")

	r = form(link, url.Values{"password": {"ein langes Passwort"}, "confirm": {"ein langes Passwort"}})
	wantStatus(t, "set the password", r, http.StatusSeeOther)
	if got := flashOf(r); got != "Ihr Passwort ist festgelegt. Willkommen, Jana Neu." {
		t.Errorf("the note after setting the password: got %q", got)
	}

	r = a.send(req{method: http.MethodGet, path: "/reset", header: german(nil)})
	pgGerman(t, "German forgot form", string(r.Body))
	pgContains(t, "German forgot form", string(r.Body), "<title>Passwort vergessen? · Firsthand</title>", "Link per E-Mail anfordern")
	r = form("/reset", url.Values{"email": {"jana@example.com"}})
	wantStatus(t, "German forgot form sent", r, http.StatusAccepted)
	pgGerman(t, "German forgot form sent", string(r.Body))
	pgContains(t, "German forgot form sent", string(r.Body), "Wenn die Adresse zu einem Konto gehört", "Zurück zur Anmeldung")
}
