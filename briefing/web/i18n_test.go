package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"firsthand/briefing/i18n"
	"firsthand/briefing/testkit"
	"firsthand/templates"
)

// notYetTranslated lists the templates still written in English only.
// It only shrinks: a template leaves it when its words are in the catalogue.
var notYetTranslated = map[string]bool{}

var (
	// action is a template action; it is replaced by a mark with no letters.
	action = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	words  = regexp.MustCompile(`\p{L}{2,}`)
	// humanAttrs are the attributes a person reads or hears.
	humanAttrs = map[string]bool{"title": true, "alt": true, "placeholder": true, "aria-label": true,
		"aria-description": true, "data-confirm": true, "label": true}
)

// notWords are the words a template may hold as they are, in any language.
var notWords = map[string]bool{"Firsthand": true}

// untranslated lists the words in a template's text and human attributes
// that are not in the catalogue: text outside {{...}}.
func untranslated(src string) []string {
	var found []string
	check := func(s string) {
		for _, w := range words.FindAllString(s, -1) {
			if !notWords[w] {
				found = append(found, strings.TrimSpace(s))
				return
			}
		}
	}
	z := html.NewTokenizer(strings.NewReader(action.ReplaceAllString(src, "§")))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.TextToken:
			check(string(z.Text()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			inputType := ""
			var values []string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch {
				case string(k) == "type":
					inputType = string(v)
				case string(k) == "value":
					values = append(values, string(v))
				case humanAttrs[string(k)]:
					check(string(v))
				}
			}
			// A value is read only on a button-like input; elsewhere it is data.
			if string(name) == "input" && (inputType == "submit" || inputType == "button" || inputType == "reset") {
				for _, v := range values {
					check(v)
				}
			}
		}
	}
}

// TestTemplatesHoldNoUntranslatedText fails when a template shows a person
// words of its own instead of asking the catalogue ({{t "id"}}).
func TestTemplatesHoldNoUntranslatedText(t *testing.T) {
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, _ := fs.ReadFile(templates.FS, name)
		found := untranslated(string(b))
		if notYetTranslated[name] {
			if len(found) == 0 {
				t.Errorf("%s is translated: take it off notYetTranslated", name)
			}
			continue
		}
		for _, s := range found {
			t.Errorf("%s: untranslated text %q: put it in templates/i18n and write {{t \"id\"}}", name, s)
		}
	}
}

func TestUntranslatedFindsEnglishWords(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
	}{
		{`<p>{{t "a.b"}}</p>`, 0},
		{`<p>Hello {{.Name}}</p>`, 1},
		{`<a href="/x" title="Open it">{{t "a"}}</a>`, 1},
		{`<input type="submit" value="Send">`, 1},
		{`<input type="hidden" name="kind" value="material">`, 0},
		{`<span class="brand">Firsthand</span> · {{.Version}}`, 0},
		{`<form data-confirm="{{t "x"}}"><button>{{t "y"}}</button></form>`, 0},
		{`<button data-confirm="Really?">{{t "y"}}</button>`, 1},
	} {
		if got := untranslated(tc.src); len(got) != tc.want {
			t.Errorf("untranslated(%q) = %q, want %d finding(s)", tc.src, got, tc.want)
		}
	}
}

// localeIn is the catalogue's locale for lang and a zone name, as a page
// would speak to a reader there.
func localeIn(t *testing.T, lang, zone string) *i18n.Locale {
	t.Helper()
	cat, err := i18n.Load(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	return cat.Locale(lang, mustZone(t, zone))
}

// when is a time as an English page in zone shows it.
func when(t *testing.T, zone string) func(v any) string {
	l := localeIn(t, i18n.English, zone)
	return func(v any) string { return l.Time(timeOf(v)) }
}

// englishIn lists the English words in the text a person sees or hears on
// a page (text, titles, labels, placeholders, confirmations): none on a
// German page.
func englishIn(page string) []string {
	var found []string
	check := func(s string) {
		if w, ok := testkit.EnglishWord(s); ok {
			found = append(found, w+" in "+strings.Join(strings.Fields(s), " "))
		}
	}
	z := html.NewTokenizer(strings.NewReader(page))
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case html.ErrorToken:
			return found
		case html.TextToken:
			if skip == 0 {
				check(string(z.Text()))
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
				skip--
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			n, hasAttr := z.TagName()
			if string(n) == "script" || string(n) == "style" {
				skip++
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if humanAttrs[string(k)] {
					check(string(v))
				}
			}
		}
	}
}

// pgGerman fails when a page meant to be German is not: <html lang="de">
// and no English word in what a person reads.
func pgGerman(t *testing.T, what string, body string) {
	t.Helper()
	if !strings.Contains(body, `<html lang="de">`) {
		t.Errorf("%s: the page is not marked German (<html lang=\"de\">)", what)
	}
	for _, f := range englishIn(body) {
		t.Errorf("%s: English on a German page: %s", what, f)
	}
}

func TestEnglishInFindsEnglish(t *testing.T) {
	for _, tc := range []struct {
		page string
		want int
	}{
		{`<p>Bitte lesen Sie die Meldung.</p>`, 0},
		{`<p>Please read it.</p>`, 1},
		{`<button title="Sign out">Abmelden</button>`, 1},
		{`<script>var the = 1;</script><p>Gelesen und verstanden</p>`, 0},
	} {
		if got := englishIn(tc.page); len(got) != tc.want {
			t.Errorf("englishIn(%q) = %q, want %d finding(s)", tc.page, got, tc.want)
		}
	}
}
