package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"firsthand/briefing/testkit"
)

// The gate tests' server: an admin, the four channels, and helpers to
// announce, acknowledge and watch what the receivers get.

// gateEnv is a server with an admin and the four channels.
type gateEnv struct {
	t        *testing.T
	base     string // the server's URL
	smtpAddr string
	admin    *apiClient
	webhook  *receiver
	slack    *receiver
	mastodon *receiver
	mail     *mailbox
	channels []string // ids: webhook, slack, mastodon, email
	secret   string
	users    int // users made so far, for unique addresses
}

// sinks names the receivers in the order of gateEnv.channels.
var sinks = []string{"webhook", "slack", "mastodon", "email"}

const mastodonToken = "mastodon-access-token-for-tests"

// newGateEnv starts the receivers and a server in-process, with an admin.
func newGateEnv(t *testing.T) *gateEnv {
	t.Helper()
	e := newSinks(t)
	db := filepath.Join(t.TempDir(), "f.db")
	mustCLI(t, "user", "add", "--db", db, "--email", gateAdmin, "--name", "Gate Admin", "--department", "Comms", "--role", "admin")
	token := oneLine(t, "token create", mustCLI(t, "token", "create", "--db", db, "--email", gateAdmin))
	srv := startServe(t, map[string]string{"FIRSTHAND_SMTP_URL": "smtp://" + e.smtpAddr, "FIRSTHAND_DB": db})
	e.connect(srv.URL, token)
	return e
}

const gateAdmin = "admin@gate.example.com"

