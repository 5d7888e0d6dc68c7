package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/jobs"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBackupDuringWrites backs up a SQLite database while answers are
// being stored into it, as serve stores them, then restores the backup by
// opening it: every answer acknowledged before the backup began must be
// in it, its rollup must agree with its responses, and serve must serve
// it.
func TestBackupDuringWrites(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	wsID, waveID, token := crashFixture(t, dsn)
	db := storetest.OpenDSN(t, dsn)

	var (
		mu    sync.Mutex
		acked []string
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				comment := fmt.Sprintf("w%d-%d", w, i)
				if _, err := db.RecordResponse(ctx, wsID, nps.Response{WaveID: waveID, Score: i % 11, Comment: comment, Channel: nps.ChannelAPI}); err != nil {
					t.Errorf("record %s: %v", comment, err)
					return
				}
				mu.Lock()
				acked = append(acked, comment)
				mu.Unlock()
			}
		})
	}
	waitFor(t, 10*time.Second, "answers before the backup", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 300
	})
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	out := filepath.Join(t.TempDir(), "backup.db")
	stdout, errOut, code := runCLI(t, "", "backup", "--database", dsn, "-o", out)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(stdout, "integrity ok") {
		t.Fatalf("backup: exit %d, %s%s", code, stdout, errOut)
	}
	t.Logf("%d answers acknowledged before the backup, %d while it ran: %s", len(before), during, strings.TrimSpace(stdout))
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, mode %v; want 0600", err, fi.Mode())
	}

	// Restore: the copy is the database.
	restored, err := store.Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.CheckSchema(ctx); err != nil {
		t.Fatalf("the backup's schema: %v", err)
	}
	stored := map[string]bool{}
	var fromResponses nps.Histogram
	f := store.ResponseFilter{WaveID: waveID, Limit: store.MaxResponsePage}
	for {
		page, err := restored.LatestResponses(ctx, wsID, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Responses {
			stored[r.Comment] = true
			fromResponses.Add(r.Score)
		}
		if page.Next.IsZero() {
			break
		}
		f.After = page.Next
	}
	for _, c := range before {
		if !stored[c] {
			t.Errorf("answer %s, acknowledged before the backup began, is not in it", c)
		}
	}
	h, err := restored.Histogram(ctx, wsID, store.HistogramFilter{WaveID: waveID})
	if err != nil || h != fromResponses {
		t.Errorf("the backup's rollup: got %v (%v), want %v as its %d responses", h, err, fromResponses, len(stored))
	}

	// serve serves the backup: the API's NPS is the backup's.
	wave, err := restored.Wave(ctx, wsID, waveID)
	if err != nil {
		t.Fatal(err)
	}
	restored.Close()
	addr := freeAddr(t)
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	var logs strings.Builder
	go func() {
		done <- run(sctx, []string{"serve", "--database", out, "--addr", addr}, func(string) string { return "" }, nil, &logs, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve on the backup: %v", err)
		}
	}()
	if status := statusWhenUp("http://"+addr+"/readyz", 10*time.Second); status != http.StatusOK {
		t.Fatalf("serve on the backup: /readyz %d", status)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/api/v1/surveys/%d/nps?wave=%d", addr, wave.SurveyID, waveID), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Histogram nps.Histogram `json:"histogram"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET nps from the backup: %d, %v", resp.StatusCode, err)
	}
	if got.Histogram != fromResponses {
		t.Errorf("the NPS serve computes from the backup: histogram %v, want %v", got.Histogram, fromResponses)
	}
}

