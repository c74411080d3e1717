package web

import (
	"net/url"
	"strings"
)

// safeNext keeps a redirect after sign-in on this site: next is followed
// only when it is a plain same-site path, anything else is "/".
//
// Browsers are lenient where an attacker needs them to be: they drop tabs
// and newlines inside a URL and read a backslash as a slash, so
// "/\t/evil.example" and "/\evil.example" both become "//evil.example", a
// link to another host. So a path with any control character or
// backslash is refused outright, encoded or not, rather than cleaned.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.ContainsFunc(next, unsafeInPath) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	// The decoded path must not start a second slash or hide a control
	// character or backslash behind percent-encoding either ("/%2F/evil",
	// "/%09/evil"): a proxy or a later redirect may decode it.
	if strings.HasPrefix(u.Path, "//") || strings.ContainsFunc(u.Path, unsafeInPath) {
		return "/"
	}
	return next
}

func unsafeInPath(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) }
