package briefing

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do. Roles add up: an admin may do everything an
// author or a manager may.
type Role string

// The roles of the contract.
const (
	RoleEmployee Role = "employee"
	RoleAuthor   Role = "author"
	RoleManager  Role = "manager"
	RoleAdmin    Role = "admin"
	// RoleReviewer approves announcements before they are published.
	RoleReviewer Role = "reviewer"
)

// RoleNames lists the roles as error messages and forms name them.
const RoleNames = "employee, author, manager, reviewer, admin"

// ParseRole checks that s names a role.
func ParseRole(s string) (Role, bool) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleEmployee, RoleAuthor, RoleManager, RoleAdmin, RoleReviewer:
		return r, true
	}
	return "", false
}

// User is a person in the directory.
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Department   string    `json:"department"`
	Location     string    `json:"location"`
	Roles        []Role    `json:"roles"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
	PasswordHash []byte    `json:"-"`
	// TimeZone (an IANA name) and Language ("en" or "de") are the person's
	// own choice; empty means the organisation's.
	TimeZone string `json:"time_zone"`
	Language string `json:"language"`
}

// Has reports whether u may act as role r. Every user is an employee; an
// admin is also an author, a manager and a reviewer.
func (u *User) Has(r Role) bool {
	if r == RoleEmployee {
		return true
	}
	return slices.Contains(u.Roles, r) || slices.Contains(u.Roles, RoleAdmin)
}

// NormalizeEmail gives the form under which an address is unique.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Normalize trims the fields, lower-cases the e-mail address, and gives a
// user without roles the employee role.
func (u *User) Normalize() {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.Department = strings.TrimSpace(u.Department)
	u.Location = strings.TrimSpace(u.Location)
	u.TimeZone = strings.TrimSpace(u.TimeZone)
	u.Language = strings.ToLower(strings.TrimSpace(u.Language))
	u.Roles = canonicalRoles(u.Roles)
	if len(u.Roles) == 0 {
		u.Roles = []Role{RoleEmployee}
	}
	slices.Sort(u.Roles)
	u.Roles = slices.Compact(u.Roles)
}

// canonicalRoles spells every known role the way Has compares it, so that
// "Admin" from a CSV import is the admin role and not a stranger that
// Validate accepts (ParseRole folds case) but Has never matches. Unknown
// roles are kept as they are, for Validate to reject.
func canonicalRoles(in []Role) []Role {
	out := make([]Role, 0, len(in))
	for _, r := range in {
		if c, ok := ParseRole(string(r)); ok {
			r = c
		}
		out = append(out, r)
	}
	return out
}

// Validate checks a user before it is stored.
func (u *User) Validate() error {
	if u.Email == "" {
		return Invalid("email", "an e-mail address is required")
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return Invalid("email", "%q is not an e-mail address", u.Email)
	}
	if len(u.Email) > MaxEmailLength {
		return Invalid("email", "the e-mail address is longer than 254 characters")
	}
	if u.Name == "" {
		return Invalid("name", "a name is required")
	}
	if len(u.Name) > 200 || len(u.Department) > 100 || len(u.Location) > 100 {
		return Invalid("name", "name, department and location must be shorter than 200, 100 and 100 characters")
	}
	for i, r := range u.Roles {
		if _, ok := ParseRole(string(r)); !ok {
			return Invalid("roles", "role %d (%q) is not one of %s", i, r, RoleNames)
		}
	}
	if u.TimeZone != "" {
		if err := ValidateTimeZone(u.TimeZone); err != nil {
			return err
		}
	}
	if u.Language != "" && !validLanguage(u.Language) {
		return Invalid("language", "language must be de, en, or empty for the organisation's")
	}
	return nil
}

// ValidatePassword applies the password rule: long enough to resist guessing,
// short enough for bcrypt.
func ValidatePassword(p string) error {
	if len(p) < 8 {
		return Invalid("password", "the password must have at least 8 characters")
	}
	if len(p) > 72 {
		return Invalid("password", "the password must have at most 72 bytes")
	}
	return nil
}

// IsActiveAdmin reports whether u counts towards the admins the
// organisation must keep.
func (u *User) IsActiveAdmin() bool { return u.Active && slices.Contains(u.Roles, RoleAdmin) }

// CanChangeUser is the rule for changing a person from before to after:
// the organisation keeps an active admin, so the last one cannot drop
// their admin role or be deactivated (by themselves, an import or a
// directory sync alike), or nobody could give the role back. actorID is
// the id of the person making the change ("" for none); activeAdmins
// counts the active admins before the change and is called only when the
// change takes one away.
func CanChangeUser(actorID string, before, after *User, activeAdmins func() int) error {
	if !before.IsActiveAdmin() || after.IsActiveAdmin() || activeAdmins() > 1 {
		return nil
	}
	field, what := "roles", "give up the admin role"
	if !after.Active {
		field, what = "active", "deactivate yourself"
	}
	msg := "you are the last active admin: make someone else an admin before you " + what
	if actorID != before.ID {
		msg = before.Name + " is the last active admin: make someone else an admin first"
	}
	return &Error{Kind: ErrConflict, Field: field, Message: msg}
}
