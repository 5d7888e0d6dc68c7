package loop_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/loop"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
	"github.com/promotor/promotor/internal/webhook"
)

// friday is the test's clock: Friday 4 December 2026, 15:00 UTC.
var friday = time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)

// receiver is a webhook endpoint that verifies signatures and records
// what it received, or answers with status while it is set.
type receiver struct {
	mu     sync.Mutex
	secret string
	got    []received
	status atomic.Int32
}

type received struct {
	key, event string
	verified   bool
	body       map[string]any
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s := rc.status.Load(); s != 0 {
		w.WriteHeader(int(s))
		return
	}
	body, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	// Signed at the loop's clock.
	err := webhook.Verify(rc.secret, r.Header.Get(webhook.SignatureHeader), body, friday, 5*time.Minute)
	rc.mu.Lock()
	rc.got = append(rc.got, received{r.Header.Get("Idempotency-Key"), r.Header.Get("Promotor-Event"), err == nil, m})
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// outbox is a mail sender that keeps what it was given.
type outbox struct {
	mu   sync.Mutex
	sent []*mail.Message
}

func (o *outbox) Send(_ context.Context, m *mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

type fixture struct {
	db    *store.DB
	raw   *sql.DB
	loop  *loop.Loop
	ws    nps.Workspace
	wave  nps.Wave
	acct  nps.Account
	who   nps.Contact
	owner nps.User
	hooks *receiver
	mail  *outbox
}

// newFixture makes a workspace whose account is owned by a Dutch
// speaking owner, with a detractor rule and a webhook endpoint for
// answers and alerts. Rules and endpoints are written as rows: the
// loop reads them, the settings pages make them.
func newFixture(t *testing.T, d store.Dialect) *fixture {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, d)
	db := storetest.OpenDSN(t, dsn)
	db.Now = func() time.Time { return friday }
	driver := map[store.Dialect]string{store.SQLite: "sqlite", store.Postgres: "pgx"}[d]
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	f := &fixture{db: db, raw: raw, hooks: &receiver{secret: "whsec_test"}, mail: &outbox{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.ws, err = db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
	must(err)
	f.owner, err = db.CreateUser(ctx, nps.User{Email: "eva@acme.example", Name: "Eva", Language: "nl"})
	must(err)
	_, err = db.AddMember(ctx, f.ws.ID, f.owner.ID, nps.RoleMember)
	must(err)
	f.acct, err = db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Bakkerij Jansen", OwnerID: f.owner.ID})
	must(err)
	f.who, err = db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: f.acct.ID, Email: "piet@jansen.example", Name: "Piet"})
	must(err)
	text := nps.SurveyText{Question: "How likely?", FollowUp: nps.FollowUp{Promoter: "Why?", Passive: "Why?", Detractor: "Why?"}}
	s, err := db.CreateSurvey(ctx, f.ws.ID, nps.Survey{Name: "Klant-NPS", DefaultLanguage: "en", Texts: map[string]nps.SurveyText{"en": text}})
	must(err)
	f.wave, err = db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: s.ID, Name: "2026", OpensAt: friday.Add(-time.Hour)})
	must(err)
	srv := httptest.NewServer(f.hooks)
	t.Cleanup(srv.Close)
	_, err = raw.ExecContext(ctx, `INSERT INTO alert_rules (workspace_id, name, kind, max_score, followup_days, created_at, updated_at)
		VALUES ($1, 'Detractor', 'score', 6, 2, $2, $2)`, f.ws.ID, friday)
	must(err)
	_, err = raw.ExecContext(ctx, `INSERT INTO webhook_endpoints (workspace_id, url, format, secret, events, created_at, updated_at)
		VALUES ($1, $2, 'promotor', $3, 'response.created alert.created', $4, $4)`, f.ws.ID, srv.URL, f.hooks.secret, friday)
	must(err)
	catalog, err := i18n.Load()
	must(err)
	render, err := mail.NewRenderer(catalog)
	must(err)
	f.loop = &loop.Loop{DB: db, Catalog: catalog, Render: render, Mail: f.mail, BaseURL: "https://nps.example.com",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return f
}

func (f *fixture) answer(t *testing.T, score int, comment string) nps.Response {
	t.Helper()
	r, err := f.db.RecordResponse(context.Background(), f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.who.ID,
		Score: score, Comment: comment, Channel: nps.ChannelLink})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// work makes the queue's jobs happen: every pending delivery and email
