package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestTwoServesOneDatabase runs two `promotor serve` processes on one
// database, as a deployment behind a load balancer does: an answer posted
// to one must show in the other's dashboard within a second. Nothing is
// cached between requests; both read the rollup the answer's transaction
// wrote. It runs on PostgreSQL, the database for several processes, and
// on SQLite, whose WAL mode lets processes on one machine share a file.
func TestTwoServesOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			wsID, waveID, token := crashFixture(t, dsn)
			session := dashboardSession(t, dsn, wsID)
			servers := []string{freeAddr(t), freeAddr(t)}
			for _, addr := range servers {
				srv := startServe(t, bin, dsn, addr)
				t.Cleanup(func() {
					srv.Process.Kill()
					srv.Wait()
				})
			}
			client := &http.Client{Timeout: 5 * time.Second}
			dashboard := func(addr string) string {
				req, _ := http.NewRequest("GET", "http://"+addr+"/w/crash/dashboard", nil)
				req.AddCookie(&http.Cookie{Name: "promotor_session", Value: session})
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("dashboard on %s: %d\n%s", addr, resp.StatusCode, body)
				}
				return string(body)
			}
			for i, from := range []int{0, 1} {
				to := servers[1-from]
				body := fmt.Sprintf(`{"wave_id": %d, "score": 10, "comment": "through server %d"}`, waveID, from)
				req, _ := http.NewRequest("POST", "http://"+servers[from]+"/api/v1/responses", bytes.NewBufferString(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					t.Fatalf("POST to server %d: %d", from, resp.StatusCode)
				}
				acked := time.Now()
				want := fmt.Sprintf("n = %d", i+1)
				for !strings.Contains(dashboard(to), want) {
					if time.Since(acked) > time.Second {
						t.Fatalf("the answer posted to server %d is not in the other's dashboard after a second (want %q)", from, want)
					}
					time.Sleep(10 * time.Millisecond)
				}
				t.Logf("answer through server %d in the other's dashboard after %v", from, time.Since(acked).Round(time.Millisecond))
			}
		})
	}
}

// dashboardSession makes an owner of the workspace and returns the
// secret of a session for them.
func dashboardSession(t *testing.T, dsn string, wsID int64) string {
	t.Helper()
	ctx := context.Background()
	db := storetest.OpenDSN(t, dsn)
	u, err := db.CreateUser(ctx, nps.User{Email: "dashboard@crash.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMember(ctx, wsID, u.ID, nps.RoleOwner); err != nil {
		t.Fatal(err)
	}
	secret, _, err := db.CreateSession(ctx, u.ID, "password")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
