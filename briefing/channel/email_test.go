package channel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/testkit"

	"github.com/emersion/go-smtp"
)

func newTestEmail(t *testing.T, addr string) Sender {
	t.Helper()
	m, err := NewMailer("smtp://"+addr, "Firsthand <news@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(briefing.Channel{Name: "press list", Kind: KindEmail, Config: ConfigJSON(EmailConfig{
		To: []string{"press@example.com", "partners@example.org"}, SubjectPrefix: "[News] ",
	})}, Env{Mailer: m, Dialer: testEnv.Dialer, MessageIDHost: "news.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEmailDelivery: each address gets its own mail (nobody sees the
// others; this used to be one mail with every address in To),
// multipart/alternative with the text and the sanitised body as HTML, a
// Message-ID in the base URL's domain, and From with a display name.
func TestEmailDelivery(t *testing.T) {
	be := testkit.StartSMTP(t, testkit.SMTPOptions{})
	s := newTestEmail(t, be.Addr)
	m := testMessage()
	m.HTML = "<p>The <strong>new</strong> plans.</p>"
	// Twice, as after a crash between sending and recording: both must carry
	// the same Message-ID so the resend is recognisable.
	for range 2 {
		if err := s.Send(t.Context(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	msgs := be.Mails()
	if len(msgs) != 4 {
		t.Fatalf("server got %d messages, want 4 (2 sends x 2 addresses)", len(msgs))
	}
	seen := map[string]int{}
	for i, got := range msgs {
		if len(got.To) != 1 {
			t.Fatalf("message %d: envelope recipients %v, want exactly one", i, got.To)
		}
		seen[got.To[0]]++
		msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
		if err != nil {
			t.Fatal(err)
		}
		h := msg.Header
		if to := h.Get("To"); !strings.Contains(to, got.To[0]) || strings.Contains(to, ",") {
			t.Errorf("message %d: To = %q, want only %s", i, to, got.To[0])
		}
		if s := decodedSubject(t, h); s != "[News] New pricing from 1 March" {
			t.Errorf("message %d: Subject = %q", i, s)
		}
		if id := h.Get("Message-Id"); id != "<"+testReceiverID+"@news.example.com>" {
			t.Errorf("message %d: Message-ID = %q, want <%s@news.example.com>", i, id, testReceiverID)
		}
		if from := h.Get("From"); !strings.Contains(from, `"Firsthand" <news@example.com>`) && !strings.Contains(from, `Firsthand <news@example.com>`) {
			t.Errorf("message %d: From = %q, want the display name Firsthand", i, from)
		}
		mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil || mt != "multipart/alternative" {
			t.Fatalf("message %d: Content-Type %q, want multipart/alternative", i, h.Get("Content-Type"))
		}
		parts := map[string]string{}
		mr := multipart.NewReader(msg.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
			var r io.Reader = p
			if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				r = quotedprintable.NewReader(p)
			}
			b, _ := io.ReadAll(r)
			parts[ct] = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
		if want := "Our plans get simpler & cheaper.\n\nhttps://news.example.com/news/new-pricing\n"; parts["text/plain"] != want {
			t.Errorf("message %d: text part = %q, want %q", i, parts["text/plain"], want)
		}
		if h := parts["text/html"]; !strings.Contains(h, "<p>The <strong>new</strong> plans.</p>") || !strings.Contains(h, "Our plans get simpler &amp; cheaper.") {
			t.Errorf("message %d: HTML part = %q, want the body and the escaped text", i, h)
		}
	}
	if seen["press@example.com"] != 2 || seen["partners@example.org"] != 2 {
		t.Errorf("recipients %v, want each address twice", seen)
	}
}

// TestEmailRefused: a mailbox refused for good does not keep the other
// addresses from getting theirs.
func TestEmailRefused(t *testing.T) {
	be := testkit.StartSMTP(t, testkit.SMTPOptions{RcptErr: map[string]*smtp.SMTPError{
		"press@example.com": testkit.NoSuchUser("press@example.com"),
	}})
	s := newTestEmail(t, be.Addr)
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatalf("Send with one refused mailbox = %v, want the others sent", err)
	}
	msgs := be.Mails()
	if len(msgs) != 1 || msgs[0].To[0] != "partners@example.org" {
		t.Fatalf("delivered %v, want partners@example.org's mail only", msgs)
	}
}

func TestEmailTimeout(t *testing.T) {
	s := newTestEmail(t, silentSMTP(t))
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, testMessage())
	var e *Error
	if !errors.As(err, &e) || !e.Timeout {
		t.Fatalf("Send to a silent server = %#v, want *Error with Timeout", err)
	}
}

func TestMessageID(t *testing.T) {
	tests := map[string]string{
		"dlv_0123":       "<dlv_0123@news.example.com>",
		"a b<c>@d\r\ne":  "<a-b-c--d--e@news.example.com>",
		"ünï.cödé-1+2=3": "<-n-.c-d--1+2=3@news.example.com>",
	}
	for in, want := range tests {
		if got := MessageID(in, "news.example.com"); got != want {
			t.Errorf("MessageID(%q) = %q, want %q", in, got, want)
		}
	}
}
