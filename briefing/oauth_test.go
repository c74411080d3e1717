package briefing

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestCheckOAuthState(t *testing.T) {
	now := time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)
	st := &OAuthState{ChannelID: "3", UserID: "1", SessionHash: []byte("hash-a"), ExpiresAt: now.Add(OAuthStateTTL)}
	cases := []struct {
		name    string
		st      *OAuthState
		user    string
		session []byte
		at      time.Time
		ok      bool
	}{
		{"its admin and session, in time", st, "1", []byte("hash-a"), now, true},
		{"unknown state", nil, "1", []byte("hash-a"), now, false},
		{"another admin", st, "2", []byte("hash-a"), now, false},
		{"another session", st, "1", []byte("hash-b"), now, false},
		{"no session", st, "1", nil, now, false},
		{"at expiry", st, "1", []byte("hash-a"), now.Add(OAuthStateTTL), false},
	}
	for _, tc := range cases {
		err := CheckOAuthState(tc.st, tc.user, tc.session, tc.at)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s: got %v, want ok=%v (else invalid)", tc.name, err, tc.ok)
		}
	}
}

func TestRefreshDue(t *testing.T) {
	now := time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		expiry time.Time
		due    bool
	}{
		{time.Time{}, false},
		{now.Add(2 * time.Hour), false},
		{now.Add(TokenRefreshLead + time.Second), false},
		{now.Add(TokenRefreshLead), true},
		{now.Add(-time.Hour), true},
	} {
		if got := (ChannelTokens{AccessToken: "a", Expiry: tc.expiry}).RefreshDue(now); got != tc.due {
			t.Errorf("expiry %v: due %v, want %v", tc.expiry, got, tc.due)
		}
	}
}

func TestWithTokensKeepsTheRest(t *testing.T) {
	cfg := json.RawMessage(`{"client_id":"cid","client_secret":"cs","access_token":"old","token_failed":"earlier"}`)
	exp := time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)
	out, err := WithTokens(cfg, ChannelTokens{AccessToken: "new", RefreshToken: "rt", Expiry: exp})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(out, &m)
	if m["client_id"] != "cid" || m["client_secret"] != "cs" || m["access_token"] != "new" || m["refresh_token"] != "rt" {
		t.Errorf("merged config %v", m)
	}
	if _, kept := m["token_failed"]; kept {
		t.Errorf("an empty failure was kept: %v", m)
	}
	got := TokensOf(out)
	if !got.Expiry.Equal(exp) || !got.Connected() {
		t.Errorf("read back %+v", got)
	}
	if _, err := WithTokens(json.RawMessage(`[1]`), got); err == nil {
		t.Errorf("a config that is not an object merged")
	}
}
