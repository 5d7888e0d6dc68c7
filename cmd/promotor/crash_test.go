package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestKillDuringSubmissions kills `promotor serve` with SIGKILL in the
// middle of a load of answers, some with an Idempotency-Key (one commit
// per request) and some without (group commit), then restarts it and
// retries what was not acknowledged. Every answer that got a 2xx must be
// stored, none twice, and the rollup must agree with the responses.
func TestKillDuringSubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			wsID, waveID, secret := crashFixture(t, dsn)
			// A token each, as 32 integrations: one token's rate limit
			// would stop the load long before the kill.
			const workers = 32
			secrets := append([]string{secret}, crashTokens(t, dsn, wsID, workers-1)...)

			addr := freeAddr(t)
			srv := startServe(t, bin, dsn, addr)
			var (
				mu      sync.Mutex
				acked   = map[string]bool{} // comment → acknowledged
				pending []string            // keyed answers without an answer
				sent    atomic.Int64
				wg      sync.WaitGroup
				client  = &http.Client{Timeout: 5 * time.Second}
			)
			post := func(secret, comment string, keyed bool) (int, error) {
				body := fmt.Sprintf(`{"wave_id": %d, "score": %d, "comment": %q}`, waveID, len(comment)%11, comment)
				req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/responses", bytes.NewBufferString(body))
				req.Header.Set("Authorization", "Bearer "+secret)
				req.Header.Set("Content-Type", "application/json")
				if keyed {
					req.Header.Set("Idempotency-Key", comment)
				}
				resp, err := client.Do(req)
				if err != nil {
					return 0, err
				}
				resp.Body.Close()
				return resp.StatusCode, nil
			}
			for w := range workers {
				keyed := w%2 == 0
				wg.Go(func() {
					for i := 0; ; i++ {
						comment := fmt.Sprintf("w%d-%d", w, i)
						status, err := post(secrets[w], comment, keyed)
						sent.Add(1)
						mu.Lock()
						switch {
						case err == nil && status == http.StatusCreated:
							acked[comment] = true
						case err == nil:
							t.Errorf("POST %s: got status %d, want 201", comment, status)
						case keyed:
							pending = append(pending, comment)
						}
						mu.Unlock()
						if err != nil || status != http.StatusCreated {
							return // the server is gone
						}
					}
				})
			}
			for sent.Load() < 2000 {
				time.Sleep(10 * time.Millisecond)
			}
			if err := srv.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			srv.Wait()
			wg.Wait()
			t.Logf("%d requests sent, %d acknowledged before SIGKILL, %d keyed answers to retry", sent.Load(), len(acked), len(pending))

			srv = startServe(t, bin, dsn, addr)
			for _, comment := range pending {
				if status, err := post(secret, comment, true); err != nil || status != http.StatusCreated {
					t.Errorf("retry of %s after the restart: got %d, %v, want 201", comment, status, err)
				}
				acked[comment] = true
			}
			srv.Process.Signal(os.Interrupt)
			srv.Wait()

			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			counts := map[string]int{}
			f := store.ResponseFilter{WaveID: waveID, Limit: store.MaxResponsePage}
			for {
				page, err := db.LatestResponses(ctx, wsID, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Responses {
					counts[r.Comment]++
				}
				if page.Next.IsZero() {
					break
				}
				f.After = page.Next
			}
			for c, n := range counts {
				if n > 1 {
					t.Errorf("answer %s is stored %d times, want once", c, n)
				}
			}
			for c := range acked {
				if counts[c] != 1 {
					t.Errorf("acknowledged answer %s is stored %d times, want once", c, counts[c])
				}
			}
			h, err := db.Histogram(ctx, wsID, store.HistogramFilter{WaveID: waveID})
			if err != nil || h.N() != int64(len(counts)) {
				t.Errorf("rollup after the crash: got n = %d (%v), want the %d stored responses", h.N(), err, len(counts))
			}
		})
	}
}

// crashFixture makes a workspace with an open wave and an API token.
func crashFixture(t *testing.T, dsn string) (wsID, waveID int64, secret string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "crash", Name: "Crash"})
	if err != nil {
		t.Fatal(err)
	}
	text := nps.SurveyText{Question: "How likely?", FollowUp: nps.FollowUp{Promoter: "Why?", Passive: "Why?", Detractor: "Why?"}}
	s, err := db.CreateSurvey(ctx, ws.ID, nps.Survey{Name: "NPS", DefaultLanguage: "en", Texts: map[string]nps.SurveyText{"en": text}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: s.ID, Name: "Now", OpensAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err = db.CreateAPIToken(ctx, ws.ID, "crash test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return ws.ID, w.ID, secret
}

// crashTokens makes n more API tokens of the workspace and returns their
// secrets.
func crashTokens(t *testing.T, dsn string, wsID int64, n int) []string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	secrets := make([]string, n)
	for i := range secrets {
		if _, secrets[i], err = db.CreateAPIToken(ctx, wsID, fmt.Sprint("crash test ", i+2), 0); err != nil {
			t.Fatal(err)
		}
	}
	return secrets
}

// startServe starts the promotor binary's serve on dsn, with more flags
// when given, and waits until it is ready.
func startServe(t *testing.T, bin, dsn, addr string, flags ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--database", dsn, "--addr", addr}, flags...)...)
	cmd.Stderr = &bytes.Buffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if statusWhenUp("http://"+addr+"/readyz", 10*time.Second) == http.StatusOK {
		return cmd
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("serve did not become ready on %s: %s", addr, cmd.Stderr)
	return nil
}
