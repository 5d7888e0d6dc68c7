package store

import (
	"context"
	"database/sql"
	"fmt"
)

// OutboxQueued counts the emails of every workspace that wait in the
// outbox, for the operator's metrics; it reads the partial index of
// queued messages only.
func (db *DB) OutboxQueued(ctx context.Context) (int64, error) {
	var n int64
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE state = 'queued'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: outbox queued: %w", err)
	}
	return n, nil
}

// Pools returns the connection pools the DB has opened, by name, for
// their statistics: "main", and on SQLite "jobs" once Pool has opened
// the job queue's (on PostgreSQL the queue shares the main pool). Run no
// SQL through them.
func (db *DB) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{"main": db.sql}
	if db.side != nil {
		pools["jobs"] = db.side
	}
	return pools
}
