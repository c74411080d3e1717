package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// browserResolve resolves a Location header the way a browser does (WHATWG
// URL): tabs and newlines vanish, backslashes count as slashes, leading
// control characters and spaces are dropped.
func browserResolve(t *testing.T, base, location string) *url.URL {
	t.Helper()
	loc := strings.TrimLeft(location, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	b, _ := url.Parse(base)
	u, err := url.Parse(loc)
	if err != nil {
		return &url.URL{Host: "unparseable"}
	}
	return b.ResolveReference(u)
}

// TestSafeNext: after sign-in only a plain same-site path is followed;
// every hostile form of next falls back to "/".
func TestSafeNext(t *testing.T) {
	kept := []string{"/", "/briefings/7", "/announcements/3?status=open#people", "/news/a-b-c", "/admin/users?after=12"}
	for _, next := range kept {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q): got %q, want it kept", next, got)
		}
	}
	hostile := []string{
		"", "briefings/7", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example",
		"/\x00/evil.example", "/\x7f/evil.example", "/%2F/evil.example", "/%2f/evil.example", "/%5C/evil.example",
		"/%5cevil.example", "/x\\y", "https://evil.example/", "http:evil.example", "javascript:alert(1)",
		"//user@evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", " //evil.example",
	}
	for _, next := range hostile {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q): got %q, want \"/\"", next, got)
		}
	}
}

// TestSignInFormRedirectStaysOnSite: through the router, the sign-in form
// posted with a hostile next sends the browser to a page of this site, as a
// browser resolves the Location header; GET /?next= puts a kept path in the
// form and drops a hostile one.
func TestSignInFormRedirectStaysOnSite(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "ada@example.com", Password: "a long password"})
	base := "http://news.example.test/"
	for _, next := range []string{"/%09/evil.example", "/\t/evil.example", "/\\evil.example", "//evil.example",
		"/%5C/evil.example", "https://evil.example", "/briefings/7"} {
		form := url.Values{"email": {"ada@example.com"}, "password": {"a long password"}, "next": {next}}
		r := a.send(req{method: "POST", path: "/signin", body: strings.NewReader(form.Encode()),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		wantStatus(t, "sign-in form, next="+next, r, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		if got := browserResolve(t, base, loc); got.Host != "news.example.test" || got.Scheme != "http" {
			t.Errorf("next=%q: Location %q leads a browser to %s, want this site", next, loc, got)
		}
	}
	r := a.send(req{method: "GET", path: "/?next=" + url.QueryEscape("/%09/evil.example")})
	wantStatus(t, "sign-in page", r, http.StatusOK)
	if strings.Contains(string(r.Body), "evil.example") {
		t.Errorf("GET /?next=/%%09/evil.example: the form carries the hostile next")
	}
	r = a.send(req{method: "GET", path: "/?next=" + url.QueryEscape("/briefings/7")})
	if !strings.Contains(string(r.Body), `value="/briefings/7"`) {
		t.Errorf("GET /?next=/briefings/7: the form does not carry next")
	}
}
