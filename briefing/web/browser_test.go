package web

// End-to-end tests in headless Chromium: the real server over a real store,
// the embargo scheduler, and a webhook receiver, driven through the pages
// as people use them. Without Chromium the tests skip; under CI (the
// variable CI set) they fail instead, so that CI cannot pass without them.

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/embargo"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

const browserPassword = "browser-test-password"

// chromiumPath finds a Chromium, or skips the test (fails it under CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium, chromium-browser or google-chrome is on PATH: install one (apt-get install -y chromium)")
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH: the browser tests need one (apt-get install -y chromium)")
	return ""
}

// browserEnv is a running Firsthand and a headless Chromium.
type browserEnv struct {
	t       *testing.T
	st      *store.Store
	url     string
	browser context.Context
	logs    *testkit.LockedBuffer

	mu       sync.Mutex
	requests []string // every URL any tab asked for
}

// newBrowserEnv starts the browser and the server; seed runs on the store
// before the server starts, so that it may set the store's clock.
func newBrowserEnv(t *testing.T, seed func(st *store.Store)) *browserEnv {
	t.Helper()
	exe := chromiumPath(t)
	st, err := store.Open(filepath.Join(t.TempDir(), "browser.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	if seed != nil {
		seed(st)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	logs := &testkit.LockedBuffer{}
	srv, err := New(Config{Store: st, BaseURL: base, Version: "browser-test", ChannelDialer: channel.NewGuardedDialer(channel.AllowLoopback()),
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts.Config.Handler = srv
	sched, err := embargo.New(st, embargo.Options{BaseURL: base, Dialer: channel.NewGuardedDialer(channel.AllowLoopback()),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		RetryDelay: func(int, time.Duration) time.Duration { return 100 * time.Millisecond }})
	if err != nil {
		t.Fatalf("embargo.New: %v", err)
	}
	st.OnRelease, st.OnPublish = sched.Kick, sched.Replan
	sched.Start()
	ts.Start()

	profile := t.TempDir() // removed after the browser has stopped (cleanups run last first)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.WindowSize(1280, 900))
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	e := &browserEnv{t: t, st: st, url: base, browser: browser, logs: logs}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := sched.Shutdown(ctx); err != nil {
			t.Errorf("scheduler shutdown: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("store.Close: %v", err)
		}
		if l := logs.String(); l != "" {
			t.Errorf("the server logged errors:\n%s", l)
		}
	})
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return e
}

// tab opens a tab with its own cookies (a person of their own) at the
// given window size, in Berlin time.
func (e *browserEnv) tab(width, height int64, mobile bool) context.Context {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	if err := chromedp.Listen(ctx, func(ev any) {
		if req, ok := ev.(*network.EventRequestWillBeSent); ok {
			e.mu.Lock()
			e.requests = append(e.requests, req.Request.URL)
			e.mu.Unlock()
		}
	}); err != nil {
		e.t.Fatalf("listen: %v", err)
	}
	opts := []chromedp.EmulateViewportOption{}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		e.t.Fatalf("viewport: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"}); err != nil {
		e.t.Fatalf("time zone: %v", err)
	}
	return ctx
}

// do runs actions and fails the test with what was being done.
func (e *browserEnv) do(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		e.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// text reads the visible text of the first element matching css.
func (e *browserEnv) text(ctx context.Context, css string) string {
	e.t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		e.t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// waitJS waits until a JavaScript expression is true.
func (e *browserEnv) waitJS(ctx context.Context, what, expr string, timeout time.Duration) {
	e.t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText.slice(0, 2000) : ""`))
		e.t.Fatalf("waiting for %s: %v\npage:\n%s", what, err, body)
	}
}

func (e *browserEnv) signIn(ctx context.Context, email string) {
	e.t.Helper()
	e.do(ctx, "sign in as "+email,
		chromedp.Navigate(e.url+"/"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), browserPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".who-name")),
	)
}

// foreign lists the requests that went anywhere but the server.
func (e *browserEnv) foreign() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, u := range e.requests {
		if !strings.HasPrefix(u, e.url+"/") && !strings.HasPrefix(u, "data:") {
			out = append(out, u)
		}
	}
	return out
}

// addPeople creates users with the test password (bcrypt's lowest cost:
// the race detector makes the default cost slow).
func addPeople(t *testing.T, st *store.Store, people ...briefing.User) map[string]*briefing.User {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(browserPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*briefing.User{}
	for _, p := range people {
		u := p
		u.PasswordHash = hash
		if err := st.CreateUser(&u, "test"); err != nil {
			t.Fatalf("CreateUser(%s): %v", u.Email, err)
		}
		out[u.Email] = &u
	}
	return out
}

// hookReceiver is a webhook endpoint that records what it got.
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, r.Header.Get("webhook-id")+" "+string(b))
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

func TestBrowserBriefReadAcknowledgeRelease(t *testing.T) {
	hooks := newHookReceiver(t)
	e := newBrowserEnv(t, func(st *store.Store) {
		addPeople(t, st,
			briefing.User{Email: "ada@example.com", Name: "Ada Admin", Department: "IT", Roles: []briefing.Role{briefing.RoleAdmin}},
			briefing.User{Email: "paula@example.com", Name: "Paula PR", Department: "Communications", Roles: []briefing.Role{briefing.RoleAuthor}},
			briefing.User{Email: "martin@example.com", Name: "Martin Manager", Department: "Sales", Roles: []briefing.Role{briefing.RoleManager}},
			briefing.User{Email: "anna@example.com", Name: "Anna Sales", Department: "Sales"},
			briefing.User{Email: "ben@example.com", Name: "Ben Sales", Department: "Sales"},
			briefing.User{Email: "clara@example.com", Name: "Clara Sales", Department: "Sales"},
			briefing.User{Email: "dora@example.com", Name: "Dora Support", Department: "Support"},
		)
	})
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("browser-test-signing-key"))

	// The admin adds the webhook channel.
	admin := e.tab(1280, 900, false)
	e.signIn(admin, "ada@example.com")
	e.do(admin, "add a channel",
		chromedp.Navigate(e.url+"/admin/channels"),
		chromedp.SendKeys(chromedp.ID("ch-name"), "Partner webhook"),
		chromedp.SendKeys(chromedp.ID("ch-purpose"), "Partner systems"),
		chromedp.SetValue(chromedp.ID("webhook_url"), hooks.URL+"/firsthand"),
		chromedp.SetValue(chromedp.ID("webhook_secret"), secret),
		chromedp.Click(chromedp.CSS(`form[action="/admin/channels"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := e.text(admin, ".channel:nth-of-type(2) h3"); got != "Partner webhook" { // after the built-in newsroom
		t.Fatalf("channel list: got %q", got)
	}

	// The author writes, previews and publishes to Sales.
	author := e.tab(1280, 900, false)
	e.signIn(author, "paula@example.com")
	e.do(author, "open the editor",
		chromedp.Click(chromedp.CSS(`.mainnav a[href="/announcements"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.button.primary[href="/announcements/new"]`)),
		chromedp.Click(chromedp.CSS(`a.button.primary[href="/announcements/new"]`)),
		chromedp.WaitVisible(chromedp.ID("title")),
	)
	e.do(author, "write",
		chromedp.SendKeys(chromedp.ID("title"), "Spring prices"),
		chromedp.SendKeys(chromedp.ID("summary"), "Simpler plans from April."),
		chromedp.SetValue(chromedp.ID("body"), "## What changes\n\n**Nobody** pays more this year."),
		chromedp.Click(chromedp.CSS(`input[name="department"][value="Sales"]`)),
		chromedp.SetValue(chromedp.ID("threshold"), "50"),
		chromedp.Click(chromedp.CSS(`input[name="channel"][value="2"]`)), // the webhook, after the newsroom
		chromedp.SendKeys(chromedp.CSS(`textarea[name="text_2"]`), "Simpler plans from April."),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.ID("preview")),
	)
	if got := e.text(author, "#preview .prose strong"); got != "Nobody" {
		t.Errorf("preview: got %q, want the rendered Markdown", got)
	}
	if got := e.text(author, ".count-big"); !strings.Contains(got, "4 people") {
		t.Errorf("recipient count: got %q, want 4 people", got)
	}
	e.do(author, "review",
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".confirm")),
	)
	if got := e.text(author, ".confirm-lead"); !strings.Contains(got, "4 people") {
		t.Errorf("confirmation: got %q", got)
	}
	if got := e.text(author, ".dept-counts"); !strings.Contains(got, "Sales") {
		t.Errorf("confirmation departments: got %q", got)
	}
	e.do(author, "publish",
		chromedp.Click(chromedp.CSS(`.confirm button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(".stats")),
	)
	loc, _ := chromedp.Run(author, chromedp.Location())
	dashboard := strings.Split(strings.TrimPrefix(loc, e.url), "?")[0]
	id := strings.TrimPrefix(dashboard, "/announcements/")

	// The manager watches readiness; the page polls.
	manager := e.tab(1280, 900, false)
	e.signIn(manager, "martin@example.com")
	e.do(manager, "open the dashboard", chromedp.Navigate(e.url+dashboard), chromedp.WaitVisible(chromedp.CSS(`[data-dept="Sales"]`)))
	if got := e.text(manager, `[data-r="acknowledged"]`); got != "0" {
		t.Fatalf("acknowledged before anyone did: %q", got)
	}

	// Anna opens it from her inbox and acknowledges with the button.
	anna := e.tab(390, 844, true)
	e.signIn(anna, "anna@example.com")
	e.do(anna, "open the briefing",
		chromedp.Click(chromedp.CSS(`.item a[href="/briefings/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ack button`)),
		chromedp.Click(chromedp.CSS(`#ack button`)),
		chromedp.WaitVisible(chromedp.CSS(`#ack .done-note`)),
	)

	// The manager's page moves without a reload: numbers and the bar.
	e.waitJS(manager, "1 acknowledgement on the dashboard",
		`document.querySelector('[data-r="acknowledged"]').textContent === "1" &&
		 document.querySelector('[data-dept="Sales"] [data-bar="ack"]').getAttribute("width") === "25.0"`, 15*time.Second)
	if got := e.text(manager, `[data-dept="Sales"] [data-d="ack_ratio"]`); got != "25%" {
		t.Errorf("Sales bar label: got %q, want 25%%", got)
	}

	// Ben acknowledges: 2 of 4 is the threshold, the gate opens.
	ben := e.tab(1280, 900, false)
	e.signIn(ben, "ben@example.com")
	e.do(ben, "acknowledge", chromedp.Navigate(e.url+"/briefings/"+id), chromedp.Click(chromedp.CSS(`#ack button`)),
		chromedp.WaitVisible(chromedp.CSS(`#ack .done-note`)))
	e.waitJS(manager, "the release on the dashboard",
		`document.querySelector('[data-r="acknowledged"]').textContent === "2" &&
		 document.querySelector('[data-dept="Sales"] [data-bar="ack"]').getAttribute("width") === "50.0" &&
		 document.querySelector('[data-live="state"] .state').textContent === "Released"`, 15*time.Second)

	// The webhook got it once, and the newsroom shows it.
	deadline := time.Now().Add(10 * time.Second)
	for len(hooks.got()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := hooks.got(); len(got) != 1 || !strings.Contains(got[0], `"announcement.released"`) || !strings.Contains(got[0], "Spring prices") {
		t.Errorf("webhook deliveries: got %q, want one announcement.released", got)
	}
	public := e.tab(390, 844, true)
	e.do(public, "the newsroom",
		chromedp.Navigate(e.url+"/news"),
		chromedp.WaitVisible(chromedp.CSS(".news-lead h2 a")),
		chromedp.Click(chromedp.CSS(".news-lead h2 a")),
		chromedp.WaitVisible(chromedp.CSS(".news-article .prose")),
	)
	if got := e.text(public, ".news-article h1"); got != "Spring prices" {
		t.Errorf("news page title: got %q", got)
	}
	if f := e.foreign(); len(f) > 0 {
		t.Errorf("requests to another origin: %q", f)
	}
}

// TestScreenshots writes PNGs of the main pages at 1280 and 390 px into
// $FIRSTHAND_SCREENSHOTS (default: a temporary folder) and checks that at
// 390 px no page scrolls sideways and nothing loads from elsewhere.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("FIRSTHAND_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var ids screenshotIDs
	e := newBrowserEnv(t, func(st *store.Store) { ids = seedScreenshots(t, st) })
	t.Logf("screenshots in %s", dir)

	pages := []struct {
		name, who, path, action string
	}{
		{"inbox", "anna@example.com", "/", ""},
		{"briefing", "anna@example.com", "/briefings/" + ids.briefing, ""},
		{"announcements", "paula@example.com", "/announcements", ""},
		{"editor", "paula@example.com", "/announcements/" + ids.draft + "/edit", "preview"},
		{"dashboard", "paula@example.com", "/announcements/" + ids.briefing, ""},
		{"dashboard-manager", "martin@example.com", "/announcements/" + ids.briefing, ""},
		{"admin-users", "ada@example.com", "/admin/users", ""},
		{"admin-channels", "ada@example.com", "/admin/channels", ""},
		{"signin", "", "/", ""},
		{"news", "", "/news", ""},
		{"news-item", "", "/news/" + ids.newsSlug, ""},
		{"error-404", "anna@example.com", "/briefings/999999", ""},
	}
	for _, size := range []struct {
		width, height int64
		mobile        bool
	}{{1280, 900, false}, {390, 844, true}} {
		tabs := map[string]context.Context{}
		for _, p := range pages {
			ctx, ok := tabs[p.who]
			if !ok {
				ctx = e.tab(size.width, size.height, size.mobile)
				if p.who != "" {
					e.signIn(ctx, p.who)
				}
				tabs[p.who] = ctx
			}
			e.do(ctx, p.name, chromedp.Navigate(e.url+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
			if p.action == "preview" {
				e.do(ctx, "preview", chromedp.Click(chromedp.CSS(`button[value="preview"]`)), chromedp.WaitVisible(chromedp.ID("preview")))
			}
			if size.width == 390 {
				w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if w > 390 {
					wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(el => el.getBoundingClientRect().right > 391).slice(0, 5).map(el => el.tagName + "." + el.className).join(", ")`))
					t.Errorf("%s at 390 px: scrollWidth %d > 390 (too wide: %s)", p.name, w, wide)
				}
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("%s: screenshot: %v", p.name, err)
			}
			name := filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.name, size.width))
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if f := e.foreign(); len(f) > 0 {
		t.Errorf("requests to another origin: %q", f)
	}
}

type screenshotIDs struct{ briefing, draft, newsSlug string }

// seedScreenshots fills the store with an organisation in the middle of a
// launch: a briefing six hours old with a curve, questions, a draft and a
// released item. It moves the store's clock, before the server runs.
func seedScreenshots(t *testing.T, st *store.Store) screenshotIDs {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Minute)
	clock := now
	st.Now = func() time.Time { return clock }
	defer func() { st.Now = func() time.Time { return time.Now().UTC() } }()

	people := []briefing.User{
		{Email: "ada@example.com", Name: "Ada Admin", Department: "IT", Location: "Berlin", Roles: []briefing.Role{briefing.RoleAdmin}},
		{Email: "paula@example.com", Name: "Paula PR", Department: "Communications", Location: "Berlin", Roles: []briefing.Role{briefing.RoleAuthor}},
		{Email: "martin@example.com", Name: "Martin Manager", Department: "Sales", Location: "Berlin", Roles: []briefing.Role{briefing.RoleManager}},
		{Email: "anna@example.com", Name: "Anna Becker", Department: "Sales", Location: "Berlin"},
	}
	first := []string{"Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Lena", "Max", "Nora"}
	last := []string{"Schmidt", "Weber", "Wagner", "Fischer", "Meyer", "Koch", "Richter", "Wolf"}
	depts := []struct{ name, loc string }{{"Sales", "Berlin"}, {"Support", "Leipzig"}, {"Engineering", "Berlin"}, {"Marketing", "Hamburg"}}
	n := 0
	for _, d := range depts {
		for i := 0; i < 9; i++ {
			f, l := first[(n+i)%len(first)], last[(n*3+i)%len(last)]
			people = append(people, briefing.User{Email: fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(f), strings.ToLower(l), n+i),
				Name: f + " " + l, Department: d.name, Location: d.loc})
		}
		n += 9
	}
	users := addPeople(t, st, people...)
	author := users["paula@example.com"]
	hook := &briefing.Channel{Name: "Partner webhook", Kind: channel.KindWebhook, Purpose: "Resellers' systems: price lists and product news",
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://partners.example.com/hooks/firsthand", Secret: "whsec_" + base64.StdEncoding.EncodeToString([]byte("screenshot-signing-key"))})}
	masto := &briefing.Channel{Name: "Mastodon", Kind: channel.KindMastodon, Purpose: "Our public account: short news for customers",
		Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://social.example.com", AccessToken: "token"})}
	for _, ch := range []*briefing.Channel{hook, masto} {
		if err := st.CreateChannel(ch, "test"); err != nil {
			t.Fatal(err)
		}
	}
	create := func(a *briefing.Announcement) *briefing.Announcement {
		a.AuthorID = author.ID
		if err := st.CreateAnnouncement(a, "test"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	publish := func(id string) *briefing.Announcement {
		a, err := st.Publish(id, "test")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	// Released: in the newsroom. The deliveries went out then, so that
	// the test server never reaches for the example hosts.
	sent := func(id string) {
		ds, err := st.Deliveries(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if _, err := st.RecordAttempt(d.ID, store.Attempt{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	clock = now.Add(-12 * 24 * time.Hour)
	chat := create(&briefing.Announcement{Title: "Support now answers by chat, too",
		Summary:  "From today, customers reach our support team by chat on weekdays from 8 to 20.",
		Body:     "Customers can now **chat** with our support team, right from the help pages.\n\nPhone and e-mail stay as they are.\n",
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 0.05},
		Channels: []briefing.ChannelText{{ChannelID: hook.ID}}})
	publish(chat.ID)
	clock = now.Add(-11 * 24 * time.Hour)
	for _, p := range people[:3] {
		if _, err := st.Acknowledge(chat.ID, users[p.Email].ID); err != nil {
			t.Fatal(err)
		}
	}
	sent(chat.ID)

	// Released two days ago, acknowledged by Anna.
	clock = now.Add(-50 * time.Hour)
	old := create(&briefing.Announcement{Title: "We are opening an office in Vienna",
		Summary:  "From spring, a team of twelve in Vienna looks after our customers in Austria.",
		Body:     "We are opening an office in **Vienna** in April.\n\n1. Support hours for Austria get longer.\n2. The team is hiring: tell your friends.\n",
		Audience: briefing.Audience{All: true}, Policy: briefing.Policy{Threshold: 0.1},
		Channels: []briefing.ChannelText{{ChannelID: hook.ID}}})
	publish(old.ID)
	clock = now.Add(-48 * time.Hour)
	for _, p := range people[:8] {
		if _, err := st.Acknowledge(old.ID, users[p.Email].ID); err != nil {
			t.Fatal(err)
		}
	}
	sent(old.ID)

	// In briefing for six hours, with a curve that slows down.
	deptHalf := 0.6
	tomorrow := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, time.UTC).Add(24 * time.Hour)
	clock = now.Add(-6 * time.Hour)
	live := create(&briefing.Announcement{Title: "New pricing from 1 April",
		Summary: "Three plans instead of five. Nobody pays more this year; most customers pay less.",
		Body: "## What changes\n\n| Plan | Today | From 1 April |\n|---|---|---|\n| Starter | 9 € | 9 € |\n| Team | 29 € | 25 € |\n| Business | 79 € | 69 € |\n\n" +
			"## What to tell customers\n\n- Nobody pays more this year.\n- Existing contracts keep their price until renewal.\n- **Questions?** Ask below: we answer within the hour.\n",
		Audience: briefing.Audience{Departments: []string{"Sales", "Support", "Marketing"}},
		Policy:   briefing.Policy{Threshold: 0.8, DepartmentThreshold: &deptHalf, NotBefore: &tomorrow},
		Channels: []briefing.ChannelText{{ChannelID: hook.ID}, {ChannelID: masto.ID, Text: "Simpler pricing: three plans from 1 April, and nobody pays more this year."}}})
	publish(live.ID)
	var recipients []*briefing.User
	for _, p := range people {
		if p.Department == "Sales" || p.Department == "Support" || p.Department == "Marketing" {
			recipients = append(recipients, users[p.Email])
		}
	}
	acked := 0
	for i, u := range recipients {
		if u.Email == "anna@example.com" || u.Email == "martin@example.com" {
			continue
		}
		share := map[string]int{"Sales": 9, "Support": 5, "Marketing": 7}[u.Department]
		if i%10 >= share {
			continue
		}
		clock = now.Add(-6*time.Hour + time.Duration(acked*acked+3*acked)*time.Minute/2)
		if _, err := st.ReadBriefing(live.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Acknowledge(live.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		acked++
	}
	clock = now.Add(-40 * time.Minute)
	if _, err := st.ReadBriefing(live.ID, recipients[len(recipients)-1].ID); err != nil {
		t.Fatal(err)
	}
	var rel *briefing.Announcement
	q1, err := st.Ask(live.ID, recipients[3].ID, "Do customers on the old Business plan move automatically?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Answer(q1.ID, "user:"+author.ID, "Yes, on their renewal date; they get an e-mail a month before."); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(-12 * time.Minute)
	if _, err := st.Ask(live.ID, recipients[12].ID, "What do we say to customers who just renewed at the old price?"); err != nil {
		t.Fatal(err)
	}

	// A draft, for the editor.
	clock = now.Add(-30 * time.Minute)
	draft := create(&briefing.Announcement{Title: "Support hours on public holidays",
		Summary:  "From May, Support answers on public holidays from 9 to 17.",
		Body:     "## Who works when\n\nA rota of **four people** per holiday, planned a quarter ahead.\n\n- Ask your team lead to swap.\n- Holiday pay as usual.\n",
		Audience: briefing.Audience{Departments: []string{"Support"}}, Policy: briefing.Policy{Threshold: 0.9},
		Channels: []briefing.ChannelText{{ChannelID: masto.ID, Text: "From May our support is there for you on public holidays too."}}})
	rel, err = st.Announcement(old.ID)
	if err != nil {
		t.Fatal(err)
	}
	return screenshotIDs{briefing: live.ID, draft: draft.ID, newsSlug: rel.Slug}
}
