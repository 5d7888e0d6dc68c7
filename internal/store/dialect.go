package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

// This file is the one place where SQLite and PostgreSQL differ, apart
// from the per-dialect migration files: drivers, connection settings,
// migration dialects, row locks and error codes.

// Dialect names a supported database.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// String returns the dialect's name.
func (d Dialect) String() string { return string(d) }

// DialectOf picks the database a DSN names: PostgreSQL for a postgres://
// or postgresql:// URL, SQLite for anything else.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

func (d Dialect) driver() string {
	if d == Postgres {
		return "pgx"
	}
	return "sqlite"
}

// sqliteParams make SQLite durable and safe for concurrent use: WAL lets
// readers run beside the writer, synchronous=FULL makes an acknowledged
// commit survive power loss, foreign keys are enforced, and BEGIN
// IMMEDIATE takes the write lock at the start of a transaction, so that two
// writers queue on busy_timeout instead of failing with SQLITE_BUSY when
// the first one upgrades from reading to writing. secure_delete zeroes
// what a write frees, so that an erased comment or address does not stay
// readable in the database file's free space. Times are written in
// SQLite's own format, which sorts and parses back.
var sqliteParams = strings.Join([]string{
	"_pragma=busy_timeout(10000)",
	"_pragma=journal_mode(WAL)",
	"_pragma=synchronous(FULL)",
	"_pragma=foreign_keys(1)",
	"_pragma=cache_size(-16000)",
	"_pragma=secure_delete(1)",
	"_txlock=immediate",
	"_time_format=sqlite",
}, "&")

// sqliteTimeFormat is how modernc.org/sqlite writes times under
// _time_format=sqlite. It parses them back itself where a column is
// declared TIMESTAMP, but a RETURNING clause loses the declaration.
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

func (d Dialect) dsn(dsn string) string {
	if d == Postgres {
		return dsn
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&" + sqliteParams
	}
	return dsn + "?" + sqliteParams
}

// configure sizes the connection pool. SQLite readers each want a
// connection (WAL runs them in parallel) while writes take turns in
// writeSlot; PostgreSQL gets a pool that a few serve processes can share
// under the default max_connections of 100.
func (d Dialect) configure(db *DB) {
	n := max(4, runtime.NumCPU())
	if d == SQLite {
		db.sql.SetMaxOpenConns(n)
		db.sql.SetMaxIdleConns(n)
		db.writeSlot = make(chan struct{}, 1)
		db.committer = newCommitter(db, 1)
		db.read = prepared{db: db}
		return
	}
	// Several committers let PostgreSQL work on one group while another
	// waits for its WAL flush.
	db.committer = newCommitter(db, 2)
	db.read = db.sql
	// Idle connections are kept up to the maximum: closing one that a
	// moment later must be opened again costs PostgreSQL a process fork
	// under load. Idle ones close after a while instead.
	db.sql.SetMaxOpenConns(4 * n)
	db.sql.SetMaxIdleConns(4 * n)
	db.sql.SetConnMaxIdleTime(5 * time.Minute)
}

func (d Dialect) goose() goose.Dialect {
	if d == Postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// forUpdate locks the rows a SELECT reads until the transaction ends.
// SQLite needs no row locks: a write transaction holds the database.
func (d Dialect) forUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// forNoKeyUpdate locks the rows a SELECT reads against each other's
// writers, but not against the foreign-key checks of rows that refer to
// them: a lock on a workspace that leaves its answers free.
func (d Dialect) forNoKeyUpdate() string {
	if d == Postgres {
		return " FOR NO KEY UPDATE"
	}
	return ""
}

// isUniqueViolation reports whether err is a unique or primary key
// violation, on either database.
func isUniqueViolation(err error) bool {
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return pg.SQLState() == "23505"
	}
	const (
		sqliteConstraintPrimaryKey = 1555
		sqliteConstraintUnique     = 2067
	)
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		return lite.Code() == sqliteConstraintUnique || lite.Code() == sqliteConstraintPrimaryKey
	}
	return false
}

// isTransient reports whether err is PostgreSQL aborting a transaction
// to break a deadlock or a serialization conflict, which a new attempt
// resolves. SQLite's single writer meets neither.
func isTransient(err error) bool {
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		code := pg.SQLState()
		return code == "40P01" || code == "40001"
	}
	return false
}

// redact hides a PostgreSQL URL's password in error messages.
func redact(dsn string) string {
	if DialectOf(dsn) != Postgres {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// skipLocked makes a SELECT … FOR UPDATE pass over rows that another
// transaction has locked, so that several processes claiming work each
// take different rows. SQLite's single writer claims alone.
func (d Dialect) skipLocked() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// The first keys of the PostgreSQL advisory locks that serialise the start
// of a workspace's sends and the passes that queue reminders.
const (
	lockClassSends = iota + 1
	lockClassReminders
)

// lock serialises, until tx ends, the transactions that take the lock of
// class and key; SQLite's write transactions are serial already.
func (d Dialect) lock(ctx context.Context, tx *sql.Tx, class, key int64) error {
	if d != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(class), int32(key))
	return err
}
