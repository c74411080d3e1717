// Package briefing holds Firsthand's domain: users and roles, announcements
// and their audiences, the release gate, receipts, questions, channels and
// deliveries. It is pure Go: no HTTP, no storage. The rules live and are
// tested here; the web and store packages only carry them out.
package briefing

import (
	"errors"
	"fmt"
	"time"
)

// The kinds of failure the HTTP layer maps onto the contract's statuses.
// Callers test for them with errors.Is.
var (
	ErrNotFound        = errors.New("not_found")
	ErrInvalid         = errors.New("invalid")
	ErrConflict        = errors.New("conflict")
	ErrForbidden       = errors.New("forbidden")
	ErrUnauthenticated = errors.New("unauthenticated")
	ErrRateLimited     = errors.New("rate_limited")
)

// Error is a domain failure with a message a person can act on and, for
// validation failures, the JSON path of the field at fault.
type Error struct {
	Kind    error
	Message string
	Field   string
	// Format and Args are what Message was made of: a page translates the
	// format (the English text is the key of its translations) and fills
	// in the same arguments.
	Format string
	Args   []any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Unwrap lets errors.Is see the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Invalid reports that field fails validation.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// NotFound reports that a thing does not exist or is not visible to the caller.
func NotFound(format string, args ...any) error {
	return &Error{Kind: ErrNotFound, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Conflict reports a wrong state or a duplicate.
func Conflict(format string, args ...any) error {
	return &Error{Kind: ErrConflict, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Forbidden reports that the caller's roles do not allow the action.
func Forbidden(format string, args ...any) error {
	return &Error{Kind: ErrForbidden, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Unauthenticated reports a missing or bad credential.
func Unauthenticated(format string, args ...any) error {
	return &Error{Kind: ErrUnauthenticated, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// RateLimited reports too many attempts.
func RateLimited(format string, args ...any) error {
	return &Error{Kind: ErrRateLimited, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// ErrorField returns the field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the person-readable message of err.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// Instant is a time in an error message: RFC 3339 UTC in the message
// itself (what the API answers); a page shows it in the reader's zone.
type Instant time.Time

func (t Instant) String() string { return time.Time(t).UTC().Format(time.RFC3339) }
