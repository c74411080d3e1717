package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
	"firsthand/store"
)

// TestSignedOutFormPostReturnsToItsPage: a form posted after the session
// ended gets the sign-in form, whose next is the page the form belongs to
// (not the action, whose GET is "not supported here").
func TestSignedOutFormPostReturnsToItsPage(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "Ack me", briefing.Policy{}, nil, "Sales")
	gone := pgUser{User: o.sales[0].User, session: "fs_ended"}
	r := a.post(gone, "/briefings/"+ann.ID+"/ack", url.Values{})
	pgWant(t, "signed-out ack", r, http.StatusUnauthorized)
	pgContains(t, "signed-out ack", r.Body, `name="next" value="/briefings/`+ann.ID+`"`, "Your session has ended")
	if strings.Contains(r.Body, `value="/briefings/`+ann.ID+`/ack"`) {
		t.Error("the sign-in would return to the action")
	}
	// Signing in there lands on the briefing page, which answers GET.
	sr := a.send(nil, http.MethodPost, "/signin", strings.NewReader(url.Values{"email": {"x@example.com"}, "password": {"x"},
		"next": {"/briefings/" + ann.ID}}.Encode()), "application/x-www-form-urlencoded", "")
	pgWant(t, "a wrong password keeps next", sr, http.StatusUnauthorized)
	pgContains(t, "a wrong password keeps next", sr.Body, `name="next" value="/briefings/`+ann.ID+`"`)
}

// TestEditorKeepsTextWhenSessionEnded: an author whose session ended
// while writing keeps the text: the sign-in carries it, and after sign-in
// the editor shows it again, unsaved, with a note to save it.
func TestEditorKeepsTextWhenSessionEnded(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	author := a.addPassword(o.author, "a long password")
	gone := pgUser{User: author.User, session: "fs_ended"}
	form := pgDraftForm()
	form.Set("title", "Written on the train")
	form.Set("body", "Three paragraphs <b>typed</b> before the session ended.")
	r := a.post(gone, "/announcements/new", form)
	pgWant(t, "save after the session ended", r, http.StatusUnauthorized)
	pgContains(t, "sign-in", r.Body, `name="resume" value="editor"`, `name="title" value="Written on the train"`,
		`value="Three paragraphs &lt;b&gt;typed&lt;/b&gt; before the session ended."`)
	if list, _, _ := a.st.Announcements(storeFilterAll()); len(list) != 0 {
		t.Fatalf("a signed-out save stored %d announcements", len(list))
	}

	// The sign-in form posts everything back, as the browser would.
	back := url.Values{"email": {author.Email}, "password": {"a long password"}, "next": {"/announcements/new"}, "resume": {"editor"}}
	for k, vs := range form {
		back[k] = vs
	}
	r = a.send(nil, http.MethodPost, "/signin", strings.NewReader(back.Encode()), "application/x-www-form-urlencoded", "")
	pgWant(t, "sign in again", r, http.StatusOK)
	pgContains(t, "the editor again", r.Body, `value="Written on the train"`, "Three paragraphs &lt;b&gt;typed&lt;/b&gt;",
		"not saved yet: save it now", `action="/announcements/new"`)
	if list, _, _ := a.st.Announcements(storeFilterAll()); len(list) != 0 {
		t.Errorf("signing in saved the draft by itself (%d)", len(list))
	}
}

// TestCrossSiteRefusalIsAPage: a browser's cross-site form post gets an
// HTML page, the API keeps its JSON.
func TestCrossSiteRefusalIsAPage(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	page := a.sendWith(o.sales[0], http.MethodPost, "/signout", map[string]string{"Sec-Fetch-Site": "cross-site"})
	pgWant(t, "cross-site page post", page, http.StatusForbidden)
	pgContains(t, "cross-site page post", page.Body, "<!doctype html>", "The form was sent from another site, so it was refused.")
	api := a.sendWith(o.sales[0], http.MethodPost, "/api/v1/briefings/1/ack", map[string]string{"Sec-Fetch-Site": "cross-site"})
	pgWant(t, "cross-site API post", api, http.StatusForbidden)
	pgContains(t, "cross-site API post", api.Body, `"code":"forbidden"`)
	method := a.get(o.sales[0], "/signout")
	if !strings.Contains(method.Body, "<!doctype html>") {
		t.Errorf("a method error is not a page: %d %s", method.Status, method.Body)
	}
}

// addPassword gives a page user a password (bcrypt at its lowest cost).
func (a *pgApp) addPassword(u pgUser, password string) pgUser {
	a.t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.st.UpdateUser(u.ID, "test", func(x *briefing.User) error { x.PasswordHash = h; return nil }); err != nil {
		a.t.Fatal(err)
	}
	return u
}

func storeFilterAll() store.AnnouncementFilter { return store.AnnouncementFilter{} }

// sendWith is a body-less request with extra headers.
func (a *pgApp) sendWith(u pgUser, method, path string, header map[string]string) pgResp {
	a.t.Helper()
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	return a.do(&u, method, path, nil, h)
}
