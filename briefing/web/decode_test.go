package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"firsthand/store"
)

// bigJSON is a valid JSON object a little over 1 MiB: only its size is wrong.
func bigJSON() []byte {
	return []byte(`{"email": "big@example.com", "name": "` + strings.Repeat("x", MaxBody+10) + `"}`)
}

// TestTooLargeWithContentLength: a declared length over 1 MiB is refused
// before the body is read, and the connection is closed.
func TestTooLargeWithContentLength(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	r := a.send(req{method: "POST", path: "/api/v1/users", token: s.admin.Token, body: bigJSON()})
	wantError(t, "POST /users of 1 MiB with Content-Length", r, http.StatusRequestEntityTooLarge, "too_large", "")
	if !r.Close {
		t.Errorf("the server kept the connection open after refusing a body it did not read")
	}
	// Also for someone not signed in: the size is checked first.
	r = a.send(req{method: "POST", path: "/api/v1/session", body: bigJSON()})
	wantError(t, "POST /session of 1 MiB", r, http.StatusRequestEntityTooLarge, "too_large", "")
}

// onlyReader hides bytes.Reader's Len, so the client cannot know the length
// and sends the body chunked.
type onlyReader struct{ io.Reader }

// TestTooLargeChunked: without Content-Length the body is cut at 1 MiB
// while it is read.
func TestTooLargeChunked(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	r := a.send(req{method: "POST", path: "/api/v1/users", token: s.admin.Token,
		body: onlyReader{bytes.NewReader(bigJSON())}, header: map[string]string{"Content-Type": "application/json"}})
	wantError(t, "POST /users of 1 MiB chunked", r, http.StatusRequestEntityTooLarge, "too_large", "")
	if _, err := a.st.UserByEmail("big@example.com"); err == nil {
		t.Errorf("the user of the refused body was created")
	}

	// The same through the handler itself, where the request is surely
	// chunked (ContentLength -1) and no transport can interfere.
	hr := httptest.NewRequest(http.MethodPost, "/api/v1/announcements", onlyReader{bytes.NewReader(bigJSON())})
	hr.ContentLength = -1
	hr.Header.Set("Authorization", "Bearer "+s.author.Token)
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, hr)
	wantError(t, "POST /announcements of 1 MiB chunked (recorder)", &response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()},
		http.StatusRequestEntityTooLarge, "too_large", "")
}

// TestBodyJustUnderTheLimit: 1 MiB exactly is allowed; the limit is not off
// by one.
func TestBodyJustUnderTheLimit(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	prefix := `{"email": "fits@example.com", "name": "Fits", "pad": "`
	body := prefix + strings.Repeat("x", MaxBody-len(prefix)-2) + `"}`
	if len(body) != MaxBody {
		t.Fatalf("the body has %d bytes, want %d", len(body), MaxBody)
	}
	r := a.send(req{method: "POST", path: "/api/v1/users", token: s.admin.Token, body: body})
	wantStatus(t, "POST /users of exactly 1 MiB", r, http.StatusCreated)
}

// TestDecodeJSON covers what a JSON body may and may not be.
func TestDecodeJSON(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	tests := []struct {
		name        string
		body        string
		status      int
		code, field string
	}{
		{"unknown fields are allowed", `{"email": "new1@example.com", "name": "New", "shoe_size": 44}`, 201, "", ""},
		{"truncated", `{"email": "new2@example.com", "name": "N`, 400, "invalid_json", ""},
		{"trailing comma", `{"email": "new3@example.com",}`, 400, "invalid_json", ""},
		{"empty", ``, 400, "invalid_json", ""},
		{"an array, not an object", `[{"email": "new4@example.com"}]`, 400, "invalid_json", ""},
		{"a number, not an object", `42`, 400, "invalid_json", ""},
		{"wrong type of a field", `{"email": "new5@example.com", "name": "N", "roles": "admin"}`, 422, "invalid", "roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.send(req{method: "POST", path: "/api/v1/users", token: s.admin.Token, body: tt.body})
			if tt.code == "" {
				wantStatus(t, tt.name, r, tt.status)
				return
			}
			wantError(t, tt.name, r, tt.status, tt.code, tt.field)
		})
	}
}

// TestPageParameters: ?limit= must be 1..10000.
func TestPageParameters(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	for _, q := range []string{"limit=0", "limit=-1", "limit=10001", "limit=ten"} {
		wantError(t, "GET /users?"+q, a.get("/api/v1/users?"+q, s.admin.Token), 422, "invalid", "limit")
	}
	for _, q := range []string{"limit=1", "limit=10000"} {
		wantStatus(t, "GET /users?"+q, a.get("/api/v1/users?"+q, s.admin.Token), 200)
	}
	wantError(t, "GET /users?after=garbage", a.get("/api/v1/users?after=garbage", s.admin.Token), 422, "invalid", "after")
}

// bigForm is an editor form a little over 1 MiB, its title first.
func bigForm() string {
	return url.Values{"title": {"Too big"}, "action": {"save"}, "threshold": {"80"},
		"body": {strings.Repeat("x", MaxBody+10)}}.Encode()
}

// TestTooLargeFormIsAnErrorPage: a form over 1 MiB answers 413 with an
// HTML error page, whether its length is declared or not; it never reaches
// its handler as an empty form.
func TestTooLargeFormIsAnErrorPage(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	for _, tt := range []struct {
		name string
		body io.Reader
	}{
		{"with Content-Length", strings.NewReader(bigForm())},
		{"chunked", onlyReader{strings.NewReader(bigForm())}},
	} {
		r := a.send(&o.author, http.MethodPost, "/announcements/new", tt.body, "application/x-www-form-urlencoded", "")
		pgWant(t, tt.name, r, http.StatusRequestEntityTooLarge)
		pgContains(t, tt.name, r.Body, "<!doctype html", "larger than 1 MiB")
		if strings.Contains(r.Body, `"error"`) {
			t.Errorf("%s: got a JSON body on a page: %s", tt.name, r.Body[:min(len(r.Body), 200)])
		}
	}
	if list, _, err := a.st.Announcements(store.AnnouncementFilter{}); err != nil || len(list) != 0 {
		t.Errorf("a refused form stored %d drafts (%v)", len(list), err)
	}
}
