package store_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestMigrate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// storetest migrated already: a second run applies nothing.
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate: got %v, %v, want nothing applied", applied, err)
		}
		st, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Version != st.Latest || st.Version < 1 || len(st.Pending) != 0 {
			t.Errorf("MigrationStatus: got %+v, want version = latest ≥ 1 and nothing pending", st)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema: got %v, want nil", err)
		}
	})
}

func TestMigrateFresh(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Dialect() != store.SQLite {
		t.Errorf("Dialect: got %v, want sqlite", db.Dialect())
	}
	if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Errorf("CheckSchema before Migrate: got %v, want ErrSchemaOutdated", err)
	}
	applied, err := db.Migrate(ctx)
	want, _ := filepath.Glob("migrations/sqlite/*.sql")
	for i, f := range want {
		want[i] = filepath.Base(f)
	}
	if err != nil || !reflect.DeepEqual(applied, want) {
		t.Fatalf("Migrate: got %v, %v, want %v", applied, err, want)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after Migrate: got %v, want nil", err)
	}
}

func TestOpenFails(t *testing.T) {
	ctx := context.Background()
	for name, dsn := range map[string]string{
		"sqlite in missing directory": filepath.Join(t.TempDir(), "missing", "x.db"),
		"sqlite without a file":       "",
		"sqlite in memory":            ":memory:",
		"postgres unreachable":        "postgres://nobody:secret@" + closedAddr(t) + "/none?sslmode=disable",
	} {
		db, err := store.Open(ctx, dsn)
		if err == nil {
			db.Close()
			t.Errorf("Open(%s): got no error, want one", name)
			continue
		}
		if got := err.Error(); !strings.HasPrefix(got, "store: open") || strings.Contains(got, "secret") {
			t.Errorf("Open(%s): got %q, want it to start with store: open and hide the password", name, got)
		}
	}
}

// closedAddr returns a local address where nothing listens.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestPlaceholders checks that modernc.org/sqlite binds PostgreSQL-style
// $N placeholders by number, reused and out of order, which lets the store
// share its SQL between the databases.
func TestPlaceholders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var a, b, c int64
		err := store.RawSQL(db).QueryRowContext(context.Background(),
			`SELECT CAST($2 AS bigint), CAST($1 AS bigint), CAST($2 AS bigint) + CAST($1 AS bigint)`, 1, 20).Scan(&a, &b, &c)
		if err != nil || a != 20 || b != 1 || c != 21 {
			t.Errorf("SELECT $2, $1, $2+$1 with 1, 20: got %d, %d, %d, %v, want 20, 1, 21", a, b, c, err)
		}
	})
}
