package briefing

import (
	"encoding/base64"
	"encoding/json"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// ChannelKind is the kind of an external channel.
type ChannelKind string

// The channel kinds of the contract.
const (
	KindWebhook  ChannelKind = "webhook"
	KindSlack    ChannelKind = "slack"
	KindEmail    ChannelKind = "email"
	KindMastodon ChannelKind = "mastodon"
)

// ChannelConfig is the union of every kind's settings. Secrets never leave
// the server: the API answers with a Channel's public fields only.
type ChannelConfig struct {
	URL           string   `json:"url,omitempty"`
	Secret        string   `json:"secret,omitempty"`
	To            []string `json:"to,omitempty"`
	SubjectPrefix string   `json:"subject_prefix,omitempty"`
	Instance      string   `json:"instance,omitempty"`
	AccessToken   string   `json:"access_token,omitempty"`
}

// Channel is a way out to the world: press, partners, customers.
type Channel struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Kind      ChannelKind   `json:"kind"`
	Purpose   string        `json:"purpose"`
	Disabled  bool          `json:"disabled"`
	Note      string        `json:"note,omitempty"` // why it was disabled
	CreatedAt time.Time     `json:"created_at"`
	Config    ChannelConfig `json:"-"`
}

// TextLimit is the longest text a channel kind takes (Mastodon's 500).
func (k ChannelKind) TextLimit() int {
	switch k {
	case KindMastodon:
		return 500
	case KindSlack:
		return 3000
	}
	return MaxChannelText
}

// DecodeChannelConfig reads the config object of an API request strictly
// enough to catch typos in field types.
func DecodeChannelConfig(raw json.RawMessage) (ChannelConfig, error) {
	var c ChannelConfig
	if len(raw) == 0 {
		return c, Invalid("config", "a config object is required")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, Invalid("config", "config is not a valid object: %v", err)
	}
	return c, nil
}

// Validate checks a channel's name, kind and config.
func (c *Channel) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || len(c.Name) > 100 {
		return Invalid("name", "a name of 1 to 100 characters is required")
	}
	if len(c.Purpose) > 300 {
		return Invalid("purpose", "the purpose must be at most 300 characters")
	}
	cfg := c.Config
	switch c.Kind {
	case KindWebhook:
		if err := validURL("config.url", cfg.URL); err != nil {
			return err
		}
		if err := validWebhookSecret(cfg.Secret); err != nil {
			return err
		}
	case KindSlack:
		return validURL("config.url", cfg.URL)
	case KindEmail:
		if len(cfg.To) == 0 {
			return Invalid("config.to", "at least one address is required")
		}
		for i, a := range cfg.To {
			if _, err := mail.ParseAddress(a); err != nil {
				return Invalid("config.to", "address %d (%q) is not an e-mail address", i, a)
			}
		}
	case KindMastodon:
		if err := validURL("config.instance", cfg.Instance); err != nil {
			return err
		}
		if cfg.AccessToken == "" {
			return Invalid("config.access_token", "an access token is required")
		}
	default:
		return Invalid("kind", "kind must be webhook, slack, email or mastodon")
	}
	return nil
}

func validURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Invalid(field, "an http or https URL is required")
	}
	return nil
}

// WebhookSecretPrefix starts every Standard Webhooks secret.
const WebhookSecretPrefix = "whsec_"

func validWebhookSecret(s string) error {
	b64, ok := strings.CutPrefix(s, WebhookSecretPrefix)
	if !ok {
		return Invalid("config.secret", "the secret must have the form whsec_<base64>")
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < 16 {
		return Invalid("config.secret", "the secret must be whsec_ followed by at least 16 base64-encoded bytes")
	}
	return nil
}

// DeliveryState is where one delivery to one channel stands.
type DeliveryState string

// The delivery states.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"
)

// Delivery is one announcement going out on one channel. Its ReceiverID is
// the idempotency key of every attempt: receivers deduplicate resends by it.
type Delivery struct {
	ID string `json:"id"`
	// ReceiverID is what the receiver sees as webhook-id, Idempotency-Key or
	// Message-ID: random (NewReceiverID), fixed at creation, the same on
	// every retry. ID is a sequence number and repeats after a restore.
	ReceiverID     string        `json:"receiver_id"`
	AnnouncementID string        `json:"announcement_id"`
	ChannelID      string        `json:"channel_id"`
	ChannelName    string        `json:"channel_name"`
	Kind           ChannelKind   `json:"kind"`
	State          DeliveryState `json:"state"`
	Attempts       int           `json:"attempts"`
	LastError      string        `json:"last_error"`
	CreatedAt      time.Time     `json:"created_at"`
	NextAttemptAt  time.Time     `json:"next_attempt_at"`
	SentAt         *time.Time    `json:"sent_at"`
}

// MaxAttempts is how often a delivery is tried before it is failed.
const MaxAttempts = 8

// RetryDelay is the wait before the attempt after attempt n (1-based): 2 s,
// then 20 s, then doubling from a minute with up to 20% jitter, so that 8
// attempts span well over 30 minutes (2+20+60+120+240+480+960 s ≈ 31 min).
// A receiver's Retry-After wins when it asks for longer. jitter is taken
// from [0, 1]; n below 1 counts as 1, and no wait exceeds maxRetryDelay
// (an unguarded shift would panic for n < 1 and overflow for large n).
func RetryDelay(n int, retryAfter time.Duration, jitter float64) time.Duration {
	var d time.Duration
	switch {
	case n <= 1:
		d = 2 * time.Second
	case n == 2:
		d = 20 * time.Second
	default:
		d = time.Minute << min(n-3, 16)
		d += time.Duration(float64(d) * 0.2 * min(max(jitter, 0), 1))
	}
	return min(max(d, retryAfter), maxRetryDelay)
}

// maxRetryDelay bounds every wait between attempts, a receiver's
// Retry-After included.
const maxRetryDelay = 6 * time.Hour
