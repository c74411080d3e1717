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

func newSlack(c briefing.ChannelConfig, client *http.Client) (*slack, error) {
	return &slack{url: c.URL, client: client}, nil
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

// Send posts the message. Incoming webhooks know no idempotency key: a
// retry after a timeout may show the message twice, which is the price of
// not losing it.
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
