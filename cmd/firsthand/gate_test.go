package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The release gate, end to end: a server started by run, with one real
// receiver per channel kind (httptest servers for webhook, Slack and
// Mastodon, an in-process SMTP server for e-mail). Every announcement of a
// test carries a tag in its title and channel texts, so the receivers can
// tell which announcement a request is for.

// hit is one request a receiver got.
type hit struct {
	at     time.Time
	key    string // webhook-id, Idempotency-Key or Message-ID
	body   string
	status int // what the receiver answered
}

// receiver records what arrives and answers with status(n), n counting its
// requests from 1. check validates a request the way the real service
// would; a failed check is answered 400 and reported by the test.
type receiver struct {
	srv    *httptest.Server
	status func(n int) int
	check  func(r *http.Request, body []byte) (key string, err error)

	mu       sync.Mutex
	hits     []hit
	problems []string
	holdTag  string        // the first request carrying it hangs …
	held     bool          // (it has arrived) …
	unhold   chan struct{} // … until this is closed
}

// answer sets what the receiver answers to its n-th request.
func (rc *receiver) answer(status func(n int) int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.status = status
}

// holdFirst makes the receiver hang on the first request carrying tag,
// as a receiver does that is slow at the moment of a crash, until
// release is called. release is also called when the test ends.
func (rc *receiver) holdFirst(t *testing.T, tag string) (release func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.holdTag, rc.unhold = tag, make(chan struct{})
	var once sync.Once
	unhold := rc.unhold
	release = func() { once.Do(func() { close(unhold) }) }
	t.Cleanup(release) // before the httptest server's Close waits for it
	return release
}

func newReceiver(t *testing.T, check func(r *http.Request, body []byte) (string, error)) *receiver {
	rc := &receiver{check: check, status: func(int) int { return http.StatusOK }}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key, err := rc.check(r, body)
	rc.mu.Lock()
	status := http.StatusBadRequest
	if err != nil {
		rc.problems = append(rc.problems, err.Error())
	} else {
		status = rc.status(len(rc.hits) + 1)
	}
	rc.hits = append(rc.hits, hit{at: at, key: key, body: string(body), status: status})
	var hold chan struct{}
	if rc.holdTag != "" && !rc.held && strings.Contains(string(body), rc.holdTag) {
		rc.held, hold = true, rc.unhold
	}
	rc.mu.Unlock()
	if hold != nil {
		<-hold
	}
	w.WriteHeader(status)
}

// tagged returns the requests whose body carries tag.
func (rc *receiver) tagged(tag string) []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []hit
	for _, h := range rc.hits {
		if strings.Contains(h.body, tag) {
			out = append(out, h)
		}
	}
	return out
}

func (rc *receiver) trouble() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.problems...)
}

// mailbox is a real SMTP server's backend. It keeps the messages sent to
// the press address, the e-mail channel's only recipient; notices to
// staff go elsewhere and are ignored.
type mailbox struct {
	press string
	mu    sync.Mutex
	hits  []hit
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }

func (mb *mailbox) tagged(tag string) []hit {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []hit
	for _, h := range mb.hits {
		if strings.Contains(h.body, tag) {
			out = append(out, h)
		}
	}
	return out
}

type mailSession struct {
	mb    *mailbox
	press bool
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.press = s.press || strings.EqualFold(to, s.mb.press)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.press {
		h := hit{at: time.Now(), body: string(data), status: 250}
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Message-ID") {
				h.key = strings.TrimSpace(v)
			}
		}
		s.mb.mu.Lock()
		s.mb.hits = append(s.mb.hits, h)
		s.mb.mu.Unlock()
	}
	return nil
}

func (s *mailSession) Reset()        { s.press = false }
func (s *mailSession) Logout() error { return nil }

