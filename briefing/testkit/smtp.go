package testkit

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions is how an SMTP server behaves. Change it mid-test with
// (*SMTP).Set.
type SMTPOptions struct {
	User, Pass string                     // when set, AUTH PLAIN with these is required
	RcptErr    map[string]*smtp.SMTPError // the answer to RCPT TO, by recipient; "*" for every recipient
	Drop       string                     // at RCPT TO for this recipient the server hangs up
	FailData   int                        // the first FailData DATA commands are answered 451
	PerConn    int                        // if > 0, a connection takes this many mails, then 421
	TLS        *tls.Config                // offered with STARTTLS, or from the first byte with Implicit
	Implicit   bool
}

// Mail is one message the server received.
type Mail struct {
	At       time.Time // when DATA ended
	From     string
	To       []string
	Data     []byte
	TLS      bool
	AuthUser string
}

// Header parses the message's header.
func (m Mail) Header() mail.Header {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return mail.Header{}
	}
	return msg.Header
}

// Subject is the decoded Subject header.
func (m Mail) Subject() string {
	s, _ := new(mime.WordDecoder).DecodeHeader(m.Header().Get("Subject"))
	return s
}

// Body is the message body, quoted-printable decoded, with \n line ends.
// A multipart message's body is returned undecoded.
func (m Mail) Body() string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, _ := io.ReadAll(r)
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// SMTP is a real SMTP server (github.com/emersion/go-smtp) on loopback
// that keeps what it accepts and what it refused at DATA.
type SMTP struct {
	Addr string

	mu       sync.Mutex
	opt      SMTPOptions
	accepted []Mail
	rejected []Mail
	conns    map[*smtp.Conn]bool // STARTTLS starts a new session on the same connection
	datas    int
}

// StartSMTP serves on 127.0.0.1 until the test ends.
func StartSMTP(t testing.TB, opt SMTPOptions) *SMTP {
	t.Helper()
	s := &SMTP{opt: opt, conns: map[*smtp.Conn]bool{}}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	var err error
	if opt.Implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", opt.TLS)
	} else {
		srv.TLSConfig = opt.TLS
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Set changes how the server behaves from now on.
func (s *SMTP) Set(change func(*SMTPOptions)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(&s.opt)
}

// Mails returns the accepted messages, in order.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.accepted...)
}

// Rejected returns the messages answered 451 at DATA.
func (s *SMTP) Rejected() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.rejected...)
}

// Connections is how many connections clients opened.
func (s *SMTP) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// NewSession implements smtp.Backend.
func (s *SMTP) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = true
	return &smtpSession{s: s, conn: c}, nil
}

type smtpSession struct {
	s        *SMTP
	conn     *smtp.Conn
	authUser string
	msg      Mail
	mails    int // accepted on this connection's session
}

func (ss *smtpSession) AuthMechanisms() []string {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.opt.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		ss.s.mu.Lock()
		defer ss.s.mu.Unlock()
		if user != ss.s.opt.User || pass != ss.s.opt.Pass {
			return smtp.ErrAuthFailed
		}
		ss.authUser = user
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.opt.User != "" && ss.authUser == "" {
		return smtp.ErrAuthRequired
	}
	if ss.s.opt.PerConn > 0 && ss.mails >= ss.s.opt.PerConn {
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "too many mails, come back"}
	}
	ss.msg = Mail{From: from, AuthUser: ss.authUser}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if e := ss.s.opt.RcptErr[to]; e != nil {
		return e
	}
	if e := ss.s.opt.RcptErr["*"]; e != nil {
		return e
	}
	if to != "" && to == ss.s.opt.Drop {
		ss.conn.Close()
		return errors.New("gone")
	}
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.msg.Data, ss.msg.At = data, time.Now()
	_, ss.msg.TLS = ss.conn.TLSConnectionState()
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.datas++
	if ss.s.datas <= ss.s.opt.FailData {
		ss.s.rejected = append(ss.s.rejected, ss.msg)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.s.accepted = append(ss.s.accepted, ss.msg)
	ss.mails++
	return nil
}

func (ss *smtpSession) Reset()        { ss.msg = Mail{AuthUser: ss.authUser} }
func (ss *smtpSession) Logout() error { return nil }

// NoSuchUser is the answer a mail server gives for a mailbox that does not exist.
func NoSuchUser(to string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user " + to}
}
