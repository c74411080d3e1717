package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"firsthand/briefing/channel"
	"firsthand/briefing/embargo"
	"firsthand/briefing/web"
	"firsthand/store"
)

// benchRun is one run of the load tool.
type benchRun struct {
	cfg    benchConfig
	dbPath string
	log    io.Writer // progress and the bar; the figures go to stdout
}

func (r *benchRun) logf(format string, args ...any) {
	fmt.Fprintf(r.log, "bench: "+format+"\n", args...)
}

// newBenchHTTPServer is serve's http.Server: the same timeouts, so the
// bench measures what production runs.
func newBenchHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
}

// Bounds of the waits between phases: the run always ends by itself.
const (
	mailDrainWait = time.Minute
	deliveryWait  = 10 * time.Second
	quietReads    = 20
)

func (r *benchRun) run(ctx context.Context) (res *benchResult, err error) {
	cfg := r.cfg
	res = newBenchResult(cfg)
	hookSecret, hookKey := newWebhookSecret()
	hook, err := startReceiver(hookKey)
	if err != nil {
		return nil, err
	}
	defer hook.close()

	st, err := store.Open(r.dbPath)
	if err != nil {
		return nil, err
	}
	stClosed := false
	defer func() {
		if !stClosed {
			st.Close()
		}
	}()

	r.logf("setting up %d employees in %d departments, %d briefings in one inbox, a token each", cfg.users, cfg.departments, cfg.inbox)
	t0 := time.Now()
	org, err := setupOrg(st, cfg, hook.url, hookSecret)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	res.SetupSeconds = time.Since(t0).Seconds()
	res.SetupPeakRSSBytes = peakRSS()
	// The server's peak is measured from here: the setup's garbage is not
	// what a server holds.
	runtime.GC()
	debug.FreeOSMemory()
	res.RSSReset = resetPeakRSS()
	r.logf("setup done in %.1fs", res.SetupSeconds)

	// The server, wired as serve wires it, on loopback.
	logger := slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	sched, err := embargo.New(st, embargo.Options{BaseURL: base, Logger: logger,
		Dialer: channel.NewGuardedDialer(channel.AllowLoopback())})
	if err != nil {
		ln.Close()
		return nil, err
	}
	st.OnRelease = sched.Kick
	st.OnPublish = sched.Replan
	srv, err := web.New(web.Config{Store: st, BaseURL: base, Logger: logger, Version: version})
	if err != nil {
		ln.Close()
		return nil, err
	}
	clock := &serverClock{next: srv}
	httpSrv := newBenchHTTPServer(clock)
	sched.Start()
	go func() { _ = httpSrv.Serve(ln) }()
	cl := newBenchClient(base, cfg.clients)
	defer func() {
		// serve's order: HTTP, the scheduler, the database.
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cl.close()
		serr := errors.Join(httpSrv.Shutdown(sctx), sched.Shutdown(sctx), st.Close())
		stClosed = true
		if err == nil && serr != nil {
			err = serr
		}
		if err != nil {
			return
		}
		if fi, ferr := os.Stat(r.dbPath); ferr == nil {
			res.DB.FileBytes = fi.Size()
		}
		var free int
		if res.DB.Buckets, free, err = measureSpace(r.dbPath); err == nil {
			res.DB.FreeBytes = int64(free)
			res.finish()
		}
	}()

	// The setup's publishes queued notification jobs; without SMTP the mail
	// worker drops them, one write each. Let it finish before measuring.
	if err := waitMailJobs(ctx, st, mailDrainWait); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		r.logf("measuring anyway: %v", err)
	}

	r.logf("hammering /healthz with %d clients for %s", cfg.clients, cfg.healthz)
	cpu0 := cpuTime()
	hz, hzElapsed := hammerHealthz(ctx, cl, cfg.clients, cfg.healthz)
	res.Healthz = statsOf("GET /healthz", hz, hzElapsed)
	res.HealthzCPUMicros = cpuPerRequest(cpuTime()-cpu0, len(hz.d))
	if hz.errors > 0 {
		res.noteError(hz.errors, hz.firstErr)
	}

	annID, err := createBenchAnnouncement(ctx, cl, org, cfg.threshold)
	if err != nil {
		return nil, err
	}
	res.DB.BeforePublishBytes = st.Size()
	stopProfile, err := startProfile(cfg.cpuprofile)
	if err != nil {
		return nil, err
	}
	profiling := true
	defer func() {
		if profiling {
			stopProfile()
		}
	}()
	r.logf("publishing to %d recipients", cfg.users)
	var pub struct {
		Recipients int `json:"recipients"`
	}
	d, err := cl.call(ctx, http.MethodPost, "/api/v1/announcements/"+annID+"/publish", org.authorToken, nil, &pub)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	res.Publish = publishStats{Recipients: pub.Recipients, Ms: ms(d)}
	res.DB.AfterPublishBytes = st.Size()

	r.logf("%d clients read and acknowledge, a manager watches readiness (cap %s)", cfg.clients, cfg.duration)
	clock.on.Store(true)
	cpu0 = cpuTime()
	commits0 := st.CommitStats()
	b := ackBurst(ctx, cl, org, annID, cfg.clients, cfg.read, cfg.duration, r.log)
	burstCPU := cpuTime() - cpu0
	res.GroupCommit = groupCommitOf(commits0, st.CommitStats(), b.elapsed)
	clock.on.Store(false)
	profiling = false
	if err := stopProfile(); err != nil {
		return nil, err
	}
	if err := writeHeapProfile(cfg.memprofile); err != nil {
		return nil, err
	}
	res.addBurst(b, burstCPU, clock.samples())

	if err := r.measureRelease(ctx, st, hook, annID, res); err != nil {
		return nil, err
	}
	if cfg.inbox > 0 {
		if res.Inbox, err = measureQuiet(ctx, cl, "GET /api/v1/briefings", "/api/v1/briefings", org.readerToken); err != nil {
			return nil, err
		}
	}
	// The same readiness read on the quiet server: what it costs by itself,
	// against what it costs queued behind the burst.
	if res.ReadinessQuiet, err = measureQuiet(ctx, cl, "GET /api/v1/announcements/{id}/readiness",
		"/api/v1/announcements/"+annID+"/readiness", org.managerToken); err != nil {
		return nil, err
	}
	_, readiness, err := st.Readiness(annID)
	if err != nil {
		return nil, err
	}
	res.Acknowledged = readiness.Acknowledged
	res.DB.Bytes = st.Size()
	res.DB.Receipts = readiness.Recipients
	res.PeakRSSBytes = peakRSS()
	return res, nil // the deferred shutdown measures the file and checks the targets
}

