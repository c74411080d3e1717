package embargo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/testkit"
	"firsthand/store"
)

// receiver is the test kit's receiver as a webhook endpoint that answers
// with status(n) to its n-th request (1-based).
type receiver struct{ *testkit.Receiver }

func newReceiver(t *testing.T, status func(n int) int) *receiver {
	return &receiver{testkit.NewReceiver(t, func(n int, _ testkit.Request) testkit.Response {
		return testkit.Response{Status: status(n)}
	})}
}

// got returns the webhook-id of every request, in order.
func (r *receiver) got() []string {
	var ids []string
	for _, req := range r.Requests() {
		ids = append(ids, req.Header.Get("webhook-id"))
	}
	return ids
}

func always(code int) func(int) int { return func(int) int { return code } }

// fastRetry makes every retry due almost at once.
func fastRetry(int, time.Duration) time.Duration { return 20 * time.Millisecond }

// released publishes an announcement on the channels and has its only
// recipient acknowledge it, which releases it at once.
func released(t *testing.T, st *store.Store, channels ...*briefing.Channel) *briefing.Announcement {
	t.Helper()
	author := addUserOnce(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	e := addUserOnce(t, st, "e1@example.com", "Sales")
	a := draft(t, st, author, briefing.Policy{Threshold: 1}, channels...)
	publish(t, st, a)
	ack(t, st, a, e)
	if got := announcement(t, st, a.ID).State; got != briefing.StateReleased {
		t.Fatalf("state = %s, want released", got)
	}
	return a
}

func addUserOnce(t *testing.T, st *store.Store, email, dept string, roles ...briefing.Role) *briefing.User {
	t.Helper()
	if u, err := st.UserByEmail(email); err == nil {
		return u
	}
	return addUser(t, st, email, dept, roles...)
}

// deliveryOn returns an announcement's delivery to one channel.
func deliveryOn(t *testing.T, st *store.Store, a *briefing.Announcement, c *briefing.Channel) *briefing.Delivery {
	t.Helper()
	ds, err := st.Deliveries(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.ChannelID == c.ID {
			return d
		}
	}
	t.Fatalf("no delivery of %s on channel %s", a.ID, c.ID)
	return nil
}

func TestRetryUntilAccepted(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	rc := newReceiver(t, func(n int) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	ch := addWebhook(t, st, "press", rc.URL+"/hook")
	_, logs := start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, ch)

	eventually(t, 5*time.Second, "the delivery sent", func() bool {
		return deliveryOn(t, st, a, ch).State == briefing.DeliverySent
	})
	d := deliveryOn(t, st, a, ch)
	if d.Attempts != 3 || d.SentAt == nil || d.LastError != "" {
		t.Errorf("delivery = attempts %d, sent_at %v, last_error %q; want 3, set, empty", d.Attempts, d.SentAt, d.LastError)
	}
	ids := rc.got()
	if len(ids) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(ids))
	}
	if !strings.HasPrefix(d.ReceiverID, briefing.ReceiverIDPrefix) {
		t.Errorf("delivery receiver id = %q, want a random msg_ id", d.ReceiverID)
	}
	for i, id := range ids {
		if id != d.ReceiverID {
			t.Errorf("request %d: webhook-id = %q, want the delivery's receiver id %q every time", i+1, id, d.ReceiverID)
		}
	}
	if strings.Contains(logs.String(), testSecret) {
		t.Error("the log contains the webhook secret")
	}
}

