package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"firsthand/briefing"
)

// KindThreads is a text post on Threads (Meta's Threads API).
const KindThreads briefing.ChannelKind = "threads"

// ThreadsConfig is a threads channel's config. AccessToken is secret.
type ThreadsConfig struct {
	UserID      string `json:"user_id"`
	AccessToken string `json:"access_token"`
	APIBase     string `json:"api_base,omitempty"`
}

const (
	threadsAPIBase = "https://graph.threads.net"
	threadsLimit   = 500
	// threadsLinkAllowance is what the count reserves for the newsroom
	// link, whose length the count does not know (it depends on the base
	// URL and the slug). Send counts the real post again and refuses, never
	// cuts, one that comes out longer.
	threadsLinkAllowance = 120
	// threadsExpired is the message for Graph's code 190.
	threadsExpired = "the Threads token expired or was revoked"
	// progressContainer is the delivery's stored container id.
	progressContainer = "threads_container"
)

var threadsUserID = regexp.MustCompile(`^[0-9]{1,30}$`)

// threadsTextCount counts as Threads does: characters, an emoji as its
// UTF-8 bytes.
func threadsTextCount(s string) int {
	n, state := 0, -1
	for s != "" {
		var cluster string
		cluster, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		if isEmoji(cluster) {
			n += len(cluster)
		} else {
			n += utf8.RuneCountInString(cluster)
		}
	}
	return n
}

// isEmoji reports a grapheme cluster that shows as an emoji: a
// pictograph, or a symbol with the emoji presentation selector.
func isEmoji(cluster string) bool {
	for _, r := range cluster {
		if r >= 0x1F000 && r <= 0x1FAFF || r == 0xFE0F || r >= 0x2600 && r <= 0x27BF {
			return true
		}
	}
	return false
}

// threadsCount is the count the editor and the API check: the text, the
// blank line and the link's allowance.
func threadsCount(text string) int {
	text = strings.TrimSpace(text)
	n := threadsLinkAllowance
	if text != "" {
		n += threadsTextCount(text) + 2
	}
	return n
}

func (c *ThreadsConfig) validate() error {
	c.UserID, c.AccessToken = strings.TrimSpace(c.UserID), strings.TrimSpace(c.AccessToken)
	if !threadsUserID.MatchString(c.UserID) {
		return briefing.Invalid("config.user_id", "the Threads user id is a number")
	}
	if c.AccessToken == "" {
		return briefing.Invalid("config.access_token", "an access token is required")
	}
	return checkBases(&c.APIBase, threadsAPIBase, nil, "")
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			// Safe to retry: the container is stored before it is published,
			// and a retry asks its status first.
			Kind: KindThreads, Label: "Threads", Order: 100, Retry: briefing.RetryIdempotent,
			Validate: validated(func(c *ThreadsConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return threadsLimit },
			Count:    threadsCount,
		},
		Hint: "A text post on Threads; 500 characters with the link (an emoji counts its bytes).",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[ThreadsConfig](raw)
			return "user " + c.UserID + " at " + hostOf(c.APIBase)
		},
		// The status, the container, its publication and the permalink.
		Budget: 4 * SendTimeout,
		Fields: []Field{
			{Name: "user_id", Label: "Threads user id", Type: "text"},
			{Name: "access_token", Label: "Access token", Type: "password", Secret: true, Hint: "Never shown again."},
			{Name: "api_base", Label: "API address", Type: "url", Optional: true, Hint: "Only through a proxy; default " + threadsAPIBase},
		},
		New:   senderOf(func(_ string, c *ThreadsConfig, env Env) *threads { return newThreads(c, env) }),
		Check: preflightOf(func(_ string, c *ThreadsConfig, env Env) *threads { return newThreads(c, env) }),
	})
}

// threads posts in Threads' two steps: a container, then its publication.
type threads struct {
	base, userID, token string
	client              *http.Client
}

func newThreads(c *ThreadsConfig, env Env) *threads {
	base := strings.TrimRight(c.APIBase, "/")
	if base == "" {
		base = threadsAPIBase
	}
	return &threads{base: base, userID: c.UserID, token: c.AccessToken, client: env.Client}
}

func (s *threads) call(ctx context.Context, method, path string, form url.Values) (*apiAnswer, error) {
	c := apiCall{method: method, url: s.base + "/v1.0/" + path, header: http.Header{"Authorization": {"Bearer " + s.token}}, secrets: []string{s.token}}
	if form != nil {
		c.header.Set("Content-Type", "application/x-www-form-urlencoded")
		c.body = []byte(form.Encode())
	}
	return do(ctx, s.client, c)
}

