package web

// Connecting x and linkedin channels through the pages, against the strict
// stand-in authorization servers of briefing/testkit (S256 recomputed on
// their side, client authentication, redirect_uri and grant_type checked
// as X and LinkedIn check them).

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/connect"
	"firsthand/briefing/testkit"
)

// While the x and linkedin kinds are not in this build's catalogue, the
// tests register a stand-in spec that keeps the config as given.
func init() {
	for i, k := range []briefing.ChannelKind{"x", "linkedin"} {
		if _, ok := briefing.LookupKind(k); !ok {
			briefing.RegisterKind(briefing.KindSpec{Kind: k, Label: string(k), Order: 900 + i,
				Retry:    briefing.RetryUnconfirmedOnNoAnswer,
				Validate: func(raw json.RawMessage) (json.RawMessage, error) { return raw, nil }})
		}
	}
}

// connectApp is a server with the connect service, a stand-in platform,
// an admin signed in in a browser, and a channel of that platform.
type connectApp struct {
	*testApp
	as        *testkit.AuthServer
	admin     testUser
	cookie    string
	channelID string
	logs      *testkit.LockedBuffer // the connect service's log, every level
}

func newConnectApp(t *testing.T, platform string) *connectApp {
	t.Helper()
	logs := &testkit.LockedBuffer{}
	a := newTestApp(t, func(c *Config) {
		c.Connect = connect.New(connect.Options{Store: c.Store, BaseURL: c.BaseURL, Client: c.ChannelDialer.Client(),
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	})
	ca := &connectApp{testApp: a, logs: logs}
	ca.as = testkit.NewAuthServer(t, platform, "http://news.example.test"+connect.CallbackPath)
	ca.admin = a.addUser(person{Email: "admin@example.test", Roles: []briefing.Role{briefing.RoleAdmin}, Password: "correct horse"})
	ca.cookie = a.signIn("admin@example.test", "correct horse").Value
	cfg := map[string]any{"client_id": ca.as.ClientID, "client_secret": ca.as.ClientSecret, "api_base": ca.as.URL, "auth_base": ca.as.URL}
	if platform == "linkedin" {
		cfg["author"] = "urn:li:organization:5515715"
	}
	ch := decode[channelJSON](t, "create channel", a.do(http.MethodPost, "/api/v1/channels", ca.admin.Token,
		map[string]any{"name": "Company on " + platform, "kind": platform, "config": cfg}), http.StatusCreated)
	ca.channelID = ch.ID
	return ca
}

// start opens the connect page in the browser of the session given and
// returns where it sends the browser.
func (ca *connectApp) start(cookie string) *url.URL {
	ca.t.Helper()
	r := ca.send(req{method: http.MethodGet, path: "/admin/channels/" + ca.channelID + "/connect", cookie: cookie})
	wantStatus(ca.t, "connect", r, http.StatusFound)
	u, err := url.Parse(r.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(u.String(), ca.as.URL) {
		ca.t.Fatalf("connect sent the browser to %q, want the platform", r.Header.Get("Location"))
	}
	return u
}

// approve is the platform's page: it answers with the callback's query.
func (ca *connectApp) approve(u *url.URL) string {
	ca.t.Helper()
	res, err := ca.client.Get(u.String())
	if err != nil {
		ca.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		ca.t.Fatalf("the platform refused the authorize request: %d", res.StatusCode)
	}
	back, _ := url.Parse(res.Header.Get("Location"))
	return back.RawQuery
}

func (ca *connectApp) callback(query, cookie string) *response {
	ca.t.Helper()
	return ca.send(req{method: http.MethodGet, path: connect.CallbackPath + "?" + query, cookie: cookie})
}

func (ca *connectApp) stored() briefing.ChannelTokens {
	ca.t.Helper()
	ch, err := ca.st.Channel(ca.channelID)
	if err != nil {
		ca.t.Fatal(err)
	}
	return briefing.TokensOf(ch.Config)
}

func (ca *connectApp) connected() bool {
	ca.t.Helper()
	list := decode[struct{ Channels []channelJSON }](ca.t, "channels", ca.get("/api/v1/channels", ca.admin.Token), http.StatusOK)
	for _, c := range list.Channels {
		if c.ID == ca.channelID {
			return c.Connected
		}
	}
	ca.t.Fatalf("channel %s not listed", ca.channelID)
	return false
}

func TestConnectAccountThroughThePages(t *testing.T) {
	for _, platform := range []string{"x", "linkedin"} {
		t.Run(platform, func(t *testing.T) {
			ca := newConnectApp(t, platform)
			if ca.connected() {
				t.Fatalf("a new channel with an app and no token: connected, want false")
			}
			page := ca.send(req{method: http.MethodGet, path: "/admin/channels", cookie: ca.cookie})
			if !strings.Contains(string(page.Body), `href="/admin/channels/`+ca.channelID+`/connect">Connect account</a>`) {
				t.Errorf("the channels page offers no Connect account button:\n%s", page.Body)
			}
			q := ca.start(ca.cookie).Query()
			if q.Get("redirect_uri") != "http://news.example.test/admin/channels/oauth/callback" || q.Get("code_challenge_method") != "S256" {
				t.Errorf("authorize query %v", q)
			}
			r := ca.callback(ca.approve(ca.start(ca.cookie)), ca.cookie)
			wantStatus(t, "callback", r, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != "/admin/channels#ch-"+ca.channelID {
				t.Errorf("callback redirects to %q", loc)
			}
			if !ca.connected() {
				t.Errorf("after the connect: connected false (the platform refused: %v)", ca.as.Refused())
			}
			tok := ca.stored()
			if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
				t.Errorf("stored %+v, want both tokens and the expiry", tok.Expiry)
			}
			page = ca.send(req{method: http.MethodGet, path: "/admin/channels", cookie: ca.cookie})
			if !strings.Contains(string(page.Body), `<span class="tag tag-good">connected</span>`) {
				t.Errorf("the channels page does not say connected")
			}
		})
	}
}

func TestForgedAndReplayedStateRefused(t *testing.T) {
	ca := newConnectApp(t, "x")
	ca.start(ca.cookie) // a real attempt is pending; the forgery is not it
	r := ca.callback("state=forged-state&code=anything", ca.cookie)
	wantStatus(t, "forged state", r, http.StatusBadRequest)
	if !strings.Contains(string(r.Body), "not valid") || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("forged state: want an error page saying the link is not valid, got %s", r)
	}
	if ex, _ := ca.as.Counts(); ex != 0 || ca.stored().AccessToken != "" {
		t.Errorf("a forged state exchanged %d codes or stored a token", ex)
	}

	query := ca.approve(ca.start(ca.cookie))
	wantStatus(t, "first callback", ca.callback(query, ca.cookie), http.StatusSeeOther)
	first := ca.stored()
	r = ca.callback(query, ca.cookie)
	wantStatus(t, "replayed state", r, http.StatusBadRequest)
	if ex, _ := ca.as.Counts(); ex != 1 || ca.stored() != first {
		t.Errorf("a replayed state: %d exchanges (want 1), tokens changed %v", ex, ca.stored() != first)
	}
}

func TestStateOfAnotherSessionRefused(t *testing.T) {
	ca := newConnectApp(t, "x")
	ca.addUser(person{Email: "other-admin@example.test", Roles: []briefing.Role{briefing.RoleAdmin}, Password: "other horse"})
	other := ca.signIn("other-admin@example.test", "other horse").Value
	sameAdminElsewhere := ca.signIn("admin@example.test", "correct horse").Value

	for what, cookie := range map[string]string{"another admin's session": other, "the same admin's other session": sameAdminElsewhere} {
		query := ca.approve(ca.start(ca.cookie))
		r := ca.callback(query, cookie)
		wantStatus(t, what, r, http.StatusBadRequest)
		if ex, _ := ca.as.Counts(); ex != 0 || ca.stored().AccessToken != "" {
			t.Errorf("%s: %d codes exchanged or a token stored, want none", what, ex)
		}
		// Presented once, the state is spent: not even its owner can use it now.
		wantStatus(t, what+", then the owner", ca.callback(query, ca.cookie), http.StatusBadRequest)
	}
}

func TestConnectNeedsAnAdminInABrowser(t *testing.T) {
	ca := newConnectApp(t, "x")
	ca.addUser(person{Email: "author@example.test", Roles: []briefing.Role{briefing.RoleAuthor}, Password: "author horse"})
	author := ca.signIn("author@example.test", "author horse").Value
	wantStatus(t, "an author", ca.send(req{method: http.MethodGet, path: "/admin/channels/" + ca.channelID + "/connect", cookie: author}), http.StatusForbidden)
	wantStatus(t, "an admin's API token", ca.send(req{method: http.MethodGet, path: "/admin/channels/" + ca.channelID + "/connect", token: ca.admin.Token}), http.StatusBadRequest)
	wantStatus(t, "nobody", ca.send(req{method: http.MethodGet, path: connect.CallbackPath + "?state=x&code=y"}), http.StatusSeeOther)
}

func TestAccessDeniedSaysSo(t *testing.T) {
	ca := newConnectApp(t, "linkedin")
	ca.as.Deny()
	r := ca.callback(ca.approve(ca.start(ca.cookie)), ca.cookie)
	wantStatus(t, "access denied", r, http.StatusBadRequest)
	if !strings.Contains(string(r.Body), "ccess was denied at the platform") || ca.stored().AccessToken != "" || ca.connected() {
		t.Errorf("access_denied: want a page that says so and nothing stored, got %s", r)
	}
}

func TestFailedRefreshShownAndNoSecretAnywhere(t *testing.T) {
	ca := newConnectApp(t, "x")
	wantStatus(t, "callback", ca.callback(ca.approve(ca.start(ca.cookie)), ca.cookie), http.StatusSeeOther)
	tok := ca.stored()
	// A sender got a 401; the platform then refuses the refresh.
	ca.as.RevokeAll()
	_, err := ca.srv.connect.Token(context.Background(), ca.channelID, tok.AccessToken)
	if !errors.Is(err, channel.ErrNotConnected) {
		t.Fatalf("Token after the revocation: %v", err)
	}
	if ca.connected() {
		t.Errorf("after a refused refresh: connected true")
	}
	inbox := ca.send(req{method: http.MethodGet, path: "/", cookie: ca.cookie})
	if !strings.Contains(string(inbox.Body), "Channels to connect again") || !strings.Contains(string(inbox.Body), "/admin/channels#ch-"+ca.channelID) {
		t.Errorf("the admin's inbox does not tell them:\n%s", inbox.Body)
	}
	page := ca.send(req{method: http.MethodGet, path: "/admin/channels", cookie: ca.cookie})
	if !strings.Contains(string(page.Body), "not connected") || !strings.Contains(string(page.Body), ">Connect account</a>") {
		t.Errorf("the channels page does not offer to connect again")
	}

	// Everything a person or a program can read, and every log line.
	var seen strings.Builder
	for _, r := range []*response{
		ca.get("/api/v1/channels", ca.admin.Token),
		ca.get("/api/v1/audit", ca.admin.Token),
		inbox, page,
		ca.send(req{method: http.MethodGet, path: "/admin/audit", cookie: ca.cookie}),
		ca.callback("state=forged&code=x", ca.cookie),
	} {
		seen.Write(r.Body)
		for k, v := range r.Header {
			seen.WriteString(k + ": " + strings.Join(v, ",") + "\n")
		}
	}
	seen.WriteString(ca.logs.String())
	seen.WriteString(ca.testApp.logs.String())
	seen.WriteString(err.Error())
	if !strings.Contains(ca.logs.String(), "channel connected") {
		t.Fatalf("the connect service logged nothing to check")
	}
	for _, secret := range ca.as.Issued() {
		if strings.Contains(seen.String(), secret) {
			t.Errorf("a secret (%.14s…) appears in an answer, a page or a log", secret)
		}
	}
}
