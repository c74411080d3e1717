package store

import (
	"testing"
	"time"
)

func TestReceiptEncoding(t *testing.T) {
	tests := []receipt{
		{},
		{readAt: 1, ackAt: 0, dept: 0},
		{readAt: epoch.UnixMicro(), ackAt: epoch.Add(time.Hour).UnixMicro(), dept: 65535},
	}
	for _, r := range tests {
		b := r.encode()
		if len(b) != receiptLen {
			t.Errorf("encode(%+v) has %d bytes, want %d", r, len(b), receiptLen)
		}
		if got := decodeReceipt(b); got != r {
			t.Errorf("decode(encode(%+v)) = %+v", r, got)
		}
	}
	if got := decodeReceipt([]byte{1, 2, 3}); got != (receipt{}) {
		t.Errorf("decode of a short value = %+v, want zero", got)
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
