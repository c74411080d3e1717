package channel

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"firsthand/briefing"
)

// slack posts to an incoming-webhook URL. Slack, Mattermost and Rocket.Chat
// all take {"text": …}. The URL is the credential: whoever has it can post,
// so it never appears in an error.
type slack struct {
	url    string
	client *http.Client
}

// KindSlack is a Slack-style incoming webhook (Slack, Mattermost,
// Rocket.Chat).
const KindSlack briefing.ChannelKind = "slack"

// SlackConfig is a slack channel's config. The URL is the credential:
// secret.
type SlackConfig struct {
	URL string `json:"url"`
}

// slackLimit keeps a chat message readable; Slack itself cuts at 40,000.
const slackLimit = 3000

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindSlack, Label: "Slack / Mattermost / Rocket.Chat", Order: 40,
			// Incoming webhooks take no idempotency key.
			Retry: briefing.RetryUnconfirmedOnNoAnswer,
			Validate: validated(func(c *SlackConfig) error {
				c.URL = strings.TrimSpace(c.URL)
				return validURL("config.url", c.URL)
			}),
			Limit: func(json.RawMessage) int { return slackLimit },
		},
		Hint: "A message through an incoming-webhook URL.",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[SlackConfig](raw)
			return hostOf(c.URL)
		},
		Fields: []Field{{Name: "url", Label: "Incoming-webhook URL", Type: "password", Secret: true,
			Hint: "It works as a password: it is never shown again."}},
		New: func(ch briefing.Channel, env Env) (Sender, error) {
			c, err := configOf[SlackConfig](ch.Config)
			if err != nil {
				return nil, err
			}
			return &slack{url: c.URL, client: env.Client}, nil
		},
		Check: func(ctx context.Context, ch briefing.Channel, env Env) Result {
			c, err := configOf[SlackConfig](ch.Config)
			if err != nil {
				return Result{Message: err.Error()}
			}
			return reachResult(ctx, env, c.URL)
		},
	})
}

// slackEscaper escapes the three characters Slack's mrkdwn treats as
// control characters, so that a title like "A <b> & C" is shown as written
// and cannot turn into a <!channel> mention or a disguised link.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackText is the message: the title in bold, the channel's text, and the
// link to the newsroom on a line of its own so that it unfurls.
func slackText(m Message) string {
	var b strings.Builder
	if t := strings.TrimSpace(m.Title); t != "" {
		// Asterisks in the title would end the bold early; a title has no
		// markup of its own, so they are dropped rather than escaped (mrkdwn
		// has no escape for them).
		b.WriteString("*" + slackEscaper.Replace(strings.ReplaceAll(t, "*", "")) + "*\n")
	}
	if t := strings.TrimSpace(m.Text); t != "" {
		b.WriteString(slackEscaper.Replace(t) + "\n")
	}
	b.WriteString(m.URL)
	return strings.TrimRight(b.String(), "\n")
}

// Send posts the message. Incoming webhooks know no idempotency key: an
// attempt without an answer makes the delivery unconfirmed (the outbox
// reads the kind's RetrySafety), and only a person decides to send again.
func (s *slack) Send(ctx context.Context, m Message) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	body, err := json.Marshal(map[string]string{"text": slackText(m)})
	if err != nil {
		return &Error{Msg: "slack: encoding the message: " + err.Error()}
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return post(ctx, s.client, s.url, h, body, urlSecrets(s.url)...)
}
