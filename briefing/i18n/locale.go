package i18n

import (
	"errors"
	"fmt"
	"math"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"firsthand/briefing"
)

// Locale is how one reader is spoken to: a language and a time zone.
type Locale struct {
	Lang    string
	Zone    *time.Location
	cat     *Catalogue
	loc     *goi18n.Localizer
	printer *message.Printer
}

// Locale gives the locale of a reader; an unknown language is English and
// a nil zone is UTC.
func (c *Catalogue) Locale(lang string, zone *time.Location) *Locale {
	if !Known(lang) {
		lang = English
	}
	if zone == nil {
		zone = time.UTC
	}
	tag := language.English
	if lang == German {
		tag = language.German
	}
	return &Locale{Lang: lang, Zone: zone, cat: c, loc: goi18n.NewLocalizer(c.bundle, lang),
		printer: message.NewPrinter(tag)}
}

// T gives the message id in the reader's language, filled in from pairs of
// name and value ("Title", a.Title, "Count", n). An int value is written
// as the language writes numbers, and "Count" also picks the plural form.
// A message the catalogue lacks gives its id in brackets: the catalogue
// tests make sure no page ever shows one.
func (l *Locale) T(id string, pairs ...any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(pairs) > 0 {
		data := make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			name, _ := pairs[i].(string)
			v := pairs[i+1]
			if name == "Count" {
				cfg.PluralCount = v
			}
			if n, ok := v.(int); ok {
				v = l.Num(n)
			}
			data[name] = v
		}
		cfg.TemplateData = data
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		return "[" + id + "]"
	}
	return s
}

// Num writes a whole number as the language does: 100,000 or 100.000.
func (l *Locale) Num(n int) string { return l.printer.Sprintf("%d", n) }

// Pct writes a share (0.85) as a whole percentage, rounded down so that a
// gate one short of its threshold never shows as reached: 85% or 85 %.
func (l *Locale) Pct(f float64) string {
	n := int(math.Floor(f*100 + 1e-9))
	if l.Lang == German {
		return l.Num(n) + "\u00a0%"
	}
	return l.Num(n) + "%"
}

// Error gives a domain error's message in the reader's language: its
// format translated and filled with the same arguments, a state in the
// reader's words, a time in their zone. An error without a translation
// keeps its English message.
func (l *Locale) Error(err error) string {
	var e *briefing.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e.Format == "" {
		return e.Message
	}
	format := e.Format
	if l.Lang != English {
		if !l.cat.Has(l.Lang, ErrorID(e.Format)) {
			return e.Message
		}
		format = l.T(ErrorID(e.Format))
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = a
		switch a := a.(type) {
		case briefing.Instant:
			args[i] = l.Time(time.Time(a))
		case interface{ MessageID() string }:
			if l.Lang != English && l.cat.Has(l.Lang, a.MessageID()) {
				args[i] = l.T(a.MessageID())
			}
		}
	}
	return fmt.Sprintf(format, args...)
}

// ErrorID is the catalogue id of an error's English format.
func ErrorID(format string) string { return "errors." + format }
