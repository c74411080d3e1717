package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// publicBodies fetches everything the public can see: the newsroom, the
// feed, and the page of each slug.
func publicBodies(t *testing.T, a *testApp, slugs ...string) map[string]*response {
	t.Helper()
	out := map[string]*response{}
	for _, p := range []string{"/news", "/news/feed.atom"} {
		out[p] = a.send(req{method: "GET", path: p})
		wantStatus(t, "GET "+p, out[p], http.StatusOK)
	}
	for _, s := range slugs {
		out["/news/"+s] = a.send(req{method: "GET", path: "/news/" + s})
	}
	return out
}

// feedTitles parses the Atom feed with a real feed parser.
func feedTitles(t *testing.T, r *response) []string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("feed: got Content-Type %q, want application/atom+xml", ct)
	}
	f, err := gofeed.NewParser().ParseString(string(r.Body))
	if err != nil {
		t.Fatalf("feed: %v\n%s", err, r.Body)
	}
	if f.FeedType != "atom" || f.FeedVersion != "1.0" {
		t.Errorf("feed: got %s %s, want atom 1.0", f.FeedType, f.FeedVersion)
	}
	var titles []string
	for _, it := range f.Items {
		titles = append(titles, it.Title)
		if !strings.HasPrefix(it.Link, "http://news.example.test/news/") || it.PublishedParsed == nil && it.UpdatedParsed == nil {
			t.Errorf("feed item %q: got link %q, time %v/%v, want a newsroom link and a time", it.Title, it.Link, it.PublishedParsed, it.UpdatedParsed)
		}
	}
	slices.Sort(titles)
	return titles
}

// TestNewsroomShowsOnlyReleased: nothing that is not released is visible
// without signing in, not its title, not its slug; after a manual release
// it appears, after a withdrawal it is gone again.
func TestNewsroomShowsOnlyReleased(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	ch := a.webhook(s.admin, "Press")
	withChannel := func(title string) map[string]any {
		d := draftOf(title, "Sales")
		d["channels"] = []map[string]any{{"channel_id": ch}}
		return d
	}
	briefed := a.create(s.author, withChannel("Zephyr Acquisition Briefed"))
	a.publish(s.author, briefed.ID)
	other := a.create(s.author, withChannel("Quokka Merger Briefed"))
	a.publish(s.author, other.ID)
	draft := a.create(s.author, withChannel("Draft Nebula Plans"))
	internal := a.create(s.author, draftOf("Internal Canteen Menu", "Sales"))
	a.publish(s.author, internal.ID)
	hidden := []announcement{briefed, other, draft, internal}
	slugOf := func(id string) string {
		return decode[announcement](t, "GET", a.get("/api/v1/announcements/"+id, s.author.Token), 200).Slug
	}
	var slugs []string
	for _, h := range hidden {
		slugs = append(slugs, slugOf(h.ID))
	}

	checkHidden := func(when string, hidden []announcement, slugs []string) {
		t.Helper()
		bodies := publicBodies(t, a, slugs...)
		for path, r := range bodies {
			for i, h := range hidden {
				if strings.Contains(string(r.Body), h.Title) || strings.Contains(string(r.Body), slugs[i]) {
					t.Errorf("%s: GET %s shows %q (%s)", when, path, h.Title, slugs[i])
				}
			}
		}
		for _, slug := range slugs {
			if r := bodies["/news/"+slug]; r.Status != http.StatusNotFound {
				t.Errorf("%s: GET /news/%s: got %d, want 404", when, slug, r.Status)
			}
		}
	}
	checkHidden("before release", hidden, slugs)
	if got := feedTitles(t, publicBodies(t, a)["/news/feed.atom"]); len(got) != 0 {
		t.Errorf("feed before release: got %v, want no items", got)
	}

	wantStatus(t, "release", a.do("POST", "/api/v1/announcements/"+briefed.ID+"/release", s.admin.Token, map[string]string{"reason": "go"}), 200)
	bodies := publicBodies(t, a, slugs[0])
	if !strings.Contains(string(bodies["/news"].Body), briefed.Title) || !strings.Contains(string(bodies["/news"].Body), "/news/"+slugs[0]) {
		t.Errorf("GET /news after release: the released announcement is not listed")
	}
	page := bodies["/news/"+slugs[0]]
	wantStatus(t, "GET /news/"+slugs[0], page, http.StatusOK)
	if !strings.Contains(string(page.Body), briefed.Title) || !strings.Contains(string(page.Body), "The details.") {
		t.Errorf("GET /news/%s: got a page without the title or the body", slugs[0])
	}
	if got := feedTitles(t, bodies["/news/feed.atom"]); !slices.Equal(got, []string{briefed.Title}) {
		t.Errorf("feed after release: got %v, want exactly [%s]", got, briefed.Title)
	}
	checkHidden("after one release", hidden[1:], slugs[1:])

	// A slug is the title and the id: the id alone, or another title with
	// the id, finds nothing.
	for _, slug := range []string{briefed.ID, "wrong-title-" + briefed.ID, slugs[0] + "x", "x" + slugs[0]} {
		if r := a.send(req{method: "GET", path: "/news/" + slug}); r.Status != http.StatusNotFound {
			t.Errorf("GET /news/%s: got %d, want 404", slug, r.Status)
		}
	}

	wantStatus(t, "release other", a.do("POST", "/api/v1/announcements/"+other.ID+"/release", s.salesMgr.Token, map[string]string{"reason": "go"}), 200)
	if got := feedTitles(t, publicBodies(t, a)["/news/feed.atom"]); !slices.Equal(got, []string{other.Title, briefed.Title}) {
		t.Errorf("feed after two releases: got %v, want exactly both released", got)
	}

	wantStatus(t, "withdraw", a.do("POST", "/api/v1/announcements/"+briefed.ID+"/withdraw", s.author.Token, map[string]string{"reason": "wrong"}), 200)
	checkHidden("after withdrawal", []announcement{briefed, draft, internal}, []string{slugs[0], slugs[2], slugs[3]})
	if got := feedTitles(t, publicBodies(t, a)["/news/feed.atom"]); !slices.Equal(got, []string{other.Title}) {
		t.Errorf("feed after withdrawal: got %v, want exactly [%s]", got, other.Title)
	}
}

