package embargo

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

// smtpMsg is one message as the test server saw it, headers decoded.
type smtpMsg struct {
	to, subject, messageID, body string
	language                     string // Content-Language
}

// smtpServer is the test kit's real SMTP server, seen as these tests read it.
type smtpServer struct{ *testkit.SMTP }

// newSMTP starts a server that answers 451 to its first failFirst DATA commands.
func newSMTP(t testing.TB, failFirst int) *smtpServer {
	t.Helper()
	return &smtpServer{testkit.StartSMTP(t, testkit.SMTPOptions{FailData: failFirst})}
}

func (b *smtpServer) mailer(t testing.TB) *channel.Mailer {
	t.Helper()
	m, err := channel.NewMailer("smtp://"+b.Addr, "Firsthand <firsthand@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (b *smtpServer) got() (accepted, rejected []smtpMsg) {
	return msgsOf(b.Mails()), msgsOf(b.Rejected())
}

func msgsOf(ms []testkit.Mail) []smtpMsg {
	out := make([]smtpMsg, len(ms))
	for i, m := range ms {
		out[i] = smtpMsg{to: strings.Join(m.To, ","), subject: m.Subject(), messageID: m.Header().Get("Message-Id"), body: m.Body(),
			language: m.Header().Get("Content-Language")}
	}
	return out
}

func fastBackoff(int) time.Duration { return 20 * time.Millisecond }

// TestBriefingMailOncePerRecipient: every recipient gets the briefing mail
// exactly once although the server refuses the first attempts, and a
// resend carries the same Message-ID.
func TestBriefingMailOncePerRecipient(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 2)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	var staff []*briefing.User
	for _, e := range []string{"e1@example.com", "e2@example.com", "e3@example.com", "e4@example.com", "e5@example.com"} {
		staff = append(staff, addUser(t, st, e, "Sales"))
	}
	a := draft(t, st, author, briefing.Policy{})
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff})
	publish(t, st, a)

	accepted := waitMailed(t, st, srv, len(staff))
	_, rejected := srv.got()
	if len(rejected) != 2 {
		t.Fatalf("server rejected %d mails, want 2", len(rejected))
	}
	byTo := map[string]smtpMsg{}
	for _, m := range accepted {
		if _, dup := byTo[m.to]; dup {
			t.Errorf("%s got the briefing twice", m.to)
		}
		byTo[m.to] = m
	}
	wantSubject := "New briefing: " + a.Title + " — please read and acknowledge"
	for _, u := range staff {
		m, ok := byTo[u.Email]
		if !ok {
			t.Errorf("%s got no mail", u.Email)
			continue
		}
		if m.subject != wantSubject {
			t.Errorf("subject = %q, want %q", m.subject, wantSubject)
		}
		// The contract (v1.1): the mail carries the person's own link.
		if link := "https://news.example.com/b/fl_"; !strings.Contains(m.body, link) {
			t.Errorf("body to %s lacks a personal link %s…:\n%s", u.Email, link, m.body)
		}
		if !strings.HasPrefix(m.messageID, "<job-") || !strings.HasSuffix(m.messageID, "-"+u.ID+"@firsthand>") {
			t.Errorf("Message-ID = %q, want <job-<job>-%s@firsthand>", m.messageID, u.ID)
		}
	}
	// The refused mails were to the first recipient, retried with its ID.
	for _, r := range rejected {
		if got := byTo[r.to].messageID; r.messageID != got {
			t.Errorf("resend to %s: Message-ID %q, first try %q; want the same", r.to, got, r.messageID)
		}
	}
}

// TestBriefingMailOneSessionPerChunk: the briefing's mails to a
// department share one SMTP connection.
func TestBriefingMailOneSessionPerChunk(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	for i := range 12 {
		addUser(t, st, fmt.Sprintf("e%d@example.com", i), "Sales")
	}
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff})
	publish(t, st, draft(t, st, author, briefing.Policy{}))
	waitMailed(t, st, srv, 12)
	if n := srv.Connections(); n != 1 {
		t.Errorf("12 mails took %d SMTP connections, want 1", n)
	}
}

// TestRefusedAddressDoesNotHoldUpOthers: a mailbox the server refuses for
// good is skipped and logged; everyone else is mailed once, and the job
// ends instead of retrying that address for ever.
func TestRefusedAddressDoesNotHoldUpOthers(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	srv.Set(func(o *testkit.SMTPOptions) {
		o.RcptErr = map[string]*smtp.SMTPError{"e2@example.com": testkit.NoSuchUser("e2@example.com")}
	})
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	for i := range 5 {
		addUser(t, st, fmt.Sprintf("e%d@example.com", i), "Sales")
	}
	// A backoff of an hour: the others are mailed only if the refusal is
	// skipped, not retried.
	_, logs := start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: func(int) time.Duration { return time.Hour }})
	publish(t, st, draft(t, st, author, briefing.Policy{}))
	accepted := waitMailed(t, st, srv, 4)
	seen := map[string]int{}
	for _, m := range accepted {
		seen[m.to]++
	}
	for i := range 5 {
		to, want := fmt.Sprintf("e%d@example.com", i), 1
		if i == 2 {
			want = 0
		}
		if seen[to] != want {
			t.Errorf("%s got %d mails, want %d", to, seen[to], want)
		}
	}
	if !strings.Contains(logs.String(), "refused a notification for good") {
		t.Errorf("the refusal was not logged:\n%s", logs)
	}
}

