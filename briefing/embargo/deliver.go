package embargo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/store"
)

// outbox is the delivery worker's state: which deliveries are being sent
// right now, and how many may be at once.
type outbox struct {
	mu       sync.Mutex
	inFlight map[string]bool      // delivery id → a send is running
	held     map[string]time.Time // delivery id → not before (wall clock)
	slots    chan struct{}        // a token per running send
	sends    sync.WaitGroup
}

func (o *outbox) init(maxInFlight int) {
	o.inFlight = map[string]bool{}
	o.held = map[string]time.Time{}
	o.slots = make(chan struct{}, maxInFlight)
}

// holdOff is how long a delivery is left alone after the store failed to
// read or record it: the row still says "due", and without a pause the
// worker would resend it in a tight loop.
const holdOff = 30 * time.Second

func (o *outbox) hold(id string) {
	o.mu.Lock()
	o.held[id] = time.Now().Add(holdOff)
	o.mu.Unlock()
}

// claim marks a delivery in flight, if it is not, is not held, and a slot
// is free.
func (o *outbox) claim(id string) (ok, full bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.inFlight[id] {
		return false, false
	}
	if until, ok := o.held[id]; ok {
		if time.Now().Before(until) {
			return false, false
		}
		delete(o.held, id)
	}
	select {
	case o.slots <- struct{}{}:
	default:
		return false, true
	}
	o.inFlight[id] = true
	o.sends.Add(1)
	return true, false
}

func (o *outbox) release(id string) {
	o.mu.Lock()
	delete(o.inFlight, id)
	o.mu.Unlock()
	<-o.slots
	o.sends.Done()
}

// maxIdle is the longest the worker sleeps without looking at the outbox:
// a backstop for a wake-up signal nobody sent.
const maxIdle = time.Second

// runDeliveries is the delivery worker. It sends every due delivery of the
// outbox, each in its own goroutine, so that one slow or failing channel
// never holds back the others, and sleeps until a kick, a finished send, or
// the earliest next attempt.
func (s *Scheduler) runDeliveries(ctx context.Context) {
	// Returning while sends run would let gocron report the job stopped
	// while it still writes to the store.
	defer s.out.sends.Wait()
	for {
		wait := s.dispatchDue(ctx)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wakeDeliver:
		case <-t.C:
		}
		t.Stop()
	}
}

// dispatchDue starts a send for every due delivery not already in flight,
// and says how long to sleep until the next one falls due.
func (s *Scheduler) dispatchDue(ctx context.Context) time.Duration {
	pending, err := s.st.Outbox()
	if err != nil {
		s.log.Error("reading the outbox failed", "err", err)
		return maxIdle
	}
	// Oldest first: when the slots run out, the longest-waiting go first.
	slices.SortFunc(pending, func(a, b *briefing.Delivery) int {
		return a.NextAttemptAt.Compare(b.NextAttemptAt)
	})
	now := s.st.Now()
	wait := maxIdle
	for _, d := range pending {
		if ctx.Err() != nil {
			break
		}
		if due := d.NextAttemptAt.Sub(now); due > 0 {
			wait = min(wait, due)
			continue
		}
		ok, full := s.out.claim(d.ID)
		if full {
			break // a finishing send wakes the worker again
		}
		if ok {
			go s.deliver(d)
		}
	}
	return max(wait, 10*time.Millisecond)
}

// deliver makes one attempt at a delivery and records its outcome.
func (s *Scheduler) deliver(queued *briefing.Delivery) {
	id := queued.ID
	defer signal(s.wakeDeliver) // a slot is free, and this delivery may be due again
	defer s.out.release(id)
	defer func() {
		// A panicking sender must not take the server down; the
		// delivery stays pending and is tried again.
		if v := recover(); v != nil {
			s.log.Error("a send panicked", "delivery", id, "channel", queued.ChannelID, "panic", fmt.Sprint(v))
		}
	}()
	// The outbox was read before this send was claimed: an attempt that
	// finished in between may have sent it or moved it on, and another
	// worker may be sending it. The lease in the store's row settles it:
	// it outlasts the longest attempt the kind can make.
	d, err := s.st.ClaimDelivery(id, s.st.Now().Add(leaseFor(queued.Kind)))
	if errors.Is(err, briefing.ErrConflict) {
		return
	}
	if err != nil {
		s.log.Error("claiming a delivery failed", "delivery", id, "err", err)
		s.out.hold(id)
		return
	}
	// Written before the request goes out: after a crash mid-send the row
	// tells that an attempt's outcome is unknown.
	d, ok, err := s.st.BeginAttempt(id)
	if err != nil {
		s.log.Error("recording the start of an attempt failed", "delivery", id, "err", err)
		s.out.hold(id)
		return
	}
	if !ok {
		if d.State == briefing.DeliveryUnconfirmed {
			s.log.Warn("delivery unconfirmed: an earlier attempt's outcome is unknown", "delivery", id, "channel", d.ChannelID)
			signal(s.wakeMail)
		}
		return
	}
	at, sent := s.attempt(d)
	if !sent {
		return // cut short by shutdown: not the receiver's fault, not an attempt
	}
	rec, err := s.st.RecordAttempt(id, at)
	switch {
	case errors.Is(err, briefing.ErrConflict):
		// Withdrawn (or retried by hand) while we were sending.
		s.log.Debug("delivery changed while it was sent", "delivery", d.ID, "err", err)
		return
	case err != nil:
		s.log.Error("recording a delivery attempt failed", "delivery", d.ID, "err", err)
		s.out.hold(id)
		return
	}
	attrs := []any{"delivery", d.ID, "announcement", d.AnnouncementID, "channel", d.ChannelID,
		"kind", d.Kind, "attempts", rec.Attempts}
	switch {
	case at.Err == nil:
		s.log.Info("delivered", attrs...)
	case rec.State == briefing.DeliveryUnconfirmed:
		s.log.Warn("delivery unconfirmed: no answer, and a resend could post twice", append(attrs, "err", at.Err)...)
		signal(s.wakeMail)
	case rec.State == briefing.DeliveryFailed:
		// Authors and managers are told by mail: wake the mail worker.
		s.log.Warn("delivery failed for good", append(attrs, "err", at.Err, "channel_disabled", at.Disable)...)
		signal(s.wakeMail)
	default:
		s.log.Info("delivery attempt failed, will retry", append(attrs, "err", at.Err, "next_attempt_at", rec.NextAttemptAt)...)
	}
}

