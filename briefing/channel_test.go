package briefing

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func whsec(n int) string {
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", n)))
}

func TestChannelValidate(t *testing.T) {
	tests := []struct {
		name      string
		c         Channel
		wantField string
	}{
		{"webhook", Channel{Name: "Partners", Kind: KindWebhook, Config: ChannelConfig{URL: "https://partner.example/hook", Secret: whsec(24)}}, ""},
		{"webhook 16-byte secret", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "http://127.0.0.1:9/h", Secret: whsec(16)}}, ""},
		{"webhook secret without prefix", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "https://p.example", Secret: base64.StdEncoding.EncodeToString(make([]byte, 24))}}, "config.secret"},
		{"webhook secret wrong prefix", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "https://p.example", Secret: "wh_" + base64.StdEncoding.EncodeToString(make([]byte, 24))}}, "config.secret"},
		{"webhook secret not base64", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "https://p.example", Secret: "whsec_!!!not-base64!!!"}}, "config.secret"},
		{"webhook secret too short", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "https://p.example", Secret: whsec(15)}}, "config.secret"},
		{"webhook secret empty", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "https://p.example"}}, "config.secret"},
		{"webhook ftp url", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{URL: "ftp://p.example", Secret: whsec(24)}}, "config.url"},
		{"webhook no url", Channel{Name: "P", Kind: KindWebhook, Config: ChannelConfig{Secret: whsec(24)}}, "config.url"},
		{"slack", Channel{Name: "Chat", Kind: KindSlack, Config: ChannelConfig{URL: "https://hooks.slack.example/T/B/X"}}, ""},
		{"slack no host", Channel{Name: "Chat", Kind: KindSlack, Config: ChannelConfig{URL: "https:///path"}}, "config.url"},
		{"email", Channel{Name: "Press", Kind: KindEmail, Config: ChannelConfig{To: []string{"press@example.com", "Desk <desk@example.com>"}}}, ""},
		{"email nobody", Channel{Name: "Press", Kind: KindEmail}, "config.to"},
		{"email bad address", Channel{Name: "Press", Kind: KindEmail, Config: ChannelConfig{To: []string{"press@example.com", "nope"}}}, "config.to"},
		{"mastodon", Channel{Name: "Toot", Kind: KindMastodon, Config: ChannelConfig{Instance: "https://social.example", AccessToken: "tok"}}, ""},
		{"mastodon no token", Channel{Name: "Toot", Kind: KindMastodon, Config: ChannelConfig{Instance: "https://social.example"}}, "config.access_token"},
		{"mastodon no instance", Channel{Name: "Toot", Kind: KindMastodon, Config: ChannelConfig{AccessToken: "tok"}}, "config.instance"},
		{"unknown kind", Channel{Name: "Fax", Kind: "fax"}, "kind"},
		{"blank name", Channel{Name: "   ", Kind: KindSlack, Config: ChannelConfig{URL: "https://x.example"}}, "name"},
		{"long name", Channel{Name: strings.Repeat("n", 101), Kind: KindSlack, Config: ChannelConfig{URL: "https://x.example"}}, "name"},
		{"long purpose", Channel{Name: "n", Purpose: strings.Repeat("p", 301), Kind: KindSlack, Config: ChannelConfig{URL: "https://x.example"}}, "purpose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			err := c.Validate()
			wantValidation(t, err, tt.wantField)
		})
	}
}

