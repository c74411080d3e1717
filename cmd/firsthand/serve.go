package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/connect"
	"firsthand/briefing/embargo"
	"firsthand/briefing/web"
	"firsthand/store"
)

// serveConfig is everything serve reads from flags and the environment,
// validated once before anything starts.
type serveConfig struct {
	addr, db, baseURL, smtpURL, mailFrom string
	storeOptions                         []store.Option // the secret key, if given
	mailFromName                         string
	channelHosts                         channel.HostPolicy
	timeZone                             string // the organisation's, written on the first start
	trustedProxies                       []string
	metricsAllow                         []netip.Prefix
	sessionTTL                           time.Duration
	demo                                 bool
	identity                             identityConfig
}

// Bounds of --session-ttl: shorter signs people out mid-task; longer keeps
// a forgotten browser signed in for a season.
const (
	minSessionTTL = 5 * time.Minute
	maxSessionTTL = 90 * 24 * time.Hour
)

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	fs := flagSet("serve", stderr)
	var c serveConfig
	addr := envString(fs, getenv, "addr", "127.0.0.1:8080", "address to listen on")
	db := envString(fs, getenv, "db", "firsthand.db", "database file")
	base := envString(fs, getenv, "base-url", "", "public address of this server (default http://ADDR)")
	smtp := envString(fs, getenv, "smtp-url", "", "mail server, smtp://user:pass@host:port or smtps://…")
	from := envString(fs, getenv, "mail-from", "", "sender address of notifications")
	fromName := envString(fs, getenv, "mail-from-name", channel.DefaultFromName, "display name of the sender of every mail")
	hosts := envString(fs, getenv, "channel-allowed-hosts", "external", "where channels may connect: external, private, loopback, *, or hosts and CIDRs added to external")
	proxies := envString(fs, getenv, "trusted-proxies", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed")
	metricsAllow := envString(fs, getenv, "metrics-allow", "127.0.0.0/8,::1", "comma-separated addresses or CIDRs that may read /metrics without an admin's token")
	ttl := envString(fs, getenv, "session-ttl", "12h", "how long a browser sign-in lasts, e.g. 12h or 720h")
	zone := envString(fs, getenv, "timezone", "", "the organisation's IANA time zone, set on the first start (default UTC; the demo: Europe/Berlin)")
	demo := envBool(fs, getenv, "demo", "on an empty database, create a demo organisation")
	secretKey := secretKeyFlag(fs, getenv)
	identity := identityFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c = serveConfig{addr: *addr, db: *db, baseURL: strings.TrimRight(*base, "/"), smtpURL: *smtp, mailFrom: *from, demo: *demo,
		timeZone: strings.TrimSpace(*zone)}
	c.mailFromName = *fromName
	var err error
	if c.storeOptions, err = storeOptions(*secretKey); err != nil {
		return c, err
	}
	if c.identity, err = identity(); err != nil {
		return c, err
	}
	if c.channelHosts, err = channel.ParseHostPolicy(*hosts); err != nil {
		return c, fmt.Errorf("--channel-allowed-hosts: %w", err)
	}
	if c.timeZone != "" {
		if err := briefing.ValidateTimeZone(c.timeZone); err != nil {
			return c, fmt.Errorf("--timezone: %s", briefing.ErrorMessage(err))
		}
	}
	if c.sessionTTL, err = time.ParseDuration(*ttl); err != nil || c.sessionTTL < minSessionTTL || c.sessionTTL > maxSessionTTL {
		return c, fmt.Errorf("--session-ttl %q must be a duration from %s to %s, e.g. 12h", *ttl, minSessionTTL, maxSessionTTL)
	}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.trustedProxies = append(c.trustedProxies, p)
		}
	}
	if c.metricsAllow, err = parseNetworks(*metricsAllow); err != nil {
		return c, fmt.Errorf("--metrics-allow: %w", err)
	}
	if c.baseURL == "" {
		c.baseURL = "http://" + c.addr
	}
	if u, err := url.Parse(c.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("--base-url %q is not an http or https URL", c.baseURL)
	}
	if c.smtpURL != "" && c.mailFrom == "" {
		c.mailFrom = "firsthand@" + hostOf(c.baseURL)
	}
	return c, nil
}

// parseNetworks reads a comma-separated list of addresses and CIDRs; an
// address is a network of one.
func parseNetworks(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or a CIDR", item)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q names no network", list)
	}
	return out, nil
}

func hostOf(base string) string {
	u, _ := url.Parse(base)
	h := u.Hostname()
	if h == "" || net.ParseIP(h) != nil || h == "localhost" {
		return "localhost.localdomain"
	}
	return h
}

// serve runs the server until ctx ends, then shuts down in order: HTTP
// (in-flight requests finish), the scheduler, the database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := store.Open(cfg.db, cfg.storeOptions...)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.InitSettings(cfg.timeZone); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if cfg.demo {
		if err := seedDemo(st, cfg.baseURL, cfg.timeZone == "", stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	var mailer *channel.Mailer
	if cfg.smtpURL != "" {
		if mailer, err = channel.NewMailer(cfg.smtpURL, cfg.mailFrom); err != nil {
			return fmt.Errorf("FIRSTHAND_SMTP_URL: %w", err)
		}
		mailer.SetFromName(cfg.mailFromName)
	}
	dialer := channel.NewGuardedDialer(cfg.channelHosts)
	// One connect service for the pages and the delivery worker: its
	// per-channel lock is what keeps two of them from spending one
	// rotating refresh token.
	accounts := connect.New(connect.Options{Store: st, BaseURL: cfg.baseURL, Client: dialer.Client(), Logger: log})
	var sched *embargo.Scheduler
	srv, err := web.New(web.Config{Store: st, BaseURL: cfg.baseURL, Mailer: mailer, Logger: log, Version: version,
		TrustedProxies: cfg.trustedProxies, MetricsAllow: cfg.metricsAllow, SessionTTL: cfg.sessionTTL,
		OIDC: cfg.identity.oidc, PasswordSignInOff: cfg.identity.passwordSignInOff, ChannelDialer: dialer, Connect: accounts,
		OnMail: func() { sched.Replan() }}) // set below, before the server takes requests
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	sched, err = embargo.New(st, embargo.Options{BaseURL: cfg.baseURL, Mailer: mailer, Dialer: dialer, Tokens: accounts, Logger: log})
	if err != nil {
		ln.Close()
		return err
	}
	st.OnRelease = sched.Kick
	st.OnPublish = sched.Replan
	httpSrv := &http.Server{
		Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
	sched.Start()
	fmt.Fprintf(stdout, "Firsthand %s serving on %s (database %s)\n", version, cfg.baseURL, cfg.db)
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()

	select {
	case err = <-served:
	case <-ctx.Done():
		log.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if herr := httpSrv.Shutdown(shutdownCtx); herr != nil && err == nil {
		err = herr
	}
	if serr := sched.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
