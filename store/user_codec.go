package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"firsthand/briefing"
)

// The stored form of a user, in the users bucket.
//
// Every authenticated request decodes its caller's record and a publish
// decodes the whole directory; as JSON that decode was ~12 µs a request in
// the load tool's profile (7.6 µs in BenchmarkDecodeUser) and most of a publish to 100,000 people (docs/performance.md). This layout is
// read with a few bounds checks and one copy of the text:
//
//	0      version, userV1 (0x01); a JSON record from before schema 3
//	       begins with '{' and is refused
//	1      flags: bit 0 is Active; bit 1, the preferences follow the
//	       password hash; the other bits are zero
//	2..9   CreatedAt, seconds since the Unix epoch, int64 big-endian
//	10..13 CreatedAt, nanoseconds within the second, uint32 big-endian
//	14..   uvarint id (the same number as the key)
//	       uvarint lengths of email, department, location, name
//	       the four strings back to back, in that order
//	       uvarint number of roles, then each role as uvarint length | bytes
//	       uvarint length | password hash
//	       if flag bit 1: uvarint length | time zone, uvarint length | language
//
// The strings are contiguous so that one allocation copies them all out of
// bbolt's memory, and the name comes last so that an audience scan copies
// only what Audience.Matches compares. Seconds and nanoseconds rather than
// UnixNano: that covers only the years 1678 to 2262, not the zero time.
// CreatedAt comes back in UTC, as it went in (Store.now) and as the JSON
// form gave it back. Only the preferences may follow the password hash:
// most people keep the organisation's, and their records carry no bytes
// for them (the flag is clear).
const userV1 = 0x01

// The flag bits of byte 1.
const (
	flagActive      = 1 << 0
	flagPreferences = 1 << 1
)

// userHeader is the fixed-width part: version, flags and CreatedAt.
const userHeader = 14

// errUserRecord is what every malformed record decodes to: one that was cut
// short, has bits or bytes this version does not know, or is not version 1.
var errUserRecord = errors.New("malformed user record")

// encodeUser gives the stored form of u. u.ID must be an id the store
// wrote (a decimal sequence number).
func encodeUser(u *briefing.User) []byte {
	texts := [4]string{u.Email, u.Department, u.Location, u.Name}
	size := userHeader + binary.MaxVarintLen64*(7+len(u.Roles)) + len(u.PasswordHash)
	for _, s := range texts {
		size += len(s)
	}
	for _, r := range u.Roles {
		size += len(r)
	}
	prefs := u.TimeZone != "" || u.Language != ""
	if prefs {
		size += 2*binary.MaxVarintLen64 + len(u.TimeZone) + len(u.Language)
	}
	b := make([]byte, userHeader, size)
	b[0] = userV1
	if u.Active {
		b[1] |= flagActive
	}
	if prefs {
		b[1] |= flagPreferences
	}
	binary.BigEndian.PutUint64(b[2:], uint64(u.CreatedAt.Unix()))
	binary.BigEndian.PutUint32(b[10:], uint32(u.CreatedAt.Nanosecond()))
	b = binary.AppendUvarint(b, mustID(u.ID))
	for _, s := range texts {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	for _, s := range texts {
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(u.Roles)))
	for _, r := range u.Roles {
		b = binary.AppendUvarint(b, uint64(len(r)))
		b = append(b, r...)
	}
	b = binary.AppendUvarint(b, uint64(len(u.PasswordHash)))
	b = append(b, u.PasswordHash...)
	if prefs {
		b = binary.AppendUvarint(b, uint64(len(u.TimeZone)))
		b = append(b, u.TimeZone...)
		b = binary.AppendUvarint(b, uint64(len(u.Language)))
		b = append(b, u.Language...)
	}
	return b
}

// decodeUser reads a stored user. Nothing in the result points into v, so
// it may outlive the transaction v came from.
func decodeUser(v []byte) (*briefing.User, error) {
	u := &briefing.User{}
	if err := decodeUserInto(v, u, true); err != nil {
		return nil, err
	}
	return u, nil
}

