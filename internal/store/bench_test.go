package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// BenchmarkRecordResponse measures one durable answer: a first answer
// (insert and rollup), and a changed answer (revision, update and two
// rollup cells), each its own transaction.
func BenchmarkRecordResponse(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			ctx := context.Background()
			f := newFixture(b, storetest.Open(b, d), "bench")
			b.Run("first", func(b *testing.B) {
				r := nps.Response{WaveID: f.wave.ID, AccountID: f.account.ID, Comment: "Quick and friendly.", Channel: nps.ChannelAPI}
				for i := 0; b.Loop(); i++ {
					r.Score = i % 11
					if _, err := f.db.RecordResponse(ctx, f.ws.ID, r); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("change", func(b *testing.B) {
				r := nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Channel: nps.ChannelLink}
				for i := 0; b.Loop(); i++ {
					r.Score = i % 11
					if _, err := f.db.RecordResponse(ctx, f.ws.ID, r); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// The rollup of the benchmark workload (see perf/WORKLOAD.md): 2,000
// accounts in 10 segments, five yearly waves of twelve months, every
// account answering every month: 120,000 cells, as from 10 million
// responses.
const (
	benchAccounts = 2000
	benchSegments = 10
	benchWaves    = 5
)

// BenchmarkHistogram answers the workload's six dashboard questions from
// the rollup.
func BenchmarkHistogram(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, d)
			ws, waves := seedRollup(b, db)
			last := waves[len(waves)-1]
			lastYear := nps.MonthOf(last.OpensAt) / 100 * 100
			bySegment := store.GroupBy{Dimension: store.GroupSegment, Attribute: "industry"}
			queries := []struct {
				name string
				run  func() (int64, error)
			}{
				{"Q1-per-wave", groups(db, ws, store.HistogramFilter{}, store.GroupBy{Dimension: store.GroupWave})},
				{"Q2-segments-of-wave", groups(db, ws, store.HistogramFilter{WaveID: last.ID}, bySegment)},
				{"Q3-per-month", groups(db, ws, store.HistogramFilter{}, store.GroupBy{Dimension: store.GroupMonth})},
				{"Q4-accounts-of-wave", groups(db, ws, store.HistogramFilter{WaveID: last.ID}, store.GroupBy{Dimension: store.GroupAccount})},
				{"Q5-segments-of-wave-months", groups(db, ws,
					store.HistogramFilter{WaveID: last.ID, FromMonth: lastYear + 3, ToMonth: lastYear + 6}, bySegment)},
				{"Q6-wave", func() (int64, error) {
					h, err := db.Histogram(ctx, ws, store.HistogramFilter{WaveID: last.ID})
					return h.N(), err
				}},
				{"workspace", func() (int64, error) {
					h, err := db.Histogram(ctx, ws, store.HistogramFilter{})
					return h.N(), err
				}},
			}
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					for b.Loop() {
						if n, err := q.run(); err != nil || n == 0 {
							b.Fatalf("got %d, %v, want responses", n, err)
						}
					}
				})
			}
		})
	}
}

// groups returns a query of Histograms that reports the responses it
// counted.
func groups(db *store.DB, ws int64, f store.HistogramFilter, g store.GroupBy) func() (int64, error) {
	return func() (int64, error) {
		gs, err := db.Histograms(context.Background(), ws, f, g)
		var n int64
		for _, g := range gs {
			n += g.Histogram.N()
		}
		return n, err
	}
}

