package briefing

import (
	"fmt"
	"time"
)

// PublicStatus is what staff may say outside about a briefing.
type PublicStatus string

// The public statuses of API.md v1.1.
const (
	PublicInternal  PublicStatus = "internal"  // no channel: never goes out
	PublicReleased  PublicStatus = "released"  // out: staff may talk about it
	PublicEmbargoed PublicStatus = "embargoed" // not before not_before, whatever the acknowledgements
	PublicPending   PublicStatus = "pending"   // waiting for the gate
)

// PublicStatusOf decides an announcement's public status now, in the
// contract's order of precedence: internal (no channel), released,
// embargoed while not_before is in the future, pending otherwise.
func PublicStatusOf(a *Announcement, now time.Time) PublicStatus {
	switch {
	case a.Internal():
		return PublicInternal
	case a.State == StateReleased:
		return PublicReleased
	case a.Policy.NotBefore != nil && now.Before(*a.Policy.NotBefore):
		return PublicEmbargoed
	}
	return PublicPending
}

// MaxTalkingPoints is the longest "What to tell customers".
const MaxTalkingPoints = 20_000

// ErrWithdrawn is the kind of a briefing that its recipient opens after it
// was withdrawn: 410, not a 404 that would make it look mistyped.
var ErrWithdrawn = fmt.Errorf("withdrawn")

// WithdrawnError says when and why a briefing was withdrawn.
type WithdrawnError struct {
	At     time.Time
	Reason string
}

func (e *WithdrawnError) Error() string {
	msg := "this briefing was withdrawn on " + e.At.UTC().Format("2 Jan 2006, 15:04 MST")
	if e.Reason != "" {
		msg += " because: " + e.Reason
	}
	return msg
}

// Unwrap lets errors.Is see the kind.
func (e *WithdrawnError) Unwrap() error { return ErrWithdrawn }
