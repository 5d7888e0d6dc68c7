package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// alertFixture adds to the app fixture a detractor rule with two
// follow-ups in Acme (the analyst's account's answer, overdue, and one
// of the member's account), an endpoint with a delivery, and Globex's own
// rule, follow-up, endpoint and delivery, which Acme's users must not
// reach.
type alertFixture struct {
	*appFixture
	rule, globexRule                int64
	analystAlert, memberAlert       int64
	globexAlert                     int64
	endpoint, delivery              int64
	globexEndpoint, globexDelivery  int64
	memberAccount, analystAccount   int64
	analystResponse, analystContact int64
	globexAccount                   int64
}

func newAlertFixture(t *testing.T, db *store.DB) *alertFixture {
	t.Helper()
	ctx := context.Background()
	f := &alertFixture{appFixture: newAppFixture(t, db)}
	page := appMust(db.LatestResponses(ctx, f.acme.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t)
	var memberResponse int64
	for _, r := range page.Responses {
		if r.Score == 9 {
			memberResponse, f.memberAccount = r.ID, r.AccountID
		} else {
			f.analystResponse, f.analystAccount, f.analystContact = r.ID, r.AccountID, r.ContactID
		}
	}
	f.rule = appMust(db.CreateAlertRule(ctx, f.acme.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6,
		FollowUpDays: 2, Active: true}))(t).ID
	now := f.clock.now()
	f.analystAlert = f.insertAlert(t, f.acme.ID, f.rule, f.analystResponse, f.analystAccount, f.analystContact,
		f.users["analyst"].ID, nps.AlertOpen, now.Add(-time.Hour))
	f.memberAlert = f.insertAlert(t, f.acme.ID, f.rule, memberResponse, f.memberAccount, 0, f.users["member"].ID,
		nps.AlertOpen, nps.AddWorkingDays(now, 2))

	f.globexAccount = appMust(db.CreateAccount(ctx, f.globex.ID, nps.Account{Name: "Globex Customer"}))(t).ID
	f.globexRule = appMust(db.CreateAlertRule(ctx, f.globex.ID, nps.AlertRule{Name: "Globex rule", Kind: nps.RuleScore, MaxScore: 6, Active: true}))(t).ID
	f.globexAlert = f.insertAlert(t, f.globex.ID, f.globexRule, 0, f.globexAccount, 0, 0, nps.AlertOpen, now.Add(-time.Hour))

	f.endpoint = appMust(db.CreateWebhookEndpoint(ctx, f.acme.ID, nps.WebhookEndpoint{URL: "https://hooks.slack.example/acme",
		Format: "slack", Events: []nps.EventKind{nps.EventAlertCreated}, Description: "Sales <channel>", Active: true}))(t).ID
	f.delivery = f.insertDelivery(t, f.acme.ID, f.endpoint, "acme-1")
	f.globexEndpoint = appMust(db.CreateWebhookEndpoint(ctx, f.globex.ID, nps.WebhookEndpoint{URL: "https://globex.example/secret-hook",
		Events: []nps.EventKind{nps.EventAlertCreated}, Active: true}))(t).ID
	f.globexDelivery = f.insertDelivery(t, f.globex.ID, f.globexEndpoint, "globex-1")
	return f
}

// insertAlert writes an alert as the event processor does, which these
// tests do not run.
func (f *appFixture) insertAlert(t *testing.T, ws, rule, response, account, contact, owner int64, state nps.AlertState, due time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	pool := appMust(f.db.Pool(ctx))(t)
	null := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	var dueAt any
	if !due.IsZero() {
		dueAt = due
	}
	var id int64
	err := pool.QueryRowContext(ctx, `INSERT INTO alerts (workspace_id, rule_id, kind, reason, response_id, account_id,
			contact_id, owner_id, state, due_at, created_at, updated_at)
		VALUES ($1, $2, 'score', 'score 3 is at or below 6', $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		ws, rule, null(response), null(account), null(contact), null(owner), state, dueAt, f.clock.now()).Scan(&id)
	if err != nil {
		t.Fatalf("insert alert: %v", err)
	}
	return id
}

// insertDelivery writes a failed delivery with one attempt, as the job
// queue's worker does.
func (f *appFixture) insertDelivery(t *testing.T, ws, endpoint int64, key string) int64 {
	t.Helper()
	ctx := context.Background()
	pool := appMust(f.db.Pool(ctx))(t)
	var id int64
	if err := pool.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, kind, idempotency_key,
			payload, state, attempts, last_status, last_error, created_at, updated_at)
		VALUES ($1, $2, 'alert.created', $3, '{"text":"<b>payload</b>"}', 'failed', 1, 502, 'bad gateway <x>', $4, $4) RETURNING id`,
		ws, endpoint, key, f.clock.now()).Scan(&id); err != nil {
		t.Fatalf("insert delivery: %v", err)
	}
	if _, err := pool.ExecContext(ctx, `INSERT INTO webhook_attempts (workspace_id, delivery_id, status, error, response,
			duration_ms, replay, created_at) VALUES ($1, $2, 502, 'bad gateway <x>', '<html>upstream</html>', 87, false, $3)`,
		ws, id, f.clock.now()); err != nil {
		t.Fatalf("insert attempt: %v", err)
	}
	return id
}