func startSMTP(t *testing.T, mb *mailbox) string {
	t.Helper()
	s := smtp.NewServer(mb)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return l.Addr().String()
}

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
	e := &gateEnv{t: t, mail: &mailbox{press: "press@gate.example.com"}}
	key := make([]byte, 24)
	rand.Read(key)
	e.secret = "whsec_" + base64.StdEncoding.EncodeToString(key)
	verifier, err := standardwebhooks.NewWebhook(e.secret)
	if err != nil {
		t.Fatal(err)
	}
	e.webhook = newReceiver(t, func(r *http.Request, body []byte) (string, error) {
		// An independent implementation of Standard Webhooks verifies
		// the signature, the timestamp's freshness and the headers.
		if err := verifier.Verify(body, r.Header); err != nil {
			return "", fmt.Errorf("webhook: signature does not verify: %v", err)
		}
		var ev struct {
			Type string
			Data struct {
				ID, Title, Summary, Text, URL string
				ReleasedAt                    string `json:"released_at"`
			}
		}
		if err := json.Unmarshal(body, &ev); err != nil || ev.Type != "announcement.released" {
			return "", fmt.Errorf("webhook: body %s is not an announcement.released event (%v)", body, err)
		}
		if ev.Data.ID == "" || ev.Data.Title == "" || ev.Data.URL == "" || ev.Data.ReleasedAt == "" {
			return "", fmt.Errorf("webhook: event data %+v lacks a field of the contract", ev.Data)
		}
		if _, err := time.Parse(time.RFC3339, ev.Data.ReleasedAt); err != nil {
			return "", fmt.Errorf("webhook: released_at %q is not RFC 3339", ev.Data.ReleasedAt)
		}
		return r.Header.Get("webhook-id"), nil
	})
	e.slack = newReceiver(t, func(r *http.Request, body []byte) (string, error) {
		var m struct{ Text string }
		if err := json.Unmarshal(body, &m); err != nil || m.Text == "" {
			return "", fmt.Errorf("slack: body %s has no text (%v)", body, err)
		}
		return "", nil
	})
	e.mastodon = newReceiver(t, func(r *http.Request, body []byte) (string, error) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/statuses" {
			return "", fmt.Errorf("mastodon: %s %s, want POST /api/v1/statuses", r.Method, r.URL.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+mastodonToken {
			return "", fmt.Errorf("mastodon: Authorization %q, want the channel's bearer token", got)
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return "", fmt.Errorf("mastodon: no Idempotency-Key")
		}
		var m struct{ Status string }
		if err := json.Unmarshal(body, &m); err != nil || m.Status == "" {
			return "", fmt.Errorf("mastodon: body %s has no status (%v)", body, err)
		}
		return key, nil
	})
	e.smtpAddr = startSMTP(t, e.mail)
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
		{"name": "Partners", "kind": "webhook", "config": map[string]any{"url": e.webhook.srv.URL + "/hooks/firsthand", "secret": e.secret}},
		{"name": "Team chat", "kind": "slack", "config": map[string]any{"url": e.slack.srv.URL + "/services/T0/B0/xyz"}},
		{"name": "Fediverse", "kind": "mastodon", "config": map[string]any{"instance": e.mastodon.srv.URL, "access_token": mastodonToken}},
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

// within is how long a test waits for a release the contract wants within
// 2 s: generous, for a loaded machine under -race.
const within = 10 * time.Second

// TestGateThreshold: 10 recipients, threshold 0.6. Five acknowledgements
// release nothing; the sixth releases to every channel once; more and
// repeated acknowledgements release nothing more.
func TestGateThreshold(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	a := e.announce(10, func() map[string]any { return map[string]any{"threshold": 0.6} })

	first := make([]time.Time, 10)
	for i := 0; i < 5; i++ {
		first[i] = e.ack(a, i)
	}
	time.Sleep(1500 * time.Millisecond)
	e.expectNothing(a, "after 5 of 10 acknowledgements")
	r := e.readiness(a)
	if r.State != "briefing" || r.Recipients != 10 || r.Acknowledged != 5 || r.Gates.ThresholdMet {
		t.Errorf("readiness after 5 acks = %+v, want briefing, 10 recipients, 5 acknowledged, threshold not met", r)
	}
	if got, _, _ := newAPI(e.base, "").call("GET", "/news/"+a.Slug, nil, nil); got != http.StatusNotFound {
		t.Errorf("GET /news/%s before release: %d, want 404", a.Slug, got)
	}

	gate := time.Now()
	first[5] = e.ack(a, 5)
	if !e.awaitAll(a, 1, within) {
		t.Fatalf("%v after the 6th acknowledgement: %s; want every channel once", within, e.counts(a.Tag))
	}
	e.expectNotBefore(a, gate, "the 6th acknowledgement")
	e.latency(a, gate)

	// More, and repeated, acknowledgements: nothing more goes out, and a
	// repeat answers the first timestamp.
	for i := 6; i < 10; i++ {
		first[i] = e.ack(a, i)
	}
	for _, i := range []int{0, 5, 9} {
		if again := e.ack(a, i); !again.Equal(first[i]) {
			t.Errorf("repeated ack of recipient %d answered %v, want the first %v", i, again, first[i])
		}
	}
	time.Sleep(3 * time.Second)
	for i, hs := range e.hits(a.Tag) {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i], len(hs))
		}
	}

	ds := e.deliveries(a)
	for _, kind := range sinks {
		d, ok := ds[kind]
		if !ok || d.State != "sent" || d.Attempts != 1 || d.SentAt == nil || d.SentAt.Before(gate.Add(-time.Second)) {
			t.Errorf("delivery %s = %+v (found %v), want sent after 1 attempt", kind, d, ok)
		}
	}
	r = e.readiness(a)
	if r.State != "released" || r.Acknowledged != 10 || r.ReleasedAt == nil {
		t.Errorf("readiness at the end = %+v, want released with 10 acknowledged", r)
	}
	if got, _, _ := newAPI(e.base, "").call("GET", "/news/"+a.Slug, nil, nil); got != http.StatusOK {
		t.Errorf("GET /news/%s after release: %d, want 200", a.Slug, got)
	}
	// What went out is this announcement, with the channel's own text.
	for i, hs := range e.hits(a.Tag) {
		if want := sinks[i] + " text " + a.Tag; !strings.Contains(hs[0].body, want) {
			t.Errorf("%s got %q, want the channel text %q", sinks[i], hs[0].body, want)
		}
	}
	if hs := e.webhook.tagged(a.Tag); !strings.Contains(hs[0].body, `"id":"`+a.ID+`"`) || !strings.Contains(hs[0].body, "/news/"+a.Slug) {
		t.Errorf("webhook body %s, want data.id %s and the newsroom URL", hs[0].body, a.ID)
	}
}