// once.
func (f *fixture) work(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	ids, err := f.loop.PendingDeliveries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := f.loop.Deliver(ctx, id, false); err != nil {
			t.Logf("delivery %d: %v", id, err)
		}
	}
	if ids, err = f.loop.PendingEmails(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := f.loop.SendEmail(ctx, id, false); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A detractor's answer raises one alert, due two working days later
// (Friday 15:00 → Tuesday 15:00), emailed to the account's owner in her
// language, and reaches the webhook twice, as the answer and as the
// alert, signed. A changed answer raises no second alert.
func TestDetractorAlert(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			r := f.answer(t, 3, "Levering <b>te laat</b>")
			if err := f.loop.ProcessEvents(ctx); err != nil {
				t.Fatal(err)
			}
			var due time.Time
			var state string
			if err := f.raw.QueryRow(`SELECT due_at, state FROM alerts WHERE response_id = $1`, r.ID).Scan(&due, &state); err != nil {
				t.Fatalf("no alert for the answer: %v", err)
			}
			if want := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC); !due.Equal(want) || state != "open" {
				t.Errorf("alert: got due %v, state %s; want due %v, open", due, state, want)
			}
			f.work(t)
			if len(f.mail.sent) != 1 {
				t.Fatalf("got %d emails, want 1 to the owner", len(f.mail.sent))
			}
			m := f.mail.sent[0]
			var alertID int64
			if err := f.raw.QueryRow(`SELECT id FROM alerts WHERE response_id = $1`, r.ID).Scan(&alertID); err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("https://nps.example.com/w/acme/followups/%d", alertID); !strings.Contains(m.Text, want) {
				t.Errorf("the email does not link to its follow-up %s:\n%s", want, m.Text)
			}
			if m.To.Email != "eva@acme.example" || !strings.Contains(m.Subject, "Bakkerij Jansen gaf een 3") {
				t.Errorf("email to %s, subject %q; want the owner, in Dutch", m.To.Email, m.Subject)
			}
			if !strings.Contains(m.HTML, "Levering &lt;b&gt;te laat&lt;/b&gt;") || !strings.Contains(m.Text, "Neem uiterlijk 2026-12-08 15:00 UTC contact op") {
				t.Errorf("email lacks the escaped comment or the deadline:\n%s", m.Text)
			}
			if len(f.hooks.got) != 2 {
				t.Fatalf("webhook got %d requests, want 2", len(f.hooks.got))
			}
			kinds := map[string]bool{}
			for _, g := range f.hooks.got {
				if !g.verified {
					t.Errorf("%s: the signature does not verify", g.event)
				}
				kinds[g.event] = true
			}
			if !kinds["response.created"] || !kinds["alert.created"] {
				t.Errorf("webhook got %v, want response.created and alert.created", kinds)
			}
			f.answer(t, 2, "Nog steeds te laat")
			if err := f.loop.ProcessEvents(ctx); err != nil {
				t.Fatal(err)
			}
			f.work(t)
			if n := f.count(t, `SELECT count(*) FROM alerts`); n != 1 {
				t.Errorf("got %d alerts after the changed answer, want 1", n)
			}
			if len(f.hooks.got) != 2 {
				t.Errorf("the endpoint is not subscribed to response.updated, yet got %d requests", len(f.hooks.got))
			}
		})
	}
}

// A promoter's answer raises nothing but the answer's webhook.
func TestPromoterNoAlert(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			f := newFixture(t, d)
			f.answer(t, 10, "Top")
			if err := f.loop.ProcessEvents(context.Background()); err != nil {
				t.Fatal(err)
			}
			f.work(t)
			if n := f.count(t, `SELECT count(*) FROM alerts`); n != 0 || len(f.mail.sent) != 0 {
				t.Errorf("got %d alerts and %d emails for a promoter, want none", n, len(f.mail.sent))
			}
			if len(f.hooks.got) != 1 || f.hooks.got[0].event != "response.created" {
				t.Errorf("webhook got %+v, want the one answer", f.hooks.got)
			}
		})
	}
}

