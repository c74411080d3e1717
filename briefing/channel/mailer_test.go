package channel

import (
	"bytes"
	"context"
	"errors"
	"firsthand/briefing/testkit"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// parseMail reads a received message: its headers and decoded text body.
func parseMail(t *testing.T, data []byte) (mail.Header, string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received mail does not parse: %v\n%s", err, data)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header, strings.ReplaceAll(string(b), "\r\n", "\n")
}

func decodedSubject(t *testing.T, h mail.Header) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject %q: %v", h.Get("Subject"), err)
	}
	return s
}

func TestNewMailer(t *testing.T) {
	good := []struct {
		url            string
		host           string
		port           int
		implicit       bool
		user, password string
	}{
		{"smtp://mail.example.com", "mail.example.com", 587, false, "", ""},
		{"smtp://127.0.0.1:2525", "127.0.0.1", 2525, false, "", ""},
		{"smtps://news%40example.com:p%40ss@mail.example.com", "mail.example.com", 465, true, "news@example.com", "p@ss"},
		{"smtps://u:p@[::1]:1465", "::1", 1465, true, "u", "p"},
	}
	for _, tt := range good {
		m, err := NewMailer(tt.url, "Firsthand <news@example.com>")
		if err != nil {
			t.Errorf("NewMailer(%q): %v", tt.url, err)
			continue
		}
		if m.host != tt.host || m.port != tt.port || m.implicit != tt.implicit || m.user != tt.user || m.pass != tt.password {
			t.Errorf("NewMailer(%q) = %+v, want host %s port %d implicit %v user %q", tt.url, m, tt.host, tt.port, tt.implicit, tt.user)
		}
	}
	bad := []struct{ url, from string }{
		{"smtp://u:s3cretpw@mail.example.com:notaport", "news@example.com"},
		{"smtp://u:s3cretpw@mail.example.com:70000", "news@example.com"},
		{"smtp://u:s3cretpw@[::1", "news@example.com"},
		{"http://u:s3cretpw@mail.example.com", "news@example.com"},
		{"smtp://u:s3cretpw@", "news@example.com"},
		{"smtp://u:s3cretpw@mail.example.com", "not an address"},
		{"", "news@example.com"},
	}
	for _, tt := range bad {
		_, err := NewMailer(tt.url, tt.from)
		if err == nil {
			t.Errorf("NewMailer(%q, %q) = nil error, want an error", tt.url, tt.from)
		} else if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("NewMailer(%q) error %q quotes the password", tt.url, err)
		}
	}
}

func TestMailerSend(t *testing.T) {
	be := testkit.StartSMTP(t, testkit.SMTPOptions{})
	addr := be.Addr
	m, err := NewMailer("smtp://"+addr, "Firsthand <news@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(t.Context(), Mail{
		To:        []string{"a@example.com", "b@example.org"},
		Subject:   "Grüße\r\nBcc: evil@example.com",
		Text:      "Hallo Presse.\n",
		MessageID: "<fixed-id@firsthand>",
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := be.Mails()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "news@example.com" || strings.Join(got.To, ",") != "a@example.com,b@example.org" {
		t.Errorf("envelope from %q to %v, want news@example.com to a@…, b@…", got.From, got.To)
	}
	h, body := parseMail(t, got.Data)
	if s := decodedSubject(t, h); s != "Grüße Bcc: evil@example.com" {
		t.Errorf("Subject = %q, want the line break flattened", s)
	}
	if h.Get("Bcc") != "" {
		t.Errorf("a Bcc header was injected through the subject")
	}
	if id := h.Get("Message-Id"); id != "<fixed-id@firsthand>" {
		t.Errorf("Message-ID = %q, want <fixed-id@firsthand>", id)
	}
	if h.Get("Date") == "" {
		t.Error("no Date header")
	}
	if body != "Hallo Presse.\n" {
		t.Errorf("body = %q", body)
	}
}

func TestMailerAuth(t *testing.T) {
	be := testkit.StartSMTP(t, testkit.SMTPOptions{User: "news@example.com", Pass: "right-pass"})
	addr := be.Addr
	m, _ := NewMailer("smtp://news%40example.com:right-pass@"+addr, "news@example.com")
	if err := m.Send(t.Context(), Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t"}); err != nil {
		t.Fatalf("Send with credentials: %v", err)
	}
	if msgs := be.Mails(); len(msgs) != 1 || msgs[0].AuthUser != "news@example.com" {
		t.Fatalf("server got %+v, want one message sent as news@example.com", msgs)
	}
	wrong, _ := NewMailer("smtp://news%40example.com:wrong-pass@"+addr, "news@example.com")
	err := wrong.Send(t.Context(), Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("Send with a wrong password = nil, want an error")
	}
	if strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("error %q quotes the password", err)
	}
}

