package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/metrics/metricstest"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// serveInProcess runs serve through run with env and args until the test
// ends, and returns its address once it is ready, and its logs.
func serveInProcess(t *testing.T, env map[string]string, args ...string) (addr string, logs *syncBuffer) {
	t.Helper()
	addr = freeAddr(t)
	logs = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr}, args...), func(k string) string { return env[k] }, nil, logs, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, logs)
		}
	})
	if status := statusWhenUp("http://"+addr+"/readyz", 10*time.Second); status != http.StatusOK {
		t.Fatalf("serve not ready: %d\n%s", status, logs)
	}
	return addr, logs
}

// TestServeMetrics scrapes a running serve: the requests, the job queue's
// runs, both pools, the outbox and the process are all in the exposition.
func TestServeMetrics(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			addr, logs := serveInProcess(t, map[string]string{"PROMOTOR_DATABASE": storetest.DSN(t, d)})
			var fams metricstest.Families
			waitFor(t, 10*time.Second, "the first runs of the periodic tasks", func() bool {
				resp, err := http.Get("http://" + addr + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET /metrics from the loopback: %d", resp.StatusCode)
				}
				fams = metricstest.Parse(t, resp.Body)
				_, ok := fams.Value("promotor_job_duration_seconds", map[string]string{"task": "start-sends", "outcome": "ok"})
				return ok
			})
			pools := []string{"main"}
			if d == store.SQLite {
				pools = append(pools, "jobs")
			}
			for _, p := range pools {
				if _, ok := fams.Value("go_sql_open_connections", map[string]string{"db_name": p}); !ok {
					t.Errorf("no go_sql_open_connections of the %s pool", p)
				}
			}
			for _, name := range []string{"promotor_outbox_queued", "go_goroutines", "process_resident_memory_bytes"} {
				if _, ok := fams.Value(name, nil); !ok {
					t.Errorf("no %s in the exposition", name)
				}
			}
			if _, ok := fams.Value("promotor_http_request_duration_seconds", map[string]string{"route": "/readyz", "method": "GET", "status": "2xx"}); !ok {
				t.Errorf("the readiness probe is not counted\n%s", logs)
			}
		})
	}
}

func TestServeMetricsFlags(t *testing.T) {
	if _, errOut, code := runCLI(t, "", "serve", "--metrics-allowed-networks", "10.0.0.0/8,nonsense"); code != 2 || !strings.Contains(errOut, `"nonsense" is not a network`) {
		t.Errorf("a bad network: got exit %d, %q", code, errOut)
	}
}

// syncBuffer is a buffer that serve's goroutines write logs to while the
// test reads them.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeRequestLog checks that each request is logged once, as one
// JSON object with its route pattern, status, duration, size and request
// id, and without the token of its path or its query. The test is the
// trusted proxy in front, whose request ids are taken.
func TestServeRequestLog(t *testing.T) {
	addr, logs := serveInProcess(t, map[string]string{"PROMOTOR_DATABASE": storetest.DSN(t, store.SQLite),
		"PROMOTOR_TRUSTED_PROXIES": "127.0.0.1/32,::1/128"})
	const token = "tok3nSecretValue"
	for _, c := range []struct{ id, wantID string }{{"lb-4711", "lb-4711"}, {"", ""}, {"bad id \"forged\" level=ERROR", ""}} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/s/"+token+"?email=anna%40example.com", nil)
		if c.id != "" {
			req.Header.Set("X-Request-Id", c.id)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		if (c.wantID != "" && id != c.wantID) || id == "" || strings.ContainsAny(id, " \n") {
			t.Errorf("X-Request-Id %q sent: got %q back, want %q or a new one", c.id, id, c.wantID)
		}
		var lines []map[string]any
		waitFor(t, 5*time.Second, "the request's log line", func() bool {
			lines = nil
			for _, l := range strings.Split(logs.String(), "\n") {
				var rec map[string]any
				if l == "" {
					continue
				}
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatalf("a log line is not JSON: %q", l)
				}
				if rec["msg"] == "request" && rec["request_id"] == id {
					lines = append(lines, rec)
				}
			}
			return len(lines) > 0
		})
		if len(lines) != 1 {
			t.Fatalf("request %s logged %d times, want once", id, len(lines))
		}
		rec := lines[0]
		for _, key := range []string{"time", "level", "method", "route", "status", "duration_ms", "bytes", "request_id"} {
			if _, ok := rec[key]; !ok {
				t.Errorf("the request's log line lacks %q: %v", key, rec)
			}
		}
		if rec["route"] != "/s/{token}" || rec["method"] != "GET" || rec["status"] != float64(http.StatusNotFound) {
			t.Errorf("the request's log line: %v; want route /s/{token}, GET, 404", rec)
		}
	}
	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "anna") {
		t.Errorf("the log holds a token or an email:\n%s", logs)
	}
}

func TestServeLogFlags(t *testing.T) {
	for _, args := range [][]string{{"serve", "--log-format", "xml"}, {"serve", "--log-level", "loud"}} {
		if _, errOut, code := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: got exit %d, %q; want 2", args, code, errOut)
		}
	}
	// At warn, neither the start-up lines nor the requests are logged.
	addr, logs := serveInProcess(t, map[string]string{"PROMOTOR_DATABASE": storetest.DSN(t, store.SQLite), "PROMOTOR_LOG_FORMAT": "text"}, "--log-level", "warn")
	if resp, err := http.Get("http://" + addr + "/login"); err == nil {
		resp.Body.Close()
	}
	if out := logs.String(); strings.Contains(out, "msg=request") || strings.Contains(out, "msg=serving") || !strings.Contains(out, "level=WARN") {
		t.Errorf("text logs at warn: got\n%s", out)
	}
}
