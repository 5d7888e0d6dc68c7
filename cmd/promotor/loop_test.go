package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
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
	addr     string
	mu       sync.Mutex
	secret   string
	bodies   map[string][]string
	events   map[string]string
	unsigned int
	srv      *http.Server
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
	if h.events == nil {
		h.events = map[string]string{}
	}
	h.events[k] = r.Header.Get("Promotor-Event")
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

// kinds counts the distinct events received by kind.
func (h *hookReceiver) kinds() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := map[string]int{}
	for _, k := range h.events {
		n[k]++
	}
	return n
}

func (h *hookReceiver) unsignedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.unsigned
}

func (h *hookReceiver) keys() (keys, requests int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.bodies {
		requests += len(b)
	}
	return len(h.bodies), requests
}

// postAnswer posts an answer through the API.
func postAnswer(t *testing.T, addr, token string, waveID int64, contactID int64, score int, comment string) int64 {
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
	var r struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.ID == 0 {
		t.Fatalf("POST answer: no id in %s", b)
	}
	return r.ID
}

// appClient is a signed-in browser without JavaScript: it posts forms
// and does not follow redirects.
type appClient struct {
	t       *testing.T
	base    string
	session string
}

func (c *appClient) do(method, path string, form url.Values) (status int, location, body string) {
	c.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: "promotor_session", Value: c.session})
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// post posts a form and wants the redirect that follows a change.
func (c *appClient) post(path string, form url.Values) string {
	c.t.Helper()
	status, location, body := c.do("POST", path, form)
	if status != http.StatusSeeOther {
		c.t.Fatalf("POST %s: got %d, want 303\n%.2000s", path, status, body)
	}
	return location
}

var (
	secretRE = regexp.MustCompile(`whsec_[A-Za-z0-9_-]{20,}`)
	planRE   = regexp.MustCompile(`/plans/(\d+)$`)
)

