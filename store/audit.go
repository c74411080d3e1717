package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
	v, err := encodeEvent(briefing.Event{At: at.UTC(), Actor: actor, Action: action, Target: target, Detail: detail})
	if err != nil {
		return err
	}
	if err := b.Put(u64(seq), v); err != nil {
		return err
	}
	if action == actionAcknowledge {
		// Not indexed: the acknowledgement burst is the hottest write
		// path, and a key per person lands on a page of its own. The
		// receipt holds the same fact (Export, dropAckEvents).
		return nil
	}
	return indexEvent(tx, seq, actor, target)
}

// indexEvent files an event under each person it names as actor or
// target (audit_by_user: userID | seq), in the transaction that writes it,
// so that a person's events are found without reading the whole log.
func indexEvent(tx *bolt.Tx, seq uint64, actor, target string) error {
	idx := tx.Bucket(bAuditByUser)
	if idx == nil {
		return nil // an earlier migration writing: migration 8 files it
	}
	a, okA := canonicalID(actor, "user:")
	t, okT := canonicalID(target, "user:")
	if okA {
		if err := idx.Put(pair(a, seq), nil); err != nil {
			return err
		}
	}
	if okT && (!okA || t != a) {
		return idx.Put(pair(t, seq), nil)
	}
	return nil
}

// userEvents returns the events that name a user as actor or target,
// newest first, from the index.
func userEvents(tx *bolt.Tx, userID uint64) ([]briefing.Event, error) {
	var out []briefing.Event
	log := tx.Bucket(bAudit)
	prefix := u64(userID)
	c := tx.Bucket(bAuditByUser).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		v := log.Get(k[8:])
		if v == nil {
			continue
		}
		e, err := decodeEvent(v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.Reverse(out)
	return out, nil
}

// indexAuditByUser is the migration that files the events written before
// the index existed.
func indexAuditByUser(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bAuditByUser); err != nil {
		return err
	}
	return tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
		e, err := decodeEvent(v)
		if err != nil {
			return fmt.Errorf("audit event %d: %w", bytesToU64(k), err)
		}
		if e.Action == actionAcknowledge {
			return nil // as audit: not indexed
		}
		return indexEvent(tx, bytesToU64(k), e.Actor, e.Target)
	})
}

// dropAckEvents removes the acknowledgement events of an announcement
// from the log: they hold the times that retention erases from the
// receipts. The one exception to an append-only log, and only for the one
// kind of event that is nothing but that time. Acknowledgements are not
// indexed (audit), so this reads the whole log: once per announcement, by
// the scheduler, in the transaction of the purge.
func dropAckEvents(tx *bolt.Tx, annID uint64) error {
	log := tx.Bucket(bAudit)
	target := "announcement:" + formatID(annID)
	var drop [][]byte
	c := log.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) == 0 || (v[0] != compactAck && !bytes.Contains(v, []byte(actionAcknowledge))) {
			continue
		}
		if e, err := decodeEvent(v); err == nil && e.Action == actionAcknowledge && e.Target == target {
			drop = append(drop, clone(k))
		}
	}
	for _, k := range drop {
		if err := log.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Stored events are JSON, except the one written by every acknowledgement:
// with 100,000 recipients it is most of the log, and as JSON (~140 bytes)
// it took more room than the receipt itself (docs/performance.md). It is
// stored in a fixed form instead, 13–20 bytes:
//
//	0x01 | at: unix nanoseconds, 8 bytes big-endian | user id: uvarint | announcement id: uvarint
//
// for actor "user:<id>", action "briefing.acknowledge", target
// "announcement:<id>" and no detail. A JSON value always starts with '{',
// so the first byte tells the forms apart. Anything that does not fit the
// fixed form exactly stays JSON.
const (
	actionAcknowledge = "briefing.acknowledge"
	compactAck        = 0x01
)

func encodeEvent(e briefing.Event) ([]byte, error) {
	if v, ok := encodeCompactAck(e); ok {
		return v, nil
	}
	return json.Marshal(e)
}

func encodeCompactAck(e briefing.Event) ([]byte, bool) {
	if e.Action != actionAcknowledge || e.Detail != "" || e.At.Location() != time.UTC ||
		e.At.Year() < 1700 || e.At.Year() > 2200 {
		return nil, false
	}
	user, ok := canonicalID(e.Actor, "user:")
	if !ok {
		return nil, false
	}
	ann, ok := canonicalID(e.Target, "announcement:")
	if !ok {
		return nil, false
	}
	v := make([]byte, 9, 9+2*binary.MaxVarintLen64)
	v[0] = compactAck
	binary.BigEndian.PutUint64(v[1:], uint64(e.At.UnixNano()))
	v = binary.AppendUvarint(v, user)
	v = binary.AppendUvarint(v, ann)
	return v, true
}

// canonicalID reads prefix+id where id is exactly formatID's output, so
// that decoding gives back the very string that was encoded.
func canonicalID(s, prefix string) (uint64, bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	if err != nil || formatID(n) != rest {
		return 0, false
	}
	return n, true
}

func decodeEvent(v []byte) (briefing.Event, error) {
	if len(v) > 0 && v[0] == compactAck {
		return decodeCompactAck(v)
	}
	var e briefing.Event
	err := json.Unmarshal(v, &e)
	return e, err
}

func decodeCompactAck(v []byte) (briefing.Event, error) {
	if len(v) < 11 {
		return briefing.Event{}, fmt.Errorf("audit: compact event of %d bytes", len(v))
	}
	at := int64(binary.BigEndian.Uint64(v[1:9]))
	user, n := binary.Uvarint(v[9:])
	if n <= 0 {
		return briefing.Event{}, errors.New("audit: compact event with a bad user id")
	}
	ann, m := binary.Uvarint(v[9+n:])
	if m <= 0 || 9+n+m != len(v) {
		return briefing.Event{}, errors.New("audit: compact event with a bad announcement id")
	}
	return briefing.Event{
		At: time.Unix(0, at).UTC(), Actor: "user:" + formatID(user), Action: actionAcknowledge,
		Target: "announcement:" + formatID(ann),
	}, nil
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
			e, err := decodeEvent(v)
			if err != nil {
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
