package main

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"firsthand/briefing"
	"firsthand/briefing/web"
)

// TestIdentityFlags: every identity flag reads its variable, a flag wins,
// and a half-done configuration stops start-up with the flag's name.
func TestIdentityFlags(t *testing.T) {
	env := map[string]string{
		"FIRSTHAND_OIDC_ISSUER": "https://login.example.com/tenant/v2.0", "FIRSTHAND_OIDC_CLIENT_ID": "firsthand",
		"FIRSTHAND_OIDC_CLIENT_SECRET": "s3cret", "FIRSTHAND_OIDC_NAME": "Example Corp",
		"FIRSTHAND_OIDC_DEPARTMENT_CLAIM": "dept", "FIRSTHAND_OIDC_ROLE_MAP": "comms=author,it=admin",
		"FIRSTHAND_PASSWORD_SIGNIN": "off",
	}
	got, err := parseServe(nil, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := identityConfig{passwordSignInOff: true, oidc: &web.OIDCConfig{
		Issuer: "https://login.example.com/tenant/v2.0", ClientID: "firsthand", ClientSecret: "s3cret", Name: "Example Corp",
		DepartmentClaim: "dept", RoleMap: briefing.RoleMap{"comms": {briefing.RoleAuthor}, "it": {briefing.RoleAdmin}}}}
	if !reflect.DeepEqual(got.identity, want) {
		t.Errorf("from the environment: %+v %+v, want %+v %+v", got.identity, got.identity.oidc, want, want.oidc)
	}
	got, err = parseServe([]string{"--oidc-name", "Okta", "--oidc-department-claim", "department", "--password-signin", "on",
		"--oidc-role-map", "leads=manager"}, envOf(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o := got.identity.oidc; got.identity.passwordSignInOff || o.Name != "Okta" || o.DepartmentClaim != "department" ||
		!reflect.DeepEqual(o.RoleMap, briefing.RoleMap{"leads": {briefing.RoleManager}}) {
		t.Errorf("flags over variables: %+v %+v", got.identity, got.identity.oidc)
	}
	if got, err := parseServe(nil, envOf(nil), io.Discard); err != nil || got.identity.oidc != nil || got.identity.passwordSignInOff {
		t.Errorf("defaults: %+v, %v; want no OIDC and password sign-in on", got.identity, err)
	}
	bad := []struct {
		args []string
		says string
	}{
		{[]string{"--oidc-issuer", "https://idp.example"}, "--oidc-client-id"},
		{[]string{"--password-signin", "off"}, "--password-signin"},
		{[]string{"--password-signin", "maybe"}, "--password-signin"},
		{[]string{"--oidc-issuer", "idp.example", "--oidc-client-id", "a", "--oidc-client-secret", "b"}, "--oidc-issuer"},
		{[]string{"--oidc-issuer", "https://idp.example", "--oidc-client-id", "a", "--oidc-client-secret", "b", "--oidc-role-map", "it=king"}, "--oidc-role-map"},
	}
	for _, b := range bad {
		if _, err := parseServe(b.args, envOf(nil), io.Discard); err == nil || !strings.Contains(err.Error(), b.says) {
			t.Errorf("%v: error %v, want one naming %s", b.args, err, b.says)
		}
	}
}
