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

// ReceiptScope decides who sees which recipients of a person by person
// (receipts, their CSV, the dashboard's list of people): an author or an
// admin every department, or the one requested; a manager only their own
// department, and nothing person by person when they have none (their
// aggregate readiness stays visible: that is not a person list). Anyone
// else is forbidden, and so is everyone for an announcement published in
// works-council mode (CheckPersonLevel).
func ReceiptScope(actor *User, a *Announcement, requested string) (Scope, error) {
	scope, err := recipientScope(actor, requested)
	if err != nil {
		return Scope{}, err
	}
	if err := CheckPersonLevel(a); err != nil {
		return Scope{}, err
	}
	return scope, nil
}

// ReminderScope decides whom someone may remind of a: the people of
// their ReceiptScope, also in works-council mode (a reminder tells the
// sender only a count), except a department that the mode shows only
// inside Other departments (view is readiness as people see it). With
// that refusal the scope asked for comes back too, so a page can say why.
func ReminderScope(actor *User, a *Announcement, requested string, view Readiness) (Scope, error) {
	scope, err := recipientScope(actor, requested)
	if err != nil {
		return Scope{}, err
	}
	return scope, checkReminderScope(a, view, scope.Department)
}

func recipientScope(actor *User, requested string) (Scope, error) {
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
