package connect

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// post stands in for a sender: it calls the platform's "who am I" with
// the token, and after a 401 asks the provider again with the refused
// token and retries once, as the X and LinkedIn senders do.
func (f *fixture) post(ch *briefing.Channel) (int, string, error) {
	f.t.Helper()
	ctx := context.Background()
	path := map[string]string{"x": "/2/users/me", "linkedin": "/v2/userinfo"}[f.as.Platform]
	call := func(tok string) int {
		req, _ := http.NewRequest(http.MethodGet, f.as.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			f.t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	tok, err := f.svc.Token(ctx, ch.ID, "")
	if err != nil {
		return 0, "", err
	}
	status := call(tok)
	if status == http.StatusUnauthorized {
		if tok, err = f.svc.Token(ctx, ch.ID, tok); err != nil {
			return 0, "", err
		}
		status = call(tok)
	}
	return status, tok, nil
}

func (f *fixture) tokens(id string) briefing.ChannelTokens {
	f.t.Helper()
	ch, err := f.st.Channel(id)
	if err != nil {
		f.t.Fatal(err)
	}
	return briefing.TokensOf(ch.Config)
}

func TestTokenRefreshedBeforeItLapses(t *testing.T) {
	f := newFixture(t, "x")
	f.as.SetAccessTTL(30 * time.Second) // within the minute before expiry
	ch := f.connect(f.channel())
	first := f.tokens(ch.ID)
	f.as.SetAccessTTL(2 * time.Hour)

	status, used, err := f.post(ch)
	if err != nil || status != http.StatusOK {
		t.Fatalf("post: %d, %v; want 200", status, err)
	}
	now := f.tokens(ch.ID)
	if used == first.AccessToken || used != now.AccessToken {
		t.Errorf("posted with %q; want the refreshed token %q, not the lapsing %q", used, now.AccessToken, first.AccessToken)
	}
	if _, n := f.as.Counts(); n != 1 {
		t.Errorf("refreshes: %d, want 1", n)
	}
	// X rotates refresh tokens: the new one is stored, the old one is spent.
	if now.RefreshToken == first.RefreshToken || !f.as.ValidRefresh(now.RefreshToken) || f.as.ValidRefresh(first.RefreshToken) {
		t.Errorf("refresh token after rotation: stored %q (valid %v), the spent one %q: want the new one stored",
			now.RefreshToken, f.as.ValidRefresh(now.RefreshToken), first.RefreshToken)
	}
	if d := time.Until(now.Expiry); d < 119*time.Minute {
		t.Errorf("new expiry in %s, want about two hours", d)
	}
	// A fresh token is used as it is: no second refresh.
	if _, _, err := f.post(ch); err != nil {
		t.Fatal(err)
	}
	if _, n := f.as.Counts(); n != 1 {
		t.Errorf("refreshes after a post with a fresh token: %d, want still 1", n)
	}
}

func TestTokenRefreshedAfterA401(t *testing.T) {
	for _, platform := range []string{"x", "linkedin"} {
		t.Run(platform, func(t *testing.T) {
			f := newFixture(t, platform)
			ch := f.connect(f.channel())
			first := f.tokens(ch.ID)
			f.as.Expire(first.AccessToken) // the platform stops taking it early

			status, used, err := f.post(ch)
			if err != nil || status != http.StatusOK {
				t.Fatalf("post: %d, %v; want 200 after one refresh (refused: %v)", status, err, f.as.Refused())
			}
			now := f.tokens(ch.ID)
			if used == first.AccessToken || used != now.AccessToken {
				t.Errorf("retried with %q, want the new token %q", used, now.AccessToken)
			}
			if _, n := f.as.Counts(); n != 1 {
				t.Errorf("refreshes: %d, want 1", n)
			}
			rotates := platform == "x"
			if (now.RefreshToken != first.RefreshToken) != rotates || !f.as.ValidRefresh(now.RefreshToken) {
				t.Errorf("refresh token: stored %q, was %q; rotation expected: %v", now.RefreshToken, first.RefreshToken, rotates)
			}
		})
	}
}

// Two workers that got a 401 at the same moment must not both spend the
// refresh token: X would refuse the second, and disconnect the channel.
func TestConcurrentRefusalsRefreshOnce(t *testing.T) {
	f := newFixture(t, "x")
	ch := f.connect(f.channel())
	first := f.tokens(ch.ID)
	f.as.Expire(first.AccessToken)
	f.as.SetRefreshDelay(100 * time.Millisecond)

	const workers = 8
	got := make([]string, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { got[i], errs[i] = f.svc.Token(context.Background(), ch.ID, first.AccessToken) })
	}
	wg.Wait()
	now := f.tokens(ch.ID)
	for i := range workers {
		if errs[i] != nil || got[i] != now.AccessToken {
			t.Errorf("worker %d: %q, %v; want the one new token %q", i, got[i], errs[i], now.AccessToken)
		}
	}
	if _, n := f.as.Counts(); n != 1 {
		t.Errorf("refreshes: %d, want 1 (refused: %v)", n, f.as.Refused())
	}
	if !now.Connected() {
		t.Errorf("the channel lost its connection: %q", now.Failed)
	}
}

func TestRefusedRefreshDisconnectsAndTellsAdmins(t *testing.T) {
	f := newFixture(t, "x")
	other := f.user("admin2@example.test", briefing.RoleAdmin)
	f.user("author@example.test", briefing.RoleAuthor)
	ch := f.connect(f.channel())
	f.as.RevokeAll() // the person removed the app from the account

	_, _, err := f.post(ch)
	if !errors.Is(err, channel.ErrNotConnected) {
		t.Fatalf("post after the grant was revoked: %v, want ErrNotConnected", err)
	}
	if !strings.HasPrefix(err.Error(), "not connected: an admin must connect the account again") {
		t.Errorf("the error says %q", err)
	}
	stored, _ := f.st.Channel(ch.ID)
	tok := briefing.TokensOf(stored.Config)
	if channel.Connected(*stored) || tok.AccessToken != "" || tok.RefreshToken != "" || !strings.Contains(tok.Failed, "invalid_grant") {
		t.Errorf("after the refused refresh: connected %v, tokens kept %v, reason %q; want not connected, none kept, invalid_grant named",
			channel.Connected(*stored), tok.AccessToken != "" || tok.RefreshToken != "", tok.Failed)
	}
	ev, _, _ := f.st.AuditEvents(store.AuditFilter{Action: "channel.disconnect", Target: "channel:" + ch.ID})
	if len(ev) != 1 {
		t.Errorf("audit channel.disconnect: %d events, want 1", len(ev))
	}
	jobs, _ := f.st.DueMailJobs()
	var mailed []string
	for _, j := range jobs {
		if j.Kind == store.MailChannelDisconnected && j.ChannelID == ch.ID {
			rs, _ := f.st.NextMailRecipients(j.ID, 100)
			for _, r := range rs {
				mailed = append(mailed, r.Email)
			}
		}
	}
	if strings.Join(mailed, ",") != f.admin.Email+","+other.Email {
		t.Errorf("mailed %v, want the two admins and nobody else", mailed)
	}
	// Later senders are told at once, without asking the platform again.
	_, before := f.as.Counts()
	if _, err := f.svc.Token(context.Background(), ch.ID, ""); !errors.Is(err, channel.ErrNotConnected) {
		t.Errorf("Token on a disconnected channel: %v", err)
	}
	if _, after := f.as.Counts(); after != before || len(f.as.Refused()) != 1 {
		t.Errorf("the platform was asked again: refreshes %d→%d, refusals %v", before, after, f.as.Refused())
	}
}

// A platform that does not answer is not a refused grant: the channel
// stays connected and the next attempt tries again.
func TestUnreachableTokenEndpointKeepsTheConnection(t *testing.T) {
	f := newFixture(t, "x")
	ch := f.connect(f.channel())
	first := f.tokens(ch.ID)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	stored, _ := f.st.Channel(ch.ID)
	stored.Config = []byte(strings.Replace(string(stored.Config), f.as.URL, dead, -1))
	moved := &briefing.Channel{Name: "moved", Kind: "x", Config: stored.Config}
	if err := f.st.CreateChannel(moved, "test"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Token(context.Background(), moved.ID, first.AccessToken)
	if err == nil || errors.Is(err, channel.ErrNotConnected) || !strings.Contains(err.Error(), "the next attempt tries again") {
		t.Errorf("unreachable token endpoint: %v, want a passing failure", err)
	}
	if !f.tokens(moved.ID).Connected() {
		t.Errorf("an unreachable platform disconnected the channel")
	}
}

// No token, refresh token or client secret reaches a log line or an error.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	f := newFixture(t, "x")
	ch := f.connect(f.channel())
	f.as.SetAccessTTL(10 * time.Second)
	f.as.Expire(f.tokens(ch.ID).AccessToken)
	var errs []string
	if _, _, err := f.post(ch); err != nil {
		errs = append(errs, err.Error())
	}
	f.as.RevokeAll()
	if _, err := f.svc.Token(context.Background(), ch.ID, f.tokens(ch.ID).AccessToken); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) == 0 {
		t.Fatal("no error to look at: the revoked grant should have given one")
	}
	text := f.logs.String() + strings.Join(errs, "\n")
	if !strings.Contains(f.logs.String(), "channel token refreshed") {
		t.Fatalf("the log holds no refresh line to check: %s", f.logs.String())
	}
	for _, secret := range f.as.Issued() {
		if strings.Contains(text, secret) {
			t.Errorf("a secret (%.12s…) is in the logs or an error", secret)
		}
	}
}
