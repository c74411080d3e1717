package briefing

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		ok   bool
	}{
		{"employee", RoleEmployee, true},
		{"author", RoleAuthor, true},
		{" Manager ", RoleManager, true},
		{"ADMIN", RoleAdmin, true},
		{"root", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseRole(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestUserHas(t *testing.T) {
	tests := []struct {
		roles []Role
		role  Role
		want  bool
	}{
		{nil, RoleEmployee, true},
		{[]Role{RoleEmployee}, RoleEmployee, true},
		{[]Role{RoleEmployee}, RoleAuthor, false},
		{[]Role{RoleEmployee}, RoleManager, false},
		{[]Role{RoleEmployee}, RoleAdmin, false},
		{[]Role{RoleAuthor}, RoleEmployee, true},
		{[]Role{RoleAuthor}, RoleAuthor, true},
		{[]Role{RoleAuthor}, RoleManager, false},
		{[]Role{RoleAuthor}, RoleAdmin, false},
		{[]Role{RoleManager}, RoleManager, true},
		{[]Role{RoleManager}, RoleAuthor, false},
		{[]Role{RoleManager}, RoleAdmin, false},
		{[]Role{RoleAdmin}, RoleAdmin, true},
		{[]Role{RoleAdmin}, RoleAuthor, true},
		{[]Role{RoleAdmin}, RoleManager, true},
		{[]Role{RoleAdmin}, RoleEmployee, true},
		{[]Role{RoleAuthor, RoleManager}, RoleAdmin, false},
	}
	for _, tt := range tests {
		u := &User{Roles: tt.roles}
		if got := u.Has(tt.role); got != tt.want {
			t.Errorf("User{Roles: %v}.Has(%q) = %v, want %v", tt.roles, tt.role, got, tt.want)
		}
	}
}

func TestUserNormalize(t *testing.T) {
	u := &User{
		Email: "  Ada.Lovelace@Example.COM ", Name: " Ada ", Department: " Sales ", Location: " Berlin ",
		Roles: []Role{"Admin", RoleAuthor, RoleAuthor, " manager"},
	}
	u.Normalize()
	if u.Email != "ada.lovelace@example.com" {
		t.Errorf("Email = %q, want %q", u.Email, "ada.lovelace@example.com")
	}
	if u.Name != "Ada" || u.Department != "Sales" || u.Location != "Berlin" {
		t.Errorf("Name, Department, Location = %q, %q, %q; want trimmed", u.Name, u.Department, u.Location)
	}
	if want := []Role{RoleAdmin, RoleAuthor, RoleManager}; !slices.Equal(u.Roles, want) {
		t.Errorf("Roles = %v, want %v", u.Roles, want)
	}
	// A role spelled in capitals must be the real role, not a look-alike that
	// passes validation and grants nothing.
	if !u.Has(RoleManager) {
		t.Errorf("after Normalize, Has(manager) = false for roles %v", u.Roles)
	}

	empty := &User{Email: "x@example.com", Name: "X"}
	empty.Normalize()
	if want := []Role{RoleEmployee}; !slices.Equal(empty.Roles, want) {
		t.Errorf("a user without roles got %v, want %v", empty.Roles, want)
	}
}

func TestUserValidate(t *testing.T) {
	valid := func() User {
		return User{Email: "ada@example.com", Name: "Ada", Department: "Sales", Roles: []Role{RoleEmployee}}
	}
	tests := []struct {
		name      string
		change    func(u *User)
		wantField string // "" means valid
	}{
		{"valid", func(u *User) {}, ""},
		{"no email", func(u *User) { u.Email = "" }, "email"},
		{"not an address", func(u *User) { u.Email = "ada" }, "email"},
		{"display name form", func(u *User) { u.Email = "Ada <ada@example.com>" }, "email"},
		{"too long email", func(u *User) { u.Email = strings.Repeat("a", 250) + "@example.com" }, "email"},
		{"no name", func(u *User) { u.Name = "" }, "name"},
		{"long name", func(u *User) { u.Name = strings.Repeat("n", 201) }, "name"},
		{"long department", func(u *User) { u.Department = strings.Repeat("d", 101) }, "name"},
		{"unknown role", func(u *User) { u.Roles = []Role{"root"} }, "roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := valid()
			tt.change(&u)
			err := u.Validate()
			wantValidation(t, err, tt.wantField)
		})
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		pw    string
		valid bool
	}{
		{"", false},
		{"1234567", false},
		{"12345678", true},
		{strings.Repeat("p", 72), true},
		{strings.Repeat("p", 73), false},
	}
	for _, tt := range tests {
		err := ValidatePassword(tt.pw)
		if (err == nil) != tt.valid {
			t.Errorf("ValidatePassword(%d bytes) = %v, want valid=%v", len(tt.pw), err, tt.valid)
		}
		if err != nil && ErrorField(err) != "password" {
			t.Errorf("field = %q, want password", ErrorField(err))
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	if got, want := NormalizeEmail("  Bob@Example.ORG\t"), "bob@example.org"; got != want {
		t.Errorf("NormalizeEmail = %q, want %q", got, want)
	}
}

// TestCanChangeUser: the organisation keeps an active admin. The last one
// cannot drop their admin role or deactivate themselves; with another
// active admin both are allowed; other changes are never refused.
func TestCanChangeUser(t *testing.T) {
	admin := &User{ID: "1", Name: "Ada", Roles: []Role{RoleAdmin}, Active: true}
	with := func(f func(u *User)) *User {
		u := *admin
		u.Roles = slices.Clone(admin.Roles)
		f(&u)
		return &u
	}
	demoted := with(func(u *User) { u.Roles = []Role{RoleAuthor} })
	deactivated := with(func(u *User) { u.Active = false })
	renamed := with(func(u *User) { u.Name = "Ada L." })
	employee := &User{ID: "2", Roles: []Role{RoleEmployee}, Active: true}
	tests := []struct {
		name          string
		actor         string
		before, after *User
		admins        int
		conflict      bool
	}{
		{"last admin demotes themselves", "1", admin, demoted, 1, true},
		{"last admin deactivates themselves", "1", admin, deactivated, 1, true},
		{"someone else (SCIM, an import) demotes the last admin", "", admin, demoted, 1, true},
		{"one of two admins demotes themselves", "1", admin, demoted, 2, false},
		{"one of two admins deactivates themselves", "1", admin, deactivated, 2, false},
		{"last admin renames themselves", "1", admin, renamed, 1, false},
		{"an employee is deactivated", "1", employee, with(func(u *User) { *u = *employee; u.Active = false }), 1, false},
		{"an inactive admin is demoted", "1", deactivated, with(func(u *User) { u.Active = false; u.Roles = nil }), 1, false},
	}
	for _, tt := range tests {
		counted := false
		err := CanChangeUser(tt.actor, tt.before, tt.after, func() int { counted = true; return tt.admins })
		if got := errors.Is(err, ErrConflict); got != tt.conflict {
			t.Errorf("%s: got %v, want conflict %v", tt.name, err, tt.conflict)
		}
		if counted && !(tt.before.Active && tt.before.Has(RoleAdmin)) {
			t.Errorf("%s: counted the admins for a change that cannot take one away", tt.name)
		}
	}
}
