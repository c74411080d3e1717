package store

import (
	"testing"
	"time"
)

func TestReceiptEncoding(t *testing.T) {
	read, ack := epoch.UnixMicro(), epoch.Add(time.Hour).UnixMicro()
	tests := []struct {
		r    receipt
		size int
	}{
		{receipt{}, receiptLen},
		{receipt{readAt: 1, readVer: 1}, receiptLen},
		{receipt{readAt: read, ackAt: ack, dept: 65535, readVer: 1, ackVer: 1}, receiptLen},
		{receipt{readAt: read, ackAt: ack, readVer: 1, ackVer: 1, departed: true}, receiptFlagsLen},
		// A read or an acknowledgement of a later version takes the long form.
		{receipt{readAt: read, ackAt: ack, readVer: 3, ackVer: 2}, receiptVersionedLen},
		{receipt{readAt: read, readVer: 65535, departed: true}, receiptVersionedLen},
		{receipt{readAt: read, ackAt: ack, readVer: 2, ackVer: 1, dept: 7}, receiptVersionedLen},
	}
	for _, tt := range tests {
		b := tt.r.encode()
		if len(b) != tt.size {
			t.Errorf("encode(%+v) has %d bytes, want %d", tt.r, len(b), tt.size)
		}
		if got := decodeReceipt(b); got != tt.r {
			t.Errorf("decode(encode(%+v)) = %+v", tt.r, got)
		}
	}
	if got := decodeReceipt([]byte{1, 2, 3}); got != (receipt{}) {
		t.Errorf("decode of a short value = %+v, want zero", got)
	}
}

// A receipt written before versions existed reads as version 1, and
// counts only while the material epoch is 1.
func TestReceiptVersionsAndEpochs(t *testing.T) {
	old := make([]byte, receiptLen)
	old[7], old[15] = 1, 2 // read at 1 µs, acknowledged at 2 µs
	r := decodeReceipt(old)
	if r.readVer != 1 || r.ackVer != 1 {
		t.Errorf("an 18-byte receipt decodes as versions %d/%d, want 1/1", r.readVer, r.ackVer)
	}
	if !r.readCounts(1) || !r.ackCounts(1) {
		t.Errorf("a version-1 receipt does not count in epoch 1")
	}
	if r.readCounts(2) || r.ackCounts(2) {
		t.Errorf("a version-1 receipt counts after a material revision to version 2")
	}
	re := receipt{readAt: 5, ackAt: 6, readVer: 3, ackVer: 3}
	if !re.ackCounts(2) || !re.ackCounts(3) || re.ackCounts(4) {
		t.Errorf("an acknowledgement of version 3: counts in epochs 2, 3 and not 4 expected")
	}
}

func TestMicros(t *testing.T) {
	if fromMicros(0) != nil {
		t.Error("fromMicros(0) != nil: zero means not yet")
	}
	at := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.FixedZone("CET", 3600))
	got := fromMicros(micros(at))
	if got == nil || !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("fromMicros(micros(%v)) = %v, want the same instant in UTC", at, got)
	}
}

func TestCounters(t *testing.T) {
	c := counters{recipients: 100000, read: 5, acked: 4294967295}
	if got := decodeCounters(c.encode()); got != c {
		t.Errorf("decode(encode(%+v)) = %+v", c, got)
	}
	// Counter keys of one announcement sort by department, and all of them
	// sort before the next announcement's.
	k1, k2, k3 := counterKey(1, 0), counterKey(1, 300), counterKey(2, 0)
	if string(k1) >= string(k2) || string(k2) >= string(k3) {
		t.Errorf("counter keys out of order: %x %x %x", k1, k2, k3)
	}
}
