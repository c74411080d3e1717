package channel

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"firsthand/briefing"
)

// Secrets used by the test channels. Each must never show up in an error.
const (
	testSecret     = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testSlackPath  = "/services/T0001/B0001/slacksecretpart"
	testToken      = "mastodon-token-do-not-leak"
	testDeliveryID = "dlv_0123456789abcdef"
	testReceiverID = "msg_0123456789abcdefghijklmnop"
)

// testMessage is a delivery as the outbox would hand it over.
func testMessage() Message {
	return Message{
		DeliveryID:     testDeliveryID,
		ReceiverID:     testReceiverID,
		AnnouncementID: "ann-42",
		Title:          "New pricing from 1 March",
		Summary:        "Prices change.",
		Text:           "Our plans get simpler & cheaper.",
		URL:            "https://news.example.com/news/new-pricing",
		ReleasedAt:     time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600)),
	}
}

// testEnv lets senders reach the tests' loopback receivers: allowed
// explicitly, as the server's default refuses loopback.
var testEnv = Env{Dialer: NewGuardedDialer(AllowLoopback())}

// httpChannels are the kinds that talk HTTP, each pointed at base.
func httpChannels(base string) []briefing.Channel {
	return []briefing.Channel{
		{Name: "hook", Kind: KindWebhook, Config: ConfigJSON(WebhookConfig{URL: base + "/hook", Secret: testSecret})},
		{Name: "chat", Kind: KindSlack, Config: ConfigJSON(SlackConfig{URL: base + testSlackPath})},
		{Name: "toot", Kind: KindMastodon, Config: ConfigJSON(MastodonConfig{Instance: base + "/", AccessToken: testToken})},
	}
}

// assertNoSecrets fails if msg carries any test credential.
func assertNoSecrets(t *testing.T, msg string) {
	t.Helper()
	for _, s := range []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "slacksecretpart", testToken} {
		if strings.Contains(msg, s) {
			t.Errorf("error %q leaks the secret %q", msg, s)
		}
	}
}

func TestNew(t *testing.T) {
	for _, c := range httpChannels("https://example.com") {
		s, err := New(c, testEnv)
		if err != nil || s == nil {
			t.Errorf("New(%s) = %v, %v; want a sender", c.Kind, s, err)
		}
	}
	mailer, err := NewMailer("smtp://127.0.0.1:2525", "news@example.com")
	if err != nil {
		t.Fatal(err)
	}
	mailCh := briefing.Channel{Name: "list", Kind: KindEmail, Config: ConfigJSON(EmailConfig{To: []string{"press@example.com"}})}
	if s, err := New(mailCh, Env{Mailer: mailer, Dialer: testEnv.Dialer}); err != nil {
		t.Errorf("New(email) = %v, %v; want a sender", s, err)
	}
	if _, err := New(mailCh, testEnv); err == nil || !strings.Contains(err.Error(), "SMTP is not configured") {
		t.Errorf("New(email, nil mailer) error = %v, want it to say SMTP is not configured", err)
	}
	if _, err := New(briefing.Channel{Name: "x", Kind: "fax"}, testEnv); err == nil {
		t.Error("New(fax) = nil error, want an error")
	}
	for _, secret := range []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not!base64secretvalue"} {
		c := briefing.Channel{Name: "h", Kind: KindWebhook, Config: ConfigJSON(WebhookConfig{URL: "https://example.com", Secret: secret})}
		_, err := New(c, testEnv)
		if err == nil {
			t.Errorf("New(webhook, secret %q) = nil error, want an error", secret)
			continue
		}
		if strings.Contains(err.Error(), strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("error %q quotes the secret", err)
		}
	}
}