// TestWebhookSignsAfterRestart: the secret sealed in the database before a
// restart signs the delivery after it, as an independent Standard Webhooks
// verifier checks.
func TestWebhookSignsAfterRestart(t *testing.T) {
	t.Parallel()
	verifier, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	rc := testkit.NewReceiver(t, func(_ int, r testkit.Request) testkit.Response {
		if err := verifier.Verify(r.Body, r.Header); err != nil {
			t.Errorf("the receiver refuses the signature: %v", err)
			return testkit.Response{Status: http.StatusUnauthorized}
		}
		return testkit.Response{Status: http.StatusNoContent}
	})

	path := filepath.Join(t.TempDir(), "firsthand.db")
	key := bytes.Repeat([]byte{0x5a}, store.SecretKeySize)
	st, err := store.Open(path, store.WithSecretKey(key))
	if err != nil {
		t.Fatal(err)
	}
	ch := addWebhook(t, st, "press", rc.URL+"/hook")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(path, store.WithSecretKey(key))
	if err != nil {
		t.Fatalf("reopening with the same key: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, ch)
	eventually(t, 5*time.Second, "the delivery sent", func() bool {
		return deliveryOn(t, st, a, ch).State == briefing.DeliverySent
	})
	reqs := rc.Requests()
	if want := deliveryOn(t, st, a, ch).ReceiverID; len(reqs) != 1 || reqs[0].Header.Get("webhook-id") != want || reqs[0].Status != http.StatusNoContent {
		t.Errorf("the receiver got %d requests (first %+v), want one verified request with webhook-id %q", len(reqs), reqs, want)
	}
}

// TestSlowAndFailingChannels: a channel that never answers and one that
// always fails hold back none of the others, which are sent exactly once.
func TestSlowAndFailingChannels(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	failing := newReceiver(t, always(http.StatusInternalServerError))
	unblock := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that a client gone cancels r.Context()
		select {
		case <-unblock:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	good1 := newReceiver(t, always(http.StatusOK))
	good2 := newReceiver(t, always(http.StatusOK))
	chFail := addWebhook(t, st, "failing", failing.URL)
	chSlow := addWebhook(t, st, "slow", slow.URL)
	ch1 := addWebhook(t, st, "good1", good1.URL)
	ch2 := addWebhook(t, st, "good2", good2.URL)
	start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, chFail, chSlow, ch1, ch2)

	eventually(t, 3*time.Second, "both good channels sent while one hangs", func() bool {
		return deliveryOn(t, st, a, ch1).State == briefing.DeliverySent &&
			deliveryOn(t, st, a, ch2).State == briefing.DeliverySent
	})
	eventually(t, 5*time.Second, "the failing channel given up", func() bool {
		return deliveryOn(t, st, a, chFail).State == briefing.DeliveryFailed
	})
	if d := deliveryOn(t, st, a, chFail); d.Attempts != briefing.MaxAttempts || len(failing.got()) != briefing.MaxAttempts {
		t.Errorf("failing channel: %d attempts, %d requests; want %d of each", d.Attempts, len(failing.got()), briefing.MaxAttempts)
	}
	if got := deliveryOn(t, st, a, chSlow).State; got != briefing.DeliveryPending {
		t.Errorf("hanging channel's delivery = %s, want still pending", got)
	}
	close(unblock)
	eventually(t, 3*time.Second, "the slow channel sent once it answers", func() bool {
		return deliveryOn(t, st, a, chSlow).State == briefing.DeliverySent
	})
	for name, rc := range map[string]*receiver{"good1": good1, "good2": good2} {
		if n := len(rc.got()); n != 1 {
			t.Errorf("%s received %d requests, want exactly 1", name, n)
		}
	}
}

// TestGoneDisablesChannel: 410 fails the delivery at once and disables the
// channel; a later release skips it without a request.
func TestGoneDisablesChannel(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	rc := newReceiver(t, always(http.StatusGone))
	ch := addWebhook(t, st, "gone", rc.URL)
	start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, ch)

	eventually(t, 3*time.Second, "the delivery failed", func() bool {
		return deliveryOn(t, st, a, ch).State == briefing.DeliveryFailed
	})
	if d := deliveryOn(t, st, a, ch); d.Attempts != 1 {
		t.Errorf("attempts = %d, want 1: 410 is not retried", d.Attempts)
	}
	c, err := st.Channel(ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Disabled || c.Note == "" {
		t.Errorf("channel disabled = %v, note %q; want disabled with a note", c.Disabled, c.Note)
	}

	b := released(t, st, ch)
	eventually(t, 3*time.Second, "the second delivery failed", func() bool {
		return deliveryOn(t, st, b, ch).State == briefing.DeliveryFailed
	})
	if d := deliveryOn(t, st, b, ch); !strings.Contains(d.LastError, "disabled") {
		t.Errorf("last error = %q, want it to say the channel is disabled", d.LastError)
	}
	if n := len(rc.got()); n != 1 {
		t.Errorf("receiver got %d requests, want 1: a disabled channel is not called", n)
	}
}

func TestClassify(t *testing.T) {
	var gotN int
	var gotRA time.Duration
	delay := func(n int, ra time.Duration) time.Duration {
		gotN, gotRA = n, ra
		return time.Minute
	}
	tests := []struct {
		name       string
		err        error
		attempts   int
		want       store.Attempt
		wantN      int
		wantRetryA time.Duration
	}{
		{name: "sent", err: nil, want: store.Attempt{}},
		{name: "gone", err: &channel.Error{Status: 410, Gone: true, Msg: "gone"}, want: store.Attempt{Disable: true}},
		{name: "server error", err: &channel.Error{Status: 500, Msg: "boom"}, attempts: 0,
			want: store.Attempt{NextDelay: time.Minute}, wantN: 1},
		{name: "retry-after passed on", err: &channel.Error{Status: 429, RetryAfter: 90 * time.Second, Msg: "slow down"}, attempts: 2,
			want: store.Attempt{NextDelay: time.Minute}, wantN: 3, wantRetryA: 90 * time.Second},
		{name: "plain error", err: errors.New("no SMTP"), attempts: 1,
			want: store.Attempt{NextDelay: time.Minute}, wantN: 2},
		{name: "last attempt", err: &channel.Error{Timeout: true, Msg: "timeout"}, attempts: briefing.MaxAttempts - 1,
			want: store.Attempt{NextDelay: time.Minute, GiveUp: true}, wantN: briefing.MaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotN, gotRA = 0, 0
			got := classify(tt.err, tt.attempts, delay)
			if got.Err != tt.err || got.NextDelay != tt.want.NextDelay || got.GiveUp != tt.want.GiveUp || got.Disable != tt.want.Disable {
				t.Errorf("classify = %+v, want %+v (with the error)", got, tt.want)
			}
			if gotN != tt.wantN || gotRA != tt.wantRetryA {
				t.Errorf("delay called with (%d, %s), want (%d, %s)", gotN, gotRA, tt.wantN, tt.wantRetryA)
			}
		})
	}
}

func TestOutboxClaim(t *testing.T) {
	var o outbox
	o.init(2)
	if ok, full := o.claim("1"); !ok || full {
		t.Fatalf("first claim = %v, %v; want ok", ok, full)
	}
	if ok, _ := o.claim("1"); ok {
		t.Error("a delivery in flight was claimed twice")
	}
	if ok, _ := o.claim("2"); !ok {
		t.Error("a second delivery could not be claimed with a slot free")
	}
	if ok, full := o.claim("3"); ok || !full {
		t.Errorf("claim with every slot taken = %v, %v; want full", ok, full)
	}
	o.release("1")
	o.hold("1")
	if ok, full := o.claim("1"); ok || full {
		t.Errorf("claim of a held delivery = %v, %v; want neither", ok, full)
	}
	if ok, _ := o.claim("3"); !ok {
		t.Error("a released slot was not reusable")
	}
	o.release("2")
	o.release("3")
	o.sends.Wait() // every claim was released
}

// blueskyPDS is a stand-in for a Bluesky PDS after atproto's contract
// (createSession with {identifier, password}; createRecord, getRecord with
// the access JWT; 400 RecordNotFound) that stores the first record and then
// answers 500, as a PDS does whose answer is lost after the commit.
type blueskyPDS struct {
	mu      sync.Mutex
	records map[string]bool
	creates int
	srv     *httptest.Server
}

func newBlueskyPDS(t *testing.T) *blueskyPDS {
	p := &blueskyPDS{records: map[string]bool{}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/xrpc/com.atproto.server.createSession":
			_, _ = io.WriteString(w, `{"did":"did:plc:acme","handle":"acme.bsky.social","accessJwt":"access-jwt-secret","refreshJwt":"refresh-jwt-secret"}`)
			return
		}
		if r.Header.Get("Authorization") != "Bearer access-jwt-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"AuthenticationRequired"}`)
			return
		}
		switch r.URL.Path {
		case "/xrpc/com.atproto.repo.getRecord":
			if !p.records[r.URL.Query().Get("rkey")] || r.URL.Query().Get("repo") != "did:plc:acme" {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"error":"RecordNotFound","message":"Could not locate record"}`)
				return
			}
			_, _ = io.WriteString(w, `{"uri":"at://did:plc:acme/app.bsky.feed.post/`+r.URL.Query().Get("rkey")+`","value":{}}`)
		case "/xrpc/com.atproto.repo.createRecord":
			var in struct{ Repo, Collection, Rkey string }
			body, _ := io.ReadAll(r.Body)
			if json.Unmarshal(body, &in) != nil || in.Repo != "did:plc:acme" || in.Rkey == "" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			p.creates++
			p.records[in.Rkey] = true
			if p.creates == 1 {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = io.WriteString(w, `{"error":"InternalServerError"}`)
				return
			}
			_, _ = io.WriteString(w, `{"uri":"at://did:plc:acme/app.bsky.feed.post/`+in.Rkey+`","cid":"bafy"}`)
		default:
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// TestBlueskyRetryFindsTheRecord: the record key is stored in the row
// before createRecord; the PDS stores the post and answers 500; the retry
// asks getRecord under the stored key, finds it: one record, sent, with its
// address; the session kept in the channel, never in the logs.
func TestBlueskyRetryFindsTheRecord(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	pds := newBlueskyPDS(t)
	ch := &briefing.Channel{Name: "Bluesky", Kind: channel.KindBluesky, Config: channel.ConfigJSON(channel.BlueskyConfig{
		Identifier: "acme.bsky.social", AppPassword: "app-password-secret", Service: pds.srv.URL})}
	if err := st.CreateChannel(ch, "test"); err != nil {
		t.Fatal(err)
	}
	_, logs := start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, ch)
	eventually(t, 5*time.Second, "the delivery sent", func() bool {
		return deliveryOn(t, st, a, ch).State == briefing.DeliverySent
	})
	d := deliveryOn(t, st, a, ch)
	rkey := d.Progress["bluesky_rkey"]
	pds.mu.Lock()
	creates, records := pds.creates, len(pds.records)
	pds.mu.Unlock()
	if creates != 1 || records != 1 || d.Attempts != 2 {
		t.Errorf("%d createRecord calls, %d records, %d attempts; want 1, 1, 2", creates, records, d.Attempts)
	}
	if rkey == "" || d.PostURL != "https://bsky.app/profile/acme.bsky.social/post/"+rkey {
		t.Errorf("post_url %q, stored rkey %q: want the post under the stored key", d.PostURL, rkey)
	}
	c, err := st.Channel(ch.ID)
	if err != nil || !strings.Contains(string(c.Config), "refresh-jwt-secret") {
		t.Errorf("the channel's config %s, want the session kept", c.Config)
	}
	for _, s := range []string{"app-password-secret", "access-jwt-secret", "refresh-jwt-secret"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log carries %q", s)
		}
	}
}
