package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

const (
	atRestSecret = "whsec_c2VhbGVkc2VjcmV0c2VhbGVkc2VjcmV0MTIz"
	atRestToken  = "mastodon-token-that-must-stay-sealed"
)

// mkSecretChannels makes a webhook and a Mastodon channel with the secrets
// the at-rest tests look for.
func mkSecretChannels(t *testing.T, s *Store) (hook, masto *briefing.Channel) {
	t.Helper()
	hook = &briefing.Channel{Name: "Partners", Kind: channel.KindWebhook,
		Config: channel.ConfigJSON(channel.WebhookConfig{URL: "https://partner.example/hook", Secret: atRestSecret})}
	masto = &briefing.Channel{Name: "Fediverse", Kind: channel.KindMastodon,
		Config: channel.ConfigJSON(channel.MastodonConfig{Instance: "https://social.example", AccessToken: atRestToken})}
	mustNoErr(t, s.CreateChannel(hook, "admin"))
	mustNoErr(t, s.CreateChannel(masto, "admin"))
	return hook, masto
}

// wantNoSecrets fails if b holds either secret in clear.
func wantNoSecrets(t *testing.T, what string, b []byte) {
	t.Helper()
	if len(b) == 0 {
		t.Fatalf("%s is empty", what)
	}
	for _, secret := range []string{atRestSecret, atRestToken} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret %q in clear", what, secret)
		}
	}
}

func TestChannelSecretsSealedAtRest(t *testing.T) {
	s, _ := openStore(t)
	hook, masto := mkSecretChannels(t, s)
	mustNoErr(t, s.SetChannelDisabled(hook.ID, "admin", true, "pause")) // a rewrite seals afresh
	mustNoErr(t, s.SetChannelDisabled(hook.ID, "admin", false, ""))

	var backup bytes.Buffer
	_, err := s.WriteBackup(&backup)
	mustNoErr(t, err)
	wantNoSecrets(t, "the backup", backup.Bytes())

	path := s.Path()
	mustNoErr(t, s.Close())
	file, err := os.ReadFile(path)
	mustNoErr(t, err)
	wantNoSecrets(t, "the database file", file)

	// The names are not secret; finding them shows the search looks in
	// the right bytes.
	if !bytes.Contains(file, []byte("Partners")) || !bytes.Contains(backup.Bytes(), []byte("Fediverse")) {
		t.Error("the channel names are not in the file: the search proves nothing")
	}

	s, _ = openAt(t, path) // a restart with the same key file
	for _, want := range []*briefing.Channel{hook, masto} {
		got, err := s.Channel(want.ID)
		if err != nil || !reflect.DeepEqual(got.Config, want.Config) {
			t.Errorf("after reopening, Channel(%s) = %+v, %v; want config %+v", want.ID, got, err, want.Config)
		}
	}
}

func TestWrongSecretKeyIsRefused(t *testing.T) {
	s, _ := openStore(t)
	mkSecretChannels(t, s)
	path := s.Path()
	mustNoErr(t, s.Close())

	other := bytes.Repeat([]byte{9}, SecretKeySize)
	if s2, err := Open(path, WithSecretKey(other)); err == nil {
		s2.Close()
		t.Fatal("Open with another key succeeded, want an error")
	} else if !errors.Is(err, ErrWrongSecretKey) || !strings.Contains(err.Error(), path) {
		t.Errorf("Open with another key: %v, want %v naming %s", err, ErrWrongSecretKey, path)
	}

	// The same key, given instead of read from the file, opens it.
	k, err := loadKeyFile(KeyFilePath(path))
	mustNoErr(t, err)
	s2, err := Open(path, WithSecretKey(k))
	mustNoErr(t, err)
	if list, err := s2.Channels(); err != nil || len(list) != 3 || !strings.Contains(string(list[1].Config), atRestSecret) {
		t.Errorf("Channels() with the key given = %+v, %v", list, err)
	}
	mustNoErr(t, s2.Close())

	// A record sealed under another key is named as such, not decoded as
	// garbage, even where the start-up check is bypassed.
	s3, _ := openAt(t, path)
	mustNoErr(t, s3.db.Update(func(tx *bolt.Tx) error {
		foreign, _ := newSecretBox(other)
		return putRaw(tx, 1, func(rec map[string]json.RawMessage) {
			rec["sealed_config"], _ = json.Marshal(foreign.seal([]byte(`{"secret":"x"}`), channelRecord(u64(1))))
		})
	}))
	if _, err := s3.Channel("1"); !errors.Is(err, ErrWrongSecretKey) {
		t.Errorf("Channel sealed under another key = %v, want %v", err, ErrWrongSecretKey)
	}
}

// putRaw changes channel n's stored record with edit.
func putRaw(tx *bolt.Tx, n uint64, edit func(rec map[string]json.RawMessage)) error {
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(tx.Bucket(bChannels).Get(u64(n)), &rec); err != nil {
		return err
	}
	edit(rec)
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bChannels).Put(u64(n), v)
}

func TestTamperedChannelConfigIsRefused(t *testing.T) {
	s, _ := openStore(t)
	hook, masto := mkSecretChannels(t, s)
	var sealedHook []byte
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		// One bit of the webhook's ciphertext flipped.
		if err := putRaw(tx, mustID(hook.ID), func(rec map[string]json.RawMessage) {
			var b []byte
			json.Unmarshal(rec["sealed_config"], &b)
			sealedHook = bytes.Clone(b)
			b[len(b)-20] ^= 0x04
			rec["sealed_config"], _ = json.Marshal(b)
		}); err != nil {
			return err
		}
		// The webhook's intact sealed config copied onto the Mastodon channel.
		return putRaw(tx, mustID(masto.ID), func(rec map[string]json.RawMessage) {
			rec["sealed_config"], _ = json.Marshal(sealedHook)
		})
	}))
	for _, c := range []*briefing.Channel{hook, masto} {
		got, err := s.Channel(c.ID)
		if err == nil || !errors.Is(err, errSealedTampered) {
			t.Errorf("Channel(%s) after tampering = %+v, %v; want %v", c.ID, got, err, errSealedTampered)
		}
	}
	if _, err := s.Channels(); err == nil {
		t.Error("Channels() with tampered records = nil error, want one")
	}
}

func TestReadOnlyNeedsNoKey(t *testing.T) {
	s, _ := openStore(t)
	mkSecretChannels(t, s)
	path := s.Path()
	mustNoErr(t, s.Close())
	mustNoErr(t, os.Rename(KeyFilePath(path), KeyFilePath(path)+".away"))

	ro, err := Open(path, ReadOnly())
	mustNoErr(t, err)
	defer ro.Close()
	var backup bytes.Buffer
	if _, err := ro.WriteBackup(&backup); err != nil {
		t.Fatalf("WriteBackup read-only: %v", err)
	}
	wantNoSecrets(t, "the read-only backup", backup.Bytes())
	if _, err := ro.Channel("1"); !errors.Is(err, errNoSecretKey) {
		t.Errorf("Channel without a key = %v, want %v", err, errNoSecretKey)
	}
	if _, err := os.Stat(KeyFilePath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only open made a key file: %v", err)
	}
	if _, err := Open(path+".absent", ReadOnly()); err == nil {
		t.Error("a read-only open of a missing file succeeded, want an error")
	}
}
