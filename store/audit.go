package store

import (
	"encoding/json"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// audit appends an event in the transaction of the decision it records, so
// the log and the data never disagree.
func audit(tx *bolt.Tx, at time.Time, actor, action, target, detail string) error {
	b := tx.Bucket(bAudit)
	// Keys are sequence numbers, so every event is appended: at bbolt's
	// default fill (0.5) each page was left half empty when it split, and
	// the log took twice its size (one event per acknowledgement: the load
	// tool's bytes per receipt, docs/performance.md). Appends never land in
	// a full page again, so pack the pages.
	b.FillPercent = 0.95
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(briefing.Event{At: at.UTC(), Actor: actor, Action: action, Target: target, Detail: detail})
	if err != nil {
		return err
	}
	return b.Put(u64(seq), v)
}

// Audit appends an event on its own, for decisions that change no data
// (a failed sign-in, a test send).
func (s *Store) Audit(actor, action, target, detail string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return audit(tx, s.now(), actor, action, target, detail)
	})
}

// AuditFilter selects audit events.
type AuditFilter struct {
	Action string // exact action, or a prefix ending in "." ("announcement.")
	Target string
	After  string // cursor: events older than this one
	Limit  int
}

// AuditEvent is an event with its cursor.
type AuditEvent struct {
	ID string `json:"-"`
	briefing.Event
}

// AuditEvents lists events newest first.
func (s *Store) AuditEvents(f AuditFilter) (events []AuditEvent, next string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		k, v := c.Last()
		if f.After != "" {
			n, err := parseID("event", f.After)
			if err != nil {
				return briefing.Invalid("after", "the cursor is not valid")
			}
			c.Seek(u64(n))
			k, v = c.Prev()
		}
		for ; k != nil; k, v = c.Prev() {
			var e briefing.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if !matchAction(f.Action, e.Action) || (f.Target != "" && e.Target != f.Target) {
				continue
			}
			if f.Limit > 0 && len(events) == f.Limit {
				next = events[len(events)-1].ID
				return nil
			}
			events = append(events, AuditEvent{ID: formatID(bytesToU64(k)), Event: e})
		}
		return nil
	})
	return events, next, err
}

func matchAction(want, got string) bool {
	if want == "" || want == got {
		return true
	}
	return strings.HasSuffix(want, ".") && strings.HasPrefix(got, want)
}
