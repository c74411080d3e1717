package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/store"
)

// TestCrossOriginGuard: a browser's unsafe request from another site is
// refused with 403 whether the browser says so in Sec-Fetch-Site or only in
// Origin; same-origin requests pass, and bearer-token clients are never
// affected.
func TestCrossOriginGuard(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	a.addUser(person{Email: "browser@example.com", Department: "Sales", Password: "a long password"})
	ann := a.create(s.author, draftOf("Cross-site", "Sales"))
	a.publish(s.author, ann.ID)
	cookie := a.signIn("browser@example.com", "a long password").Value
	ack := "/api/v1/briefings/" + ann.ID + "/ack"
	other := a.create(s.author, draftOf("Second", "Sales"))
	a.publish(s.author, other.ID)

	tests := []struct {
		name   string
		r      req
		status int
	}{
		{"cookie, Sec-Fetch-Site cross-site", req{method: "POST", path: ack, cookie: cookie,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403},
		{"cookie, foreign Origin", req{method: "POST", path: ack, cookie: cookie,
			header: map[string]string{"Origin": "https://evil.example"}}, 403},
		{"cookie, foreign Origin on DELETE /session", req{method: "DELETE", path: "/api/v1/session", cookie: cookie,
			header: map[string]string{"Origin": "https://evil.example"}}, 403},
		{"sign-in form from another site", req{method: "POST", path: "/signin",
			body:   strings.NewReader(url.Values{"email": {"browser@example.com"}, "password": {"a long password"}}.Encode()),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}}, 403},
		{"cookie, GET from another site is safe", req{method: "GET", path: "/api/v1/me", cookie: cookie,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 200},
		{"bearer, foreign Origin", req{method: "POST", path: "/api/v1/briefings/" + other.ID + "/ack", token: s.sales1.Token,
			header: map[string]string{"Origin": "https://evil.example"}}, 200},
		{"bearer, Sec-Fetch-Site cross-site", req{method: "POST", path: "/api/v1/briefings/" + other.ID + "/ack", token: s.sales2.Token,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.send(tt.r)
			if tt.status == 403 && !strings.HasPrefix(tt.r.path, "/api/") {
				// A page's refusal is a page (it was the API's JSON body).
				wantStatus(t, tt.name, r, 403)
				if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(r.Body), "The form was sent from another site, so it was refused.") {
					t.Errorf("%s: got %s %s, want the HTML error page", tt.name, ct, r.Body)
				}
				return
			}
			if tt.status == 403 {
				wantError(t, tt.name, r, 403, "forbidden", "")
				return
			}
			wantStatus(t, tt.name, r, tt.status)
		})
	}

	// Nothing the refused requests asked for happened.
	var acked []string
	if _, err := a.st.Receipts(ann.ID, store.ReceiptFilter{Status: briefing.StatusAcknowledged}, func(r briefing.Receipt) error {
		acked = append(acked, r.Email)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(acked) != 0 {
		t.Errorf("after cross-site acks: got acknowledged %v, want nobody", acked)
	}
	wantStatus(t, "the session after a cross-site sign-out", a.send(req{method: "GET", path: "/api/v1/me", cookie: cookie}), 200)

	// The same requests from this site pass.
	same := []req{
		{method: "POST", path: ack, cookie: cookie, header: map[string]string{"Sec-Fetch-Site": "same-origin"}},
		{method: "POST", path: ack, cookie: cookie, header: map[string]string{"Origin": a.ts.URL}},
		{method: "POST", path: ack, cookie: cookie},
	}
	for i, r := range same {
		wantStatus(t, "same-origin ack "+strconv.Itoa(i), a.send(r), 200)
	}
}

// TestRoles: who may call what. Roles add up: an admin may do whatever an
// author or a manager may.
func TestRoles(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ann := a.create(s.author, draftOf("Roles", "Sales"))
	a.publish(s.author, ann.ID)
	other := a.create(s.author, draftOf("Roles two", "Sales"))

	type call struct{ method, path string }
	tests := []struct {
		call
		who    testUser
		status int
	}{
		{call{"GET", "/api/v1/announcements"}, s.sales1, 403},
		{call{"GET", "/api/v1/announcements"}, s.author, 200},
		{call{"GET", "/api/v1/announcements"}, s.salesMgr, 200},
		{call{"GET", "/api/v1/announcements"}, s.admin, 200},
		{call{"GET", "/api/v1/announcements/" + ann.ID + "/readiness"}, s.sales1, 403},
		{call{"GET", "/api/v1/announcements/" + ann.ID + "/readiness"}, s.supportMgr, 200},
		{call{"GET", "/api/v1/channels"}, s.sales1, 403},
		{call{"GET", "/api/v1/channels"}, s.author, 200},
		{call{"GET", "/api/v1/users"}, s.author, 403},
		{call{"GET", "/api/v1/users"}, s.salesMgr, 200},
		{call{"GET", "/api/v1/users"}, s.admin, 200},
		{call{"GET", "/api/v1/audit"}, s.salesMgr, 403},
		{call{"GET", "/api/v1/audit"}, s.author, 403},
		{call{"GET", "/api/v1/audit"}, s.admin, 200},
		{call{"GET", "/api/v1/backup"}, s.author, 403},
		{call{"POST", "/api/v1/announcements/" + other.ID + "/publish"}, s.salesMgr, 403},
		{call{"POST", "/api/v1/announcements/" + other.ID + "/publish"}, s.admin, 200},
		{call{"POST", "/api/v1/users/" + s.sales1.ID + "/tokens"}, s.salesMgr, 403},
		{call{"POST", "/api/v1/users/" + s.sales1.ID + "/tokens"}, s.admin, 201},
	}
	for _, tt := range tests {
		name := tt.method + " " + tt.path + " as " + tt.who.Email
		t.Run(name, func(t *testing.T) {
			r := a.do(tt.method, tt.path, tt.who.Token, nil)
			if tt.status == 403 {
				wantError(t, name, r, 403, "forbidden", "")
				return
			}
			wantStatus(t, name, r, tt.status)
		})
	}
	// Releasing takes a manager: an author gets 403 even with a reason.
	wantError(t, "author releases", a.do("POST", "/api/v1/announcements/"+ann.ID+"/release", s.author.Token,
		map[string]string{"reason": "impatient"}), 403, "forbidden", "")
}

// TestDeactivatedUser: a deactivated person's token and session stop
// working at once.
func TestDeactivatedUser(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	a.addUser(person{Email: "leaver@example.com", Password: "a long password"})
	cookie := a.signIn("leaver@example.com", "a long password").Value
	leaver, err := a.st.UserByEmail("leaver@example.com")
	if err != nil {
		t.Fatal(err)
	}
	token, err := a.st.CreateToken(leaver.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "before", a.get("/api/v1/me", token), 200)
	r := a.do("PATCH", "/api/v1/users/"+leaver.ID, s.admin.Token, map[string]any{"active": false})
	wantStatus(t, "deactivate", r, 200)
	wantError(t, "token after deactivation", a.get("/api/v1/me", token), 401, "unauthenticated", "")
	wantError(t, "session after deactivation", a.send(req{method: "GET", path: "/api/v1/me", cookie: cookie}), 401, "unauthenticated", "")
	r = a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "leaver@example.com", "password": "a long password"})
	wantError(t, "sign-in after deactivation", r, 401, "unauthenticated", "")
}
