package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testBox(t *testing.T, fill byte) *secretBox {
	t.Helper()
	b, err := newSecretBox(bytes.Repeat([]byte{fill}, SecretKeySize))
	mustNoErr(t, err)
	return b
}

func TestSecretBoxRoundTrip(t *testing.T) {
	b := testBox(t, 1)
	plain := []byte(`{"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`)
	record := []byte("channels/\x00\x00\x00\x00\x00\x00\x00\x01")
	s1, s2 := b.seal(plain, record), b.seal(plain, record)
	if bytes.Equal(s1, s2) {
		t.Error("two seals of one value are equal: the nonce must be fresh each time")
	}
	if bytes.Contains(s1, []byte("whsec_")) {
		t.Errorf("the sealed value holds the clear text: %q", s1)
	}
	if s1[0] != sealFormatV1 || !bytes.Equal(s1[1:sealHeaderLen], b.id[:]) {
		t.Errorf("header = %x, want format %d and key id %x", s1[:sealHeaderLen], sealFormatV1, b.id)
	}
	if want := sealHeaderLen + 12 + len(plain) + 16; len(s1) != want {
		t.Errorf("sealed length = %d, want %d (header, 12-byte nonce, text, 16-byte tag)", len(s1), want)
	}
	for _, s := range [][]byte{s1, s2} {
		got, err := b.open(s, record)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("open = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestSecretBoxRefusesTampering(t *testing.T) {
	b := testBox(t, 1)
	record := []byte("channels/1")
	sealed := b.seal([]byte("access-token-1234"), record)
	// Every byte, header included, is covered: flipping any one is refused.
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if got, err := b.open(bad, record); err == nil {
			t.Errorf("byte %d flipped: open = %q, want an error", i, got)
		}
	}
	if _, err := b.open(sealed[:len(sealed)-1], record); err == nil {
		t.Error("a truncated value opened")
	}
	if _, err := b.open(sealed[:3], record); err == nil {
		t.Error("a 3-byte value opened")
	}
	// Moved to another record, it does not open.
	if _, err := b.open(sealed, []byte("channels/2")); !errors.Is(err, errSealedTampered) {
		t.Errorf("open under another record = %v, want %v", err, errSealedTampered)
	}
}

func TestSecretBoxWrongKey(t *testing.T) {
	sealed := testBox(t, 1).seal([]byte("token"), []byte("r"))
	other := testBox(t, 2)
	got, err := other.open(sealed, []byte("r"))
	if !errors.Is(err, ErrWrongSecretKey) || got != nil {
		t.Fatalf("open with another key = %q, %v; want %v", got, err, ErrWrongSecretKey)
	}
	if !strings.Contains(err.Error(), other.idString()) {
		t.Errorf("error %q does not name the key given (%s)", err, other.idString())
	}
	// A forged header with the other key's id still does not open.
	forged := bytes.Clone(sealed)
	copy(forged[1:sealHeaderLen], other.id[:])
	if _, err := other.open(forged, []byte("r")); !errors.Is(err, errSealedTampered) {
		t.Errorf("open of a relabelled value = %v, want %v", err, errSealedTampered)
	}
	if _, err := newSecretBox(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was taken, want AES-256's 32 bytes only")
	}
}

func TestSecretBoxUnknownFormat(t *testing.T) {
	b := testBox(t, 1)
	sealed := b.seal([]byte("x"), []byte("r"))
	sealed[0] = 0x02
	if _, err := b.open(sealed, []byte("r")); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("open of format 2 = %v, want an error asking for a newer build", err)
	}
}

// BenchmarkSecretBoxOpen is what reading a channel adds: one open of a
// config-sized value.
func BenchmarkSecretBoxOpen(b *testing.B) {
	box, _ := newSecretBox(bytes.Repeat([]byte{1}, SecretKeySize))
	record := []byte("channels/1")
	sealed := box.seal([]byte(`{"url":"https://partner.example/hook","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`), record)
	for b.Loop() {
		if _, err := box.open(sealed, record); err != nil {
			b.Fatal(err)
		}
	}
}
