// Package jobs runs Promotor's background work on River, a durable job
// queue kept in the same database as everything else: SQLite or
// PostgreSQL. Every serve process runs a queue; River elects one leader
// among them to schedule the periodic tasks, and a job is worked by one
// process only.
//
// Periodic tasks are declared in one table (see Task); a task must be
// safe to run again after a crash and beside another process's run of it,
// which the tasks Promotor has make true by claiming their rows in the
// database (the outbox of internal/send, for example).
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/store"
)

// Task is a periodic task: Run is called every Every, by one process of
// those sharing the database, and should return within Timeout.
type Task struct {
	Name    string
	Every   time.Duration
	Timeout time.Duration
	Run     func(ctx context.Context) error
}

// Options tunes a Queue; the zero value suits production.
type Options struct {
	// PollInterval is how often each process looks for jobs to work;
	// default a quarter of a second, so that an alert's email follows
	// its answer within seconds.
	PollInterval time.Duration
	// Metrics counts the runs of tasks and jobs; nil counts nothing.
	Metrics *metrics.Metrics
}

// Queue is a running River client with Promotor's workers.
type Queue struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
	kinds  []Kind
}

// driver returns River's driver for the pool of db.
func driver(db *store.DB, pool *sql.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect() == store.Postgres {
		return riverdatabasesql.New(pool)
	}
	return riversqlite.New(pool)
}

// Migrate creates or updates River's tables.
func Migrate(ctx context.Context, db *store.DB) error {
	pool, err := db.Pool(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	m, err := rivermigrate.New(driver(db, pool), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// taskArgs is the job of one run of a periodic task.
type taskArgs struct {
	Task string `json:"task"`
}

func (taskArgs) Kind() string { return "task" }

// InsertOpts tries each run once: the next period brings the next run.
// Runs are not made unique, since River's uniqueness counts a running job
// too, so that a run left behind by a process that died would hold up the
// task until River rescues it; a run that finds the task busy in its
// process returns at once instead (see taskWorker), and a run in another
// process is safe by the tasks' claims.
func (taskArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// taskWorker runs the tasks by name. A task whose previous run in this
// process is still going skips its turn, so that a slow run is not joined
// by a second one.
type taskWorker struct {
	river.WorkerDefaults[taskArgs]
	tasks   map[string]Task
	running map[string]*sync.Mutex
	metrics *metrics.Metrics
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[taskArgs]) error {
	t, ok := w.tasks[job.Args.Task]
	if !ok {
		return river.JobCancel(fmt.Errorf("no task named %q", job.Args.Task))
	}
	mu := w.running[t.Name]
	start := time.Now()
	if !mu.TryLock() {
		w.metrics.ObserveJob(t.Name, metrics.OutcomeSkipped, time.Since(start))
		return nil
	}
	defer mu.Unlock()
	err := t.Run(ctx)
	w.metrics.ObserveJob(t.Name, outcome(err), time.Since(start))
	return err
}

// outcome is the outcome label of a job that returned err.
func outcome(err error) string {
	if err != nil {
		return metrics.OutcomeFailed
	}
	return metrics.OutcomeOK
}

func (w *taskWorker) Timeout(job *river.Job[taskArgs]) time.Duration {
	if t, ok := w.tasks[job.Args.Task]; ok && t.Timeout > 0 {
		return t.Timeout
	}
	return time.Minute
}

// Start starts a queue on db that runs tasks and the jobs of kinds,
// until Stop. ctx bounds the start only: River cancels its running jobs
// when the context it started with ends, and a stop signal that ends the
// caller's context must let them finish instead (Stop).
func Start(ctx context.Context, db *store.DB, log *slog.Logger, tasks []Task, kinds []Kind, opts Options) (*Queue, error) {
	pool, err := db.Pool(ctx)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	byName, err := checkKinds(kinds)
	if err != nil {
		return nil, err
	}
	q := &Queue{log: log, kinds: kinds}
	if len(kinds) > 0 {
		tasks = append(tasks, Task{Name: "dispatch", Every: time.Second, Timeout: time.Minute, Run: q.dispatch})
	}
	w := &taskWorker{tasks: map[string]Task{}, running: map[string]*sync.Mutex{}, metrics: opts.Metrics}
	var periodic []*river.PeriodicJob
	longest := time.Minute
	for _, t := range tasks {
		if _, dup := w.tasks[t.Name]; dup || t.Every <= 0 || t.Run == nil {
			return nil, fmt.Errorf("jobs: task %q is declared twice or without a period or function", t.Name)
		}
		w.tasks[t.Name], w.running[t.Name] = t, &sync.Mutex{}
		longest = max(longest, t.Timeout)
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(t.Every),
			func() (river.JobArgs, *river.InsertOpts) { return taskArgs{Task: t.Name}, nil },
			&river.PeriodicJobOpts{ID: t.Name, RunOnStart: true}))
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &rowWorker{kinds: byName, metrics: opts.Metrics}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	for _, k := range kinds {
		longest = max(longest, k.Timeout)
	}
	poll := opts.PollInterval
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	client, err := river.NewClient(driver(db, pool), &river.Config{
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2*len(tasks) + 4*len(kinds)}},
		Workers:      workers,
		PeriodicJobs: periodic,
		// River reports its routine at Info every few seconds; its
		// warnings and errors are what an operator needs.
		Logger: slog.New(warnings{log.Handler()}).With("component", "jobs"),
		// Poll-only drivers: both are database/sql, which cannot LISTEN.
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, 100*time.Millisecond),
		// A run that its process left behind by dying is given up after
		// this, and the next one scheduled.
		RescueStuckJobsAfter:        2 * longest,
		CompletedJobRetentionPeriod: time.Hour,
		MaxAttempts:                 1,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client = client
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return q, nil
}

// cancelWait bounds how long Stop waits for cancelled jobs to return.
const cancelWait = 5 * time.Second

// Stop fetches no more jobs and lets the running ones finish until ctx
// ends; then it cancels them, and waits cancelWait at most for them to
// hand their work back (a message's lease, say). A job that does not
// return by then is left to River, which runs it again after
// RescueStuckJobsAfter.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if ctx.Err() != nil {
		cctx, cancel := context.WithTimeout(context.Background(), cancelWait)
		defer cancel()
		err = q.client.StopAndCancel(cctx)
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// warnings passes on the records of Warn level and above.
type warnings struct{ slog.Handler }

func (w warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnings) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnings{w.Handler.WithAttrs(attrs)}
}
func (w warnings) WithGroup(name string) slog.Handler { return warnings{w.Handler.WithGroup(name)} }
