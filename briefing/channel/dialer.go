package channel

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// HostPolicy says where channels may connect
// (FIRSTHAND_CHANNEL_ALLOWED_HOSTS). The zero value is "external": public
// addresses only.
type HostPolicy struct {
	private  bool // RFC 1918, unique-local and shared (CGNAT) ranges
	loopback bool
	all      bool
	hosts    map[string]bool // host names allowed whatever they resolve to
	nets     []netip.Prefix  // addresses allowed although not public
}

// AllowExternal is the default policy: public addresses only.
func AllowExternal() HostPolicy { return HostPolicy{} }

// AllowLoopback is external plus loopback: what tests with local receivers need.
func AllowLoopback() HostPolicy { return HostPolicy{loopback: true} }

// ParseHostPolicy reads the allowed-hosts setting: "external" (or empty),
// "private", "loopback", "*", or a comma list of host names and CIDRs (or
// single addresses) added to external; the keywords may be listed too.
func ParseHostPolicy(s string) (HostPolicy, error) {
	var p HostPolicy
	for _, tok := range strings.Split(s, ",") {
		tok = strings.ToLower(strings.TrimSpace(tok))
		switch tok {
		case "", "external":
		case "private":
			p.private = true
		case "loopback":
			p.loopback = true
		case "*":
			p.all = true
		default:
			if pre, err := netip.ParsePrefix(tok); err == nil {
				p.nets = append(p.nets, pre.Masked())
			} else if a, err := netip.ParseAddr(tok); err == nil {
				p.nets = append(p.nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			} else if validHostName(tok) {
				if p.hosts == nil {
					p.hosts = map[string]bool{}
				}
				p.hosts[strings.TrimSuffix(tok, ".")] = true
			} else {
				return p, fmt.Errorf("allowed channel hosts: %q is neither external, private, loopback, *, a host name nor a CIDR", tok)
			}
		}
	}
	return p, nil
}

func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

var sharedRange = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT: not public either

// refuses says why a (resolved) address may not be reached, or "".
func (p HostPolicy) refuses(a netip.Addr) string {
	a = a.Unmap()
	if p.all {
		return ""
	}
	for _, n := range p.nets {
		if n.Contains(a) {
			return ""
		}
	}
	switch {
	case a.IsLoopback():
		if !p.loopback {
			return "a loopback address"
		}
	case a.IsPrivate() || sharedRange.Contains(a):
		if !p.private {
			return "a private address"
		}
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return "a link-local address"
	case a.IsMulticast() || a.IsInterfaceLocalMulticast():
		return "a multicast address"
	case a.IsUnspecified() || (a.Is4() && a.As4()[0] == 0) || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "an unspecified address"
	}
	return ""
}

// RefusedError is a connection the allowed-hosts policy refused.
type RefusedError struct {
	Addr netip.Addr
	Why  string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("the destination %s is %s, which channels may not reach (see FIRSTHAND_CHANNEL_ALLOWED_HOSTS)", e.Addr, e.Why)
}

// GuardedDialer opens channel connections under a HostPolicy. The check
// runs in the dialer's Control func, on the address actually dialled after
// DNS resolution, so a name that resolves to a public address for a check
// and to 127.0.0.1 for the request (DNS rebinding) is still refused.
type GuardedDialer struct {
	policy HostPolicy
	dialer net.Dialer
}

// NewGuardedDialer returns a dialer that enforces p.
func NewGuardedDialer(p HostPolicy) *GuardedDialer {
	return &GuardedDialer{policy: p, dialer: net.Dialer{Timeout: SendTimeout, KeepAlive: 30 * time.Second}}
}

// DialContext dials addr unless the policy refuses the address it resolves
// to. A host name the policy lists by name is dialled unchecked: the admin
// vouched for it.
func (g *GuardedDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d := g.dialer
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if !g.policy.hosts[strings.TrimSuffix(strings.ToLower(host), ".")] {
		d.Control = g.control
	}
	return d.DialContext(ctx, network, addr)
}

func (g *GuardedDialer) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("the destination %q is not an address", address)
	}
	if why := g.policy.refuses(ap.Addr()); why != "" {
		return &RefusedError{Addr: ap.Addr().Unmap(), Why: why}
	}
	return nil
}

// Client returns an HTTP client whose every connection goes through g. It
// follows no redirects (a receiver answering 3xx is misconfigured, and
// following would resend the body to an address nobody configured) and
// uses no proxy from the environment, which would bypass the check.
func (g *GuardedDialer) Client() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:           g.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   SendTimeout,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Reach opens a connection to a URL's host (with a TLS handshake for
// https) and closes it, sending nothing: the preflight of kinds whose
// every request would post.
func (g *GuardedDialer) Reach(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("the URL is not valid")
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	conn, err := g.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return dialError(err)
	}
	defer conn.Close()
	if u.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("the TLS handshake with %s failed: %v", u.Hostname(), err)
		}
	}
	return nil
}

// dialError keeps a refusal's own sentence and the rest short.
func dialError(err error) error {
	var re *RefusedError
	if errors.As(err, &re) {
		return re
	}
	return err
}
