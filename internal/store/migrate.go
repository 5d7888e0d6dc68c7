package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds the forward-only, numbered SQL migrations, one
// directory per dialect; the two directories are kept parallel and
// equivalent. goose runs each file in a transaction and records its
// version.
//
//go:embed migrations
var migrationFiles embed.FS

// ErrSchemaOutdated reports a database that lacks migrations this program
// needs; run Migrate (promotor migrate) first.
var ErrSchemaOutdated = errors.New("store: database schema is out of date")

// SchemaStatus describes how far the database's schema is migrated.
type SchemaStatus struct {
	// Version is the newest migration applied to the database; 0 for a
	// new database.
	Version int64
	// Latest is the newest migration this program knows.
	Latest int64
	// Pending lists the files of the migrations not yet applied.
	Pending []string
}

// Migrate applies the pending migrations in order and returns the names of
// the files it applied; a migrated database gets none. On PostgreSQL a lock
// lets only one of several starting processes migrate at a time.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	p, err := db.migrator(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	applied := make([]string, 0, len(results))
	for _, r := range results {
		if r.Error == nil {
			applied = append(applied, path.Base(r.Source.Path))
		}
	}
	if err != nil {
		return applied, fmt.Errorf("store: migrate: %w", err)
	}
	return applied, nil
}

// MigrationStatus reports the schema's version and the pending migrations.
func (db *DB) MigrationStatus(ctx context.Context) (SchemaStatus, error) {
	p, err := db.migrator(ctx)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("store: migration status: %w", err)
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("store: migration status: %w", err)
	}
	var st SchemaStatus
	for _, s := range statuses {
		st.Latest = max(st.Latest, s.Source.Version)
		if s.State == goose.StatePending {
			st.Pending = append(st.Pending, path.Base(s.Source.Path))
		}
	}
	if st.Version, err = p.GetDBVersion(ctx); err != nil {
		return SchemaStatus{}, fmt.Errorf("store: migration status: %w", err)
	}
	return st, nil
}

// CheckSchema returns an error wrapping ErrSchemaOutdated when migrations
// are pending, and an error when the database was migrated by a newer
// program, so that serve refuses a schema it does not match.
func (db *DB) CheckSchema(ctx context.Context) error {
	st, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if st.Version > st.Latest {
		return fmt.Errorf("store: database schema version %d is newer than this program's %d: upgrade promotor", st.Version, st.Latest)
	}
	if len(st.Pending) > 0 {
		return fmt.Errorf("%w: %d migrations pending, first %s; run promotor migrate", ErrSchemaOutdated, len(st.Pending), st.Pending[0])
	}
	return nil
}

// migrator returns a goose provider for the database's dialect. It logs
// nothing.
func (db *DB) migrator(ctx context.Context) (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if db.dialect == Postgres {
		id, err := db.migrationLockID(ctx)
		if err != nil {
			return nil, err
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(db.dialect.goose(), db.sql, dir, opts...)
}

// migrationLockID derives the advisory lock from the schema being
// migrated: processes migrating one schema take turns, while databases
// in other schemas of the same server (tests run side by side) do not wait
// for each other.
func (db *DB) migrationLockID(ctx context.Context) (int64, error) {
	var schema string
	if err := db.sql.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return 0, err
	}
	h := fnv.New64a()
	h.Write([]byte("promotor migrate " + schema))
	return int64(h.Sum64()), nil
}
