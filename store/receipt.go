package store

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// receipt is the value of a receipt: compact because there is one per
// person per announcement (Rocket.Chat's grew past 10 GB). 18 bytes in the
// common case (read µs, acknowledged µs, department index); a 19th flags
// byte once the person departed; 23 bytes (flags, read version,
// acknowledged version) once a read or an acknowledgement is of a version
// after the first. A short record's read and acknowledgement are of
// version 1, so records written before versions existed need no rewrite.
type receipt struct {
	readAt, ackAt int64 // unix microseconds, 0 = not yet
	dept          uint16
	// departed: the person was deactivated while the announcement was in
	// briefing and left its counters (leaving.go).
	departed bool
	// readVer and ackVer are the versions the read and the acknowledgement
	// saw (0 = none yet).
	readVer, ackVer uint16
}

const (
	receiptLen          = 18
	receiptFlagsLen     = 19
	receiptVersionedLen = 23
)

// versioned reports whether r needs the long form: a version other than
// the first one recorded.
func (r receipt) versioned() bool {
	return r.readVer != versionOf(r.readAt) || r.ackVer != versionOf(r.ackAt)
}

// versionOf is the version a short record implies: 1 if the time is set.
func versionOf(at int64) uint16 {
	if at == 0 {
		return 0
	}
	return 1
}

func (r receipt) encode() []byte {
	n := receiptLen
	switch {
	case r.versioned():
		n = receiptVersionedLen
	case r.departed:
		n = receiptFlagsLen
	}
	b := make([]byte, n)
	binary.BigEndian.PutUint64(b, uint64(r.readAt))
	binary.BigEndian.PutUint64(b[8:], uint64(r.ackAt))
	binary.BigEndian.PutUint16(b[16:], r.dept)
	if n > receiptLen && r.departed {
		b[receiptLen] = 1
	}
	if n == receiptVersionedLen {
		binary.BigEndian.PutUint16(b[19:], r.readVer)
		binary.BigEndian.PutUint16(b[21:], r.ackVer)
	}
	return b
}

func decodeReceipt(b []byte) receipt {
	if len(b) < receiptLen {
		return receipt{}
	}
	r := receipt{
		readAt:   int64(binary.BigEndian.Uint64(b)),
		ackAt:    int64(binary.BigEndian.Uint64(b[8:])),
		dept:     binary.BigEndian.Uint16(b[16:]),
		departed: len(b) > receiptLen && b[receiptLen]&1 == 1,
	}
	if len(b) >= receiptVersionedLen {
		r.readVer, r.ackVer = binary.BigEndian.Uint16(b[19:]), binary.BigEndian.Uint16(b[21:])
	} else {
		r.readVer, r.ackVer = versionOf(r.readAt), versionOf(r.ackAt)
	}
	return r
}

// readCounts reports whether r's read counts now: one of the current
// material epoch (briefing.Announcement.CurrentEpoch) or later.
func (r receipt) readCounts(epoch int) bool { return r.readAt != 0 && int(r.readVer) >= epoch }

// ackCounts reports whether r's acknowledgement counts now.
func (r receipt) ackCounts(epoch int) bool { return r.ackAt != 0 && int(r.ackVer) >= epoch }

func micros(t time.Time) int64 { return t.UnixMicro() }

// erasedMicros stands for a time that retention erased: the person did
// read or acknowledge, and when is no longer kept. 1 µs after the epoch is
// no time anyone read a briefing.
const erasedMicros = 1

// done reports whether the step happened, its time kept or not.
func done(n int64) bool { return n != 0 }

// erased reports whether the step happened and its time was erased.
func erased(n int64) bool { return n == erasedMicros }

// status is where a receipt stands, with or without its times.
func (r receipt) status() briefing.ReceiptStatus {
	switch {
	case done(r.ackAt):
		return briefing.StatusAcknowledged
	case done(r.readAt):
		return briefing.StatusRead
	}
	return briefing.StatusPending
}

// stamp is the time to record for a step at now: none once the
// announcement's times have been erased.
func stamp(a *briefing.Announcement, now time.Time) int64 {
	if a.ReceiptsErasedAt != nil {
		return erasedMicros
	}
	return micros(now)
}

func fromMicros(n int64) *time.Time {
	if n == 0 || erased(n) {
		return nil
	}
	t := time.UnixMicro(n).UTC()
	return &t
}

// counters are one department's receipt counts: recipients (those still
// on the list), read, acknowledged, and departed (those who left it).
type counters struct{ recipients, read, acked, departed uint32 }

func counterKey(annID uint64, dept uint16) []byte {
	k := make([]byte, 10)
	binary.BigEndian.PutUint64(k, annID)
	binary.BigEndian.PutUint16(k[8:], dept)
	return k
}

// encode writes 12 bytes, or 16 once someone departed: the counters of an
// announcement nobody left look as they always did.
func (c counters) encode() []byte {
	n := 12
	if c.departed != 0 {
		n = 16
	}
	b := make([]byte, n)
	binary.BigEndian.PutUint32(b, c.recipients)
	binary.BigEndian.PutUint32(b[4:], c.read)
	binary.BigEndian.PutUint32(b[8:], c.acked)
	if c.departed != 0 {
		binary.BigEndian.PutUint32(b[12:], c.departed)
	}
	return b
}

func decodeCounters(b []byte) counters {
	if len(b) < 12 {
		return counters{}
	}
	c := counters{binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:]), 0}
	if len(b) >= 16 {
		c.departed = binary.BigEndian.Uint32(b[12:])
	}
	return c
}

// bumpCounters adds the read and acknowledged steps of one receipt change.
func bumpCounters(tx *bolt.Tx, annID uint64, dept uint16, read, acked uint32) error {
	b := tx.Bucket(bCounters)
	k := counterKey(annID, dept)
	c := decodeCounters(b.Get(k))
	c.read += read
	c.acked += acked
	return b.Put(k, c.encode())
}
