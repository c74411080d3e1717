package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// benchClient is the load: keep-alive clients sharing one transport, with
// enough idle connections per host that no client ever dials twice.
type benchClient struct {
	hc   *http.Client
	base string
}

func newBenchClient(base string, clients int) *benchClient {
	tr := &http.Transport{
		Proxy:               nil, // loopback only, whatever the environment says
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        clients + 8,
		MaxIdleConnsPerHost: clients + 8,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &benchClient{hc: &http.Client{Transport: tr, Timeout: time.Minute}, base: base}
}

func (c *benchClient) close() { c.hc.CloseIdleConnections() }

// call makes one request and reads the whole answer: the latency is the
// time until the last byte. out, if not nil, receives the decoded JSON.
func (c *benchClient) call(ctx context.Context, method, path, token string, body []byte, out any) (time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return time.Since(start), err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return d, err
	}
	if resp.StatusCode >= 300 {
		return d, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b[:min(len(b), 300)])))
	}
	if out != nil {
		return d, json.Unmarshal(b, out)
	}
	return d, nil
}

// samples are one endpoint's latencies as one client saw them.
type samples struct {
	d        []time.Duration
	errors   int
	firstErr string
}

func (s *samples) add(d time.Duration, err error) {
	if err != nil {
		s.errors++
		if s.firstErr == "" {
			s.firstErr = err.Error()
		}
		return
	}
	s.d = append(s.d, d)
}

func merge(parts []*samples) *samples {
	out := &samples{}
	for _, p := range parts {
		out.d = append(out.d, p.d...)
		out.errors += p.errors
		if out.firstErr == "" {
			out.firstErr = p.firstErr
		}
	}
	return out
}

// hammerHealthz measures the ceiling of the HTTP stack on this machine:
// every client asks /healthz as fast as it can for d. It also opens every
// keep-alive connection the burst will use.
func hammerHealthz(ctx context.Context, c *benchClient, clients int, d time.Duration) (*samples, time.Duration) {
	parts := make([]*samples, clients)
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(d)
	for i := range parts {
		parts[i] = &samples{d: make([]time.Duration, 0, 4096)}
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(stop) {
				parts[i].add(c.call(ctx, http.MethodGet, "/healthz", "", nil, nil))
			}
		})
	}
	wg.Wait()
	return merge(parts), time.Since(start)
}

// burstStats is what the clients saw during the acknowledgement burst.
type burstStats struct {
	briefing, ack, readiness *samples
	dashboard                *samples // the readiness as a manager's open dashboard polls it
	elapsed                  time.Duration
	acked                    int
}

// readinessEvery: one cycle in ten starts with the manager looking at the
// readiness, about 5% of the burst's requests.
const readinessEvery = 10

// dashboardEvery is how often the manager's open dashboard polls during the burst.
const dashboardEvery = 20 * time.Millisecond

// ackBurst is the launch morning: each client takes the next employee (in
// shuffled order), reads the briefing as them (unless read is false) and
// acknowledges it, and every tenth cycle a manager looks at the readiness. It ends when every employee
// has acknowledged or the cap is reached, whichever comes first.
func ackBurst(ctx context.Context, c *benchClient, org *benchOrg, annID string, clients int, read bool, limit time.Duration, progress io.Writer) burstStats {
	briefingPath := "/api/v1/briefings/" + annID
	ackPath := briefingPath + "/ack"
	readinessPath := "/api/v1/announcements/" + annID + "/readiness"
	n := len(org.order)
	var next, acked atomic.Int64
	bar := progressbar.NewOptions(n,
		progressbar.OptionSetWriter(progress),
		progressbar.OptionSetDescription("acknowledging"),
		progressbar.OptionSetItsString("acks"),
		progressbar.OptionShowIts(),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
	)
	// The bar is fed from a ticker, not from 64 clients contending for its lock.
	tickDone := make(chan struct{})
	var tickWG sync.WaitGroup
	tickWG.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-tickDone:
				return
			case <-t.C:
				_ = bar.Set(int(acked.Load()))
			}
		}
	})

	// Requests in flight at the cap may finish; none start after it, and
	// none outlive it by more than the client timeout.
	stop := time.Now().Add(limit)
	parts := make([][3]*samples, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for k := range parts {
		for j := range parts[k] {
			parts[k][j] = &samples{d: make([]time.Duration, 0, 2*n/clients+16)}
		}
		wg.Go(func() {
			br, ack, rd := parts[k][0], parts[k][1], parts[k][2]
			for cycle := k; ctx.Err() == nil && time.Now().Before(stop); cycle++ {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				token := org.tokens[org.order[i]]
				if cycle%readinessEvery == 0 {
					rd.add(c.call(ctx, http.MethodGet, readinessPath, org.managerToken, nil, nil))
				}
				if read {
					br.add(c.call(ctx, http.MethodGet, briefingPath, token, nil, nil))
				}
				d, err := c.call(ctx, http.MethodPost, ackPath, token, nil, nil)
				ack.add(d, err)
				if err == nil {
					acked.Add(1)
				}
			}
		})
	}
	// A manager's dashboard polls the readiness on its own clock, as the
	// page's script does, whatever the employees are doing.
	dashboard := &samples{}
	burstDone := make(chan struct{})
	var dashWG sync.WaitGroup
	dashWG.Go(func() {
		t := time.NewTicker(dashboardEvery)
		defer t.Stop()
		for {
			// The page loads as the burst starts, then polls.
			dashboard.add(c.call(ctx, http.MethodGet, readinessPath, org.managerToken, nil, nil))
			select {
			case <-burstDone:
				return
			case <-t.C:
			}
		}
	})
	wg.Wait()
	elapsed := time.Since(start)
	close(burstDone)
	dashWG.Wait()
	close(tickDone)
	tickWG.Wait()
	_ = bar.Set(int(acked.Load()))
	_ = bar.Exit()
	fmt.Fprintln(progress)

	col := func(j int) *samples {
		ps := make([]*samples, len(parts))
		for k := range parts {
			ps[k] = parts[k][j]
		}
		return merge(ps)
	}
	return burstStats{briefing: col(0), ack: col(1), readiness: col(2), dashboard: dashboard, elapsed: elapsed, acked: int(acked.Load())}
}
