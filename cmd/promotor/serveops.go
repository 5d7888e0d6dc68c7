package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/promotor/promotor/internal/jobs"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/web"
)

// newLogger returns the one logger of a serve process, writing to w in
// format at level and up.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError{fmt.Errorf("serve: --log-level: %q is not debug, info, warn or error", level)}
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Errorf("serve: --log-format: %q is not json or text", format)}
}

// watchDB exports the database's pool statistics and the outbox's depth.
// It runs after jobs.Migrate has opened the job queue's pool, so that
// SQLite's second pool is watched too.
func watchDB(m *metrics.Metrics, db *store.DB) error {
	for name, pool := range db.Pools() {
		if err := m.WatchPool(name, pool); err != nil {
			return fmt.Errorf("serve: metrics: %w", err)
		}
	}
	if err := m.WatchOutbox(db.OutboxQueued); err != nil {
		return fmt.Errorf("serve: metrics: %w", err)
	}
	return nil
}

// shutdown stops a serve process that was told to: /readyz turns 503 at
// once; after delay the listener closes, and in-flight requests and
// running jobs get grace, together, to finish (a job still running then
// is cancelled and hands its work back); the database is closed by the
// caller after. It returns an error when the grace period ran out.
func shutdown(log *slog.Logger, app *web.Server, srv *http.Server, served <-chan error, queue *jobs.Queue, delay, grace time.Duration) error {
	log.Info("shutting down", "delay", delay.String(), "grace", grace.String())
	app.Drain()
	time.Sleep(delay)
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var wg sync.WaitGroup
	var httpErr, jobsErr error
	wg.Go(func() {
		if httpErr = srv.Shutdown(ctx); httpErr != nil {
			srv.Close() // the requests still running are cut
			httpErr = fmt.Errorf("serve: shutdown: requests still running after %v: %w", grace, httpErr)
		}
	})
	wg.Go(func() { jobsErr = queue.Stop(ctx) })
	wg.Wait()
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(httpErr, jobsErr, fmt.Errorf("serve: %w", err))
	}
	if err := errors.Join(httpErr, jobsErr); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
