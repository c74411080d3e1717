package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSignInRateLimitAPI: 30 wrong passwords in a row for one account are
// 401 ten times, then 429 from the 11th on, even with the right password;
// another account is not affected.
func TestSignInRateLimitAPI(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "victim@example.com", Password: "correct horse"})
	a.addUser(person{Email: "bystander@example.com", Password: "battery staple"})

	for i := 1; i <= 30; i++ {
		// The address in varying case is the same account.
		email := "victim@example.com"
		if i%2 == 0 {
			email = "Victim@Example.COM"
		}
		r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": email, "password": "wrong guess"})
		if i <= 10 {
			wantError(t, "wrong password #"+strconv.Itoa(i), r, http.StatusUnauthorized, "unauthenticated", "")
		} else {
			wantError(t, "wrong password #"+strconv.Itoa(i), r, http.StatusTooManyRequests, "rate_limited", "")
		}
		if r.Header.Get("Set-Cookie") != "" && strings.Contains(r.Header.Get("Set-Cookie"), SessionCookie+"=fs_") {
			t.Fatalf("wrong password #%d: got a session cookie", i)
		}
	}
	r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "victim@example.com", "password": "correct horse"})
	wantError(t, "the right password while blocked", r, http.StatusTooManyRequests, "rate_limited", "")

	r = a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "bystander@example.com", "password": "battery staple"})
	wantStatus(t, "another account signs in", r, http.StatusOK)
}

// TestSignInRateLimitForm: the sign-in form counts the same way and answers
// 429 with the form again.
func TestSignInRateLimitForm(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "victim@example.com", Password: "correct horse"})
	post := func(password string) *response {
		form := url.Values{"email": {"victim@example.com"}, "password": {password}}
		return a.send(req{method: http.MethodPost, path: "/signin", body: strings.NewReader(form.Encode()),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	}
	for i := 1; i <= 12; i++ {
		r := post("wrong guess")
		want := http.StatusUnauthorized
		if i > 10 {
			want = http.StatusTooManyRequests
		}
		if r.Status != want {
			t.Fatalf("form attempt #%d: got %d, want %d", i, r.Status, want)
		}
		if !strings.Contains(string(r.Body), `name="password"`) {
			t.Errorf("form attempt #%d: the answer does not show the sign-in form again", i)
		}
	}
	if r := post("correct horse"); r.Status != http.StatusTooManyRequests {
		t.Errorf("right password on the form while blocked: got %d, want 429", r.Status)
	}
	// The API shares the count with the form.
	r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "victim@example.com", "password": "correct horse"})
	wantError(t, "API after the form's failures", r, http.StatusTooManyRequests, "rate_limited", "")
}

// TestSignInLimiterWindow: attempts older than the window are forgotten, a
// success forgets the account's failures, and the address limit holds
// across accounts.
func TestSignInLimiterWindow(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := newSignInLimiter()
	l.now = func() time.Time { return now }

	for i := range maxPerAccount {
		if !tried(l, "a@example.com", "10.0.0.1") {
			t.Fatalf("attempt %d: got refused, want allowed", i+1)
		}
	}
	if tried(l, "a@example.com", "10.0.0.2") {
		t.Errorf("after %d failures: got allowed, want refused (from any address)", maxPerAccount)
	}
	if !tried(l, "b@example.com", "10.0.0.1") {
		t.Errorf("another account from the same address: got refused, want allowed")
	}
	now = now.Add(signInWindow - time.Second)
	if tried(l, "a@example.com", "10.0.0.1") {
		t.Errorf("one second before the window ends: got allowed, want refused")
	}
	now = now.Add(2 * time.Second)
	if !tried(l, "a@example.com", "10.0.0.1") {
		t.Errorf("after the window: got refused, want allowed")
	}

	for range maxPerAccount - 1 {
		tried(l, "c@example.com", "10.0.0.3")
	}
	if !tried(l, "c@example.com", "10.0.0.3") {
		t.Fatalf("attempt %d: got refused, want allowed", maxPerAccount)
	}
	l.succeed("c@example.com", "10.0.0.3") // the last attempt was right
	if !tried(l, "c@example.com", "10.0.0.3") {
		t.Errorf("after a success: got refused, want allowed")
	}

	// Successes do not use up an address: a shared office address signs
	// in all day.
	for i := range 2 * freePerAddress {
		email := "staff" + strconv.Itoa(i) + "@example.com"
		if !tried(l, email, "10.0.0.8") {
			t.Fatalf("sign-in %d from a shared address: got refused, want allowed", i+1)
		}
		l.succeed(email, "10.0.0.8")
	}
	// An address is slowed down, never refused: after freePerAddress
	// failures every attempt from it waits, longer and longer, up to the
	// ceiling. (This used to refuse the address after 50 failures, which
	// locked everyone behind one proxy out.)
	var last time.Duration
	for i := range freePerAddress + 12 {
		wait, ok := l.try("spray"+strconv.Itoa(i)+"@example.com", "10.0.0.9")
		if !ok {
			t.Fatalf("failure %d from one address: got refused, want slowed down", i+1)
		}
		switch {
		case i < freePerAddress && wait != 0:
			t.Errorf("failure %d from one address: got a wait of %s, want none before %d", i+1, wait, freePerAddress)
		case i >= freePerAddress && (wait <= 0 || wait < last || wait > l.waitCeiling()):
			t.Errorf("failure %d from one address: got a wait of %s after %s, want a growing wait up to %s", i+1, wait, last, l.waitCeiling())
		}
		last = wait
	}
	if last != l.waitCeiling() {
		t.Errorf("after many failures: got a wait of %s, want the ceiling %s", last, l.waitCeiling())
	}
	if wait, ok := l.try("fresh@example.com", "10.0.0.10"); !ok || wait != 0 {
		t.Errorf("another address: got wait %s, allowed %v; want no wait", wait, ok)
	}
}