// TestRelayRefusalIsRetried: a refusal that is about the server, not the
// person (554 relay access denied, as a misconfigured relay answers every
// recipient), defers the job; nobody is skipped.
func TestRelayRefusalIsRetried(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	srv.Set(func(o *testkit.SMTPOptions) {
		o.RcptErr = map[string]*smtp.SMTPError{"*": {Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relay access denied"}}
	})
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	for i := range 3 {
		addUser(t, st, fmt.Sprintf("e%d@example.com", i), "Sales")
	}
	_, logs := start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: func(int) time.Duration { return time.Hour }})
	publish(t, st, draft(t, st, author, briefing.Policy{}))
	eventually(t, 10*time.Second, "the job deferred", func() bool {
		return strings.Contains(logs.String(), "will retry")
	})
	if l := logs.String(); strings.Contains(l, "for good") {
		t.Errorf("a relay refusal skipped people:\n%s", l)
	}
	if strings.Contains(logs.String(), "e0@example.com") {
		t.Errorf("the log quotes an address:\n%s", logs)
	}
}

// TestMailSessionLimit: a relay that takes only a few mails per connection
// (421 after that) gets them over several connections at once, without a
// backoff, and nobody twice.
func TestMailSessionLimit(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	srv.Set(func(o *testkit.SMTPOptions) { o.PerConn = 3 })
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	for i := range 10 {
		addUser(t, st, fmt.Sprintf("e%d@example.com", i), "Sales")
	}
	// A backoff of an hour: the test passes only if no session that made
	// progress is followed by one.
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: func(int) time.Duration { return time.Hour }})
	publish(t, st, draft(t, st, author, briefing.Policy{}))
	accepted := waitMailed(t, st, srv, 10)
	seen := map[string]bool{}
	for _, m := range accepted {
		if seen[m.to] {
			t.Errorf("%s mailed twice", m.to)
		}
		seen[m.to] = true
	}
	if n := srv.Connections(); n != 4 {
		t.Errorf("10 mails at 3 a connection took %d connections, want 4", n)
	}
}

// waitMailed waits until the server accepted n mails and no job is due,
// and returns what it accepted.
func waitMailed(t testing.TB, st *store.Store, srv *smtpServer, n int) []smtpMsg {
	t.Helper()
	eventually(t, 10*time.Second, fmt.Sprintf("%d mails accepted and the job done", n), func() bool {
		acc, _ := srv.got()
		jobs, err := st.DueMailJobs()
		return len(acc) >= n && err == nil && len(jobs) == 0
	})
	acc, _ := srv.got()
	if len(acc) != n {
		t.Errorf("the server accepted %d mails, want %d", len(acc), n)
	}
	return acc
}

// TestReleaseAndFailureMails follows one announcement: briefed, released
// (staff hear it is public) and refused by its channel (the author and the
// department's manager hear of it).
func TestReleaseAndFailureMails(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	manager := addUser(t, st, "boss@example.com", "Sales", briefing.RoleManager)
	e1 := addUser(t, st, "e1@example.com", "Sales")
	gone := newReceiver(t, always(410))
	ch := addWebhook(t, st, "press wire", gone.URL)
	a := draft(t, st, author, briefing.Policy{Threshold: 1}, ch)
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff, RetryDelay: fastRetry})
	publish(t, st, a)
	ack(t, st, a, e1, manager)

	want := map[string][]string{ // subject → recipients
		"New briefing: " + a.Title + " — please read and acknowledge": {manager.Email, e1.Email},
		"Now public: " + a.Title:                         {manager.Email, e1.Email},
		"Delivery failed: " + a.Title + " on press wire": {author.Email, manager.Email},
	}
	eventually(t, 10*time.Second, "every notice sent", func() bool {
		acc, _ := srv.got()
		return len(acc) >= 6
	})
	accepted, _ := srv.got()
	got := map[string][]string{}
	for _, m := range accepted {
		got[m.subject] = append(got[m.subject], m.to)
		if strings.HasPrefix(m.subject, "Now public") && !strings.Contains(m.body, "https://news.example.com/news/"+a.Slug) {
			t.Errorf("release notice lacks the newsroom link:\n%s", m.body)
		}
		if strings.HasPrefix(m.subject, "Delivery failed") &&
			(!strings.Contains(m.body, "https://news.example.com/announcements/"+a.ID) || !strings.Contains(m.body, "410")) {
			t.Errorf("failure notice lacks the link or the error:\n%s", m.body)
		}
	}
	for subject, to := range want {
		if strings.Join(got[subject], ",") != strings.Join(to, ",") {
			t.Errorf("%q went to %v, want %v", subject, got[subject], to)
		}
	}
	if len(accepted) != 6 {
		t.Errorf("%d mails sent, want 6: %v", len(accepted), got)
	}
}

