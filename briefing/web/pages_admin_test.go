package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"firsthand/briefing"
	"firsthand/store"
)

func TestPageAdminUsers(t *testing.T) {
	a := newPgApp(t)
	o := a.org()

	r := a.get(o.admin, "/admin/users")
	pgWant(t, "list", r, http.StatusOK)
	pgContains(t, "list", r.Body, "anna@example.com", "Add a person", "Import a directory", `enctype="multipart/form-data"`)

	// A duplicate keeps what was typed and says what to fix by the field.
	form := url.Values{"email": {"Anna@example.com"}, "name": {"Anna Again"}, "department": {"Sales"}, "role": {"manager"}, "password": {"long enough"}}
	r = a.post(o.admin, "/admin/users", form)
	pgWant(t, "duplicate", r, http.StatusUnprocessableEntity)
	pgContains(t, "duplicate", r.Body, `id="email-err"`, "already exists", `value="Anna Again"`, `value="manager" checked`)
	if strings.Contains(r.Body, "long enough") {
		t.Errorf("the password was written back into the page")
	}
	form.Set("email", "not-an-address")
	r = a.post(o.admin, "/admin/users", form)
	pgWant(t, "bad email", r, http.StatusUnprocessableEntity)
	pgContains(t, "bad email", r.Body, `id="email-err"`, "is not an e-mail address")

	form.Set("email", "fritz@example.com")
	r = a.post(o.admin, "/admin/users", form)
	pgWant(t, "add", r, http.StatusSeeOther)
	fritz, err := a.st.UserByEmail("fritz@example.com")
	if err != nil || !fritz.Has(briefing.RoleManager) || len(fritz.PasswordHash) == 0 {
		t.Fatalf("added user: %+v, %v", fritz, err)
	}

	// Change roles, then deactivate.
	r = a.post(o.admin, "/admin/users/"+fritz.ID, url.Values{"email": {fritz.Email}, "name": {"Fritz"}, "department": {"Support"}, "role": {"author", "manager"}})
	pgWant(t, "roles", r, http.StatusSeeOther)
	if u, _ := a.st.User(fritz.ID); !u.Has(briefing.RoleAuthor) || u.Department != "Support" {
		t.Errorf("after saving: %+v", u)
	}
	r = a.post(o.admin, "/admin/users/"+fritz.ID+"/active", url.Values{"active": {"false"}})
	pgWant(t, "deactivate", r, http.StatusSeeOther)
	if u, _ := a.st.User(fritz.ID); u.Active {
		t.Errorf("still active after deactivation")
	}
	// An admin keeps their own access.
	r = a.post(o.admin, "/admin/users/"+o.admin.ID+"/active", url.Values{"active": {"false"}})
	pgWant(t, "deactivate self", r, http.StatusConflict)
	r = a.post(o.admin, "/admin/users/"+o.admin.ID, url.Values{"email": {o.admin.Email}, "name": {"Ada"}, "role": {"author"}})
	pgWant(t, "demote self", r, http.StatusConflict) // the last active admin: 409 as in the API (was 422)
	pgContains(t, "demote self", r.Body, `id="roles-err"`)

	// Import: good lines land, a bad line is reported with its number.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "staff.csv")
	io.WriteString(fw, "email,name,department,location,roles\nnew1@example.com,New One,Sales,Berlin,\nbroken,No Mail,Sales,,\nnew2@example.com,New Two,Support,Leipzig,chief\nnew3@example.com,New Three,Support,Leipzig,author;manager\n")
	mw.Close()
	r = a.send(&o.admin, http.MethodPost, "/admin/users/import", &body, mw.FormDataContentType(), "")
	pgWant(t, "import", r, http.StatusOK)
	pgContains(t, "import", r.Body, "<strong>2</strong> added", "<strong>2</strong> lines not imported",
		"<td>3</td>", "is not an e-mail address", "<td>4</td>", "role chief is not one of")
	r = a.post(o.admin, "/admin/users/import", url.Values{"csv": {""}})
	pgWant(t, "empty import", r, http.StatusUnprocessableEntity)
	pgContains(t, "empty import", r.Body, `id="import-file-err"`)
	r = a.post(o.admin, "/admin/users/import", url.Values{"csv": {"mail,who\nx@example.com,X\n"}})
	pgWant(t, "bad header", r, http.StatusUnprocessableEntity)
	pgContains(t, "bad header", r.Body, "is missing", "mail,who")

	// Paging: a next link while more remain.
	for i := range 60 {
		a.member("p"+string(rune('a'+i/26))+string(rune('a'+i%26))+"@example.com", "Ops")
	}
	r = a.get(o.admin, "/admin/users")
	pgContains(t, "page 1", r.Body, "Next page")
	r = a.get(o.admin, "/admin/users?department=Ops")
	pgContains(t, "filter", r.Body, "paa@example.com")
	if strings.Contains(r.Body, "anna@example.com") {
		t.Errorf("the department filter shows other departments")
	}
}

