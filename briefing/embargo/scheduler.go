// Package embargo runs Firsthand's clockwork on gocron: it opens
// time-based release gates (the embargo passing, a deadline), sends the
// delivery outbox to the external channels, e-mails staff notifications,
// and prunes expired sessions.
//
// Every job is a gocron job in singleton mode, so that no job ever overlaps
// itself. The delivery, mail and planning workers are long-running loops
// inside such jobs: they must wake at once on a signal (a release, a
// publish), which a periodic job cannot do, and gocron still owns their
// lifecycle, restarts one a second after it panics, and waits for them on
// shutdown.
package embargo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
	"firsthand/store"
	"firsthand/templates"
)

// Options configure a Scheduler. Only BaseURL matters in production; the
// function fields exist so that tests need not wait minutes for a retry.
type Options struct {
	// BaseURL is the public address of the server, for links in messages.
	BaseURL string
	// Mailer sends e-mail; nil means SMTP is not configured, and staff
	// are told in their web inbox only.
	Mailer *channel.Mailer
	// Dialer is where channels may connect (FIRSTHAND_CHANNEL_ALLOWED_HOSTS);
	// nil allows external addresses only.
	Dialer *channel.GuardedDialer
	// HTTPClient carries webhook, Slack and Mastodon requests; nil uses
	// Dialer's client, which follows no redirects.
	HTTPClient *http.Client
	// Tokens hands the OAuth kinds (x, linkedin) a current access token;
	// nil: they send with the token in their config.
	Tokens channel.TokenProvider
	// Logger receives the workers' logs; nil means slog.Default().
	Logger *slog.Logger
	// SweepEvery is how often every gate is re-evaluated: the backstop
	// for the one-time jobs at the gate instants. Default 1 s.
	SweepEvery time.Duration
	// PurgeEvery is how often receipt retention looks for announcements
	// whose per-person times are due to be erased. Default 10 min: the
	// retention is counted in days.
	PurgeEvery time.Duration
	// RetryDelay is the wait after failed attempt n (1-based) of a
	// delivery; the default is briefing.RetryDelay with random jitter.
	RetryDelay func(n int, retryAfter time.Duration) time.Duration
	// MailBackoff is the wait after the n-th consecutive failure of a
	// mail job; the default doubles from 5 s up to 30 min.
	MailBackoff func(n int) time.Duration
	// CheckEvery is how often announcements are looked at for a due
	// channel check. Default 30 s.
	CheckEvery time.Duration
	// MaxInFlight caps the deliveries sent at once. Default 8.
	MaxInFlight int
	// RemindEvery is how often scheduled reminders are looked for.
	// Default 30 s.
	RemindEvery time.Duration
}

// workerRestart is the interval of the loop jobs: how soon gocron runs a
// worker again if it ever returns before shutdown (after a panic).
const workerRestart = time.Second

// stopGrace is how long gocron waits for running jobs on shutdown: one
// send's timeout plus the time to record its outcome.
const stopGrace = channel.SendTimeout + 5*time.Second

// Scheduler runs the jobs. Create it with New, then Start it; Shutdown
// stops it. Kick and Replan are safe to call at any time, from any goroutine.
type Scheduler struct {
	st   *store.Store
	opts Options
	log  *slog.Logger
	gs   gocron.Scheduler
	cat  *i18n.Catalogue // the mails' texts, in every language

	// Wake-up signals, each a buffered channel of one: a signal sent while
	// one is pending merges with it, and the sender never blocks.
	wakeDeliver chan struct{}
	wakeMail    chan struct{}
	wakePlan    chan struct{}

	// sendCtx carries every send. It is not the jobs' context: a shutdown
	// lets sends in flight finish (their outcome recorded) and cancels them
	// only when the caller of Shutdown runs out of patience.
	sendCtx context.Context
	abort   context.CancelFunc

	out outbox // the delivery worker's state

	mu    sync.Mutex
	gates map[string]gateJob // announcement id → its one-time job
}

