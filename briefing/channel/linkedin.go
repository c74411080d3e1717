package channel

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"firsthand/briefing"
)

// KindLinkedIn is a post on a LinkedIn organization page (Posts API).
const KindLinkedIn briefing.ChannelKind = "linkedin"

// LinkedInConfig is a linkedin channel's config. AccessToken,
// RefreshToken and ClientSecret are secret. Version is the LinkedIn-Version
// header (YYYYMM); left out, the previous month's, which LinkedIn still
// serves (it keeps a version about a year): a pinned one would stop
// working when LinkedIn sunsets it.
type LinkedInConfig struct {
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	Author       string `json:"author"`
	Version      string `json:"version,omitempty"`
	APIBase      string `json:"api_base,omitempty"`
	AuthBase     string `json:"auth_base,omitempty"`
}

// The defaults of a linkedin channel's addresses, and its text limit.
const (
	linkedInAPIBase  = "https://api.linkedin.com"
	linkedInAuthBase = "https://www.linkedin.com"
	linkedInLimit    = 3000
)

var (
	linkedInAuthor  = regexp.MustCompile(`^urn:li:(organization|person):[0-9A-Za-z_-]+$`)
	linkedInVersion = regexp.MustCompile(`^20[0-9]{2}(0[1-9]|1[0-2])$`)
	// linkedInPostURN finds the post a duplicate refusal names.
	linkedInPostURN = regexp.MustCompile(`urn:li:(share|ugcPost):[0-9]+`)
)

// linkedInEscaper escapes the characters LinkedIn's little text format
// reserves: unescaped, LinkedIn cuts the post at the first of them and
// still answers 201.
var linkedInEscaper = strings.NewReplacer(
	`\`, `\\`, `|`, `\|`, `{`, `\{`, `}`, `\}`, `@`, `\@`, `[`, `\[`, `]`, `\]`,
	`(`, `\(`, `)`, `\)`, `<`, `\<`, `>`, `\>`, `#`, `\#`, `*`, `\*`, `_`, `\_`, `~`, `\~`)

// linkedInCommentary is the post's text, escaped; the link goes in the
// article, not in the text.
func linkedInCommentary(text string) string {
	return linkedInEscaper.Replace(strings.TrimSpace(text))
}

// linkedInCount counts the commentary as LinkedIn does: characters after
// escaping (each escape is a character too).
func linkedInCount(text string) int { return utf8.RuneCountInString(linkedInCommentary(text)) }

func (c *LinkedInConfig) validate() error {
	c.AccessToken, c.RefreshToken = strings.TrimSpace(c.AccessToken), strings.TrimSpace(c.RefreshToken)
	c.ClientID, c.ClientSecret = strings.TrimSpace(c.ClientID), strings.TrimSpace(c.ClientSecret)
	c.Author, c.Version = strings.TrimSpace(c.Author), strings.TrimSpace(c.Version)
	if c.AccessToken == "" && (c.ClientID == "" || c.ClientSecret == "") {
		return briefing.Invalid("config.access_token", "an access token, or a client id and secret to connect the account, is required")
	}
	if !linkedInAuthor.MatchString(c.Author) {
		return briefing.Invalid("config.author", "the author must be the page's URN, e.g. urn:li:organization:2414183")
	}
	if c.Version != "" && !linkedInVersion.MatchString(c.Version) {
		return briefing.Invalid("config.version", "the version must be YYYYMM, e.g. 202511, or left out for a current one")
	}
	return checkBases(&c.APIBase, linkedInAPIBase, &c.AuthBase, linkedInAuthBase)
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindLinkedIn, Label: "LinkedIn page", Order: 80,
			// No idempotency key: an attempt without an answer is unconfirmed.
			Retry:    briefing.RetryUnconfirmedOnNoAnswer,
			Retract:  briefing.RetractByAPI,
			Validate: validated(func(c *LinkedInConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return linkedInLimit },
			Count:    linkedInCount,
		},
		Hint: "A post on a LinkedIn page with the newsroom link as its article; 3,000 characters, reserved characters counted escaped.",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[LinkedInConfig](raw)
			return c.Author + " at " + hostOf(c.APIBase)
		},
		// Two posts around a token refresh (two more requests) at most.
		Budget: 4 * SendTimeout,
		Fields: []Field{
			{Name: "author", Label: "Page URN", Type: "text", Hint: "urn:li:organization: and the page's number"},
			{Name: "access_token", Label: "Access token", Type: "password", Secret: true, Optional: true, Hint: "Or leave it empty and connect the account with a client id and secret."},
			{Name: "client_id", Label: "OAuth client id", Type: "text", Optional: true},
			{Name: "client_secret", Label: "OAuth client secret", Type: "password", Secret: true, Optional: true},
			{Name: "version", Label: "API version", Type: "text", Optional: true, Hint: "YYYYMM; left empty, a current one"},
			{Name: "api_base", Label: "API address", Type: "url", Optional: true, Hint: "Only through a proxy; default " + linkedInAPIBase},
		},
		New:   senderOf(newLinkedIn),
		Check: preflightOf(newLinkedIn),
	})
}

