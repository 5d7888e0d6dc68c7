package store_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
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
