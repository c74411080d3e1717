package channel

import (
	"testing"
	"time"
)

func TestNewTID(t *testing.T) {
	at := time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)
	a, b := NewTID(at), NewTID(at.Add(time.Microsecond))
	if !validTID(a) || !validTID(b) {
		t.Fatalf("TIDs %q, %q: want 13 characters of sortable base32, top bit zero", a, b)
	}
	if a >= b {
		t.Errorf("TID of a later time %q sorts before %q", b, a)
	}
	// The value decodes back to the microseconds it was made at.
	var v uint64
	for i := range len(a) {
		v = v<<5 | uint64(indexOf(a[i]))
	}
	if got := int64(v >> 10); got != at.UnixMicro() {
		t.Errorf("TID %q holds %d µs, want %d", a, got, at.UnixMicro())
	}
}

func indexOf(c byte) int {
	for i := range len(tidAlphabet) {
		if tidAlphabet[i] == c {
			return i
		}
	}
	return -1
}
