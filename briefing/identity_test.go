package briefing

import (
	"slices"
	"testing"
)

func TestParseRoleMapAndRoles(t *testing.T) {
	m, err := ParseRoleMap(" comms=author, leads=manager,it=admin,leads=author ")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		groups []string
		want   []Role
	}{
		{[]string{"comms"}, []Role{RoleAuthor}},
		{[]string{"leads", "unrelated"}, []Role{RoleAuthor, RoleManager}},
		{[]string{"it", "comms"}, []Role{RoleAdmin, RoleAuthor}},
		{[]string{"sales"}, []Role{RoleEmployee}},
		{nil, []Role{RoleEmployee}},
	}
	for _, tt := range tests {
		if got := m.Roles(tt.groups); !slices.Equal(got, tt.want) {
			t.Errorf("Roles(%v) = %v, want %v", tt.groups, got, tt.want)
		}
	}
	if got := (RoleMap{}).Roles([]string{"comms"}); got != nil {
		t.Errorf("an empty map gives %v, want nil (roles untouched)", got)
	}
	for _, bad := range []string{"comms", "comms=king", "=author", "comms=author,x"} {
		if _, err := ParseRoleMap(bad); err == nil {
			t.Errorf("ParseRoleMap(%q) accepted", bad)
		}
	}
	if m, err := ParseRoleMap(""); err != nil || len(m) != 0 {
		t.Errorf("ParseRoleMap(\"\") = %v, %v; want empty", m, err)
	}
}

func TestIdentityApply(t *testing.T) {
	sales, empty := "Sales", ""
	u := &User{Name: "Kept", Department: "Support", Roles: []Role{RoleEmployee}}
	if !(Identity{Name: "Other", Department: &sales, Roles: []Role{RoleManager}}).Apply(u) {
		t.Error("Apply reported no change")
	}
	if u.Department != "Sales" || !slices.Equal(u.Roles, []Role{RoleManager}) || u.Name != "Kept" {
		t.Errorf("after Apply: %+v, want Sales, [manager], name kept", u)
	}
	if (Identity{Department: &sales, Roles: []Role{RoleManager}}).Apply(u) {
		t.Error("the same identity again reported a change")
	}
	if (Identity{}).Apply(u) || u.Department != "Sales" || !slices.Equal(u.Roles, []Role{RoleManager}) {
		t.Errorf("no claims changed the person: %+v", u)
	}
	if !(Identity{Department: &empty}).Apply(u) || u.Department != "" {
		t.Errorf("an empty department claim should clear it: %+v", u)
	}
	nu := Identity{Email: "new.person@example.com"}.NewUser()
	if nu.Name != "new.person" {
		t.Errorf("NewUser without a name: %q", nu.Name)
	}
}

func TestPasswordSignInAllowed(t *testing.T) {
	admin, staff := &User{Roles: []Role{RoleAdmin}}, &User{Roles: []Role{RoleAuthor}}
	if !PasswordSignInAllowed(staff, true) || PasswordSignInAllowed(staff, false) || !PasswordSignInAllowed(admin, false) {
		t.Error("password sign-in: on for everyone, off for all but admins")
	}
}
