package briefing

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ChannelKind is the kind of an external channel. The kinds themselves
// live in the catalogue (package briefing/channel), one file each; the
// domain knows them through the KindSpec each registers.
type ChannelKind string

// KindNewsroom is the one kind the domain names: the built-in channel that
// every database has from its first start (store/migrate.go creates it).
const KindNewsroom ChannelKind = "newsroom"

// NewsroomName is the built-in newsroom channel's name.
const NewsroomName = "Newsroom"

// Channel is a way out to the world: press, partners, customers. Config is
// the kind's settings as stored, secrets included; it never marshals, so
// secrets cannot reach the API. Only the kind (its KindSpec) reads it.
type Channel struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Kind      ChannelKind     `json:"kind"`
	Purpose   string          `json:"purpose"`
	Disabled  bool            `json:"disabled"`
	Note      string          `json:"note,omitempty"` // why it was disabled
	CreatedAt time.Time       `json:"created_at"`
	Config    json.RawMessage `json:"-"`
}

// Spec returns the channel's kind as registered, or an invalid error for a
// kind this build does not know.
func (c *Channel) Spec() (KindSpec, error) {
	k, ok := LookupKind(c.Kind)
	if !ok {
		return k, Invalid("kind", "kind must be one of %s", strings.Join(KindNames(), ", "))
	}
	return k, nil
}

// Validate checks a channel's name, kind and config, and stores the config
// in the kind's canonical form (unknown fields dropped).
func (c *Channel) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return Invalid("name", "a name of 1 to 100 characters is required")
	}
	c.Purpose = strings.TrimSpace(c.Purpose)
	if utf8.RuneCountInString(c.Purpose) > 300 {
		return Invalid("purpose", "the purpose must be at most 300 characters")
	}
	k, err := c.Spec()
	if err != nil {
		return err
	}
	raw := c.Config
	if len(raw) == 0 || string(raw) == "null" {
		return Invalid("config", "a config object is required")
	}
	if !json.Valid(raw) || raw[0] != '{' {
		return Invalid("config", "config must be a JSON object")
	}
	canon, err := k.Validate(raw)
	if err != nil {
		return err
	}
	c.Config = canon
	return nil
}

// TextLimit is the longest text the channel takes, counted as its
// platform counts (see CountText); 0 means no limit of its own.
func (c *Channel) TextLimit() int {
	k, err := c.Spec()
	if err != nil || k.Limit == nil {
		return 0
	}
	return k.Limit(c.Config)
}

// CountText counts text as the channel's platform counts it, the appended
// newsroom link included where the kind appends one.
func (c *Channel) CountText(text string) int {
	k, err := c.Spec()
	if err != nil || k.Count == nil {
		return utf8.RuneCountInString(text)
	}
	return k.Count(text)
}

// CheckChannelText refuses a text longer than its channel takes. An empty
// variant sends the summary, so the summary is what is counted then. field
// is where the error points (channels[i].text for the API).
func CheckChannelText(c *Channel, text, summary, field string) error {
	what := "text"
	if strings.TrimSpace(text) == "" {
		text, what = summary, "summary (sent when the text is empty)"
	}
	limit := c.TextLimit()
	if limit <= 0 {
		return nil
	}
	if n := c.CountText(text); n > limit {
		return Invalid(field, "the %s for %s counts %d characters as %s counts them, link included; it takes at most %d", what, c.Name, n, c.Kind, limit)
	}
	return nil
}

// CheckChannelTexts applies CheckChannelText to every channel of a draft;
// channelOf returns nil for a channel that does not exist (Validate
// reports that). The store calls it at create, PATCH and publish.
func CheckChannelTexts(a *Announcement, channelOf func(id string) *Channel) error {
	for i, ct := range a.Channels {
		c := channelOf(ct.ChannelID)
		if c == nil {
			continue
		}
		if err := CheckChannelText(c, ct.Text, a.Summary, fmt.Sprintf("channels[%d].text", i)); err != nil {
			return err
		}
	}
	return nil
}