// attempt sends a delivery once. sent is false when the send was cancelled
// by shutdown, so that no attempt is recorded.
func (s *Scheduler) attempt(d *briefing.Delivery) (at store.Attempt, sent bool) {
	fail := func(err error) (store.Attempt, bool) {
		return classify(err, d.Attempts, s.opts.RetryDelay), true
	}
	a, err := s.st.Announcement(d.AnnouncementID)
	if err != nil {
		return fail(fmt.Errorf("loading the announcement: %w", err))
	}
	if d.Action == briefing.ActionRetract {
		return s.retract(d, a)
	}
	if a.State != briefing.StateReleased || a.ReleasedAt == nil {
		// The store never leaves such a row in the outbox; this guard keeps
		// the invariant "nothing goes out before the gate opened" local.
		return store.Attempt{Err: fmt.Errorf("the announcement is %s, not released: nothing goes out", a.State.Phrase()), GiveUp: true}, true
	}
	c, err := s.st.Channel(d.ChannelID)
	if err != nil {
		return fail(fmt.Errorf("loading the channel: %w", err))
	}
	if c.Disabled {
		msg := "the channel is disabled: an admin must enable it again on the channels page"
		if c.Note != "" {
			msg += " (" + c.Note + ")"
		}
		return store.Attempt{Err: errors.New(msg), GiveUp: true}, true
	}
	sender, err := channel.New(*c, s.channelEnv())
	if err != nil {
		// A configuration problem (e.g. SMTP missing) may be fixed by an
		// admin and a restart: retried like any failure.
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(s.sendCtx, channel.AttemptBudget(c.Kind))
	defer cancel()
	posted, err := channel.Deliver(ctx, sender, channel.Message{
		DeliveryID:     d.ID,
		ReceiverID:     d.ReceiverID,
		AnnouncementID: a.ID,
		Title:          a.Title,
		Summary:        a.Summary,
		Text:           a.ChannelTextFor(c.ID),
		URL:            s.opts.BaseURL + "/news/" + a.Slug,
		HTML:           a.HTML,
		ReleasedAt:     *a.ReleasedAt,
		Progress:       d.Progress,
		Save:           func(key, value string) error { return s.st.SaveDeliveryProgress(d.ID, key, value) },
	})
	if err != nil && s.sendCtx.Err() != nil {
		return store.Attempt{}, false
	}
	at = classify(err, d.Attempts, s.opts.RetryDelay)
	at.PostID, at.PostURL, at.Note = posted.ID, posted.URL, posted.Note
	return at, true
}

// classify turns a send's error into the attempt to record. attempts is
// how many were made before this one.
func classify(err error, attempts int, delay func(n int, retryAfter time.Duration) time.Duration) store.Attempt {
	if err == nil {
		return store.Attempt{}
	}
	var ce *channel.Error
	isCE := errors.As(err, &ce)
	if isCE && ce.Gone {
		return store.Attempt{Err: err, Disable: true}
	}
	if errors.Is(err, channel.ErrNotConnected) {
		// Until an admin connects the account again, every attempt fails
		// alike: failed now, and the authors are told.
		return store.Attempt{Err: err, GiveUp: true}
	}
	if isCE && ce.Refused {
		// The allowed-hosts policy will refuse it again until an admin
		// changes it: failed now, with the sentence that says so.
		return store.Attempt{Err: err, GiveUp: true}
	}
	if isCE && ce.Permanent {
		// The platform will refuse it again (an expired token, a text it
		// never takes): failed now; an account to reconnect tells the admins.
		return store.Attempt{Err: err, GiveUp: true, TellAdmins: ce.TellAdmins}
	}
	var retryAfter time.Duration
	if isCE {
		retryAfter = ce.RetryAfter
	}
	n := attempts + 1
	// No answer (a timeout): the receiver may have it. The store decides
	// from the kind's retry safety whether that makes it unconfirmed.
	noAnswer := isCE && ce.Timeout
	return store.Attempt{Err: err, NoAnswer: noAnswer, NextDelay: delay(n, retryAfter), GiveUp: n >= briefing.MaxAttempts}
}

// channelEnv is what the senders and preflights need from the server.
func (s *Scheduler) channelEnv() channel.Env {
	env := channel.NewEnv(s.opts.BaseURL, s.opts.Mailer, s.opts.Dialer, func(email string) bool {
		u, err := s.st.UserByEmail(email)
		return err == nil && u.Active
	})
	if s.opts.HTTPClient != nil {
		env.Client = s.opts.HTTPClient
	}
	env.Tokens = s.opts.Tokens
	env.Sessions = s.st
	return env
}