// TestLoopEndToEnd closes the loop through a real serve, a real SMTP
// server (Mailpit) and a webhook receiver, as a team would through the
// pages: the recommended alert rule and a webhook set up; a detractor's
// answer brings the owner's alert email within 5 seconds, signed
// webhooks and a follow-up due in two working days; a plan with two
// actions, a note and a shared update, which shows on the customer page
// (the note does not) and goes to the customer by email; a promoter
// thanked by email; a referral recorded.
func TestLoopEndToEnd(t *testing.T) {
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
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			ownerEmail := mailtest.Address(t)
			owner, err := db.CreateUser(ctx, nps.User{Email: ownerEmail, Name: "Eva", Language: "en"})
			must(err)
			_, err = db.AddMember(ctx, wsID, owner.ID, nps.RoleMember)
			must(err)
			acct, err := db.CreateAccount(ctx, wsID, nps.Account{Name: "Jansen BV", OwnerID: owner.ID, AnnualRevenueCents: 4_000_000})
			must(err)
			detractor, err := db.CreateContact(ctx, wsID, nps.Contact{AccountID: acct.ID, Email: mailtest.Address(t), Name: "Piet", Language: "en"})
			must(err)
			promoter, err := db.CreateContact(ctx, wsID, nps.Contact{AccountID: acct.ID, Email: mailtest.Address(t), Name: "Anna", Language: "en"})
			must(err)
			newcomer, err := db.CreateAccount(ctx, wsID, nps.Account{Name: "Nieuwe Klant BV", AnnualRevenueCents: 2_500_000})
			must(err)
			hooks := &hookReceiver{addr: freeAddr(t), bodies: map[string][]string{}}
			hooks.up(t)
			addr := freeAddr(t)
			srv := startServe(t, bin, dsn, addr, "--smtp", "smtp://"+mp.SMTPAddr+"?tls=none&from=nps@promotor.example",
				"--base-url", "http://"+addr)
			t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
			app := &appClient{t: t, base: "http://" + addr, session: dashboardSession(t, dsn, wsID)}
			w := "/w/crash"

			// Settings, as the workspace's owner sets them.
			app.post(w+"/alert-rules/recommended", url.Values{})
			status, _, body := app.do("POST", w+"/webhooks", url.Values{"url": {"http://" + hooks.addr + "/hook"}, "format": {"promotor"},
				"events": {"response.created", "alert.created", "plan.changed"}, "active": {"1"}})
			secret := secretRE.FindString(body)
			if status != http.StatusOK || secret == "" {
				t.Fatalf("new webhook: got %d and no secret shown\n%.2000s", status, body)
			}
			hooks.mu.Lock()
			hooks.secret = secret
			hooks.mu.Unlock()

			// The detractor's answer.
			answerID := postAnswer(t, addr, token, waveID, detractor.ID, 2, "Deliveries are far too late")
			answered := time.Now()
			waitFor(t, 5*time.Second, "the alert email to the owner", func() bool {
				_, n, err := mp.API.Search(ctx, mailtest.ToQuery(ownerEmail), 1)
				return err == nil && n == 1
			})
			t.Logf("alert email in Mailpit %v after the answer", time.Since(answered).Round(time.Millisecond))
			waitFor(t, 5*time.Second, "the answer's and the alert's webhooks", func() bool {
				return hooks.kinds()["response.created"] == 1 && hooks.kinds()["alert.created"] == 1
			})
			alerts, err := db.Alerts(ctx, wsID, store.AlertFilter{})
			if err != nil || len(alerts) != 1 {
				t.Fatalf("follow-ups: got %d, %v; want the one", len(alerts), err)
			}
			if a := alerts[0]; !a.DueAt.Equal(nps.AddWorkingDays(a.CreatedAt, 2)) {
				t.Errorf("follow-up due %v, want two working days after the alert: %v", a.DueAt, nps.AddWorkingDays(a.CreatedAt, 2))
			}
			if status, _, body := app.do("GET", w+"/followups", nil); status != http.StatusOK || !strings.Contains(body, "Jansen BV") {
				t.Errorf("follow-ups: got %d, want the open follow-up of Jansen BV", status)
			}

			// The plan, made with the customer.
			location := app.post(w+"/plans", url.Values{"account": {fmt.Sprint(acct.ID)}, "title": {"On-time deliveries"},
				"response": {fmt.Sprint(answerID)}})
			m := planRE.FindStringSubmatch(location)
			if m == nil {
				t.Fatalf("new plan: redirected to %q", location)
			}
			plan := w + "/plans/" + m[1]
			app.post(plan+"/items", url.Values{"kind": {"action"}, "body": {"Weekly delivery report"}, "status": {"done"}, "shareable": {"1"}})
			app.post(plan+"/items", url.Values{"kind": {"action"}, "body": {"A second driver on Mondays"}, "status": {"todo"},
				"due_on": {"2027-01-15"}, "shareable": {"1"}})
			app.post(plan+"/items", url.Values{"kind": {"note"}, "body": {"Internal: the margin is thin"}})
			app.post(plan+"/items", url.Values{"kind": {"update"}, "body": {"We now deliver before nine"}, "shareable": {"1"}, "email": {"1"}})
			waitFor(t, 10*time.Second, "the progress update's email to the customer", func() bool {
				_, n, err := mp.API.Search(ctx, mailtest.ToQuery(detractor.Email), 1)
				return err == nil && n == 1
			})
			page, err := db.AccountPage(ctx, wsID, acct.ID)
			must(err)
			customer := &appClient{t: t, base: app.base}
			status, _, body = customer.do("GET", "/y/"+page, nil)
			for _, want := range []string{"We now deliver before nine", "Weekly delivery report", "A second driver on Mondays", "Deliveries are far too late"} {
				if status != http.StatusOK || !strings.Contains(body, want) {
					t.Errorf("customer page (%d) lacks %q", status, want)
				}
			}
			if strings.Contains(body, "margin is thin") {
				t.Error("the customer page shows the team's note")
			}
			waitFor(t, 5*time.Second, "the plan's webhooks", func() bool { return hooks.kinds()["plan.changed"] >= 1 })

			// The promoter, thanked; and the referral.
			postAnswer(t, addr, token, waveID, promoter.ID, 10, "Great service")
			app.post(fmt.Sprintf("%s/promoters/%d/thank", w, promoter.ID), url.Values{})
			waitFor(t, 10*time.Second, "the thank-you email to the promoter", func() bool {
				_, n, err := mp.API.Search(ctx, mailtest.ToQuery(promoter.Email), 1)
				return err == nil && n == 1
			})
			app.post(w+"/referrals", url.Values{"referrer": {fmt.Sprint(acct.ID)}, "referred": {fmt.Sprint(newcomer.ID)}, "contact": {promoter.Email}})
			if status, _, body := app.do("GET", w+"/referrals", nil); status != http.StatusOK || !strings.Contains(body, "Nieuwe Klant BV") {
				t.Errorf("referrals: got %d, want the referral of Nieuwe Klant BV", status)
			}
			if n := hooks.unsignedCount(); n != 0 {
				t.Errorf("%d webhook requests without a valid signature", n)
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
			hooks := &hookReceiver{addr: freeAddr(t), bodies: map[string][]string{}}
			e, err := storetest.OpenDSN(t, dsn).CreateWebhookEndpoint(context.Background(), wsID, nps.WebhookEndpoint{
				URL: "http://" + hooks.addr + "/hook", Format: "promotor", Events: []nps.EventKind{nps.EventResponseCreated}, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			hooks.secret = e.Secret
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
			if n := hooks.unsignedCount(); n != 0 {
				t.Errorf("%d requests without a valid signature", n)
			}
		})
	}
}
