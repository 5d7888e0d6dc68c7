package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/store/storetest"
)

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServe(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			addr := freeAddr(t)
			dsn := storetest.DSN(t, d)
			env := map[string]string{"PROMOTOR_ADDR": addr, "PROMOTOR_DATABASE": dsn}
			ctx, cancel := context.WithCancel(context.Background())
			var logs bytes.Buffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, &logs, &logs)
			}()
			status := statusWhenUp("http://"+addr+"/readyz", 10*time.Second)
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve: %v\n%s", err, logs.String())
			}
			if status != http.StatusOK {
				t.Fatalf("GET /readyz: got %d, want 200\n%s", status, logs.String())
			}
			for _, want := range []string{"migration applied", "serving", `"database":"` + d.String() + `"`, "shutting down"} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("serve log lacks %q:\n%s", want, logs.String())
				}
			}
			// The database the environment named was created and migrated.
			out, _, code := runCLI(t, "", "migrate", "--status", "--database", dsn)
			n := latestMigration(t, migrationFiles(t))
			if code != 0 || !strings.Contains(out, fmt.Sprintf("schema version %d of %d", n, n)) {
				t.Errorf("migrate --status after serve: got exit %d, %q", code, out)
			}
		})
	}
}

func TestServeBadFlags(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"serve", "--port", "1"}, {"migrate", "--database"}} {
		if _, errOut, code := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: got exit %d (%s), want 2", args, code, errOut)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.com", "10.0.0.0/8,,nonsense"} {
		_, errOut, code := runCLI(t, "", "serve", "--trusted-proxies", bad)
		if code != 2 || !strings.Contains(errOut, "--trusted-proxies") {
			t.Errorf("serve --trusted-proxies %q: got exit %d, %q; want 2 and a message naming the flag", bad, code, errOut)
		}
	}
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "", "serve", "--database", filepath.Join(dir, "no", "such", "dir.db")); code != 1 || !strings.Contains(errOut, "store: open sqlite database") {
		t.Errorf("serve on an impossible path: got exit %d, %q", code, errOut)
	}
}

// TestServeEnv: every serve flag has its environment variable, and the
// durations' are checked unless the flag, which wins, is given.
func TestServeEnv(t *testing.T) {
	env := map[string]string{"PROMOTOR_SHUTDOWN_GRACE": "7s", "PROMOTOR_SHUTDOWN_DELAY": "3s", "PROMOTOR_SEND_LEASE": "45s",
		"PROMOTOR_TRUSTED_PROXIES": "10.9.0.0/16"}
	serve := func(env map[string]string, args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"serve"}, args...), func(k string) string { return env[k] },
			strings.NewReader(""), &out, &errOut)
		if err != nil {
			return out.String(), err.Error(), exitCode(err)
		}
		return out.String(), errOut.String(), 0
	}
	help, _, code := serve(env, "-h")
	if code != 0 {
		t.Fatalf("serve -h: exit %d", code)
	}
	for _, want := range []string{"(default 7s)", "(default 3s)", "(default 45s)", "(default \"10.9.0.0/16\")",
		"(env PROMOTOR_SHUTDOWN_GRACE)", "(env PROMOTOR_SHUTDOWN_DELAY)", "(env PROMOTOR_SEND_LEASE)"} {
		if !strings.Contains(help, want) {
			t.Errorf("serve -h with %v lacks %s:\n%s", env, want, help)
		}
	}
	bad := map[string]string{"PROMOTOR_SHUTDOWN_GRACE": "soon"}
	if _, errOut, code := serve(bad); code != 2 || !strings.Contains(errOut, "PROMOTOR_SHUTDOWN_GRACE") {
		t.Errorf("serve with PROMOTOR_SHUTDOWN_GRACE=soon: exit %d, %q; want 2 and the variable named", code, errOut)
	}
	// The flag wins: what fails then is the next check, the log level.
	if _, errOut, code := serve(bad, "--shutdown-grace", "1s", "--log-level", "loud"); code != 2 || !strings.Contains(errOut, "--log-level") {
		t.Errorf("serve with PROMOTOR_SHUTDOWN_GRACE=soon and --shutdown-grace: exit %d, %q; want the log level refused", code, errOut)
	}
}

func TestMigrate(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			files := migrationFiles(t)
			n := latestMigration(t, files)
			var pending, applied strings.Builder
			for _, f := range files {
				fmt.Fprintf(&pending, "pending  %s\n", f)
				fmt.Fprintf(&applied, "applied  %s\n", f)
			}
			steps := []struct {
				args []string
				want string
			}{
				{[]string{"migrate", "--status"}, fmt.Sprintf("schema version 0 of %d (%s)\n%s", n, d, pending.String())},
				{[]string{"migrate"}, applied.String()},
				{[]string{"migrate"}, "schema is up to date\n"},
				{[]string{"migrate", "--status"}, fmt.Sprintf("schema version %d of %d (%s)\n", n, n, d)},
			}
			for _, s := range steps {
				out, errOut, code := runCLI(t, "", append(s.args, "--database", dsn)...)
				if code != 0 || out != s.want {
					t.Errorf("%v: got exit %d, %q %s; want %q", s.args, code, out, errOut, s.want)
				}
			}
		})
	}
}

func TestServeRefusesNewerSchema(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "newer.db")
	if _, errOut, code := runCLI(t, "", "migrate", "--database", dsn); code != 0 {
		t.Fatalf("migrate: exit %d, %s", code, errOut)
	}
	// Pretend a newer promotor applied a migration this one does not know.
	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Were it not refused, serve would run until the deadline and succeed.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var logs bytes.Buffer
	err = run(ctx, []string{"serve", "--database", dsn, "--addr", freeAddr(t)}, func(string) string { return "" }, nil, &logs, &logs)
	if err == nil || !strings.Contains(err.Error(), "newer than this program") {
		t.Errorf("serve on a newer schema: got %v; want a refusal\n%s", err, logs.String())
	}
}

// migrationFiles lists the migrations promotor embeds, in order.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../internal/store/migrations/sqlite/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("listing the migrations: %v", err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files
}

// latestMigration is the version of the last of the migration files, the
// schema version they migrate to: their number, which may skip one.
func latestMigration(t *testing.T, files []string) int {
	t.Helper()
	last := files[len(files)-1]
	n, err := strconv.Atoi(last[:strings.IndexByte(last, '_')])
	if err != nil {
		t.Fatalf("migration %s: no version: %v", last, err)
	}
	return n
}

// statusWhenUp gets url until a server answers it, for at most wait, and
// returns the status of the answer; 0 when none came.
func statusWhenUp(url string, wait time.Duration) int {
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
	}
	return 0
}
