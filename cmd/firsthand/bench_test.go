package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBenchJSON runs the whole load tool with tiny numbers and checks that
// its report has every figure and that the figures agree with each other.
// Timing is not asserted: the machine is shared.
func TestBenchJSON(t *testing.T) {
	const users, clients, inbox = 200, 4, 12
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"bench", "--users", "200", "--departments", "3", "--clients", "4", "--inbox", "12",
		"--healthz", "200ms", "--duration", "90s", "--dir", dir, "--json"}
	if err := run(ctx, args, benchNoEnv, &stdout, &stderr); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr.String())
	}

	var fields map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &fields); err != nil {
		t.Fatalf("the output is not a JSON object: %v\n%s", err, stdout.String())
	}
	for _, f := range []string{"config", "cpus", "healthz", "publish", "burst_seconds", "endpoints", "acks", "acknowledged",
		"ack_rate_per_s", "ack_healthz_ratio", "readiness_p50_ms", "readiness_server", "readiness_dashboard", "readiness_quiet",
		"healthz_cpu_us_per_request", "burst_cpu_us_per_request", "group_commit", "release", "inbox", "peak_rss_bytes",
		"db", "errors", "targets"} {
		if _, ok := fields[f]; !ok {
			t.Errorf("the JSON has no %q", f)
		}
	}

	var got benchResult
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Acks != users || got.Acknowledged != users {
		t.Errorf("acks answered 200 = %d, counted by the server = %d; want both %d", got.Acks, got.Acknowledged, users)
	}
	if got.Errors != 0 {
		t.Errorf("errors = %d (first: %s), want 0", got.Errors, got.FirstError)
	}
	if got.Healthz.Requests == 0 || got.Healthz.Rate <= 0 {
		t.Errorf("healthz = %+v, want requests and a rate", got.Healthz)
	}
	if got.AckRate <= 0 || got.AckHealthzRatio <= 0 {
		t.Errorf("ack rate = %v, ratio = %v; want both > 0", got.AckRate, got.AckHealthzRatio)
	}
	if len(got.Endpoints) != 3 {
		t.Fatalf("endpoints = %+v, want briefing, ack, readiness", got.Endpoints)
	}
	for _, e := range got.Endpoints {
		if e.Requests == 0 || e.P50Ms <= 0 || e.P50Ms > e.P99Ms || e.P99Ms > e.MaxMs {
			t.Errorf("endpoint %+v: want requests and p50 <= p99 <= max", e)
		}
	}
	if n := got.Endpoints[0].Requests; n != users {
		t.Errorf("briefing reads = %d, want one per user, %d", n, users)
	}
	if got.Publish.Recipients != users || got.Publish.Ms <= 0 {
		t.Errorf("publish = %+v, want %d recipients and a time", got.Publish, users)
	}
	rel := got.Release
	if !rel.Released || !rel.Delivered || rel.Deliveries != 1 || !rel.SignatureOK || rel.CrossingAckAt == nil {
		t.Errorf("release = %+v, want released at the crossing ack and delivered once, signed", rel)
	}
	if rel.CrossingAckAt != nil && rel.ReleasedAt != nil && rel.ReleasedAt.Before(*rel.CrossingAckAt) {
		t.Errorf("released at %v, before the crossing acknowledgement at %v", rel.ReleasedAt, rel.CrossingAckAt)
	}
	if got.Inbox == nil || got.Inbox.Briefings != inbox || got.Inbox.Requests == 0 {
		t.Errorf("inbox = %+v, want %d briefings listed", got.Inbox, inbox)
	}
	if got.PeakRSSBytes <= 0 {
		t.Errorf("peak RSS = %d, want > 0", got.PeakRSSBytes)
	}
	db := got.DB
	if db.Receipts != users || db.Bytes <= 0 || db.FileBytes < db.Bytes || db.ReceiptBytes <= 0 || db.BytesPerReceipt <= db.ReceiptBytes {
		t.Errorf("db = %+v, want %d receipts and sizes", db, users)
	}
	if rc := db.Buckets["receipts"]; rc.Keys != users+inbox {
		t.Errorf("receipts in the file = %d, want %d", rc.Keys, users+inbox)
	}
	// Every readiness read of the burst (the clients' and the dashboard's)
	// was also timed inside the server.
	if rs, rc, rd := got.ReadinessServer, got.Endpoints[2], got.Dashboard; rd.Requests == 0 || rs.Requests != rc.Requests+rd.Requests {
		t.Errorf("readiness inside the server = %+v, at the clients = %+v, dashboard = %+v; want the clients' and the dashboard's reads", rs, rc, rd)
	}
	// Every read receipt and acknowledgement went through the group commit.
	if g := got.GroupCommit; g.Commits == 0 || g.CallsPerCommit*float64(g.Commits) < 2*users-0.5 || g.BusyShare <= 0 || g.BusyShare > 1 {
		t.Errorf("group commit = %+v, want commits carrying at least the %d reads and acknowledgements, busy a share of the burst", g, 2*users)
	}
	if cpuTime() > 0 && (got.HealthzCPUMicros <= 0 || got.BurstCPUMicros <= 0) { // where the platform reports CPU time
		t.Errorf("CPU per request: healthz %v µs, burst %v µs; want both > 0", got.HealthzCPUMicros, got.BurstCPUMicros)
	}
	if len(got.Targets) < 10 {
		t.Errorf("targets = %+v, want every target of the issue", got.Targets)
	}
	if got.Config.Users != users || got.Config.Clients != clients || !got.Config.Fsync {
		t.Errorf("config = %+v", got.Config)
	}
	// Without --keep the scratch database is gone.
	if _, err := os.Stat(filepath.Join(dir, "bench.db")); !os.IsNotExist(err) {
		t.Errorf("the scratch database is still there (err %v)", err)
	}
	if !strings.Contains(stderr.String(), "acknowledging") {
		t.Errorf("no progress bar on stderr:\n%s", stderr.String())
	}
}

// TestBenchTable checks the human report: acknowledgements only, and the
// scratch database kept.
func TestBenchTable(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"bench", "--users", "40", "--departments", "2", "--clients", "3", "--inbox", "0",
		"--healthz", "100ms", "--read=false", "--keep", "--dir", dir}
	if err := run(context.Background(), args, benchNoEnv, &stdout, &stderr); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"GET /healthz", "POST /api/v1/briefings/{id}/ack", "40 answered 200, 40 counted by the server", "peak RSS", "bytes per receipt", "CPU per request", "group commit", "inside the server", "a dashboard every", "target"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table has no %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bench.db")); err != nil {
		t.Errorf("--keep: %v", err)
	}
}

func TestBenchFlags(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--users", "0"}, nil, "--users"},
		{[]string{"--threshold", "1.5"}, nil, "--threshold"},
		{nil, map[string]string{"FIRSTHAND_CLIENTS": "0"}, "--clients"},
		{nil, map[string]string{"FIRSTHAND_USERS": "many"}, "FIRSTHAND_USERS"},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		_, err := parseBench(tt.args, getenv, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseBench(%v, %v) = %v, want an error naming %s", tt.args, tt.env, err, tt.want)
		}
	}
	// A flag wins over its variable.
	c, err := parseBench([]string{"--users", "7"}, func(k string) string {
		return map[string]string{"FIRSTHAND_USERS": "9", "FIRSTHAND_CLIENTS": "5"}[k]
	}, &bytes.Buffer{})
	if err != nil || c.users != 7 || c.clients != 5 {
		t.Errorf("parseBench = %+v, %v; want users 7 (flag), clients 5 (variable)", c, err)
	}
}

func benchNoEnv(string) string { return "" }
