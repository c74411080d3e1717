package store

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"
)

// receipt is the 18-byte value of a receipt: compact because there is one
// per person per announcement (Rocket.Chat's grew past 10 GB).
type receipt struct {
	readAt, ackAt int64 // unix microseconds, 0 = not yet
	dept          uint16
	// departed: the person was deactivated while the announcement was in
	// briefing and left its counters (leaving.go). Kept as a 19th byte, only
	// on the few receipts that have it.
	departed bool
}

const receiptLen = 18

func (r receipt) encode() []byte {
	n := receiptLen
	if r.departed {
		n++
	}
	b := make([]byte, n)
	binary.BigEndian.PutUint64(b, uint64(r.readAt))
	binary.BigEndian.PutUint64(b[8:], uint64(r.ackAt))
	binary.BigEndian.PutUint16(b[16:], r.dept)
	if r.departed {
		b[receiptLen] = 1
	}
	return b
}

func decodeReceipt(b []byte) receipt {
	if len(b) < receiptLen {
		return receipt{}
	}
	return receipt{
		readAt:   int64(binary.BigEndian.Uint64(b)),
		ackAt:    int64(binary.BigEndian.Uint64(b[8:])),
		dept:     binary.BigEndian.Uint16(b[16:]),
		departed: len(b) > receiptLen && b[receiptLen] == 1,
	}
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) *time.Time {
	if n == 0 {
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
