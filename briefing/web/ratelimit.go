package web

import (
	"sync"
	"time"
)

// Sign-in limits: after maxPerAccount failures for one e-mail address (or
// maxPerAddress from one client address) within window, sign-in answers 429.
const (
	signInWindow  = 15 * time.Minute
	maxPerAccount = 10
	maxPerAddress = 50
)

// signInLimiter counts failed sign-ins in memory. It forgets on restart,
// which an attacker cannot trigger, and needs no write per attempt.
type signInLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

func newSignInLimiter() *signInLimiter {
	return &signInLimiter{failures: map[string][]time.Time{}, now: time.Now}
}

// blocked reports whether the account or the address has used up its tries.
func (l *signInLimiter) blocked(email, addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recent("e:"+email) >= maxPerAccount || l.recent("a:"+addr) >= maxPerAddress
}

func (l *signInLimiter) fail(email, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range []string{"e:" + email, "a:" + addr} {
		l.failures[k] = append(l.failures[k], now)
	}
	if len(l.failures) > 100_000 {
		l.prune()
	}
}

// succeed forgets the account's failures; the address keeps its count.
func (l *signInLimiter) succeed(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "e:"+email)
}

func (l *signInLimiter) recent(key string) int {
	cutoff := l.now().Add(-signInWindow)
	ts := l.failures[key]
	i := 0
	for i < len(ts) && ts[i].Before(cutoff) {
		i++
	}
	if i > 0 {
		ts = ts[i:]
		if len(ts) == 0 {
			delete(l.failures, key)
		} else {
			l.failures[key] = ts
		}
	}
	return len(ts)
}

func (l *signInLimiter) prune() {
	for k := range l.failures {
		l.recent(k)
	}
}