// TestSignInAddressIsSlowedNotLockedOut: after 60 failures for many
// accounts from one address (everyone, behind a proxy that is not
// trusted), the right password of another account still signs in, after
// the address's wait; the per-account limit still answers 429.
func TestSignInAddressIsSlowedNotLockedOut(t *testing.T) {
	a := newTestApp(t)
	a.srv.limiter.waitBase = time.Millisecond
	a.addUser(person{Email: "ada@example.com", Password: "a long password"})
	a.addUser(person{Email: "victim@example.com", Password: "correct horse"})
	// Existing accounts, hashed at bcrypt.MinCost: unknown ones would each
	// cost a comparison at the full cost, minutes under -race.
	for i := range 60 {
		a.addUser(person{Email: "spray" + strconv.Itoa(i) + "@example.com", Password: "the right one"})
	}
	for i := range 60 {
		r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "spray" + strconv.Itoa(i) + "@example.com", "password": "guess"})
		wantError(t, "spray #"+strconv.Itoa(i+1), r, http.StatusUnauthorized, "unauthenticated", "")
	}
	start := time.Now()
	r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "ada@example.com", "password": "a long password"})
	wantStatus(t, "the right password after 60 failures from the same address", r, http.StatusOK)
	if took := time.Since(start); took < a.srv.limiter.waitBase {
		t.Errorf("sign-in from a sprayed address took %s, want a wait of at least %s", took, a.srv.limiter.waitBase)
	}
	for i := 1; i <= maxPerAccount+1; i++ {
		r := a.do(http.MethodPost, "/api/v1/session", "", map[string]string{"email": "victim@example.com", "password": "wrong"})
		if i <= maxPerAccount {
			wantError(t, "victim #"+strconv.Itoa(i), r, http.StatusUnauthorized, "unauthenticated", "")
		} else {
			wantError(t, "victim #"+strconv.Itoa(i), r, http.StatusTooManyRequests, "rate_limited", "")
		}
	}
}

// TestSignInRateLimitParallel: guesses sent all at once get no more than
// the ten tries that guesses sent one by one get.
func TestSignInRateLimitParallel(t *testing.T) {
	a := newTestApp(t)
	a.addUser(person{Email: "victim@example.com", Password: "correct horse"})
	const n = 40
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			body := strings.NewReader(`{"email": "victim@example.com", "password": "wrong guess"}`)
			res, err := http.Post(a.ts.URL+"/api/v1/session", "application/json", body)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		})
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusUnauthorized] > maxPerAccount || count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != n {
		t.Errorf("%d parallel wrong passwords: got %v, want at most %d answered 401 and the rest 429", n, count, maxPerAccount)
	}
}

// tried is try's verdict without the wait.
func tried(l *signInLimiter, email, addr string) bool {
	_, ok := l.try(email, addr)
	return ok
}
