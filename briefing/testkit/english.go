package testkit

import (
	"regexp"
	"strings"
)

// englishWords are common English words that German does not share: one
// of them in a German page or mail is a text someone forgot to translate.
var englishWords = map[string]bool{"the": true, "and": true, "of": true, "your": true, "you": true, "is": true,
	"are": true, "please": true, "this": true, "with": true, "has": true, "have": true, "been": true, "yet": true,
	"from": true, "which": true, "what": true, "who": true, "when": true, "there": true, "here": true,
	"their": true, "they": true, "its": true, "not": true, "be": true, "for": true, "that": true, "to": true,
	"it": true, "by": true, "or": true, "on": true, "at": true, "no": true, "sign": true, "read": true,
	"hello": true, "now": true, "new": true, "acknowledge": true, "reminder": true, "embargo": true}

var (
	words = regexp.MustCompile(`\p{L}+`)
	// Links and time-zone names (America/New_York) are left out: a
	// token's letters are random, and a zone's name is what it is.
	links = regexp.MustCompile(`https?://\S+|\b[A-Z][A-Za-z]+/[A-Za-z_/+-]+`)
)

// EnglishWord gives the first common English word in text, if any: the
// check that a German page or mail is German throughout.
func EnglishWord(text string) (string, bool) {
	for _, w := range words.FindAllString(links.ReplaceAllString(text, ""), -1) {
		if englishWords[strings.ToLower(w)] {
			return w, true
		}
	}
	return "", false
}
