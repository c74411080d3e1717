package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"firsthand/store"
)

// benchResult is everything a run measured; --json prints it as is.
type benchResult struct {
	Config            benchSettings   `json:"config"`
	CPUs              int             `json:"cpus"`
	SetupSeconds      float64         `json:"setup_seconds"`
	SetupPeakRSSBytes int64           `json:"setup_peak_rss_bytes"`
	Healthz           endpointStats   `json:"healthz"`
	Publish           publishStats    `json:"publish"`
	BurstSeconds      float64         `json:"burst_seconds"`
	Endpoints         []endpointStats `json:"endpoints"`    // during the burst: briefing, ack, readiness
	Acks              int             `json:"acks"`         // acknowledgements answered 200
	Acknowledged      int             `json:"acknowledged"` // the server's counter afterwards
	AckRate           float64         `json:"ack_rate_per_s"`
	AckHealthzRatio   float64         `json:"ack_healthz_ratio"`
	BurstRequestRate  float64         `json:"burst_request_rate_per_s"`
	ReadinessP50Ms    float64         `json:"readiness_p50_ms"`
	ReadinessServer   endpointStats   `json:"readiness_server"`    // the same reads, timed inside the server
	Dashboard         endpointStats   `json:"readiness_dashboard"` // a dashboard polling on its own clock
	GroupCommit       groupCommit     `json:"group_commit"`        // during the burst
	HealthzCPUMicros  float64         `json:"healthz_cpu_us_per_request"`
	BurstCPUMicros    float64         `json:"burst_cpu_us_per_request"` // server and clients together
	Release           releaseStats    `json:"release"`
	Inbox             *quietStats     `json:"inbox,omitempty"`
	ReadinessQuiet    *quietStats     `json:"readiness_quiet"`
	PeakRSSBytes      int64           `json:"peak_rss_bytes"` // VmHWM of the whole process since the server started
	RSSReset          bool            `json:"rss_reset"`      // false: the peak includes the setup
	DB                dbStats         `json:"db"`
	Errors            int             `json:"errors"`
	FirstError        string          `json:"first_error,omitempty"`
	Targets           []target        `json:"targets"`
}

type benchSettings struct {
	Users          int     `json:"users"`
	Departments    int     `json:"departments"`
	Clients        int     `json:"clients"`
	InboxBriefings int     `json:"inbox_briefings"`
	Threshold      float64 `json:"threshold"`
	DurationCap    string  `json:"duration_cap"`
	Healthz        string  `json:"healthz_phase"`
	ReadBeforeAck  bool    `json:"read_before_ack"`
	Fsync          bool    `json:"fsync"`
}

// endpointStats are one endpoint's figures; latencies are as the clients
// saw them, until the last byte of the answer.
type endpointStats struct {
	Name     string  `json:"name"`
	Requests int     `json:"requests"` // answered 2xx
	Errors   int     `json:"errors"`
	Rate     float64 `json:"rate_per_s"`
	P50Ms    float64 `json:"p50_ms"`
	P99Ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
}

type publishStats struct {
	Recipients int     `json:"recipients"`
	Ms         float64 `json:"ms"`
}

// quietStats are a few reads one after the other on the quiet server.
type quietStats struct {
	Briefings int `json:"briefings,omitempty"` // the inbox's length
	endpointStats
}

