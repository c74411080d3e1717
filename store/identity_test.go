package store

import (
	"slices"
	"testing"
	"time"

	"firsthand/briefing"
)

// TestSignInIdentity: created on the first sign-in, department and roles
// follow the provider on the next, a deactivated person is refused; each
// sign-in starts a working session.
func TestSignInIdentity(t *testing.T) {
	s, _ := openStore(t)
	sales, support := "Sales", "Support"
	u, secret, err := s.SignInIdentity(briefing.Identity{Email: "Nina@Example.com", Name: "Nina", Department: &sales,
		Roles: []briefing.Role{briefing.RoleAuthor}}, time.Hour)
	mustNoErr(t, err)
	if u.Email != "nina@example.com" || u.Department != "Sales" || !slices.Equal(u.Roles, []briefing.Role{briefing.RoleAuthor}) || !u.Active {
		t.Errorf("created %+v, want nina@example.com, Sales, [author], active", u)
	}
	if got, err := s.SessionUser(secret); err != nil || got.ID != u.ID {
		t.Errorf("SessionUser = %v, %v; want %s", got, err, u.ID)
	}
	again, _, err := s.SignInIdentity(briefing.Identity{Email: "nina@example.com", Name: "Renamed", Department: &support,
		Roles: []briefing.Role{briefing.RoleEmployee}}, time.Hour)
	mustNoErr(t, err)
	if again.ID != u.ID || again.Department != "Support" || !slices.Equal(again.Roles, []briefing.Role{briefing.RoleEmployee}) || again.Name != "Nina" {
		t.Errorf("second sign-in: %+v, want the same person in Support as employee, name kept", again)
	}
	events, _, err := s.AuditEvents(AuditFilter{Target: "user:" + u.ID})
	mustNoErr(t, err)
	if len(events) != 2 {
		t.Errorf("%d audit events for the person, want create and update", len(events))
	}
	setActive(t, s, u.ID, false)
	_, _, err = s.SignInIdentity(briefing.Identity{Email: "nina@example.com"}, time.Hour)
	wantKind(t, err, briefing.ErrForbidden)
	_, _, err = s.SignInIdentity(briefing.Identity{Email: "not an address"}, time.Hour)
	wantKind(t, err, briefing.ErrInvalid)
}
