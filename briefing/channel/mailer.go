package channel

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Mailer sends mail through one SMTP server. It holds settings only and
// dials per Send, so it is safe for concurrent use and survives a server
// restart without reconnect logic.
type Mailer struct {
	host      string
	port      int
	implicit  bool // smtps: TLS from the first byte; smtp: STARTTLS when offered
	user      string
	pass      string
	from      string      // the bare address
	fromName  string      // its display name (FIRSTHAND_MAIL_FROM_NAME)
	tlsConfig *tls.Config // nil: the system's roots; tests trust their own
}

// Mail is one message to one or more recipients.
type Mail struct {
	To      []string
	Subject string
	Text    string
	// HTML, when set, makes the mail multipart/alternative: Text and HTML.
	HTML string
	// MessageID, with or without angle brackets, e.g. "<id@firsthand>". It
	// is stable across resends of one delivery, so that a resend is
	// recognisable as the same message (and threaded with it).
	MessageID string
	// Language, when set, is the Content-Language of the text (RFC 3282):
	// "de" or "en", so a mail client or a screen reader reads it as such.
	Language string
}

// NewMailer parses smtpURL and checks from. smtp://user:pass@host:port uses
// STARTTLS when the server offers it (port 587 by default), smtps:// uses
// TLS from the start (port 465 by default). Credentials are only sent over
// TLS, or to a server on the loopback interface.
func NewMailer(smtpURL, from string) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		// Not quoting err: it quotes the URL, password included.
		return nil, errors.New("SMTP URL is not a valid URL")
	}
	m := &Mailer{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		m.port = 587
	case "smtps":
		m.port, m.implicit = 465, true
	default:
		return nil, errors.New("SMTP URL must start with smtp:// or smtps://")
	}
	if m.host == "" {
		return nil, errors.New("SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		if m.port, err = strconv.Atoi(p); err != nil || m.port < 1 || m.port > 65535 {
			return nil, fmt.Errorf("SMTP URL has an invalid port %q", p)
		}
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.pass, _ = u.User.Password()
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("sender %q is not an e-mail address", from)
	}
	m.from, m.fromName = addr.Address, addr.Name
	if m.fromName == "" {
		m.fromName = DefaultFromName
	}
	return m, nil
}

// DefaultFromName is the sender's display name when none is configured.
const DefaultFromName = "Firsthand"

// SetFromName sets the sender's display name ("" keeps the default).
func (m *Mailer) SetFromName(name string) {
	if name = strings.Join(strings.Fields(name), " "); name != "" {
		m.fromName = name
	}
}