// seedRollup writes the workload's accounts and rollup cells directly, in
// batches, since recording ten million responses one by one would take
// hours.
func seedRollup(b *testing.B, db *store.DB) (int64, []nps.Wave) {
	b.Helper()
	ctx := context.Background()
	setClock(db)
	ws := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "workload", Name: "Workload"}))(b)
	survey := must(db.CreateSurvey(ctx, ws.ID, sampleSurvey()))(b)
	var waves []nps.Wave
	for i := range benchWaves {
		opens := time.Date(2021+i, 1, 1, 0, 0, 0, 0, time.UTC)
		waves = append(waves, must(db.CreateWave(ctx, ws.ID, nps.Wave{
			SurveyID: survey.ID, Name: fmt.Sprint(2021 + i), OpensAt: opens, ClosesAt: opens.AddDate(1, 0, 0),
		}))(b))
	}
	raw := store.RawSQL(db)
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	insert := func(table string, cols []string, rows [][]any) {
		const batch = 100
		for len(rows) > 0 {
			n := min(batch, len(rows))
			var values []string
			var args []any
			for _, row := range rows[:n] {
				ph := make([]string, len(row))
				for i := range row {
					args = append(args, row[i])
					ph[i] = fmt.Sprintf("$%d", len(args))
				}
				values = append(values, "("+strings.Join(ph, ", ")+")")
			}
			query := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Join(values, ", ")
			if _, err := tx.ExecContext(ctx, query, args...); err != nil {
				b.Fatal(err)
			}
			rows = rows[n:]
		}
	}
	var accounts [][]any
	for i := range benchAccounts {
		accounts = append(accounts, []any{ws.ID, fmt.Sprintf("A-%04d", i), fmt.Sprintf("Account %d", i),
			fmt.Sprintf("Segment %d", i%benchSegments), "active", t0, t0})
	}
	insert("accounts", []string{"workspace_id", "external_id", "name", "industry", "status", "created_at", "updated_at"}, accounts)
	var firstAccount int64
	if err := tx.QueryRowContext(ctx, `SELECT min(id) FROM accounts WHERE workspace_id = $1`, ws.ID).Scan(&firstAccount); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(10, 2025))
	var cells, totals [][]any
	for _, w := range waves {
		for m := range 12 {
			month := int(nps.MonthOf(w.OpensAt)) + m
			var sum nps.Histogram
			for a := range int64(benchAccounts) {
				row := []any{ws.ID, survey.ID, w.ID, firstAccount + a, month}
				for s := range sum {
					n := rng.Int64N(16)
					sum[s] += n
					row = append(row, n)
				}
				cells = append(cells, row)
			}
			row := []any{ws.ID, survey.ID, w.ID, month}
			for _, n := range sum {
				row = append(row, n)
			}
			totals = append(totals, row)
		}
	}
	scoreCols := strings.Split(strings.ReplaceAll(scores, " ", ""), ",")
	insert("score_rollup", append([]string{"workspace_id", "survey_id", "wave_id", "account_id", "month"}, scoreCols...), cells)
	insert("score_totals", append([]string{"workspace_id", "survey_id", "wave_id", "month"}, scoreCols...), totals)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// Autovacuum would analyze the new rows soon; SQLite, like Promotor,
	// never does, and its plans must be good without statistics.
	if db.Dialect() == store.Postgres {
		if _, err := raw.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	return ws.ID, waves
}

// BenchmarkRecordResponseConcurrent measures durable answers from 64
// concurrent callers, with group commit and with one commit per answer.
func BenchmarkRecordResponseConcurrent(b *testing.B) {
	for _, d := range storetest.Dialects() {
		for _, group := range []bool{true, false} {
			name := d.String() + "/group-commit"
			if !group {
				name = d.String() + "/commit-each"
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				f := newFixture(b, storetest.Open(b, d), "bench")
				f.db.GroupCommit = group
				f.clock.add(time.Hour)
				r := nps.Response{WaveID: f.wave.ID, AccountID: f.account.ID, Comment: "Quick and friendly.", Channel: nps.ChannelAPI}
				b.SetParallelism(64 / max(1, runtime.GOMAXPROCS(0)))
				b.RunParallel(func(pb *testing.PB) {
					for i := 0; pb.Next(); i++ {
						r := r
						r.Score = i % 11
						if _, err := f.db.RecordResponse(ctx, f.ws.ID, r); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
			})
		}
	}
}
