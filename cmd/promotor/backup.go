package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/promotor/promotor/internal/store"
)

// postgresBackupHelp is what backup answers for a PostgreSQL database:
// its own tools do it, and these are the commands docs/OPERATIONS.md
// explains.
const postgresBackupHelp = `backup: promotor backs up SQLite files only; back up PostgreSQL with its own tools:
  pg_dump --format=custom --file=promotor.dump 'postgres://…'
and restore into an empty database with:
  pg_restore --no-owner --exit-on-error --dbname='postgres://…' promotor.dump
(see docs/OPERATIONS.md)`

// runBackup writes a verified online copy of a SQLite database to -o.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	out := fs.String("o", "", "the file to write the backup to (required)")
	force := fs.Bool("force", false, "replace the file that -o names when it exists")
	rest, help, err := parseFlags(fs, "backup -o FILE [flags]\n\nWrites a consistent copy of a SQLite database, also while serve runs, and checks it.\nPostgreSQL is backed up with pg_dump (see docs/OPERATIONS.md).", args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("backup: unexpected argument %q", rest[0])}
	}
	if *out == "" {
		return usageError{errors.New("backup: -o FILE is required")}
	}
	if store.DialectOf(*dsn) == store.Postgres {
		return usageError{errors.New(postgresBackupHelp)}
	}
	// store.Open would create a missing file: a backup of nothing.
	if _, err := os.Stat(*dsn); err != nil {
		return usageError{fmt.Errorf("backup: %w", err)}
	}
	if _, err := os.Lstat(*out); err == nil && !*force {
		return usageError{fmt.Errorf("backup: %s exists; --force replaces it", *out)}
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	size, err := backupSQLite(ctx, db, *out, *force, st.Version)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s: %d bytes, schema version %d, integrity ok\n", *dsn, *out, size, st.Version)
	return nil
}

// backupSQLite copies db into a directory made beside path, syncs and
// checks the copy, and only then moves it to path, so that path holds a
// whole, checked backup or nothing new. Without force the move fails when
// path appeared in the meantime. It returns the backup's size.
func backupSQLite(ctx context.Context, db *store.DB, path string, force bool, version int64) (int64, error) {
	// VACUUM INTO wants a name that does not exist: a file in a fresh
	// directory on the same file system, from where a rename is atomic.
	dir, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, usageError{fmt.Errorf("backup: %w", err)} // a directory that is not there or not writable
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, filepath.Base(path))
	if err := db.BackupInto(ctx, tmp); err != nil {
		return 0, err
	}
	size, err := syncFile(tmp)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := store.CheckSQLiteCopy(ctx, tmp, version); err != nil {
		return 0, err
	}
	if force {
		err = os.Rename(tmp, path)
	} else if err = os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return 0, usageError{fmt.Errorf("backup: %s exists; --force replaces it", path)}
	}
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return size, nil
}

// syncFile makes the file at path readable by its owner only, as a
// backup of customers' answers should be, and flushes it to disk.
func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), f.Close()
}

// syncDir flushes a directory, so that a file just renamed into it stays
// there after a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
