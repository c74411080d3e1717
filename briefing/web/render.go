package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
	"firsthand/templates"
)

// pages holds one template set per page (layout + page), parsed once at
// start-up: gin's one-set renderer would let {{define "content"}} collide.
type pages struct {
	sets map[string]*template.Template
}

var funcs = template.FuncMap{
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", math.Floor(f*100+1e-9)) },
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

func loadPages() (*pages, error) {
	layout, err := fs.ReadFile(templates.FS, "layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range names {
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		body, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			return nil, err
		}
		t := template.New("layout.html").Funcs(funcs).Funcs(template.FuncMap{"when": when(time.UTC)})
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

// when formats a time in the viewer's zone and names the zone, so an
// embargo time is never ambiguous.
func when(loc *time.Location) func(t any) string {
	return func(v any) string {
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case *time.Time:
			if x == nil {
				return ""
			}
			t = *x
		default:
			return ""
		}
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
	}
}

// view is what every page gets: the signed-in user, the page's data and
// the viewer's time zone.
type view struct {
	User    *briefing.User
	Title   string
	Nav     string
	Zone    string
	Data    any
	Flash   string
	Version string
}

// viewerZone reads the zone the browser reported (a cookie set by app.js);
// without it, times are shown in UTC and say so.
func viewerZone(c *gin.Context) *time.Location {
	if v, err := c.Cookie("tz"); err == nil {
		if name, err := url.QueryUnescape(v); err == nil {
			if loc, err := time.LoadLocation(name); err == nil {
				return loc
			}
		}
	}
	return time.UTC
}

// render executes a page into a buffer first: a failing template gives a
// clean 500, never half a page.
func (s *Server) render(c *gin.Context, status int, name, title, nav string, data any) {
	t, ok := s.pages.sets[name]
	if !ok {
		s.fail(c, fmt.Errorf("no template %q", name))
		return
	}
	loc := viewerZone(c)
	t, err := t.Clone()
	if err == nil {
		t.Funcs(template.FuncMap{"when": when(loc)})
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.Execute(&buf, view{User: currentUser(c), Title: title, Nav: nav, Zone: loc.String(),
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
	s.render(c, status, "error", http.StatusText(status), "", gin.H{"Status": status, "Message": message})
}

func urlEscape(s string) string { return url.QueryEscape(s) }
