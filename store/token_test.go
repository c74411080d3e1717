package store

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

func TestTokens(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "api@example.com", "")
	token, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	if !strings.HasPrefix(token, "fh_") || len(token) < 40 {
		t.Errorf("token = %q, want fh_ and 256 random bits", token)
	}
	other, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	if other == token {
		t.Error("two tokens are equal")
	}
	for _, tok := range []string{token, other} {
		got, err := s.UserByToken(tok)
		if err != nil || got.ID != u.ID {
			t.Errorf("UserByToken = %v, %v; want user %s", got, err, u.ID)
		}
	}
	for _, bad := range []string{"", "fh_", token + "x", strings.ToUpper(token)} {
		if _, err := s.UserByToken(bad); !errors.Is(err, briefing.ErrUnauthenticated) {
			t.Errorf("UserByToken(%q) = %v, want unauthenticated", bad, err)
		}
	}
	_, err = s.CreateToken("999", "admin")
	wantKind(t, err, briefing.ErrNotFound)

	// A deactivated user's tokens stop working.
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)
	_, err = s.UserByToken(token)
	wantKind(t, err, briefing.ErrUnauthenticated)
}

func TestSecretsStoredHashed(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "api@example.com", "")
	token, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	session, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	path := s.Path()
	mustNoErr(t, s.Close())

	file, err := os.ReadFile(path)
	mustNoErr(t, err)
	for name, secret := range map[string]string{"token": token, "session": session} {
		if bytes.Contains(file, []byte(secret)) {
			t.Errorf("the %s appears in clear in the database file", name)
		}
		// The random part alone must not be there either (say, stored
		// without its prefix, or base64 of it).
		if bytes.Contains(file, []byte(secret[3:])) {
			t.Errorf("the random part of the %s appears in the database file", name)
		}
		// What is there is its hash: proof that the file was read at all.
		if !bytes.Contains(file, hashSecret(secret)) {
			t.Errorf("the hash of the %s is not in the database file", name)
		}
	}
}

func TestSessions(t *testing.T) {
	s, clk := openStore(t)
	u := mkUser(t, s, "web@example.com", "")
	secret, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	if !strings.HasPrefix(secret, "fs_") {
		t.Errorf("session = %q, want the fs_ prefix", secret)
	}
	short, err := s.CreateSession(u.ID, time.Minute)
	mustNoErr(t, err)

	if got, err := s.SessionUser(secret); err != nil || got.ID != u.ID {
		t.Fatalf("SessionUser = %v, %v; want user %s", got, err, u.ID)
	}
	clk.Add(59 * time.Minute)
	if _, err := s.SessionUser(secret); err != nil {
		t.Errorf("after 59 minutes of an hour: %v, want a session", err)
	}
	if _, err := s.SessionUser(short); !errors.Is(err, briefing.ErrUnauthenticated) {
		t.Errorf("a one-minute session after 59 minutes: %v, want unauthenticated", err)
	}
	clk.Add(2 * time.Minute)
	if _, err := s.SessionUser(secret); !errors.Is(err, briefing.ErrUnauthenticated) {
		t.Errorf("after 61 minutes of an hour: %v, want unauthenticated", err)
	}

	n, err := s.PruneSessions()
	if err != nil || n != 2 {
		t.Errorf("PruneSessions = %d, %v; want 2", n, err)
	}

	live, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	if n, _ := s.PruneSessions(); n != 0 {
		t.Errorf("PruneSessions removed %d live sessions", n)
	}
	mustNoErr(t, s.DeleteSession(live))
	if _, err := s.SessionUser(live); !errors.Is(err, briefing.ErrUnauthenticated) {
		t.Errorf("after DeleteSession: %v, want unauthenticated", err)
	}
	mustNoErr(t, s.DeleteSession("fs_never-existed"))

	_, err = s.CreateSession("abc", time.Hour)
	wantKind(t, err, briefing.ErrNotFound)

	// A deactivated user's sessions end.
	again, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)
	_, err = s.SessionUser(again)
	wantKind(t, err, briefing.ErrUnauthenticated)
}
