package channel

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"firsthand/briefing"
)

// KindX is a post on X (Twitter) through its API v2.
const KindX briefing.ChannelKind = "x"

// XConfig is an x channel's config. AccessToken, RefreshToken and
// ClientSecret are secret. Without a token the channel is connected
// through OAuth (client_id and client_secret; the oauth code fills in the
// tokens).
type XConfig struct {
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	APIBase      string `json:"api_base,omitempty"`
	AuthBase     string `json:"auth_base,omitempty"`
}

// The defaults of an x channel's addresses.
const (
	xAPIBase  = "https://api.x.com"
	xAuthBase = "https://x.com"
)

// xLimit is a post's weighted length; xURLWeight what X counts for any
// link (t.co).
const (
	xLimit     = 280
	xURLWeight = 23
)

// xCount counts a post as twitter-text v3 does: a link is 23, a code point
// in the ranges below (Latin, Greek, Cyrillic, Hebrew, Arabic … and common
// punctuation) counts 1, any other (CJK, emoji) 2. The appended newsroom
// link, after a blank line, is a link like any other.
func xCount(text string) int {
	text = strings.TrimSpace(text)
	n := 0
	for _, r := range linkPattern.ReplaceAllString(text, "") {
		n += xWeight(r)
	}
	n += xURLWeight * len(linkPattern.FindAllStringIndex(text, -1))
	if text != "" {
		n += 2
	}
	return n + xURLWeight
}

// xWeight is one code point's weight in twitter-text v3's configuration.
func xWeight(r rune) int {
	switch {
	case r <= 0x10FF, r >= 0x2000 && r <= 0x200D, r >= 0x2010 && r <= 0x201F, r >= 0x2032 && r <= 0x2037:
		return 1
	}
	return 2
}

func (c *XConfig) validate() error {
	c.AccessToken, c.RefreshToken = strings.TrimSpace(c.AccessToken), strings.TrimSpace(c.RefreshToken)
	c.ClientID, c.ClientSecret = strings.TrimSpace(c.ClientID), strings.TrimSpace(c.ClientSecret)
	if c.AccessToken == "" && (c.ClientID == "" || c.ClientSecret == "") {
		return briefing.Invalid("config.access_token", "an access token, or a client id and secret to connect the account, is required")
	}
	return checkBases(&c.APIBase, xAPIBase, &c.AuthBase, xAuthBase)
}

// checkBases trims and checks an API kind's api_base and auth_base,
// filling in the platform's own where they are left out.
func checkBases(api *string, apiDefault string, auth *string, authDefault string) error {
	for _, b := range []struct {
		field string
		v     *string
		def   string
	}{{"config.api_base", api, apiDefault}, {"config.auth_base", auth, authDefault}} {
		if b.v == nil {
			continue
		}
		*b.v = strings.TrimRight(strings.TrimSpace(*b.v), "/")
		if *b.v == "" {
			*b.v = b.def
		}
		if err := validURL(b.field, *b.v); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: KindX, Label: "X", Order: 70,
			// X takes no idempotency key: an attempt without an answer may
			// or may not have posted.
			Retry:    briefing.RetryUnconfirmedOnNoAnswer,
			Retract:  briefing.RetractByAPI,
			Validate: validated(func(c *XConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return xLimit },
			Count:    xCount,
		},
		Hint: "A post on X: at most 280, as X weighs them (a link is 23, CJK and emoji count 2).",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[XConfig](raw)
			return hostOf(c.APIBase)
		},
		// Two posts around a token refresh (two more requests) at most.
		Budget: 4 * SendTimeout,
		Fields: []Field{
			{Name: "access_token", Label: "Access token", Type: "password", Secret: true, Optional: true, Hint: "Or leave it empty and connect the account with a client id and secret."},
			{Name: "client_id", Label: "OAuth client id", Type: "text", Optional: true},
			{Name: "client_secret", Label: "OAuth client secret", Type: "password", Secret: true, Optional: true},
			{Name: "api_base", Label: "API address", Type: "url", Optional: true, Hint: "Only through a proxy; default " + xAPIBase},
		},
		New:   senderOf(newX),
		Check: preflightOf(newX),
	})
}

// x posts through X's API v2.
type x struct {
	base   string
	auth   bearer
	client *http.Client
}