// TestPageLastAdminKeepsAccess: on the admin pages, the last active admin
// can neither drop their admin role nor deactivate themselves (409, the
// page says why next to the roles); once a second admin exists, both work,
// as in the API.
func TestPageLastAdminKeepsAccess(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	demote := url.Values{"email": {o.admin.Email}, "name": {"Ada"}, "department": {"IT"}, "role": {"author"}}
	r := a.post(o.admin, "/admin/users/"+o.admin.ID, demote)
	pgWant(t, "the last admin demotes themselves", r, http.StatusConflict)
	pgContains(t, "the last admin demotes themselves", r.Body, `id="roles-err"`, "last active admin")
	r = a.post(o.admin, "/admin/users/"+o.admin.ID+"/active", url.Values{"active": {"false"}})
	pgWant(t, "the last admin deactivates themselves", r, http.StatusConflict)
	pgContains(t, "the last admin deactivates themselves", r.Body, "last active admin")
	if u, _ := a.st.User(o.admin.ID); !u.Active || !u.Has(briefing.RoleAdmin) {
		t.Fatalf("the last admin after refused changes: active %v, roles %v", u.Active, u.Roles)
	}

	second := a.member("grace@example.com", "IT", briefing.RoleAdmin)
	r = a.post(o.admin, "/admin/users/"+o.admin.ID, demote)
	pgWant(t, "one of two admins demotes themselves", r, http.StatusSeeOther)
	r = a.post(second, "/admin/users/"+second.ID+"/active", url.Values{"active": {"false"}})
	pgWant(t, "the last admin (again) deactivates themselves", r, http.StatusConflict)
	if u, _ := a.st.User(o.admin.ID); u.Has(briefing.RoleAdmin) {
		t.Errorf("demoted admin: still has the admin role")
	}
}

func TestPageAdminChannelsNeverShowSecrets(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	var got atomic.Int32
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
	defer ok.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()

	const secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="
	bad := url.Values{"name": {"Partners"}, "kind": {"webhook"}, "purpose": {"Partner systems"},
		"webhook_url": {ok.URL + "/hooks?token=abc"}, "webhook_secret": {"not-a-secret"}}
	r := a.post(o.admin, "/admin/channels", bad)
	pgWant(t, "bad secret", r, http.StatusUnprocessableEntity)
	pgContains(t, "bad secret", r.Body, `id="webhook_secret-err"`, "whsec_", `value="Partners"`, "Enter it again")
	if strings.Contains(r.Body, "not-a-secret") {
		t.Errorf("the typed secret was written back")
	}
	r = a.post(o.admin, "/admin/channels", url.Values{"name": {"Chat"}, "kind": {"slack"}, "slack_url": {"ftp://x"}})
	pgWant(t, "bad slack", r, http.StatusUnprocessableEntity)
	pgContains(t, "bad slack", r.Body, `id="slack_url-err"`)

	good := bad
	good.Set("webhook_secret", secret)
	r = a.post(o.admin, "/admin/channels", good)
	pgWant(t, "add", r, http.StatusSeeOther)
	r = a.post(o.admin, "/admin/channels", url.Values{"name": {"Down"}, "kind": {"webhook"}, "webhook_url": {down.URL}, "webhook_secret": {secret}})
	pgWant(t, "add down", r, http.StatusSeeOther)
	list, _ := a.st.Channels()
	if len(list) != 3 { // the newsroom and the two
		t.Fatalf("channels: %d", len(list))
	}
	r = a.get(o.admin, "/admin/channels")
	pgWant(t, "list", r, http.StatusOK)
	pgContains(t, "list", r.Body, "Partners", "Partner systems", "To "+ok.URL)
	for _, leak := range []string{secret, "token=abc", "/hooks"} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("the channel list shows %q", leak)
		}
	}

	r = a.post(o.admin, "/admin/channels/"+list[1].ID+"/test", url.Values{})
	pgWant(t, "test", r, http.StatusSeeOther)
	if got.Load() != 1 {
		t.Errorf("the receiver got %d test messages, want 1", got.Load())
	}
	r = a.post(o.admin, "/admin/channels/"+list[2].ID+"/test", url.Values{})
	pgWant(t, "failing test", r, http.StatusConflict)
	pgContains(t, "failing test", r.Body, `id="test-`+list[2].ID+`-err"`, "The test send failed")

	r = a.post(o.admin, "/admin/channels/"+list[2].ID+"/disabled", url.Values{"disabled": {"true"}})
	pgWant(t, "disable", r, http.StatusSeeOther)
	if ch, _ := a.st.Channel(list[2].ID); !ch.Disabled {
		t.Errorf("not disabled")
	}
}

func TestPageAdminAudit(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	a.published(o, "Audited", briefing.Policy{Threshold: 0.5}, nil, "Sales")
	r := a.get(o.admin, "/admin/audit?action=announcement.")
	pgWant(t, "audit", r, http.StatusOK)
	pgContains(t, "audit", r.Body, "announcement.publish", "announcement.create", `href="/announcements/`)
	if strings.Contains(r.Body, "<code>user.create</code>") {
		t.Errorf("the action filter lets other actions through")
	}
	for range 60 {
		if err := a.st.Audit("user:"+o.admin.ID, "backup", "database", ""); err != nil {
			t.Fatal(err)
		}
	}
	r = a.get(o.admin, "/admin/audit?action=backup")
	pgContains(t, "audit paging", r.Body, "Older events", "Ada")
	evs, _, _ := a.st.AuditEvents(store.AuditFilter{Action: "backup", Limit: 100})
	if len(evs) != 60 {
		t.Errorf("backup events: %d", len(evs))
	}
}

// TestPageDeactivationRevokes: deactivating on the admin page ends the
// person's session and tokens as the API does, and reactivating there does
// not revive them.
func TestPageDeactivationRevokes(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	p := a.member("leaver@example.com", "Sales")
	token, err := a.st.CreateToken(p.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	pgWant(t, "inbox before", a.get(p, "/"), http.StatusOK)
	pgWant(t, "deactivate", a.post(o.admin, "/admin/users/"+p.ID+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
	pgWant(t, "reactivate", a.post(o.admin, "/admin/users/"+p.ID+"/active", url.Values{"active": {"true"}}), http.StatusSeeOther)
	if _, err := a.st.SessionUser(p.session); err == nil {
		t.Error("the session works after deactivation and reactivation on the page")
	}
	if _, err := a.st.UserByToken(token); err == nil {
		t.Error("the token works after deactivation and reactivation on the page")
	}
}
