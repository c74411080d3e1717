package channel

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rivo/uniseg"

	"firsthand/briefing"
)

// KindBluesky is a post on Bluesky (any atproto PDS).
const KindBluesky briefing.ChannelKind = "bluesky"

// BlueskyConfig is a bluesky channel's config. AppPassword is secret, and
// so is Session: the sender keeps its session here (through the store,
// which seals the config), never set from outside.
type BlueskyConfig struct {
	Identifier  string          `json:"identifier"`
	AppPassword string          `json:"app_password"`
	Service     string          `json:"service,omitempty"`
	Session     *blueskySession `json:"session,omitempty"`
}

// blueskySession is what createSession and refreshSession answer.
type blueskySession struct {
	DID        string `json:"did"`
	Handle     string `json:"handle"`
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
}

const (
	blueskyService  = "https://bsky.social"
	blueskyLimit    = 300
	blueskyPostType = "app.bsky.feed.post"
	// blueskyLinkMax is the longest the link's shown text gets: Bluesky
	// shows a link shortened, the facet carries the whole address.
	blueskyLinkMax = 30
	progressRkey   = "bluesky_rkey"
)

// blueskyLinkText is the link as the post shows it: without the scheme,
// cut to blueskyLinkMax with an ellipsis of dots.
func blueskyLinkText(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if r := []rune(s); len(r) > blueskyLinkMax {
		s = string(r[:blueskyLinkMax-3]) + "..."
	}
	return s
}

// blueskyCount counts graphemes as Bluesky does, the shown link at its
// longest.
func blueskyCount(text string) int {
	text = strings.TrimSpace(text)
	n := blueskyLinkMax
	if text != "" {
		n += uniseg.GraphemeClusterCount(text) + 2
	}
	return n
}

func (c *BlueskyConfig) validate() error {
	c.Identifier, c.AppPassword = strings.TrimSpace(c.Identifier), strings.TrimSpace(c.AppPassword)
	c.Session = nil // only the sender keeps one
	if c.Identifier == "" || strings.ContainsAny(c.Identifier, " /") {
		return briefing.Invalid("config.identifier", "the account's handle (e.g. acme.bsky.social) or e-mail is required")
	}
	if c.AppPassword == "" {
		return briefing.Invalid("config.app_password", "an app password (Settings → App passwords) is required")
	}
	c.Service = strings.TrimRight(strings.TrimSpace(c.Service), "/")
	if c.Service == "" {
		c.Service = blueskyService
	}
	return validURL("config.service", c.Service)
}

func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			// Safe to retry: the record key is chosen once, stored, and a
			// retry asks for the record first.
			Kind: KindBluesky, Label: "Bluesky", Order: 110, Retry: briefing.RetryIdempotent,
			Retract:  briefing.RetractByAPI,
			Validate: validated(func(c *BlueskyConfig) error { return c.validate() }),
			Limit:    func(json.RawMessage) int { return blueskyLimit },
			Count:    blueskyCount,
		},
		Hint: "A post on Bluesky: 300 characters as Bluesky counts them, the link shown shortened.",
		Where: func(raw json.RawMessage) string {
			c, _ := configOf[BlueskyConfig](raw)
			return c.Identifier + " at " + hostOf(c.Service)
		},
		// A refresh and a new sign-in, getRecord, createRecord, and once more
		// after an expired token.
		Budget: 7 * SendTimeout,
		Fields: []Field{
			{Name: "identifier", Label: "Handle", Type: "text", Hint: "e.g. acme.bsky.social"},
			{Name: "app_password", Label: "App password", Type: "password", Secret: true, Hint: "An app password, not the account's own. Never shown again."},
			{Name: "service", Label: "Server", Type: "url", Optional: true, Hint: "Only for your own PDS; default " + blueskyService},
		},
		New:   senderOf(newBluesky),
		Check: preflightOf(newBluesky),
	})
}

