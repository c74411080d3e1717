package i18n

import (
	"regexp"
	"strings"
	"testing"

	"firsthand/briefing"
)

// TestGermanErrorsRenderWithTheirValues renders errors as a page shows
// them to a German reader: translated, the values in their place, also
// where German puts them in another order.
func TestGermanErrorsRenderWithTheirValues(t *testing.T) {
	de := catalogue(t).Locale(German, nil)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no values", briefing.Invalid("policy.threshold", "the threshold must be more than 0 and at most 1"),
			"Die Schwelle muss größer als 0 und höchstens 1 sein (1 steht für alle Empfänger)."},
		{"a number", briefing.Invalid("title", "the title must be at most %d characters", 200),
			"Der Titel darf höchstens 200 Zeichen lang sein."},
		{"reordered", briefing.Invalid("audience.roles", "role %d (%q) is not one of %s", 2, "chef", briefing.RoleNames),
			`Die Rolle "chef" (Eintrag 2) gibt es nicht. Möglich sind: employee, author, manager, reviewer, admin.`},
		{"reordered, five values", briefing.Invalid("channels[0].text",
			"the %s for %s counts %d characters as %s counts them, link included; it takes at most %d",
			"Text", "Presse-Mastodon", 612, "mastodon", 500),
			"Der Text für Presse-Mastodon ist zu lang: mastodon zählt 612 Zeichen samt Link und erlaubt höchstens 500. Gezählt wurde: Text."},
		{"a time", briefing.RateLimited("these people were reminded less than an hour ago: the next reminder is possible from %s", "2026-12-01T19:33:00Z"),
			"Diese Personen wurden vor weniger als einer Stunde erinnert. Die nächste Erinnerung ist ab 2026-12-01T19:33:00Z möglich."},
		{"a quoted value", briefing.NotFound("no user with id %q", "42"),
			`Eine Person mit der ID "42" gibt es nicht.`},
	} {
		if got := de.Error(tc.err); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestEveryGermanErrorFillsInCleanly fills every German error text with
// values of the kinds its English format takes (a number for %d, a word
// for the rest): a verb that points at the wrong value, a value too many
// or too few, or a bare % shows as "%!" in the text a person would read.
func TestEveryGermanErrorFillsInCleanly(t *testing.T) {
	de := catalogue(t).Locale(German, nil)
	verb := regexp.MustCompile(`%[-+# 0]*\d*(\.\d+)?([a-zA-Z])`)
	for id := range rawMessages(t)[German] {
		format, ok := strings.CutPrefix(id, "errors.")
		if !ok {
			continue
		}
		var args []any
		for _, m := range verb.FindAllStringSubmatch(strings.ReplaceAll(format, "%%", ""), -1) {
			if m[2] == "d" {
				args = append(args, len(args)+1)
			} else {
				args = append(args, "wert")
			}
		}
		err := &briefing.Error{Kind: briefing.ErrInvalid, Format: format, Args: args}
		if got := de.Error(err); strings.Contains(got, "%!") {
			t.Errorf("%q renders as %q", format, got)
		}
	}
}

// informalWords are the German words of the informal address (du, dein,
// ihr as "you all" is left out: it is also "her" and "their"). Firsthand
// speaks to everyone as "Sie".
var informalWords = map[string]bool{"du": true, "dich": true, "dir": true, "dein": true, "deine": true,
	"deinen": true, "deinem": true, "deiner": true, "deines": true, "euch": true, "eure": true,
	"euren": true, "eurem": true, "eurer": true, "eures": true}

var germanWord = regexp.MustCompile(`\p{L}+`)

// informalIn lists the words of s that address the reader informally.
func informalIn(s string) []string {
	var found []string
	for _, w := range germanWord.FindAllString(s, -1) {
		if informalWords[strings.ToLower(w)] {
			found = append(found, w)
		}
	}
	return found
}

func TestInformalInFindsDu(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"Bitte melden Sie sich an.", 0},
		{"Melde dich an.", 1},
		{"Du hast dein Passwort vergessen.", 2},
		{"Die Dauer der Sperrfrist", 0},
	} {
		if got := informalIn(tc.text); len(got) != tc.want {
			t.Errorf("informalIn(%q) = %q, want %d finding(s)", tc.text, got, tc.want)
		}
	}
}

// TestGermanSaysSie fails when a German message (of any area, errors
// included) addresses the reader as "du".
func TestGermanSaysSie(t *testing.T) {
	for id, forms := range rawMessages(t)[German] {
		for form, s := range forms {
			if found := informalIn(s); len(found) > 0 {
				t.Errorf("%q (%s) says %q: German texts use Sie: %q", id, form, found, s)
			}
		}
	}
}
