package channel

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// tidAlphabet is atproto's sortable base32.
const tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// NewTID is an atproto timestamp identifier: 13 characters of sortable
// base32 over 53 bits of microseconds since the epoch and 10 random bits
// of clock id, the top bit zero. A Bluesky record key.
func NewTID(at time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	clock := uint64(binary.BigEndian.Uint16(b[:]) & 0x3FF)
	v := (uint64(at.UnixMicro())&(1<<53-1))<<10 | clock
	out := make([]byte, 13)
	for i := 12; i >= 0; i-- {
		out[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(out)
}

// validTID checks the form of a record key made by NewTID.
func validTID(s string) bool {
	if len(s) != 13 || strings.IndexByte("234567abcdefghij", s[0]) < 0 {
		return false
	}
	for i := range len(s) {
		if strings.IndexByte(tidAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// base64RawURL decodes a JWT part.
func base64RawURL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
