package channel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"firsthand/briefing"
)

// KindManual is a platform without a posting API (Xing since 2019, YouTube
// community posts): its assignees get a task with the ready text, and the
// delivery awaits one of them confirming the post.
const KindManual briefing.ChannelKind = "manual"

// ManualConfig is a manual channel's config. Limit is the platform's text
// length, if it has one worth checking.
type ManualConfig struct {
	Platform     string   `json:"platform"`
	Assignees    []string `json:"assignees"`
	Instructions string   `json:"instructions,omitempty"`
	Limit        int      `json:"limit,omitempty"`
}

func (c *ManualConfig) validate() error {
	c.Platform = strings.TrimSpace(c.Platform)
	if c.Platform == "" || utf8.RuneCountInString(c.Platform) > 60 {
		return briefing.Invalid("config.platform", "the platform's name (e.g. Xing), 1 to 60 characters, is required")
	}
	if len(c.Assignees) == 0 {
		return briefing.Invalid("config.assignees", "at least one person who posts it is required")
	}
	seen := map[string]bool{}
	out := c.Assignees[:0]
	for i, a := range c.Assignees {
		e := briefing.NormalizeEmail(a)
		if !strings.Contains(e, "@") {
			return briefing.Invalid("config.assignees", "assignee %d (%q) is not an e-mail address", i, a)
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	c.Assignees = out
	c.Instructions = strings.TrimSpace(c.Instructions)
	if utf8.RuneCountInString(c.Instructions) > 2000 {
		return briefing.Invalid("config.instructions", "the instructions must be at most 2000 characters")
	}
	if c.Limit < 0 || c.Limit > 100_000 {
		return briefing.Invalid("config.limit", "the limit must be between 1 and 100000, or left out for none")
	}
	return nil
}

// ManualSettings decodes a manual channel's config (the store and the
// pages read its assignees and instructions).
func ManualSettings(raw json.RawMessage) (*ManualConfig, error) { return configOf[ManualConfig](raw) }

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindManual, Label: "By hand (Xing, YouTube …)", Order: 20, Retry: briefing.RetryPerson,
			Validate: validated(func(c *ManualConfig) error { return c.validate() }),
			Limit: func(raw json.RawMessage) int {
				if c, err := configOf[ManualConfig](raw); err == nil {
					return c.Limit
				}
				return 0
			},
			// The person pastes the text and the link below it; platforms
			// that shorten links count them as 23, like Mastodon.
			Count: mastodonCount,
		},
		Hint: "For a platform without a posting API: the assignees get the ready text and confirm the post.",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[ManualConfig](raw)
			return c.Platform + ", posted by " + strings.Join(c.Assignees, ", ")
		},
		Fields: []Field{
			{Name: "platform", Label: "Platform", Type: "text", Hint: "e.g. Xing, YouTube"},
			{Name: "assignees", Label: "Who posts it", Type: "list", Hint: "E-mail addresses of people with a Firsthand account, separated by commas or lines."},
			{Name: "instructions", Label: "Instructions", Type: "text", Optional: true, Hint: "e.g. Post on the company page, not your own."},
			{Name: "limit", Label: "Text length", Type: "number", Optional: true, Hint: "The platform's limit, if any."},
		},
		New: func(briefing.Channel, Env) (Sender, error) {
			return nil, errors.New("a manual channel is posted by a person: its delivery awaits their confirmation")
		},
		Check: func(_ context.Context, ch briefing.Channel, env Env) Result {
			c, err := configOf[ManualConfig](ch.Config)
			if err != nil {
				return Result{Message: err.Error()}
			}
			var missing []string
			for _, a := range c.Assignees {
				if env.ActiveUser == nil || !env.ActiveUser(a) {
					missing = append(missing, a)
				}
			}
			if len(missing) > 0 {
				return Result{Message: "not an active person here: " + strings.Join(missing, ", ")}
			}
			return Result{OK: true, Message: "every assignee has an active account"}
		},
	})
}
