package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bTest = []byte("batch_test")

// holdWriter starts a batch call that keeps the writer busy until release
// is closed, so that the calls made meanwhile queue up for the next commit.
func holdWriter(t *testing.T, s *Store) (release chan struct{}, done chan error) {
	t.Helper()
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bTest)
		return err
	}))
	started := make(chan struct{})
	release, done = make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.batch(func(tx *bolt.Tx) error {
			select {
			case <-started:
			default:
				close(started)
			}
			<-release
			return tx.Bucket(bTest).Put([]byte("holder"), []byte("1"))
		})
	}()
	<-started
	return release, done
}

// waitQueued waits until n calls wait for the next commit.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.commit.mu.Lock()
		q := len(s.commit.queue)
		s.commit.mu.Unlock()
		if q >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls queued after 10 s, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBatchCommitsConcurrentCallersTogether(t *testing.T) {
	s, _ := openStore(t)
	release, held := holdWriter(t, s)

	const n = 200
	var mu sync.Mutex
	txs := map[int]int{} // transaction id -> calls whose last run it was
	last := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.batch(func(tx *bolt.Tx) error {
				last[i] = tx.ID()
				return tx.Bucket(bTest).Put(fmt.Appendf(nil, "k%03d", i), fmt.Appendf(nil, "v%d", i))
			})
			// The write is durable and visible once batch returns.
			mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
				if got := string(tx.Bucket(bTest).Get(fmt.Appendf(nil, "k%03d", i))); got != fmt.Sprintf("v%d", i) {
					t.Errorf("after batch returned: k%03d = %q, want v%d", i, got, i)
				}
				return nil
			}))
		})
	}
	waitQueued(t, s, n)
	close(release)
	wg.Wait()
	mustNoErr(t, <-held)

	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
		mu.Lock()
		txs[last[i]]++
		mu.Unlock()
	}
	if len(txs) != 1 {
		t.Errorf("%d callers queued behind one commit were committed in %d transactions (%v), want 1", n, len(txs), txs)
	}
	// The holder's commit and the queue's: what /metrics and the load tool report.
	if st := s.CommitStats(); st.Commits != 2 || st.Calls != n+1 || st.Busy <= 0 {
		t.Errorf("CommitStats = %+v, want 2 commits carrying %d calls and some busy time", st, n+1)
	}
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		if got := tx.Bucket(bTest).Stats().KeyN; got != n+1 {
			t.Errorf("%d keys after the batch, want %d", got, n+1)
		}
		return nil
	}))
}

func TestBatchSplitsAtMaxCalls(t *testing.T) {
	s, _ := openStore(t)
	release, held := holdWriter(t, s)
	n := maxBatchCalls + 10
	ids := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			mustNoErr(t, s.batch(func(tx *bolt.Tx) error {
				ids[i] = tx.ID()
				return tx.Bucket(bTest).Put(fmt.Appendf(nil, "k%05d", i), nil)
			}))
		})
	}
	waitQueued(t, s, n)
	close(release)
	wg.Wait()
	mustNoErr(t, <-held)
	per := map[int]int{}
	for _, id := range ids {
		per[id]++
	}
	if len(per) != 2 {
		t.Errorf("%d queued calls went into %d transactions (%v), want 2 of at most %d", n, len(per), per, maxBatchCalls)
	}
	for id, c := range per {
		if c > maxBatchCalls {
			t.Errorf("transaction %d held %d calls, want at most %d", id, c, maxBatchCalls)
		}
	}
}

func TestBatchFailingCallRunsAloneAndFailsAlone(t *testing.T) {
	s, _ := openStore(t)
	release, held := holdWriter(t, s)

	errBoom := errors.New("boom")
	const n = 20
	const failing = 7
	errs := make([]error, n)
	last := make([]*bolt.Tx, n)
	runs := make([]int, n)
	// The calls each transaction ran, keyed by the transaction itself: tx.ID()
	// cannot tell them apart, as a rolled-back transaction's id is reused.
	var mu sync.Mutex
	ran := map[*bolt.Tx][]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.batch(func(tx *bolt.Tx) error {
				runs[i]++
				last[i] = tx
				mu.Lock()
				ran[tx] = append(ran[tx], i)
				mu.Unlock()
				if err := tx.Bucket(bTest).Put(fmt.Appendf(nil, "k%02d", i), nil); err != nil {
					return err
				}
				if i == failing {
					return errBoom
				}
				return nil
			})
		})
	}
	waitQueued(t, s, n)
	close(release)
	wg.Wait()
	mustNoErr(t, <-held)

	for i, err := range errs {
		if i == failing {
			if !errors.Is(err, errBoom) {
				t.Errorf("the failing call got %v, want its own error", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("call %d got %v, want nil: another call's error", i, err)
		}
	}
	if got := ran[last[failing]]; len(got) != 1 {
		t.Errorf("the failing call's last run shared its transaction with calls %v, want it alone", got)
	}
	if runs[failing] < 2 {
		t.Errorf("the failing call ran %d times, want once in the batch and once alone", runs[failing])
	}
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		for i := range n {
			got := tx.Bucket(bTest).Get(fmt.Appendf(nil, "k%02d", i)) != nil
			if want := i != failing; got != want {
				t.Errorf("k%02d stored = %v, want %v", i, got, want)
			}
		}
		return nil
	}))
}

func TestBatchPanicReachesItsCallerOnly(t *testing.T) {
	s, _ := openStore(t)
	release, held := holdWriter(t, s)

	const n = 10
	const panicking = 3
	errs := make([]error, n)
	var recovered any
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					recovered = p
				}
			}()
			errs[i] = s.batch(func(tx *bolt.Tx) error {
				if err := tx.Bucket(bTest).Put(fmt.Appendf(nil, "k%02d", i), nil); err != nil {
					return err
				}
				if i == panicking {
					panic("kaboom")
				}
				return nil
			})
		})
	}
	waitQueued(t, s, n)
	close(release)
	wg.Wait()
	mustNoErr(t, <-held)

	if recovered != "kaboom" {
		t.Errorf("the panicking call's goroutine recovered %v, want the panic \"kaboom\"", recovered)
	}
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		for i := range n {
			if i != panicking && errs[i] != nil {
				t.Errorf("call %d got %v, want nil", i, errs[i])
			}
			got := tx.Bucket(bTest).Get(fmt.Appendf(nil, "k%02d", i)) != nil
			if want := i != panicking; got != want {
				t.Errorf("k%02d stored = %v, want %v", i, got, want)
			}
		}
		return nil
	}))
	// The store still works after the panic.
	mustNoErr(t, s.batch(func(tx *bolt.Tx) error { return tx.Bucket(bTest).Put([]byte("after"), nil) }))
}

func TestBatchQuietCallCommitsAtOnce(t *testing.T) {
	s, _ := openStore(t)
	mustNoErr(t, s.db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket(bTest)
		return err
	}))
	start := time.Now()
	mustNoErr(t, s.batch(func(tx *bolt.Tx) error { return tx.Bucket(bTest).Put([]byte("k"), []byte("v")) }))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a lone call took %v", d)
	}
	s = reopen(t, s)
	mustNoErr(t, s.db.View(func(tx *bolt.Tx) error {
		if got := string(tx.Bucket(bTest).Get([]byte("k"))); got != "v" {
			t.Errorf("after reopening: k = %q, want v", got)
		}
		return nil
	}))
}
