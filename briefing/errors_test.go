package briefing

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		err  error
		kind error
	}{
		{Invalid("f", "bad %d", 1), ErrInvalid},
		{NotFound("gone"), ErrNotFound},
		{Conflict("twice"), ErrConflict},
		{Forbidden("no"), ErrForbidden},
		{Unauthenticated("who"), ErrUnauthenticated},
		{RateLimited("slow"), ErrRateLimited},
	}
	all := []error{ErrInvalid, ErrNotFound, ErrConflict, ErrForbidden, ErrUnauthenticated, ErrRateLimited}
	for _, tt := range tests {
		wrapped := fmt.Errorf("context: %w", tt.err)
		for _, k := range all {
			if got, want := errors.Is(wrapped, k), k == tt.kind; got != want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, k, got, want)
			}
		}
	}
}

func TestErrorFieldAndMessage(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", Invalid("policy.threshold", "must be %s", "small"))
	if got, want := ErrorField(err), "policy.threshold"; got != want {
		t.Errorf("ErrorField = %q, want %q", got, want)
	}
	if got, want := ErrorMessage(err), "must be small"; got != want {
		t.Errorf("ErrorMessage = %q, want %q", got, want)
	}
	if got, want := Invalid("a.b", "x").Error(), "a.b: x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := NotFound("no such thing").Error(), "no such thing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	plain := errors.New("disk on fire")
	if got := ErrorField(plain); got != "" {
		t.Errorf("ErrorField(plain) = %q, want empty", got)
	}
	if got, want := ErrorMessage(plain), "disk on fire"; got != want {
		t.Errorf("ErrorMessage(plain) = %q, want %q", got, want)
	}
}

// wantValidation checks a Validate result: nil when wantField is empty,
// otherwise ErrInvalid naming wantField.
func wantValidation(t *testing.T, err error, wantField string) {
	t.Helper()
	if wantField == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Validate() = %v, want ErrInvalid", err)
	}
	if got := ErrorField(err); got != wantField {
		t.Errorf("field = %q, want %q", got, wantField)
	}
}
