package main

import (
	"io"
	"net/http"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// TestServeTokenFromCLI: a token made by `token create` on a database
// opens the API of a server started on that database, and the server
// shuts down cleanly when its context ends (SIGINT/SIGTERM in main).
func TestServeTokenFromCLI(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	id := oneLine(t, "user add", mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada Admin",
		"--department", "IT", "--location", "Berlin", "--role", "admin"))
	token := oneLine(t, "token create", mustCLI(t, "token", "create", "--db", db, "--email", "ada@example.com"))

	srv := startServe(t, nil, "--db", db)
	if !strings.Contains(srv.stdout.String(), srv.URL) {
		t.Errorf("serve printed %q, want its address %s", srv.stdout.String(), srv.URL)
	}

	var me struct {
		ID, Email, Name, Department, Location string
		Roles                                 []string
	}
	newAPI(srv.URL, token).must(t, "GET", "/api/v1/me", nil, http.StatusOK, &me)
	if me.ID != id || me.Email != "ada@example.com" || me.Name != "Ada Admin" || me.Department != "IT" || me.Location != "Berlin" {
		t.Errorf("GET /api/v1/me = %+v, want the user added on the command line (id %s)", me, id)
	}
	if len(me.Roles) != 1 || me.Roles[0] != "admin" {
		t.Errorf("roles = %v, want [admin]", me.Roles)
	}
	for _, bad := range []string{"", token + "x"} {
		if got, _, err := newAPI(srv.URL, bad).call("GET", "/api/v1/me", nil, nil); err != nil || got != http.StatusUnauthorized {
			t.Errorf("GET /api/v1/me with token %q: %d %v, want 401", bad, got, err)
		}
	}

	// While the server runs, the database is its own: the CLI says so
	// instead of waiting for ever.
	if _, _, err := runCLI(t, nil, "user", "add", "--db", db, "--email", "eve@example.com", "--name", "Eve"); err == nil {
		t.Error("user add on a database a server has open succeeded, want an error")
	}

	if err := srv.stop(); err != nil {
		t.Fatalf("serve returned %v on shutdown, want nil", err)
	}
	// Shut down means the database is closed: the CLI may open it at once.
	mustCLI(t, "user", "add", "--db", db, "--email", "bob@example.com", "--name", "Bob")
	if _, err := http.Get(srv.URL + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// TestServeAddrFlagWinsOverEnvironment starts a server with FIRSTHAND_ADDR
// and --addr naming different ports: it must listen on the flag's.
func TestServeAddrFlagWinsOverEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envAddr, flagAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{
		"FIRSTHAND_ADDR":     envAddr,
		"FIRSTHAND_DB":       filepath.Join(dir, "env.db"),
		"FIRSTHAND_BASE_URL": "https://news.example.com",
	}
	flagDB := filepath.Join(dir, "flag.db")
	srv := startServe(t, env, "--addr", flagAddr, "--db", flagDB)
	if _, err := (&http.Client{Timeout: time.Second}).Get("http://" + envAddr + "/healthz"); err == nil {
		t.Errorf("the server answers on FIRSTHAND_ADDR %s although --addr %s was given", envAddr, flagAddr)
	}
	out := srv.stdout.String()
	if !strings.Contains(out, "https://news.example.com") || !strings.Contains(out, flagDB) {
		t.Errorf("serve printed %q, want the FIRSTHAND_BASE_URL and the --db file", out)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	openUsers(t, flagDB) // the flag's database exists and opens
}

// loopbackNets is --metrics-allow's default.
var loopbackNets = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func TestParseServe(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want serveConfig
	}{
		{
			name: "defaults",
			want: serveConfig{addr: "127.0.0.1:8080", db: "firsthand.db", baseURL: "http://127.0.0.1:8080", sessionTTL: 12 * time.Hour, metricsAllow: loopbackNets, mailFromName: "Firsthand"},
		},
		{
			name: "variables",
			env: map[string]string{"FIRSTHAND_ADDR": "0.0.0.0:9000", "FIRSTHAND_DB": "/data/f.db", "FIRSTHAND_BASE_URL": "https://news.example.com/",
				"FIRSTHAND_SMTP_URL": "smtp://mail:25", "FIRSTHAND_MAIL_FROM": "news@example.com", "FIRSTHAND_DEMO": "1",
				"FIRSTHAND_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16", "FIRSTHAND_SESSION_TTL": "720h",
				"FIRSTHAND_METRICS_ALLOW":  "10.1.2.3/8, 192.0.2.7",
				"FIRSTHAND_MAIL_FROM_NAME": "Press office", "FIRSTHAND_CHANNEL_ALLOWED_HOSTS": "private", "FIRSTHAND_TIMEZONE": "Europe/Berlin"},
			want: serveConfig{addr: "0.0.0.0:9000", db: "/data/f.db", baseURL: "https://news.example.com",
				smtpURL: "smtp://mail:25", mailFrom: "news@example.com", demo: true, trustedProxies: []string{"10.0.0.1", "192.168.0.0/16"},
				sessionTTL: 720 * time.Hour, metricsAllow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")},
				mailFromName: "Press office", channelHosts: mustHostPolicy(t, "private"), timeZone: "Europe/Berlin"},
		},
		{
			name: "flags win over variables",
			env: map[string]string{"FIRSTHAND_ADDR": "0.0.0.0:9000", "FIRSTHAND_DB": "/data/f.db", "FIRSTHAND_BASE_URL": "https://env.example.com",
				"FIRSTHAND_SMTP_URL": "smtp://env:25", "FIRSTHAND_MAIL_FROM": "env@example.com", "FIRSTHAND_DEMO": "true",
				"FIRSTHAND_SESSION_TTL": "720h", "FIRSTHAND_METRICS_ALLOW": "10.0.0.0/8", "FIRSTHAND_TIMEZONE": "Europe/Berlin"},
			args: []string{"--addr", "127.0.0.1:7000", "--db", "flag.db", "--base-url", "https://flag.example.com",
				"--smtp-url", "smtp://flag:25", "--mail-from", "flag@example.com", "--demo=false", "--session-ttl", "8h",
				"--metrics-allow", "::ffff:192.0.2.9", "--timezone", "Europe/Vienna"},
			want: serveConfig{addr: "127.0.0.1:7000", db: "flag.db", baseURL: "https://flag.example.com",
				smtpURL: "smtp://flag:25", mailFrom: "flag@example.com", sessionTTL: 8 * time.Hour,
				metricsAllow: []netip.Prefix{netip.MustParsePrefix("192.0.2.9/32")}, mailFromName: "Firsthand", timeZone: "Europe/Vienna"},
		},
		{
			name: "a sender is derived when only SMTP is set",
			env:  map[string]string{"FIRSTHAND_SMTP_URL": "smtp://mail:25", "FIRSTHAND_BASE_URL": "https://news.example.com"},
			want: serveConfig{addr: "127.0.0.1:8080", db: "firsthand.db", baseURL: "https://news.example.com",
				smtpURL: "smtp://mail:25", mailFrom: "firsthand@news.example.com", sessionTTL: 12 * time.Hour, metricsAllow: loopbackNets, mailFromName: "Firsthand"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServe(tt.args, envOf(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseServe = %+v, want %+v", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"ftp://example.com", "news.example.com", "http://"} {
		if _, err := parseServe([]string{"--base-url", bad}, envOf(nil), io.Discard); err == nil {
			t.Errorf("--base-url %q accepted, want an error", bad)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "intranet", "10.0.0", ","} {
		if _, err := parseServe([]string{"--metrics-allow", bad}, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "--metrics-allow") {
			t.Errorf("--metrics-allow %q: error %v, want one naming the flag", bad, err)
		}
	}
	for _, bad := range []string{"Berlin", "Local", "Europe/Atlantis"} {
		if _, err := parseServe([]string{"--timezone", bad}, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "--timezone") {
			t.Errorf("--timezone %q: error %v, want one naming the flag", bad, err)
		}
	}
	for _, bad := range []string{"12", "1m", "-1h", "2400h", "soon"} {
		if _, err := parseServe([]string{"--session-ttl", bad}, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "--session-ttl") {
			t.Errorf("--session-ttl %q: error %v, want one naming the flag", bad, err)
		}
	}
}

// TestServeDemo: --demo on an empty database creates the demo organisation
// and prints its logins; on a database with users it changes nothing.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")

	srv := startServe(t, nil, "--db", db, "--demo")
	out := srv.stdout.String()
	for _, want := range []string{"admin@example.com", "author@example.com", "manager@example.com", demoPassword} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --demo printed %q, want it to name %q", out, want)
		}
	}
	// The printed logins work.
	var signedIn struct{ Email string }
	newAPI(srv.URL, "").must(t, "POST", "/api/v1/session",
		map[string]string{"email": "admin@example.com", "password": demoPassword}, http.StatusOK, &signedIn)
	if signedIn.Email != "admin@example.com" {
		t.Errorf("signed in as %q, want admin@example.com", signedIn.Email)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}

	users, anns := demoContents(t, db)
	depts := map[string]int{}
	for _, u := range users {
		depts[u.Department]++
	}
	if len(users) < 24 || len(depts) < 3 {
		t.Errorf("demo has %d users in %d departments, want a few dozen in several", len(users), len(depts))
	}
	states := map[briefing.State]int{}
	for _, a := range anns {
		states[a.State]++
	}
	if states[briefing.StateDraft] != 1 || states[briefing.StateBriefing] != 1 || len(anns) != 2 {
		t.Errorf("demo announcements by state = %v, want one draft and one published", states)
	}
	if zone := settingsOf(t, db).TimeZone; zone != "Europe/Berlin" {
		t.Errorf("the demo organisation's time_zone = %q, want Europe/Berlin", zone)
	}

	srv = startServe(t, nil, "--db", db, "--demo")
	if out := srv.stdout.String(); strings.Contains(out, demoPassword) {
		t.Errorf("the second serve --demo printed %q: it should not create the demo again", out)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	users2, anns2 := demoContents(t, db)
	if len(users2) != len(users) || len(anns2) != len(anns) {
		t.Errorf("after a second --demo: %d users, %d announcements; want %d and %d as before",
			len(users2), len(anns2), len(users), len(anns))
	}
}

// TestServeDemoLeavesAnExistingDatabase: one user is enough for --demo to
// change nothing.
func TestServeDemoLeavesAnExistingDatabase(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada")
	srv := startServe(t, nil, "--db", db, "--demo")
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	users, anns := demoContents(t, db)
	if len(users) != 1 || len(anns) != 0 {
		t.Errorf("--demo on a database with one user left %d users and %d announcements, want 1 and 0", len(users), len(anns))
	}
}

// TestServeTimezoneOnFirstStart: FIRSTHAND_TIMEZONE sets the
// organisation's zone on the first start only.
func TestServeTimezoneOnFirstStart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	srv := startServe(t, map[string]string{"FIRSTHAND_TIMEZONE": "America/New_York"}, "--db", db)
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	if zone := settingsOf(t, db).TimeZone; zone != "America/New_York" {
		t.Errorf("time_zone after the first start = %q, want America/New_York", zone)
	}
	srv = startServe(t, map[string]string{"FIRSTHAND_TIMEZONE": "Asia/Tokyo"}, "--db", db)
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	if zone := settingsOf(t, db).TimeZone; zone != "America/New_York" {
		t.Errorf("time_zone after a second start = %q, want the first start's America/New_York kept", zone)
	}
}

func settingsOf(t *testing.T, db string) briefing.Settings {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set, err := st.Settings()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func demoContents(t *testing.T, db string) ([]*briefing.User, []*briefing.Announcement) {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users, _, err := st.Users(store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	anns, _, err := st.Announcements(store.AnnouncementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return users, anns
}

func mustHostPolicy(t *testing.T, s string) channel.HostPolicy {
	t.Helper()
	p, err := channel.ParseHostPolicy(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