func TestBackupRefusals(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	if _, errOut, code := runCLI(t, "", "migrate", "--database", dsn); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(out, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no output", []string{"backup", "--database", dsn}, 2, "-o FILE is required"},
		{"exists", []string{"backup", "--database", dsn, "-o", out}, 2, "exists; --force replaces it"},
		{"no database", []string{"backup", "--database", filepath.Join(t.TempDir(), "none.db"), "-o", out + "2"}, 2, "no such file"},
		{"no directory", []string{"backup", "--database", dsn, "-o", filepath.Join(t.TempDir(), "no", "b.db")}, 2, "no such file"},
		{"postgres", []string{"backup", "--database", "postgres://u@localhost/promotor", "-o", out}, 2, "pg_dump --format=custom"},
		{"force", []string{"backup", "--database", dsn, "-o", out, "--force"}, 0, ""},
	}
	for _, c := range cases {
		_, errOut, code := runCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: got exit %d, %q; want %d with %q", c.name, code, errOut, c.code, c.want)
		}
	}
	if err := store.CheckSQLiteCopy(context.Background(), out, int64(len(migrationFiles(t)))); err != nil {
		t.Errorf("the file --force replaced: %v", err)
	}
	// Nothing is left behind in the directory but the backup.
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("the backup's directory holds %d entries, want the backup only", len(entries))
	}
}

// TestPostgresDumpRestore checks the commands docs/OPERATIONS.md gives for
// PostgreSQL: pg_dump --format=custom of the test's schema, pg_restore of
// it into a fresh schema of that name (the original renamed aside), and
// the same rows in every table after, which promotor then serves from.
func TestPostgresDumpRestore(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres) // skips without a server
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian's postgresql-client package has it): %v", tool, err)
		}
	}
	ctx := context.Background()
	wsID, waveID, _ := crashFixture(t, dsn)
	db := storetest.OpenDSN(t, dsn)
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := db.RecordResponse(ctx, wsID, nps.Response{WaveID: waveID, Score: i % 11, Comment: fmt.Sprint(i), Channel: nps.ChannelAPI}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := db.Histogram(ctx, wsID, store.HistogramFilter{WaveID: waveID})
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for _, c := range storetest.Columns(t, db) {
		tables = append(tables, c.Table)
	}
	tables = slices.Compact(tables)
	if len(tables) < 10 {
		t.Fatalf("tables of the schema to dump: %v", tables)
	}
	db.Close()

	// libpq takes no search_path in a URL: the schema is pg_dump's flag.
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	server := u.String()
	dump := filepath.Join(t.TempDir(), "promotor.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--schema="+schema, "--file="+dump, server).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	aside := schema + "_orig"
	if _, err := admin.ExecContext(ctx, "ALTER SCHEMA "+schema+" RENAME TO "+aside); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+aside+" CASCADE") })
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+server, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	total := 0
	for _, table := range tables {
		var before, after int
		if err := admin.QueryRowContext(ctx, fmt.Sprintf(`SELECT (SELECT COUNT(*) FROM %s.%s), (SELECT COUNT(*) FROM %s.%s)`, aside, table, schema, table)).Scan(&before, &after); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		if before != after {
			t.Errorf("table %s: %d rows restored, want %d", table, after, before)
		}
		total += after
	}
	t.Logf("%d tables, %d rows dumped and restored", len(tables), total)

	restored := storetest.OpenDSN(t, dsn)
	if err := restored.CheckSchema(ctx); err != nil {
		t.Fatalf("the restored schema: %v", err)
	}
	if got, err := restored.Histogram(ctx, wsID, store.HistogramFilter{WaveID: waveID}); err != nil || got != want {
		t.Errorf("restored rollup: got %v (%v), want %v", got, err, want)
	}
}

// TestBackupRelativePath backs up to a file named relative to the working
// directory, as an operator types it.
func TestBackupRelativePath(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	if _, errOut, code := runCLI(t, "", "migrate", "--database", dsn); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	t.Chdir(t.TempDir())
	if out, errOut, code := runCLI(t, "", "backup", "--database", dsn, "-o", "promotor-backup.db"); code != 0 {
		t.Fatalf("backup -o promotor-backup.db: exit %d, %s%s", code, out, errOut)
	}
	if _, err := os.Stat("promotor-backup.db"); err != nil {
		t.Error(err)
	}
}
