package connect

// The stand-in authorization servers (testkit.AuthServer) are as strict as
// X and LinkedIn: they recompute the S256 challenge of the verifier, check
// client authentication (X: HTTP Basic; LinkedIn: in the body),
// redirect_uri and grant_type, spend codes once and rotate X's refresh
// tokens. See briefing/testkit/oauth.go.

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

const baseURL = "http://news.example.test"

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

// fixture is a store, the connect service over it, an admin signed in,
// and a stand-in platform.
type fixture struct {
	t       *testing.T
	st      *store.Store
	svc     *Service
	as      *testkit.AuthServer
	admin   *briefing.User
	session string
	logs    *logBuffer
}

func newFixture(t *testing.T, platform string) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "firsthand.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, logs: &logBuffer{}}
	f.as = testkit.NewAuthServer(t, platform, baseURL+CallbackPath)
	f.admin = f.user("admin@example.test", briefing.RoleAdmin)
	if f.session, err = st.CreateSession(f.admin.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	f.svc = New(Options{Store: st, BaseURL: baseURL, Logger: slog.New(slog.NewTextHandler(f.logs, nil)),
		Client: channel.NewGuardedDialer(channel.AllowLoopback()).Client()})
	return f
}

func (f *fixture) user(email string, roles ...briefing.Role) *briefing.User {
	f.t.Helper()
	u := &briefing.User{Email: email, Name: strings.Split(email, "@")[0], Roles: roles}
	if err := f.st.CreateUser(u, "test"); err != nil {
		f.t.Fatal(err)
	}
	return u
}

// channel creates a channel of the stand-in's platform with its app's
// credentials and no token.
func (f *fixture) channel() *briefing.Channel {
	f.t.Helper()
	cfg := map[string]any{"client_id": f.as.ClientID, "client_secret": f.as.ClientSecret, "api_base": f.as.URL, "auth_base": f.as.URL}
	if f.as.Platform == "linkedin" {
		cfg["author"] = "urn:li:organization:5515715"
	}
	ch := &briefing.Channel{Name: "Company on " + f.as.Platform, Kind: briefing.ChannelKind(f.as.Platform), Config: channel.ConfigJSON(cfg)}
	if err := f.st.CreateChannel(ch, "user:"+f.admin.ID); err != nil {
		f.t.Fatal(err)
	}
	return ch
}

// approve follows an authorization address as the admin's browser would:
// the stand-in approves and sends it back; the callback's query is
// returned.
func (f *fixture) approve(authorizeURL string) url.Values {
	f.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authorizeURL)
	if err != nil {
		f.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		f.t.Fatalf("authorize: got %d, want 302 (the stand-in refused the request)", res.StatusCode)
	}
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), baseURL+CallbackPath+"?") {
		f.t.Fatalf("authorize sent the browser to %q, want the callback", res.Header.Get("Location"))
	}
	return back.Query()
}

// connect runs a whole connect and returns the channel as stored.
func (f *fixture) connect(ch *briefing.Channel) *briefing.Channel {
	f.t.Helper()
	to, err := f.svc.Begin(ch.ID, f.admin, f.session)
	if err != nil {
		f.t.Fatalf("Begin: %v", err)
	}
	q := f.approve(to)
	got, err := f.svc.Finish(context.Background(), q.Get("state"), q.Get("code"), f.admin, f.session)
	if err != nil {
		f.t.Fatalf("Finish: %v (the stand-in refused: %v)", err, f.as.Refused())
	}
	return got
}