// bluesky posts records to the account's repository over XRPC.
type bluesky struct {
	channelID, service, identifier, password string
	client                                   *http.Client
	keeper                                   SessionKeeper

	mu      sync.Mutex
	session *blueskySession
}

func newBluesky(channelID string, c *BlueskyConfig, env Env) *bluesky {
	svc := strings.TrimRight(c.Service, "/")
	if svc == "" {
		svc = blueskyService
	}
	return &bluesky{channelID: channelID, service: svc, identifier: c.Identifier, password: c.AppPassword,
		client: env.Client, keeper: env.Sessions, session: c.Session}
}

// xrpc makes one call; a JSON body is a procedure, none a query.
func (s *bluesky) xrpc(ctx context.Context, method, nsid, query, token string, in any) (*apiAnswer, error) {
	c := apiCall{method: method, url: s.service + "/xrpc/" + nsid + query, header: http.Header{}, secrets: []string{s.password}}
	if s.session != nil {
		c.secrets = append(c.secrets, s.session.AccessJwt, s.session.RefreshJwt)
	}
	if token != "" {
		c.header.Set("Authorization", "Bearer "+token)
	}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, &Error{Msg: "bluesky: encoding " + nsid + ": " + err.Error()}
		}
		c.body = b
		c.header.Set("Content-Type", "application/json")
	}
	ans, err := do(ctx, s.client, c)
	if e, ok := err.(*Error); ok {
		// Every write here is safe to repeat (the record key, a session):
		// no answer is a failure to retry, not an unknown outcome.
		e.Timeout = false
	}
	return ans, err
}

// xrpcError is atproto's error body.
type xrpcError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func xrpcErrorOf(ans *apiAnswer) xrpcError {
	var e xrpcError
	_ = json.Unmarshal(ans.body, &e)
	return e
}

// expired reports an answer that says the access token is no longer good.
func expired(ans *apiAnswer) bool {
	if ans.status == http.StatusUnauthorized {
		return true
	}
	e := xrpcErrorOf(ans)
	return ans.status == http.StatusBadRequest && (e.Error == "ExpiredToken" || e.Error == "InvalidToken")
}

// refusal maps an XRPC error: 429 waits for ratelimit-reset.
func (s *bluesky) refusal(ans *apiAnswer) *Error {
	e := ans.refusal("bluesky")
	if x := xrpcErrorOf(ans); x.Error != "" {
		e.Msg = "bluesky answered " + strconv.Itoa(ans.status) + " " + x.Error + ": " + redact(x.Message, ans.secrets)
	}
	if ans.status == http.StatusTooManyRequests {
		if reset, err := strconv.ParseInt(ans.header.Get("ratelimit-reset"), 10, 64); err == nil {
			e.RetryAfter = max(e.RetryAfter, time.Unix(reset, 0).Sub(timeNow()))
		}
	} else if ans.status >= 400 && ans.status < 500 && ans.status != http.StatusRequestTimeout {
		e.Permanent = true
	}
	return e
}

// signIn makes a new session (createSession) and keeps it. The app
// password refused is for an admin to fix.
func (s *bluesky) signIn(ctx context.Context) error {
	ans, err := s.xrpc(ctx, http.MethodPost, "com.atproto.server.createSession", "", "",
		map[string]string{"identifier": s.identifier, "password": s.password})
	if err != nil {
		return err
	}
	if ans.status == http.StatusUnauthorized {
		return &Error{Status: ans.status, Permanent: true, TellAdmins: true, Msg: "bluesky refused the handle and app password: an admin must enter a new app password"}
	}
	if !ans.ok() {
		return s.refusal(ans)
	}
	return s.keep(ctx, ans)
}