type releaseStats struct {
	Threshold     float64    `json:"threshold"`
	Released      bool       `json:"released"`
	CrossingAckAt *time.Time `json:"crossing_ack_at,omitempty"`
	ReleasedAt    *time.Time `json:"released_at,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
	GateMs        float64    `json:"gate_ms"`     // release − the crossing acknowledgement
	DeliveryMs    float64    `json:"delivery_ms"` // arrival at the receiver − the crossing acknowledgement
	Delivered     bool       `json:"delivered"`
	Deliveries    int        `json:"deliveries"` // arrivals at the receiver: one expected
	SignatureOK   bool       `json:"signature_ok"`
}

type dbStats struct {
	Bytes              int64                  `json:"bytes"`      // pages in use after the run (the file's high-water mark)
	FileBytes          int64                  `json:"file_bytes"` // the file, grown ahead of use
	FreeBytes          int64                  `json:"free_bytes"` // free pages inside it
	BeforePublishBytes int64                  `json:"before_publish_bytes"`
	AfterPublishBytes  int64                  `json:"after_publish_bytes"`
	Receipts           int                    `json:"receipts"`                 // of the announcement
	GrowthPerReceipt   float64                `json:"growth_bytes_per_receipt"` // (bytes − before_publish_bytes) / receipts
	ReceiptBytes       float64                `json:"receipt_bytes"`            // receipts, inbox and counters pages per receipt
	AuditBytes         float64                `json:"audit_bytes_per_event"`    // the audit log's pages per event: one per acknowledgement
	BytesPerReceipt    float64                `json:"bytes_per_receipt"`        // receipt_bytes + audit_bytes_per_event
	Buckets            map[string]bucketSpace `json:"buckets,omitempty"`
}

// target is one figure against its goal.
type target struct {
	Name   string  `json:"name"`
	Figure float64 `json:"figure"`
	Unit   string  `json:"unit"`
	Goal   string  `json:"goal"`
	Met    bool    `json:"met"`
}

func newBenchResult(cfg benchConfig) *benchResult {
	return &benchResult{
		Config: benchSettings{
			Users: cfg.users, Departments: cfg.departments, Clients: cfg.clients, InboxBriefings: cfg.inbox,
			Threshold: cfg.threshold, DurationCap: cfg.duration.String(), Healthz: cfg.healthz.String(),
			ReadBeforeAck: cfg.read, Fsync: true,
		},
		CPUs: runtime.GOMAXPROCS(0),
	}
}

func (r *benchResult) noteError(n int, msg string) {
	r.Errors += n
	if r.FirstError == "" {
		r.FirstError = msg
	}
}

func (r *benchResult) addBurst(b burstStats, cpu time.Duration, readinessServer *samples) {
	r.BurstSeconds = b.elapsed.Seconds()
	r.ReadinessServer = statsOf("GET /api/v1/announcements/{id}/readiness", readinessServer, b.elapsed)
	r.Dashboard = statsOf("GET /api/v1/announcements/{id}/readiness", b.dashboard, b.elapsed)
	if b.dashboard.errors > 0 {
		r.noteError(b.dashboard.errors, b.dashboard.firstErr)
	}
	r.Endpoints = []endpointStats{
		statsOf("GET /api/v1/briefings/{id}", b.briefing, b.elapsed),
		statsOf("POST /api/v1/briefings/{id}/ack", b.ack, b.elapsed),
		statsOf("GET /api/v1/announcements/{id}/readiness", b.readiness, b.elapsed),
	}
	for _, s := range []*samples{b.briefing, b.ack, b.readiness} {
		if s.errors > 0 {
			r.noteError(s.errors, s.firstErr)
		}
	}
	r.Acks = b.acked
	r.AckRate = r.Endpoints[1].Rate
	r.ReadinessP50Ms = r.Endpoints[2].P50Ms
	if r.Healthz.Rate > 0 {
		r.AckHealthzRatio = r.AckRate / r.Healthz.Rate
	}
	total := 0
	for _, e := range r.Endpoints {
		total += e.Requests
	}
	r.BurstRequestRate = float64(total) / b.elapsed.Seconds()
	r.BurstCPUMicros = cpuPerRequest(cpu, total)
}

// groupCommit is what the store's single writer did during the burst.
type groupCommit struct {
	Commits        uint64  `json:"commits"`
	CallsPerCommit float64 `json:"calls_per_commit"` // writers served by one fsync
	BusyShare      float64 `json:"busy_share"`       // of the burst's wall time, in the writer's transactions
}

func groupCommitOf(before, after store.CommitStats, elapsed time.Duration) groupCommit {
	g := groupCommit{Commits: after.Commits - before.Commits}
	if g.Commits > 0 {
		g.CallsPerCommit = round(float64(after.Calls-before.Calls) / float64(g.Commits))
	}
	if elapsed > 0 {
		g.BusyShare = round(float64(after.Busy-before.Busy) / float64(elapsed))
	}
	return g
}

// cpuPerRequest is the CPU the process spent per request, in microseconds.
func cpuPerRequest(cpu time.Duration, requests int) float64 {
	if requests == 0 {
		return 0
	}
	return round(float64(cpu.Microseconds()) / float64(requests))
}

// finish derives the per-receipt sizes and checks the targets.
func (r *benchResult) finish() {
	db := &r.DB
	if n := db.Receipts; n > 0 {
		db.GrowthPerReceipt = round(float64(db.Bytes-db.BeforePublishBytes) / float64(n))
	}
	// Every receipt in the file counts, the inbox's too: the buckets hold them all.
	if rc := db.Buckets["receipts"]; rc.Keys > 0 {
		db.ReceiptBytes = round(float64(rc.AllocBytes+db.Buckets["inbox"].AllocBytes+db.Buckets["counters"].AllocBytes) / float64(rc.Keys))
	}
	if au := db.Buckets["audit"]; au.Keys > 0 {
		db.AuditBytes = round(float64(au.AllocBytes) / float64(au.Keys))
	}
	db.BytesPerReceipt = round(db.ReceiptBytes + db.AuditBytes)
	ack := r.Endpoints[1]
	add := func(name string, fig float64, unit, goal string, met bool) {
		r.Targets = append(r.Targets, target{name, round(fig), unit, goal, met})
	}
	add("durable acks / healthz rate", r.AckHealthzRatio, "ratio", ">= 0.60", r.AckHealthzRatio >= 0.6)
	add("ack p99", ack.P99Ms, "ms", "< 50", ack.Requests > 0 && ack.P99Ms < 50)
	add("readiness p50 during the burst", r.ReadinessP50Ms, "ms", "< 1", r.Endpoints[2].Requests > 0 && r.ReadinessP50Ms < 1)
	add("... inside the server", r.ReadinessServer.P50Ms, "ms", "< 1", r.ReadinessServer.Requests > 0 && r.ReadinessServer.P50Ms < 1)
	add(fmt.Sprintf("publish to %d", r.Publish.Recipients), r.Publish.Ms, "ms", "< 1000", r.Publish.Ms < 1000)
	if r.Inbox != nil {
		add(fmt.Sprintf("inbox with %d briefings, p50", r.Inbox.Briefings), r.Inbox.P50Ms, "ms", "< 10", r.Inbox.P50Ms < 10)
	}
	add("peak RSS", float64(r.PeakRSSBytes)/(1<<20), "MiB", "< 300", r.PeakRSSBytes < 300<<20)
	add("database bytes per receipt (receipt, inbox, counters)", r.DB.ReceiptBytes, "bytes", "< 150", r.DB.ReceiptBytes > 0 && r.DB.ReceiptBytes < 150)
	add("... with its acknowledgement's audit event", r.DB.BytesPerReceipt, "bytes", "< 150", r.DB.BytesPerReceipt > 0 && r.DB.BytesPerReceipt < 150)
	rel := r.Release
	add("crossing ack to gate open", rel.GateMs, "ms", "< 1000", rel.Released && rel.CrossingAckAt != nil && rel.GateMs < 1000)
	add("crossing ack to channel delivery", rel.DeliveryMs, "ms", "< 1000", rel.Delivered && rel.CrossingAckAt != nil && rel.DeliveryMs < 1000)
}

// statsOf turns samples into figures; the rate counts successful requests
// over the phase's wall time.
func statsOf(name string, s *samples, elapsed time.Duration) endpointStats {
	e := endpointStats{Name: name, Requests: len(s.d), Errors: s.errors}
	if elapsed > 0 {
		e.Rate = round(float64(len(s.d)) / elapsed.Seconds())
	}
	if len(s.d) == 0 {
		return e
	}
	d := slices.Clone(s.d)
	slices.Sort(d)
	e.P50Ms, e.P99Ms, e.MaxMs = ms(quantile(d, 0.50)), ms(quantile(d, 0.99)), ms(d[len(d)-1])
	return e
}

// quantile of sorted durations, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

// round keeps three decimals: microseconds in milliseconds, enough for any figure here.
func round(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 3, 64), 64)
	return v
}

// peakRSS is the process's high-water mark of resident memory (VmHWM).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := strings.Fields(string(rest))
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// resetPeakRSS sets the high-water mark back to the current resident size
// (Linux 4.0 and later), so that the setup does not count as the server's.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

func (r *benchResult) writeTable(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "Firsthand bench: %d employees in %d departments, %d clients, %d CPUs, fsync on\n\n",
		c.Users, c.Departments, c.Clients, r.CPUs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "endpoint\tphase\trequests\terrors\trate/s\tp50 ms\tp99 ms\tmax ms\t")
	row := func(e endpointStats, phase string) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f\t%.3f\t%.3f\t%.3f\t\n", e.Name, phase, e.Requests, e.Errors, e.Rate, e.P50Ms, e.P99Ms, e.MaxMs)
	}
	row(r.Healthz, "ceiling, "+c.Healthz)
	for _, e := range r.Endpoints {
		row(e, "burst")
	}
	row(r.ReadinessServer, "burst, inside the server")
	row(r.Dashboard, fmt.Sprintf("burst, a dashboard every %s", dashboardEvery))
	if r.ReadinessQuiet != nil {
		row(r.ReadinessQuiet.endpointStats, "quiet")
	}
	if r.Inbox != nil {
		row(r.Inbox.endpointStats, fmt.Sprintf("quiet, %d briefings", r.Inbox.Briefings))
	}
	tw.Flush()

	fmt.Fprintf(w, "\nacknowledgements   %d answered 200, %d counted by the server, in %.2fs\n", r.Acks, r.Acknowledged, r.BurstSeconds)
	fmt.Fprintf(w, "ack rate           %.0f/s; /healthz %.0f/s; ratio %.3f (all burst requests: %.0f/s)\n",
		r.AckRate, r.Healthz.Rate, r.AckHealthzRatio, r.BurstRequestRate)
	fmt.Fprintf(w, "CPU per request    %.0f µs in the burst, %.0f µs for /healthz (server and clients together, %d CPUs)\n",
		r.BurstCPUMicros, r.HealthzCPUMicros, r.CPUs)
	fmt.Fprintf(w, "group commit       %d commits, %.1f writes each, the writer busy %.0f%% of the burst\n",
		r.GroupCommit.Commits, r.GroupCommit.CallsPerCommit, 100*r.GroupCommit.BusyShare)
	fmt.Fprintf(w, "publish            %d recipients in %.1f ms\n", r.Publish.Recipients, r.Publish.Ms)
	rel := r.Release
	switch {
	case !rel.Released:
		fmt.Fprintf(w, "release            the gate did not open\n")
	default:
		fmt.Fprintf(w, "release            at threshold %.2f: gate %.1f ms after the crossing ack, delivered %.1f ms after it (%d delivery, signature ok: %v)\n",
			rel.Threshold, rel.GateMs, rel.DeliveryMs, rel.Deliveries, rel.SignatureOK)
	}
	fmt.Fprintf(w, "memory             peak RSS %.1f MiB while serving (setup peak %.1f MiB)\n",
		float64(r.PeakRSSBytes)/(1<<20), float64(r.SetupPeakRSSBytes)/(1<<20))
	fmt.Fprintf(w, "database           %.1f MiB (file %.1f MiB, %.1f MiB of it free); grew %.0f bytes per receipt from publish on\n",
		float64(r.DB.Bytes)/(1<<20), float64(r.DB.FileBytes)/(1<<20), float64(r.DB.FreeBytes)/(1<<20), r.DB.GrowthPerReceipt)
	fmt.Fprintf(w, "per receipt        %.1f bytes = %.1f receipt, inbox and counters + %.1f its acknowledgement's audit event\n",
		r.DB.BytesPerReceipt, r.DB.ReceiptBytes, r.DB.AuditBytes)
	fmt.Fprintf(w, "setup              %.1fs\n", r.SetupSeconds)
	if r.Errors > 0 {
		fmt.Fprintf(w, "errors             %d; the first: %s\n", r.Errors, r.FirstError)
	}

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tfigure\tgoal\tmet")
	for _, t := range r.Targets {
		met := "yes"
		if !t.Met {
			met = "NO"
		}
		fmt.Fprintf(tw, "%s\t%.3f %s\t%s %s\t%s\n", t.Name, t.Figure, t.Unit, t.Goal, t.Unit, met)
	}
	tw.Flush()
}
