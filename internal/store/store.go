// Package store keeps Promotor's data in SQLite or PostgreSQL through
// database/sql: all SQL lives here, and the embedded migrations with it.
//
// Every query about customer data takes the workspace id and filters on
// it; a row of another workspace is nps.ErrNotFound. Exported methods open
// the transaction, and unexported helpers taking a querier or *sql.Tx do
// the work, so that operations compose atomically. Input is validated by
// the nps types before anything is written, and a failed write leaves
// nothing behind. The store never logs: it returns wrapped errors.
//
// The SQL is shared by both databases, with $N placeholders, which
// modernc.org/sqlite binds by number too; what differs is in dialect.go
// and in the per-dialect migration files.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	// The drivers: "pgx" for PostgreSQL, "sqlite" for SQLite.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// DB is a Promotor database. It is safe for concurrent use.
type DB struct {
	// Now is the clock for every time the store sets. It defaults to the
	// current time in UTC; tests replace it before using the DB.
	Now func() time.Time
	// GroupCommit lets concurrent RecordResponse calls share transactions
	// and so commits; it is on by default. Off, each answer commits alone:
	// the baseline that benchmarks compare with.
	GroupCommit bool

	sql     *sql.DB
	dialect Dialect
	// writeSlot serialises this process's write transactions on SQLite,
	// which allows one writer at a time: waiting here wakes a writer as
	// soon as the previous one commits, where SQLite's busy handler would
	// poll. It is nil on PostgreSQL.
	writeSlot chan struct{}
	committer *committer
	stmts     statements
	// read is where reads outside transactions run (see prepare.go).
	read querier
	// dsn is what the DB was opened with; side is the pool that Pool
	// opened on SQLite.
	dsn      string
	sideOnce sync.Once
	side     *sql.DB
	sideErr  error
}

// querier is what both *sql.DB and *sql.Tx offer: reads that need no
// transaction run on the pool, the same helpers run inside one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open connects to the database named by dsn: a postgres:// or
// postgresql:// URL selects PostgreSQL, anything else is the path of a
// SQLite file, created when missing. Open checks the connection but does
// not migrate; see Migrate and CheckSchema.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d := DialectOf(dsn)
	if d == SQLite && (dsn == "" || strings.HasPrefix(dsn, ":memory:")) {
		// Each connection of the pool would get a database of its own.
		return nil, fmt.Errorf("store: open: %q is not a database file", dsn)
	}
	sqldb, err := sql.Open(d.driver(), d.dsn(dsn))
	if err != nil {
		return nil, fmt.Errorf("store: open %s database: %w", d, err)
	}
	db := &DB{
		Now:         func() time.Time { return time.Now().UTC() },
		GroupCommit: true,
		sql:         sqldb,
		dialect:     d,
		dsn:         dsn,
	}
	d.configure(db)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("store: open %s database %s: %w", d, redact(dsn), err)
	}
	return db, nil
}

// Close closes the database's connections.
func (db *DB) Close() error {
	db.committer.close()
	db.stmts.close()
	if db.side != nil {
		db.side.Close()
	}
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Pool returns a connection pool to the database for a library that
// brings its own SQL, the job queue's. On PostgreSQL it is the DB's own
// pool. On SQLite it is a pool of one connection beside the DB's, opened
// once with the same settings, so that the library's writes queue behind
// each other and wait for the DB's on the busy timeout instead of
// interleaving with them. It is closed with the DB.
func (db *DB) Pool(ctx context.Context) (*sql.DB, error) {
	if db.dialect == Postgres {
		return db.sql, nil
	}
	db.sideOnce.Do(func() {
		side, err := sql.Open(db.dialect.driver(), db.dialect.dsn(db.dsn))
		if err == nil {
			side.SetMaxOpenConns(1)
			err = side.PingContext(ctx)
		}
		if err != nil {
			db.sideErr = fmt.Errorf("store: open a second pool: %w", err)
			return
		}
		db.side = side
	})
	return db.side, db.sideErr
}

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Dialect reports which database the DB talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// now returns the clock's time in UTC at the microsecond precision both
// databases keep, so that a value read back equals the value written.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// write runs fn in a transaction and commits it when fn returns nil; on
// any error nothing fn wrote is kept.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.writeOn(ctx, db.sql, fn)
}

// txBeginner begins transactions: the pool (*sql.DB), or one connection
// of it (*sql.Conn) that a bulk load keeps.
type txBeginner interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}

// writeOn is write in a transaction that on begins.
func (db *DB) writeOn(ctx context.Context, on txBeginner, fn func(tx *sql.Tx) error) error {
	if db.writeSlot != nil {
		select {
		case db.writeSlot <- struct{}{}:
			defer func() { <-db.writeSlot }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	tx, err := on.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return tx.Commit()
}

// maxAttempts bounds how often writeRetry runs a transaction that
// PostgreSQL aborted to resolve a deadlock or a serialization conflict.
const maxAttempts = 4

// writeRetry is write for transactions that may meet a concurrent one on
// the same rows: when the database aborts one to break a deadlock, it is
// run again. fn must set its results afresh on every run.
func (db *DB) writeRetry(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.write(ctx, fn)
		if err == nil || attempt == maxAttempts || !isTransient(err) {
			return err
		}
	}
}

// ignoreDone drops the error of rolling back a transaction that a
// cancelled context has already ended.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