// renew trades the refresh token for a new session (refreshSession), and
// signs in afresh only when that fails.
func (s *bluesky) renew(ctx context.Context) error {
	if s.session == nil || s.session.RefreshJwt == "" {
		return s.signIn(ctx)
	}
	ans, err := s.xrpc(ctx, http.MethodPost, "com.atproto.server.refreshSession", "", s.session.RefreshJwt, nil)
	if err != nil {
		return err
	}
	if !ans.ok() {
		if ans.status == http.StatusTooManyRequests {
			return s.refusal(ans)
		}
		return s.signIn(ctx)
	}
	return s.keep(ctx, ans)
}

func (s *bluesky) keep(ctx context.Context, ans *apiAnswer) error {
	var sess blueskySession
	if json.Unmarshal(ans.body, &sess) != nil || sess.AccessJwt == "" || sess.DID == "" {
		return &Error{Msg: "bluesky answered a session without its tokens"}
	}
	s.session = &sess
	if s.keeper == nil {
		return nil
	}
	raw, _ := json.Marshal(sess)
	// A session that could not be kept still works for this sender; the
	// next one signs in again.
	_ = s.keeper.KeepSession(ctx, s.channelID, raw)
	return nil
}

// authed makes a call with the session's access token, renewing the
// session once when Bluesky says the token expired. build makes the query
// and the body from the session (they name its DID).
func (s *bluesky) authed(ctx context.Context, method, nsid string, build func(*blueskySession) (query string, in any)) (*apiAnswer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session == nil || jwtExpired(s.session.AccessJwt, timeNow().Add(time.Minute)) {
		if err := s.renew(ctx); err != nil {
			return nil, err
		}
	}
	query, in := build(s.session)
	ans, err := s.xrpc(ctx, method, nsid, query, s.session.AccessJwt, in)
	if err != nil || !expired(ans) {
		return ans, err
	}
	if err := s.renew(ctx); err != nil {
		return nil, err
	}
	query, in = build(s.session)
	return s.xrpc(ctx, method, nsid, query, s.session.AccessJwt, in)
}

// jwtExpired reads a JWT's exp claim without checking it (it is the
// server's to check): true when it is before t. A token that cannot be
// read is used and left to the server to refuse.
func jwtExpired(token string, t time.Time) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64RawURL(parts[1])
	if err != nil {
		return false
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == 0 {
		return false
	}
	return time.Unix(claims.Exp, 0).Before(t)
}

// blueskyFacet marks the link's bytes in the text.
type blueskyFacet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []map[string]string `json:"features"`
}

type blueskyPost struct {
	Type      string         `json:"$type"`
	Text      string         `json:"text"`
	CreatedAt string         `json:"createdAt"`
	Facets    []blueskyFacet `json:"facets,omitempty"`
}

// blueskyRecord is the post: the text, a blank line, the shown link, and
// a facet whose index counts UTF-8 bytes, as atproto's do.
func blueskyRecord(text, link string, at time.Time) blueskyPost {
	text = strings.TrimSpace(text)
	p := blueskyPost{Type: blueskyPostType, CreatedAt: at.UTC().Format("2006-01-02T15:04:05.000Z")}
	if link == "" {
		p.Text = text
		return p
	}
	if text != "" {
		text += "\n\n"
	}
	shown := blueskyLinkText(link)
	var f blueskyFacet
	f.Index.ByteStart, f.Index.ByteEnd = len(text), len(text)+len(shown)
	f.Features = []map[string]string{{"$type": "app.bsky.richtext.facet#link", "uri": link}}
	p.Text, p.Facets = text+shown, []blueskyFacet{f}
	return p
}

// Send posts; see Post.
func (s *bluesky) Send(ctx context.Context, m Message) error {
	_, err := s.Post(ctx, m)
	return err
}

