package briefing

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// RetrySafety says what keeps a retried delivery of a kind from posting
// twice, and so what the outbox may do after an attempt without an answer.
type RetrySafety int

// The retry safeties of the catalogue's kinds.
const (
	// RetryIdempotent: the receiver recognises a repeat by the delivery's id
	// (webhook-id, Idempotency-Key, Message-ID), so a retry is safe.
	RetryIdempotent RetrySafety = iota + 1
	// RetryUnconfirmedOnNoAnswer: no key: an attempt without an answer may
	// or may not have posted, and the delivery becomes unconfirmed.
	RetryUnconfirmedOnNoAnswer
	// RetryLocal: nothing leaves the server (the newsroom).
	RetryLocal
	// RetryPerson: a person posts it; the delivery awaits their confirmation.
	RetryPerson
)

// KindSpec is what the domain knows of one channel kind. Package
// briefing/channel registers one per kind at start (RegisterKind), the
// way database/sql drivers register: the domain validates and counts
// through it without importing the senders.
type KindSpec struct {
	Kind  ChannelKind
	Label string // what the editor and the admin page call it
	Order int    // the editor and the admin page list kinds by it
	Retry RetrySafety
	// IdempotencyWindow is how long the receiver honours the key (Mastodon:
	// an hour); 0 is for ever. Past it, an unanswered attempt is
	// unconfirmed, as for RetryUnconfirmedOnNoAnswer.
	IdempotencyWindow time.Duration
	// Permanent kinds cannot be added, removed or disabled (the newsroom).
	Permanent bool
	// Retract is how a withdrawal takes the kind's post down (retract.go).
	Retract RetractMode
	// Validate checks a config object and returns it in canonical form.
	// Errors name fields as config.<name>.
	Validate func(config json.RawMessage) (json.RawMessage, error)
	// Limit is the longest text a config takes (0: none). Nil: none.
	Limit func(config json.RawMessage) int
	// Count counts a text as the platform counts it, with the newsroom link
	// the sender appends. Nil: runes.
	Count func(text string) int
}

var kinds struct {
	sync.RWMutex
	m map[ChannelKind]KindSpec
}

// RegisterKind adds a kind to the catalogue; a second registration of the
// same kind panics, like a duplicate sql driver.
func RegisterKind(k KindSpec) {
	kinds.Lock()
	defer kinds.Unlock()
	if kinds.m == nil {
		kinds.m = map[ChannelKind]KindSpec{}
	}
	if _, dup := kinds.m[k.Kind]; dup {
		panic("briefing: channel kind registered twice: " + string(k.Kind))
	}
	if k.Validate == nil {
		panic("briefing: channel kind without Validate: " + string(k.Kind))
	}
	kinds.m[k.Kind] = k
}

// LookupKind returns a registered kind.
func LookupKind(k ChannelKind) (KindSpec, bool) {
	kinds.RLock()
	defer kinds.RUnlock()
	s, ok := kinds.m[k]
	return s, ok
}

// Kinds lists the registered kinds in their Order.
func Kinds() []KindSpec {
	kinds.RLock()
	out := make([]KindSpec, 0, len(kinds.m))
	for _, k := range kinds.m {
		out = append(out, k)
	}
	kinds.RUnlock()
	slices.SortFunc(out, func(a, b KindSpec) int { return a.Order - b.Order })
	return out
}

// KindNames lists the registered kinds' names in their Order.
func KindNames() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, string(k.Kind))
	}
	return out
}
