package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
)

// TestPageFlashComesOnlyFromTheServer: a note in the URL is not shown (a
// link from someone else cannot put words on our page); a note the server
// left in the flash cookie is shown once.
func TestPageFlashComesOnlyFromTheServer(t *testing.T) {
	a := newPgApp(t)
	u := a.member("flash@example.com", "Sales", briefing.RoleEmployee)
	r := a.get(u, "/?flash=Your+account+is+locked:+call+555-0100")
	pgWant(t, "inbox with a flash in the URL", r, http.StatusOK)
	if strings.Contains(r.Body, "555-0100") {
		t.Error("the inbox shows a note taken from the URL")
	}

	req, _ := http.NewRequest("GET", a.ts.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: u.session})
	req.AddCookie(&http.Cookie{Name: flashCookie, Value: "Saved+the+draft"})
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), "Saved the draft") {
		t.Error("the note from the flash cookie is not shown")
	}
	cleared := false
	for _, ck := range res.Cookies() {
		cleared = cleared || (ck.Name == flashCookie && ck.MaxAge < 0)
	}
	if !cleared {
		t.Error("the flash cookie was not cleared after it was shown")
	}
}

// TestPageQueryTextIsNeverANotice: ?error=, ?flash= and ?asked= put no
// words on any page, whatever the text; a refused question is shown next to
// the box with what was typed, and a sent one is confirmed by a note the
// server chose.
func TestPageQueryTextIsNeverANotice(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	ann := a.published(o, "Query Notices", briefing.Policy{Threshold: 0.8}, nil, "Sales")
	hostile := "?error=" + url.QueryEscape("<script>alert(1)</script>Account locked: call 555-0100") +
		"&flash=" + url.QueryEscape("Call 555-0100") + "&asked=1"
	pages := []struct {
		who  pgUser
		path string
	}{
		{o.sales[0], "/briefings/" + ann.ID},
		{o.sales[0], "/"},
		{o.author, "/announcements/" + ann.ID},
		{o.author, "/announcements"},
		{o.admin, "/admin/users"},
		{o.admin, "/admin/audit"},
		{pgUser{}, "/news"},
	}
	for _, p := range pages {
		var r pgResp
		if p.who.User == nil {
			r = a.send(nil, http.MethodGet, p.path+hostile, nil, "", "")
		} else {
			r = a.get(p.who, p.path+hostile)
		}
		pgWant(t, p.path, r, http.StatusOK)
		for _, bad := range []string{"555-0100", "alert(1)", "Your question was sent"} {
			if strings.Contains(r.Body, bad) {
				t.Errorf("GET %s with query text: the page shows %q", p.path, bad)
			}
		}
	}

	r := a.post(o.sales[0], "/briefings/"+ann.ID+"/questions", url.Values{"text": {strings.Repeat("x", 4001)}})
	pgWant(t, "a question too long", r, http.StatusUnprocessableEntity)
	pgContains(t, "a question too long", r.Body, `id="qerr"`, strings.Repeat("x", 4001)+"</textarea>")
	r = a.post(o.sales[0], "/briefings/"+ann.ID+"/questions", url.Values{"text": {"Which price applies to renewals?"}})
	pgWant(t, "a question", r, http.StatusSeeOther)
	if r.Flash != "Your question was sent to the authors." || strings.Contains(r.Location, "?") {
		t.Errorf("a question: got flash %q and Location %q, want the server's note in the flash cookie and no query", r.Flash, r.Location)
	}
}

// TestFlashCookieSecure: under an https base URL the flash cookie, set and
// cleared, is Secure like the session cookie.
func TestFlashCookieSecure(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.BaseURL = "https://news.example.test" })
	s := a.staff()
	ann := a.create(s.author, draftOf("Flash", "Sales"))
	a.publish(s.author, ann.ID)
	r := a.send(req{method: http.MethodPost, path: "/briefings/" + ann.ID + "/questions", token: s.sales1.Token,
		body: strings.NewReader("text=Which+price%3F"), header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	wantStatus(t, "ask by form", r, http.StatusSeeOther)
	flashSecure := func(r *response) (found, secure bool) {
		for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
			if ck.Name == flashCookie {
				return true, ck.Secure && ck.HttpOnly
			}
		}
		return false, false
	}
	if found, secure := flashSecure(r); !found || !secure {
		t.Errorf("flash cookie under https: found %v, Secure and HttpOnly %v; want both", found, secure)
	}
	hr := req{method: http.MethodGet, path: "/briefings/" + ann.ID, token: s.sales1.Token, header: map[string]string{"Cookie": flashCookie + "=Saved"}}
	r = a.send(hr)
	wantStatus(t, "page showing the flash", r, http.StatusOK)
	if found, secure := flashSecure(r); !found || !secure {
		t.Errorf("clearing the flash cookie under https: found %v, Secure %v; want both", found, secure)
	}
}
