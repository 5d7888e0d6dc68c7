package store

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite parses a statement each time it is run unless it is prepared,
// and for the short statements of recording an answer the parsing costs
// as much as the work. The hot paths therefore run on hot(tx), which on
// SQLite prepares each query once per DB and reuses it in every
// transaction. PostgreSQL's driver caches prepared statements per
// connection by itself; preparing through the pool there could also wait
// for a connection that transactions waiting on the prepare hold.

// hot returns the querier for the hot paths within tx.
func (db *DB) hot(tx *sql.Tx) querier {
	if db.dialect == SQLite {
		return preparedTx{tx, db}
	}
	return tx
}

// statements caches prepared statements by their SQL.
type statements struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (s *statements) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
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

// preparedTx is a querier that runs each query as a prepared statement
// of the DB within the transaction.
type preparedTx struct {
	tx *sql.Tx
	db *DB
}

func (p preparedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := p.db.stmts.get(ctx, p.db.sql, query)
	if err != nil {
		return nil, err
	}
	return p.tx.StmtContext(ctx, st), nil
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext falls back to the unprepared query when preparing
// fails, so that the error reaches the caller through Row.Scan.
func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
