package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// codecUsers are the shapes a stored user takes, and some it never takes
// but the codec must still carry.
func codecUsers() []briefing.User {
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)
	return []briefing.User{
		{ID: "1", Email: "ada@example.com", Name: "Ada Lovelace", Department: "Engineering", Location: "London",
			Roles: []briefing.Role{briefing.RoleAdmin, briefing.RoleAuthor}, Active: true, CreatedAt: at,
			PasswordHash: []byte("$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234")},
		{ID: "2", Email: "bob@example.com", Name: "Bob", Roles: []briefing.Role{briefing.RoleEmployee}, CreatedAt: at},
		{ID: "18446744073709551615", Email: "max@example.com", Name: "Ünïcödé 名前", Department: "Straße",
			Roles: []briefing.Role{"stranger", briefing.RoleManager}, Active: true, CreatedAt: at.Add(-100 * 365 * 24 * time.Hour)},
		{ID: "0"}, // the zero time and no roles
		{ID: "4", Email: "eva@example.com", Name: "Eva", Roles: []briefing.Role{briefing.RoleEmployee}, Active: true,
			CreatedAt: at, PasswordHash: []byte("hash"), TimeZone: "Europe/Berlin", Language: "de"},
		{ID: "5", Email: "kim@example.com", Name: "Kim", CreatedAt: at, Language: "en"}, // one preference only
		{ID: "3", Email: "long@example.com", Name: strings.Repeat("n", 200), Department: strings.Repeat("d", 100),
			Location: strings.Repeat("l", 300), Roles: []briefing.Role{briefing.RoleEmployee}, CreatedAt: time.Unix(1<<40, 999999999).UTC()},
	}
}

func TestUserCodecRoundTrip(t *testing.T) {
	for _, want := range codecUsers() {
		v := encodeUser(&want)
		if v[0] != userV1 {
			t.Errorf("%s: first byte %#x, want %#x", want.Email, v[0], userV1)
		}
		got, err := decodeUser(v)
		if err != nil {
			t.Fatalf("decodeUser(encodeUser(%+v)): %v", want, err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", *got, want)
		}
	}
}

// TestUserCodecMatchesJSON: a user read back is what the JSON form gave,
// down to the time's location, for a user as the store writes one.
func TestUserCodecMatchesJSON(t *testing.T) {
	s, _ := openStore(t)
	u := &briefing.User{Email: "ada@example.com", Name: "Ada", Department: "Sales", PasswordHash: []byte("hash")}
	mustNoErr(t, s.CreateUser(u, "admin"))
	raw, err := json.Marshal(legacyUser{User: *u, PasswordHash: u.PasswordHash})
	mustNoErr(t, err)
	fromJSON, err := decodeLegacyUser(raw)
	mustNoErr(t, err)
	fromBinary, err := decodeUser(encodeUser(u))
	mustNoErr(t, err)
	if !reflect.DeepEqual(fromBinary, fromJSON) {
		t.Errorf("binary gives %+v, JSON gave %+v", fromBinary, fromJSON)
	}
}

func TestDecodeUserRejects(t *testing.T) {
	good := encodeUser(&codecUsers()[0])
	with := func(i int, b byte) []byte { v := bytes.Clone(good); v[i] = b; return v }
	// A record with one role field: its count follows the header, the id
	// and the four lengths.
	empty := encodeUser(&briefing.User{ID: "1"})[:userHeader+5]
	bad := map[string][]byte{
		"nil":              nil,
		"JSON":             []byte(`{"id":"1","email":"ada@example.com"}`),
		"version 2":        with(0, 2),
		"unknown flag":     with(1, 4),
		"preferences cut":  with(1, good[1]|flagPreferences),
		"nanoseconds ≥ 1s": with(10, 0xff),
		"trailing byte":    append(bytes.Clone(good), 0),
		"huge length":      binary.AppendUvarint(bytes.Clone(good[:userHeader+1]), 1<<63),
		"varint overflow":  append(bytes.Clone(good[:userHeader]), bytes.Repeat([]byte{0xff}, 10)...),
		"huge role count":  binary.AppendUvarint(empty, 1<<40),
	}
	for n := range good {
		bad[fmt.Sprintf("cut to %d bytes", n)] = good[:n]
	}
	withPrefs := encodeUser(&codecUsers()[4])
	for n := len(withPrefs) - len("Europe/Berlin") - 4; n < len(withPrefs); n++ {
		bad[fmt.Sprintf("preferences cut to %d bytes", n)] = withPrefs[:n]
	}
	for name, v := range bad {
		if u, err := decodeUser(v); !errors.Is(err, errUserRecord) {
			t.Errorf("%s: decodeUser(%x) = %+v, %v; want %v", name, v, u, err, errUserRecord)
		}
	}
	if _, err := decodeUser(bad["JSON"]); !strings.Contains(err.Error(), "schema 3") {
		t.Errorf("decodeUser(JSON) = %v, want it to name the migration", err)
	}
}

func TestDecodeUserCopiesOutOfTheRecord(t *testing.T) {
	want := codecUsers()[0]
	v := encodeUser(&want)
	got, err := decodeUser(v)
	mustNoErr(t, err)
	clear(v) // as bbolt may reuse the page after the transaction
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("after the record's memory changed:\n got %+v\nwant %+v", *got, want)
	}
}

