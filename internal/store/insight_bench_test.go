package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/promotor/promotor/internal/store"
)

// BenchmarkInsightWorkload times what the insight and money pages read on
// the benchmark workload (analysed with promotor analyse): the themes,
// sentiment and switching answers of every wave, the accounts of the last
// wave with their revenue in its year and the next, and the earned-growth
// sums of every year. "scan" is the baseline: the themes of the last wave
// and its per-account histograms counted from the responses themselves.
func BenchmarkInsightWorkload(b *testing.B) {
	eachWorkload(b, func(b *testing.B, db *store.DB, w workloadDB) {
		ctx := context.Background()
		last := w.waves[len(w.waves)-1]
		b.Run("scan", func(b *testing.B) {
			if os.Getenv("PROMOTOR_BENCH_NOSCAN") == "1" {
				b.Skip("PROMOTOR_BENCH_NOSCAN=1")
			}
			var themes, accounts int
			for b.Loop() {
				var err error
				if themes, accounts, err = store.ScanInsight(ctx, db, w.ws, last); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%d theme × score cells, %d account × score cells", themes, accounts)
		})
		b.Run("themes", func(b *testing.B) {
			var ins []store.WaveInsight
			for b.Loop() {
				var err error
				if ins, err = db.Insight(ctx, w.ws, w.survey, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			lw := ins[len(ins)-1]
			if lw.Commented.N() == 0 {
				b.Fatal("the last wave has no analysed comments: run promotor analyse on the workload")
			}
			b.Logf("last wave: %d responses, %d commented, %d themes", lw.All.N(), lw.Commented.N(), len(lw.Themes))
		})
		b.Run("accounts", func(b *testing.B) {
			var l []store.AccountYear
			for b.Loop() {
				var err error
				if l, err = db.AccountYears(ctx, w.ws, last, 2025, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			withNext := 0
			for _, a := range l {
				if a.HasRevenueNext {
					withNext++
				}
			}
			if len(l) == 0 || withNext == 0 {
				b.Fatalf("%d accounts, %d with next year's revenue: load the workload again (it writes revenue)", len(l), withNext)
			}
			b.Logf("%d accounts, %d with revenue in 2026", len(l), withNext)
		})
		b.Run("growth", func(b *testing.B) {
			var g []store.GrowthYear
			for b.Loop() {
				var err error
				if g, err = db.GrowthYears(ctx, w.ws); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if len(g) == 0 {
				b.Fatal("no years of revenue")
			}
		})
		b.Run("all", func(b *testing.B) {
			for b.Loop() {
				_, err1 := db.Insight(ctx, w.ws, w.survey, 0)
				_, err2 := db.AccountYears(ctx, w.ws, last, 2025, 0)
				_, err3 := db.GrowthYears(ctx, w.ws)
				if err := firstErr(err1, err2, err3); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
