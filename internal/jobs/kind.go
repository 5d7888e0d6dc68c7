package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/promotor/promotor/internal/metrics"
)

// Kind is a kind of one-off job about one database row: an email to
// send, a webhook to deliver. The row itself says whether it waits for
// a job; the queue asks Pending every second for the rows that do, puts
// each on the queue and tells Queued, so that Pending no longer lists
// them. Work then does the job; an error is tried again after
// Backoff(attempt), until MaxAttempts, and last tells Work that no
// attempt follows this one, so that it records the row's final state.
type Kind struct {
	Name        string
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
	Timeout     time.Duration
	Pending     func(ctx context.Context) ([]int64, error)
	Queued      func(ctx context.Context, ids []int64) error
	Work        func(ctx context.Context, id int64, last bool) error
}

// rowArgs is the job of one row of a kind.
type rowArgs struct {
	Of string `json:"kind"`
	ID int64  `json:"id"`
}

func (rowArgs) Kind() string { return "row" }

// waiting is every state of a job not yet done: a row with a job in one
// of them is not put on the queue again, so that the sweep of pending
// rows adds no duplicates, while a row waiting again after its job ended
// (a replayed webhook) gets a new one.
var waiting = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// rowWorker does the jobs of the kinds by name.
type rowWorker struct {
	river.WorkerDefaults[rowArgs]
	kinds   map[string]Kind
	metrics *metrics.Metrics
}

func (w *rowWorker) Work(ctx context.Context, job *river.Job[rowArgs]) error {
	k, ok := w.kinds[job.Args.Of]
	if !ok {
		return river.JobCancel(fmt.Errorf("no job kind named %q", job.Args.Of))
	}
	start := time.Now()
	err := k.Work(ctx, job.Args.ID, job.Attempt >= job.MaxAttempts)
	w.metrics.ObserveJob(k.Name, outcome(err), time.Since(start))
	return err
}

func (w *rowWorker) NextRetry(job *river.Job[rowArgs]) time.Time {
	if k, ok := w.kinds[job.Args.Of]; ok && k.Backoff != nil {
		return time.Now().Add(k.Backoff(job.Attempt))
	}
	return time.Time{}
}

func (w *rowWorker) Timeout(job *river.Job[rowArgs]) time.Duration {
	if k, ok := w.kinds[job.Args.Of]; ok && k.Timeout > 0 {
		return k.Timeout
	}
	return time.Minute
}

// dispatch puts the pending rows of every kind on the queue. A row put
// there by a sweep whose Queued did not get through (the process died in
// between) is skipped by River's uniqueness the next time.
func (q *Queue) dispatch(ctx context.Context) error {
	var errs []error
	for _, k := range q.kinds {
		ids, err := k.Pending(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("jobs: pending %s: %w", k.Name, err))
			continue
		}
		if len(ids) == 0 {
			continue
		}
		params := make([]river.InsertManyParams, len(ids))
		for i, id := range ids {
			params[i] = river.InsertManyParams{Args: rowArgs{Of: k.Name, ID: id}, InsertOpts: &river.InsertOpts{
				MaxAttempts: k.MaxAttempts,
				UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: waiting},
			}}
		}
		if _, err := q.client.InsertMany(ctx, params); err != nil {
			errs = append(errs, fmt.Errorf("jobs: queue %s: %w", k.Name, err))
			continue
		}
		if err := k.Queued(ctx, ids); err != nil {
			errs = append(errs, fmt.Errorf("jobs: queued %s: %w", k.Name, err))
		}
	}
	return errors.Join(errs...)
}

// checkKinds rejects a kind declared twice or without its functions.
func checkKinds(kinds []Kind) (map[string]Kind, error) {
	byName := map[string]Kind{}
	for _, k := range kinds {
		if _, dup := byName[k.Name]; dup || k.Work == nil || k.Pending == nil || k.Queued == nil || k.MaxAttempts < 1 {
			return nil, fmt.Errorf("jobs: kind %q is declared twice, without its functions or without attempts", k.Name)
		}
		byName[k.Name] = k
	}
	return byName, nil
}
