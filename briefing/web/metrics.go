package web

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"firsthand/store"
)

// metrics are the Prometheus figures of one server. Each server has its own
// registry, so tests can run many servers in one process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	acks     prometheus.Counter
}

func newMetrics(st *store.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "firsthand_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "firsthand_http_request_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		acks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "firsthand_acknowledgements_total", Help: "Acknowledgement requests answered 200.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.acks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "firsthand_database_bytes", Help: "Size of the database file.",
		}, func() float64 { return float64(st.Size()) }),
		// The group commit on a launch morning: calls per commit is how many
		// writers one fsync served; busy seconds per second near 1 means the
		// single writer is the limit (docs/performance.md).
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "firsthand_group_commits_total", Help: "Write transactions of the group commit (acknowledgements and first reads).",
		}, func() float64 { return float64(st.CommitStats().Commits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "firsthand_group_commit_calls_total", Help: "Acknowledgements and first reads carried by the group commit's transactions.",
		}, func() float64 { return float64(st.CommitStats().Calls) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "firsthand_group_commit_busy_seconds_total", Help: "Time the group commit's writer spent in its transactions, fsyncs included.",
		}, func() float64 { return st.CommitStats().Busy.Seconds() }))
	return m
}

func (m *metrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
}

func (m *metrics) handler() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}
