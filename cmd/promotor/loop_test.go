package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
	"github.com/promotor/promotor/internal/webhook"
)

// hookReceiver is a webhook endpoint on a fixed address that can be down
// (not listening) and records each request by idempotency key.
type hookReceiver struct {
	addr, secret string
	mu           sync.Mutex
	bodies       map[string][]string
	unsigned     int
	srv          *http.Server
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if webhook.Verify(h.secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), 5*time.Minute) != nil {
		h.unsigned++
	}
	k := r.Header.Get("Idempotency-Key")
	h.bodies[k] = append(h.bodies[k], string(body))
	w.WriteHeader(http.StatusOK)
}

// up starts listening on the receiver's address.
func (h *hookReceiver) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = &http.Server{Handler: h}
	go h.srv.Serve(ln)
	t.Cleanup(func() { h.srv.Close() })
}

func (h *hookReceiver) keys() (keys, requests int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.bodies {
		requests += len(b)
	}
	return len(h.bodies), requests
}

// loopRows adds a detractor rule and a webhook endpoint for answers and
// alerts, as rows.
func loopRows(t *testing.T, d store.Dialect, dsn string, wsID int64, hookURL, secret string) {
	t.Helper()
	raw := rawDB(t, d, dsn)
	now := time.Now().UTC()
	if _, err := raw.Exec(`INSERT INTO alert_rules (workspace_id, name, kind, max_score, followup_days, created_at, updated_at)
		VALUES ($1, 'Detractor', 'score', 6, 2, $2, $2)`, wsID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO webhook_endpoints (workspace_id, url, format, secret, events, created_at, updated_at)
		VALUES ($1, $2, 'promotor', $3, 'response.created alert.created', $4, $4)`, wsID, hookURL, secret, now); err != nil {
		t.Fatal(err)
	}
}

// rawDB opens dsn without the store, to write and read rows directly.
func rawDB(t *testing.T, d store.Dialect, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open(map[store.Dialect]string{store.SQLite: "sqlite", store.Postgres: "pgx"}[d], dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// postAnswer posts an answer through the API.
func postAnswer(t *testing.T, addr, token string, waveID int64, contactID int64, score int, comment string) {
	t.Helper()
	body := fmt.Sprintf(`{"wave_id": %d, "score": %d, "comment": %q}`, waveID, score, comment)
	if contactID != 0 {
		body = fmt.Sprintf(`{"wave_id": %d, "contact_id": %d, "score": %d, "comment": %q}`, waveID, contactID, score, comment)
	}
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/responses", bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST answer: %d %s", resp.StatusCode, b)
	}
}

// TestAlertWithinSeconds runs serve with a real SMTP server (Mailpit)
// and a webhook receiver: a detractor's answer must bring the account
// owner's alert email within 5 seconds and a signed alert webhook.
func TestAlertWithinSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			ctx := context.Background()
			mp := mailtest.StartWith(t)
			dsn := storetest.DSN(t, d)
			wsID, waveID, token := crashFixture(t, dsn)
			db := storetest.OpenDSN(t, dsn)
			ownerEmail := mailtest.Address(t)
			owner, err := db.CreateUser(ctx, nps.User{Email: ownerEmail, Name: "Eva", Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddMember(ctx, wsID, owner.ID, nps.RoleMember); err != nil {
				t.Fatal(err)
			}
			acct, err := db.CreateAccount(ctx, wsID, nps.Account{Name: "Jansen BV", OwnerID: owner.ID})
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.CreateContact(ctx, wsID, nps.Contact{AccountID: acct.ID, Email: "piet@jansen.example", Name: "Piet"})
			if err != nil {
				t.Fatal(err)
			}
			hooks := &hookReceiver{addr: freeAddr(t), secret: "whsec_e2e", bodies: map[string][]string{}}
			hooks.up(t)
			loopRows(t, d, dsn, wsID, "http://"+hooks.addr+"/hook", hooks.secret)
			addr := freeAddr(t)
			srv := startServe(t, bin, dsn, addr, "--smtp", "smtp://"+mp.SMTPAddr+"?tls=none&from=nps@promotor.example")
			t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })

			postAnswer(t, addr, token, waveID, c.ID, 2, "Far too slow")
			answered := time.Now()
			waitFor(t, 5*time.Second, "the alert email to the owner", func() bool {
				_, n, err := mp.API.Search(ctx, mailtest.ToQuery(ownerEmail), 1)
				return err == nil && n == 1
			})
			t.Logf("alert email in Mailpit %v after the answer", time.Since(answered).Round(time.Millisecond))
			waitFor(t, 5*time.Second, "the answer's and the alert's webhooks", func() bool {
				keys, _ := hooks.keys()
				return keys == 2
			})
			if hooks.unsigned != 0 {
				t.Errorf("%d webhook requests without a valid signature", hooks.unsigned)
			}
			var created, due time.Time
			if err := rawDB(t, d, dsn).QueryRow(`SELECT created_at, due_at FROM alerts WHERE workspace_id = $1`, wsID).Scan(&created, &due); err != nil {
				t.Fatalf("the follow-up: %v", err)
			}
			if want := nps.AddWorkingDays(created.UTC(), 2); !due.Equal(want) {
				t.Errorf("follow-up due %v, want two working days after the alert: %v", due, want)
			}
		})
	}
}

// TestWebhookSurvivesOutageAndKill delivers answers to a receiver that
// is down for a minute, with `kill -9` of serve in between: each event
// must arrive, retried by the restarted process, and arrive once as the
// receiver's idempotency keys see it.
func TestWebhookSurvivesOutageAndKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the promotor binary")
	}
	bin := promotorBinary(t)
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			wsID, waveID, token := crashFixture(t, dsn)
			hooks := &hookReceiver{addr: freeAddr(t), secret: "whsec_outage", bodies: map[string][]string{}}
			loopRows(t, d, dsn, wsID, "http://"+hooks.addr+"/hook", hooks.secret)
			addr := freeAddr(t)
			srv := startServe(t, bin, dsn, addr)
			down := time.Now()
			const answers = 3
			for i := range answers {
				postAnswer(t, addr, token, waveID, 0, 8+i%3, fmt.Sprintf("answer %d", i))
			}
			time.Sleep(20 * time.Second)
			if err := srv.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			srv.Wait()
			srv = startServe(t, bin, dsn, addr)
			t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
			time.Sleep(time.Until(down.Add(time.Minute)))
			hooks.up(t)
			waitFor(t, 3*time.Minute, "every answer's webhook after the outage", func() bool {
				keys, _ := hooks.keys()
				return keys == answers
			})
			time.Sleep(2 * time.Second)
			keys, requests := hooks.keys()
			t.Logf("receiver down %v; %d events arrived %v after it came up, in %d requests", time.Minute, keys, time.Since(down.Add(time.Minute)).Round(time.Second), requests)
			if keys != answers || requests != answers {
				t.Errorf("receiver got %d keys in %d requests, want each of %d events once", keys, requests, answers)
			}
			if hooks.unsigned != 0 {
				t.Errorf("%d requests without a valid signature", hooks.unsigned)
			}
		})
	}
}