func (s *threads) refusal(ans *apiAnswer) *Error {
	return graphRefusal(ans, graphErrorOf(ans), "threads", threadsExpired)
}

// Send posts; see Post.
func (s *threads) Send(ctx context.Context, m Message) error {
	_, err := s.Post(ctx, m)
	return err
}

// Post creates the container (its id stored with the delivery before the
// publication is asked for) and publishes it. A retry finds the stored
// container: published already → sent; ready → published now; expired or
// failed → a new container (the old one never went public).
func (s *threads) Post(ctx context.Context, m Message) (Posted, error) {
	if err := checkMessage(m); err != nil {
		return Posted{}, err
	}
	container := m.Progress[progressContainer]
	if container != "" {
		status, err := s.status(ctx, container)
		if err != nil {
			return Posted{}, err
		}
		switch status {
		case "PUBLISHED":
			return Posted{Note: "an earlier attempt published it (its answer was lost)"}, nil
		case "IN_PROGRESS":
			return Posted{}, &Error{RetryAfter: 30 * time.Second, Msg: "threads is still preparing the post"}
		case "EXPIRED", "ERROR":
			container = ""
		}
	}
	if container == "" {
		text := mastodonStatus(m.Text, m.URL)
		if n := threadsTextCount(text); n > threadsLimit {
			return Posted{}, &Error{Permanent: true, Msg: fmt.Sprintf("threads: the post with its link counts %d characters; Threads takes %d (shorten the text: nothing is cut)", n, threadsLimit)}
		}
		ans, err := s.call(ctx, http.MethodPost, s.userID+"/threads", url.Values{"media_type": {"TEXT"}, "text": {text}})
		if err != nil {
			// An unanswered container is harmless: unpublished, it expires.
			if e, ok := err.(*Error); ok {
				e.Timeout = false
			}
			return Posted{}, err
		}
		if !ans.ok() {
			return Posted{}, s.refusal(ans)
		}
		if container = idOf(ans); container == "" {
			return Posted{}, &Error{Msg: "threads made a container without naming it"}
		}
		if err := m.saveProgress(progressContainer, container); err != nil {
			return Posted{}, err
		}
	}
	ans, err := s.call(ctx, http.MethodPost, s.userID+"/threads_publish", url.Values{"creation_id": {container}})
	if err != nil {
		// The retry asks the container's status first: safe to retry.
		if e, ok := err.(*Error); ok {
			e.Timeout = false
		}
		return Posted{}, err
	}
	if !ans.ok() {
		return Posted{}, s.refusal(ans)
	}
	id := idOf(ans)
	return Posted{ID: id, URL: s.permalink(ctx, id)}, nil
}

// status asks a container's status: GET /v1.0/{container}?fields=status.
func (s *threads) status(ctx context.Context, container string) (string, error) {
	ans, err := s.call(ctx, http.MethodGet, url.PathEscape(container)+"?fields=status", nil)
	if err != nil {
		return "", err
	}
	if !ans.ok() {
		return "", s.refusal(ans)
	}
	var out struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(ans.body, &out) != nil || out.Status == "" {
		return "", &Error{Msg: "threads answered a container's status without one"}
	}
	return out.Status, nil
}

// permalink asks a published post's address; without one the delivery is
// sent all the same.
func (s *threads) permalink(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	ans, err := s.call(ctx, http.MethodGet, url.PathEscape(id)+"?fields=permalink", nil)
	if err != nil || !ans.ok() {
		return ""
	}
	var out struct {
		Permalink string `json:"permalink"`
	}
	_ = json.Unmarshal(ans.body, &out)
	if !strings.HasPrefix(out.Permalink, "https://") {
		return ""
	}
	return out.Permalink
}

func idOf(ans *apiAnswer) string {
	var out struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(ans.body, &out)
	return out.ID
}

// check is the preflight: GET /v1.0/me?fields=id,username.
func (s *threads) check(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	ans, err := s.call(ctx, http.MethodGet, "me?fields=id,username", nil)
	if err != nil {
		return Result{Message: err.Error()}
	}
	if !ans.ok() {
		return Result{Message: s.refusal(ans).Msg}
	}
	var me struct{ ID, Username string }
	if json.Unmarshal(ans.body, &me) != nil || me.Username == "" {
		return Result{Message: "threads answered without an account"}
	}
	return Result{OK: true, Account: "@" + me.Username, Message: "posts as @" + me.Username + "; nothing was sent"}
}
