package briefing

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEmailLength is the longest e-mail address there is (RFC 5321's path
// limit less the angle brackets).
const MaxEmailLength = 254

// BoundText makes text that nobody vouches for (what an anonymous visitor
// typed) fit to be stored: control characters and invalid UTF-8 are
// dropped and the rest is cut to at most max bytes, on a character
// boundary. Without it a failed sign-in could write 1 MiB to the audit log,
// or terminal escapes into a log viewer.
func BoundText(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), max))
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			continue
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
