// Package channel is the channel catalogue: every way a released
// announcement leaves Firsthand, one file per kind (catalogue.go says what
// a kind declares). A Sender makes one attempt; retrying, backing off and
// disabling a channel are the outbox's business, which decides from the
// *Error a failed attempt returns. Every connection goes through the
// GuardedDialer (dialer.go).
package channel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SendTimeout bounds one attempt: the contract counts no answer within 10 s
// as a failure to retry.
const SendTimeout = 10 * time.Second

// Message is what one delivery carries to one channel.
type Message struct {
	DeliveryID     string // the delivery's own id, for logs
	ReceiverID     string // what the receiver dedupes by: webhook-id, Idempotency-Key, the Message-ID's local part; random, the same on every retry
	AnnouncementID string
	Title          string
	Summary        string
	Text           string // the channel's variant text (or the summary)
	URL            string // the public newsroom page
	HTML           string // the body, rendered and sanitised at publish (the press e-mail's HTML part)
	ReleasedAt     time.Time
	// Reason and WithdrawnAt are a retraction's: why and when the
	// announcement was withdrawn.
	Reason      string
	WithdrawnAt time.Time
	// Progress is what earlier attempts of this delivery stored for a retry
	// (Bluesky's record key, Threads' container id); Save stores one more
	// entry in the delivery's row, synchronously, before the request that
	// needs it goes out. Both are empty for a test send.
	Progress map[string]string
	Save     func(key, value string) error
}

// Sender delivers a Message to one channel in one attempt. A failed attempt
// returns an *Error.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Error describes a failed send so the outbox can decide what to do next:
// Gone (410: disable the channel), RetryAfter (the receiver's Retry-After on
// 429/503, seconds or HTTP-date), Status (the HTTP status, 0 if there was
// no answer) and Timeout (no answer in time: the outcome is unknown, and
// only the idempotency key keeps a retry from being a duplicate).
// Msg never holds a secret, token or webhook URL: it is shown to authors.
type Error struct {
	Status     int
	RetryAfter time.Duration
	Gone       bool
	Timeout    bool
	Refused    bool // the allowed-hosts policy refused the destination: retrying cannot help
	// Permanent: the platform refused for a reason a retry cannot change
	// (an expired or revoked token, a text it will never take): failed now.
	Permanent bool
	// TellAdmins: only an admin can fix it (connect the account again).
	TellAdmins bool
	Msg        string
	err        error // the cause, for errors.Is; stripped of URLs
}

// Error returns Msg, which is safe to store and show.
func (e *Error) Error() string { return e.Msg }

// Unwrap exposes the cause, so that errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.err }

// snippetLen is how much of a refusal's body goes into the message: enough
// for "channel_is_archived" or a JSON error, too little to flood the log.
const snippetLen = 200

// post sends body to u and turns anything but a 2xx answer into an *Error.
// secrets are cut out of the message in case a receiver echoes them.
func post(ctx context.Context, client *http.Client, u string, header http.Header, body []byte, secrets ...string) error {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		// The error would quote the URL, which may be the secret itself.
		return &Error{Msg: "the channel URL is not valid"}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return transportError(err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, snippetLen))
	// Drain a little more so the connection can be reused; a receiver that
	// answers with megabytes gets its connection closed instead.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	text := strings.ToValidUTF8(string(snippet), "")
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	e := &Error{
		Status: resp.StatusCode,
		Gone:   resp.StatusCode == http.StatusGone,
		Msg:    fmt.Sprintf("the receiver answered %d %s: %q", resp.StatusCode, http.StatusText(resp.StatusCode), text),
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = retryAfter(resp.Header, time.Now())
	}
	return e
}

// transportError describes a request that got no answer. The *url.Error
// wrapper is dropped because it quotes the URL, and a Slack URL is a secret.
func transportError(err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var re *RefusedError
	if errors.As(err, &re) {
		return &Error{Refused: true, Msg: re.Error(), err: err}
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &Error{Timeout: true, Msg: "no answer in time: the receiver may or may not have it", err: err}
	}
	return &Error{Msg: "no answer: " + err.Error(), err: err}
}

// retryAfter reads how long the receiver asks us to wait: Retry-After in
// seconds or as an HTTP-date, else Mastodon's X-RateLimit-Reset (an ISO
// 8601 instant), else zero (the outbox's own backoff applies).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil {
			return time.Duration(max(s, 0)) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	return 0
}

// urlSecrets lists the parts of a URL that may be a credential: a Slack
// URL's path is its token, a webhook URL may carry one in its query.
func urlSecrets(raw string) []string {
	s := []string{raw}
	if u, err := url.Parse(raw); err == nil {
		if len(u.Path) > 1 {
			s = append(s, u.Path, u.EscapedPath())
		}
		if u.RawQuery != "" {
			s = append(s, u.RawQuery)
		}
	}
	return s
}

// checkMessage rejects a message no receiver could deduplicate.
func checkMessage(m Message) error {
	if m.DeliveryID == "" || m.ReceiverID == "" {
		return &Error{Msg: "the message has no delivery ID or receiver ID, so a retry could not be recognised"}
	}
	return nil
}
