package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"firsthand/briefing"
)

// TestMetricsAccess: /metrics is served to loopback (by default) and to the
// networks of --metrics-allow, as the server sees the client (trusted
// proxies only); anyone else needs an admin's bearer token: 401 without
// one, 403 with another role's, both with the contract's error body.
func TestMetricsAccess(t *testing.T) {
	a := newTestApp(t)
	admin := a.user("ada@example.com", "IT", briefing.RoleAdmin)
	author := a.user("paula@example.com", "Comms", briefing.RoleAuthor)
	allowed := newTestApp(t, func(c *Config) {
		c.MetricsAllow = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	})
	proxied := newTestApp(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	tests := []struct {
		name   string
		app    *testApp
		remote string
		header map[string]string
		status int
		code   string
	}{
		{"loopback", a, "127.0.0.1:5000", nil, http.StatusOK, ""},
		{"IPv6 loopback", a, "[::1]:5000", nil, http.StatusOK, ""},
		{"outside", a, "203.0.113.5:5000", nil, http.StatusUnauthorized, "unauthenticated"},
		{"outside, a forged X-Forwarded-For", a, "203.0.113.5:5000", map[string]string{"X-Forwarded-For": "127.0.0.1"}, http.StatusUnauthorized, "unauthenticated"},
		{"outside, an author's token", a, "203.0.113.5:5000", map[string]string{"Authorization": "Bearer " + author.Token}, http.StatusForbidden, "forbidden"},
		{"outside, an admin's token", a, "203.0.113.5:5000", map[string]string{"Authorization": "Bearer " + admin.Token}, http.StatusOK, ""},
		{"outside, a bad token", a, "203.0.113.5:5000", map[string]string{"Authorization": "Bearer nope"}, http.StatusUnauthorized, "unauthenticated"},
		{"an allowed network", allowed, "10.1.2.3:5000", nil, http.StatusOK, ""},
		{"an allowed IPv6 network", allowed, "[2001:db8::7]:5000", nil, http.StatusOK, ""},
		{"loopback, not in the configured list", allowed, "127.0.0.1:5000", nil, http.StatusUnauthorized, "unauthenticated"},
		{"outside the configured list", allowed, "192.168.1.1:5000", nil, http.StatusUnauthorized, "unauthenticated"},
		{"through a trusted proxy, for an outside client", proxied, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.5"}, http.StatusUnauthorized, "unauthenticated"},
		{"through a trusted proxy, for a local client", proxied, "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "127.0.0.1"}, http.StatusOK, ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		r.RemoteAddr = tt.remote
		for k, v := range tt.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		tt.app.srv.ServeHTTP(w, r)
		if w.Code != tt.status {
			t.Errorf("%s: got %d, want %d", tt.name, w.Code, tt.status)
			continue
		}
		body := w.Body.String()
		if tt.status == http.StatusOK {
			if !strings.Contains(body, "firsthand_database_bytes") {
				t.Errorf("%s: got no metrics", tt.name)
			}
			continue
		}
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != tt.code || e.Error.Message == "" {
			t.Errorf("%s: got body %q, want the error body with code %s", tt.name, body, tt.code)
		}
		if strings.Contains(body, "firsthand_") {
			t.Errorf("%s: the refusal leaks metrics", tt.name)
		}
	}
}
