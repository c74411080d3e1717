package store

import (
	"encoding/binary"
	"strconv"

	"firsthand/briefing"
)

// u64 encodes an id as an 8-byte big-endian key, so keys sort as numbers.
func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// pair joins two ids into a fixed-width 16-byte composite key.
func pair(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

// formatID turns a sequence number into the opaque string id of the API.
func formatID(n uint64) string { return strconv.FormatUint(n, 10) }

// parseID reads an API id; anything malformed is simply not found, so a
// probe learns nothing from the error.
func parseID(what, s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, briefing.NotFound("no %s with id %q", what, s)
	}
	return n, nil
}

// mustID is parseID for ids the store itself wrote.
func mustID(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func bytesToU64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