// linkedIn posts through LinkedIn's versioned Posts API.
type linkedIn struct {
	base, author, version string
	auth                  bearer
	client                *http.Client
}

func newLinkedIn(channelID string, c *LinkedInConfig, env Env) *linkedIn {
	base := strings.TrimRight(c.APIBase, "/")
	if base == "" {
		base = linkedInAPIBase
	}
	return &linkedIn{base: base, author: c.Author, version: c.Version,
		auth: bearer{channelID: channelID, static: c.AccessToken, tokens: env.Tokens}, client: env.Client}
}

// header is what every versioned call carries.
func (s *linkedIn) header(token string) http.Header {
	v := s.version
	if v == "" {
		v = timeNow().UTC().AddDate(0, -1, 0).Format("200601")
	}
	return http.Header{
		"Authorization":             {"Bearer " + token},
		"Linkedin-Version":          {v},
		"X-Restli-Protocol-Version": {"2.0.0"},
	}
}

// linkedInPost is the body of POST /rest/posts. Field order is LinkedIn's.
type linkedInPost struct {
	Author       string `json:"author"`
	Commentary   string `json:"commentary"`
	Visibility   string `json:"visibility"`
	Distribution struct {
		FeedDistribution               string   `json:"feedDistribution"`
		TargetEntities                 []string `json:"targetEntities"`
		ThirdPartyDistributionChannels []string `json:"thirdPartyDistributionChannels"`
	} `json:"distribution"`
	Content struct {
		Article struct {
			Source string `json:"source"`
			Title  string `json:"title"`
		} `json:"article"`
	} `json:"content"`
	LifecycleState            string `json:"lifecycleState"`
	IsReshareDisabledByAuthor bool   `json:"isReshareDisabledByAuthor"`
}

// Send posts; see Post.
func (s *linkedIn) Send(ctx context.Context, m Message) error {
	_, err := s.Post(ctx, m)
	return err
}