func TestChannelValidateTrimsName(t *testing.T) {
	c := Channel{Name: "  Press  ", Kind: KindSlack, Config: ChannelConfig{URL: "https://x.example"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Name != "Press" {
		t.Errorf("Name = %q, want %q", c.Name, "Press")
	}
}

func TestChannelJSONHidesConfig(t *testing.T) {
	c := Channel{ID: "1", Name: "Partners", Kind: KindWebhook,
		Config: ChannelConfig{URL: "https://p.example", Secret: whsec(24), AccessToken: "mastodon-token"}}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{c.Config.Secret, "mastodon-token", "config"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("JSON %s contains %q", b, secret)
		}
	}
}

func TestDecodeChannelConfig(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr bool
		wantURL string
	}{
		{`{"url": "https://x.example", "secret": "whsec_abc"}`, false, "https://x.example"},
		{`{"url": "https://x.example", "unknown": 1}`, false, "https://x.example"},
		{``, true, ""},
		{`{"to": "not-a-list"}`, true, ""},
		{`[1,2]`, true, ""},
	}
	for _, tt := range tests {
		c, err := DecodeChannelConfig(json.RawMessage(tt.raw))
		if (err != nil) != tt.wantErr {
			t.Errorf("DecodeChannelConfig(%s) error = %v, want error %v", tt.raw, err, tt.wantErr)
			continue
		}
		if err != nil && ErrorField(err) != "config" {
			t.Errorf("DecodeChannelConfig(%s) field = %q, want config", tt.raw, ErrorField(err))
		}
		if c.URL != tt.wantURL {
			t.Errorf("DecodeChannelConfig(%s).URL = %q, want %q", tt.raw, c.URL, tt.wantURL)
		}
	}
}

func TestTextLimit(t *testing.T) {
	tests := []struct {
		k    ChannelKind
		want int
	}{
		{KindMastodon, 500},
		{KindSlack, 3000},
		{KindWebhook, MaxChannelText},
		{KindEmail, MaxChannelText},
	}
	for _, tt := range tests {
		if got := tt.k.TextLimit(); got != tt.want {
			t.Errorf("%s.TextLimit() = %d, want %d", tt.k, got, tt.want)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	for _, jitter := range []float64{0, 0.5, 1} {
		if d := RetryDelay(1, 0, jitter); d <= 0 || d > 5*time.Second {
			t.Errorf("jitter %v: first retry after %v, want within 5s", jitter, d)
		}
		if d := RetryDelay(2, 0, jitter); d <= 0 || d > 30*time.Second {
			t.Errorf("jitter %v: second retry after %v, want within 30s", jitter, d)
		}
		// MaxAttempts attempts have MaxAttempts-1 waits between them.
		var span time.Duration
		prev := time.Duration(0)
		for n := 1; n < MaxAttempts; n++ {
			d := RetryDelay(n, 0, jitter)
			if d < prev {
				t.Errorf("jitter %v: wait %d (%v) is shorter than wait %d (%v)", jitter, n, d, n-1, prev)
			}
			prev = d
			span += d
		}
		if MaxAttempts < 6 {
			t.Errorf("MaxAttempts = %d, want at least 6", MaxAttempts)
		}
		if span < 30*time.Minute {
			t.Errorf("jitter %v: %d attempts span %v, want at least 30 minutes", jitter, MaxAttempts, span)
		}
	}
	if a, b := RetryDelay(5, 0, 0), RetryDelay(5, 0, 1); b <= a || b > a+a/5 {
		t.Errorf("jitter: RetryDelay(5) = %v without, %v with full jitter; want up to 20%% more", a, b)
	}
}

func TestRetryDelayRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"longer Retry-After wins", 1, 90 * time.Second, 90 * time.Second},
		{"shorter Retry-After is ignored", 4, time.Second, 2 * time.Minute},
		{"Retry-After is capped", 2, 48 * time.Hour, 6 * time.Hour},
		{"no Retry-After", 3, 0, time.Minute},
	}
	for _, tt := range tests {
		if got := RetryDelay(tt.n, tt.retryAfter, 0); got != tt.want {
			t.Errorf("%s: RetryDelay(%d, %v) = %v, want %v", tt.name, tt.n, tt.retryAfter, got, tt.want)
		}
	}
}

func TestRetryDelayOutOfRange(t *testing.T) {
	// Callers count attempts; a zero or a runaway count must neither panic
	// nor produce a negative or absurd wait.
	for _, n := range []int{-1, 0, 40, 100, 1 << 20} {
		d := RetryDelay(n, 0, 1)
		if d <= 0 || d > 6*time.Hour {
			t.Errorf("RetryDelay(%d) = %v, want within (0, 6h]", n, d)
		}
	}
	if got := RetryDelay(3, 0, -5); got != time.Minute {
		t.Errorf("negative jitter: RetryDelay(3) = %v, want 1m", got)
	}
}
