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

	"firsthand/briefing"
)

// KindFacebook is a post on a Facebook Page through the Graph API.
const KindFacebook briefing.ChannelKind = "facebook"

// FacebookConfig is a facebook channel's config. PageAccessToken is secret.
type FacebookConfig struct {
	PageID          string `json:"page_id"`
	PageAccessToken string `json:"page_access_token"`
	GraphVersion    string `json:"graph_version,omitempty"`
	APIBase         string `json:"api_base,omitempty"`
}

// The defaults of a facebook channel, and a post's longest message.
const (
	facebookAPIBase = "https://graph.facebook.com"
	facebookVersion = "v26.0"
	facebookLimit   = 63206
)

var (
	facebookPageID  = regexp.MustCompile(`^[0-9]{1,30}$`)
	facebookVersRe  = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]$`)
	facebookExpired = "the page token expired or was revoked"
)

// facebookCount is the message's length: the link goes in its own field.
func facebookCount(text string) int { return utf8.RuneCountInString(strings.TrimSpace(text)) }

func (c *FacebookConfig) validate() error {
	c.PageID, c.PageAccessToken, c.GraphVersion = strings.TrimSpace(c.PageID), strings.TrimSpace(c.PageAccessToken), strings.TrimSpace(c.GraphVersion)
	if !facebookPageID.MatchString(c.PageID) {
		return briefing.Invalid("config.page_id", "the page id is the page's number")
	}
	if c.PageAccessToken == "" {
		return briefing.Invalid("config.page_access_token", "a page access token is required")
	}
	if c.GraphVersion == "" {
		c.GraphVersion = facebookVersion
	}
	if !facebookVersRe.MatchString(c.GraphVersion) {
		return briefing.Invalid("config.graph_version", "the Graph API version looks like %s", facebookVersion)
	}
	return checkBases(&c.APIBase, facebookAPIBase, nil, "")
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindFacebook, Label: "Facebook page", Order: 90,
			// No idempotency key: an attempt without an answer is unconfirmed.
			Retry:    briefing.RetryUnconfirmedOnNoAnswer,
			Retract:  briefing.RetractByAPI,
			Validate: validated(func(c *FacebookConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return facebookLimit },
			Count:    facebookCount,
		},
		Hint: "A post on a Facebook page with the newsroom link attached.",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[FacebookConfig](raw)
			return "page " + c.PageID + " at " + hostOf(c.APIBase)
		},
		Fields: []Field{
			{Name: "page_id", Label: "Page id", Type: "text"},
			{Name: "page_access_token", Label: "Page access token", Type: "password", Secret: true, Hint: "Never shown again."},
			{Name: "graph_version", Label: "Graph API version", Type: "text", Optional: true, Hint: "default " + facebookVersion},
			{Name: "api_base", Label: "API address", Type: "url", Optional: true, Hint: "Only through a proxy; default " + facebookAPIBase},
		},
		New:   senderOf(func(_ string, c *FacebookConfig, env Env) *facebook { return newFacebook(c, env) }),
		Check: preflightOf(func(_ string, c *FacebookConfig, env Env) *facebook { return newFacebook(c, env) }),
	})
}

// facebook posts to a page's feed.
type facebook struct {
	base, version, pageID, token string
	client                       *http.Client
}

func newFacebook(c *FacebookConfig, env Env) *facebook {
	base, v := strings.TrimRight(c.APIBase, "/"), c.GraphVersion
	if base == "" {
		base = facebookAPIBase
	}
	if v == "" {
		v = facebookVersion
	}
	return &facebook{base: base, version: v, pageID: c.PageID, token: c.PageAccessToken, client: env.Client}
}

// Send posts; see Post.
func (s *facebook) Send(ctx context.Context, m Message) error {
	_, err := s.Post(ctx, m)
	return err
}

// Post publishes to the page's feed: a form with message and link, the
// token as a bearer header. Graph answers 200 {"id": "page_post"}.
func (s *facebook) Post(ctx context.Context, m Message) (Posted, error) {
	if err := checkMessage(m); err != nil {
		return Posted{}, err
	}
	form := url.Values{"message": {strings.TrimSpace(m.Text)}, "link": {m.URL}}
	ans, err := do(ctx, s.client, apiCall{method: http.MethodPost, url: s.base + "/" + s.version + "/" + s.pageID + "/feed",
		header:  http.Header{"Authorization": {"Bearer " + s.token}, "Content-Type": {"application/x-www-form-urlencoded"}},
		body:    []byte(form.Encode()),
		secrets: []string{s.token}})
	if err != nil {
		return Posted{}, err
	}
	if ans.ok() {
		var out struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(ans.body, &out) != nil || out.ID == "" {
			return Posted{Note: "facebook accepted the post without naming it"}, nil
		}
		return Posted{ID: out.ID, URL: "https://www.facebook.com/" + out.ID}, nil
	}
	gerr := graphErrorOf(ans)
	if gerr.Code == 506 {
		return Posted{Note: "facebook says this message is a duplicate of a post on the page: counted as sent"}, nil
	}
	return Posted{}, graphRefusal(ans, gerr, "facebook", facebookExpired)
}

// graphError is the error object of Meta's Graph APIs (Facebook, Threads).
type graphError struct {
	Message     string `json:"message"`
	Type        string `json:"type"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode"`
	IsTransient bool   `json:"is_transient"`
}