// Post creates the post. LinkedIn answers 201 with the post's URN in
// x-restli-id; a 422 naming a duplicate is the post an earlier attempt
// made (its answer lost): sent, with that URN.
func (s *linkedIn) Post(ctx context.Context, m Message) (Posted, error) {
	if err := checkMessage(m); err != nil {
		return Posted{}, err
	}
	var p linkedInPost
	p.Author, p.Commentary, p.Visibility = s.author, linkedInCommentary(m.Text), "PUBLIC"
	p.Distribution.FeedDistribution = "MAIN_FEED"
	p.Distribution.TargetEntities, p.Distribution.ThirdPartyDistributionChannels = []string{}, []string{}
	p.Content.Article.Source, p.Content.Article.Title = m.URL, m.Title
	p.LifecycleState = "PUBLISHED"
	body, err := json.Marshal(p)
	if err != nil {
		return Posted{}, &Error{Msg: "linkedin: encoding the post: " + err.Error()}
	}
	ans, err := bearerCall(ctx, s.client, s.auth, "linkedin", func(token string) apiCall {
		h := s.header(token)
		h.Set("Content-Type", "application/json")
		return apiCall{method: http.MethodPost, url: s.base + "/rest/posts", header: h, body: body}
	})
	if err != nil {
		return Posted{}, err
	}
	if ans.ok() {
		urn := ans.header.Get("X-Restli-Id")
		if urn == "" {
			return Posted{Note: "linkedin accepted the post without naming it"}, nil
		}
		return Posted{ID: urn, URL: linkedInPostURL(urn)}, nil
	}
	if ans.status == http.StatusUnprocessableEntity && (strings.Contains(string(ans.body), "DUPLICATE_POST") || strings.Contains(string(ans.body), "duplicate of urn:li:")) {
		urn := linkedInPostURN.FindString(string(ans.body))
		posted := Posted{ID: urn, Note: "linkedin says this post is a duplicate of " + urn + ": counted as sent"}
		if urn != "" {
			posted.URL = linkedInPostURL(urn)
		}
		return posted, nil
	}
	return Posted{}, linkedInRefusal(ans)
}

func linkedInPostURL(urn string) string { return "https://www.linkedin.com/feed/update/" + urn }

// linkedInRefusal maps LinkedIn's refusals: a 429 waits for Retry-After or
// LinkedIn's daily reset at midnight UTC; a gateway's 502/504 may come
// after the post was made; other 4xx will not change on a retry.
func linkedInRefusal(ans *apiAnswer) *Error {
	e := ans.refusal("linkedin")
	switch {
	case ans.status == http.StatusTooManyRequests:
		if e.RetryAfter == 0 {
			now := timeNow().UTC()
			e.RetryAfter = now.Truncate(24 * time.Hour).Add(24 * time.Hour).Sub(now)
		}
	case ans.status == http.StatusBadGateway || ans.status == http.StatusGatewayTimeout:
		e.Timeout = true
	case ans.status >= 400 && ans.status < 500 && ans.status != http.StatusRequestTimeout:
		e.Permanent = true
	}
	return e
}

// Retract deletes the post: DELETE /rest/posts/{urn}, the URN URL-encoded
// (its colons too: LinkedIn reads an unencoded URN as a compound key).
func (s *linkedIn) Retract(ctx context.Context, _ Message, urn string) error {
	ans, err := bearerCall(ctx, s.client, s.auth, "linkedin", func(token string) apiCall {
		h := s.header(token)
		h.Set("X-Restli-Method", "DELETE")
		return apiCall{method: http.MethodDelete, url: s.base + "/rest/posts/" + url.QueryEscape(urn), header: h}
	})
	if err != nil {
		return err
	}
	if ans.ok() || ans.status == http.StatusNotFound || ans.status == http.StatusGone {
		return nil
	}
	return linkedInRefusal(ans)
}

// check is the preflight: GET /v2/userinfo names the member whose token it
// is (the page's admin), posts nothing.
func (s *linkedIn) check(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	ans, err := bearerCall(ctx, s.client, s.auth, "linkedin", func(token string) apiCall {
		return apiCall{method: http.MethodGet, url: s.base + "/v2/userinfo", header: http.Header{"Authorization": {"Bearer " + token}}}
	})
	if err != nil {
		return Result{Message: err.Error()}
	}
	if !ans.ok() {
		return Result{Message: ans.refusal("linkedin").Msg}
	}
	var me struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(ans.body, &me) != nil || me.Name == "" {
		return Result{Message: "linkedin answered without an account"}
	}
	return Result{OK: true, Account: me.Name + " for " + s.author, Message: "posts as " + s.author + " with " + me.Name + "'s token; nothing was sent"}
}