// newSinks starts a receiver of every kind; connect then points a server
// at them.
func newSinks(t *testing.T) *gateEnv {
	t.Helper()
	e := &gateEnv{t: t, mail: &mailbox{SMTP: testkit.StartSMTP(t, testkit.SMTPOptions{}), press: "press@gate.example.com"}}
	key := make([]byte, 24)
	rand.Read(key)
	e.secret = "whsec_" + base64.StdEncoding.EncodeToString(key)
	verifier, err := standardwebhooks.NewWebhook(e.secret)
	if err != nil {
		t.Fatal(err)
	}
	e.webhook = newReceiver(t, func(r testkit.Request) (string, error) {
		// An independent implementation of Standard Webhooks verifies
		// the signature, the timestamp's freshness and the headers.
		if err := verifier.Verify(r.Body, r.Header); err != nil {
			return "", fmt.Errorf("webhook: signature does not verify: %v", err)
		}
		var ev struct {
			Type string
			Data struct {
				ID, Title, Summary, Text, URL string
				ReleasedAt                    string `json:"released_at"`
			}
		}
		if err := json.Unmarshal(r.Body, &ev); err != nil || ev.Type != "announcement.released" {
			return "", fmt.Errorf("webhook: body %s is not an announcement.released event (%v)", r.Body, err)
		}
		if ev.Data.ID == "" || ev.Data.Title == "" || ev.Data.URL == "" || ev.Data.ReleasedAt == "" {
			return "", fmt.Errorf("webhook: event data %+v lacks a field of the contract", ev.Data)
		}
		if _, err := time.Parse(time.RFC3339, ev.Data.ReleasedAt); err != nil {
			return "", fmt.Errorf("webhook: released_at %q is not RFC 3339", ev.Data.ReleasedAt)
		}
		return r.Header.Get("webhook-id"), nil
	})
	e.slack = newReceiver(t, func(r testkit.Request) (string, error) {
		var m struct{ Text string }
		if err := json.Unmarshal(r.Body, &m); err != nil || m.Text == "" {
			return "", fmt.Errorf("slack: body %s has no text (%v)", r.Body, err)
		}
		return "", nil
	})
	e.mastodon = newReceiver(t, func(r testkit.Request) (string, error) {
		if r.Method == http.MethodGet && r.Path == "/api/v1/accounts/verify_credentials" {
			// The scheduler's preflight at publish: not a post.
			if got := r.Header.Get("Authorization"); got != "Bearer "+mastodonToken {
				return "", fmt.Errorf("mastodon: preflight Authorization %q, want the channel's bearer token", got)
			}
			return "", nil
		}
		if r.Method != http.MethodPost || r.Path != "/api/v1/statuses" {
			return "", fmt.Errorf("mastodon: %s %s, want POST /api/v1/statuses", r.Method, r.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+mastodonToken {
			return "", fmt.Errorf("mastodon: Authorization %q, want the channel's bearer token", got)
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return "", fmt.Errorf("mastodon: no Idempotency-Key")
		}
		var m struct{ Status string }
		if err := json.Unmarshal(r.Body, &m); err != nil || m.Status == "" {
			return "", fmt.Errorf("mastodon: body %s has no status (%v)", r.Body, err)
		}
		return key, nil
	})
	e.smtpAddr = e.mail.Addr
	t.Cleanup(func() {
		for _, rc := range []*receiver{e.webhook, e.slack, e.mastodon} {
			for _, p := range rc.trouble() {
				t.Errorf("a receiver refused a delivery: %s", p)
			}
		}
	})
	return e
}

// connect makes the four channels on the server at base as the admin.
func (e *gateEnv) connect(base, adminToken string) {
	t := e.t
	t.Helper()
	e.base, e.admin = base, newAPI(base, adminToken)

	for _, ch := range []map[string]any{
		{"name": "Partners", "kind": "webhook", "config": map[string]any{"url": e.webhook.URL + "/hooks/firsthand", "secret": e.secret}},
		{"name": "Team chat", "kind": "slack", "config": map[string]any{"url": e.slack.URL + "/services/T0/B0/xyz"}},
		{"name": "Fediverse", "kind": "mastodon", "config": map[string]any{"instance": e.mastodon.URL, "access_token": mastodonToken}},
		{"name": "Press list", "kind": "email", "config": map[string]any{"to": []string{e.mail.press}, "subject_prefix": "[Press] "}},
	} {
		var c struct{ ID, Name, Kind string }
		e.admin.must(t, "POST", "/api/v1/channels", ch, http.StatusCreated, &c)
		if c.ID == "" || c.Kind != ch["kind"] {
			t.Fatalf("POST /api/v1/channels answered %+v for %v", c, ch)
		}
		e.channels = append(e.channels, c.ID)
	}
	// Secrets and tokens never come back.
	_, raw, err := e.admin.call("GET", "/api/v1/channels", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{e.secret, mastodonToken, "/services/T0/B0/xyz"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("GET /api/v1/channels returns the secret %q: %s", secret, raw)
		}
	}
}

// rebase points every client at a restarted server.
func (e *gateEnv) rebase(base string, anns ...*announcement) {
	e.base, e.admin.base = base, base
	for _, a := range anns {
		for _, c := range a.staff {
			c.base = base
		}
	}
}

// hits returns, per receiver in the order of sinks, what arrived for tag.
func (e *gateEnv) hits(tag string) [][]hit {
	return [][]hit{e.webhook.tagged(tag), e.slack.tagged(tag), e.mastodon.tagged(tag), e.mail.tagged(tag)}
}

// counts is how many requests for tag each receiver has, "webhook=1 …".
func (e *gateEnv) counts(tag string) string {
	var parts []string
	for i, hs := range e.hits(tag) {
		parts = append(parts, fmt.Sprintf("%s=%d", sinks[i], len(hs)))
	}
	return strings.Join(parts, " ")
}

// announcement is one published announcement of a test and the API
// clients of its recipients.
type announcement struct {
	ID, Slug, Tag string
	staff         []*apiClient
}

var tagSeq atomic.Int64

// newTag makes a marker no other announcement's texts contain.
func newTag() string { return fmt.Sprintf("zq%04dqz", tagSeq.Add(1)) }

// announce makes n recipients in a department of their own, then an
// announcement to them on every channel with the policy policy() returns
// (called at the last moment, so that times in it are fresh), and
// publishes it.
func (e *gateEnv) announce(n int, policy func() map[string]any) *announcement {
	e.t.Helper()
	return e.announceTagged(newTag(), n, policy)
}

func (e *gateEnv) announceTagged(tag string, n int, policy func() map[string]any) *announcement {
	t := e.t
	t.Helper()
	a := &announcement{Tag: tag}
	dept := "Dept " + a.Tag
	for i := 0; i < n; i++ {
		e.users++
		var u struct{ ID string }
		e.admin.must(t, "POST", "/api/v1/users", map[string]any{
			"email": fmt.Sprintf("staff%d@gate.example.com", e.users), "name": fmt.Sprintf("Staff %d", e.users), "department": dept,
		}, http.StatusCreated, &u)
		var tok struct{ Token string }
		e.admin.must(t, "POST", "/api/v1/users/"+u.ID+"/tokens", nil, http.StatusCreated, &tok)
		a.staff = append(a.staff, newAPI(e.base, tok.Token))
	}
	var channels []map[string]string
	for i, id := range e.channels {
		channels = append(channels, map[string]string{"channel_id": id, "text": sinks[i] + " text " + a.Tag})
	}
	var created struct{ ID, Slug, State string }
	e.admin.must(t, "POST", "/api/v1/announcements", map[string]any{
		"title":    "Gate " + a.Tag,
		"summary":  "Summary of " + a.Tag,
		"body":     "Body of **" + a.Tag + "**",
		"audience": map[string]any{"departments": []string{dept}},
		"policy":   policy(),
		"channels": channels,
	}, http.StatusCreated, &created)
	if created.State != "draft" || created.ID == "" || created.Slug == "" {
		t.Fatalf("created announcement %+v, want a draft with id and slug", created)
	}
	a.ID, a.Slug = created.ID, created.Slug
	var pub struct {
		State      string
		Recipients int
	}
	e.admin.must(t, "POST", "/api/v1/announcements/"+a.ID+"/publish", nil, http.StatusOK, &pub)
	if pub.State != "briefing" || pub.Recipients != n {
		t.Fatalf("publish answered %+v, want state briefing and %d recipients", pub, n)
	}
	return a
}

// ack acknowledges as recipient i and returns acknowledged_at.
func (e *gateEnv) ack(a *announcement, i int) time.Time {
	e.t.Helper()
	var res struct {
		AcknowledgedAt time.Time `json:"acknowledged_at"`
	}
	a.staff[i].must(e.t, "POST", "/api/v1/briefings/"+a.ID+"/ack", nil, http.StatusOK, &res)
	if res.AcknowledgedAt.IsZero() {
		e.t.Fatalf("ack answered no acknowledged_at")
	}
	return res.AcknowledgedAt
}

type readiness struct {
	State        string
	Recipients   int
	Acknowledged int
	Gates        struct {
		ThresholdMet  bool `json:"threshold_met"`
		EmbargoPassed bool `json:"embargo_passed"`
	}
	ReleasedAt *time.Time `json:"released_at"`
}

func (e *gateEnv) readiness(a *announcement) readiness {
	e.t.Helper()
	var r readiness
	e.admin.must(e.t, "GET", "/api/v1/announcements/"+a.ID+"/readiness", nil, http.StatusOK, &r)
	return r
}

type delivery struct {
	ChannelID string `json:"channel_id"`
	Kind      string
	State     string
	Attempts  int
	LastError string     `json:"last_error"`
	SentAt    *time.Time `json:"sent_at"`
}

func (e *gateEnv) deliveries(a *announcement) map[string]delivery {
	e.t.Helper()
	var res struct{ Deliveries []delivery }
	e.admin.must(e.t, "GET", "/api/v1/announcements/"+a.ID+"/deliveries", nil, http.StatusOK, &res)
	out := map[string]delivery{}
	for _, d := range res.Deliveries {
		if _, dup := out[d.Kind]; dup {
			e.t.Errorf("two deliveries of kind %s for one announcement: %+v", d.Kind, res.Deliveries)
		}
		out[d.Kind] = d
	}
	return out
}

// expectNothing fails if anything arrived for a.
func (e *gateEnv) expectNothing(a *announcement, when string) {
	e.t.Helper()
	for i, hs := range e.hits(a.Tag) {
		if len(hs) > 0 {
			e.t.Errorf("%s: %s received the announcement %d time(s), want none", when, sinks[i], len(hs))
		}
	}
}

// awaitAll waits until every receiver has at least min requests for a.
func (e *gateEnv) awaitAll(a *announcement, min int, within time.Duration) bool {
	return waitFor(within, func() bool {
		for _, hs := range e.hits(a.Tag) {
			if len(hs) < min {
				return false
			}
		}
		return true
	})
}

// expectNotBefore fails for any request for a that arrived before gate.
func (e *gateEnv) expectNotBefore(a *announcement, gate time.Time, what string) {
	e.t.Helper()
	for i, hs := range e.hits(a.Tag) {
		for _, h := range hs {
			if h.at.Before(gate) {
				e.t.Errorf("%s received the announcement at %s, %v before %s (%s)",
					sinks[i], h.at.Format(time.StampMilli), gate.Sub(h.at), what, gate.Format(time.StampMilli))
			}
		}
	}
}

// latency logs how long after gate the last receiver had a.
func (e *gateEnv) latency(a *announcement, gate time.Time) time.Duration {
	var last time.Duration
	for _, hs := range e.hits(a.Tag) {
		if len(hs) > 0 {
			last = max(last, hs[0].at.Sub(gate))
		}
	}
	e.t.Logf("every channel had %s %v after its gate opened", a.Tag, last.Round(time.Millisecond))
	return last
}
