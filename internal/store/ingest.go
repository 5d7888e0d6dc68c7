package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Ingestion: every answer is durable when its call returns, and changes the
// score rollup in the same transaction. A durable commit costs an fsync
// (SQLite with synchronous=FULL) or a WAL flush (PostgreSQL), a few
// thousand a second on a good disk; answers arriving together therefore
// share commits. RecordResponse hands its answer to a committer, which
// takes every answer waiting at that moment into one transaction and
// acknowledges each only after the commit.

// recorder records responses in one transaction: it caches the waves and
// surveys the batch refers to, and collects the rollup change per
// workspace to write it once, just before the commit.
type recorder struct {
	tx      querier
	dialect Dialect
	now     time.Time
	waves   map[[2]int64]waveSurvey
	changes map[int64]rollupChange
	// contacts holds the account of each contact read, accounts the
	// accounts known to exist, by workspace and ID.
	contacts map[[2]int64]int64
	accounts map[[2]int64]bool
	// inserts are the first answers without a contact, inserted together
	// at flush.
	inserts []*nps.Response
	// events are the answers' events for the alert rules and webhooks,
	// written at flush, when every answer has its ID; analyse are all the
	// new and changed answers, queued for the comment analysis then.
	events  []responseEvent
	analyse []*nps.Response
}

// responseEvent is an answer created or changed.
type responseEvent struct {
	kind nps.EventKind
	r    *nps.Response
}

// event notes that r was created or changed, for the comment analysis
// and, unless imported, for the alert rules and webhooks: imported
// history raises no alerts and calls no webhooks, it happened long ago.
func (rec *recorder) event(kind nps.EventKind, r *nps.Response) {
	rec.analyse = append(rec.analyse, r)
	if r.Channel != nps.ChannelImport {
		rec.events = append(rec.events, responseEvent{kind, r})
	}
}

type waveSurvey struct {
	wave   nps.Wave
	survey nps.Survey
}

func newRecorder(tx querier, d Dialect, now time.Time) *recorder {
	return &recorder{tx: tx, dialect: d, now: now, waves: map[[2]int64]waveSurvey{}, changes: map[int64]rollupChange{},
		contacts: map[[2]int64]int64{}, accounts: map[[2]int64]bool{}}
}

// waveSurvey returns the wave and its survey, read once per transaction.
func (rec *recorder) waveSurvey(ctx context.Context, workspaceID, waveID int64) (nps.Wave, nps.Survey, error) {
	k := [2]int64{workspaceID, waveID}
	if ws, ok := rec.waves[k]; ok {
		return ws.wave, ws.survey, nil
	}
	w, err := wave(ctx, rec.tx, workspaceID, waveID)
	if err != nil {
		return w, nps.Survey{}, err
	}
	s, err := survey(ctx, rec.tx, workspaceID, w.SurveyID)
	if err != nil {
		return w, s, err
	}
	rec.waves[k] = waveSurvey{w, s}
	return w, s, nil
}

func (rec *recorder) change(workspaceID int64) rollupChange {
	c, ok := rec.changes[workspaceID]
	if !ok {
		c = rollupChange{}
		rec.changes[workspaceID] = c
	}
	return c
}

// flush inserts the collected answers and writes the collected rollup
// changes, workspaces in order so that concurrent transactions lock cells
// in the same order.
func (rec *recorder) flush(ctx context.Context) error {
	if err := insertResponses(ctx, rec.tx, rec.dialect, rec.inserts); err != nil {
		return err
	}
	rec.inserts = rec.inserts[:0]
	if err := insertResponseEvents(ctx, rec.tx, rec.now, rec.events); err != nil {
		return err
	}
	rec.events = rec.events[:0]
	if err := queueInsight(ctx, rec.tx, rec.analyse); err != nil {
		return err
	}
	rec.analyse = rec.analyse[:0]
	for _, ws := range slices.Sorted(maps.Keys(rec.changes)) {
		if err := rec.changes[ws].apply(ctx, rec.tx, ws); err != nil {
			return err
		}
	}
	clear(rec.changes)
	return nil
}