func newX(channelID string, c *XConfig, env Env) *x {
	base := strings.TrimRight(c.APIBase, "/")
	if base == "" {
		base = xAPIBase
	}
	return &x{base: base, auth: bearer{channelID: channelID, static: c.AccessToken, tokens: env.Tokens}, client: env.Client}
}

// Send posts; see Post.
func (s *x) Send(ctx context.Context, m Message) error {
	_, err := s.Post(ctx, m)
	return err
}

// Post creates the post: POST /2/tweets {"text"}. X answers 201 with its
// id. A 403 saying the content is a duplicate means X already has this
// very text from us (an earlier attempt that lost its answer): sent.
func (s *x) Post(ctx context.Context, m Message) (Posted, error) {
	if err := checkMessage(m); err != nil {
		return Posted{}, err
	}
	body, err := json.Marshal(map[string]string{"text": mastodonStatus(m.Text, m.URL)})
	if err != nil {
		return Posted{}, &Error{Msg: "x: encoding the post: " + err.Error()}
	}
	ans, err := bearerCall(ctx, s.client, s.auth, "x", func(token string) apiCall {
		return apiCall{method: http.MethodPost, url: s.base + "/2/tweets", body: body, header: http.Header{
			"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}}
	})
	if err != nil {
		return Posted{}, err
	}
	if ans.ok() {
		var out struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if json.Unmarshal(ans.body, &out) != nil || out.Data.ID == "" {
			// X took it (2xx) but the answer has no id: posted, address unknown.
			return Posted{Note: "x accepted the post without naming it"}, nil
		}
		return Posted{ID: out.Data.ID, URL: "https://x.com/i/web/status/" + out.Data.ID}, nil
	}
	if ans.status == http.StatusForbidden && strings.Contains(strings.ToLower(string(ans.body)), "duplicate content") {
		return Posted{Note: "x says this text is already posted on the account: counted as sent"}, nil
	}
	return Posted{}, xRefusal(ans)
}

// xRefusal maps X's refusals: 429 waits for x-rate-limit-reset; a
// gateway's 502/504 may come after X posted, so it is an unknown outcome;
// other 4xx will not change on a retry.
func xRefusal(ans *apiAnswer) *Error {
	e := ans.refusal("x")
	switch {
	case ans.status == http.StatusTooManyRequests:
		if reset, err := strconv.ParseInt(ans.header.Get("x-rate-limit-reset"), 10, 64); err == nil {
			e.RetryAfter = max(e.RetryAfter, time.Unix(reset, 0).Sub(timeNow()))
		}
	case ans.status == http.StatusBadGateway || ans.status == http.StatusGatewayTimeout:
		e.Timeout = true
	case ans.status >= 400 && ans.status < 500 && ans.status != http.StatusRequestTimeout:
		e.Permanent = true
	}
	return e
}

// Retract deletes the post: DELETE /2/tweets/{id}. One that is gone
// already is retracted.
func (s *x) Retract(ctx context.Context, _ Message, postID string) error {
	ans, err := bearerCall(ctx, s.client, s.auth, "x", func(token string) apiCall {
		return apiCall{method: http.MethodDelete, url: s.base + "/2/tweets/" + url.PathEscape(postID),
			header: http.Header{"Authorization": {"Bearer " + token}}}
	})
	if err != nil {
		return err
	}
	if ans.ok() || ans.status == http.StatusNotFound {
		return nil
	}
	return xRefusal(ans)
}

// check is the preflight: GET /2/users/me names the account, posts nothing.
func (s *x) check(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	ans, err := bearerCall(ctx, s.client, s.auth, "x", func(token string) apiCall {
		return apiCall{method: http.MethodGet, url: s.base + "/2/users/me", header: http.Header{"Authorization": {"Bearer " + token}}}
	})
	if err != nil {
		return Result{Message: err.Error()}
	}
	var me struct {
		Data struct {
			Username string `json:"username"`
		} `json:"data"`
	}
	if !ans.ok() {
		return Result{Message: ans.refusal("x").Msg}
	}
	if json.Unmarshal(ans.body, &me) != nil || me.Data.Username == "" {
		return Result{Message: "x answered without an account"}
	}
	return Result{OK: true, Account: "@" + me.Data.Username, Message: "posts as @" + me.Data.Username + "; nothing was sent"}
}
