package store

import (
	"bytes"
	"errors"
	"testing"

	"firsthand/briefing"
)

func TestKeysSortAsNumbers(t *testing.T) {
	nums := []uint64{1, 2, 255, 256, 65535, 65536, 1 << 40}
	for i := 1; i < len(nums); i++ {
		if bytes.Compare(u64(nums[i-1]), u64(nums[i])) >= 0 {
			t.Errorf("u64(%d) does not sort before u64(%d)", nums[i-1], nums[i])
		}
		if bytes.Compare(pair(nums[i-1], 1<<50), pair(nums[i], 0)) >= 0 {
			t.Errorf("pair(%d, big) does not sort before pair(%d, 0)", nums[i-1], nums[i])
		}
	}
	if !bytes.HasPrefix(pair(7, 9), u64(7)) || len(pair(7, 9)) != 16 {
		t.Errorf("pair(7, 9) = %x, want 16 bytes prefixed by u64(7)", pair(7, 9))
	}
	if bytesToU64(u64(123456789)) != 123456789 {
		t.Error("bytesToU64(u64(n)) != n")
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"1", 1, true},
		{"18446744073709551615", 1<<64 - 1, true},
		{"0", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"1e3", 0, false},
		{"18446744073709551616", 0, false},
		{" 1", 0, false},
	}
	for _, tt := range tests {
		got, err := parseID("thing", tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseID(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, briefing.ErrNotFound) {
			t.Errorf("parseID(%q) error %v is not ErrNotFound", tt.in, err)
		}
	}
	if formatID(42) != "42" || mustID("42") != 42 || mustID("x") != 0 {
		t.Error("formatID / mustID do not round-trip")
	}
}
