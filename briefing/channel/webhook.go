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

func newWebhook(c briefing.ChannelConfig, client *http.Client) (*webhook, error) {
	b64, ok := strings.CutPrefix(c.Secret, briefing.WebhookSecretPrefix)
	if !ok {
		return nil, fmt.Errorf("webhook: the secret must start with %s", briefing.WebhookSecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) == 0 {
		// Not quoting err: it would point into the secret.
		return nil, fmt.Errorf("webhook: the secret is not %s followed by base64", briefing.WebhookSecretPrefix)
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
	body, err := json.Marshal(webhookEvent{
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
	if err != nil {
		return &Error{Msg: "webhook: encoding the event: " + err.Error()}
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("webhook-id", m.ReceiverID)
	h.Set("webhook-timestamp", ts)
	h.Set("webhook-signature", "v1,"+w.sign(m.ReceiverID, ts, body))
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
