// Package storetest hands tests a fresh, migrated store.DB on every
// database Promotor supports, so that one test body checks both: SQLite
// always, PostgreSQL when PROMOTOR_TEST_POSTGRES_URL names a server.
//
// Each PostgreSQL database is a schema of its own, created for the test
// and dropped after it, so tests never see each other's rows. Only tests
// import this package.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/promotor/promotor/internal/store"

	// The "pgx" driver, for creating and dropping schemas.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// The environment that switches the PostgreSQL runs on.
const (
	// PostgresURLEnv names a PostgreSQL server whose database the tests
	// may create schemas in, e.g.
	// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
	PostgresURLEnv = "PROMOTOR_TEST_POSTGRES_URL"
	// RequireEnv set to 1 turns a missing PostgresURLEnv from a skip into
	// a failure, so that CI cannot pass without the integration runs.
	RequireEnv = "PROMOTOR_REQUIRE_INTEGRATION"
)

// Dialects are the databases Run runs a body on, in order.
func Dialects() []store.Dialect { return []store.Dialect{store.SQLite, store.Postgres} }

// Run runs body as the subtests "sqlite" and "postgres", each with a fresh
// migrated database. The PostgreSQL subtest is skipped when
// PROMOTOR_TEST_POSTGRES_URL is not set.
func Run(t *testing.T, body func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			body(t, Open(t, d))
		})
	}
}

// DSN returns the name of a fresh, empty database of dialect d, removed
// when tb's test ends, for tests that open and migrate it themselves (the
// CLI's). The PostgreSQL one is skipped or fails as Run describes.
func DSN(tb testing.TB, d store.Dialect) string {
	tb.Helper()
	switch d {
	case store.SQLite:
		return filepath.Join(tb.TempDir(), "promotor.db")
	case store.Postgres:
		return postgresSchema(tb)
	}
	tb.Fatalf("storetest: unknown dialect %q", d)
	return ""
}

// Open returns a fresh migrated database of dialect d that is closed and
// removed when tb's test ends.
func Open(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	return OpenDSN(tb, DSN(tb, d))
}

// OpenDSN opens and migrates the database dsn names, for tests that open
// one database more than once, as several processes would; each DB is
// closed when tb's test ends.
func OpenDSN(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storetest: %v", err)
		}
	})
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	return db
}

// postgresSchema creates a schema with a unique name, drops it when the
// test ends, and returns a URL whose connections use it.
func postgresSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("storetest: %s not set, and %s=1 requires the PostgreSQL tests", PostgresURLEnv, RequireEnv)
		}
		tb.Skipf("%s not set: skipping the PostgreSQL run", PostgresURLEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", PostgresURLEnv, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "promotor_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("storetest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("storetest: drop schema: %v", err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
