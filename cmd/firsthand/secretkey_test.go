package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"firsthand/store"
)

// TestServeSecretsSurviveRestart: channels made through the API are sealed
// in the file with the key file made on the first start; after a restart
// the webhook still signs (the receiver verifies it with the reference
// Standard Webhooks library) and every receiver sees a random msg_ id.
func TestServeSecretsSurviveRestart(t *testing.T) {
	t.Parallel()
	e := newSinks(t)
	db := filepath.Join(t.TempDir(), "firsthand.db")
	mustCLI(t, "user", "add", "--db", db, "--email", gateAdmin, "--name", "Gate Admin", "--department", "Comms", "--role", "admin")
	token := oneLine(t, "token create", mustCLI(t, "token", "create", "--db", db, "--email", gateAdmin))
	env := map[string]string{"FIRSTHAND_SMTP_URL": "smtp://" + e.smtpAddr, "FIRSTHAND_DB": db}
	srv := startServe(t, env)
	e.connect(srv.URL, token)
	if err := srv.stop(); err != nil {
		t.Fatalf("stopping the first server: %v", err)
	}

	file, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{e.secret, mastodonToken} {
		if bytes.Contains(file, []byte(secret)) {
			t.Errorf("the database file holds the secret %q in clear", secret)
		}
	}
	if fi, err := os.Stat(store.KeyFilePath(db)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file beside the database: %v, %v; want mode 0600", fi, err)
	}

	srv = startServe(t, env)
	e.rebase(srv.URL)
	a := e.announce(1, func() map[string]any { return map[string]any{"threshold": 1.0} })
	e.ack(a, 0)
	if !e.awaitAll(a, 1, 10*time.Second) {
		t.Fatalf("after the restart: %s; want every channel once", e.counts(a.Tag))
	}
	for i, hs := range e.hits(a.Tag)[:3] { // webhook, slack, mastodon: e-mail has its own Message-ID
		if i == 1 {
			continue // slack takes no id
		}
		if !strings.HasPrefix(hs[0].key, "msg_") || len(hs[0].key) != len("msg_")+26 {
			t.Errorf("%s saw the id %q, want msg_ and 26 base32 characters", sinks[i], hs[0].key)
		}
	}
	// A wrong signature would have been refused by the receiver; newSinks
	// reports every refusal when the test ends.
}

func TestServeRefusesAWrongKey(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "firsthand.db")
	mustCLI(t, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada")

	other := make([]byte, 32)
	rand.Read(other)
	_, _, err := runCLI(t, map[string]string{"FIRSTHAND_DB": db, "FIRSTHAND_SECRET_KEY": base64.StdEncoding.EncodeToString(other)},
		"serve", "--addr", freeAddr(t))
	if !errors.Is(err, store.ErrWrongSecretKey) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("serve with another key: %v, want a one-line %v", err, store.ErrWrongSecretKey)
	}
	_, _, err = runCLI(t, map[string]string{"FIRSTHAND_DB": db}, "serve", "--addr", freeAddr(t), "--secret-key", "c2hvcnQ=")
	if err == nil || !strings.Contains(err.Error(), "FIRSTHAND_SECRET_KEY") || !strings.Contains(err.Error(), "32") {
		t.Fatalf("serve with a 5-byte key: %v, want an error naming FIRSTHAND_SECRET_KEY and 32 bytes", err)
	}
}

// TestSecretKeyFromEnvironment: with FIRSTHAND_SECRET_KEY no key file is
// made, and every command that writes the database needs the same key.
func TestSecretKeyFromEnvironment(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "firsthand.db")
	key := make([]byte, 32)
	rand.Read(key)
	env := map[string]string{"FIRSTHAND_SECRET_KEY": base64.StdEncoding.EncodeToString(key)}
	if _, stderr, err := runCLI(t, env, "user", "add", "--db", db, "--email", "ada@example.com", "--name", "Ada"); err != nil {
		t.Fatalf("user add with FIRSTHAND_SECRET_KEY: %v %s", err, stderr)
	}
	if _, err := os.Stat(store.KeyFilePath(db)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was made although FIRSTHAND_SECRET_KEY was set: %v", err)
	}
	if _, _, err := runCLI(t, nil, "token", "create", "--db", db, "--email", "ada@example.com"); err == nil ||
		!strings.Contains(err.Error(), "FIRSTHAND_SECRET_KEY") {
		t.Errorf("token create without the key: %v, want an error saying to set FIRSTHAND_SECRET_KEY", err)
	}
	out, stderr, err := runCLI(t, nil, "token", "create", "--db", db, "--email", "ada@example.com",
		"--secret-key", base64.StdEncoding.EncodeToString(key))
	if err != nil || strings.TrimSpace(out) == "" {
		t.Errorf("token create with --secret-key: %q, %v %s", out, err, stderr)
	}
}
