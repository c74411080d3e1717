package channel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

func newTestEmail(t *testing.T, addr string) Sender {
	t.Helper()
	m, err := NewMailer("smtp://"+addr, "Firsthand <news@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(briefing.Channel{Name: "press list", Kind: briefing.KindEmail, Config: briefing.ChannelConfig{
		To: []string{"press@example.com", "partners@example.org"}, SubjectPrefix: "[News] ",
	}}, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEmailDelivery(t *testing.T) {
	be := &smtpBackend{}
	s := newTestEmail(t, startSMTP(t, be, nil, false))
	// Twice, as after a crash between sending and recording: both must carry
	// the same Message-ID so the resend is recognisable.
	for range 2 {
		if err := s.Send(t.Context(), testMessage()); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	msgs := be.messages()
	if len(msgs) != 2 {
		t.Fatalf("server got %d messages, want 2", len(msgs))
	}
	for i, got := range msgs {
		if strings.Join(got.to, ",") != "press@example.com,partners@example.org" {
			t.Errorf("message %d: recipients %v, want the channel's list", i, got.to)
		}
		h, body := parseMail(t, got.data)
		if s := decodedSubject(t, h); s != "[News] New pricing from 1 March" {
			t.Errorf("message %d: Subject = %q", i, s)
		}
		if id := h.Get("Message-Id"); id != "<"+testDeliveryID+"@firsthand>" {
			t.Errorf("message %d: Message-ID = %q, want <%s@firsthand>", i, id, testDeliveryID)
		}
		want := "Our plans get simpler & cheaper.\n\nhttps://news.example.com/news/new-pricing\n"
		if body != want {
			t.Errorf("message %d: body = %q, want %q", i, body, want)
		}
	}
}

func TestEmailRefused(t *testing.T) {
	be := &smtpBackend{refuseRcpt: "partners@example.org"}
	s := newTestEmail(t, startSMTP(t, be, nil, false))
	err := s.Send(t.Context(), testMessage())
	var e *Error
	if !errors.As(err, &e) || e.Timeout || !strings.Contains(e.Msg, "550") {
		t.Fatalf("Send with a refused recipient = %#v, want *Error with the server's 550", err)
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
		"dlv_0123":       "<dlv_0123@firsthand>",
		"a b<c>@d\r\ne":  "<a-b-c--d--e@firsthand>",
		"ünï.cödé-1+2=3": "<-n-.c-d--1+2=3@firsthand>",
	}
	for in, want := range tests {
		if got := MessageID(in); got != want {
			t.Errorf("MessageID(%q) = %q, want %q", in, got, want)
		}
	}
}
