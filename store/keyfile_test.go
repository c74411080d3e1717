package store

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyFileCreatedOnFirstStart(t *testing.T) {
	s, _ := openStore(t)
	kf := KeyFilePath(s.Path())
	if !strings.HasSuffix(kf, "firsthand.db.key") {
		t.Errorf("KeyFilePath = %s, want firsthand.db.key beside the database", kf)
	}
	fi, err := os.Stat(kf)
	if err != nil {
		t.Fatalf("no key file after the first start: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(kf)
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != SecretKeySize {
		t.Errorf("key file holds %q: want base64 of %d bytes (%v)", b, SecretKeySize, err)
	}
	left, _ := filepath.Glob(kf + ".new-*")
	if len(left) != 0 {
		t.Errorf("temporary key files left behind: %v", left)
	}
	s = reopen(t, s)
	if b2, _ := os.ReadFile(kf); !bytes.Equal(b, b2) {
		t.Error("a restart replaced the key file")
	}
}

func TestKeyFileRefusals(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)), 0o644, "chmod 600"},
		{"too short", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 16)), 0o600, "16 bytes, want 32"},
		{"not base64", "this is not a key", 0o600, "not base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "firsthand.db")
			kf := KeyFilePath(path)
			mustNoErr(t, os.WriteFile(kf, []byte(tt.content), tt.mode))
			mustNoErr(t, os.Chmod(kf, tt.mode))
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want a refusal")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), kf) {
				t.Errorf("Open: %v, want it to name %s and say %q", err, kf, tt.want)
			}
			if b, _ := os.ReadFile(kf); string(b) != tt.content {
				t.Error("the refused key file was changed")
			}
		})
	}
}

func TestGivenKeyMakesNoKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firsthand.db")
	key := bytes.Repeat([]byte{3}, SecretKeySize)
	s, err := Open(path, WithSecretKey(key))
	mustNoErr(t, err)
	mkSecretChannels(t, s)
	mustNoErr(t, s.Close())
	if _, err := os.Stat(KeyFilePath(path)); !os.IsNotExist(err) {
		t.Errorf("Open with a key made a key file: %v", err)
	}
	// Without the key, no new key file is made for a database that has
	// secrets: that would hide the missing key until the first delivery.
	if s, err := Open(path); err == nil {
		s.Close()
		t.Fatal("Open without the key succeeded")
	} else if !strings.Contains(err.Error(), "FIRSTHAND_SECRET_KEY") {
		t.Errorf("Open without the key: %v, want it to say how to give it", err)
	}
	if _, err := os.Stat(KeyFilePath(path)); !os.IsNotExist(err) {
		t.Errorf("Open without the key made a key file: %v", err)
	}
}

func TestParseSecretKey(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{5}, 32))
	if k, err := ParseSecretKey(" " + good + "\n"); err != nil || len(k) != 32 {
		t.Errorf("ParseSecretKey(good) = %d bytes, %v", len(k), err)
	}
	for _, bad := range []string{"", "%%%", base64.StdEncoding.EncodeToString(make([]byte, 31))} {
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("ParseSecretKey(%q) = nil error", bad)
		}
	}
}
