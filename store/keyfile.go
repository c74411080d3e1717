package store

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeyFilePath is where the secret key lives when none is given: beside the
// database, firsthand.db → firsthand.db.key.
func KeyFilePath(dbPath string) string { return dbPath + ".key" }

// ParseSecretKey reads a key as FIRSTHAND_SECRET_KEY and the key file hold
// it: standard base64 of 32 bytes (openssl rand -base64 32).
func ParseSecretKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("the secret key is not base64 (make one with: openssl rand -base64 32)")
	}
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("the secret key is %d bytes, want %d (make one with: openssl rand -base64 32)", len(key), SecretKeySize)
	}
	return key, nil
}

// loadKeyFile reads the key in path. It refuses a file that others may
// read or write: whoever reads the key reads every channel secret.
func loadKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("the key file %s is not a regular file", path)
	}
	// Windows has no such mode bits: Go reports 0666 for every file there.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("the key file %s has mode %04o: others may read it; make it private with chmod 600 %s", path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := ParseSecretKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("the key file %s: %w", path, err)
	}
	return key, nil
}

// createKeyFile makes a new random key in path, mode 0600. The key is
// written and synced under a temporary name first and then linked into
// place, which fails if path exists: a crash never leaves a half-written
// key, and an existing key is never replaced.
func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, SecretKeySize)
	rand.Read(key)
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".new-*") // O_EXCL, mode 0600
	if err != nil {
		return nil, fmt.Errorf("creating the key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return loadKeyFile(path) // made by someone else a moment ago
	}
	if err != nil {
		return nil, fmt.Errorf("creating the key file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the new name survives a crash
		d.Close()
	}
	return key, nil
}