// decodeAudienceUser fills in only what Audience.Matches reads: Email,
// Department, Location, Roles and Active. Publishing to 100,000 people
// reads every record, and the name, the id, CreatedAt and the password
// hash would be allocations for nothing; the bytes after the roles are not
// even checked. It reuses u.Roles' array, so a scan can pass the same User
// for every record; the strings are new.
func decodeAudienceUser(v []byte, u *briefing.User) error {
	return decodeUserInto(v, u, false)
}

// decodeUserInto reads v into u: everything if full, else what
// decodeAudienceUser promises.
func decodeUserInto(v []byte, u *briefing.User, full bool) error {
	if len(v) < userHeader || v[0] != userV1 || v[1]&^(flagActive|flagPreferences) != 0 {
		if len(v) > 0 && v[0] == '{' {
			return fmt.Errorf("%w: JSON from before schema 3", errUserRecord)
		}
		return errUserRecord
	}
	nanos := binary.BigEndian.Uint32(v[10:])
	if nanos >= 1e9 {
		return errUserRecord
	}
	u.Active = v[1]&flagActive != 0
	r := userReader{b: v[userHeader:]}
	id := r.uvarint()
	var lens [4]uint64 // email, department, location, name
	for i := range lens {
		lens[i] = min(r.uvarint(), uint64(len(v))) // a forged length cannot wrap the sum
	}
	// The take succeeds only if all four fit in v, so every offset below
	// is within text.
	text := r.take(lens[0] + lens[1] + lens[2] + lens[3])
	if r.err {
		return errUserRecord
	}
	dept := lens[0]
	loc := dept + lens[1]
	name := loc + lens[2]
	keep := name
	if full {
		keep = uint64(len(text))
	}
	s := string(text[:keep]) // the one copy of the text out of bbolt's memory
	u.Email, u.Department, u.Location = s[:dept], s[dept:loc], s[loc:name]
	n := r.uvarint()
	if n > uint64(len(r.b)) { // a role takes a byte at least: no huge make
		return errUserRecord
	}
	u.Roles = u.Roles[:0]
	if n == 0 {
		u.Roles = nil
	} else if uint64(cap(u.Roles)) < n {
		u.Roles = make([]briefing.Role, 0, n)
	}
	for range n {
		u.Roles = append(u.Roles, internRole(r.bytes()))
	}
	if !full {
		if r.err {
			return errUserRecord
		}
		return nil
	}
	u.ID, u.Name = formatID(id), s[name:]
	u.CreatedAt = time.Unix(int64(binary.BigEndian.Uint64(v[2:])), int64(nanos)).UTC()
	if h := r.bytes(); len(h) > 0 {
		u.PasswordHash = append([]byte(nil), h...)
	}
	u.TimeZone, u.Language = "", ""
	if v[1]&flagPreferences != 0 {
		u.TimeZone, u.Language = string(r.bytes()), string(r.bytes())
	}
	if r.err || len(r.b) != 0 {
		return errUserRecord
	}
	return nil
}

// internRole returns the constant for a known role, so that decoding one
// allocates nothing (the compiler does not allocate for string(b) in a
// switch), and a copy for anything else.
func internRole(b []byte) briefing.Role {
	switch string(b) {
	case string(briefing.RoleEmployee):
		return briefing.RoleEmployee
	case string(briefing.RoleAuthor):
		return briefing.RoleAuthor
	case string(briefing.RoleManager):
		return briefing.RoleManager
	case string(briefing.RoleAdmin):
		return briefing.RoleAdmin
	}
	return briefing.Role(b)
}

// userReader walks the variable part of a record. A read past the end sets
// err and yields zero values from then on, so a decoder checks once.
type userReader struct {
	b   []byte
	err bool
}

func (r *userReader) uvarint() uint64 {
	n, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.err, r.b = true, nil
		return 0
	}
	r.b = r.b[k:]
	return n
}

// take returns the next n bytes, still in the record's memory.
func (r *userReader) take(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.err, r.b = true, nil
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// bytes returns the next length-prefixed field, still in the record's memory.
func (r *userReader) bytes() []byte { return r.take(r.uvarint()) }
