package store

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Group commit for the writes that arrive by the thousand (acknowledgements
// and first reads): one fsync'd transaction for every writer waiting.
//
// This replaces db.Batch on those paths. db.Batch cuts a batch when its
// MaxBatchDelay timer fires, whether or not the writer is free. The load
// tool (firsthand bench, docs/performance.md) showed what that does when a
// commit takes longer than the delay, as it does on these machines with
// 100,000 receipts (a commit writes scattered pages: 4–5 ms): every
// millisecond a new small batch was cut and queued behind the running
// commit, so 64 clients waited in ~16 batches of ~4 writers each, one
// commit apiece, and acknowledgements crawled at ~650/s with the CPU idle.
//
// Here a batch is cut when the writer becomes free instead: a writer that
// finds no commit running commits at once (no timer to wait for when the
// server is quiet), and everyone who arrives while a commit runs goes into
// the next one. The batch size follows the load with nothing to tune.
//
// The contract is db.Batch's: fn may run more than once (when another
// function in its batch fails, the batch is retried without that one, which
// then runs alone), so fn must derive everything from its transaction and
// leave side effects until it has returned.
type committer struct {
	mu      sync.Mutex
	queue   []batchCall
	running bool // a goroutine is committing the queue

	// What the writer has done, for /metrics and the load tool.
	commits, calls atomic.Uint64
	busy           atomic.Int64 // nanoseconds inside the write transactions
}

// CommitStats is what the group commit has done since the store opened.
type CommitStats struct {
	Commits uint64        // write transactions the group commit ran; a batch retried without a failing call counts twice
	Calls   uint64        // acknowledgements and first reads its committed transactions carried
	Busy    time.Duration // time the writer spent in them, page writes and fsyncs included, not the wait for bbolt's lock
}

// CommitStats reports the group commit's work: calls per commit is how many
// writers each fsync served, and busy against the wall clock is how much of
// the time the single writer was the limit.
func (s *Store) CommitStats() CommitStats {
	return CommitStats{Commits: s.commit.commits.Load(), Calls: s.commit.calls.Load(), Busy: time.Duration(s.commit.busy.Load())}
}

type batchCall struct {
	fn  func(*bolt.Tx) error
	err chan error
}

// errTrySolo tells a caller that its function failed inside a batch and
// must run again in a transaction of its own.
var errTrySolo = errors.New("store: run the batch function alone")

// maxBatchCalls bounds one transaction, so that a flood of writers never
// builds a transaction whose dirty pages do not fit comfortably in memory.
const maxBatchCalls = 1000

// batch runs fn in a shared read-write transaction: see committer.
func (s *Store) batch(fn func(*bolt.Tx) error) error {
	c := batchCall{fn: fn, err: make(chan error, 1)}
	s.commit.mu.Lock()
	s.commit.queue = append(s.commit.queue, c)
	if !s.commit.running {
		s.commit.running = true
		go s.commitQueue()
	}
	s.commit.mu.Unlock()
	err := <-c.err
	if err == errTrySolo {
		err = s.db.Update(fn)
	}
	return err
}

// commitQueue commits the queue, batch after batch, until it is empty.
func (s *Store) commitQueue() {
	for {
		s.commit.mu.Lock()
		n := min(len(s.commit.queue), maxBatchCalls)
		if n == 0 {
			s.commit.running = false
			s.commit.mu.Unlock()
			return
		}
		calls := slices.Clone(s.commit.queue[:n])
		s.commit.queue = slices.Delete(s.commit.queue, 0, n)
		s.commit.mu.Unlock()
		s.commitBatch(calls)
	}
}

// commitBatch runs the calls in one transaction. A call that fails is taken
// out and told to run alone, and the rest are tried again, so one caller's
// error never becomes another's.
func (s *Store) commitBatch(calls []batchCall) {
	for len(calls) > 0 {
		failed := -1
		var start time.Time // inside the transaction: not the wait for bbolt's writer lock
		err := s.db.Update(func(tx *bolt.Tx) error {
			start = time.Now()
			for i, c := range calls {
				if err := callSafely(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if !start.IsZero() {
			s.commit.busy.Add(int64(time.Since(start)))
			s.commit.commits.Add(1)
		}
		if failed >= 0 {
			calls[failed].err <- errTrySolo
			calls = slices.Delete(calls, failed, failed+1)
			continue
		}
		if err == nil {
			s.commit.calls.Add(uint64(len(calls)))
		}
		for _, c := range calls {
			c.err <- err
		}
		// The callers just woken wait in this goroutine's run queue. Left
		// there, they would sit behind the next commit's work and then
		// behind its fdatasync, which holds this P until the runtime's
		// monitor takes it back. Yielding runs them now; their next
		// requests join the next batch, which grows, so one fsync serves
		// more of them (BenchmarkAckHTTP: ~10 → ~14 a commit, +16.6% acks/s,
		// docs/performance.md).
		runtime.Gosched()
		return
	}
}

// callSafely turns a panic into an error, so the batch goes on without the
// panicking call, which then panics again alone, in its caller's goroutine.
func callSafely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(tx)
}
