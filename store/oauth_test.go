package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// oauthKind is a kind for these tests that keeps its config as given, so
// they do not depend on the x kind's own checks.
const oauthKind briefing.ChannelKind = "store-test-oauth"

func init() {
	briefing.RegisterKind(briefing.KindSpec{Kind: oauthKind, Label: "OAuth test", Order: 999,
		Retry: briefing.RetryUnconfirmedOnNoAnswer, Validate: func(raw json.RawMessage) (json.RawMessage, error) { return raw, nil }})
}

func TestOAuthStateIsOneUseAndBound(t *testing.T) {
	s, clk := openStore(t)
	admin := mkUser(t, s, "admin@example.com", "", briefing.RoleAdmin)
	other := mkUser(t, s, "other@example.com", "", briefing.RoleAdmin)
	put := func(state string) {
		t.Helper()
		mustNoErr(t, s.PutOAuthState(state, "session-a", briefing.OAuthState{ChannelID: "7", UserID: admin.ID,
			Verifier: "v-" + state, ExpiresAt: clk.Now().Add(briefing.OAuthStateTTL)}))
	}
	put("s1")
	st, err := s.TakeOAuthState("s1", admin.ID, "session-a")
	if err != nil || st.ChannelID != "7" || st.Verifier != "v-s1" {
		t.Fatalf("TakeOAuthState: %+v, %v", st, err)
	}
	if _, err := s.TakeOAuthState("s1", admin.ID, "session-a"); !errors.Is(err, briefing.ErrInvalid) {
		t.Errorf("a second use: %v, want invalid", err)
	}
	for _, tc := range []struct {
		name, user, session string
		wait                time.Duration
	}{
		{"another admin", other.ID, "session-a", 0},
		{"another session", admin.ID, "session-b", 0},
		{"after ten minutes", admin.ID, "session-a", briefing.OAuthStateTTL},
	} {
		put("s-" + tc.name)
		clk.Add(tc.wait)
		if _, err := s.TakeOAuthState("s-"+tc.name, tc.user, tc.session); !errors.Is(err, briefing.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", tc.name, err)
		}
		// Refused or not, it is gone.
		if _, err := s.TakeOAuthState("s-"+tc.name, admin.ID, "session-a"); err == nil {
			t.Errorf("%s: the state still works for its owner after a refusal", tc.name)
		}
	}
	// The key is a hash and the record sealed: neither the state nor its
	// verifier is in the file in clear.
	put("kept")
	n := 0
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bOAuthStates).ForEach(func(k, v []byte) error {
			n++
			if strings.Contains(string(k), "kept") || strings.Contains(string(v), "v-kept") {
				t.Errorf("a connect attempt stored in clear: %q", v)
			}
			return nil
		})
	}))
	if n != 1 {
		t.Errorf("%d attempts stored, want the one kept", n)
	}
}

func TestExpiredOAuthStatesAreDropped(t *testing.T) {
	s, clk := openStore(t)
	admin := mkUser(t, s, "admin@example.com", "", briefing.RoleAdmin)
	st := briefing.OAuthState{ChannelID: "1", UserID: admin.ID, ExpiresAt: clk.Now().Add(briefing.OAuthStateTTL)}
	mustNoErr(t, s.PutOAuthState("old", "sess", st))
	clk.Add(briefing.OAuthStateTTL + time.Second)
	st.ExpiresAt = clk.Now().Add(briefing.OAuthStateTTL)
	mustNoErr(t, s.PutOAuthState("new", "sess", st))
	n := 0
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bOAuthStates).Stats().KeyN; return nil }))
	if n != 1 {
		t.Errorf("%d attempts kept, want only the unexpired one", n)
	}
}

func TestConnectAndDisconnectChannel(t *testing.T) {
	s, clk := openStore(t)
	admin := mkUser(t, s, "admin@example.com", "", briefing.RoleAdmin)
	gone := mkUser(t, s, "gone@example.com", "", briefing.RoleAdmin)
	mkUser(t, s, "author@example.com", "", briefing.RoleAuthor)
	_, err := s.UpdateUser(gone.ID, "test", func(u *briefing.User) error { u.Active = false; return nil })
	mustNoErr(t, err)
	ch := &briefing.Channel{Name: "Company", Kind: oauthKind, Config: json.RawMessage(`{"client_id":"cid","client_secret":"cs","author":"urn:li:organization:1"}`)}
	mustNoErr(t, s.CreateChannel(ch, "test"))

	exp := clk.Now().Add(2 * time.Hour)
	mustNoErr(t, s.ConnectChannel(ch.ID, "user:"+admin.ID, briefing.ChannelTokens{AccessToken: "at1", RefreshToken: "rt1", Expiry: exp}))
	got, _ := s.Channel(ch.ID)
	tok := briefing.TokensOf(got.Config)
	var cfg map[string]any
	mustNoErr(t, json.Unmarshal(got.Config, &cfg))
	if tok.AccessToken != "at1" || tok.RefreshToken != "rt1" || !tok.Expiry.Equal(exp) || !tok.Connected() || cfg["author"] != "urn:li:organization:1" || cfg["client_secret"] != "cs" {
		t.Errorf("after ConnectChannel: %+v, config %v", tok, cfg)
	}
	mustNoErr(t, s.RefreshedChannelTokens(ch.ID, briefing.ChannelTokens{AccessToken: "at2", RefreshToken: "rt2", Expiry: exp.Add(time.Hour)}))
	if tok = briefing.TokensOf(mustChannel(t, s, ch.ID).Config); tok.AccessToken != "at2" || tok.RefreshToken != "rt2" {
		t.Errorf("after a refresh: %+v", tok)
	}

	mustNoErr(t, s.DisconnectChannel(ch.ID, "X refused the refresh token"))
	tok = briefing.TokensOf(mustChannel(t, s, ch.ID).Config)
	if tok.Connected() || tok.AccessToken != "" || tok.RefreshToken != "" || !tok.Expiry.IsZero() || tok.Failed != "X refused the refresh token" {
		t.Errorf("after DisconnectChannel: %+v", tok)
	}
	jobs, err := s.DueMailJobs()
	mustNoErr(t, err)
	if len(jobs) != 1 || jobs[0].Kind != MailChannelDisconnected || jobs[0].ChannelID != ch.ID {
		t.Fatalf("mail jobs %+v, want one channel_disconnected", jobs)
	}
	rs, err := s.NextMailRecipients(jobs[0].ID, 10)
	if err != nil || len(rs) != 1 || rs[0].Email != admin.Email {
		t.Errorf("recipients %+v (%v), want only the active admin", rs, err)
	}
	for _, action := range []string{"channel.connect", "channel.disconnect"} {
		ev, _, _ := s.AuditEvents(AuditFilter{Action: action, Target: "channel:" + ch.ID})
		if len(ev) != 1 {
			t.Errorf("audit %s: %d events, want 1", action, len(ev))
		}
	}
	// A connect again clears the failure.
	mustNoErr(t, s.ConnectChannel(ch.ID, "user:"+admin.ID, briefing.ChannelTokens{AccessToken: "at3"}))
	if tok = briefing.TokensOf(mustChannel(t, s, ch.ID).Config); !tok.Connected() || tok.Failed != "" {
		t.Errorf("after connecting again: %+v", tok)
	}
}

func mustChannel(t *testing.T, s *Store, id string) *briefing.Channel {
	t.Helper()
	c, err := s.Channel(id)
	mustNoErr(t, err)
	return c
}