// TestGateNotBefore: with the threshold met before not_before, nothing
// goes out before not_before, not even on a manual release, and everything
// goes out after it.
func TestGateNotBefore(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	var notBefore time.Time
	a := e.announce(10, func() map[string]any {
		notBefore = time.Now().Add(3 * time.Second).Truncate(time.Second).Round(0)
		return map[string]any{"threshold": 0.6, "not_before": notBefore}
	})
	for i := 0; i < 6; i++ {
		e.ack(a, i)
	}
	if left := time.Until(notBefore); left < 300*time.Millisecond {
		t.Fatalf("the set-up took too long: the threshold was met only %v before not_before", left)
	}
	r := e.readiness(a)
	if r.State != "briefing" || !r.Gates.ThresholdMet || r.Gates.EmbargoPassed {
		t.Errorf("readiness before not_before = %+v, want briefing, threshold met, embargo not passed", r)
	}
	got, raw, err := e.admin.call("POST", "/api/v1/announcements/"+a.ID+"/release", map[string]string{"reason": "launch early"}, nil)
	if err != nil || got != http.StatusConflict {
		t.Errorf("manual release before not_before: %d %s %v, want 409", got, raw, err)
	}

	if !e.awaitAll(a, 1, time.Until(notBefore)+within) {
		t.Fatalf("%v after not_before: %s; want every channel once", within, e.counts(a.Tag))
	}
	e.expectNotBefore(a, notBefore, "not_before")
	e.latency(a, notBefore)
	time.Sleep(2 * time.Second)
	for i, hs := range e.hits(a.Tag) {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i], len(hs))
		}
	}
}

// TestGateDeadline: below the threshold at the deadline, on_deadline
// release releases and hold does not.
func TestGateDeadline(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	var releaseAt, holdAt time.Time
	rel := e.announce(10, func() map[string]any {
		releaseAt = time.Now().Add(3 * time.Second).Truncate(time.Second).Round(0)
		return map[string]any{"threshold": 0.6, "deadline": releaseAt, "on_deadline": "release"}
	})
	hold := e.announce(10, func() map[string]any {
		holdAt = time.Now().Add(3 * time.Second).Truncate(time.Second).Round(0)
		return map[string]any{"threshold": 0.6, "deadline": holdAt, "on_deadline": "hold"}
	})
	for i := 0; i < 2; i++ {
		e.ack(rel, i)
		e.ack(hold, i)
	}
	if left := time.Until(releaseAt); left < 300*time.Millisecond {
		t.Fatalf("the set-up took too long: %v left before the deadline", left)
	}
	e.expectNothing(rel, "before the deadline")

	if !e.awaitAll(rel, 1, time.Until(releaseAt)+within) {
		t.Fatalf("%v after the deadline: %s; want on_deadline release to release to every channel", within, e.counts(rel.Tag))
	}
	e.expectNotBefore(rel, releaseAt, "the deadline")
	e.latency(rel, releaseAt)
	if r := e.readiness(rel); r.State != "released" || r.Acknowledged != 2 {
		t.Errorf("readiness of the released one = %+v, want released with 2 acknowledged", r)
	}

	// hold: well past its deadline, still nothing.
	if wait := time.Until(holdAt.Add(3 * time.Second)); wait > 0 {
		time.Sleep(wait)
	}
	e.expectNothing(hold, "3s after the deadline with on_deadline hold")
	if r := e.readiness(hold); r.State != "briefing" || r.ReleasedAt != nil {
		t.Errorf("readiness of the held one = %+v, want still in briefing", r)
	}
	if ds := e.deliveries(hold); len(ds) != 0 {
		t.Errorf("the held announcement has deliveries %+v, want none", ds)
	}
}

