package channel

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/mail"
	"strings"

	"firsthand/briefing"
)

// KindEmail is a press or partner list: every address gets its own mail.
const KindEmail briefing.ChannelKind = "email"

// EmailConfig is an e-mail channel's config.
type EmailConfig struct {
	To            []string `json:"to"`
	SubjectPrefix string   `json:"subject_prefix,omitempty"`
}

func (c *EmailConfig) validate() error {
	if len(c.To) == 0 {
		return briefing.Invalid("config.to", "at least one address is required")
	}
	for i, a := range c.To {
		addr, err := mail.ParseAddress(strings.TrimSpace(a))
		if err != nil {
			return briefing.Invalid("config.to", "address %d (%q) is not an e-mail address", i, a)
		}
		c.To[i] = addr.String()
	}
	c.SubjectPrefix = strings.Join(strings.Fields(c.SubjectPrefix), " ")
	if c.SubjectPrefix != "" {
		c.SubjectPrefix += " "
	}
	return nil
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			// The stable Message-ID lets mail clients and archives recognise
			// a resend as the same message.
			Kind: KindEmail, Label: "E-mail list", Order: 50, Retry: briefing.RetryIdempotent,
			Validate: validated(func(c *EmailConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return briefing.MaxChannelText },
		},
		Hint:      "Press list or partners, through the configured SMTP server: each address gets its own mail.",
		NeedsMail: true,
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[EmailConfig](raw)
			return strings.Join(c.To, ", ")
		},
		Fields: []Field{
			{Name: "to", Label: "To", Type: "list", Hint: "Addresses separated by commas or lines. Nobody sees the others."},
			{Name: "subject_prefix", Label: "Subject prefix", Type: "text", Optional: true, Hint: "e.g. [Press]"},
		},
		New: func(ch briefing.Channel, env Env) (Sender, error) {
			c, err := configOf[EmailConfig](ch.Config)
			if err != nil {
				return nil, err
			}
			if len(c.To) == 0 {
				return nil, errors.New("e-mail channel: no recipients")
			}
			return &email{to: c.To, prefix: c.SubjectPrefix, mailer: env.Mailer, idHost: env.MessageIDHost}, nil
		},
		Check: func(ctx context.Context, _ briefing.Channel, env Env) Result {
			if err := env.Mailer.Reach(ctx); err != nil {
				return Result{Message: "the SMTP server did not take a connection: " + err.Error()}
			}
			return Result{OK: true, Message: "the SMTP server answered; nothing was sent"}
		},
	})
}

// email sends an announcement to a fixed list of addresses, one mail each.
type email struct {
	to     []string
	prefix string
	mailer *Mailer
	idHost string
}

// MessageID is the Message-ID of a delivery's mail: the delivery's id (the
// receiver-facing id, the same on every resend) at the base URL's host, so
// mail clients and list archives recognise a resend as the same message.
// host "" falls back to "firsthand".
func MessageID(deliveryID, host string) string {
	clean := func(s string) string {
		// A msg-id allows only atext and dots on either side of the "@".
		return strings.Map(func(r rune) rune {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+=", r)) {
				return r
			}
			return '-'
		}, s)
	}
	if host == "" {
		host = "firsthand"
	}
	return "<" + clean(deliveryID) + "@" + clean(host) + ">"
}

// Send mails the announcement to each address on its own (nobody sees the
// others): the title with the prefix, the text and the newsroom link, and
// the sanitised body as the HTML part. One session carries all of them; a
// mailbox refused for good is skipped, anything else fails the attempt,
// and the resend carries the same Message-ID.
func (e *email) Send(ctx context.Context, m Message) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	text := strings.TrimSpace(m.Text)
	if m.URL != "" {
		text += "\n\n" + m.URL
	}
	mails := make([]Mail, len(e.to))
	for i, to := range e.to {
		mails[i] = Mail{
			To:        []string{to},
			Subject:   e.prefix + m.Title,
			Text:      strings.TrimSpace(text) + "\n",
			HTML:      pressHTML(m),
			MessageID: MessageID(m.ReceiverID, e.idHost),
		}
	}
	rest, delivered := mails, 0
	for len(rest) > 0 {
		n, err := e.mailer.SendAll(ctx, rest)
		delivered += n
		if err == nil {
			return nil
		}
		if errors.Is(err, ErrRefused) && n < len(rest) {
			rest = rest[n+1:] // that one mailbox does not exist: the others still get theirs
			if len(rest) == 0 && delivered == 0 {
				return &Error{Msg: "e-mail: every address was refused", err: err}
			}
			continue
		}
		var ne net.Error
		timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
		return &Error{Timeout: timeout, Msg: "e-mail: " + err.Error(), err: err}
	}
	return nil
}
