// Package web is Firsthand's HTTP face: the JSON API of API.md and the
// server-rendered pages, on gin. Handlers translate; the rules live in the
// briefing package and the data in the store.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"firsthand/briefing/channel"
	"firsthand/briefing/connect"
	"firsthand/store"
)

// Config is what the server needs from the outside.
type Config struct {
	Store   *store.Store
	BaseURL string // the public address, e.g. https://news.example.com
	Mailer  *channel.Mailer
	Logger  *slog.Logger
	Version string
	// SessionTTL is how long a browser session lasts. Default 12 hours.
	SessionTTL time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client. None by default: otherwise any client could pick the address
	// the sign-in limit counts against.
	TrustedProxies []string
	// OIDC, if set, offers sign-in through the company's identity provider.
	OIDC *OIDCConfig
	// PasswordSignInOff keeps password sign-in to admins
	// (FIRSTHAND_PASSWORD_SIGNIN=off).
	PasswordSignInOff bool
	// MetricsAllow are the networks that may read /metrics without a
	// token. Empty means loopback.
	MetricsAllow []netip.Prefix
	// ChannelDialer is where channels may connect (a test send, a check);
	// nil allows external addresses only.
	ChannelDialer *channel.GuardedDialer
	// OnMail, if set, is called after a request queued a mail (an
	// invitation, a reset link): the mail worker wakes on it.
	OnMail func()
	// Connect connects x and linkedin channels to their accounts and
	// hands their senders current tokens; nil: no connecting.
	Connect *connect.Service
}

// Server serves the API and the pages.
type Server struct {
	st           *store.Store
	log          *slog.Logger
	baseURL      string
	secure       bool // cookies only over https
	mailer       *channel.Mailer
	dialer       *channel.GuardedDialer
	connect      *connect.Service
	version      string
	ttl          time.Duration
	pages        *pages
	limiter      *signInLimiter
	metrics      *metrics
	handler      http.Handler
	metricsAllow []netip.Prefix
	// comparePassword is bcrypt's comparison; a test counts its calls.
	comparePassword func(hash, password []byte) error

	oidc             *oidcClient // nil without OIDC
	scim             http.Handler
	noPasswordSignIn bool
	onMail           func()
}

// New builds the server and parses every template once: a broken template
// stops start-up instead of breaking a page later.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.BaseURL)
	s := &Server{
		st: cfg.Store, log: cfg.Logger, baseURL: strings.TrimRight(cfg.BaseURL, "/"),
		secure: u != nil && u.Scheme == "https", mailer: cfg.Mailer, dialer: cfg.ChannelDialer, connect: cfg.Connect, version: cfg.Version,
		ttl: cfg.SessionTTL, pages: p, limiter: newSignInLimiter(), metrics: newMetrics(cfg.Store),
		noPasswordSignIn: cfg.PasswordSignInOff, comparePassword: bcrypt.CompareHashAndPassword, metricsAllow: cfg.MetricsAllow,
		onMail: cfg.OnMail,
	}
	if len(s.metricsAllow) == 0 {
		s.metricsAllow = loopback
	}
	if cfg.OIDC != nil {
		s.oidc = newOIDCClient(*cfg.OIDC, s.baseURL)
	}
	if s.scim, err = s.newSCIM(); err != nil {
		return nil, fmt.Errorf("scim: %w", err)
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	if err := engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	engine.Use(s.recover, s.securityHeaders, s.metrics.middleware)
	engine.HandleMethodNotAllowed = true
	s.routes(engine)
	s.handler = s.crossOriginGuard(engine)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// crossOriginGuard rejects cross-site unsafe requests from browsers
// (net/http's CrossOriginProtection reads Sec-Fetch-Site and Origin).
// Bearer-token clients carry no ambient credential, so they pass.
func (s *Server) crossOriginGuard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.refuse(w, r, http.StatusForbidden, "forbidden", "cross-site request refused: use the page on this site or an API token", "error.cross_site")
	}))
	guarded := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			next.ServeHTTP(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "path", c.Request.URL.Path, "panic", r)
			s.fail(c, errPanic)
		}
	}()
	c.Next()
}

// securityHeaders: every page loads only from this origin and runs no
// inline script. The values are built once: every request carries them, and
// Header.Set would canonicalise each name and allocate each value again.
//
// Under an https base URL it also marks the request so that cookies set by
// package functions (the flash note) are Secure like the session cookie.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for _, sh := range securityHeaderValues {
		h[sh.name] = sh.value
	}
	if s.secure {
		c.Set(secureCookiesKey, true)
	}
	c.Next()
}

// secureCookiesKey is set in the gin context when cookies must be Secure.
const secureCookiesKey = "secure-cookies"

// securityHeaderValues are shared by every response, so nothing may append
// to them; the names are in canonical form.
var securityHeaderValues = []struct {
	name  string
	value []string
}{
	{"Content-Security-Policy", []string{"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
}