// A receiver that fails leaves the delivery pending with the attempt
// logged, to be tried again under the same key; its last attempt fails
// the delivery; a receiver back in service gets it once.
func TestDeliveryRetry(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			f.answer(t, 8, "")
			if err := f.loop.ProcessEvents(ctx); err != nil {
				t.Fatal(err)
			}
			ids, _ := f.loop.PendingDeliveries(ctx)
			if len(ids) != 1 {
				t.Fatalf("got %d pending deliveries, want 1", len(ids))
			}
			f.hooks.status.Store(http.StatusServiceUnavailable)
			if err := f.loop.Deliver(ctx, ids[0], false); err == nil {
				t.Fatal("a 503 did not ask for another attempt")
			}
			if n := f.count(t, `SELECT count(*) FROM webhook_deliveries WHERE state = 'pending' AND attempts = 1 AND last_status = 503`); n != 1 {
				t.Error("the failed attempt is not recorded on the pending delivery")
			}
			f.hooks.status.Store(0)
			if err := f.loop.Deliver(ctx, ids[0], false); err != nil {
				t.Fatal(err)
			}
			if err := f.loop.Deliver(ctx, ids[0], false); err != nil {
				t.Fatal(err)
			}
			if len(f.hooks.got) != 1 {
				t.Errorf("receiver got %d requests, want the delivery once", len(f.hooks.got))
			}
			if n := f.count(t, `SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1`, ids[0]); n != 2 {
				t.Errorf("got %d logged attempts, want 2", n)
			}

			f.answer(t, 7, "weer")
			f.db.Now = func() time.Time { return friday.Add(time.Minute) }
			if _, err := f.db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 5, Channel: nps.ChannelLink}); err != nil {
				t.Fatal(err)
			}
			if err := f.loop.ProcessEvents(ctx); err != nil {
				t.Fatal(err)
			}
			ids, _ = f.loop.PendingDeliveries(ctx)
			f.hooks.status.Store(http.StatusInternalServerError)
			for _, id := range ids {
				if err := f.loop.Deliver(ctx, id, true); err != nil {
					t.Fatal(err)
				}
			}
			if n := f.count(t, `SELECT count(*) FROM webhook_deliveries WHERE state = 'failed'`); n != len(ids) || n == 0 {
				t.Errorf("got %d failed deliveries after their last attempts, want %d", n, len(ids))
			}
		})
	}
}

// A delivery with a job is not listed for another; a replay lists it
// again.
func TestDeliveryQueued(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			f.answer(t, 8, "")
			if err := f.loop.ProcessEvents(ctx); err != nil {
				t.Fatal(err)
			}
			ids, _ := f.loop.PendingDeliveries(ctx)
			if len(ids) != 1 {
				t.Fatalf("got %d deliveries waiting for a job, want 1", len(ids))
			}
			if err := f.db.DeliveriesQueued(ctx, ids); err != nil {
				t.Fatal(err)
			}
			if again, _ := f.loop.PendingDeliveries(ctx); len(again) != 0 {
				t.Errorf("a delivery with a job is listed again: %v", again)
			}
			if err := f.loop.Deliver(ctx, ids[0], false); err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.ReplayWebhookDelivery(ctx, f.ws.ID, ids[0]); err != nil {
				t.Fatal(err)
			}
			if again, _ := f.loop.PendingDeliveries(ctx); len(again) != 1 {
				t.Errorf("a replayed delivery waits for a job: got %v, want it listed", again)
			}
		})
	}
}

// An email a server refuses for now is tried again: the error the job
// queue logs and keeps has no address, while the notification keeps the
// server's words whole.
func TestEmailRetryErrorRedacted(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d.String(), func(t *testing.T) {
			f := newFixture(t, d)
			ctx := context.Background()
			f.loop.Mail = &mailtest.Recorder{Fail: func(m *mail.Message) error {
				return &mail.SendError{Stage: mail.StageRcpt, Code: 450, Text: "4.2.1 <" + m.To.Email + ">: mailbox busy"}
			}}
			f.answer(t, 3, "Te laat")
			if err := f.loop.ProcessEvents(ctx); err != nil {
				t.Fatal(err)
			}
			ids, err := f.loop.PendingEmails(ctx)
			if err != nil || len(ids) != 1 {
				t.Fatalf("pending emails: %v, %v; want the alert", ids, err)
			}
			err = f.loop.SendEmail(ctx, ids[0], false)
			if err == nil || strings.Contains(err.Error(), "eva@acme.example") || !strings.Contains(err.Error(), "450 4.2.1 <[address]>: mailbox busy") {
				t.Errorf("the retry's error: got %v, want the reply without the address", err)
			}
			var stored string
			if err := f.raw.QueryRow(`SELECT error FROM notifications WHERE id = $1`, ids[0]).Scan(&stored); err != nil || !strings.Contains(stored, "<eva@acme.example>") {
				t.Errorf("the notification's error: got %q, %v; want the whole reply", stored, err)
			}
		})
	}
}
