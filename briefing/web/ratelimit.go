package web

import (
	"sync"
	"time"
)

// Sign-in limits. An account is refused (429) after maxPerAccount failures
// within window: a guesser aiming at one person gets ten tries. A client
// address is never refused, only slowed down: after freePerAddress
// failures within window each attempt from it waits, twice as long each
// time, up to waitDoublings doublings of the base. Refusing an address
// would lock out everyone behind one proxy, right password or not.
const (
	signInWindow   = 15 * time.Minute
	maxPerAccount  = 10
	freePerAddress = 50
	waitDoublings  = 5
	// defaultWaitBase makes the ceiling 8 s: slow for a sprayer, bearable
	// for a colleague behind the same proxy.
	defaultWaitBase = 250 * time.Millisecond
)

// signInLimiter counts failed sign-ins in memory. It forgets on restart,
// which an attacker cannot trigger, and needs no write per attempt.
type signInLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
	waitBase time.Duration // the first wait of a slowed address; tests shorten it
}

func newSignInLimiter() *signInLimiter {
	return &signInLimiter{failures: map[string][]time.Time{}, now: time.Now, waitBase: defaultWaitBase}
}

// try reserves one attempt: ok is false when the account has used up its
// tries; wait is how long the attempt must wait first because its address
// has failed too often. The attempt counts as a failure until succeed
// takes it back, so guesses sent in parallel cannot all pass the check
// before the first of them has been recorded (check and count are one
// step).
func (l *signInLimiter) try(email, addr string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recent("e:"+email) >= maxPerAccount {
		return 0, false
	}
	if over := l.recent("a:"+addr) - freePerAddress; over >= 0 {
		wait = l.waitBase << min(over, waitDoublings)
	}
	l.record(email, addr)
	return wait, true
}

// waitCeiling is the longest an address is made to wait.
func (l *signInLimiter) waitCeiling() time.Duration { return l.waitBase << waitDoublings }

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
