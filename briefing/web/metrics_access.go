package web

import (
	"net/netip"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// loopback is where /metrics may be read from without a token when
// Config.MetricsAllow is empty: a Prometheus on the same host.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// metricsAccess lets through a client in the allowed networks, as the
// server sees it (X-Forwarded-For only from trusted proxies), or an admin.
// The figures show when and how much is published, so they are not public.
func (s *Server) metricsAccess(c *gin.Context) {
	if ip, err := netip.ParseAddr(c.ClientIP()); err == nil {
		ip = ip.Unmap()
		for _, p := range s.metricsAllow {
			if p.Contains(ip) {
				c.Next()
				return
			}
		}
	}
	u := currentUser(c)
	switch {
	case u == nil:
		s.fail(c, briefing.Unauthenticated("metrics are served to the networks of FIRSTHAND_METRICS_ALLOW, or to an admin's API token"))
	case !u.Has(briefing.RoleAdmin):
		s.fail(c, briefing.Forbidden("metrics need the role admin"))
	default:
		c.Next()
	}
}
