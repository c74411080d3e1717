package channel

import (
	"context"
	"errors"
	"net"
	"strings"

	"firsthand/briefing"
)

// email sends an announcement to a fixed list of addresses.
type email struct {
	to     []string
	prefix string
	mailer *Mailer
}

func newEmail(c briefing.ChannelConfig, mailer *Mailer) (*email, error) {
	if len(c.To) == 0 {
		return nil, errors.New("e-mail channel: no recipients")
	}
	return &email{to: c.To, prefix: c.SubjectPrefix, mailer: mailer}, nil
}

// MessageID is the Message-ID of a delivery's mail. It is derived from the
// delivery ID alone, so every resend carries the same one and mail clients
// and list archives can recognise the duplicate.
func MessageID(deliveryID string) string {
	// A msg-id allows only atext and dots on the left of the "@"; anything
	// else in an ID would make the header invalid.
	id := strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+=", r)) {
			return r
		}
		return '-'
	}, deliveryID)
	return "<" + id + "@firsthand>"
}

// Send mails the announcement: subject prefix and title, then the text and
// the link to the newsroom.
func (e *email) Send(ctx context.Context, m Message) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	body := strings.TrimSpace(m.Text)
	if m.URL != "" {
		body += "\n\n" + m.URL
	}
	err := e.mailer.Send(ctx, Mail{
		To:        e.to,
		Subject:   e.prefix + m.Title,
		Text:      strings.TrimSpace(body) + "\n",
		MessageID: MessageID(m.DeliveryID),
	})
	if err == nil {
		return nil
	}
	var ne net.Error
	timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	return &Error{Timeout: timeout, Msg: "e-mail: " + err.Error(), err: err}
}
