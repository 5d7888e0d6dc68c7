package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/jobs"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// rows is a stand-in for a table of rows that wait for work: a row is
// pending until its work succeeds or its last attempt is made, and waits
// for a job until Queued records that it has one. The first Queued
// fails when queuedFails is set, as a process dying after the insert
// would.
type rows struct {
	mu          sync.Mutex
	pending     map[int64]bool
	queued      map[int64]bool
	queuedFails bool
	attempts    map[int64]int
	running     map[int64]bool
	failures    int // how many first attempts of each row fail
	overlap     bool
	final       map[int64]bool
}

func (r *rows) Pending(context.Context) ([]int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []int64
	for id, p := range r.pending {
		if p && !r.queued[id] {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (r *rows) Queued(_ context.Context, ids []int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queuedFails {
		r.queuedFails = false
		return errors.New("died before recording it")
	}
	for _, id := range ids {
		r.queued[id] = true
	}
	return nil
}

// waiting lists the rows still pending.
func (r *rows) waiting() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []int64
	for id, p := range r.pending {
		if p {
			ids = append(ids, id)
		}
	}
	return ids
}

func (r *rows) Work(_ context.Context, id int64, last bool) error {
	r.mu.Lock()
	if r.running[id] {
		r.overlap = true
	}
	r.running[id] = true
	r.attempts[id]++
	n := r.attempts[id]
	r.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running[id] = false
	if n <= r.failures {
		if last {
			r.pending[id], r.final[id] = false, true
		}
		return errors.New("receiver down")
	}
	r.pending[id] = false
	return nil
}

// A pending row is worked until it succeeds, retried after its back-off,
// never twice at once, and not again once done, also when the first
// sweep's Queued failed, so that the next sweep lists the rows again.
func TestKindRetriesUntilDone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		r := &rows{pending: map[int64]bool{1: true, 2: true, 3: true}, queued: map[int64]bool{}, queuedFails: true,
			attempts: map[int64]int{}, running: map[int64]bool{}, final: map[int64]bool{}, failures: 2}
		startKinds(t, db, nil, []jobs.Kind{{
			Name: "row", MaxAttempts: 5, Timeout: 5 * time.Second,
			Backoff: func(int) time.Duration { return 1500 * time.Millisecond },
			Pending: r.Pending, Queued: r.Queued, Work: r.Work,
		}})
		deadline := time.Now().Add(30 * time.Second)
		for {
			ids := r.waiting()
			if len(ids) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("rows %v still pending after 30 s", ids)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(1500 * time.Millisecond) // a sweep or two more
		r.mu.Lock()
		defer r.mu.Unlock()
		for id := int64(1); id <= 3; id++ {
			if got := r.attempts[id]; got != 3 {
				t.Errorf("row %d: got %d attempts, want 3 (two failures, one success)", id, got)
			}
		}
		if r.overlap {
			t.Error("a row was worked twice at once")
		}
	})
}

// The last attempt is told that it is the last.
func TestKindLastAttempt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		r := &rows{pending: map[int64]bool{7: true}, queued: map[int64]bool{}, attempts: map[int64]int{}, running: map[int64]bool{}, final: map[int64]bool{}, failures: 100}
		startKinds(t, db, nil, []jobs.Kind{{
			Name: "row", MaxAttempts: 2, Timeout: 5 * time.Second,
			Backoff: func(int) time.Duration { return 100 * time.Millisecond },
			Pending: r.Pending, Queued: r.Queued, Work: r.Work,
		}})
		deadline := time.Now().Add(20 * time.Second)
		for {
			r.mu.Lock()
			done := r.final[7]
			r.mu.Unlock()
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the last attempt was not told it was the last")
			}
			time.Sleep(50 * time.Millisecond)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if got := r.attempts[7]; got != 2 {
			t.Errorf("got %d attempts, want 2", got)
		}
	})
}
