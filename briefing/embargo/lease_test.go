package embargo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// xPosts is a stand-in for X's POST /2/tweets (bearer token checked, JSON
// {"text"} only, 201 {"data": {"id"}}) that holds each post for hold
// before answering: a slow platform.
type xPosts struct {
	mu    sync.Mutex
	texts []string
	srv   *httptest.Server
}

func newXPosts(t *testing.T, hold time.Duration) *xPosts {
	x := &xPosts{}
	x.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		if r.Method != http.MethodPost || r.URL.Path != "/2/tweets" || r.Header.Get("Authorization") != "Bearer x-token" ||
			json.NewDecoder(r.Body).Decode(&body) != nil || len(body) != 1 || body["text"] == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		x.mu.Lock()
		x.texts = append(x.texts, body["text"])
		n := len(x.texts)
		x.mu.Unlock()
		time.Sleep(hold)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]string{"id": "18" + strings.Repeat("0", n)}})
	}))
	t.Cleanup(x.srv.Close)
	return x
}

func (x *xPosts) count() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.texts)
}

func addX(t *testing.T, st *store.Store, base string) *briefing.Channel {
	t.Helper()
	c := &briefing.Channel{Name: "X", Kind: channel.KindX, Config: channel.ConfigJSON(channel.XConfig{AccessToken: "x-token", APIBase: base})}
	if err := st.CreateChannel(c, "test"); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLeaseOutlastsTheCall: two workers on one store, a platform that
// takes its time: the delivery is leased for longer than the kind's
// longest attempt, so the second worker never posts it beside the first
// (trypost #324), and the post's address is stored with the delivery.
func TestLeaseOutlastsTheCall(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	x := newXPosts(t, 1500*time.Millisecond)
	ch := addX(t, st, x.srv.URL)
	start(t, st, Options{RetryDelay: fastRetry})
	second, _ := start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, ch)
	second.Kick()

	eventually(t, 5*time.Second, "the post sent", func() bool { return x.count() > 0 })
	d := deliveryOn(t, st, a, ch)
	if d.LeaseUntil == nil || time.Until(*d.LeaseUntil) < channel.AttemptBudget(channel.KindX) {
		t.Errorf("lease until %v during the call, want at least the attempt budget (%v) ahead", d.LeaseUntil, channel.AttemptBudget(channel.KindX))
	}
	eventually(t, 10*time.Second, "the delivery sent", func() bool {
		return deliveryOn(t, st, a, ch).State == briefing.DeliverySent
	})
	time.Sleep(200 * time.Millisecond) // time for a second worker's post to arrive, if one were coming
	if n := x.count(); n != 1 {
		t.Errorf("X got %d posts, want 1", n)
	}
	d = deliveryOn(t, st, a, ch)
	if d.PostURL != "https://x.com/i/web/status/180" || d.PostID != "180" || d.LeaseUntil != nil {
		t.Errorf("delivery post %q at %q, lease %v; want 180, its URL, no lease", d.PostID, d.PostURL, d.LeaseUntil)
	}
}

func TestLeaseFor(t *testing.T) {
	for _, k := range []briefing.ChannelKind{channel.KindX, channel.KindLinkedIn, channel.KindThreads, channel.KindBluesky, channel.KindWebhook} {
		// The longest attempt: every request of it taking the whole
		// SendTimeout. The lease must be longer.
		if got := leaseFor(k); got <= channel.AttemptBudget(k) || got < channel.SendTimeout {
			t.Errorf("leaseFor(%s) = %v, want longer than its budget %v", k, got, channel.AttemptBudget(k))
		}
	}
	if channel.AttemptBudget(channel.KindThreads) < 3*channel.SendTimeout {
		t.Errorf("threads budget %v: the status, the container and the publication each may take %v", channel.AttemptBudget(channel.KindThreads), channel.SendTimeout)
	}
}

// TestXWithoutAnswerIsUnconfirmed: X posts and never answers; X takes no
// idempotency key, so the delivery is unconfirmed, the authors are told,
// and X sees exactly one post: never a second one by itself.
func TestXWithoutAnswerIsUnconfirmed(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	x := newXPosts(t, 1500*time.Millisecond)
	ch := addX(t, st, x.srv.URL)
	client := channel.NewGuardedDialer(channel.AllowLoopback()).Client()
	client.Timeout = 300 * time.Millisecond // X's answer comes after it
	start(t, st, Options{RetryDelay: fastRetry, HTTPClient: client})
	a := released(t, st, ch)
	eventually(t, 5*time.Second, "the delivery unconfirmed", func() bool {
		return deliveryOn(t, st, a, ch).State == briefing.DeliveryUnconfirmed
	})
	time.Sleep(500 * time.Millisecond) // room for a resend, if one were coming
	if n := x.count(); n != 1 {
		t.Errorf("X got %d posts, want exactly 1", n)
	}
	if d := deliveryOn(t, st, a, ch); d.Attempts != 1 || d.PostURL != "" {
		t.Errorf("delivery %+v, want one attempt and no post_url", d)
	}
}
