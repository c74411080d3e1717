package testkit

import (
	"net/smtp"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

func send(addr, to, body string) error {
	return smtp.SendMail(addr, nil, "from@example.com", []string{to}, []byte(body))
}

func TestSMTPKeepsWhatItAccepts(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{FailData: 1})
	msg := "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nZ=C3=BCrich\r\n"
	if err := send(s.Addr, "a@example.com", msg); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("first DATA: err = %v, want a 451", err)
	}
	if err := send(s.Addr, "a@example.com", msg); err != nil {
		t.Fatal(err)
	}
	got := s.Mails()
	if len(got) != 1 || len(s.Rejected()) != 1 {
		t.Fatalf("accepted %d, rejected %d; want 1 and 1", len(got), len(s.Rejected()))
	}
	if m := got[0]; m.Subject() != "Grüße" || m.Body() != "Zürich\n" || m.To[0] != "a@example.com" {
		t.Errorf("mail = subject %q body %q to %v", m.Subject(), m.Body(), m.To)
	}
	if n := s.Connections(); n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

func TestSMTPRefusesAsConfigured(t *testing.T) {
	s := StartSMTP(t, SMTPOptions{})
	s.Set(func(o *SMTPOptions) {
		o.RcptErr = map[string]*gosmtp.SMTPError{"gone@example.com": NoSuchUser("gone@example.com")}
	})
	if err := send(s.Addr, "gone@example.com", "\r\nx\r\n"); err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("refused mailbox: err = %v, want a 550", err)
	}
	if err := send(s.Addr, "ok@example.com", "\r\nx\r\n"); err != nil {
		t.Errorf("another mailbox: %v", err)
	}
	if n := len(s.Mails()); n != 1 {
		t.Errorf("accepted %d mails, want 1", n)
	}
}
