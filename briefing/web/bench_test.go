package web

// Benchmarks of the HTTP hot paths, through the whole router over real
// loopback connections and a real bbolt file with fsync on:
//
//	go test -run '^$' -bench . -benchtime 20000x ./briefing/web/
//
// Figures from this machine are in docs/performance.md.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
	"firsthand/store"
)

const benchClients = 64

// benchApp is the router over a fresh store.
func benchApp(b *testing.B) (*store.Store, *Server) {
	b.Helper()
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	srv, err := New(Config{Store: st, BaseURL: "http://bench.test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return st, srv
}

// benchServer serves the router over a fresh store on loopback.
func benchServer(b *testing.B) (*store.Store, *httptest.Server, *http.Client) {
	b.Helper()
	st, srv := benchApp(b)
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: benchClients * 2, MaxIdleConnsPerHost: benchClients * 2}}
	return st, ts, client
}

// load is what hammer measured: the request rate, each request's latency,
// and the CPU the whole process (server and clients) spent per request.
type load struct {
	rate      float64
	lat       []time.Duration
	cpuPerReq time.Duration
}

// hammer runs n requests from benchClients keep-alive clients.
func hammer(b *testing.B, client *http.Client, n int, request func(i int) *http.Request) load {
	b.Helper()
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var failed atomic.Int64
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for range benchClients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				t0 := time.Now()
				res, err := client.Do(request(i))
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, n)
	}
	return load{rate: float64(n) / elapsed.Seconds(), lat: lat, cpuPerReq: cpu / time.Duration(n)}
}

// report puts the write phase beside the /healthz ceiling of the same run.
func report(b *testing.B, health, write load) {
	b.ReportMetric(write.rate, "acks/s")
	b.ReportMetric(float64(p99(write.lat).Microseconds())/1000, "p99-ms")
	b.ReportMetric(health.rate, "healthz/s")
	b.ReportMetric(write.rate/health.rate, "ratio")
	// CPU per request, server and clients together: where the two rates
	// differ when the CPU is the limit.
	b.ReportMetric(float64(write.cpuPerReq.Microseconds()), "cpu-µs/ack")
	b.ReportMetric(float64(health.cpuPerReq.Microseconds()), "cpu-µs/healthz")
}

// benchPeople is a directory of n people, p<i>@bench.test, spread over
// departments D0, D1, ….
func benchPeople(n, departments int) []store.ImportRow {
	rows := make([]store.ImportRow, n)
	for i := range rows {
		rows[i] = store.ImportRow{Line: i + 2, User: briefing.User{
			Email: fmt.Sprintf("p%d@bench.test", i), Name: fmt.Sprintf("Person %d", i), Department: fmt.Sprintf("D%d", i%departments)}}
	}
	return rows
}

// publishToAll briefs the whole directory.
func publishToAll(b *testing.B, st *store.Store, a *briefing.Announcement) {
	b.Helper()
	a.Title, a.Audience = "Bench", briefing.Audience{All: true}
	if err := st.CreateAnnouncement(a, "bench"); err != nil {
		b.Fatal(err)
	}
	if _, err := st.Publish(a.ID, "bench"); err != nil {
		b.Fatal(err)
	}
}

func p99(lat []time.Duration) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)*99/100]
}

