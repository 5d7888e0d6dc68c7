package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// errBackupUnsupported reports a backup asked of a PostgreSQL database,
// which its own tools (pg_dump, pg_restore) back up better than a copy
// through database/sql could. promotor backup tells the dialect from the
// DSN before it opens the database, so callers need not test for it.
var errBackupUnsupported = errors.New("store: backup: only SQLite databases are backed up by promotor")

// BackupInto writes a consistent copy of the SQLite database to path,
// which must not exist, while other connections and processes go on
// reading and writing. It is SQLite's VACUUM INTO: one read transaction,
// so the copy is the database as of one commit, and under WAL writers are
// not held up by it. The backup API that modernc.org/sqlite exposes as
// well would copy the same pages, but stepped through it restarts on every
// write by another connection, so under steady load it may never finish;
// VACUUM INTO needs no driver-specific type and compacts the copy too.
//
// The copy is not synced to disk: the caller syncs it before trusting it.
func (db *DB) BackupInto(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errBackupUnsupported
	}
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup into %s: %w", path, err)
	}
	return nil
}

// CheckSQLiteCopy opens the SQLite file at path read-only and checks that
// it is whole (PRAGMA integrity_check) and at schema version want, the
// version of the database it was copied from. It writes nothing to the
// file, so a copy that fails is left as it was for inspection.
func CheckSQLiteCopy(ctx context.Context, path string, want int64) error {
	abs, err := filepath.Abs(path) // a file: URI with a relative path has it as its host
	if err != nil {
		return fmt.Errorf("store: check copy %s: %w", path, err)
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: "mode=ro"}
	copydb, err := sql.Open(SQLite.driver(), u.String())
	if err != nil {
		return fmt.Errorf("store: check copy %s: %w", path, err)
	}
	defer copydb.Close()
	rows, err := copydb.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("store: check copy %s: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fmt.Errorf("store: check copy %s: %w", path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("store: check copy %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: check copy %s: integrity check failed: %s", path, strings.Join(problems, "; "))
	}
	// Migrations are forward-only and numbered, so the newest applied
	// one is the version goose reports for the source.
	var got sql.NullInt64
	if err := copydb.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&got); err != nil {
		return fmt.Errorf("store: check copy %s: schema version: %w", path, err)
	}
	if got.Int64 != want {
		return fmt.Errorf("store: check copy %s: schema version %d, want %d as in the database copied", path, got.Int64, want)
	}
	return nil
}
