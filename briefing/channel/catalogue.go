package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"firsthand/briefing"
)

// Kind is one entry of the channel catalogue: what the domain knows of it
// (briefing.KindSpec: its config check, text limit and count, retry
// safety) and what only this package does with it: the admin form's
// fields, the sender and the preflight. Each kind's file registers its
// Kind in an init func; adding a kind is one file and its test.
type Kind struct {
	briefing.KindSpec
	Hint   string  // one line under the label: what it is for
	Fields []Field // the config as the admin form asks for it
	// Where says where a config sends to without a secret: a URL's host,
	// never its path or query, which may carry a token.
	Where func(config json.RawMessage) string
	// NeedsMail kinds cannot send without SMTP: the editor does not offer
	// them then, and the outbox says so.
	NeedsMail bool
	// Budget is how long one attempt may take with all its requests (a
	// token refresh and the retry after it, Threads' two steps, Bluesky's
	// session renewal); each request still gets SendTimeout. Zero: one
	// request's SendTimeout.
	Budget time.Duration
	// New builds the sender of a channel with a validated config. It gets
	// the whole channel, not only its config: the platforms whose
	// credentials change (OAuth tokens, a Bluesky session) are keyed by the
	// channel's id.
	New func(c briefing.Channel, env Env) (Sender, error)
	// Check is the preflight: can this channel send, without posting?
	Check func(ctx context.Context, c briefing.Channel, env Env) Result
}

// Field is one config field as the admin form shows it.
type Field struct {
	Name     string // the JSON name inside config
	Label    string
	Hint     string
	Type     string // an <input> type: text, url, password, email, number; "list" is a textarea split by commas and lines
	Secret   bool   // never shown again, never written back into a page
	Optional bool
}

// Env is what senders and preflights need from the server.
type Env struct {
	Mailer *Mailer        // nil: SMTP is not configured
	Client *http.Client   // every HTTP request goes through it (and its guarded dialer)
	Dialer *GuardedDialer // the allowed-hosts rule, for preflights that only connect
	// MessageIDHost is the right side of an e-mail's Message-ID: the base
	// URL's host name without the port.
	MessageIDHost string
	// ActiveUser says whether an e-mail belongs to an active person (the
	// manual kind's preflight). Nil: nobody is.
	ActiveUser func(email string) bool
	// Tokens gives x and linkedin channels a current OAuth access token
	// (tokens.go). Nil: they use the access_token of their config.
	Tokens TokenProvider
	// Sessions keeps a platform session with its channel, sealed (a
	// Bluesky session). Nil: a session lives as long as its sender.
	Sessions SessionKeeper
}

// Result is a preflight's outcome: whether the channel can send, the
// account it posts as where the platform says, and a sentence for people.
type Result struct {
	OK      bool   `json:"ok"`
	Account string `json:"account,omitempty"`
	Message string `json:"message"`
}

var catalogue = map[briefing.ChannelKind]Kind{}

// register adds a kind to the catalogue and its spec to the domain's.
func register(k Kind) {
	if k.New == nil || k.Check == nil {
		panic("channel: kind without sender or preflight: " + string(k.Kind))
	}
	catalogue[k.Kind] = k
	briefing.RegisterKind(k.KindSpec)
}

// AttemptBudget is how long one attempt on a kind may take: the outbox
// bounds the attempt by it and leases the delivery for longer.
func AttemptBudget(kind briefing.ChannelKind) time.Duration {
	if k, ok := Lookup(kind); ok && k.Budget > 0 {
		return k.Budget
	}
	return SendTimeout
}

// Lookup returns the catalogue's entry for a kind.
func Lookup(kind briefing.ChannelKind) (Kind, bool) {
	k, ok := catalogue[kind]
	return k, ok
}

// Catalogue lists every kind in its Order: the editor, the admin page and
// the docs read it.
func Catalogue() []Kind {
	out := make([]Kind, 0, len(catalogue))
	for _, k := range catalogue {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Kind) int { return a.Order - b.Order })
	return out
}

// New returns the Sender for c's kind.
func New(c briefing.Channel, env Env) (Sender, error) {
	k, ok := Lookup(c.Kind)
	if !ok {
		return nil, fmt.Errorf("channel %q: unknown kind %q", c.Name, c.Kind)
	}
	if k.NeedsMail && env.Mailer == nil {
		return nil, fmt.Errorf("channel %q: e-mail channels need SMTP, and SMTP is not configured", c.Name)
	}
	return k.New(c, env.withDefaults())
}

