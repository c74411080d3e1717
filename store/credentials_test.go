package store

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

func setActive(t *testing.T, s *Store, id string, active bool) {
	t.Helper()
	_, err := s.UpdateUser(id, "admin", func(u *briefing.User) error { u.Active = active; return nil })
	mustNoErr(t, err)
}

func works(s *Store, token, session string) (tokenOK, sessionOK bool) {
	_, terr := s.UserByToken(token)
	_, serr := s.SessionUser(session)
	return terr == nil, serr == nil
}

// indexed counts a person's entries in a per-user credential index.
func indexed(t *testing.T, s *Store, index []byte, userID string) int {
	t.Helper()
	n := 0
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		prefix := u64(mustID(userID))
		c := tx.Bucket(index).Cursor()
		for k, _ := c.Seek(prefix); k != nil && string(k[:8]) == string(prefix); k, _ = c.Next() {
			n++
		}
		return nil
	}))
	return n
}

// TestDeactivationEndsCredentialsForGood: a deactivated person's tokens and
// sessions stop at once and do not come back with a reactivation; another
// person's stay.
func TestDeactivationEndsCredentialsForGood(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "leaver@example.com", "Sales")
	other := mkUser(t, s, "stayer@example.com", "Sales")
	token, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	bulk, err := s.CreateTokens([]string{u.ID}, "admin")
	mustNoErr(t, err)
	session, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	otherToken, err := s.CreateToken(other.ID, "admin")
	mustNoErr(t, err)
	otherSession, err := s.CreateSession(other.ID, time.Hour)
	mustNoErr(t, err)

	setActive(t, s, u.ID, false)
	if tok, ses := works(s, token, session); tok || ses {
		t.Errorf("after deactivation: token works %v, session works %v; want neither", tok, ses)
	}
	setActive(t, s, u.ID, true)
	for _, tok := range []string{token, bulk[0]} {
		if _, err := s.UserByToken(tok); err == nil {
			t.Errorf("token %.6s… works again after reactivation", tok)
		}
	}
	if _, err := s.SessionUser(session); err == nil {
		t.Error("the session works again after reactivation")
	}
	if n := indexed(t, s, bTokensByUser, u.ID) + indexed(t, s, bSessionsByUser, u.ID); n != 0 {
		t.Errorf("%d index entries left for the deactivated person, want 0", n)
	}
	if tok, ses := works(s, otherToken, otherSession); !tok || !ses {
		t.Errorf("another person's credentials: token works %v, session works %v; want both", tok, ses)
	}
	// A new token after reactivation is a new decision and works.
	fresh, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	if _, err := s.UserByToken(fresh); err != nil {
		t.Errorf("a token made after reactivation: %v", err)
	}
}

// TestPasswordChangeEndsOtherSessions: a new password ends every session of
// the person but the one it was changed in; tokens stay.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "changer@example.com", "")
	here, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	elsewhere, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	token, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)

	_, err = s.UpdateUserIn(u.ID, "user:"+u.ID, here, func(u *briefing.User) error {
		u.PasswordHash = []byte("new hash")
		return nil
	})
	mustNoErr(t, err)
	if _, err := s.SessionUser(here); err != nil {
		t.Errorf("the session the password was changed in: %v, want it kept", err)
	}
	if _, err := s.SessionUser(elsewhere); err == nil {
		t.Error("another session survived the password change")
	}
	if _, err := s.UserByToken(token); err != nil {
		t.Errorf("the token after a password change: %v, want it kept", err)
	}
	// A change that is not a password change ends nothing.
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.Name = "Renamed"; return nil })
	mustNoErr(t, err)
	if _, err := s.SessionUser(here); err != nil {
		t.Errorf("a rename ended the session: %v", err)
	}
	// Changed by someone else (no session of theirs): every session ends.
	_, err = s.UpdateUser(u.ID, "admin", func(u *briefing.User) error { u.PasswordHash = []byte("newer"); return nil })
	mustNoErr(t, err)
	if _, err := s.SessionUser(here); err == nil {
		t.Error("an admin's password change left the person's session open")
	}
}

// TestRevokeTokens: every token of the person goes, their sessions stay,
// and the revocation is audited.
func TestRevokeTokens(t *testing.T) {
	s, _ := openStore(t)
	u := mkUser(t, s, "tokens@example.com", "")
	other := mkUser(t, s, "keeps@example.com", "")
	a, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	b, err := s.CreateToken(u.ID, "admin")
	mustNoErr(t, err)
	kept, err := s.CreateToken(other.ID, "admin")
	mustNoErr(t, err)
	session, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)

	n, err := s.RevokeTokens(u.ID, "user:1")
	mustNoErr(t, err)
	if n != 2 {
		t.Errorf("RevokeTokens = %d, want 2", n)
	}
	for _, tok := range []string{a, b} {
		if _, err := s.UserByToken(tok); err == nil {
			t.Errorf("token %.6s… works after revocation", tok)
		}
	}
	if _, err := s.UserByToken(kept); err != nil {
		t.Errorf("another person's token: %v", err)
	}
	if _, err := s.SessionUser(session); err != nil {
		t.Errorf("the session after revoking tokens: %v, want it kept", err)
	}
	events, _, err := s.AuditEvents(AuditFilter{Action: "token.revoke"})
	mustNoErr(t, err)
	if len(events) != 1 || events[0].Target != "user:"+u.ID {
		t.Errorf("audit token.revoke = %+v, want one event for user:%s", events, u.ID)
	}
	_, err = s.RevokeTokens("999", "admin")
	wantKind(t, err, briefing.ErrNotFound)
}

// TestSessionIndexFollowsSessions: ending and pruning sessions leaves no
// index entries behind.
func TestSessionIndexFollowsSessions(t *testing.T) {
	s, clk := openStore(t)
	u := mkUser(t, s, "index@example.com", "")
	short, err := s.CreateSession(u.ID, time.Minute)
	mustNoErr(t, err)
	ended, err := s.CreateSession(u.ID, time.Hour)
	mustNoErr(t, err)
	if n := indexed(t, s, bSessionsByUser, u.ID); n != 2 {
		t.Fatalf("%d sessions indexed, want 2", n)
	}
	mustNoErr(t, s.DeleteSession(ended))
	clk.Add(2 * time.Minute)
	pruned, err := s.PruneSessions()
	mustNoErr(t, err)
	if pruned != 1 {
		t.Errorf("PruneSessions = %d, want 1", pruned)
	}
	if n := indexed(t, s, bSessionsByUser, u.ID); n != 0 {
		t.Errorf("%d index entries after ending and pruning both sessions (%.6s…), want 0", n, short)
	}
}