// BenchmarkAckHTTP: durable acknowledgements from 64 concurrent clients,
// with the /healthz rate of the same server measured in the same run as the
// ceiling of the HTTP stack. Each iteration is one acknowledgement of a
// distinct receipt.
func BenchmarkAckHTTP(b *testing.B) {
	st, ts, client := benchServer(b)
	const people = 640
	if _, err := st.ImportUsers(benchPeople(people, 8), "bench"); err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, people)
	for i := range tokens {
		u, err := st.UserByEmail(fmt.Sprintf("p%d@bench.test", i))
		if err != nil {
			b.Fatal(err)
		}
		if tokens[i], err = st.CreateToken(u.ID, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	// Enough announcements to the whole company that every iteration acks
	// a receipt of its own.
	var anns []string
	for range b.N/people + 1 {
		a := &briefing.Announcement{Policy: briefing.Policy{Threshold: 1}}
		publishToAll(b, st, a)
		anns = append(anns, a.ID)
	}
	healthN := max(b.N, 5000)
	health := hammer(b, client, healthN, func(int) *http.Request {
		r, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
		return r
	})

	b.ResetTimer()
	acks := hammer(b, client, b.N, func(i int) *http.Request {
		r, _ := http.NewRequest("POST", ts.URL+"/api/v1/briefings/"+anns[i/people]+"/ack", bytes.NewReader(nil))
		r.Header.Set("Authorization", "Bearer "+tokens[i%people])
		return r
	})
	b.StopTimer()

	_, r, err := st.Readiness(anns[0])
	if err != nil || r.Acknowledged != min(b.N, people) {
		b.Fatalf("readiness after the run: %d acknowledged (%v), want %d", r.Acknowledged, err, min(b.N, people))
	}
	report(b, health, acks)
}

// BenchmarkImportCSV100k: a 100,000-person directory imported from CSV, the
// parse included, as POST /api/v1/users/import does it.
func BenchmarkImportCSV100k(b *testing.B) {
	var csv bytes.Buffer
	csv.WriteString("email,name,department,location,roles\n")
	for i := range 100_000 {
		fmt.Fprintf(&csv, "person%d@bench.test,Person %d,Department %d,Site %d,employee\n", i, i, i%50, i%7)
	}
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(filepath.Join(b.TempDir(), "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		srv := &Server{st: st}
		b.StartTimer()
		res, err := srv.importCSV(bytes.NewReader(csv.Bytes()), "bench")
		b.StopTimer()
		if err != nil || res.Created != 100_000 || len(res.Errors) != 0 {
			b.Fatalf("import: created %d, errors %v, err %v", res.Created, res.Errors, err)
		}
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkBareBatchHTTP is DESIGN.md's reference point, measured the same
// way as BenchmarkAckHTTP: a bare gin handler doing one db.Batch put of a
// sequential key (delay 1 ms), no authentication, no middleware. The gap
// between the two is what Firsthand's acknowledgement costs beyond a bare
// durable write.
func BenchmarkBareBatchHTTP(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.MaxBatchDelay = time.Millisecond
	bucket := []byte("acks")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		b.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	engine.POST("/ack/:id", func(c *gin.Context) {
		err := db.Batch(func(tx *bolt.Tx) error {
			bk := tx.Bucket(bucket)
			seq, err := bk.NextSequence()
			if err != nil {
				return err
			}
			return bk.Put(binary.BigEndian.AppendUint64(nil, seq), []byte(c.Param("id")))
		})
		if err != nil {
			c.String(http.StatusInternalServerError, err.Error())
			return
		}
		c.JSON(http.StatusOK, gin.H{"ok": true})
	})
	ts := httptest.NewServer(engine)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: benchClients * 2, MaxIdleConnsPerHost: benchClients * 2}}
	health := hammer(b, client, max(b.N, 5000), func(int) *http.Request {
		r, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
		return r
	})
	b.ResetTimer()
	acks := hammer(b, client, b.N, func(i int) *http.Request {
		r, _ := http.NewRequest("POST", ts.URL+"/ack/"+strconv.Itoa(i), nil)
		return r
	})
	b.StopTimer()
	report(b, health, acks)
}

// BenchmarkDashboard100k: the readiness dashboard of an announcement to
// 100,000 people, a third of whom have acknowledged, as an author loads it
// (and as its script fetches it again whenever the numbers move): the
// checklist, the department bars, the curve drawn from every receipt, the
// first page of people who have not acknowledged.
func BenchmarkDashboard100k(b *testing.B) {
	st, srv := benchApp(b)
	const people = 100_000
	rows := append(benchPeople(people, 20), store.ImportRow{Line: people + 2, User: briefing.User{
		Email: "author@bench.test", Name: "Author", Department: "PR", Roles: []briefing.Role{briefing.RoleAuthor}}})
	if _, err := st.ImportUsers(rows, "bench"); err != nil {
		b.Fatal(err)
	}
	author, err := st.UserByEmail("author@bench.test")
	if err != nil {
		b.Fatal(err)
	}
	token, err := st.CreateToken(author.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	a := &briefing.Announcement{Body: "# Bench", AuthorID: author.ID, Policy: briefing.Policy{Threshold: 0.9}}
	publishToAll(b, st, a)
	var receipts []briefing.Receipt
	if _, err := st.Receipts(a.ID, store.ReceiptFilter{}, func(r briefing.Receipt) error {
		receipts = append(receipts, r)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range benchClients {
		wg.Go(func() {
			for i := int(next.Add(3) - 3); i < len(receipts); i = int(next.Add(3) - 3) {
				if _, err := st.Acknowledge(a.ID, receipts[i].UserID); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for b.Loop() {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/announcements/"+a.ID, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte("33,334")) {
			b.Fatalf("GET the dashboard: %d, acknowledged count not on the page:\n%.500s", w.Code, w.Body)
		}
	}
}

// BenchmarkSignInPage: the sign-in page, the smallest page, in each
// language: what choosing the language, reading the settings and cloning
// the template set cost a request (docs/performance.md).
func BenchmarkSignInPage(b *testing.B) {
	_, srv := benchApp(b)
	for _, tc := range []struct{ lang, accept, want string }{
		{"en", "en-GB,en;q=0.9", "Sign in"},
		{"de", "de-DE,de;q=0.9", "Anmelden"},
	} {
		b.Run(tc.lang, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Accept-Language", tc.accept)
				srv.ServeHTTP(w, r)
				if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(tc.want)) {
					b.Fatalf("GET /: %d, %q not on the page", w.Code, tc.want)
				}
			}
		})
	}
}
