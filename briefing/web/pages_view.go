package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
)

// Helpers shared by the pages of authors, managers and admins: form errors
// that name their field, numbers and durations for people, and the template
// functions those pages need on top of render.go's.

func init() {
	funcs["in"] = func(list []string, s string) bool { return slices.Contains(list, s) }
	funcs["sentence"] = sentence
	funcs["initial"] = func(name string) string {
		for _, r := range strings.TrimSpace(name) {
			return strings.ToUpper(string(r))
		}
		return "?"
	}
	funcs["roleNames"] = func(rs []briefing.Role) string {
		names := make([]string, len(rs))
		for i, r := range rs {
			names[i] = string(r)
		}
		return strings.Join(names, ", ")
	}
}

// fieldError is one thing to fix, next to the field it is about. Field is
// the id of the form control, so the error summary can link to it.
type fieldError struct {
	Field   string
	Message string
}

// formErrors keeps a form's errors in the order they were found, one per
// field: the first problem with a field is the one to fix first.
type formErrors struct {
	list []fieldError
}

// Add records what to fix in field, unless the field already has an error.
func (e *formErrors) Add(field, format string, args ...any) {
	if e.For(field) != "" {
		return
	}
	e.list = append(e.list, fieldError{field, fmt.Sprintf(format, args...)})
}

// For returns the message for field, or "".
func (e formErrors) For(field string) string {
	for _, f := range e.list {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Field returns the error of one field for the "ferr" partial.
func (e formErrors) Field(field string) fieldError {
	return fieldError{Field: field, Message: e.For(field)}
}

// Any reports whether there is something to fix.
func (e formErrors) Any() bool { return len(e.list) > 0 }

// List is every error, for the summary at the top of a form.
func (e formErrors) List() []fieldError { return e.list }

// addDomain records a validation error from the domain under the form
// field it concerns, in the reader's language and as a sentence; fields
// maps the domain's JSON paths to form ids. It reports false for an error
// that is not a validation error.
func (e *formErrors) addDomain(l *i18n.Locale, err error, fields map[string]string, fallback string) bool {
	if !errors.Is(err, briefing.ErrInvalid) {
		return false
	}
	field, ok := fields[briefing.ErrorField(err)]
	if !ok {
		field = fallback
	}
	e.Add(field, "%s", refusal(l, err))
	return true
}

// sentence makes s a sentence: a capital first letter and a closing stop.
func sentence(s string) string {
	s = upperFirst(strings.TrimSpace(s))
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}

// refusal is a domain error as a sentence in the reader's language.
func refusal(l *i18n.Locale, err error) string { return sentence(l.Error(err)) }

// upperFirst capitalises the first letter (the first rune, so that "über"
// stays valid UTF-8).
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// ackNeeded is how many acknowledgements a threshold asks of n recipients,
// computed as the gate does (briefing.meets).
func ackNeeded(threshold float64, n int) int { return int(math.Ceil(threshold*float64(n) - 1e-9)) }

// deptName names the empty department so that people can see it.

// localMinute is the form of a datetime-local input's value.
const localMinute = "2006-01-02T15:04"

// localInput writes t for a datetime-local input in the viewer's zone.
func localInput(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(localMinute)
}

// flashCookie carries a one-time note to the next page. A cookie, not a
// query parameter: a link made by someone else cannot put words on our page.
const flashCookie = "flash"

// redirectFlash sends the browser on with a short note for the next page.
func redirectFlash(c *gin.Context, path, flash string) {
	if flash != "" {
		http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/",
			MaxAge: 60, HttpOnly: true, Secure: c.GetBool(secureCookiesKey), SameSite: http.SameSiteLaxMode})
	}
	c.Redirect(http.StatusSeeOther, path)
}

// takeFlash reads the note left by the previous request and clears it.
func takeFlash(c *gin.Context) string {
	v, err := c.Cookie(flashCookie)
	if err != nil || v == "" {
		return ""
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: c.GetBool(secureCookiesKey), SameSite: http.SameSiteLaxMode})
	msg, _ := url.QueryUnescape(v)
	return msg
}

// barView is a horizontal bar drawn as a small SVG that stretches to its
// box: CSS widths would need inline styles, which the CSP forbids.
type barView struct {
	Read, Ack string // widths out of 100
	Mark      string // threshold position out of 100; "" for none
	Label     string // what the bar says, for screen readers
}

func newBar(read, ack float64, mark *float64, label string) barView {
	w := func(f float64) string { return strconv.FormatFloat(math.Max(0, math.Min(100, f*100)), 'f', 1, 64) }
	b := barView{Read: w(read), Ack: w(ack), Label: label}
	if mark != nil {
		b.Mark = w(*mark)
	}
	return b
}
