package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// BenchmarkAPIBatch posts batches of 1,000 responses to
// POST /api/v1/responses over real HTTP on loopback, from apiBenchClients
// clients at once, on a SQLite file and on PostgreSQL, and reports
// responses per second. The responses follow the benchmark workload
// (../shared/perf/WORKLOAD.md): 30 % carry a comment of 5 to 40 words,
// and half name one of 200 accounts.
//
//	go test ./internal/web -run '^$' -bench BenchmarkAPIBatch -benchtime 20x
func BenchmarkAPIBatch(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			ctx := context.Background()
			f := newLoadFixture(b, d)
			var accounts []int64
			for i := range 200 {
				a, err := f.db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: fmt.Sprintf("Account %d", i)})
				if err != nil {
					b.Fatal(err)
				}
				accounts = append(accounts, a.ID)
			}
			body := benchBatch(f.wave.ID, accounts, 1000)

			b.SetParallelism(apiBenchClients)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/responses", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+f.token)
					resp, err := f.srv.Client().Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Errorf("POST a batch: got %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(1000*b.N)/time.Since(start).Seconds(), "responses/s")
			b.StopTimer()
			if h, err := f.db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID}); err != nil || h.N() != int64(1000*b.N) {
				b.Errorf("after %d batches: %d responses (%v), want %d", b.N, h.N(), err, 1000*b.N)
			}
		})
	}
}

// apiBenchClients is how many clients per CPU post batches at once: while
// one batch commits, the server reads and checks the next.
const apiBenchClients = 2

// benchBatch returns the JSON of a batch of n responses in wave waveID.
func benchBatch(waveID int64, accounts []int64, n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the support team answered quickly and the account manager knows our business " +
		"but the price went up again and invoices are often late while the expertise is excellent")
	type item struct {
		WaveID    int64  `json:"wave_id"`
		Score     int    `json:"score"`
		Comment   string `json:"comment,omitempty"`
		AccountID int64  `json:"account_id,omitempty"`
	}
	items := make([]item, n)
	for i := range items {
		it := item{WaveID: waveID}
		switch p := rng.Float64(); {
		case p < 0.30:
			it.Score = 9 + rng.IntN(2)
		case p < 0.75:
			it.Score = 7 + rng.IntN(2)
		default:
			it.Score = rng.IntN(7)
		}
		if rng.Float64() < 0.3 {
			c := make([]string, 5+rng.IntN(36))
			for j := range c {
				c[j] = words[rng.IntN(len(words))]
			}
			it.Comment = strings.Join(c, " ")
		}
		if rng.IntN(2) == 0 {
			it.AccountID = accounts[rng.IntN(len(accounts))]
		}
		items[i] = it
	}
	body, err := json.Marshal(map[string]any{"responses": items})
	if err != nil {
		panic(err)
	}
	return body
}

// BenchmarkParseResponses measures the strict parsing of a batch of 1,000
// responses, the API's own share of ingestion before the store's.
func BenchmarkParseResponses(b *testing.B) {
	accounts := make([]int64, 200)
	for i := range accounts {
		accounts[i] = int64(i + 1)
	}
	body := benchBatch(1, accounts, 1000)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := parseResponses(body); err != nil {
			b.Fatal(err)
		}
	}
}
