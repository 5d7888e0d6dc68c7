package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestRecordResponsesAllOrNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "batch")
		f.clock.add(time.Hour)
		before := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t)

		bad := []nps.Response{
			{WaveID: f.wave.ID, Score: 9, Channel: nps.ChannelAPI},
			{WaveID: f.wave.ID, Score: 11, Channel: nps.ChannelAPI},
			{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 3, Channel: nps.ChannelAPI},
			{WaveID: f.wave.ID + 1000, Score: 5, Channel: nps.ChannelAPI},
		}
		_, err := db.RecordResponses(ctx, f.ws.ID, bad)
		var be *store.BatchError
		if !errors.As(err, &be) {
			t.Fatalf("RecordResponses with a score of 11 and an unknown wave: got %v, want a BatchError", err)
		}
		if got := []int{be.Items[0].Index, be.Items[1].Index}; len(be.Items) != 2 || got[0] != 1 || got[1] != 3 {
			t.Errorf("BatchError items: got %+v, want indexes 1 and 3", be.Items)
		}
		if !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("BatchError %v: errors.Is(ErrNotFound) is false, want true for the unknown wave", err)
		}
		if h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t); h != before {
			t.Errorf("histogram after a refused batch: got %v, want unchanged %v", h, before)
		}

		good := []nps.Response{bad[0], bad[2], {WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 10, Channel: nps.ChannelAPI}}
		stored := must(db.RecordResponses(ctx, f.ws.ID, good))(t)
		if stored[1].ID != stored[2].ID || stored[2].Revision != 2 || stored[0].ID == 0 {
			t.Errorf("batch with two answers of one contact: got %+v, want the second to revise the first", stored)
		}
		want := nps.Histogram{}
		want.Add(9)
		want.Add(10)
		if h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{})); h(t) != want {
			t.Errorf("histogram after the batch: got %v, want %v", h(t), want)
		}
		if got, want := storedRollup(t, db, f.ws.ID), rollupFromResponses(t, db, f.ws.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("rollup after the batch: got %v, want %v", got, want)
		}

		for _, n := range []int{0, store.MaxBatch + 1} {
			if _, err := db.RecordResponses(ctx, f.ws.ID, make([]nps.Response, n)); !errors.As(err, new(*nps.ValidationError)) {
				t.Errorf("RecordResponses with %d responses: got %v, want a validation error", n, err)
			}
		}
	})
}

// TestGroupCommit submits many answers at once, some of them refused, and
// checks that each caller gets its own outcome and the rollup matches.
func TestGroupCommit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "group")
		f.clock.add(time.Hour)
		const clients, each = 32, 10
		contacts := make([]nps.Contact, clients)
		for i := range contacts {
			contacts[i] = f.addContact(t, fmt.Sprintf("c%d@acme.example", i))
		}
		var wg sync.WaitGroup
		errs := make(chan error, clients*each)
		for c := range clients {
			wg.Go(func() {
				for i := range each {
					r := nps.Response{WaveID: f.wave.ID, Score: (c + i) % 11, Channel: nps.ChannelLink}
					switch i % 5 {
					case 0: // a named answer, changed on every round
						r.ContactID = contacts[c].ID
					case 4: // refused: not a wave of this workspace
						r.WaveID = f.wave.ID + 1000
					}
					stored, err := db.RecordResponse(ctx, f.ws.ID, r)
					switch {
					case i%5 == 4 && !errors.Is(err, nps.ErrNotFound):
						errs <- fmt.Errorf("client %d answer %d to an unknown wave: got %v, want ErrNotFound", c, i, err)
					case i%5 != 4 && (err != nil || stored.ID == 0 || stored.Score != r.Score):
						errs <- fmt.Errorf("client %d answer %d: got %+v, %v", c, i, stored, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		h := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{}))(t)
		// Per client: 2 named answers that revise one response, 6 anonymous.
		if want := int64(clients * (1 + 6)); h.N() != want {
			t.Errorf("responses after the load: got %d, want %d", h.N(), want)
		}
		if got, want := storedRollup(t, db, f.ws.ID), rollupFromResponses(t, db, f.ws.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("rollup after the load: got %v, want %v", got, want)
		}
	})
}

func TestRecordResponseCancelledOrClosed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, "cancel")
		f.clock.add(time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := nps.Response{WaveID: f.wave.ID, Score: 7, Channel: nps.ChannelLink}
		if _, err := db.RecordResponse(ctx, f.ws.ID, r); !errors.Is(err, context.Canceled) {
			t.Errorf("RecordResponse with a cancelled context: got %v, want context.Canceled", err)
		}
		if h := must(db.Histogram(context.Background(), f.ws.ID, store.HistogramFilter{}))(t); h.N() != 0 {
			t.Errorf("responses after a cancelled answer: got %d, want 0", h.N())
		}
		db.Close()
		if _, err := db.RecordResponse(context.Background(), f.ws.ID, r); err == nil {
			t.Error("RecordResponse on a closed database: got no error, want one")
		}
	})
}

// TestRecordResponsesIDs checks that the answers inserted together get
// their own IDs, across the multi-row statements of a large batch.
func TestRecordResponsesIDs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "ids")
		f.clock.add(time.Hour)
		rs := make([]nps.Response, 700)
		for i := range rs {
			rs[i] = nps.Response{WaveID: f.wave.ID, Score: i % 11, Comment: fmt.Sprint("answer ", i), Channel: nps.ChannelAPI}
			if i%3 == 0 {
				rs[i].AccountID = f.account.ID
			}
		}
		rs[350].ContactID = f.contact.ID // a named answer among them
		stored := must(db.RecordResponses(ctx, f.ws.ID, rs))(t)
		seen := map[int64]bool{}
		for i, s := range stored {
			got := must(db.Response(ctx, f.ws.ID, s.ID))(t)
			if seen[s.ID] || got.Comment != rs[i].Comment || got.Score != rs[i].Score {
				t.Fatalf("response %d: ID %d holds %q (score %d), want %q (score %d), once", i, s.ID, got.Comment, got.Score, rs[i].Comment, rs[i].Score)
			}
			seen[s.ID] = true
		}
		if got, want := storedRollup(t, db, f.ws.ID), rollupFromResponses(t, db, f.ws.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("rollup after the batch: got %v, want %v", got, want)
		}
	})
}

// Every answer of a large batch has its event, in statements of a few
// hundred rows; imported answers have none.
func TestResponseEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "events")
		batch := make([]nps.Response, 600)
		for i := range batch {
			batch[i] = nps.Response{WaveID: f.wave.ID, Score: i % 11, Channel: nps.ChannelAPI}
		}
		must(db.RecordResponses(ctx, f.ws.ID, batch))(t)
		for i := range batch {
			batch[i].Channel = nps.ChannelImport
		}
		must(db.RecordResponses(ctx, f.ws.ID, batch))(t)
		var n, subjects int
		err := store.RawSQL(db).QueryRowContext(ctx, `SELECT count(*), count(DISTINCT subject_id) FROM events
			WHERE workspace_id = $1 AND kind = 'response.created'`, f.ws.ID).Scan(&n, &subjects)
		if err != nil {
			t.Fatal(err)
		}
		if n != 600 || subjects != 600 {
			t.Errorf("events of 600 answers and 600 imported ones: got %d for %d answers, want 600 for 600", n, subjects)
		}
	})
}
