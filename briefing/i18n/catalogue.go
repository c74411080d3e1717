// Package i18n speaks to each reader in their language and time zone: the
// message catalogue embedded from templates/i18n, the choice of language
// (a person's own, else the browser's, else the organisation's), and dates,
// numbers and shares written the way that language writes them.
//
// Messages have ids such as "inbox.title", in TOML files named
// <area>.<lang>.toml; a message with a count has the plural forms "one" and
// "other". Error texts from briefing are keyed by their English format
// string under "errors." and exist in German only: English is the format.
package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// The languages Firsthand speaks. English is the catalogue's base.
const (
	English = "en"
	German  = "de"
)

// Languages lists every language, base first.
var Languages = []string{English, German}

var tags = []language.Tag{language.English, language.German}

// Catalogue holds every message in every language, loaded once at start-up.
type Catalogue struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
	ids     map[string]map[string]bool // language → message ids
}

// Load reads every i18n/*.toml file of fsys.
func Load(fsys fs.FS) (*Catalogue, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, "i18n/*.toml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no message files in i18n/")
	}
	c := &Catalogue{bundle: b, matcher: language.NewMatcher(tags), ids: map[string]map[string]bool{}}
	for _, f := range files {
		lang := langOf(f)
		if !Known(lang) {
			return nil, fmt.Errorf("%s: the language %q is not one of %v", f, lang, Languages)
		}
		mf, err := b.LoadMessageFileFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return nil, fmt.Errorf("%s: the message %q is defined twice", f, m.ID)
			}
			c.ids[lang][m.ID] = true
		}
	}
	return c, nil
}

// langOf reads the language from a file name such as "inbox.de.toml".
func langOf(file string) string {
	parts := strings.Split(path.Base(file), ".")
	if len(parts) < 3 {
		return ""
	}
	return parts[len(parts)-2]
}

// Known reports whether Firsthand speaks lang.
func Known(lang string) bool { return lang == English || lang == German }

// Has reports whether lang has a message with this id.
func (c *Catalogue) Has(lang, id string) bool { return c.ids[lang][id] }

// IDs lists the message ids of lang.
func (c *Catalogue) IDs(lang string) []string {
	out := make([]string, 0, len(c.ids[lang]))
	for id := range c.ids[lang] {
		out = append(out, id)
	}
	return out
}

// Choose picks the language to speak to a reader: their own choice, else
// the first language of their browser's Accept-Language that Firsthand
// speaks, else the organisation's.
func (c *Catalogue) Choose(own, acceptLanguage, organisation string) string {
	if Known(own) {
		return own
	}
	if acceptLanguage != "" {
		if prefs, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(prefs) > 0 {
			if _, i, conf := c.matcher.Match(prefs...); conf != language.No {
				return Languages[i]
			}
		}
	}
	if Known(organisation) {
		return organisation
	}
	return English
}

// Zone picks the time zone to show a reader times in: their own, else the
// organisation's, else UTC. A name that no longer loads falls through.
func Zone(own, organisation string) *time.Location {
	for _, name := range []string{own, organisation} {
		if name == "" || name == "Local" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}
