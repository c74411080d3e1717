package main

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// serverClock times the readiness reads inside the server, from the
// handler's start to its return, while the burst runs. The clients' figure
// includes the wait for a CPU on both sides of the loopback; this one is
// what the readiness read itself costs while acknowledgements are being
// written (docs/performance.md explains why the two differ).
type serverClock struct {
	next http.Handler
	on   atomic.Bool

	mu        sync.Mutex
	readiness []time.Duration
}

func (s *serverClock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.on.Load() || r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/readiness") {
		s.next.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	s.next.ServeHTTP(w, r)
	d := time.Since(start)
	s.mu.Lock()
	s.readiness = append(s.readiness, d)
	s.mu.Unlock()
}

// samples returns what was timed so far.
func (s *serverClock) samples() *samples {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &samples{d: append([]time.Duration(nil), s.readiness...)}
}
