package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestRecordResponsesOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "idempotency")
		other := newFixture(t, db, "other")
		f.clock = setClock(db)
		batch := []nps.Response{
			{WaveID: f.wave.ID, Score: 10, Channel: nps.ChannelAPI},
			{WaveID: f.wave.ID, Score: 3, Channel: nps.ChannelAPI},
		}
		calls := 0
		answer := func(rs []nps.Response) (store.StoredAnswer, error) {
			calls++
			return store.StoredAnswer{Status: 201, Body: fmt.Appendf(nil, `{"ids":[%d,%d]}`, rs[0].ID, rs[1].ID)}, nil
		}
		count := func() int64 {
			t.Helper()
			return must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t).N()
		}

		first, replayed, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-1", "hash-a", batch, answer)
		if err != nil || replayed || first.Status != 201 || !strings.HasPrefix(string(first.Body), `{"ids":[`) || count() != 2 {
			t.Fatalf("first request: got %+v replayed %v err %v, %d responses; want 201, recorded 2", first, replayed, err, count())
		}
		again, replayed, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-1", "hash-a", batch, answer)
		if err != nil || !replayed || again.Status != first.Status || string(again.Body) != string(first.Body) || calls != 1 || count() != 2 {
			t.Errorf("retry: got %+v replayed %v err %v, %d calls, %d responses; want the first answer replayed, nothing recorded",
				again, replayed, err, calls, count())
		}
		var ve *nps.ValidationError
		if _, _, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-1", "hash-b", batch, answer); !errors.As(err, &ve) || ve.Field != "Idempotency-Key" || count() != 2 {
			t.Errorf("same key, other body: got %v, %d responses; want an Idempotency-Key error and nothing recorded", err, count())
		}
		// Keys are per workspace.
		otherBatch := []nps.Response{{WaveID: other.wave.ID, Score: 9, Channel: nps.ChannelAPI}}
		if _, replayed, err := db.RecordResponsesOnce(ctx, other.ws.ID, "key-1", "hash-b", otherBatch, func([]nps.Response) (store.StoredAnswer, error) {
			return store.StoredAnswer{Status: 201, Body: []byte("{}")}, nil
		}); err != nil || replayed {
			t.Errorf("the same key in another workspace: replayed %v, err %v; want recorded", replayed, err)
		}

		// A refused batch keeps no key: its corrected retry records.
		bad := []nps.Response{{WaveID: f.wave.ID, Score: 8, Channel: nps.ChannelAPI}, {WaveID: f.wave.ID + 1000, Score: 8, Channel: nps.ChannelAPI}}
		var be *store.BatchError
		if _, _, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-2", "hash-c", bad, answer); !errors.As(err, &be) || len(be.Items) != 1 || be.Items[0].Index != 1 || count() != 2 {
			t.Errorf("refused batch: got %v, %d responses; want a BatchError on item 1 and nothing recorded", err, count())
		}
		if _, replayed, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-2", "hash-d", batch, answer); err != nil || replayed || count() != 4 {
			t.Errorf("retry of a refused batch: replayed %v, err %v, %d responses; want recorded, 4", replayed, err, count())
		}

		// After a day the key is forgotten, and deleted when another is stored.
		f.clock.add(store.IdempotencyTTL)
		if _, replayed, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-3", "hash-e", batch, answer); err != nil || replayed {
			t.Errorf("a new key a day later: replayed %v, err %v", replayed, err)
		}
		var keys int
		if err := store.RawSQL(db).QueryRowContext(ctx, `SELECT COUNT(*) FROM idempotency_keys WHERE workspace_id = $1`, f.ws.ID).Scan(&keys); err != nil || keys != 1 {
			t.Errorf("keys kept after a day: %d (%v), want only the new one", keys, err)
		}
		if _, replayed, err := db.RecordResponsesOnce(ctx, f.ws.ID, "key-1", "hash-b", batch, answer); err != nil || replayed || count() != 8 {
			t.Errorf("an expired key with another body: replayed %v, err %v, %d responses; want recorded anew", replayed, err, count())
		}

		for _, key := range []string{"", strings.Repeat("k", 256), "tab\there", "é"} {
			if _, _, err := db.RecordResponsesOnce(ctx, f.ws.ID, key, "h", batch, answer); !errors.As(err, &ve) || ve.Field != "Idempotency-Key" {
				t.Errorf("key %q: got %v, want an Idempotency-Key error", key, err)
			}
		}
		if err := store.CheckIdempotencyKey(strings.Repeat("~", 255)); err != nil {
			t.Errorf("CheckIdempotencyKey of 255 printable characters: %v", err)
		}
	})
}

func TestRecordResponsesOnceConcurrent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "concurrent-key")
		f.clock.add(time.Hour)
		batch := []nps.Response{{WaveID: f.wave.ID, Score: 9, Channel: nps.ChannelAPI}}
		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		bodies := map[string]int{}
		recorded := 0
		for range n {
			wg.Go(func() {
				a, replayed, err := db.RecordResponsesOnce(ctx, f.ws.ID, "same", "hash", batch, func(rs []nps.Response) (store.StoredAnswer, error) {
					return store.StoredAnswer{Status: 201, Body: fmt.Appendf(nil, "%d", rs[0].ID)}, nil
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("concurrent request: %v", err)
					return
				}
				if !replayed {
					recorded++
				}
				bodies[string(a.Body)]++
			})
		}
		wg.Wait()
		if h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t); recorded != 1 || len(bodies) != 1 || h.N() != 1 {
			t.Errorf("%d concurrent requests with one key: %d recorded, answers %v, %d responses; want 1, one answer, 1", n, recorded, bodies, h.N())
		}
	})
}