// waitMailJobs waits until no notification job is due.
func waitMailJobs(ctx context.Context, st *store.Store, limit time.Duration) error {
	stop := time.Now().Add(limit)
	for {
		jobs, err := st.DueMailJobs()
		if err != nil || len(jobs) == 0 {
			return err
		}
		if time.Now().After(stop) {
			return fmt.Errorf("%d notification jobs still due after %s", len(jobs), limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// createBenchAnnouncement writes the draft through the API, as an author
// would: every department, the webhook channel, the bench's threshold.
func createBenchAnnouncement(ctx context.Context, cl *benchClient, org *benchOrg, threshold float64) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"title":    "New pricing from 1 March",
		"summary":  "Three plans instead of five; nobody pays more this year.",
		"body":     benchBody,
		"audience": map[string]any{"departments": org.departments},
		"policy":   map[string]any{"threshold": threshold},
		"channels": []map[string]string{{"channel_id": org.channelID, "text": "Simpler pricing: three plans from 1 March."}},
	})
	var a struct {
		ID string `json:"id"`
	}
	if _, err := cl.call(ctx, http.MethodPost, "/api/v1/announcements", org.authorToken, body, &a); err != nil {
		return "", fmt.Errorf("creating the announcement: %w", err)
	}
	return a.ID, nil
}

// measureRelease finds the acknowledgement that crossed the threshold (the
// need-th in time order: acknowledgements commit one transaction at a time)
// and compares it with the release and the delivery's arrival.
func (r *benchRun) measureRelease(ctx context.Context, st *store.Store, hook *hookReceiver, annID string, res *benchResult) error {
	a, err := st.Announcement(annID)
	if err != nil {
		return err
	}
	rel := &res.Release
	rel.Threshold = a.Policy.Threshold
	need := int(math.Ceil(a.Policy.Threshold*float64(a.Recipients) - 1e-9))
	if a.ReleasedAt == nil {
		r.logf("the gate did not open: %d of the %d acknowledgements it needs", res.Acks, need)
		return nil
	}
	rel.Released = true
	rel.ReleasedAt = a.ReleasedAt
	curve, err := st.AckCurve(annID, 0)
	if err != nil {
		return err
	}
	if need >= 1 && need <= len(curve) {
		at := curve[need-1].At
		rel.CrossingAckAt = &at
		rel.GateMs = ms(a.ReleasedAt.Sub(at))
	}
	arrived, count, sigOK, ok := hook.wait(deliveryWait)
	if !ok {
		r.logf("no delivery arrived within %s of the end of the burst", deliveryWait)
		return ctx.Err()
	}
	rel.Delivered, rel.DeliveredAt, rel.Deliveries, rel.SignatureOK = true, &arrived, count, sigOK
	if rel.CrossingAckAt != nil {
		rel.DeliveryMs = ms(arrived.Sub(*rel.CrossingAckAt))
	}
	return nil
}

// measureQuiet reads path a few times, one after the other, on the quiet
// server. Briefings counts the list of an inbox.
func measureQuiet(ctx context.Context, cl *benchClient, name, path, token string) (*quietStats, error) {
	s := &samples{}
	var list struct {
		Briefings []json.RawMessage `json:"briefings"`
	}
	start := time.Now()
	for i := range quietReads {
		var out any
		if i == 0 {
			out = &list
		}
		d, err := cl.call(ctx, http.MethodGet, path, token, nil, out)
		if err != nil {
			return nil, err
		}
		s.add(d, nil)
	}
	st := statsOf(name, s, time.Since(start))
	return &quietStats{Briefings: len(list.Briefings), endpointStats: st}, nil
}
