package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Channel configs hold credentials Firsthand must present (webhook signing
// secrets, access tokens), so they cannot be hashed like passwords: they
// are sealed with AES-256-GCM. A sealed value is
//
//	format (1 byte, 0x01) | key id (4 bytes) | nonce (12 bytes) | ciphertext | tag (16 bytes)
//
// The key id names the key that sealed it, so a wrong key is named as
// such (and keys can rotate later: a keyring picks the key by id). The
// header and the record's name (bucket and key) are the additional data:
// a sealed value copied onto another record, or a changed header, does not
// open.

// SecretKeySize is the length of the key that seals channel secrets.
const SecretKeySize = 32

const (
	sealFormatV1  = 0x01
	keyIDLen      = 4
	sealHeaderLen = 1 + keyIDLen
)

// ErrWrongSecretKey means the data was sealed with a key other than the
// one the store was given.
var ErrWrongSecretKey = errors.New("the secret key does not fit this database")

// errSealedTampered is a sealed value that does not authenticate.
var errSealedTampered = errors.New("the sealed value does not authenticate: it was changed, or copied from another record")

// secretBox seals and opens values with one key.
type secretBox struct {
	id   [keyIDLen]byte
	aead cipher.AEAD
}

func newSecretBox(key []byte) (*secretBox, error) {
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("the secret key has %d bytes, want %d", len(key), SecretKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block) // the standard 12-byte nonce and 16-byte tag
	if err != nil {
		return nil, err
	}
	return &secretBox{id: keyID(key), aead: aead}, nil
}

// keyID fingerprints a key. Four bytes of a hash of a random 256-bit key
// tell keys apart and reveal nothing usable about it.
func keyID(key []byte) (id [keyIDLen]byte) {
	h := sha256.New()
	h.Write([]byte("firsthand secret key id\x00"))
	h.Write(key)
	copy(id[:], h.Sum(nil))
	return id
}

func (b *secretBox) idString() string { return hex.EncodeToString(b.id[:]) }

// seal encrypts plain for the record named record, with a fresh random
// nonce: a nonce is never used twice with one key (2^32 seals keep the
// chance of a collision below 2^-32; a store seals a few per channel).
func (b *secretBox) seal(plain, record []byte) []byte {
	header := append([]byte{sealFormatV1}, b.id[:]...)
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce) // never fails: crypto/rand aborts the program instead
	out := append(header, nonce...)
	return b.aead.Seal(out, nonce, plain, additionalData(header, record))
}

// open decrypts and authenticates a value seal made for record.
func (b *secretBox) open(sealed, record []byte) ([]byte, error) {
	nonceLen := b.aead.NonceSize()
	if len(sealed) < sealHeaderLen+nonceLen+b.aead.Overhead() {
		return nil, errSealedTampered
	}
	if sealed[0] != sealFormatV1 {
		return nil, fmt.Errorf("sealed in format %d, which this build does not know: use a newer firsthand", sealed[0])
	}
	if id := sealed[1:sealHeaderLen]; !bytes.Equal(id, b.id[:]) {
		return nil, fmt.Errorf("%w: the data was sealed with key %x, and the key given is %s", ErrWrongSecretKey, id, b.idString())
	}
	nonce := sealed[sealHeaderLen : sealHeaderLen+nonceLen]
	plain, err := b.aead.Open(nil, nonce, sealed[sealHeaderLen+nonceLen:], additionalData(sealed[:sealHeaderLen], record))
	if err != nil {
		return nil, errSealedTampered
	}
	return plain, nil
}

// additionalData binds a sealed value to its header and its record. It is
// a fresh slice: GCM forbids additional data that overlaps its output.
func additionalData(header, record []byte) []byte {
	return append(append(append([]byte(nil), header...), 0), record...)
}

// boxes maps each open database to its secret box. The channel codec is
// reached from code that holds only a transaction (a release inside an
// acknowledgement's group commit, a migration); every transaction names
// its *bolt.DB, so the box travels with it rather than through every
// signature on the way.
var boxes sync.Map // *bolt.DB → *secretBox

// errNoSecretKey is a seal or open on a store opened without its key.
var errNoSecretKey = errors.New("the store was opened without its secret key, so channel secrets cannot be read or written")

func boxOf(tx *bolt.Tx) (*secretBox, error) {
	if b, ok := boxes.Load(tx.DB()); ok {
		return b.(*secretBox), nil
	}
	return nil, errNoSecretKey
}
