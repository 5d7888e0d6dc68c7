package annual_test

import (
	"cmp"
	"context"
	"io"
	"os"
	"testing"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/report"
	"github.com/promotor/promotor/internal/store"
)

// BenchmarkReportWorkload makes the annual report of the last wave of the
// benchmark workload (promotor load-workload; docs/PERFORMANCE.md), whole:
// gathering the figures from the store, and then writing the PDF or the
// HTML; beside them, as the baseline, the one query a report could not
// do without if it read the responses: the wave's score counts from the
// responses table. PROMOTOR_BENCH_SQLITE names a SQLite file, PROMOTOR_BENCH_POSTGRES
// a PostgreSQL URL, PROMOTOR_BENCH_WORKSPACE the workspace ("workload").
//
//	PROMOTOR_BENCH_SQLITE=/var/tmp/workload_10m.db go test ./internal/annual -run '^$' -bench BenchmarkReportWorkload -count 5
func BenchmarkReportWorkload(b *testing.B) {
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	slug := cmp.Or(os.Getenv("PROMOTOR_BENCH_WORKSPACE"), "workload")
	for _, d := range []struct{ name, env string }{{"sqlite", "PROMOTOR_BENCH_SQLITE"}, {"postgres", "PROMOTOR_BENCH_POSTGRES"}} {
		b.Run(d.name, func(b *testing.B) {
			dsn := os.Getenv(d.env)
			if dsn == "" {
				b.Skipf("%s not set: name a database that promotor load-workload filled", d.env)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			ws, err := db.WorkspaceBySlug(ctx, slug)
			if err != nil {
				b.Fatalf("workspace %q: %v", slug, err)
			}
			surveys, err := db.Surveys(ctx, ws.ID)
			if err != nil || len(surveys) == 0 {
				b.Fatalf("surveys: %v, %v", surveys, err)
			}
			waves, err := db.Waves(ctx, ws.ID, surveys[0].ID)
			if err != nil || len(waves) == 0 {
				b.Fatalf("waves: %v, %v", waves, err)
			}
			o := annual.Options{WaveID: waves[len(waves)-1].ID, Lang: "nl"}
			b.Run("scan", func(b *testing.B) {
				pool, err := db.Pool(ctx)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					rows, err := pool.QueryContext(ctx, `SELECT score, COUNT(*) FROM responses WHERE workspace_id = $1 AND wave_id = $2 GROUP BY score`, ws.ID, o.WaveID)
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					if err := rows.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
			for _, format := range []struct {
				name  string
				write func(io.Writer, report.Report) error
			}{{"gather", nil}, {"pdf", report.PDF}, {"html", report.HTML}} {
				b.Run(format.name, func(b *testing.B) {
					for b.Loop() {
						r, err := annual.Gather(ctx, db, cat, ws, o)
						if err != nil {
							b.Fatal(err)
						}
						if format.write != nil {
							if err := format.write(io.Discard, r); err != nil {
								b.Fatal(err)
							}
						}
					}
				})
			}
		})
	}
}