func TestMailerTLS(t *testing.T) {
	serverCfg, clientCfg := testkit.TLSPair(t)
	for _, tt := range []struct {
		scheme   string
		implicit bool
	}{{"smtp", false}, {"smtps", true}} {
		t.Run(tt.scheme, func(t *testing.T) {
			be := testkit.StartSMTP(t, testkit.SMTPOptions{User: "u", Pass: "p", TLS: serverCfg, Implicit: tt.implicit})
			addr := be.Addr
			m, err := NewMailer(tt.scheme+"://u:p@"+addr, "news@example.com")
			if err != nil {
				t.Fatal(err)
			}
			m.tlsConfig = clientCfg
			if err := m.Send(t.Context(), Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t"}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if msgs := be.Mails(); len(msgs) != 1 || !msgs[0].TLS {
				t.Fatalf("server got %+v, want one message over TLS", msgs)
			}
		})
	}
	t.Run("untrusted certificate", func(t *testing.T) {
		be := testkit.StartSMTP(t, testkit.SMTPOptions{TLS: serverCfg, Implicit: true})
		addr := be.Addr
		m, _ := NewMailer("smtps://"+addr, "news@example.com")
		if err := m.Send(t.Context(), Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t"}); err == nil {
			t.Fatal("Send to a server with an untrusted certificate = nil, want an error")
		}
	})
}

func TestMailerRefused(t *testing.T) {
	be := testkit.StartSMTP(t, testkit.SMTPOptions{RcptErr: map[string]*smtp.SMTPError{
		"gone@example.com": testkit.NoSuchUser("gone@example.com"),
	}})
	addr := be.Addr
	m, _ := NewMailer("smtp://"+addr, "news@example.com")
	err := m.Send(t.Context(), Mail{To: []string{"gone@example.com"}, Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("Send to a refused recipient = %v, want an error with the server's 550", err)
	}
	if len(be.Mails()) != 0 {
		t.Error("the server stored a message for a refused recipient")
	}
	if err := m.Send(t.Context(), Mail{Subject: "s", Text: "t"}); err == nil {
		t.Error("Send without recipients = nil, want an error")
	}
}

// TestMailerSendAll: many mails over one connection (STARTTLS and login
// once), each with its own envelope and Message-ID; it stops at a mail the
// server refuses for good and says so.
func TestMailerSendAll(t *testing.T) {
	serverCfg, clientCfg := testkit.TLSPair(t)
	be := testkit.StartSMTP(t, testkit.SMTPOptions{User: "u", Pass: "p", Drop: "drop@example.com", RcptErr: map[string]*smtp.SMTPError{
		"gone@example.com":  testkit.NoSuchUser("gone@example.com"),
		"busy@example.com":  {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"},
		"relay@example.com": {Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relay access denied"},
	}, TLS: serverCfg})
	addr := be.Addr
	m, err := NewMailer("smtp://u:p@"+addr, "news@example.com")
	if err != nil {
		t.Fatal(err)
	}
	m.tlsConfig = clientCfg
	mail := func(to string) Mail {
		return Mail{To: []string{to}, Subject: "s", Text: "t", MessageID: "<" + to + ">"}
	}
	sent, err := m.SendAll(t.Context(), []Mail{mail("a@example.com"), mail("b@example.com"), mail("c@example.com")})
	if sent != 3 || err != nil {
		t.Fatalf("SendAll of 3 = %d, %v; want 3, nil", sent, err)
	}
	msgs := be.Mails()
	for i, to := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		if i >= len(msgs) || strings.Join(msgs[i].To, ",") != to || !msgs[i].TLS || msgs[i].AuthUser != "u" {
			t.Fatalf("message %d = %+v, want one to %s over TLS as u", i, msgs, to)
		}
		if h, _ := parseMail(t, msgs[i].Data); h.Get("Message-Id") != "<"+to+">" {
			t.Errorf("message to %s has Message-ID %q", to, h.Get("Message-Id"))
		}
	}
	if conns := be.Connections(); conns != 1 {
		t.Errorf("3 mails took %d connections, want 1", conns)
	}

	// Refused for good: that person's mail only.
	for _, tt := range []struct {
		name string
		bad  Mail
	}{
		{"no such mailbox", mail("gone@example.com")},
		{"malformed address", mail("not an address")},
	} {
		sent, err := m.SendAll(t.Context(), []Mail{mail("d@example.com"), tt.bad, mail("e@example.com")})
		if sent != 1 || !errors.Is(err, ErrRefused) {
			t.Errorf("%s: SendAll = %d, %v; want 1 sent and ErrRefused", tt.name, sent, err)
		}
		if err != nil && strings.Contains(err.Error(), tt.bad.To[0]) {
			t.Errorf("%s: the error quotes the address: %v", tt.name, err)
		}
	}
	// About the server, not the person: retried for everyone, never skipped.
	for _, to := range []string{"busy@example.com", "relay@example.com", "drop@example.com"} {
		sent, err := m.SendAll(t.Context(), []Mail{mail("f@example.com"), mail(to)})
		if sent != 1 || err == nil || errors.Is(err, ErrRefused) {
			t.Errorf("%s: SendAll = %d, %v; want 1 sent and an error that is not ErrRefused", to, sent, err)
		}
	}
	if sent, err := m.SendAll(t.Context(), nil); sent != 0 || err != nil {
		t.Errorf("SendAll of nothing = %d, %v; want 0, nil", sent, err)
	}
}

// silentSMTP accepts connections and never says a word, like a server
// that hangs after the TCP handshake.
func silentSMTP(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}

func TestMailerTimeout(t *testing.T) {
	m, _ := NewMailer("smtp://"+silentSMTP(t), "news@example.com")
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.Send(ctx, Mail{To: []string{"a@example.com"}, Subject: "s", Text: "t"})
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Send to a silent server = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %v, want it to give up near the 200ms deadline", d)
	}
}