func graphErrorOf(ans *apiAnswer) graphError {
	var out struct {
		Error graphError `json:"error"`
	}
	_ = json.Unmarshal(ans.body, &out)
	return out.Error
}

// graphThrottleWait is how long a throttled page waits when Graph does not
// say (its windows are an hour).
const graphThrottleWait = 15 * time.Minute

// graphRefusal maps a Graph API error: the throttling codes (4, 17, 32,
// 613) wait for the time Graph names in X-Business-Use-Case-Usage or a
// quarter of an hour; 190 is a dead token (failed, the admins told);
// a transient error or a 5xx is retried; anything else will not change.
func graphRefusal(ans *apiAnswer, g graphError, platform, expired string) *Error {
	e := ans.refusal(platform)
	if g.Message != "" {
		e.Msg = fmt.Sprintf("%s answered %d (code %d): %s", platform, ans.status, g.Code, redact(g.Message, ans.secrets))
	}
	switch {
	case g.Code == 4 || g.Code == 17 || g.Code == 32 || g.Code == 613:
		e.RetryAfter = max(e.RetryAfter, graphRegainAccess(ans.header), graphThrottleWait)
	case g.Code == 190:
		e.Permanent, e.TellAdmins = true, true
		e.Msg = platform + ": " + expired + ": an admin must enter a new one (code 190)"
	case g.IsTransient || g.Code == 1 || g.Code == 2 || ans.status >= 500:
		// retried with the outbox's backoff
		e.Timeout = ans.status == http.StatusBadGateway || ans.status == http.StatusGatewayTimeout
	case ans.status >= 400 && ans.status < 500:
		e.Permanent = true
	}
	return e
}

// graphRegainAccess reads estimated_time_to_regain_access (minutes) from
// X-Business-Use-Case-Usage.
func graphRegainAccess(h http.Header) time.Duration {
	var usage map[string][]struct {
		Minutes int `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &usage) != nil {
		return 0
	}
	longest := 0
	for _, us := range usage {
		for _, u := range us {
			longest = max(longest, u.Minutes)
		}
	}
	return time.Duration(longest) * time.Minute
}

// Retract deletes the post: DELETE /{v}/{post_id}. One that no longer
// exists (code 100) is retracted.
func (s *facebook) Retract(ctx context.Context, _ Message, postID string) error {
	ans, err := do(ctx, s.client, apiCall{method: http.MethodDelete, url: s.base + "/" + s.version + "/" + url.PathEscape(postID),
		header: http.Header{"Authorization": {"Bearer " + s.token}}, secrets: []string{s.token}})
	if err != nil {
		return err
	}
	if ans.ok() {
		return nil
	}
	g := graphErrorOf(ans)
	if g.Code == 100 && strings.Contains(strings.ToLower(g.Message), "does not exist") {
		return nil
	}
	return graphRefusal(ans, g, "facebook", facebookExpired)
}

// check is the preflight: GET /{v}/me?fields=id,name with the page token
// names the page, posts nothing.
func (s *facebook) check(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	ans, err := do(ctx, s.client, apiCall{method: http.MethodGet, url: s.base + "/" + s.version + "/me?fields=id,name",
		header: http.Header{"Authorization": {"Bearer " + s.token}}, secrets: []string{s.token}})
	if err != nil {
		return Result{Message: err.Error()}
	}
	if !ans.ok() {
		return Result{Message: graphRefusal(ans, graphErrorOf(ans), "facebook", facebookExpired).Msg}
	}
	var me struct{ ID, Name string }
	if json.Unmarshal(ans.body, &me) != nil || me.Name == "" {
		return Result{Message: "facebook answered without a page"}
	}
	msg := "posts as " + me.Name + "; nothing was sent"
	if me.ID != s.pageID {
		return Result{Account: me.Name, Message: "the token is " + me.Name + "'s (" + me.ID + "), not page " + s.pageID + "'s: use the page's own token"}
	}
	return Result{OK: true, Account: me.Name, Message: msg}
}
