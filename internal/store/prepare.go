package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite parses a statement each time it is run unless it is prepared,
// and for the short statements of answering a survey the parsing costs as
// much as the work. On SQLite, reads therefore run on db.read and the hot
// write paths on db.hot(tx), which prepare each query once per DB and
// reuse it. PostgreSQL's driver caches prepared statements per connection
// by itself; preparing through the pool there could also wait for a
// connection that transactions waiting on the prepare hold.

// maxStatements bounds the cache; queries beyond it run unprepared.
const maxStatements = 512

// statements caches prepared statements by their SQL.
type statements struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// get returns the prepared statement for query, or nil when the cache is
// full.
func (s *statements) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	if len(s.stmts) >= maxStatements {
		return nil, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

func (s *statements) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.stmts {
		st.Close()
	}
	clear(s.stmts)
}

// hot returns the querier for the hot paths within tx.
func (db *DB) hot(tx *sql.Tx) querier {
	if db.dialect == SQLite {
		return prepared{db: db, tx: tx}
	}
	return tx
}

// prepared is a querier that runs each query as a prepared statement of
// the DB, within tx when it is set.
type prepared struct {
	db *DB
	tx *sql.Tx
}

// plain is where a query runs when it is not prepared.
func (p prepared) plain() querier {
	if p.tx != nil {
		return p.tx
	}
	return p.db.sql
}

func (p prepared) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := p.db.stmts.get(ctx, p.db.sql, query)
	if err != nil || st == nil || p.tx == nil {
		return st, err
	}
	return p.tx.StmtContext(ctx, st), nil
}

func (p prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		return p.plain().ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		return p.plain().QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext, like the others, runs the query unprepared when
// preparing fails, so that the error reaches the caller through Row.Scan.
func (p prepared) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		return p.plain().QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
