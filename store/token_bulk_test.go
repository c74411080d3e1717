package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// countTokens is the number of API tokens stored, of any user.
func countTokens(tb testing.TB, s *Store) int {
	tb.Helper()
	n := 0
	mustNoErr(tb, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bTokens).ForEach(func(_, _ []byte) error { n++; return nil })
	}))
	return n
}

func tokenEvents(tb testing.TB, s *Store) []AuditEvent {
	tb.Helper()
	events, _, err := s.AuditEvents(AuditFilter{Action: "token.create"})
	mustNoErr(tb, err)
	return events
}

func TestCreateTokens(t *testing.T) {
	s, clk := openStore(t)
	users := mkUsers(t, s, 300, inDept("Sales"))
	// Not in id order, so the order of the answer is the order of the question.
	var ids []string
	for i := len(users) - 1; i >= 0; i -= 2 {
		ids = append(ids, users[i].ID)
	}
	for i := 0; i < len(users); i += 2 {
		ids = append(ids, users[i].ID)
	}
	byID := map[string]*briefing.User{}
	for _, u := range users {
		byID[u.ID] = u
	}

	tokens, err := s.CreateTokens(ids, "user:admin")
	mustNoErr(t, err)
	if len(tokens) != len(ids) {
		t.Fatalf("CreateTokens made %d tokens, want %d", len(tokens), len(ids))
	}
	if n := countTokens(t, s); n != len(ids) {
		t.Errorf("%d tokens stored, want %d", n, len(ids))
	}
	seen := map[string]bool{}
	for i, tok := range tokens {
		if !strings.HasPrefix(tok, "fh_") || len(tok) < 40 {
			t.Errorf("token %d = %q, want fh_ and 256 random bits", i, tok)
		}
		if seen[tok] {
			t.Errorf("token %d repeats an earlier one", i)
		}
		seen[tok] = true
		got, err := s.UserByToken(tok)
		if err != nil {
			t.Errorf("UserByToken(token %d) = %v, want user %s", i, err, ids[i])
			continue
		}
		if want := byID[ids[i]]; got.ID != want.ID || got.Email != want.Email {
			t.Errorf("token %d belongs to %s %s, want %s %s", i, got.ID, got.Email, want.ID, want.Email)
		}
	}

	events := tokenEvents(t, s)
	if len(events) != 1 {
		t.Fatalf("%d token.create events, want one for the batch: %v", len(events), events)
	}
	e := events[0]
	var detail struct{ Tokens int }
	if err := json.Unmarshal([]byte(e.Detail), &detail); err != nil || detail.Tokens != len(ids) {
		t.Errorf("event detail = %q (%v), want %d tokens", e.Detail, err, len(ids))
	}
	if e.Actor != "user:admin" || !e.At.Equal(clk.Now()) {
		t.Errorf("event by %q at %v, want user:admin at %v", e.Actor, e.At, clk.Now())
	}

	// A second batch adds to the first; the first still works.
	more, err := s.CreateTokens([]string{users[0].ID}, "user:admin")
	mustNoErr(t, err)
	for tok, want := range map[string]string{more[0]: users[0].ID, tokens[0]: ids[0]} {
		if got, err := s.UserByToken(tok); err != nil || got.ID != want {
			t.Errorf("UserByToken = %v, %v; want user %s", got, err, want)
		}
	}
	if n := len(tokenEvents(t, s)); n != 2 {
		t.Errorf("%d token.create events after two batches, want 2", n)
	}
}

func TestCreateTokensStoredHashed(t *testing.T) {
	s, _ := openStore(t)
	users := mkUsers(t, s, 20, inDept("Sales"))
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	tokens, err := s.CreateTokens(ids, "user:admin")
	mustNoErr(t, err)
	path := s.Path()
	mustNoErr(t, s.Close())

	file, err := os.ReadFile(path)
	mustNoErr(t, err)
	for i, tok := range tokens {
		random, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "fh_"))
		mustNoErr(t, err)
		for what, b := range map[string][]byte{"token": []byte(tok), "random part": []byte(tok[3:]), "random bytes": random} {
			if bytes.Contains(file, b) {
				t.Errorf("the %s of token %d appears in clear in the database file", what, i)
			}
		}
		// What is there is its hash: proof that the file was read at all.
		if !bytes.Contains(file, hashSecret(tok)) {
			t.Errorf("the hash of token %d is not in the database file", i)
		}
	}
}

// One unknown user fails the whole batch: no token for anyone, no event.
func TestCreateTokensUnknownUser(t *testing.T) {
	s, _ := openStore(t)
	users := mkUsers(t, s, 3, inDept("Sales"))
	_, err := s.CreateToken(users[2].ID, "user:admin")
	mustNoErr(t, err)
	tokensBefore, eventsBefore := countTokens(t, s), len(tokenEvents(t, s))

	for _, bad := range []string{"999", "0", "abc", ""} {
		for _, ids := range [][]string{
			{bad},
			{users[0].ID, bad},              // after a token was written in the transaction
			{users[0].ID, bad, users[1].ID}, // in the middle
			{bad, users[0].ID, users[1].ID}, // first
			{users[0].ID, users[1].ID, bad}, // last
		} {
			tokens, err := s.CreateTokens(ids, "user:admin")
			wantKind(t, err, briefing.ErrNotFound)
			if tokens != nil {
				t.Errorf("CreateTokens(%q) returned %d tokens with its error, want none", ids, len(tokens))
			}
		}
	}
	if n := countTokens(t, s); n != tokensBefore {
		t.Errorf("%d tokens stored after failed batches, want %d", n, tokensBefore)
	}
	if n := len(tokenEvents(t, s)); n != eventsBefore {
		t.Errorf("%d token.create events after failed batches, want %d", n, eventsBefore)
	}
}