// TestNoSMTPDropsJobs: without a mailer the web inbox is the only notice,
// and the jobs do not pile up.
func TestNoSMTPDropsJobs(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	addUser(t, st, "e1@example.com", "Sales")
	publish(t, st, draft(t, st, author, briefing.Policy{}))
	if jobs, err := st.DueMailJobs(); err != nil || len(jobs) != 1 {
		t.Fatalf("due mail jobs = %v, %v; want the briefing job", jobs, err)
	}
	start(t, st, Options{})
	eventually(t, 3*time.Second, "the job dropped", func() bool {
		jobs, err := st.DueMailJobs()
		return err == nil && len(jobs) == 0
	})
}

func TestMailBackoff(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want time.Duration
	}{
		{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second},
		{9, 1280 * time.Second}, {10, 30 * time.Minute}, {100, 30 * time.Minute},
	} {
		if got := mailBackoff(tt.n); got != tt.want {
			t.Errorf("mailBackoff(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

func TestCompose(t *testing.T) {
	a := &briefing.Announcement{ID: "7", Slug: "new-pricing-7", Title: "New pricing", Summary: "Prices change.",
		Channels: []briefing.ChannelText{{ChannelID: "1"}}, TalkingPoints: "- Old contracts keep their price.",
		Changes: []briefing.Change{{Version: 2, Note: "The date moved to 3 March", Material: true}}}
	d := &briefing.Delivery{ChannelName: "press wire", Kind: channel.KindWebhook, Attempts: 8, LastError: "the receiver answered 500"}
	base := "https://n.example"
	en := testLocale(t, i18n.English, "UTC")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		kind        store.MailKind
		wantSubject string
		wantBody    []string
	}{
		{store.MailBriefing, "New briefing: New pricing — please read and acknowledge", []string{"THE-LINK", "Prices change.", "14 days"}},
		{store.MailReleased, "Now public: New pricing", []string{base + "/news/new-pricing-7", "What to tell customers:", "Old contracts keep"}},
		{store.MailReminder, "Reminder: please acknowledge New pricing", []string{"THE-LINK"}},
		{store.MailReview, "To review: New pricing", []string{base + "/reviews/7", "approves"}},
		{store.MailRevised, "Changed: New pricing — please acknowledge again", []string{"THE-LINK", "The date moved to 3 March"}},
		{store.MailDeliveryFailed, "Delivery failed: New pricing on press wire", []string{base + "/announcements/7", "answered 500", "8 attempt"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			n, err := compose(newBody(en, now), tt.kind, a, d, base)
			if err != nil {
				t.Fatal(err)
			}
			m := n.mailTo("3", store.MailRecipient{UserID: "9", Email: "x@example.com", Name: "Xenia"}, "THE-LINK", en)
			if strings.Contains(m.Text, "\x00") {
				t.Errorf("text still has a marker:\n%q", m.Text)
			}
			if m.Subject != tt.wantSubject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.wantSubject)
			}
			for _, w := range append(tt.wantBody, "Hello Xenia,") {
				if !strings.Contains(m.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, m.Text)
				}
			}
			if m.MessageID != "<job-3-9@firsthand>" || len(m.To) != 1 || m.To[0] != "x@example.com" {
				t.Errorf("mail = to %v, Message-ID %q; want x@example.com, <job-3-9@firsthand>", m.To, m.MessageID)
			}
		})
	}
	if _, err := compose(newBody(en, now), "carrier-pigeon", a, d, base); err == nil {
		t.Error("compose of an unknown kind succeeded, want an error")
	}
}

// BenchmarkBriefingMail: the briefing mail of one announcement to 1,000
// people, through a real SMTP server on loopback, from publish until the
// last message is accepted and the job is done.
//
//	go test -run '^$' -bench BriefingMail -benchtime 3x ./briefing/embargo/
func BenchmarkBriefingMail(b *testing.B) {
	const people = 1000
	st := newStore(b)
	srv := newSMTP(b, 0)
	author := addUser(b, st, "author@example.com", "PR", briefing.RoleAuthor)
	rows := make([]store.ImportRow, people)
	for i := range rows {
		rows[i] = store.ImportRow{Line: i + 2, User: briefing.User{
			Email: fmt.Sprintf("p%d@example.com", i), Name: fmt.Sprintf("Person %d", i), Department: "Sales"}}
	}
	if _, err := st.ImportUsers(rows, "bench"); err != nil {
		b.Fatal(err)
	}
	start(b, st, Options{Mailer: srv.mailer(b), MailBackoff: fastBackoff})
	sent := 0
	for b.Loop() {
		publish(b, st, draft(b, st, author, briefing.Policy{}))
		sent += people
		waitMailed(b, st, srv, sent)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "mails/s")
}
