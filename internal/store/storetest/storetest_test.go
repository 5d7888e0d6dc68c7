package storetest_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// recorder is a testing.TB that records a skip or failure instead of
// acting on it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// openPostgres calls storetest.Open as a test would, on its own goroutine
// so that a recorded skip or failure can end it.
func openPostgres(r *recorder) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		storetest.Open(r, store.Postgres)
	}()
	<-done
}

func TestPostgresWithoutURL(t *testing.T) {
	t.Setenv(storetest.PostgresURLEnv, "")
	tests := []struct {
		require                 string
		wantSkipped, wantFailed bool
	}{
		{"", true, false},
		{"0", true, false},
		{"1", false, true},
	}
	for _, tt := range tests {
		t.Setenv(storetest.RequireEnv, tt.require)
		r := &recorder{TB: t}
		openPostgres(r)
		if (r.skipped != "") != tt.wantSkipped || (r.failed != "") != tt.wantFailed {
			t.Errorf("%s=%q: got skipped %q, failed %q, want skipped %v, failed %v",
				storetest.RequireEnv, tt.require, r.skipped, r.failed, tt.wantSkipped, tt.wantFailed)
		}
		if msg := r.skipped + r.failed; !strings.Contains(msg, "PROMOTOR_TEST_POSTGRES_URL not set") {
			t.Errorf("%s=%q: got message %q, want it to say PROMOTOR_TEST_POSTGRES_URL not set", storetest.RequireEnv, tt.require, msg)
		}
	}
}

func TestRun(t *testing.T) {
	var ran []store.Dialect
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ran = append(ran, db.Dialect())
		if err := db.CheckSchema(t.Context()); err != nil {
			t.Errorf("CheckSchema of a fresh database: got %v, want it migrated", err)
		}
	})
	if len(ran) == 0 || ran[0] != store.SQLite {
		t.Errorf("Run: ran on %v, want sqlite first", ran)
	}
}

func TestColumns(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		cols := storetest.Columns(t, db)
		var workspaces []storetest.Column
		for _, c := range cols {
			if c.Table == "workspaces" {
				workspaces = append(workspaces, c)
			}
		}
		if len(workspaces) < 3 || workspaces[0].Name != "id" || workspaces[1] != (storetest.Column{Table: "workspaces", Name: "slug", Type: "text"}) {
			t.Errorf("Columns: workspaces has %v, want id, then slug of type text first", workspaces)
		}
	})
}
