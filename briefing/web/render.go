package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/briefing/i18n"
	"firsthand/templates"
)

// pages holds one template set per page (layout + page), parsed once at
// start-up: gin's one-set renderer would let {{define "content"}} collide.
type pages struct {
	sets map[string]*template.Template
	cat  *i18n.Catalogue
}

var funcs = template.FuncMap{
	"pctw": func(f float64) string {
		return fmt.Sprintf("%.1f", math.Max(0, math.Min(100, f*100)))
	},
	"has":   func(u *briefing.User, r string) bool { return u != nil && u.Has(briefing.Role(r)) },
	"join":  strings.Join,
	"upper": strings.ToUpper,
	"sub":   func(a, b int) int { return a - b },
	// rfc3339 is the machine-readable time of <time datetime>.
	"rfc3339": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	},
	"deref": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
}

// localeFuncs are the functions that speak the reader's language and zone:
//
//	{{t "inbox.title"}}, {{t "inbox.count" "Count" .N}}  a message
//	{{when .T}}   a time in the reader's zone, naming it (time.Time or *time.Time)
//	{{date .T}}   the day of a time
//	{{num .N}} {{pct .Ratio}}  a number, a share
//	{{terr .Err}} a domain error's message
func localeFuncs(l *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		"t":        l.T,
		"when":     func(v any) string { return l.Time(timeOf(v)) },
		"date":     func(v any) string { return l.Date(timeOf(v)) },
		"num":      l.Num,
		"pct":      l.Pct,
		"terr":     l.Error,
		"deptName": func(d string) string { return deptLabel(l, d) },
	}
}

// timeOf accepts a time or a pointer to one; nil is the zero time.
func timeOf(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case *time.Time:
		if x != nil {
			return *x
		}
	}
	return time.Time{}
}

func loadPages() (*pages, error) {
	layout, err := fs.ReadFile(templates.FS, "layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		return nil, err
	}
	cat, err := i18n.Load(templates.FS)
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}, cat: cat}
	parseLocale := cat.Locale(i18n.English, time.UTC)
	for _, name := range names {
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		body, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			return nil, err
		}
		t := template.New("layout.html").Funcs(funcs).Funcs(localeFuncs(parseLocale))
		if _, err := t.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("layout.html: %w", err)
		}
		partials, _ := fs.Glob(templates.FS, "_*.html")
		for _, pn := range partials {
			pb, _ := fs.ReadFile(templates.FS, pn)
			if _, err := t.New(pn).Parse(string(pb)); err != nil {
				return nil, fmt.Errorf("%s: %w", pn, err)
			}
		}
		if _, err := t.New(name).Parse(string(body)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p.sets[strings.TrimSuffix(name, ".html")] = t
	}
	return p, nil
}

// view is what every page gets: the signed-in user, the page's data and
// the viewer's time zone.
type view struct {
	User    *briefing.User
	Title   string
	Nav     string
	Lang    string // the page's language, for <html lang>
	Zone    string // the reader's time zone, an IANA name
	Data    any
	Flash   string
	Version string
}

// localeKey caches the request's locale in the gin context.
const localeKey = "locale"

// locale is how the server speaks to the person behind the request: their
// language (their own, else the browser's, else the organisation's) and
// their time zone (their own, else the organisation's).
func (s *Server) locale(c *gin.Context) *i18n.Locale {
	if v, ok := c.Get(localeKey); ok {
		return v.(*i18n.Locale)
	}
	l := s.localeOf(c.Request, currentUser(c))
	c.Set(localeKey, l)
	return l
}

// localeOf is locale for a request gin has not seen, and u (nil when
// signed out).
func (s *Server) localeOf(r *http.Request, u *briefing.User) *i18n.Locale {
	set, err := s.st.Settings()
	if err != nil {
		s.log.Error("reading the settings for the locale", "err", err)
		set = briefing.DefaultSettings()
	}
	var own, ownZone string
	if u != nil {
		own, ownZone = u.Language, u.TimeZone
	}
	return s.pages.cat.Locale(s.pages.cat.Choose(own, r.Header.Get("Accept-Language"), set.Language),
		i18n.Zone(ownZone, set.TimeZone))
}

// render executes a page into a buffer first: a failing template gives a
// clean 500, never half a page.
func (s *Server) render(c *gin.Context, status int, name, title, nav string, data any) {
	t, ok := s.pages.sets[name]
	if !ok {
		s.fail(c, fmt.Errorf("no template %q", name))
		return
	}
	l := s.locale(c)
	t, err := t.Clone()
	if err == nil {
		t.Funcs(localeFuncs(l))
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.Execute(&buf, view{User: currentUser(c), Title: title, Nav: nav, Lang: l.Lang, Zone: l.Zone.String(),
			Data: data, Flash: takeFlash(c), Version: s.version})
	}
	if err != nil {
		s.log.Error("render", "page", name, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("The page could not be shown; the error has been logged."))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) renderError(c *gin.Context, status int, message string) {
	s.render(c, status, "error", s.locale(c).T("error.title", "Status", strconv.Itoa(status)), "", gin.H{"Status": status, "Message": message})
}

func urlEscape(s string) string { return url.QueryEscape(s) }
