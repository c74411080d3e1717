package store

import (
	"bytes"
	"maps"
	"slices"
	"sync"

	"firsthand/briefing"
)

// Decoded records, remembered.
//
// Every acknowledgement, briefing read, readiness read and inbox line
// decodes its announcement's metadata, and every briefing read its body.
// The load tool's CPU profile (docs/performance.md) showed those JSON
// decodes as the largest single cost of the acknowledgement burst (~19% of
// the CPU for the metadata alone: ~45 µs a record, three per read and
// acknowledgement, two of them inside the serial write transaction) and as
// nearly all of the time to list an inbox of 1,000 briefings. These records
// change a handful of times in their life.
//
// An entry is used only while the stored bytes are exactly the bytes it was
// decoded from, so a cache never serves a stale record: there is no
// invalidation to forget, and a write that is rolled back cannot poison it.
// Correctness depends only on the bytes, so one cache serves every Store in
// the process.
var (
	decodedAnnouncements = newDecodeCache(4096, 1<<20, cloneAnnouncement)
	decodedBodies        = newDecodeCache(256, 64<<10, func(b *storedBody) *storedBody { c := *b; return &c })
)

// decodeCache maps a record's key to its decoding, for records up to
// maxRaw bytes and at most max of them.
type decodeCache[T any] struct {
	mu     sync.RWMutex
	m      map[string]*decoded[T]
	max    int
	maxRaw int
	clone  func(*T) *T // a copy the caller may change without touching the cache
}

// decoded is immutable once stored: a newer record replaces the entry.
type decoded[T any] struct {
	raw []byte
	v   T
}

func newDecodeCache[T any](max, maxRaw int, clone func(*T) *T) *decodeCache[T] {
	return &decodeCache[T]{m: map[string]*decoded[T]{}, max: max, maxRaw: maxRaw, clone: clone}
}

// get returns a private copy of the decoding if raw is what it was decoded from.
func (c *decodeCache[T]) get(key, raw []byte) (*T, bool) {
	c.mu.RLock()
	e := c.m[string(key)]
	c.mu.RUnlock()
	if e == nil || !bytes.Equal(e.raw, raw) {
		return nil, false
	}
	return c.clone(&e.v), true
}

// put remembers v as the decoding of raw. raw is copied: bbolt's memory is
// only valid inside its transaction.
func (c *decodeCache[T]) put(key, raw []byte, v *T) {
	if len(raw) > c.maxRaw {
		return
	}
	e := &decoded[T]{raw: clone(raw), v: *c.clone(v)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[string(key)]; !ok && len(c.m) >= c.max {
		for k := range c.m { // map order is random enough to evict by
			delete(c.m, k)
			break
		}
	}
	c.m[string(key)] = e
}

// cloneAnnouncement copies everything a caller could change in place: the
// slices and the pointers. A new slice or pointer field in
// briefing.Announcement must be copied here too, or callers would share it
// with the cache.
func cloneAnnouncement(a *briefing.Announcement) *briefing.Announcement {
	c := *a
	c.Audience.Departments = slices.Clone(a.Audience.Departments)
	c.Audience.Locations = slices.Clone(a.Audience.Locations)
	c.Audience.Roles = slices.Clone(a.Audience.Roles)
	c.Audience.Users = slices.Clone(a.Audience.Users)
	c.Policy.DepartmentThreshold = clonePtr(a.Policy.DepartmentThreshold)
	c.Policy.NotBefore = clonePtr(a.Policy.NotBefore)
	c.Policy.Deadline = clonePtr(a.Policy.Deadline)
	c.Policy.RemindEveryHours = clonePtr(a.Policy.RemindEveryHours)
	c.Channels = slices.Clone(a.Channels)
	c.PublishedAt = clonePtr(a.PublishedAt)
	c.ReleasedAt = clonePtr(a.ReleasedAt)
	c.WithdrawnAt = clonePtr(a.WithdrawnAt)
	c.LastRemindedAt = clonePtr(a.LastRemindedAt)
	c.QuestionMailAt = clonePtr(a.QuestionMailAt)
	c.ReceiptsErasedAt = clonePtr(a.ReceiptsErasedAt)
	c.Reminders = maps.Clone(a.Reminders)
	c.Departments = slices.Clone(a.Departments)
	c.Review = clonePtr(a.Review)
	c.Changes = slices.Clone(a.Changes)
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
