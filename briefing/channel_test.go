package briefing

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// testKind is a kind registered by this test alone (package channel
// registers the real ones): a "to" field is required, texts count runes
// plus 10 for a link, and the limit is 20.
const testKind ChannelKind = "test-kind"

func init() {
	RegisterKind(KindSpec{
		Kind: testKind, Label: "Test", Order: 99, Retry: RetryIdempotent,
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			var c struct {
				To string `json:"to"`
			}
			if err := json.Unmarshal(raw, &c); err != nil || c.To == "" {
				return nil, Invalid("config.to", "to is required")
			}
			return json.Marshal(c)
		},
		Limit: func(json.RawMessage) int { return 20 },
		Count: func(s string) int { return utf8.RuneCountInString(s) + 10 },
	})
	RegisterKind(KindSpec{Kind: KindNewsroom, Permanent: true, Retry: RetryLocal,
		Validate: func(json.RawMessage) (json.RawMessage, error) { return json.RawMessage("{}"), nil }})
}

func TestChannelValidate(t *testing.T) {
	tests := []struct {
		name      string
		c         Channel
		wantField string
	}{
		{"ok", Channel{Name: "Partners", Kind: testKind, Config: json.RawMessage(`{"to":"x","extra":1}`)}, ""},
		{"config missing", Channel{Name: "P", Kind: testKind}, "config"},
		{"config empty", Channel{Name: "P", Kind: testKind, Config: json.RawMessage(`{}`)}, "config.to"},
		{"config not an object", Channel{Name: "P", Kind: testKind, Config: json.RawMessage(`[1]`)}, "config"},
		{"unknown kind", Channel{Name: "P", Kind: "carrier-pigeon", Config: json.RawMessage(`{}`)}, "kind"},
		{"blank name", Channel{Name: "   ", Kind: testKind, Config: json.RawMessage(`{"to":"x"}`)}, "name"},
		{"long name", Channel{Name: strings.Repeat("n", 101), Kind: testKind, Config: json.RawMessage(`{"to":"x"}`)}, "name"},
		{"long purpose", Channel{Name: "n", Purpose: strings.Repeat("p", 301), Kind: testKind, Config: json.RawMessage(`{"to":"x"}`)}, "purpose"},
	}
	for _, tt := range tests {
		c := tt.c
		err := c.Validate()
		if got := ErrorField(err); got != tt.wantField || (tt.wantField == "") != (err == nil) {
			t.Errorf("%s: Validate() = %v (field %q), want field %q", tt.name, err, got, tt.wantField)
		}
	}
}

func TestChannelValidateCanonicalConfig(t *testing.T) {
	c := Channel{Name: "  Press  ", Kind: testKind, Config: json.RawMessage(`{"to":"x","extra":1}`)}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Name != "Press" || string(c.Config) != `{"to":"x"}` {
		t.Errorf("after Validate: name %q config %s, want Press and {\"to\":\"x\"}", c.Name, c.Config)
	}
}

func TestChannelJSONHidesConfig(t *testing.T) {
	c := Channel{ID: "1", Name: "Partners", Kind: testKind, Config: json.RawMessage(`{"secret":"whsec_hidden"}`)}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"whsec_hidden", "config"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("JSON %s contains %q", b, secret)
		}
	}
}

func TestCheckChannelTexts(t *testing.T) {
	ch := &Channel{ID: "7", Name: "Test", Kind: testKind, Config: json.RawMessage(`{"to":"x"}`)}
	lookup := func(id string) *Channel {
		if id == "7" {
			return ch
		}
		return nil
	}
	tests := []struct {
		name, text, summary string
		wantErr             bool
	}{
		{"fits with the link", strings.Repeat("a", 10), "", false},
		{"one over with the link", strings.Repeat("a", 11), "", true},
		{"runes, not bytes", strings.Repeat("ü", 10), "", false},
		{"empty text: the summary counts", "", strings.Repeat("s", 11), true},
		{"empty text, short summary", "  ", "short", false},
	}
	for _, tt := range tests {
		a := &Announcement{Summary: tt.summary, Channels: []ChannelText{{ChannelID: "99"}, {ChannelID: "7", Text: tt.text}}}
		err := CheckChannelTexts(a, lookup)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: CheckChannelTexts = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if err != nil && ErrorField(err) != "channels[1].text" {
			t.Errorf("%s: field %q, want channels[1].text", tt.name, ErrorField(err))
		}
	}
}
