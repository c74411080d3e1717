package embargo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// While the x kind is not in this build's catalogue, the test registers a
// stand-in spec that keeps the config as given.
func init() {
	if _, ok := briefing.LookupKind("x"); !ok {
		briefing.RegisterKind(briefing.KindSpec{Kind: "x", Label: "X", Order: 900, Retry: briefing.RetryUnconfirmedOnNoAnswer,
			Validate: func(raw json.RawMessage) (json.RawMessage, error) { return raw, nil }})
	}
}

// A channel that lost its account is mailed to every active admin, with
// the reason and the way back; nobody else hears of it.
func TestDisconnectedChannelMailsAdmins(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	admin := addUser(t, st, "admin@example.com", "IT", briefing.RoleAdmin)
	addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	ch := &briefing.Channel{Name: "Company on X", Kind: "x", Config: json.RawMessage(`{"client_id":"c","client_secret":"s","access_token":"a"}`)}
	if err := st.CreateChannel(ch, "test"); err != nil {
		t.Fatal(err)
	}
	start(t, st, Options{BaseURL: "https://news.example.com", Mailer: srv.mailer(t), MailBackoff: fastBackoff})
	if err := st.DisconnectChannel(ch.ID, "X refused the refresh token (invalid_grant, HTTP 400)"); err != nil {
		t.Fatal(err)
	}
	mails := waitMailed(t, st, srv, 1)
	if len(mails) != 1 {
		return
	}
	m := mails[0]
	if m.to != admin.Email || !strings.HasPrefix(m.subject, "Not connected: Company on X") {
		t.Errorf("mailed %q to %s", m.subject, m.to)
	}
	for _, want := range []string{"invalid_grant", "https://news.example.com/admin/channels#ch-" + ch.ID, "Connect account"} {
		if !strings.Contains(m.body, want) {
			t.Errorf("the mail lacks %q:\n%s", want, m.body)
		}
	}
}

// Connected again before the mail went out: nothing to say.
func TestReconnectedChannelNeedsNoMail(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	addUser(t, st, "admin@example.com", "IT", briefing.RoleAdmin)
	ch := &briefing.Channel{Name: "Company on X", Kind: "x", Config: json.RawMessage(`{"client_id":"c","client_secret":"s"}`)}
	if err := st.CreateChannel(ch, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.DisconnectChannel(ch.ID, "refused"); err != nil {
		t.Fatal(err)
	}
	if err := st.ConnectChannel(ch.ID, "user:1", briefing.ChannelTokens{AccessToken: "new"}); err != nil {
		t.Fatal(err)
	}
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff})
	eventually(t, 5*time.Second, "the job dropped", func() bool {
		jobs, err := st.DueMailJobs()
		return err == nil && len(jobs) == 0
	})
	if acc, _ := srv.got(); len(acc) != 0 {
		t.Errorf("%d mails for a channel connected again", len(acc))
	}
}
