package web

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"firsthand/briefing"
)

// TestErrorStatuses walks every error status of the contract through the
// whole router and checks the exact body {"error": {code, message, field?}}.
func TestErrorStatuses(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	draft := a.create(s.author, draftOf("Errors everywhere", "Sales"))
	published := a.create(s.author, draftOf("Already out", "Sales"))
	a.publish(s.author, published.ID)

	tests := []struct {
		name        string
		r           req
		status      int
		code, field string
	}{
		{"malformed JSON", req{method: "POST", path: "/api/v1/announcements", token: s.author.Token, body: `{"title": "x",`},
			400, "invalid_json", ""},
		{"not JSON at all", req{method: "POST", path: "/api/v1/users", token: s.admin.Token, body: `email=a@b.c`},
			400, "invalid_json", ""},
		{"empty body", req{method: "POST", path: "/api/v1/users", token: s.admin.Token, body: ``},
			400, "invalid_json", ""},
		{"threshold above 1", req{method: "POST", path: "/api/v1/announcements", token: s.author.Token,
			body: map[string]any{"title": "T", "policy": map[string]any{"threshold": 1.5}}},
			422, "invalid", "policy.threshold"},
		{"missing title", req{method: "POST", path: "/api/v1/announcements", token: s.author.Token,
			body: map[string]any{"summary": "no title"}},
			422, "invalid", "title"},
		{"a string where a number belongs", req{method: "POST", path: "/api/v1/announcements", token: s.author.Token,
			body: `{"title": "T", "policy": {"threshold": "high"}}`},
			422, "invalid", "policy.threshold"},
		{"bad e-mail address", req{method: "POST", path: "/api/v1/users", token: s.admin.Token,
			body: map[string]any{"email": "not-an-address", "name": "X"}},
			422, "invalid", "email"},
		{"no token", req{method: "GET", path: "/api/v1/me"}, 401, "unauthenticated", ""},
		{"bad token", req{method: "GET", path: "/api/v1/me", token: "fh_not-a-real-token"}, 401, "unauthenticated", ""},
		{"not a bearer scheme", req{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": "Basic YTpi"}},
			401, "unauthenticated", ""},
		{"bad session cookie", req{method: "GET", path: "/api/v1/me", cookie: "fs_forged"}, 401, "unauthenticated", ""},
		{"employee creates an announcement", req{method: "POST", path: "/api/v1/announcements", token: s.sales1.Token,
			body: draftOf("Mine", "Sales")}, 403, "forbidden", ""},
		{"employee lists users", req{method: "GET", path: "/api/v1/users", token: s.sales1.Token}, 403, "forbidden", ""},
		{"author creates a user", req{method: "POST", path: "/api/v1/users", token: s.author.Token,
			body: map[string]any{"email": "x@example.com", "name": "X"}}, 403, "forbidden", ""},
		{"manager lists another department's receipts",
			req{method: "GET", path: "/api/v1/announcements/" + published.ID + "/receipts?department=Support", token: s.salesMgr.Token},
			403, "forbidden", ""},
		{"unknown announcement", req{method: "GET", path: "/api/v1/announcements/999999", token: s.author.Token}, 404, "not_found", ""},
		{"garbage announcement id", req{method: "GET", path: "/api/v1/announcements/%27%3B--", token: s.author.Token}, 404, "not_found", ""},
		{"briefing not addressed to you", req{method: "GET", path: "/api/v1/briefings/" + published.ID, token: s.support1.Token},
			404, "not_found", ""},
		{"garbage briefing id", req{method: "GET", path: "/api/v1/briefings/abc", token: s.sales1.Token}, 404, "not_found", ""},
		{"unknown route", req{method: "GET", path: "/api/v1/nothing-here", token: s.admin.Token}, 404, "not_found", ""},
		{"duplicate e-mail", req{method: "POST", path: "/api/v1/users", token: s.admin.Token,
			body: map[string]any{"email": "S1@Example.com", "name": "Twin"}}, 409, "conflict", ""},
		{"patch of a published announcement", req{method: "PATCH", path: "/api/v1/announcements/" + published.ID, token: s.author.Token,
			body: map[string]any{"title": "Changed"}}, 409, "conflict", ""},
		{"publish twice", req{method: "POST", path: "/api/v1/announcements/" + published.ID + "/publish", token: s.author.Token},
			409, "conflict", ""},
		{"release of a draft", req{method: "POST", path: "/api/v1/announcements/" + draft.ID + "/release", token: s.admin.Token,
			body: map[string]any{"reason": "why not"}}, 409, "conflict", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.name, a.send(tt.r), tt.status, tt.code, tt.field)
		})
	}
}

// TestClassify pins the mapping of error kinds onto statuses and codes, and
// that an unexpected error says nothing of its cause.
func TestClassify(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
		field  string
	}{
		{&briefing.Error{Kind: errInvalidJSON, Message: "m"}, 400, "invalid_json", ""},
		{&briefing.Error{Kind: errTooLarge, Message: "m"}, 413, "too_large", ""},
		{briefing.Invalid("policy.threshold", "m"), 422, "invalid", "policy.threshold"},
		{briefing.Unauthenticated("m"), 401, "unauthenticated", ""},
		{briefing.Forbidden("m"), 403, "forbidden", ""},
		{briefing.NotFound("m"), 404, "not_found", ""},
		{fmt.Errorf("wrapped: %w", briefing.Conflict("m")), 409, "conflict", ""},
		{briefing.RateLimited("m"), 429, "rate_limited", ""},
		{errors.New("open /secret/path: permission denied"), 500, "internal", ""},
	}
	for _, tt := range tests {
		status, body := classify(tt.err)
		if status != tt.status || body.Code != tt.code || body.Field != tt.field {
			t.Errorf("classify(%v): got %d %q field %q, want %d %q field %q", tt.err, status, body.Code, body.Field, tt.status, tt.code, tt.field)
		}
		if status == 500 && body.Message == tt.err.Error() {
			t.Errorf("classify(%v): a 500 repeats the internal error %q", tt.err, body.Message)
		}
	}
}

// TestErrorPagesForPeople: outside /api/ an error is an HTML page with the
// status, not JSON.
func TestErrorPagesForPeople(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	r := a.send(req{method: "GET", path: "/no/such/page", token: s.sales1.Token})
	wantStatus(t, "unknown page", r, http.StatusNotFound)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("unknown page: got Content-Type %q, want text/html; charset=utf-8", ct)
	}
}