// TestAlertRoutes tries every route of the alert rules, follow-ups and
// webhooks as a visitor, a user of another workspace and each role, and
// fails when a route of alertRoutes or webhookRoutes is not in its table.
func TestAlertRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAlertFixture(t, db)
		ctx := context.Background()
		w := "/w/acme"
		id := func(n int64) string { return fmt.Sprint(n) }
		ruleForm := appForm("name", "Low", "kind", "score", "max_score", "5", "followup_days", "2", "active", "1")
		hookForm := appForm("url", "https://hooks.example/x", "format", "promotor", "events", "alert.created", "active", "1")
		// Fresh rows for the routes that use one up: an open or a closed
		// follow-up of the member's account (so that a member may act
		// on it), a rule, an endpoint.
		openAlert := func() int64 {
			return f.insertAlert(t, f.acme.ID, f.rule, 0, f.memberAccount, 0, f.users["member"].ID, nps.AlertOpen, f.clock.now().Add(time.Hour))
		}
		fresh := map[string]func() int64{
			"open": openAlert,
			"closed": func() int64 {
				id := openAlert()
				appMust(db.CloseAlert(ctx, f.acme.ID, id, f.users["owner"].ID, "dup"))(t)
				return id
			},
			"rule": func() int64 {
				return appMust(db.CreateAlertRule(ctx, f.acme.ID, nps.AlertRule{Name: "Doomed", Kind: nps.RuleScore, MaxScore: 1}))(t).ID
			},
			"endpoint": func() int64 {
				return appMust(db.CreateWebhookEndpoint(ctx, f.acme.ID, nps.WebhookEndpoint{URL: "https://doomed.example", Events: []nps.EventKind{nps.EventPlanChanged}}))(t).ID
			},
		}
		routes := []struct {
			pattern, path string
			fresh         string
			form          url.Values
			status        int
		}{
			{"GET /w/{slug}/alert-rules", w + "/alert-rules", "", nil, http.StatusOK},
			{"POST /w/{slug}/alert-rules", w + "/alert-rules", "", ruleForm, http.StatusSeeOther},
			{"POST /w/{slug}/alert-rules/recommended", w + "/alert-rules/recommended", "", appForm(), http.StatusSeeOther},
			{"GET /w/{slug}/alert-rules/{rule}", w + "/alert-rules/" + id(f.rule), "", nil, http.StatusOK},
			{"POST /w/{slug}/alert-rules/{rule}", w + "/alert-rules/" + id(f.rule), "", ruleForm, http.StatusSeeOther},
			{"POST /w/{slug}/alert-rules/{rule}/delete", w + "/alert-rules/%d/delete", "rule", appForm(), http.StatusSeeOther},
			{"GET /w/{slug}/followups", w + "/followups", "", nil, http.StatusOK},
			{"GET /w/{slug}/followups/{alert}", w + "/followups/" + id(f.memberAlert), "", nil, http.StatusOK},
			{"POST /w/{slug}/followups/{alert}/contact", w + "/followups/%d/contact", "open", appForm("note", "Called"), http.StatusSeeOther},
			{"POST /w/{slug}/followups/{alert}/close", w + "/followups/%d/close", "open", appForm("note", "Duplicate"), http.StatusSeeOther},
			{"POST /w/{slug}/followups/{alert}/reopen", w + "/followups/%d/reopen", "closed", appForm(), http.StatusSeeOther},
			{"GET /w/{slug}/webhooks", w + "/webhooks", "", nil, http.StatusOK},
			{"POST /w/{slug}/webhooks", w + "/webhooks", "", hookForm, http.StatusOK},
			{"GET /w/{slug}/webhooks/{endpoint}", w + "/webhooks/" + id(f.endpoint), "", nil, http.StatusOK},
			{"POST /w/{slug}/webhooks/{endpoint}", w + "/webhooks/" + id(f.endpoint), "", hookForm, http.StatusSeeOther},
			{"POST /w/{slug}/webhooks/{endpoint}/rotate", w + "/webhooks/" + id(f.endpoint) + "/rotate", "", appForm(), http.StatusOK},
			{"POST /w/{slug}/webhooks/{endpoint}/delete", w + "/webhooks/%d/delete", "endpoint", appForm(), http.StatusSeeOther},
			{"GET /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}", w + "/webhooks/" + id(f.endpoint) + "/deliveries/" + id(f.delivery), "", nil, http.StatusOK},
			{"POST /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}/replay", w + "/webhooks/" + id(f.endpoint) + "/deliveries/" + id(f.delivery) + "/replay", "", appForm(), http.StatusSeeOther},
		}
		s, _ := New(db, nil, Options{})
		mine := append(s.alertRoutes(), s.webhookRoutes()...)
		var tries []routeTry
		for _, c := range routes {
			tries = append(tries, routeTry{c.pattern, c.status, func() (string, url.Values) {
				if c.fresh != "" {
					return fmt.Sprintf(c.path, fresh[c.fresh]()), c.form
				}
				return c.path, c.form
			}})
		}
		f.checkRouteMatrix(t, mine, tries)
	})
}

// TestAlertRuleFormKeepsCents is the regression test of a silent rule's
// minimum revenue with cents, which its edit form showed in whole euros.
func TestAlertRuleFormKeepsCents(t *testing.T) {
	m := catalog.Messages("nl")
	for _, typed := range []string{"1.234,56", "12,5", "0,01", "1500"} {
		r, err := alertRuleForm{Name: "Stil", Kind: "silent", SilentMonths: "6", MinRevenue: typed}.rule(m)
		if err != nil {
			t.Fatalf("rule with min_revenue %q: %v", typed, err)
		}
		again, err := alertRuleFormOf(r).rule(m)
		if err != nil || again.MinRevenueCents != r.MinRevenueCents {
			t.Errorf("min_revenue %q: %d cents, shown as %q and read back as %d (%v)", typed, r.MinRevenueCents,
				alertRuleFormOf(r).MinRevenue, again.MinRevenueCents, err)
		}
	}
}
