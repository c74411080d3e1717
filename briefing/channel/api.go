package channel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"
)

// apiCall is one request to a platform's API.
type apiCall struct {
	method  string
	url     string
	header  http.Header
	body    []byte
	secrets []string // cut out of any message, in case the platform echoes them
}

// apiAnswer is a platform's answer: status, headers and up to 1 MiB of body.
type apiAnswer struct {
	status  int
	header  http.Header
	body    []byte
	secrets []string // the request's, cut out of a refusal's message
}

// maxAnswer bounds what is read of a platform's answer.
const maxAnswer = 1 << 20

// do makes one request, within SendTimeout (and ctx). No answer is an
// *Error: with Timeout set when the request had been written, because then
// the platform may have acted on it (a post without an idempotency key is
// unconfirmed), and without when it never left (safe to retry).
func do(ctx context.Context, client *http.Client, c apiCall) (*apiAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	var wrote atomic.Bool // set on the transport's goroutine
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { wrote.Store(i.Err == nil) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), c.method, c.url, body)
	if err != nil {
		return nil, &Error{Permanent: true, Msg: "the platform address is not valid"}
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		e := transportError(err)
		if wrote.Load() && !e.Refused {
			e.Timeout = true
			e.Msg = "no answer (" + strings.TrimPrefix(e.Msg, "no answer: ") + "): the platform may or may not have it"
		} else if e.Timeout {
			// Never written (the connection was not even opened in time):
			// nothing reached the platform, a retry is safe.
			e.Timeout = false
			e.Msg = "no connection in time: nothing was sent"
		}
		e.Msg = redact(e.Msg, c.secrets)
		return nil, e
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		// The status came, the body broke off: the platform answered, but
		// what it said is lost. For a post, that is an unknown outcome.
		return nil, &Error{Timeout: true, Status: resp.StatusCode, Msg: fmt.Sprintf("the answer (%d) broke off: the platform may or may not have it", resp.StatusCode), err: err}
	}
	return &apiAnswer{status: resp.StatusCode, header: resp.Header, body: b, secrets: c.secrets}, nil
}

// ok reports a 2xx answer.
func (a *apiAnswer) ok() bool { return a.status >= 200 && a.status < 300 }

// refusal is the *Error for an answer that is not a success: the platform,
// the status and a snippet of what it said, secrets cut out.
func (a *apiAnswer) refusal(platform string) *Error {
	snippet := a.body
	if len(snippet) > snippetLen {
		snippet = snippet[:snippetLen]
	}
	text := redact(strings.ToValidUTF8(string(snippet), ""), a.secrets)
	e := &Error{
		Status: a.status,
		Gone:   a.status == http.StatusGone,
		Msg:    fmt.Sprintf("%s answered %d %s: %q", platform, a.status, http.StatusText(a.status), text),
	}
	if a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable {
		e.RetryAfter = retryAfter(a.header, timeNow())
	}
	return e
}

// redact cuts every secret out of s.
func redact(s string, secrets []string) string {
	for _, x := range secrets {
		if x != "" {
			s = strings.ReplaceAll(s, x, "[redacted]")
		}
	}
	return s
}

// bearerCall makes an authenticated request with the token from b and, on
// a 401 (a definite refusal: nothing was posted), asks b once for a fresh
// token and tries once more. A second 401 fails for good and tells the
// admins: the account must be connected again.
func bearerCall(ctx context.Context, client *http.Client, b bearer, platform string, build func(token string) apiCall) (*apiAnswer, error) {
	token, err := b.token(ctx, "")
	if err != nil {
		// A provider that could not renew the token this time (its token
		// endpoint did not answer) leaves the channel connected: retry.
		// Not connected, or no provider to renew with, is for good.
		permanent := b.tokens == nil || errors.Is(err, ErrNotConnected)
		return nil, &Error{Permanent: permanent, TellAdmins: permanent, Msg: platform + ": " + tokenRefusedMsg + " (" + err.Error() + ")"}
	}
	for try := 0; ; try++ {
		c := build(token)
		c.secrets = append(c.secrets, token, b.static)
		ans, err := do(ctx, client, c)
		if err != nil || ans.status != http.StatusUnauthorized {
			return ans, err
		}
		if try == 1 {
			return nil, &Error{Status: ans.status, Permanent: true, TellAdmins: true, Msg: platform + ": " + tokenRefusedMsg}
		}
		refused := token
		if token, err = b.token(ctx, refused); err != nil || token == "" || token == refused {
			return nil, &Error{Status: ans.status, Permanent: true, TellAdmins: true, Msg: platform + ": " + tokenRefusedMsg}
		}
	}
}

// timeNow is the clock rate-limit resets are measured against.
var timeNow = time.Now
