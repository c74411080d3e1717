package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"firsthand/briefing"
)

// KindMastodon is a public status on a Mastodon (or compatible) account.
const KindMastodon briefing.ChannelKind = "mastodon"

// MastodonConfig is a mastodon channel's config. AccessToken is secret.
// Limit is the instance's status length when it is not Mastodon's 500.
type MastodonConfig struct {
	Instance    string `json:"instance"`
	AccessToken string `json:"access_token"`
	Limit       int    `json:"limit,omitempty"`
}

// mastodonLimit is a status's default maximum length on Mastodon.
const mastodonLimit = 500

// mastodonURLWeight is what Mastodon counts for any link, however long:
// the appended newsroom link included, whatever its form.
const mastodonURLWeight = 23

// mastodonKeyWindow is how long Mastodon remembers an Idempotency-Key.
const mastodonKeyWindow = time.Hour

var linkPattern = regexp.MustCompile(`https?://[^\s]+`)

// mastodonCount counts a status as Mastodon does: characters, every link
// as 23, and the appended newsroom link (after a blank line) as 23 too.
func mastodonCount(text string) int {
	text = strings.TrimSpace(text)
	n := utf8.RuneCountInString(linkPattern.ReplaceAllString(text, strings.Repeat("x", mastodonURLWeight)))
	if text != "" {
		n += 2 // the blank line before the link
	}
	return n + mastodonURLWeight
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindMastodon, Label: "Mastodon", Order: 60,
			Retry: briefing.RetryIdempotent, IdempotencyWindow: mastodonKeyWindow,
			Retract: briefing.RetractByAPI,
			Validate: validated(func(c *MastodonConfig) error {
				c.Instance, c.AccessToken = strings.TrimSpace(c.Instance), strings.TrimSpace(c.AccessToken)
				if err := validURL("config.instance", c.Instance); err != nil {
					return err
				}
				if c.AccessToken == "" {
					return briefing.Invalid("config.access_token", "an access token is required")
				}
				if c.Limit < 0 || c.Limit > 100_000 {
					return briefing.Invalid("config.limit", "the limit must be between 1 and 100000, or left out for 500")
				}
				return nil
			}),
			Limit: func(raw json.RawMessage) int {
				if c, err := configOf[MastodonConfig](raw); err == nil && c.Limit > 0 {
					return c.Limit
				}
				return mastodonLimit
			},
			Count: mastodonCount,
		},
		Hint: "A public post; at most 500 characters, every link counted as 23.",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[MastodonConfig](raw)
			return hostOf(c.Instance)
		},
		Fields: []Field{
			{Name: "instance", Label: "Instance", Type: "url"},
			{Name: "access_token", Label: "Access token", Type: "password", Secret: true, Hint: "Never shown again."},
			{Name: "limit", Label: "Status length", Type: "number", Optional: true, Hint: "Only if your instance allows more than 500."},
		},
		New: func(ch briefing.Channel, env Env) (Sender, error) {
			c, err := configOf[MastodonConfig](ch.Config)
			if err != nil {
				return nil, err
			}
			return &mastodon{instance: strings.TrimRight(c.Instance, "/"), token: c.AccessToken, client: env.Client}, nil
		},
		Check: checkMastodon,
	})
}

// mastodon posts a public status to an account's instance.
type mastodon struct {
	instance string
	token    string
	client   *http.Client
}

// mastodonStatus is the text and the newsroom link after a blank line. It
// never cuts: the API refused a text over the limit before it got here.
func mastodonStatus(text, url string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return url
	}
	if url == "" {
		return text
	}
	return text + "\n\n" + url
}

// Send posts the status; see Post.
func (s *mastodon) Send(ctx context.Context, m Message) error {
	_, err := s.Post(ctx, m)
	return err
}

// Post posts the status. The Idempotency-Key makes Mastodon answer a retry
// with the status it already created (for an hour) instead of posting
// twice. Its answer names the status: the id a retraction deletes, and
// its public url.
func (s *mastodon) Post(ctx context.Context, m Message) (Posted, error) {
	if err := checkMessage(m); err != nil {
		return Posted{}, err
	}
	body, err := json.Marshal(map[string]string{"status": mastodonStatus(m.Text, m.URL)})
	if err != nil {
		return Posted{}, &Error{Msg: "mastodon: encoding the status: " + err.Error()}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Bearer "+s.token)
	h.Set("Idempotency-Key", m.ReceiverID)
	ans, err := do(ctx, s.client, apiCall{method: http.MethodPost, url: s.instance + "/api/v1/statuses", header: h, body: body, secrets: []string{s.token}})
	if err != nil {
		return Posted{}, err
	}
	if !ans.ok() {
		return Posted{}, ans.refusal("mastodon")
	}
	var st struct{ ID, URL string }
	_ = json.Unmarshal(ans.body, &st)
	if !strings.HasPrefix(st.URL, "https://") && !strings.HasPrefix(st.URL, "http://") {
		st.URL = ""
	}
	return Posted{ID: st.ID, URL: st.URL}, nil
}

// Retract deletes the status: DELETE /api/v1/statuses/{id}. One that is
// gone already is retracted.
func (s *mastodon) Retract(ctx context.Context, _ Message, id string) error {
	ans, err := do(ctx, s.client, apiCall{method: http.MethodDelete, url: s.instance + "/api/v1/statuses/" + url.PathEscape(id),
		header: http.Header{"Authorization": {"Bearer " + s.token}}, secrets: []string{s.token}})
	if err != nil {
		return err
	}
	if ans.ok() || ans.status == http.StatusNotFound {
		return nil
	}
	return ans.refusal("mastodon")
}

// checkMastodon asks the instance whose token this is
// (GET /api/v1/accounts/verify_credentials): no post.
func checkMastodon(ctx context.Context, ch briefing.Channel, env Env) Result {
	c, err := configOf[MastodonConfig](ch.Config)
	if err != nil {
		return Result{Message: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.Instance, "/")+"/api/v1/accounts/verify_credentials", nil)
	if err != nil {
		return Result{Message: "the instance URL is not valid"}
	}
	req.Header.Set("Authorization", "Bearer "+c.AccessToken)
	resp, err := env.Client.Do(req)
	if err != nil {
		return Result{Message: transportError(err).Msg}
	}
	defer resp.Body.Close()
	var acct struct {
		Acct string `json:"acct"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return Result{Message: fmt.Sprintf("the instance answered %d %s: the token may be wrong or revoked", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	if json.Unmarshal(body, &acct) != nil || acct.Acct == "" {
		return Result{Message: "the instance answered without an account: is this a Mastodon instance?"}
	}
	return Result{OK: true, Account: "@" + acct.Acct, Message: "the token works for @" + acct.Acct}
}
