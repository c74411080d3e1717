package main

import (
	"flag"
	"fmt"
	"net/url"
	"strings"

	"firsthand/briefing"
	"firsthand/briefing/web"
)

// identityConfig is sign-in through the company's identity provider.
type identityConfig struct {
	oidc              *web.OIDCConfig // nil: not configured
	passwordSignInOff bool
}

// identityFlags declares the identity flags on fs and returns the function
// that validates them after fs.Parse.
func identityFlags(fs *flag.FlagSet, getenv func(string) string) func() (identityConfig, error) {
	issuer := envString(fs, getenv, "oidc-issuer", "", "OpenID Connect issuer URL of the company's identity provider")
	clientID := envString(fs, getenv, "oidc-client-id", "", "OpenID Connect client id")
	secret := envString(fs, getenv, "oidc-client-secret", "", "OpenID Connect client secret")
	name := envString(fs, getenv, "oidc-name", "your company account", "what the sign-in button says: Sign in with NAME")
	dept := envString(fs, getenv, "oidc-department-claim", "department", "ID token claim that holds the department")
	roles := envString(fs, getenv, "oidc-role-map", "", "groups to roles, e.g. comms=author,leads=manager,it=admin (matched against the groups claim)")
	password := envString(fs, getenv, "password-signin", "on", "on, or off: password sign-in for admins only")
	return func() (identityConfig, error) {
		var c identityConfig
		switch strings.ToLower(strings.TrimSpace(*password)) {
		case "on", "":
		case "off":
			c.passwordSignInOff = true
		default:
			return c, fmt.Errorf("--password-signin %q must be on or off", *password)
		}
		set := 0
		for _, v := range []string{*issuer, *clientID, *secret} {
			if v != "" {
				set++
			}
		}
		if set == 0 {
			if c.passwordSignInOff {
				return c, fmt.Errorf("--password-signin off needs --oidc-issuer, --oidc-client-id and --oidc-client-secret: otherwise only admins could sign in")
			}
			return c, nil
		}
		if set != 3 {
			return c, fmt.Errorf("OpenID Connect needs all of --oidc-issuer, --oidc-client-id and --oidc-client-secret")
		}
		if u, err := url.Parse(*issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, fmt.Errorf("--oidc-issuer %q is not an http or https URL", *issuer)
		}
		m, err := briefing.ParseRoleMap(*roles)
		if err != nil {
			return c, fmt.Errorf("--oidc-role-map: %w", err)
		}
		c.oidc = &web.OIDCConfig{Issuer: *issuer, ClientID: *clientID, ClientSecret: *secret,
			Name: strings.TrimSpace(*name), DepartmentClaim: strings.TrimSpace(*dept), RoleMap: m}
		return c, nil
	}
}
