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

// try reserves one attempt: false when the account or the address has used
// up its tries. The attempt counts as a failure until succeed takes it
// back, so guesses sent in parallel cannot all pass the check before the
// first of them has been recorded (check and count are one step).
func (l *signInLimiter) try(email, addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recent("e:"+email) >= maxPerAccount || l.recent("a:"+addr) >= maxPerAddress {
		return false
	}
	l.record(email, addr)
	return true
}

func (l *signInLimiter) record(email, addr string) {
	now := l.now()
	for _, k := range []string{"e:" + email, "a:" + addr} {
		l.failures[k] = append(l.failures[k], now)
	}
	if len(l.failures) > 100_000 {
		l.prune()
	}
}

// succeed forgets the account's failures and takes back the attempt try
// reserved for the address; the address keeps its other failures.
func (l *signInLimiter) succeed(email, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "e:"+email)
	if ts := l.failures["a:"+addr]; len(ts) > 1 {
		l.failures["a:"+addr] = ts[:len(ts)-1]
	} else {
		delete(l.failures, "a:"+addr)
	}
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