// TestHealthAndMetrics: /healthz is 200 {"status":"ok"}; /metrics speaks
// the Prometheus text format and counts requests.
func TestHealthAndMetrics(t *testing.T) {
	a := newTestApp(t)
	r := a.send(req{method: "GET", path: "/healthz"})
	got := decode[map[string]string](t, "GET /healthz", r, http.StatusOK)
	if len(got) != 1 || got["status"] != "ok" {
		t.Errorf("GET /healthz: got %s, want {\"status\":\"ok\"}", r.Body)
	}
	r = a.send(req{method: "GET", path: "/metrics"})
	wantStatus(t, "GET /metrics", r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET /metrics: got Content-Type %q, want the text format", ct)
	}
	body := string(r.Body)
	for _, want := range []string{
		"# TYPE firsthand_http_requests_total counter",
		`firsthand_http_requests_total{code="200",route="/healthz"} 1`,
		"firsthand_database_bytes",
		"# TYPE firsthand_group_commits_total counter",
		"# TYPE firsthand_group_commit_calls_total counter",
		"# TYPE firsthand_group_commit_busy_seconds_total counter",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /metrics: missing %q", want)
		}
	}
}

// TestContentSecurityPolicy: every page forbids inline script and loads
// only from this origin.
func TestContentSecurityPolicy(t *testing.T) {
	a := newTestApp(t)
	s := a.staff()
	a.addUser(person{Email: "reader@example.com", Department: "Sales", Password: "a long password"})
	cookie := a.signIn("reader@example.com", "a long password").Value
	ann := a.create(s.author, draftOf("CSP", "Sales"))
	a.publish(s.author, ann.ID)

	for _, r := range []req{
		{method: "GET", path: "/"},
		{method: "GET", path: "/", cookie: cookie},
		{method: "GET", path: "/briefings/" + ann.ID, cookie: cookie},
		{method: "GET", path: "/news"},
		{method: "GET", path: "/news/nothing-1"},
		{method: "GET", path: "/no/such/page"},
		{method: "GET", path: "/api/v1/me", cookie: cookie},
	} {
		res := a.send(r)
		csp := res.Header.Get("Content-Security-Policy")
		directives := map[string]string{}
		for _, d := range strings.Split(csp, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			if name != "" {
				directives[name] = value
			}
		}
		script, ok := directives["script-src"]
		if !ok {
			script, ok = directives["default-src"]
		}
		if !ok || strings.Contains(script, "unsafe-inline") || strings.Contains(script, "unsafe-eval") || strings.Contains(script, "*") ||
			strings.Contains(script, "http") {
			t.Errorf("GET %s (%d): got script sources %q in %q, want this origin only, no unsafe-inline", r.path, res.Status, script, csp)
		}
		if d := directives["default-src"]; d != "'self'" {
			t.Errorf("GET %s: got default-src %q, want 'self'", r.path, d)
		}
		// The values are shared by every response: each must arrive once,
		// as it was built.
		for name, want := range map[string]string{
			"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
		} {
			if got := res.Header.Values(name); len(got) != 1 || got[0] != want {
				t.Errorf("GET %s: got %s %q, want once %q", r.path, name, got, want)
			}
		}
	}
}