// isItemError reports whether err is a problem of one answer, found before
// anything was written for it, rather than a failure of the transaction.
func isItemError(err error) bool {
	var ve *nps.ValidationError
	return errors.As(err, &ve) || errors.Is(err, nps.ErrNotFound) || errors.Is(err, nps.ErrWaveClosed) ||
		errors.Is(err, nps.ErrOptedOut) || errors.Is(err, nps.ErrConflict)
}

// MaxBatch is the largest number of responses RecordResponses takes.
const MaxBatch = 1000

// ItemError is the problem with one response of a batch.
type ItemError struct {
	// Index is the response's position in the batch, from 0.
	Index int
	Err   error
}

// BatchError lists the responses of a batch that could not be recorded;
// none of the batch was.
type BatchError struct {
	Items []ItemError
}

func (e *BatchError) Error() string {
	msgs := make([]string, 0, min(len(e.Items), 3))
	for _, it := range e.Items[:min(len(e.Items), 3)] {
		msgs = append(msgs, "response "+strconv.Itoa(it.Index)+": "+it.Err.Error())
	}
	more := ""
	if len(e.Items) > 3 {
		more = fmt.Sprintf(" (and %d more)", len(e.Items)-3)
	}
	return strings.Join(msgs, "; ") + more
}

// Unwrap returns the items' errors, so that errors.Is sees through.
func (e *BatchError) Unwrap() []error {
	errs := make([]error, len(e.Items))
	for i, it := range e.Items {
		errs[i] = it.Err
	}
	return errs
}

// RecordResponses records a batch of answers in one of the workspace's
// waves, all or nothing, and returns them as stored. When any answer is
// refused the error is a *BatchError naming each one, and nothing is
// written. See RecordResponse for what recording an answer means.
func (db *DB) RecordResponses(ctx context.Context, workspaceID int64, rs []nps.Response) ([]nps.Response, error) {
	var out []nps.Response
	err := db.writeRetry(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = recordBatch(ctx, db.hot(tx), db.dialect, workspaceID, rs, db.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: record responses: %w", err)
	}
	return out, nil
}

// recordBatch records rs all or nothing inside tx, for RecordResponses and
// for callers that write more in the same transaction (an idempotency
// key). Refused answers are a *BatchError.
func recordBatch(ctx context.Context, tx querier, d Dialect, workspaceID int64, rs []nps.Response, now time.Time) ([]nps.Response, error) {
	if len(rs) == 0 || len(rs) > MaxBatch {
		return nil, &nps.ValidationError{Field: "responses", Message: fmt.Sprintf("must hold 1 to %d responses, got %d", MaxBatch, len(rs))}
	}
	rec := newRecorder(tx, d, now)
	out := make([]nps.Response, len(rs))
	var bad []ItemError
	for i, r := range rs {
		out[i] = r
		err := rec.record(ctx, workspaceID, &out[i])
		switch {
		case err == nil:
		case isItemError(err):
			bad = append(bad, ItemError{Index: i, Err: err})
		default:
			return nil, err
		}
	}
	if bad != nil {
		return nil, &BatchError{Items: bad}
	}
	return out, rec.flush(ctx)
}

// RecordResponse records an answer in one of the workspace's waves and
// returns it as stored, once it is durable.
//
// A named respondent (an invitation, or a contact) has one response per
// wave: their first answer inserts it, a later one replaces it while the
// wave is open, keeping the previous version as a revision; an identical
// resubmission changes nothing. The survey and account follow from the
// wave and the contact when left 0; an anonymous survey drops the
// identity. The score rollup changes in the same transaction.
//
// Outside the wave's open period the answer is nps.ErrWaveClosed, except
// that an import may add history to a closed wave, with its original
// CreatedAt; other channels are stamped with the store's clock.
//
// Concurrent calls share commits (see committer) unless GroupCommit is
// off.
func (db *DB) RecordResponse(ctx context.Context, workspaceID int64, r nps.Response) (nps.Response, error) {
	if err := r.Validate(); err != nil {
		return nps.Response{}, fmt.Errorf("store: record response: %w", err)
	}
	if !db.GroupCommit {
		p := &pendingAnswer{ctx: ctx, workspaceID: workspaceID, r: r, done: make(chan struct{})}
		db.committer.commit([]*pendingAnswer{p})
		if p.err != nil {
			return nps.Response{}, fmt.Errorf("store: record response: %w", p.err)
		}
		return p.stored, nil
	}
	stored, err := db.committer.submit(ctx, workspaceID, r)
	if err != nil {
		return nps.Response{}, fmt.Errorf("store: record response: %w", err)
	}
	return stored, nil
}

// maxGroup bounds the answers one shared commit takes, so that a commit
// stays short under any load.
const maxGroup = 256

// pendingAnswer is an answer waiting for its commit.
type pendingAnswer struct {
	ctx         context.Context
	workspaceID int64
	r           nps.Response
	done        chan struct{}
	stored      nps.Response
	err         error
}

// committer groups concurrent answers into shared transactions. Its
// workers start with the first answer and stop when the DB closes.
type committer struct {
	db      *DB
	workers int
	queue   chan *pendingAnswer
	start   sync.Once
	stop    chan struct{}
	wg      sync.WaitGroup
	// mu makes close wait for submissions in progress, so that no answer
	// is queued after the queue was emptied for the last time.
	mu     sync.RWMutex
	closed bool
	once   sync.Once
}

func newCommitter(db *DB, workers int) *committer {
	return &committer{db: db, workers: workers, queue: make(chan *pendingAnswer, 4*maxGroup), stop: make(chan struct{})}
}

// submit queues an answer and waits until it is committed or refused. A
// caller that gives up (its context ends) before its answer was taken
// gets the context's error and nothing is written; once taken, the answer
// is committed or refused whatever the caller does.
func (c *committer) submit(ctx context.Context, workspaceID int64, r nps.Response) (nps.Response, error) {
	c.start.Do(func() {
		for range c.workers {
			c.wg.Add(1)
			go c.run()
		}
	})
	p := &pendingAnswer{ctx: ctx, workspaceID: workspaceID, r: r, done: make(chan struct{})}
	if err := c.enqueue(ctx, p); err != nil {
		return nps.Response{}, err
	}
	<-p.done
	return p.stored, p.err
}

func (c *committer) enqueue(ctx context.Context, p *pendingAnswer) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return errDatabaseClosed
	}
	select {
	case c.queue <- p:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return errDatabaseClosed
	}
}