// Post creates the record under a record key chosen once per delivery and
// stored before the first createRecord. A retry asks for the record
// first: there already (an attempt whose answer was lost) → sent.
func (s *bluesky) Post(ctx context.Context, m Message) (Posted, error) {
	if err := checkMessage(m); err != nil {
		return Posted{}, err
	}
	rkey := m.Progress[progressRkey]
	if rkey != "" {
		found, err := s.hasRecord(ctx, rkey)
		if err != nil {
			return Posted{}, err
		}
		if found {
			p := s.posted(rkey)
			p.Note = "an earlier attempt made the post (its answer was lost)"
			return p, nil
		}
	} else {
		rkey = NewTID(timeNow())
		if err := m.saveProgress(progressRkey, rkey); err != nil {
			return Posted{}, err
		}
	}
	record := blueskyRecord(m.Text, m.URL, timeNow())
	if n := uniseg.GraphemeClusterCount(record.Text); n > blueskyLimit {
		return Posted{}, &Error{Permanent: true, Msg: "bluesky: the post counts " + strconv.Itoa(n) + " characters; Bluesky takes 300 (nothing is cut)"}
	}
	ans, err := s.authed(ctx, http.MethodPost, "com.atproto.repo.createRecord", func(sess *blueskySession) (string, any) {
		return "", map[string]any{"repo": sess.DID, "collection": blueskyPostType, "rkey": rkey, "record": record}
	})
	if err != nil {
		return Posted{}, err
	}
	if !ans.ok() {
		return Posted{}, s.refusal(ans)
	}
	return s.posted(rkey), nil
}

func (s *bluesky) posted(rkey string) Posted {
	return Posted{ID: "at://" + s.session.DID + "/" + blueskyPostType + "/" + rkey,
		URL: "https://bsky.app/profile/" + s.session.Handle + "/post/" + rkey}
}

// recordQuery names one post of the account.
func recordQuery(sess *blueskySession, rkey string) url.Values {
	return url.Values{"repo": {sess.DID}, "collection": {blueskyPostType}, "rkey": {rkey}}
}

// hasRecord asks getRecord for the post under rkey.
func (s *bluesky) hasRecord(ctx context.Context, rkey string) (bool, error) {
	ans, err := s.authed(ctx, http.MethodGet, "com.atproto.repo.getRecord", func(sess *blueskySession) (string, any) {
		return "?" + recordQuery(sess, rkey).Encode(), nil
	})
	if err != nil {
		return false, err
	}
	if ans.ok() {
		return true, nil
	}
	if e := xrpcErrorOf(ans); ans.status == http.StatusBadRequest && e.Error == "RecordNotFound" || ans.status == http.StatusNotFound {
		return false, nil
	}
	return false, s.refusal(ans)
}

// Retract deletes the record (deleteRecord); postID is its at:// URI.
func (s *bluesky) Retract(ctx context.Context, _ Message, postID string) error {
	rkey := postID[strings.LastIndex(postID, "/")+1:]
	ans, err := s.authed(ctx, http.MethodPost, "com.atproto.repo.deleteRecord", func(sess *blueskySession) (string, any) {
		return "", map[string]string{"repo": sess.DID, "collection": blueskyPostType, "rkey": rkey}
	})
	if err != nil {
		return err
	}
	if !ans.ok() {
		return s.refusal(ans)
	}
	return nil
}

// check is the preflight: getSession on the kept session (a new one only
// when none is kept or it cannot be renewed) names the account.
func (s *bluesky) check(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	ans, err := s.authed(ctx, http.MethodGet, "com.atproto.server.getSession", func(*blueskySession) (string, any) { return "", nil })
	if err != nil {
		return Result{Message: err.Error()}
	}
	if !ans.ok() {
		return Result{Message: s.refusal(ans).Msg}
	}
	var me struct {
		Handle string `json:"handle"`
	}
	if json.Unmarshal(ans.body, &me) != nil || me.Handle == "" {
		return Result{Message: "bluesky answered without an account"}
	}
	return Result{OK: true, Account: "@" + me.Handle, Message: "posts as @" + me.Handle + "; nothing was sent"}
}