// TestHTTPFailures runs every refusal the outbox must tell apart against
// every HTTP kind: each must come back as an *Error with the right fields.
func TestHTTPFailures(t *testing.T) {
	resetAt := time.Now().Add(90 * time.Second).UTC()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, e *Error)
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "database on fire", http.StatusInternalServerError)
		}, func(t *testing.T, e *Error) {
			if e.Status != 500 || e.Gone || e.Timeout || e.RetryAfter != 0 {
				t.Errorf("got %+v, want Status 500 only", e)
			}
			if !strings.Contains(e.Msg, "500") || !strings.Contains(e.Msg, "database on fire") {
				t.Errorf("Msg = %q, want the status and the body", e.Msg)
			}
		}},
		{"429 Retry-After seconds", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		}, func(t *testing.T, e *Error) {
			if e.Status != 429 || e.RetryAfter != 7*time.Second {
				t.Errorf("got Status %d RetryAfter %v, want 429 and 7s", e.Status, e.RetryAfter)
			}
		}},
		{"503 Retry-After date", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		}, func(t *testing.T, e *Error) {
			if e.Status != 503 || e.RetryAfter < 59*time.Minute || e.RetryAfter > time.Hour {
				t.Errorf("got Status %d RetryAfter %v, want 503 and about 1h", e.Status, e.RetryAfter)
			}
		}},
		{"429 X-RateLimit-Reset", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Reset", resetAt.Format(time.RFC3339Nano))
			w.WriteHeader(http.StatusTooManyRequests)
		}, func(t *testing.T, e *Error) {
			if e.RetryAfter < 80*time.Second || e.RetryAfter > 90*time.Second {
				t.Errorf("RetryAfter = %v, want about 90s", e.RetryAfter)
			}
		}},
		{"410", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "channel_is_archived", http.StatusGone)
		}, func(t *testing.T, e *Error) {
			if !e.Gone || e.Status != 410 {
				t.Errorf("got %+v, want Gone and Status 410", e)
			}
		}},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, func(t *testing.T, e *Error) {
			if e.Status != 302 {
				t.Errorf("Status = %d, want 302", e.Status)
			}
		}},
		{"long body cut", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, strings.Repeat("é", 1000))
		}, func(t *testing.T, e *Error) {
			if n := strings.Count(e.Msg, "é"); n == 0 || n > snippetLen/2 {
				t.Errorf("Msg has %d runes of body, want 1..%d: %q", n, snippetLen/2, e.Msg)
			}
		}},
		{"echoed secrets", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, r.Header.Get("Authorization")+" "+r.URL.Path)
		}, func(t *testing.T, e *Error) {
			if e.Status != 401 {
				t.Errorf("Status = %d, want 401", e.Status)
			}
		}},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(tt.handler)
		for _, c := range httpChannels(srv.URL) {
			t.Run(tt.name+"/"+string(c.Kind), func(t *testing.T) {
				s, err := New(c, testEnv)
				if err != nil {
					t.Fatal(err)
				}
				err = s.Send(t.Context(), testMessage())
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Send error = %v (%T), want *Error", err, err)
				}
				tt.check(t, e)
				assertNoSecrets(t, e.Error())
			})
		}
		srv.Close()
	}
}

// TestHTTPTimeout checks both ways an attempt runs out of time: the
// client's own timeout and the caller's deadline.
func TestHTTPTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body first lets the server notice the client hanging
		// up, which cancels r.Context() and keeps srv.Close quick.
		_, _ = io.Copy(io.Discard, r.Body)
		select { // hold the request until the client gives up
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	for _, c := range httpChannels(srv.URL) {
		t.Run(string(c.Kind)+"/client timeout", func(t *testing.T) {
			s, err := New(c, Env{Dialer: testEnv.Dialer, Client: &http.Client{Timeout: 50 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			checkTimeout(t, s.Send(t.Context(), testMessage()))
		})
		t.Run(string(c.Kind)+"/context deadline", func(t *testing.T) {
			s, err := New(c, testEnv)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			checkTimeout(t, s.Send(ctx, testMessage()))
		})
	}
}

func checkTimeout(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || !e.Timeout || e.Status != 0 {
		t.Fatalf("Send error = %#v, want *Error with Timeout and no Status", err)
	}
	assertNoSecrets(t, e.Error())
}

// TestHTTPUnreachable: a refused connection is a plain failure, not a
// timeout, and its message does not quote the (secret) URL.
func TestHTTPUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	for _, c := range httpChannels(base) {
		s, err := New(c, testEnv)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Send(t.Context(), testMessage())
		var e *Error
		if !errors.As(err, &e) || e.Timeout || e.Status != 0 || e.Msg == "" {
			t.Errorf("%s: Send error = %#v, want *Error without Timeout or Status", c.Kind, err)
			continue
		}
		assertNoSecrets(t, e.Error())
		if strings.Contains(e.Msg, "/services/") {
			t.Errorf("%s: error %q quotes the URL path", c.Kind, e.Msg)
		}
	}
}

func TestSendWithoutDeliveryID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("%s %s reached the receiver without a delivery ID", r.Method, r.URL.Path)
	}))
	defer srv.Close()
	for name, clear := range map[string]func(*Message){
		"delivery ID": func(m *Message) { m.DeliveryID = "" },
		"receiver ID": func(m *Message) { m.ReceiverID = "" },
	} {
		m := testMessage()
		clear(&m)
		for _, c := range httpChannels(srv.URL) {
			s, err := New(c, testEnv)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(t.Context(), m); err == nil {
				t.Errorf("%s: Send without %s = nil, want an error", c.Kind, name)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"none", nil, 0},
		{"seconds", map[string]string{"Retry-After": "120"}, 2 * time.Minute},
		{"seconds padded", map[string]string{"Retry-After": " 7 "}, 7 * time.Second},
		{"negative", map[string]string{"Retry-After": "-5"}, 0},
		{"date", map[string]string{"Retry-After": "Sun, 01 Mar 2026 12:00:30 GMT"}, 30 * time.Second},
		{"date in the past", map[string]string{"Retry-After": "Sun, 01 Mar 2026 11:00:00 GMT"}, 0},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"mastodon reset", map[string]string{"X-RateLimit-Reset": "2026-03-01T12:05:00.000Z"}, 5 * time.Minute},
		{"retry-after wins", map[string]string{"Retry-After": "3", "X-RateLimit-Reset": "2026-03-01T12:05:00Z"}, 3 * time.Second},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("%s: retryAfter = %v, want %v", tt.name, got, tt.want)
		}
	}
}
