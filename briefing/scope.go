package briefing

// Scope is the part of an announcement's recipients that someone may see
// person by person and act on (receipts, their CSV, the dashboard's list of
// people, reminders).
type Scope struct {
	// Department is the one department in scope; "" is every department.
	Department string
	// Fixed says the department comes with the person (a manager's own)
	// and cannot be chosen.
	Fixed bool
}

// All reports whether every recipient is in scope.
func (s Scope) All() bool { return s.Department == "" }

// ReceiptScope decides who sees and acts on which recipients of a: an
// author or an admin every department, or the one requested; a manager
// only their own department, and nothing person by person when they have
// none (their aggregate readiness stays visible: that is not a person
// list). Anyone else is forbidden. It takes the announcement because what
// an announcement was published under (the works-council mode) will decide
// here too.
func ReceiptScope(actor *User, a *Announcement, requested string) (Scope, error) {
	if actor.Has(RoleAuthor) {
		return Scope{Department: requested}, nil
	}
	if !actor.Has(RoleManager) {
		return Scope{}, Forbidden("only authors, managers and admins see who has read and acknowledged")
	}
	return ownDepartment(actor, requested)
}

// DirectoryScope decides which part of the directory someone may list: an
// admin every department, or the one requested; a manager only their own.
func DirectoryScope(actor *User, requested string) (Scope, error) {
	if actor.Has(RoleAdmin) {
		return Scope{Department: requested}, nil
	}
	if !actor.Has(RoleManager) {
		return Scope{}, Forbidden("only managers and admins list the directory")
	}
	return ownDepartment(actor, requested)
}

// ownDepartment is a manager's scope. A manager without a department must
// not fall through to "" (every department).
func ownDepartment(manager *User, requested string) (Scope, error) {
	if manager.Department == "" {
		return Scope{}, Forbidden("you manage no department, so you see no person lists and send no reminders: ask an admin to set your department")
	}
	if requested != "" && requested != manager.Department {
		return Scope{}, Forbidden("a manager sees their own department (%s) only", manager.Department)
	}
	return Scope{Department: manager.Department, Fixed: true}, nil
}