var errDatabaseClosed = errors.New("the database is closed")

// run takes the answers waiting in the queue, up to maxGroup, and commits
// them together, until the committer stops.
func (c *committer) run() {
	defer c.wg.Done()
	group := make([]*pendingAnswer, 0, maxGroup)
	for {
		select {
		case p := <-c.queue:
			group = append(group[:0], p)
		case <-c.stop:
			return
		}
	drain:
		for len(group) < maxGroup {
			select {
			case p := <-c.queue:
				group = append(group, p)
			default:
				break drain
			}
		}
		c.commit(group)
	}
}

// commitTimeout bounds one shared commit; it does not depend on any one
// caller's context, since the others' answers ride on it.
const commitTimeout = 30 * time.Second

// commit records a group of answers in one transaction. An answer refused
// on its own merits fails alone; if the transaction itself fails, each
// answer is retried in a transaction of its own, so that one answer cannot
// make another fail.
func (c *committer) commit(group []*pendingAnswer) {
	live := group[:0:0]
	for _, p := range group {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			close(p.done)
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	err := c.db.writeRetry(ctx, func(tx *sql.Tx) error {
		rec := newRecorder(c.db.hot(tx), c.db.dialect, c.db.now())
		for _, p := range live {
			p.stored = p.r
			p.err = rec.record(ctx, p.workspaceID, &p.stored)
			if p.err != nil && !isItemError(p.err) {
				return p.err
			}
		}
		return rec.flush(ctx)
	})
	if err != nil && len(live) > 1 {
		for _, p := range live {
			c.commit([]*pendingAnswer{p})
		}
		return
	}
	for _, p := range live {
		if err != nil {
			p.err = err
		}
		if p.err != nil {
			p.stored = nps.Response{}
		}
		close(p.done)
	}
}

// close stops the workers once they finish the group at hand; answers
// still queued are refused.
func (c *committer) close() {
	c.once.Do(c.shutdown)
}

func (c *committer) shutdown() {
	close(c.stop)
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	for {
		select {
		case p := <-c.queue:
			p.err = errDatabaseClosed
			close(p.done)
		default:
			return
		}
	}
}