// Check runs c's preflight.
func Check(ctx context.Context, c briefing.Channel, env Env) Result {
	k, ok := Lookup(c.Kind)
	if !ok {
		return Result{Message: fmt.Sprintf("unknown kind %q", c.Kind)}
	}
	if c.Disabled {
		msg := "the channel is disabled: an admin must enable it again"
		if c.Note != "" {
			msg += " (" + c.Note + ")"
		}
		return Result{Message: msg}
	}
	if k.NeedsMail && env.Mailer == nil {
		return Result{Message: "SMTP is not configured, so this channel cannot send"}
	}
	return k.Check(ctx, c, env.withDefaults())
}

func (e Env) withDefaults() Env {
	if e.Dialer == nil {
		e.Dialer = NewGuardedDialer(AllowExternal())
	}
	if e.Client == nil {
		e.Client = e.Dialer.Client()
	}
	return e
}

// configOf decodes a stored config into its typed form; on error the
// value is the zero config, never nil.
func configOf[T any](raw json.RawMessage) (*T, error) {
	var c, T0 T
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		// json's errors name the field and the type, never the value.
		return &T0, briefing.Invalid("config", "config is not a valid object: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return &c, nil
}

// validated is a kind's briefing.KindSpec.Validate: decode into the typed
// config, run its check, and store it re-encoded (unknown fields dropped).
func validated[T any](check func(*T) error) func(json.RawMessage) (json.RawMessage, error) {
	return func(raw json.RawMessage) (json.RawMessage, error) {
		c, err := configOf[T](raw)
		if err != nil {
			return nil, err
		}
		if err := check(c); err != nil {
			return nil, err
		}
		return json.Marshal(c)
	}
}

// hostOf is a URL's scheme and host: never its path or query.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return ""
}

// validURL checks an http or https URL with a host.
func validURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return briefing.Invalid(field, "an http or https URL is required")
	}
	return nil
}

// reachResult is the preflight of kinds whose every request would post:
// the destination is checked against the allowed hosts and a connection
// opened, nothing sent.
func reachResult(ctx context.Context, env Env, raw string) Result {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Result{Message: "the URL is not valid"}
	}
	if err := env.Dialer.Reach(ctx, raw); err != nil {
		return Result{Message: err.Error()}
	}
	return Result{OK: true, Message: "reached " + u.Scheme + "://" + u.Host + "; nothing was sent"}
}

// NewEnv is the Env of a server at baseURL: its mailer (nil without SMTP),
// its guarded dialer (nil: external only), and who is an active person.
func NewEnv(baseURL string, mailer *Mailer, dialer *GuardedDialer, activeUser func(string) bool) Env {
	host := ""
	if u, err := url.Parse(baseURL); err == nil {
		host = u.Hostname()
	}
	return Env{Mailer: mailer, Dialer: dialer, MessageIDHost: host, ActiveUser: activeUser}.withDefaults()
}

// ConfigJSON encodes a typed config (WebhookConfig, …) for
// briefing.Channel.Config; the store validates it.
func ConfigJSON(c any) json.RawMessage {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // the typed configs always encode
	}
	return b
}

// poster is a platform sender that can also run its own preflight.
type poster interface {
	Sender
	check(ctx context.Context) Result
}

// senderOf and preflightOf make a platform kind's New and Check from the
// one function that builds its sender from a decoded config.
func senderOf[C any, S poster](build func(channelID string, c *C, env Env) S) func(briefing.Channel, Env) (Sender, error) {
	return func(ch briefing.Channel, env Env) (Sender, error) {
		c, err := configOf[C](ch.Config)
		if err != nil {
			return nil, err
		}
		return build(ch.ID, c, env), nil
	}
}

func preflightOf[C any, S poster](build func(channelID string, c *C, env Env) S) func(context.Context, briefing.Channel, Env) Result {
	return func(ctx context.Context, ch briefing.Channel, env Env) Result {
		c, err := configOf[C](ch.Config)
		if err != nil {
			return Result{Message: err.Error()}
		}
		return build(ch.ID, c, env).check(ctx)
	}
}