// logBuffer collects the service's log lines from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *logBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *logBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestConnectStoresTokensAndExpiry(t *testing.T) {
	for _, platform := range []string{"x", "linkedin"} {
		t.Run(platform, func(t *testing.T) {
			f := newFixture(t, platform)
			ch := f.channel()
			if channel.Connected(*ch) {
				t.Fatalf("a channel with credentials and no token: connected, want not connected")
			}
			to, err := f.svc.Begin(ch.ID, f.admin, f.session)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(to)
			q := u.Query()
			wantPath := map[string]string{"x": "/i/oauth2/authorize", "linkedin": "/oauth/v2/authorization"}[platform]
			wantScope := map[string]string{"x": "tweet.read tweet.write users.read offline.access", "linkedin": "w_organization_social openid profile"}[platform]
			for k, want := range map[string]string{"response_type": "code", "client_id": f.as.ClientID,
				"redirect_uri": baseURL + "/admin/channels/oauth/callback", "scope": wantScope, "code_challenge_method": "S256"} {
				if got := q.Get(k); got != want {
					t.Errorf("authorize %s: got %q, want %q", k, got, want)
				}
			}
			if u.Path != wantPath || len(q.Get("state")) < 20 || len(q.Get("code_challenge")) != 43 {
				t.Errorf("authorize URL %s: want path %s, a random state and an S256 challenge", to, wantPath)
			}
			back := f.approve(to)
			before := time.Now()
			got, err := f.svc.Finish(context.Background(), back.Get("state"), back.Get("code"), f.admin, f.session)
			if err != nil {
				t.Fatalf("Finish: %v (refused: %v)", err, f.as.Refused())
			}
			tok := briefing.TokensOf(got.Config)
			if !strings.HasPrefix(tok.AccessToken, platform+"-access-") || !strings.HasPrefix(tok.RefreshToken, platform+"-refresh-") {
				t.Errorf("stored tokens %q / %q, want the stand-in's", tok.AccessToken, tok.RefreshToken)
			}
			if d := tok.Expiry.Sub(before); d < 119*time.Minute || d > 121*time.Minute {
				t.Errorf("expiry in %s, want the two hours the platform said", d)
			}
			if !channel.Connected(*got) {
				t.Errorf("after the connect: not connected")
			}
			if ex, _ := f.as.Counts(); ex != 1 {
				t.Errorf("codes exchanged: %d, want 1", ex)
			}
			ev, _, err := f.st.AuditEvents(store.AuditFilter{Action: "channel.connect", Target: "channel:" + ch.ID})
			if err != nil || len(ev) != 1 || ev[0].Actor != "user:"+f.admin.ID {
				t.Errorf("audit channel.connect: got %+v (%v), want one by the admin", ev, err)
			}
			// The kind's own settings are kept beside the tokens.
			var cfg map[string]any
			json.Unmarshal(got.Config, &cfg)
			if cfg["client_id"] != f.as.ClientID || cfg["api_base"] != f.as.URL {
				t.Errorf("config after the connect lost its settings: %v", cfg)
			}
		})
	}
}

func TestFinishRefusesWhatTheStandInRefuses(t *testing.T) {
	f := newFixture(t, "x")
	ch := f.channel()
	to, _ := f.svc.Begin(ch.ID, f.admin, f.session)
	back := f.approve(to)
	// A code the platform does not know: refused there, nothing stored.
	_, err := f.svc.Finish(context.Background(), back.Get("state"), "code-forged", f.admin, f.session)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("a forged code: got %v, want the platform's invalid_grant", err)
	}
	stored, _ := f.st.Channel(ch.ID)
	if briefing.TokensOf(stored.Config).AccessToken != "" {
		t.Errorf("a refused exchange stored a token")
	}
	// The state was used up by that attempt: the real code cannot follow.
	if _, err := f.svc.Finish(context.Background(), back.Get("state"), back.Get("code"), f.admin, f.session); err == nil {
		t.Errorf("a state used once worked a second time")
	}
}

func TestBeginRefusesKindsWithoutAccounts(t *testing.T) {
	f := newFixture(t, "x")
	list, _ := f.st.Channels()
	var newsroom *briefing.Channel
	for _, c := range list {
		if c.Kind == briefing.KindNewsroom {
			newsroom = c
		}
	}
	if _, err := f.svc.Begin(newsroom.ID, f.admin, f.session); err == nil {
		t.Errorf("Begin on the newsroom: no error, want a conflict")
	}
	bare := &briefing.Channel{Name: "No app", Kind: "x", Config: json.RawMessage(`{"access_token":"static"}`)}
	if err := f.st.CreateChannel(bare, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Begin(bare.ID, f.admin, f.session); err == nil || !strings.Contains(err.Error(), "client_id") {
		t.Errorf("Begin without a client_id: got %v, want it to ask for one", err)
	}
}
