package channel

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// received is one request as a test receiver saw it.
type received struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder is an httptest receiver that keeps every request and answers
// with status.
type recorder struct {
	mu     sync.Mutex
	reqs   []received
	status int
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, received{r.Method, r.URL.Path, r.Header.Clone(), body})
	status := rec.status
	rec.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
}

func (rec *recorder) requests(t *testing.T, want int) []received {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) != want {
		t.Fatalf("receiver got %d requests, want %d", len(rec.reqs), want)
	}
	return rec.reqs
}

func newTestWebhook(t *testing.T, url string) Sender {
	t.Helper()
	s, err := New(briefing.Channel{Name: "hook", Kind: KindWebhook,
		Config: ConfigJSON(WebhookConfig{URL: url, Secret: testSecret})}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWebhookDelivery checks the request against the Standard Webhooks
// reference library, an implementation independent of ours.
func TestWebhookDelivery(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newTestWebhook(t, srv.URL+"/in/firsthand")

	before := time.Now().Unix()
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	r := rec.requests(t, 1)[0]

	if r.method != http.MethodPost || r.path != "/in/firsthand" {
		t.Errorf("got %s %s, want POST /in/firsthand", r.method, r.path)
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := r.header.Get("webhook-id"); got != testReceiverID {
		t.Errorf("webhook-id = %q, want the receiver ID %q", got, testReceiverID)
	}
	ts, err := strconv.ParseInt(r.header.Get("webhook-timestamp"), 10, 64)
	if err != nil || ts < before || ts > time.Now().Unix() {
		t.Errorf("webhook-timestamp = %q, want the unix time of sending", r.header.Get("webhook-timestamp"))
	}
	want := `{"type":"announcement.released","data":{"id":"ann-42","title":"New pricing from 1 March",` +
		`"summary":"Prices change.","text":"Our plans get simpler \u0026 cheaper.",` +
		`"url":"https://news.example.com/news/new-pricing","released_at":"2026-03-01T09:00:00Z"}}`
	if string(r.body) != want {
		t.Errorf("body = %s\nwant   %s", r.body, want)
	}
	var ev struct {
		Type string            `json:"type"`
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(r.body, &ev); err != nil || ev.Data["text"] != "Our plans get simpler & cheaper." {
		t.Errorf("body does not decode to the text: %v %v", ev, err)
	}

	wh, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(r.body, r.header); err != nil {
		t.Errorf("reference verifier rejects the delivery: %v", err)
	}
	// The verifier must actually be checking: a changed body or another
	// secret must fail.
	if err := wh.Verify(append([]byte(" "), r.body...), r.header); err == nil {
		t.Error("reference verifier accepts a tampered body")
	}
	other, _ := standardwebhooks.NewWebhook("whsec_" + "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0")
	if err := other.Verify(r.body, r.header); err == nil {
		t.Error("reference verifier accepts the delivery under another secret")
	}
}

// TestWebhookRetryKeepsID: a resend of one delivery carries the same
// webhook-id, so the receiver can drop it, and is signed validly again.
func TestWebhookRetryKeepsID(t *testing.T) {
	rec := &recorder{status: http.StatusInternalServerError}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newTestWebhook(t, srv.URL)
	if err := s.Send(t.Context(), testMessage()); err == nil {
		t.Fatal("Send to a failing receiver = nil, want an error")
	}
	rec.mu.Lock()
	rec.status = http.StatusNoContent
	rec.mu.Unlock()
	if err := s.Send(t.Context(), testMessage()); err != nil {
		t.Fatalf("retry: %v", err)
	}
	reqs := rec.requests(t, 2)
	wh, _ := standardwebhooks.NewWebhook(testSecret)
	for i, r := range reqs {
		if got := r.header.Get("webhook-id"); got != testReceiverID {
			t.Errorf("attempt %d: webhook-id = %q, want %q", i+1, got, testReceiverID)
		}
		if err := wh.Verify(r.body, r.header); err != nil {
			t.Errorf("attempt %d: %v", i+1, err)
		}
	}
}

// TestWebhookSignVector pins the signature to the specification's test
// vector, also used by the reference libraries' own tests.
func TestWebhookSignVector(t *testing.T) {
	w, err := newWebhook(WebhookConfig{URL: "https://example.com", Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := "v1," + w.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

// TestWebhookRetract: the withdrawal is a signed announcement.withdrawn
// event under the retraction's own webhook-id.
func TestWebhookRetract(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	w := newTestWebhook(t, srv.URL).(*webhook)
	m := Message{DeliveryID: "12", ReceiverID: "dlv_retract_1", AnnouncementID: "ann-42", Reason: "wrong figures",
		WithdrawnAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	if err := w.Retract(t.Context(), m, ""); err != nil {
		t.Fatal(err)
	}
	r := rec.requests(t, 1)[0]
	if want := `{"type":"announcement.withdrawn","data":{"id":"ann-42","reason":"wrong figures","withdrawn_at":"2026-03-02T09:00:00Z"}}`; string(r.body) != want {
		t.Errorf("body %s, want %s", r.body, want)
	}
	ts := r.header.Get("webhook-timestamp")
	if r.header.Get("webhook-id") != "dlv_retract_1" || r.header.Get("webhook-signature") != "v1,"+w.sign("dlv_retract_1", ts, r.body) {
		t.Errorf("headers %v: want the retraction's own id, signed", r.header)
	}
}
