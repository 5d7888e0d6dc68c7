package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// loadClients is how many clients the load benchmarks run at once, each
// with its own keep-alive connection, as many browsers or API clients do.
const loadClients = 64

// BenchmarkSubmit posts single durable answers to POST /api/v1/responses
// over HTTP on loopback from 64 concurrent clients, with group commit (the
// default) and with one commit per answer (the baseline), and reports
// answers per second and latency percentiles.
//
//	go test ./internal/web -run '^$' -bench BenchmarkSubmit -benchtime 20000x -count 5
func BenchmarkSubmit(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, group := range []bool{true, false} {
			name := d.String() + "/group-commit"
			if !group {
				name = d.String() + "/commit-each"
			}
			b.Run(name, func(b *testing.B) {
				f := newLoadFixture(b, d)
				f.db.GroupCommit = group
				var n atomic.Int64
				f.run(b, func(c *http.Client) error {
					i := n.Add(1)
					body := fmt.Sprintf(`{"wave_id": %d, "score": %d, "comment": "Answer %d"}`, f.wave.ID, i%11, i)
					req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/responses", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+f.token)
					return doLoad(c, req, http.StatusCreated)
				})
				b.StopTimer()
				if h, err := f.db.Histogram(context.Background(), f.ws.ID, store.HistogramFilter{}); err != nil || h.N() != n.Load() {
					b.Errorf("after %d answers: n = %d (%v)", n.Load(), h.N(), err)
				}
			})
		}
	}
}

// BenchmarkSurveyPage gets the survey page of a personal link from 64
// concurrent clients.
//
//	go test ./internal/web -run '^$' -bench BenchmarkSurveyPage -benchtime 20000x -count 5
func BenchmarkSurveyPage(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			f := newLoadFixture(b, d)
			ctx := context.Background()
			c, err := f.db.CreateContact(ctx, f.ws.ID, nps.Contact{Email: "anna@example.com", Name: "Anna", Language: "nl"})
			if err != nil {
				b.Fatal(err)
			}
			inv, err := f.db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			f.run(b, func(c *http.Client) error {
				req, _ := http.NewRequest("GET", f.srv.URL+"/s/"+inv.Token, nil)
				return doLoad(c, req, http.StatusOK)
			})
		})
	}
}

// loadFixture is a server on a fresh database with an open wave and an
// API token.
type loadFixture struct {
	db    *store.DB
	ws    nps.Workspace
	wave  nps.Wave
	token string
	srv   *httptest.Server
}

func newLoadFixture(b *testing.B, d store.Dialect) *loadFixture {
	b.Helper()
	ctx := context.Background()
	f := &loadFixture{db: storetest.Open(b, d)}
	var err error
	if f.ws, err = f.db.CreateWorkspace(ctx, nps.Workspace{Slug: "load", Name: "Load"}); err != nil {
		b.Fatal(err)
	}
	sv, err := f.db.CreateSurvey(ctx, f.ws.ID, apiSampleSurvey("Load"))
	if err != nil {
		b.Fatal(err)
	}
	if f.wave, err = f.db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: sv.ID, Name: "Now", OpensAt: time.Now().Add(-time.Hour)}); err != nil {
		b.Fatal(err)
	}
	if _, f.token, err = f.db.CreateAPIToken(ctx, f.ws.ID, "load", 0); err != nil {
		b.Fatal(err)
	}
	s, err := New(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	// The benchmarks measure what the server takes from many clients; the
	// limits of one token or one address, which 64 clients of one token
	// and one loopback address would meet at once, are lifted.
	s.limits = noLimits()
	// The server computes a password hash at start-up; let it finish so
	// that it does not count against the load.
	if _, err := s.dummyHash(); err != nil {
		b.Fatal(err)
	}
	f.srv = httptest.NewServer(s.Handler())
	b.Cleanup(f.srv.Close)
	return f
}

// run makes b.N requests from loadClients clients and reports requests
// per second and the median and 99th percentile latency.
func (f *loadFixture) run(b *testing.B, request func(*http.Client) error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}}
	defer client.CloseIdleConnections()
	var (
		next atomic.Int64
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, b.N)
		wg   sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for range loadClients {
		wg.Go(func() {
			var mine []time.Duration
			for next.Add(1) <= int64(b.N) {
				t := time.Now()
				if err := request(client); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op") // the rates above say it; per-op time across 64 clients misleads
}

// doLoad sends req and checks the status, draining the body so that the
// connection is reused.
func doLoad(c *http.Client, req *http.Request, want int) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: got %d, want %d", req.Method, req.URL.Path, resp.StatusCode, want)
	}
	return nil
}
