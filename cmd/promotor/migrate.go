package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/promotor/promotor/internal/jobs"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// runMigrate applies the pending migrations, or with --status lists them.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	status := fs.Bool("status", false, "show the schema version and pending migrations without applying them")
	rest, help, err := parseFlags(fs, "migrate [flags]\n\nApplies the pending database migrations (serve also does this at start-up).", args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("migrate: unexpected argument %q", rest[0])}
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *status {
		st, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "schema version %d of %d (%s)\n", st.Version, st.Latest, db.Dialect())
		for _, name := range st.Pending {
			fmt.Fprintf(stdout, "pending  %s\n", name)
		}
		return nil
	}
	applied, err := db.Migrate(ctx)
	for _, name := range applied {
		fmt.Fprintf(stdout, "applied  %s\n", name)
	}
	if err != nil {
		return err
	}
	if err := jobs.Migrate(ctx, db); err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
	}
	return nil
}

// openMigrated opens the database for a command that works on its data:
// one that a matching promotor has migrated, neither older nor newer.
func openMigrated(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// workspaceBySlug finds the workspace a command names with --workspace;
// an unknown slug is a usage error of cmd.
func workspaceBySlug(ctx context.Context, db *store.DB, cmd, slug string) (nps.Workspace, error) {
	ws, err := db.WorkspaceBySlug(ctx, slug)
	if errors.Is(err, nps.ErrNotFound) {
		return ws, usageError{fmt.Errorf("%s: no workspace %q", cmd, slug)}
	}
	return ws, err
}