// New creates a Scheduler with its jobs; nothing runs until Start.
func New(st *store.Store, opts Options) (*Scheduler, error) {
	if st == nil {
		return nil, errors.New("embargo: a store is required")
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.PurgeEvery <= 0 {
		opts.PurgeEvery = 10 * time.Minute
	}
	if opts.SweepEvery <= 0 {
		opts.SweepEvery = time.Second
	}
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = 30 * time.Second
	}
	if opts.RetryDelay == nil {
		opts.RetryDelay = func(n int, retryAfter time.Duration) time.Duration {
			return briefing.RetryDelay(n, retryAfter, rand.Float64())
		}
	}
	if opts.MailBackoff == nil {
		opts.MailBackoff = mailBackoff
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 8
	}
	if opts.RemindEvery <= 0 {
		opts.RemindEvery = 30 * time.Second
	}
	cat, err := i18n.Load(templates.FS)
	if err != nil {
		return nil, fmt.Errorf("embargo: %w", err)
	}
	log := opts.Logger.With("component", "embargo")
	s := &Scheduler{
		st: st, opts: opts, log: log, cat: cat,
		wakeDeliver: make(chan struct{}, 1),
		wakeMail:    make(chan struct{}, 1),
		wakePlan:    make(chan struct{}, 1),
		gates:       map[string]gateJob{},
	}
	s.out.init(opts.MaxInFlight)
	s.sendCtx, s.abort = context.WithCancel(context.Background())

	gs, err := gocron.NewScheduler(
		gocron.WithLogger(log),
		gocron.WithStopTimeout(stopGrace),
		gocron.WithLocation(time.UTC),
		gocron.WithGlobalJobOptions(
			// A job never overlaps itself; a run that falls due while the
			// previous one is still busy is skipped, not queued.
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithEventListeners(
				gocron.AfterJobRunsWithPanic(func(_ uuid.UUID, name string, v any) {
					log.Error("job panicked", "job", name, "panic", fmt.Sprint(v))
				}),
			),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("embargo: %w", err)
	}
	s.gs = gs
	every := func(d time.Duration) gocron.JobDefinition { return gocron.DurationJob(d) }
	now := gocron.WithStartAt(gocron.WithStartImmediately())
	jobs := []struct {
		name string
		def  gocron.JobDefinition
		task any
	}{
		// The sweep runs at once on start, so that an embargo that passed
		// while the server was down releases right away.
		{"sweep", every(opts.SweepEvery), s.sweep},
		{"plan", every(workerRestart), s.runPlanner},
		{"deliver", every(workerRestart), s.runDeliveries},
		{"mail", every(workerRestart), s.runMail},
		{"prune-sessions", every(time.Hour), s.pruneSessions},
		// Preflights at publish (within the interval) and ten minutes
		// before not_before; manual deliveries' one reminder.
		{"check-channels", every(opts.CheckEvery), func() { s.checkChannels(s.sendCtx) }},
		{"remind-manual", every(time.Minute), s.remindManual},
		// Scheduled reminders: their times live on the announcements, so
		// a sweep finds them after a restart too; a reminder is due to
		// the hour, and half a minute late is on time.
		{"remind", every(opts.RemindEvery), s.remind},
		{"purge-receipts", every(opts.PurgeEvery), s.purgeReceipts},
	}
	for _, j := range jobs {
		if _, err := gs.NewJob(j.def, gocron.NewTask(j.task), gocron.WithName(j.name), now); err != nil {
			_ = gs.Shutdown()
			return nil, fmt.Errorf("embargo: job %s: %w", j.name, err)
		}
	}
	return s, nil
}

// Start runs the jobs. It does not block.
func (s *Scheduler) Start() { s.gs.Start() }

// Shutdown stops the jobs and waits for running ones, sends in flight
// included, until ctx ends; then it cancels what still runs. After it
// returns nothing of the scheduler touches the store any more, so the
// store can be closed.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	stop := context.AfterFunc(ctx, s.abort)
	defer stop()
	err := s.gs.ShutdownWithContext(ctx)
	// Whatever gocron gave up waiting for is cancelled now, and waited for:
	// a send cut short is not recorded, so it is retried after a restart
	// with the same idempotency key.
	s.abort()
	s.out.sends.Wait()
	return err
}

// Kick wakes the delivery and mail workers at once and has the gate
// instants read again: something was released. It never blocks.
func (s *Scheduler) Kick() {
	signal(s.wakeDeliver)
	signal(s.wakeMail)
	signal(s.wakePlan)
}

// Replan has the gate instants read again and wakes the mail worker:
// something was published. It never blocks.
func (s *Scheduler) Replan() {
	signal(s.wakePlan)
	signal(s.wakeMail)
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default: // one is pending already: it covers this one too
	}
}

func (s *Scheduler) pruneSessions() {
	if n, err := s.st.PruneSessions(); err != nil {
		s.log.Error("pruning sessions failed", "err", err)
	} else if n > 0 {
		s.log.Debug("pruned expired sessions", "count", n)
	}
	if n, err := s.st.PruneLinks(); err != nil {
		s.log.Error("pruning expired links failed", "err", err)
	} else if n > 0 {
		s.log.Debug("pruned expired links", "count", n)
	}
}

// remind sends the scheduled reminders that are due and wakes the mail
// worker for them.
func (s *Scheduler) remind() {
	ids, err := s.st.SweepReminders()
	if err != nil {
		s.log.Error("scheduled reminders failed", "err", err)
	}
	if len(ids) > 0 {
		s.log.Info("scheduled reminders queued", "announcements", ids)
		signal(s.wakeMail)
	}
}
