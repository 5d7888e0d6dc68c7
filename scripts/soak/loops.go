package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// killer SIGKILLs the processes in turn every interval, waits pause and
// starts the killed one again.
type killer struct {
	servers  []*server
	kills    *killLog
	db       *sql.DB
	wsID     int64
	interval time.Duration
	pause    time.Duration

	mu sync.Mutex
	// Kills and Restarts count what happened; a restart counts once the
	// process served /readyz again. Failures describe what did not.
	Kills, Restarts int
	InFlight        int
	Failures        []string
}

// run kills until ctx ends; a kill is not begun when the run would end
// before the process is back.
func (k *killer) run(ctx context.Context, end time.Time) {
	for i := 0; ; i = (i + 1) % len(k.servers) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(k.interval):
		}
		if time.Until(end) < k.pause+readyWait/2 {
			return
		}
		k.cycle(ctx, i)
	}
}

func (k *killer) cycle(ctx context.Context, i int) {
	s := k.servers[i]
	k.kills.killed(i, time.Now())
	err := s.kill()
	k.mu.Lock()
	defer k.mu.Unlock()
	if err != nil {
		k.Failures = append(k.Failures, err.Error())
		return
	}
	k.Kills++
	if n, err := inFlight(ctx, k.db, k.wsID); err == nil {
		k.InFlight += n
	}
	time.Sleep(k.pause)
	// Started without ctx: a restart under way finishes even when the
	// traffic ends, so that both processes are up for the final checks.
	if err := s.start(context.WithoutCancel(ctx)); err != nil {
		k.Failures = append(k.Failures, err.Error())
		return
	}
	k.kills.ready(i, time.Now())
	k.Restarts++
}

// sender imports more contacts every interval and sends the wave to them
// through the signed-in area's form, as an owner would.
type sender struct {
	t        *traffic
	bin, dsn string
	dir      string
	interval time.Duration
	batch    int
	perMin   int

	mu       sync.Mutex
	Sends    int
	Failures []string
}

func (s *sender) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.interval):
		}
		err := importContacts(ctx, s.bin, s.dsn, s.dir, s.t.fx, s.batch)
		if err == nil {
			if res := sendForm(ctx, s.t.b, s.t.fx, "send", s.perMin); res.outcome != Acked {
				err = fmt.Errorf("send form: %d %.200s", res.status, res.body)
			}
		}
		s.mu.Lock()
		if err != nil && ctx.Err() == nil {
			s.Failures = append(s.Failures, err.Error())
		} else if err == nil {
			s.Sends++
		}
		s.mu.Unlock()
	}
}

// loadInvitations adds newly sent invitations to the pool every second
// until ctx ends.
func loadInvitations(ctx context.Context, p *pool, db *sql.DB, fx *fixture, sentOnly bool) {
	for {
		_ = p.load(ctx, db, fx, sentOnly) // a failed poll is retried on the next tick
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}
