package briefing

import (
	"fmt"
	"slices"
	"strings"
)

// Identity is what a company's identity provider vouches for about a
// person at sign-in (OpenID Connect) or provisioning (SCIM).
type Identity struct {
	Email string
	Name  string
	// Department is nil when the provider sent no department claim: the
	// stored one is kept rather than cleared by a provider that does not
	// know it.
	Department *string
	// Roles is nil when no role map is configured: roles stay as the
	// directory has them. Otherwise they are what the groups map to.
	Roles []Role
}

// NewUser is the person an identity creates on their first sign-in.
func (id Identity) NewUser() *User {
	u := &User{Email: id.Email, Name: id.Name, Roles: id.Roles}
	if id.Department != nil {
		u.Department = *id.Department
	}
	if u.Name == "" {
		// Providers without a name claim: the address's local part is
		// better than refusing the person.
		u.Name, _, _ = strings.Cut(id.Email, "@")
	}
	return u
}

// Apply brings a known person's department and roles in line with the
// identity on every sign-in, and reports whether anything changed. The
// name is the person's own to keep (the admin page and SCIM set it).
func (id Identity) Apply(u *User) bool {
	changed := false
	if id.Department != nil && strings.TrimSpace(*id.Department) != u.Department {
		u.Department, changed = strings.TrimSpace(*id.Department), true
	}
	if id.Roles != nil {
		want := &User{Roles: slices.Clone(id.Roles)}
		want.Normalize()
		if !slices.Equal(want.Roles, u.Roles) {
			u.Roles, changed = want.Roles, true
		}
	}
	return changed
}

// RoleMap maps identity-provider groups to the roles they give.
type RoleMap map[string][]Role

// ParseRoleMap reads "comms=author,leads=manager,it=admin". A group may
// appear more than once to give several roles.
func ParseRoleMap(s string) (RoleMap, error) {
	m := RoleMap{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		group, role, ok := strings.Cut(part, "=")
		r, valid := ParseRole(role)
		if !ok || strings.TrimSpace(group) == "" || !valid {
			return nil, fmt.Errorf("role map entry %q: want group=role with a role of employee, author, manager, admin", part)
		}
		key := strings.TrimSpace(group)
		m[key] = append(m[key], r)
	}
	return m, nil
}

// Roles gives the roles a member of groups has: every mapped group's role,
// employee when none matches. Nil for an empty map (nothing configured).
func (m RoleMap) Roles(groups []string) []Role {
	if len(m) == 0 {
		return nil
	}
	out := []Role{}
	for _, g := range groups {
		out = append(out, m[g]...)
	}
	if len(out) == 0 {
		out = []Role{RoleEmployee}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PasswordSignInAllowed applies FIRSTHAND_PASSWORD_SIGNIN: with password
// sign-in off, only admins keep it, as their way back in when the identity
// provider is down or misconfigured.
func PasswordSignInAllowed(u *User, passwordSignIn bool) bool {
	return passwordSignIn || u.Has(RoleAdmin)
}
