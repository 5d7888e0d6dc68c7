package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/jobs"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startQueue migrates River's tables and starts a queue on db that runs
// the tasks until the test ends.
func startQueue(t *testing.T, db *store.DB, tasks ...jobs.Task) {
	t.Helper()
	startKinds(t, db, tasks, nil)
}

// startKinds is startQueue with kinds of jobs.
func startKinds(t *testing.T, db *store.DB, tasks []jobs.Task, kinds []jobs.Kind) {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.Start(ctx, db, quiet, tasks, kinds, jobs.Options{PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
}

// waitCount waits until n reaches at least want.
func waitCount(t *testing.T, n *atomic.Int64, want int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for n.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("task ran %d times in 20 s, want at least %d", n.Load(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A periodic task runs again and again, also after one of its runs fails.
func TestPeriodicTask(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var runs atomic.Int64
		startQueue(t, db, jobs.Task{Name: "tick", Every: 200 * time.Millisecond, Run: func(ctx context.Context) error {
			if runs.Add(1) == 1 {
				return context.DeadlineExceeded
			}
			return nil
		}})
		waitCount(t, &runs, 3)
	})
}

// Two processes on one PostgreSQL database share the schedule: a task
// runs about as often as its period says, not once per process.
func TestPeriodicTaskTwoProcesses(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	var runs atomic.Int64
	task := jobs.Task{Name: "tick", Every: 300 * time.Millisecond, Run: func(ctx context.Context) error {
		runs.Add(1)
		return nil
	}}
	startQueue(t, storetest.OpenDSN(t, dsn), task)
	startQueue(t, storetest.OpenDSN(t, dsn), task)
	waitCount(t, &runs, 2)
	start, before := time.Now(), runs.Load()
	time.Sleep(3 * time.Second)
	got := runs.Load() - before
	if limit := int64(time.Since(start)/task.Every) + 2; got > limit {
		t.Fatalf("two processes ran the task %d times in %v, want at most %d (once per period)", got, time.Since(start), limit)
	}
}

func TestTaskTable(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	noop := func(context.Context) error { return nil }
	for name, tasks := range map[string][]jobs.Task{
		"twice":     {{Name: "a", Every: time.Second, Run: noop}, {Name: "a", Every: time.Second, Run: noop}},
		"no period": {{Name: "a", Run: noop}},
		"no func":   {{Name: "a", Every: time.Second}},
	} {
		if _, err := jobs.Start(context.Background(), db, quiet, tasks, nil, jobs.Options{}); err == nil {
			t.Errorf("%s: Start succeeded, want an error", name)
		}
	}
}