func TestDecodeAudienceUser(t *testing.T) {
	var u briefing.User
	for _, full := range codecUsers() {
		mustNoErr(t, decodeAudienceUser(encodeUser(&full), &u))
		want := briefing.User{Email: full.Email, Department: full.Department, Location: full.Location,
			Roles: full.Roles, Active: full.Active}
		if !reflect.DeepEqual(u, want) {
			t.Errorf("audience decode:\n got %+v\nwant %+v", u, want)
		}
	}
	if err := decodeAudienceUser([]byte(`{}`), &u); !errors.Is(err, errUserRecord) {
		t.Errorf("decodeAudienceUser(JSON) = %v, want %v", err, errUserRecord)
	}
}

// FuzzDecodeUser feeds the decoders arbitrary bytes, which must never
// panic, and encodes a user built from the other arguments, which must come
// back as it went in.
func FuzzDecodeUser(f *testing.F) {
	for _, u := range codecUsers() {
		f.Add(encodeUser(&u), uint64(7), int64(1772355600), uint32(5), true, "a@b.c", "A", "Sales", "Berlin", "employee,admin", []byte("hash"))
	}
	f.Add([]byte(`{"id":"1"}`), uint64(0), int64(-62135596800), uint32(0), false, "", "", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, data []byte, id uint64, sec int64, nsec uint32, active bool,
		email, name, dept, loc, roles string, hash []byte) {
		u, err := decodeUser(data)
		var a briefing.User
		aerr := decodeAudienceUser(data, &a)
		if err == nil {
			// Not bytes-equal: a uvarint may be written longer than needed.
			again, err := decodeUser(encodeUser(u))
			if err != nil || !reflect.DeepEqual(again, u) {
				t.Fatalf("decoded %+v, re-encoded and decoded %+v, %v", u, again, err)
			}
			if aerr != nil || a.Email != u.Email || a.Department != u.Department || a.Location != u.Location ||
				a.Active != u.Active || !reflect.DeepEqual(a.Roles, u.Roles) {
				t.Fatalf("audience decode %+v, %v; full decode %+v", a, aerr, u)
			}
		}

		want := briefing.User{ID: formatID(id), Email: email, Name: name, Department: dept, Location: loc,
			Active: active, CreatedAt: time.Unix(sec, int64(nsec%1e9)).UTC()}
		if roles != "" {
			for r := range strings.SplitSeq(roles, ",") {
				want.Roles = append(want.Roles, briefing.Role(r))
			}
		}
		if len(hash) > 0 {
			want.PasswordHash = hash
		}
		got, err := decodeUser(encodeUser(&want))
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Fatalf("round trip of %+v gave %+v, %v", want, got, err)
		}
	})
}

// typicalUser is a person as a directory import and a password set them.
func typicalUser() *briefing.User {
	return &briefing.User{ID: "48213", Email: "person048213@example.com", Name: "Person 48213",
		Department: "Engineering", Location: "Hamburg", Roles: []briefing.Role{briefing.RoleEmployee}, Active: true,
		CreatedAt:    time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC),
		PasswordHash: []byte("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")}
}

// BenchmarkDecodeUser decodes a typical record in the JSON form of schema
// 2 and in the binary form; compare with benchstat -col /format.
func BenchmarkDecodeUser(b *testing.B) {
	u := typicalUser()
	legacy, err := json.Marshal(legacyUser{User: *u, PasswordHash: u.PasswordHash})
	if err != nil {
		b.Fatal(err)
	}
	compact := encodeUser(u)
	var a briefing.User
	for _, bm := range []struct {
		name   string
		v      []byte
		decode func(v []byte) error
	}{
		{"format=json", legacy, func(v []byte) error { _, err := decodeLegacyUser(v); return err }},
		{"format=binary", compact, func(v []byte) error { _, err := decodeUser(v); return err }},
		{"format=binary-audience", compact, func(v []byte) error { return decodeAudienceUser(v, &a) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bm.decode(bm.v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(bm.v)), "bytes/record") // after b.Loop, which clears it
		})
	}
}