// TestGateRetry: a webhook receiver that fails twice and then accepts gets
// three attempts with one webhook-id, and the delivery ends sent after 3
// attempts. The real retry delays (2 s, then 20 s) apply: this takes ~25 s.
func TestGateRetry(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	e.webhook.answer(func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	a := e.announce(1, func() map[string]any { return map[string]any{"threshold": 1} })
	gate := time.Now()
	e.ack(a, 0)

	var ds map[string]delivery
	if !waitFor(60*time.Second, func() bool {
		ds = e.deliveries(a)
		return len(e.webhook.tagged(a.Tag)) >= 3 && ds["webhook"].State == "sent"
	}) {
		t.Fatalf("after 60s: webhook requests %d, delivery %+v; want 3 attempts and sent", len(e.webhook.tagged(a.Tag)), ds["webhook"])
	}
	hs := e.webhook.tagged(a.Tag)
	if len(hs) != 3 {
		t.Errorf("the webhook got %d requests, want 3 (two failures, one success)", len(hs))
	}
	for i, h := range hs {
		if h.key == "" || h.key != hs[0].key {
			t.Errorf("attempt %d has webhook-id %q, want %q on every attempt", i+1, h.key, hs[0].key)
		}
	}
	t.Logf("webhook attempts at +%v, +%v, +%v after the gate", hs[0].at.Sub(gate).Round(time.Millisecond),
		hs[min(1, len(hs)-1)].at.Sub(gate).Round(time.Millisecond), hs[len(hs)-1].at.Sub(gate).Round(time.Millisecond))
	if d := ds["webhook"]; d.State != "sent" || d.Attempts != 3 || d.SentAt == nil {
		t.Errorf("webhook delivery = %+v, want sent after 3 attempts", d)
	}
	for _, kind := range sinks[1:] {
		if d := ds[kind]; d.State != "sent" || d.Attempts != 1 {
			t.Errorf("%s delivery = %+v, want sent after 1 attempt", kind, d)
		}
	}
	for i, hs := range e.hits(a.Tag)[1:] {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i+1], len(hs))
		}
	}
}

// TestGateFailingReceiver: a webhook receiver that always answers 500 does
// not hold back the other channels, which get the announcement once, and
// its error shows in the deliveries.
func TestGateFailingReceiver(t *testing.T) {
	t.Parallel()
	e := newGateEnv(t)
	e.webhook.answer(func(int) int { return http.StatusInternalServerError })
	a := e.announce(1, func() map[string]any { return map[string]any{"threshold": 1} })
	e.ack(a, 0)

	var ds map[string]delivery
	if !waitFor(within, func() bool {
		ds = e.deliveries(a)
		return ds["webhook"].LastError != "" && ds["slack"].State == "sent" && ds["mastodon"].State == "sent" && ds["email"].State == "sent"
	}) {
		t.Fatalf("after %v: deliveries %+v (%s); want the webhook's error recorded and the others sent", within, ds, e.counts(a.Tag))
	}
	d := ds["webhook"]
	if d.State == "sent" || d.Attempts < 1 || !strings.Contains(d.LastError, "500") {
		t.Errorf("webhook delivery = %+v, want not sent, at least 1 attempt, last_error naming the 500", d)
	}
	if strings.Contains(d.LastError, e.secret) {
		t.Errorf("last_error %q carries the webhook secret", d.LastError)
	}
	// Wait past the first retry (2 s): the others still have it once.
	time.Sleep(3 * time.Second)
	hits := e.hits(a.Tag)
	for i, hs := range hits[1:] {
		if len(hs) != 1 {
			t.Errorf("%s received the announcement %d times, want once", sinks[i+1], len(hs))
		}
	}
	for _, h := range hits[0] {
		if h.key != hits[0][0].key {
			t.Errorf("webhook retries carry webhook-ids %q and %q, want one", hits[0][0].key, h.key)
		}
	}
	for _, kind := range sinks[1:] {
		if d := e.deliveries(a)[kind]; d.State != "sent" || d.Attempts != 1 || d.LastError != "" {
			t.Errorf("%s delivery = %+v, want sent after 1 attempt without error", kind, d)
		}
	}
}
