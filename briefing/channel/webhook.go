package channel

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"firsthand/briefing"
)

// EventReleased is the type of the one event Firsthand sends.
const EventReleased = "announcement.released"

// webhook posts a signed event following the Standard Webhooks
// specification (https://www.standardwebhooks.com), so that receivers can
// verify it with any of that project's libraries.
type webhook struct {
	url    string
	key    []byte // the secret after "whsec_", base64-decoded
	client *http.Client
	now    func() time.Time
}

// KindWebhook is a Standard Webhooks receiver: the company's own systems.
const KindWebhook briefing.ChannelKind = "webhook"

// WebhookConfig is a webhook channel's config. Secret is secret.
type WebhookConfig struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// WebhookSecretPrefix starts every Standard Webhooks secret.
const WebhookSecretPrefix = "whsec_"

func (c *WebhookConfig) validate() error {
	c.URL, c.Secret = strings.TrimSpace(c.URL), strings.TrimSpace(c.Secret)
	if err := validURL("config.url", c.URL); err != nil {
		return err
	}
	if _, err := webhookKey(c.Secret); err != nil {
		return err
	}
	return nil
}

// webhookKey decodes a whsec_ secret. Errors never quote it.
func webhookKey(s string) ([]byte, error) {
	b64, ok := strings.CutPrefix(s, WebhookSecretPrefix)
	if !ok {
		return nil, briefing.Invalid("config.secret", "the secret must have the form whsec_<base64>")
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < 16 {
		return nil, briefing.Invalid("config.secret", "the secret must be whsec_ followed by at least 16 base64-encoded bytes")
	}
	return key, nil
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindWebhook, Label: "Webhook", Order: 30, Retry: briefing.RetryIdempotent,
			Retract:  briefing.RetractByEvent,
			Validate: validated(func(c *WebhookConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return briefing.MaxChannelText },
		},
		Hint: "Signed POST to your own system (Standard Webhooks).",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[WebhookConfig](raw)
			return hostOf(c.URL)
		},
		Fields: []Field{
			{Name: "url", Label: "URL", Type: "url"},
			{Name: "secret", Label: "Signing secret", Type: "password", Secret: true,
				Hint: "whsec_ and at least 16 base64-encoded bytes, e.g. whsec_$(openssl rand -base64 32)."},
		},
		New: func(ch briefing.Channel, env Env) (Sender, error) {
			c, err := configOf[WebhookConfig](ch.Config)
			if err != nil {
				return nil, err
			}
			return newWebhook(*c, env.Client)
		},
		Check: func(ctx context.Context, ch briefing.Channel, env Env) Result {
			c, err := configOf[WebhookConfig](ch.Config)
			if err != nil {
				return Result{Message: err.Error()}
			}
			return reachResult(ctx, env, c.URL)
		},
	})
}

func newWebhook(c WebhookConfig, client *http.Client) (*webhook, error) {
	key, err := webhookKey(c.Secret)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	return &webhook{url: c.URL, key: key, client: client, now: time.Now}, nil
}

// webhookEvent is the body. Field order is the wire order.
type webhookEvent struct {
	Type string      `json:"type"`
	Data webhookData `json:"data"`
}

type webhookData struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Summary    string `json:"summary"`
	Text       string `json:"text"`
	URL        string `json:"url"`
	ReleasedAt string `json:"released_at"`
}

// Send posts the event. The webhook-id is the delivery ID on every retry,
// so the receiver can drop duplicates; the timestamp and signature are made
// afresh, because receivers reject signatures older than a few minutes.
func (w *webhook) Send(ctx context.Context, m Message) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	return w.deliver(ctx, m.ReceiverID, webhookEvent{
		Type: EventReleased,
		Data: webhookData{
			ID:         m.AnnouncementID,
			Title:      m.Title,
			Summary:    m.Summary,
			Text:       m.Text,
			URL:        m.URL,
			ReleasedAt: m.ReleasedAt.UTC().Format(time.RFC3339),
		},
	})
}

// deliver posts one event, signed, under its webhook-id.
func (w *webhook) deliver(ctx context.Context, receiverID string, event any) error {
	body, err := json.Marshal(event)
	if err != nil {
		return &Error{Msg: "webhook: encoding the event: " + err.Error()}
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("webhook-id", receiverID)
	h.Set("webhook-timestamp", ts)
	h.Set("webhook-signature", "v1,"+w.sign(receiverID, ts, body))
	return post(ctx, w.client, w.url, h, body, urlSecrets(w.url)...)
}

// sign is the Standard Webhooks signature: HMAC-SHA256 over
// "{id}.{timestamp}.{body}", base64-encoded.
func (w *webhook) sign(id, ts string, body []byte) string {
	mac := hmac.New(sha256.New, w.key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// EventWithdrawn is the event a webhook gets when a released announcement
// is withdrawn.
const EventWithdrawn = "announcement.withdrawn"

// webhookWithdrawn is the withdrawal's body. Field order is the wire order.
type webhookWithdrawn struct {
	Type string `json:"type"`
	Data struct {
		ID          string `json:"id"`
		Reason      string `json:"reason"`
		WithdrawnAt string `json:"withdrawn_at"`
	} `json:"data"`
}

// Retract tells the receiver the announcement was withdrawn, signed like
// every event, under the retraction's own webhook-id (the same on its
// retries). A webhook has no post to delete: postID is not used.
func (w *webhook) Retract(ctx context.Context, m Message, _ string) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	var ev webhookWithdrawn
	ev.Type, ev.Data.ID, ev.Data.Reason = EventWithdrawn, m.AnnouncementID, m.Reason
	ev.Data.WithdrawnAt = m.WithdrawnAt.UTC().Format(time.RFC3339)
	return w.deliver(ctx, m.ReceiverID, ev)
}