// Reach opens an SMTP session (TLS and login included) and ends it without
// sending: the preflight of an e-mail channel.
func (m *Mailer) Reach(ctx context.Context) error {
	if m == nil {
		return errors.New("SMTP is not configured")
	}
	c, err := gomail.NewClient(m.host, m.options(SendTimeout)...)
	if err != nil {
		return fmt.Errorf("SMTP client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	session, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("SMTP %s: %w", m.addr(), err)
	}
	return c.CloseWithSMTPClient(session)
}

// Send delivers mail in one SMTP session, giving up after SendTimeout.
func (m *Mailer) Send(ctx context.Context, ml Mail) error {
	msg, err := m.message(ml)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	// go-mail watches ctx only while dialling; after that each SMTP command
	// has its own timeout. Bounding that by what is left of ctx keeps a
	// silent server from holding the outbox past the caller's deadline.
	timeout, _ := ctx.Deadline()
	c, err := gomail.NewClient(m.host, m.options(max(time.Until(timeout), time.Millisecond))...)
	if err != nil {
		return fmt.Errorf("SMTP client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("SMTP %s: %w", m.addr(), err)
	}
	return nil
}

// ErrRefused marks a mail the server refused for good because of its
// recipient (no such mailbox, a malformed address): sending it again cannot
// help, and it must not hold up the mails behind it.
var ErrRefused = errors.New("refused for good")

// SendAll delivers mails one after the other over one SMTP session: a
// notification to thousands of people pays for the connection, TLS and
// login once, not once a person. It stops at the first mail the server
// does not take, or when ctx ends, and returns how many it delivered
// before that. An error wrapping ErrRefused is about that one mail's
// recipient; any other is about the server, the connection or the content,
// which would fail every mail alike. Each mail's exchange with the server
// gets SendTimeout, so a silent server cannot hold it for long. Errors name
// the SMTP codes, never the recipients: they end up in logs.
func (m *Mailer) SendAll(ctx context.Context, mails []Mail) (sent int, err error) {
	if len(mails) == 0 {
		return 0, nil
	}
	// Without go-mail's NOOP before every message: a round trip each, and
	// the message's own commands find out as soon whether the line is dead.
	c, err := gomail.NewClient(m.host, append(m.options(SendTimeout), gomail.WithoutNoop())...)
	if err != nil {
		return 0, fmt.Errorf("SMTP client: %w", err)
	}
	dctx, cancel := context.WithTimeout(ctx, SendTimeout)
	session, err := c.DialToSMTPClientWithContext(dctx)
	cancel()
	if err != nil {
		return 0, fmt.Errorf("SMTP %s: dial: %w", m.addr(), err)
	}
	defer func() {
		if err != nil {
			_ = session.Close() // the line may be dead: no QUIT to wait for
			return
		}
		_ = c.CloseWithSMTPClient(session)
	}()
	for i, ml := range mails {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		msg, err := m.message(ml)
		if err != nil {
			return i, err
		}
		if err := c.SendWithSMTPClient(session, msg); err != nil {
			if msg.IsDelivered() {
				// Accepted; only the RSET after it failed. Counting it as
				// not sent would send it again.
				i++
			}
			return i, fmt.Errorf("SMTP %s: %w", m.addr(), describeSendError(err))
		}
	}
	return len(mails), nil
}

// describeSendError keeps what go-mail says of a failed mail without the
// recipients it lists (the server's reply text may quote them too): the
// step, the SMTP code and the enhanced status code.
func describeSendError(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return err
	}
	desc := fmt.Sprintf("%s: %d %s", se.Reason, se.ErrorCode(), se.EnhancedStatusCode())
	if se.ErrorCode() == 0 {
		desc = fmt.Sprintf("%s: no answer from the server", se.Reason)
	}
	if refusedForGood(se) {
		return fmt.Errorf("%w: %s", ErrRefused, desc)
	}
	return errors.New(desc)
}

// refusedForGood: the server said this recipient's mailbox does not exist
// or takes no mail (550, 551, 553, or an enhanced status 5.1.x), or the
// address does not parse. A 554 "relay access denied", a refused content,
// a 4xx or a dropped line (no code at all) are about the server or the
// message, not the person, and would refuse everyone: they are retried.
func refusedForGood(se *gomail.SendError) bool {
	switch se.Reason {
	case gomail.ErrGetRcpts:
		return true
	case gomail.ErrSMTPRcptTo:
		if esc := se.EnhancedStatusCode(); esc != "" {
			return strings.HasPrefix(esc, "5.1.")
		}
		switch se.ErrorCode() {
		case 550, 551, 553:
			return true
		}
	}
	return false
}

// message builds the go-mail message of ml.
func (m *Mailer) message(ml Mail) (*gomail.Msg, error) {
	if len(ml.To) == 0 {
		return nil, errors.New("mail has no recipients")
	}
	msg := gomail.NewMsg()
	if err := msg.FromFormat(m.fromName, m.from); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if err := msg.To(ml.To...); err != nil {
		// Not quoting err: it quotes the address, and this ends up in logs.
		return nil, fmt.Errorf("%w: a recipient's address does not parse", ErrRefused)
	}
	// Line breaks in a subject would start new headers.
	msg.Subject(strings.Join(strings.Fields(ml.Subject), " "))
	if id := strings.Trim(ml.MessageID, "<>"); id != "" {
		msg.SetMessageIDWithValue(id)
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	if ml.Language != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, ml.Language)
	}
	msg.SetBodyString(gomail.TypeTextPlain, ml.Text)
	if ml.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, ml.HTML)
	}
	return msg, nil
}

func (m *Mailer) addr() string { return net.JoinHostPort(m.host, strconv.Itoa(m.port)) }

func (m *Mailer) options(timeout time.Duration) []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(m.port), gomail.WithTimeout(timeout)}
	if m.implicit {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if m.tlsConfig != nil {
		cfg := m.tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = m.host
		}
		opts = append(opts, gomail.WithTLSConfig(cfg))
	}
	if m.user != "" {
		auth := gomail.SMTPAuthAutoDiscover // picks PLAIN or LOGIN only over TLS
		if isLoopback(m.host) {
			// Nothing crosses the network; a local relay often has no TLS.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(m.user), gomail.WithPassword(m.pass))
	}
	return opts
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
