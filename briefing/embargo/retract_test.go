package embargo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// platformLog is a stand-in that records every request: X's POST and
// DELETE /2/tweets (bearer token checked), and a Standard Webhooks
// receiver that checks the signature.
type platformLog struct {
	mu   sync.Mutex
	reqs []string // "METHOD path webhook-id type"
	srv  *httptest.Server
}

func newPlatformLog(t *testing.T) *platformLog {
	p := &platformLog{}
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(testSecret, "whsec_"))
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		line := r.Method + " " + r.URL.Path
		switch {
		case r.URL.Path == "/hook":
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte(r.Header.Get("webhook-id") + "." + r.Header.Get("webhook-timestamp") + "." + string(body)))
			if r.Header.Get("webhook-signature") != "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			var ev struct {
				Type string
				Data map[string]string
			}
			_ = json.Unmarshal(body, &ev)
			line += " " + r.Header.Get("webhook-id") + " " + ev.Type + " " + ev.Data["reason"]
		case r.Header.Get("Authorization") != "Bearer x-token":
			w.WriteHeader(http.StatusUnauthorized)
			return
		case r.Method == http.MethodPost && r.URL.Path == "/2/tweets":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"data":{"id":"181","text":"t"}}`)
		case r.Method == http.MethodDelete && r.URL.Path == "/2/tweets/181":
			_, _ = io.WriteString(w, `{"data":{"deleted":true}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
		p.mu.Lock()
		p.reqs = append(p.reqs, line)
		p.mu.Unlock()
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *platformLog) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.reqs...)
}

// TestWithdrawRetracts: a released post on X is deleted and a webhook is
// told (signed, under the retraction's own webhook-id) when the
// announcement is withdrawn; the retractions are sent deliveries.
func TestWithdrawRetracts(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	p := newPlatformLog(t)
	x := addX(t, st, p.srv.URL)
	hook := addWebhook(t, st, "partners", p.srv.URL+"/hook")
	start(t, st, Options{RetryDelay: fastRetry})
	a := released(t, st, x, hook)
	eventually(t, 5*time.Second, "both posts sent", func() bool {
		return deliveryOn(t, st, a, x).State == briefing.DeliverySent && deliveryOn(t, st, a, hook).State == briefing.DeliverySent
	})
	post := deliveryOn(t, st, a, hook)
	if _, err := st.Withdraw(a.ID, "user:author", "wrong figures"); err != nil {
		t.Fatal(err)
	}
	var retractions []*briefing.Delivery
	eventually(t, 5*time.Second, "both retractions sent", func() bool {
		ds, _ := st.Deliveries(a.ID)
		retractions = retractions[:0]
		for _, d := range ds {
			if d.Action == briefing.ActionRetract && d.State == briefing.DeliverySent {
				retractions = append(retractions, d)
			}
		}
		return len(retractions) == 2
	})
	got := strings.Join(p.got(), "\n")
	if !strings.Contains(got, "DELETE /2/tweets/181") {
		t.Errorf("requests:\n%s\nwant DELETE /2/tweets/181", got)
	}
	var hookRetraction *briefing.Delivery
	for _, d := range retractions {
		if d.ChannelID == hook.ID {
			hookRetraction = d
		}
	}
	if hookRetraction == nil || hookRetraction.ReceiverID == post.ReceiverID || hookRetraction.ReceiverID == "" {
		t.Fatalf("webhook retraction %+v, want its own delivery", hookRetraction)
	}
	if want := "POST /hook " + hookRetraction.ReceiverID + " " + channel.EventWithdrawn + " wrong figures"; !strings.Contains(got, want) {
		t.Errorf("requests:\n%s\nwant %q (signed, its own webhook-id)", got, want)
	}
}
