package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// hookReceiver is the outside world of the bench: a local webhook endpoint,
// like an httptest server in the tests, that records when the first
// delivery arrived and whether its Standard Webhooks signature holds.
type hookReceiver struct {
	key []byte
	srv *http.Server
	url string

	mu      sync.Mutex
	first   time.Time // arrival of the first delivery
	count   int
	sigOK   bool
	arrived chan struct{} // closed on the first delivery
}

func startReceiver(key []byte) (*hookReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &hookReceiver{key: key, arrived: make(chan struct{}), url: "http://" + ln.Addr().String() + "/hook"}
	h.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = h.srv.Serve(ln) }()
	return h, nil
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	ok := h.verify(r.Header, body)
	h.mu.Lock()
	h.count++
	if h.count == 1 {
		h.first, h.sigOK = at, ok
		close(h.arrived)
	}
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// verify checks the signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">.
func (h *hookReceiver) verify(hd http.Header, body []byte) bool {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(hd.Get("webhook-id") + "." + hd.Get("webhook-timestamp") + "."))
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(hd.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// wait returns the first arrival, or false if none came within d.
func (h *hookReceiver) wait(d time.Duration) (at time.Time, count int, sigOK, ok bool) {
	select {
	case <-h.arrived:
	case <-time.After(d):
		return time.Time{}, 0, false, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.first, h.count, h.sigOK, true
}

func (h *hookReceiver) close() { _ = h.srv.Close() }
