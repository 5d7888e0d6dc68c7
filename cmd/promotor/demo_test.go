package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/demo"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// demoOutput is what a test reads from demo's printout.
type demoOutput struct {
	seed             int64
	password, token  string
	nps, responses   []string
	openWaves, waves int
}

var (
	waveRow  = regexp.MustCompile(`(?m)^\s+(\d{4})( \(open\))?\s+(\d+)\s+(\d+)\s+\d+%\s+([+-]?\d+|no responses)\s+[+-]?\d+ to [+-]?\d+$`)
	seedLine = regexp.MustCompile(`from seed (-?\d+) `)
)

func parseDemo(t *testing.T, out string) demoOutput {
	t.Helper()
	var d demoOutput
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "API token: "); ok {
			d.token = rest
		}
		if rest, ok := strings.CutPrefix(line, "  Password: "); ok {
			d.password = rest
		}
	}
	for _, m := range waveRow.FindAllStringSubmatch(out, -1) {
		d.waves++
		if m[2] != "" {
			d.openWaves++
		}
		d.responses = append(d.responses, m[4])
		d.nps = append(d.nps, m[5])
	}
	m := seedLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("demo printout names no seed:\n%s", out)
	}
	d.seed, _ = strconv.ParseInt(m[1], 10, 64)
	return d
}

func TestDemo(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			var tokens []string
			for range 2 {
				out, errOut, code := runCLI(t, "", "demo", "--database", dsn, "--seed", "7")
				if code != 0 {
					t.Fatalf("demo: exit %d: %s\n%s", code, errOut, out)
				}
				got := parseDemo(t, out)
				if want := []string{"-4", "-10", "+18"}; !slices.Equal(got.nps, want) {
					t.Errorf("demo: printed NPS %v, want %v\n%s", got.nps, want, out)
				}
				if want := []string{"150", "160", "200"}; !slices.Equal(got.responses, want) {
					t.Errorf("demo: printed responses %v, want %v\n%s", got.responses, want, out)
				}
				if got.waves != 3 || got.openWaves != 1 {
					t.Errorf("demo: printed %d waves, %d open; want 3, the last open\n%s", got.waves, got.openWaves, out)
				}
				if got.seed != 7 || got.password != demo.Build(7).Password {
					t.Errorf("demo --seed 7: printed seed %d, password %q; want 7, %q", got.seed, got.password, demo.Build(7).Password)
				}
				if !nps.PlausibleAPISecret(got.token) {
					t.Errorf("demo: the API token: line holds %q, not a token\n%s", got.token, out)
				}
				tokens = append(tokens, got.token)
			}
			// The printed token works, and the one of the replaced demo no
			// longer does.
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ws, err := db.WorkspaceBySlug(context.Background(), demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if tok, err := db.APITokenBySecret(context.Background(), tokens[1]); err != nil || tok.WorkspaceID != ws.ID {
				t.Errorf("the printed API token: got workspace %d, %v; want the demo's %d", tok.WorkspaceID, err, ws.ID)
			}
			if _, err := db.APITokenBySecret(context.Background(), tokens[0]); err == nil {
				t.Errorf("the API token of the replaced demo still works")
			}
			// The comments were analysed before the command returned.
			if n, err := db.InsightBacklog(context.Background(), ws.ID, 10); err != nil || n != 0 {
				t.Errorf("answers left to analyse after demo: %d (%v), want 0", n, err)
			}
		})
	}
}

// TestDemoRandomSeed checks that a demo without --seed prints the seed it
// drew, and that the seed gives the same password again.
func TestDemoRandomSeed(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	out, errOut, code := runCLI(t, "", "demo", "--database", dsn)
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	got := parseDemo(t, out)
	if got.password != demo.Build(got.seed).Password {
		t.Errorf("demo: printed seed %d and password %q; the seed gives %q", got.seed, got.password, demo.Build(got.seed).Password)
	}
}

func TestDemoServe(t *testing.T) {
	addr := freeAddr(t)
	dsn := storetest.DSN(t, store.SQLite)
	env := map[string]string{"PROMOTOR_ADDR": addr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, logs bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--database", dsn, "--seed", "3", "--serve"}, func(k string) string { return env[k] }, nil, &out, &logs)
	}()
	status := statusWhenUp("http://"+addr+"/login", 60*time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo --serve: %v\n%s", err, logs.String())
	}
	if status != http.StatusOK {
		t.Fatalf("GET /login of demo --serve: got %d, want 200\n%s", status, logs.String())
	}
	if want := "Sign in at http://" + addr + "/login"; !strings.Contains(out.String(), want) {
		t.Errorf("demo --serve printout lacks %q:\n%s", want, out.String())
	}
}

func TestDemoUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"argument", []string{"demo", "extra"}, 2},
		{"bad seed", []string{"demo", "--seed", "seven"}, 2},
		{"unknown flag", []string{"demo", "--color"}, 2},
		{"help", []string{"demo", "-h"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", c.args...)
			if code != c.code {
				t.Errorf("%v: got exit %d (%s), want %d", c.args, code, errOut, c.code)
			}
			if c.code == 0 && !strings.Contains(out, "-seed") {
				t.Errorf("%v: help lacks -seed:\n%s", c.args, out)
			}
		})
	}
}
