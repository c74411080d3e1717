package channel

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"firsthand/briefing"
)

// mastodonLimit is a status's default maximum length on Mastodon.
const mastodonLimit = 500

// mastodon posts a public status to an account's instance.
type mastodon struct {
	endpoint string
	token    string
	client   *http.Client
}

func newMastodon(c briefing.ChannelConfig, client *http.Client) (*mastodon, error) {
	return &mastodon{
		endpoint: strings.TrimRight(c.Instance, "/") + "/api/v1/statuses",
		token:    c.AccessToken,
		client:   client,
	}, nil
}

// mastodonStatus joins text and URL and trims the text, never the URL, to
// the limit: a status with a cut link points nowhere. Runes are counted
// although Mastodon counts every link as 23 characters: counting the whole
// URL errs on the safe side.
func mastodonStatus(text, url string) string {
	text = strings.TrimSpace(text)
	if url == "" {
		return truncateRunes(text, mastodonLimit)
	}
	if text == "" {
		return url
	}
	tail := "\n\n" + url
	budget := mastodonLimit - utf8.RuneCountInString(tail)
	if budget <= 1 {
		// A URL this long leaves no room for text; Mastodon counts it as
		// 23 characters, so the URL alone is still accepted.
		return url
	}
	return truncateRunes(text, budget) + tail
}

// Send posts the status. The Idempotency-Key makes Mastodon answer a retry
// with the status it already created (for an hour) instead of posting twice.
func (s *mastodon) Send(ctx context.Context, m Message) error {
	if err := checkMessage(m); err != nil {
		return err
	}
	body, err := json.Marshal(map[string]string{"status": mastodonStatus(m.Text, m.URL)})
	if err != nil {
		return &Error{Msg: "mastodon: encoding the status: " + err.Error()}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Bearer "+s.token)
	h.Set("Idempotency-Key", m.ReceiverID)
	return post(ctx, s.client, s.endpoint, h, body, s.token)
}
