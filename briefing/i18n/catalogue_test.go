package i18n

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"

	"firsthand/templates"
)

// rawMessages reads every message file as it is written: id → plural form
// → text, per language.
func rawMessages(t *testing.T) map[string]map[string]map[string]string {
	t.Helper()
	files, err := fs.Glob(templates.FS, "i18n/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no message files: %v", err)
	}
	out := map[string]map[string]map[string]string{}
	for _, f := range files {
		b, _ := fs.ReadFile(templates.FS, f)
		var raw map[string]any
		if err := toml.Unmarshal(b, &raw); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		lang := langOf(f)
		if out[lang] == nil {
			out[lang] = map[string]map[string]string{}
		}
		flatten(t, f, "", raw, out[lang])
	}
	return out
}

var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

func flatten(t *testing.T, file, prefix string, v map[string]any, out map[string]map[string]string) {
	for k, x := range v {
		id := k
		if prefix != "" {
			id = prefix + "." + k
		}
		switch x := x.(type) {
		case string:
			if slices.Contains(pluralForms, k) {
				t.Errorf("%s: %q: a message id may not end in the plural form %q", file, id, k)
			}
			out[id] = map[string]string{"other": x}
		case map[string]any:
			if _, plural := x["other"]; plural {
				forms := map[string]string{}
				for f, s := range x {
					str, ok := s.(string)
					if !ok || !slices.Contains(pluralForms, f) {
						t.Errorf("%s: %q: a plural message holds only the forms %v", file, id, pluralForms)
					}
					forms[f] = str
				}
				out[id] = forms
				continue
			}
			flatten(t, file, id, x, out)
		default:
			t.Errorf("%s: %q is neither a message nor a table", file, id)
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(forms map[string]string) []string {
	set := map[string]bool{}
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// TestEveryMessageInEveryLanguage fails when a message exists in one
// language and not the other, or when the two fill in different values.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	msgs := rawMessages(t)
	en, de := msgs[English], msgs[German]
	for id, forms := range en {
		if strings.HasPrefix(id, "errors.") {
			t.Errorf("%q: error texts are keyed by their English format and written in German only", id)
			continue
		}
		deForms, ok := de[id]
		if !ok {
			t.Errorf("%q has no German translation", id)
			continue
		}
		if got, want := placeholders(deForms), placeholders(forms); !slices.Equal(got, want) {
			t.Errorf("%q: German fills in %v, English %v", id, got, want)
		}
		if _, plural := forms["one"]; plural {
			if _, ok := deForms["one"]; !ok {
				t.Errorf("%q: English has a singular, German has none", id)
			}
		}
		for f, s := range deForms {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%q (%s) is empty in German", id, f)
			}
		}
	}
	for id := range de {
		if _, ok := en[id]; !ok && !strings.HasPrefix(id, "errors.") {
			t.Errorf("%q is German only: English has no such message", id)
		}
	}
}

// TestErrorTranslationsKeepTheirArguments fails when a German error text
// fills in a different number of values than its English format.
func TestErrorTranslationsKeepTheirArguments(t *testing.T) {
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)
	for id, forms := range rawMessages(t)[German] {
		format, ok := strings.CutPrefix(id, "errors.")
		if !ok {
			continue
		}
		if got, want := len(verb.FindAllString(forms["other"], -1)), len(verb.FindAllString(format, -1)); got != want {
			t.Errorf("%q: German has %d values to fill in, English %d", format, got, want)
		}
	}
}

func TestLoadKnowsBothLanguages(t *testing.T) {
	c, err := Load(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	de := c.Locale(German, time.UTC)
	if got := de.T("layout.signout"); got != "Abmelden" {
		t.Errorf("German sign-out = %q, want Abmelden", got)
	}
	if got := c.Locale(English, time.UTC).T("layout.signout"); got != "Sign out" {
		t.Errorf("English sign-out = %q, want Sign out", got)
	}
	if got := de.T("no.such.message"); got != "[no.such.message]" {
		t.Errorf("a missing message = %q, want its id in brackets", got)
	}
}
