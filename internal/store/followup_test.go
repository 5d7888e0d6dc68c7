package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// testAlert is an alert as the event processor would raise it; zero
// fields take the fixture's account, its owner, the clock's time and the
// state open.
type testAlert struct {
	responseID, contactID int64
	accountID, ownerID    int64
	noAccount             bool
	state                 nps.AlertState
	due                   time.Time
}

// insertAlert writes an alert of rule as the event processor does, which
// this package's tests do not run.
func insertAlert(t testing.TB, f *fixture, ruleID int64, a testAlert) int64 {
	t.Helper()
	if a.accountID == 0 && !a.noAccount {
		a.accountID = f.account.ID
	}
	if a.ownerID == 0 && !a.noAccount {
		a.ownerID = f.owner.ID
	}
	if a.state == "" {
		a.state = nps.AlertOpen
	}
	null := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	var due any
	if !a.due.IsZero() {
		due = a.due
	}
	var id int64
	err := store.RawSQL(f.db).QueryRow(`INSERT INTO alerts (workspace_id, rule_id, kind, reason, response_id, account_id,
			contact_id, owner_id, state, due_at, created_at, updated_at)
		VALUES ($1, $2, 'score', 'score 3 is at or below 6', $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		f.ws.ID, ruleID, null(a.responseID), null(a.accountID), null(a.contactID), null(a.ownerID), a.state, due, f.clock.now()).Scan(&id)
	if err != nil {
		t.Fatalf("insert alert: %v", err)
	}
	return id
}

// fillAlerts gives the fixture's workspace a row in each table of alerts
// and webhooks: a rule, an alert of an answer, its escalation (an event
// and an email),
// an endpoint with a delivery and an attempt.
func fillAlerts(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	db := f.db
	rule := must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t)
	inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.addContact(t, "alert@"+f.ws.Slug+".example").ID))(t)
	resp := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 2, Channel: nps.ChannelEmail}))(t)
	insertAlert(t, f, rule.ID, testAlert{responseID: resp.ID, contactID: inv.ContactID, due: f.clock.now().Add(-time.Hour)})
	// Its escalation: an event and an email.
	escalated, err := db.EscalateOverdue(ctx, f.clock.now(), func(m store.AlertMail) ([]nps.Notification, error) {
		return []nps.Notification{{ToEmail: m.Recipients[0].Email, Subject: "Overdue", Text: "text", HTML: "html"}}, nil
	})
	if err != nil || len(escalated) != 1 {
		t.Fatalf("EscalateOverdue = %d, %v; want the fixture's alert", len(escalated), err)
	}
	ep := must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: "https://hooks.example/" + f.ws.Slug,
		Events: []nps.EventKind{nps.EventAlertCreated}, Active: true}))(t)
	insertDelivery(t, f, ep.ID, "key-"+f.ws.Slug, 1)
}

// insertDelivery writes a failed delivery with attempts, as the job
// queue's worker does.
func insertDelivery(t testing.TB, f *fixture, endpointID int64, key string, attempts int) int64 {
	t.Helper()
	raw := store.RawSQL(f.db)
	var id int64
	err := raw.QueryRow(`INSERT INTO webhook_deliveries (workspace_id, endpoint_id, kind, idempotency_key, payload, state,
			attempts, last_status, last_error, created_at, updated_at)
		VALUES ($1, $2, 'alert.created', $3, '{"type":"alert.created"}', 'failed', $4, 500, 'server error', $5, $5) RETURNING id`,
		f.ws.ID, endpointID, key, attempts, f.clock.now()).Scan(&id)
	if err != nil {
		t.Fatalf("insert delivery: %v", err)
	}
	for i := range attempts {
		if _, err := raw.Exec(`INSERT INTO webhook_attempts (workspace_id, delivery_id, status, error, response, duration_ms, replay, created_at)
			VALUES ($1, $2, 500, 'server error', 'oops', $3, false, $4)`, f.ws.ID, id, 120+i, f.clock.now()); err != nil {
			t.Fatalf("insert attempt: %v", err)
		}
	}
	return id
}

// TestFollowUpDeadline: an alert on Friday 15:00 UTC with two working
// days is due on Tuesday 15:00.
func TestFollowUpDeadline(t *testing.T) {
	fri := time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC)
	if got, want := nps.AddWorkingDays(fri, nps.DefaultFollowUpDays), time.Date(2025, 3, 18, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("AddWorkingDays(%v, 2) = %v, want %v", fri, got, want)
	}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "deadline")
		must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Silent", Kind: nps.RuleSilent, SilentMonths: 1, FollowUpDays: 2, Active: true}))(t)
		// Nine weeks after the fixture's account was added, on a Friday.
		now := fri.AddDate(0, 0, 7*9)
		raised := must(db.SilentKeyAccounts(ctx, now, nil))(t)
		if len(raised) != 1 {
			t.Fatalf("SilentKeyAccounts: got %d alerts, want 1", len(raised))
		}
		if got, want := raised[0].DueAt, now.AddDate(0, 0, 4); !got.Equal(want) || want.Weekday() != time.Tuesday {
			t.Errorf("due of an alert raised %v: got %v, want %v (a Tuesday)", now, got, want)
		}
	})
}

func TestAlertsFilter(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "filters")
		rule := must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t)
		inv := must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		resp := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: 3,
			Comment: "Te duur", Channel: nps.ChannelEmail}))(t)
		other := must(db.CreateUser(ctx, nps.User{Email: "other@filters.example", Name: "Olga"}))(t)
		must(db.AddMember(ctx, f.ws.ID, other.ID, nps.RoleMember))(t)
		otherAcc := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Other BV", OwnerID: other.ID}))(t)
		now := f.clock.now()
		overdue := insertAlert(t, f, rule.ID, testAlert{responseID: resp.ID, contactID: f.contact.ID, due: now.Add(-time.Minute)})
		open := insertAlert(t, f, rule.ID, testAlert{accountID: otherAcc.ID, ownerID: other.ID, due: now.Add(time.Hour)})
		contacted := insertAlert(t, f, rule.ID, testAlert{state: nps.AlertContacted, due: now.Add(-time.Hour)})
		closed := insertAlert(t, f, rule.ID, testAlert{state: nps.AlertClosed})
		// An alert assigned to nobody, of an account that other owns.
		unassigned := insertAlert(t, f, rule.ID, testAlert{accountID: otherAcc.ID, noAccount: true})

		ids := func(filter store.AlertFilter) []int64 {
			t.Helper()
			var out []int64
			for _, it := range must(db.Alerts(ctx, f.ws.ID, filter))(t) {
				out = append(out, it.ID)
			}
			return out
		}
		for _, c := range []struct {
			name   string
			filter store.AlertFilter
			want   []int64
		}{
			{"all", store.AlertFilter{}, []int64{unassigned, closed, contacted, open, overdue}},
			{"open", store.AlertFilter{State: nps.AlertOpen}, []int64{unassigned, open, overdue}},
			{"overdue", store.AlertFilter{Overdue: true}, []int64{overdue}},
			{"contacted", store.AlertFilter{State: nps.AlertContacted}, []int64{contacted}},
			{"closed", store.AlertFilter{State: nps.AlertClosed}, []int64{closed}},
			{"account", store.AlertFilter{AccountID: otherAcc.ID}, []int64{unassigned, open}},
			{"owner", store.AlertFilter{OwnerID: other.ID}, []int64{unassigned, open}},
			{"owner of the fixture", store.AlertFilter{OwnerID: f.owner.ID}, []int64{closed, contacted, overdue}},
			{"page", store.AlertFilter{Limit: 2}, []int64{unassigned, closed}},
			{"next page", store.AlertFilter{Limit: 2, Before: closed}, []int64{contacted, open}},
		} {
			if got := ids(c.filter); !equalIDs(got, c.want) {
				t.Errorf("Alerts(%s): got %v, want %v", c.name, got, c.want)
			}
		}
		it := must(db.Alert(ctx, f.ws.ID, overdue))(t)
		if it.AccountName != "Acme" || it.ContactName != "Anna" || it.Score != 3 || it.Comment != "Te duur" ||
			it.OwnerName != "Owner" || it.RuleName != "Detractor" || !it.Overdue(now) {
			t.Errorf("Alert(%d) = %+v", overdue, it)
		}
		if it := must(db.Alert(ctx, f.ws.ID, unassigned))(t); it.OwnerName != "Olga" || it.Score != -1 {
			t.Errorf("unassigned alert: got owner %q score %d, want the account owner Olga and no score", it.OwnerName, it.Score)
		}
		if _, err := db.Alert(ctx, f.ws.ID, 999999); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("Alert of no alert: got %v, want not found", err)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFollowUpActions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "actions")
		rule := must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t)
		raised := f.clock.now()
		id := insertAlert(t, f, rule.ID, testAlert{due: nps.AddWorkingDays(raised, 2)})
		f.clock.add(3 * time.Hour)
		now := f.clock.now()
		var ve *nps.ValidationError
		if _, err := db.RecordContact(ctx, f.ws.ID, id, f.owner.ID, now.Add(time.Minute), ""); !errors.As(err, &ve) || ve.Field != "contacted_at" {
			t.Errorf("RecordContact in the future: got %v, want a contacted_at validation error", err)
		}
		if _, err := db.RecordContact(ctx, f.ws.ID, id, f.owner.ID, raised.Add(-time.Minute), ""); !errors.As(err, &ve) || ve.Field != "contacted_at" {
			t.Errorf("RecordContact before the alert: got %v, want a contacted_at validation error", err)
		}
		if _, err := db.CloseAlert(ctx, f.ws.ID, id, f.owner.ID, "  "); !errors.As(err, &ve) || ve.Field != "note" {
			t.Errorf("CloseAlert without a note: got %v, want a note validation error", err)
		}
		outsider := must(db.CreateUser(ctx, nps.User{Email: "x@elsewhere.example"}))(t)
		if _, err := db.RecordContact(ctx, f.ws.ID, id, outsider.ID, time.Time{}, ""); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("RecordContact by a non-member: got %v, want not found", err)
		}
		if it := must(db.Alert(ctx, f.ws.ID, id))(t); it.State != nps.AlertOpen || len(it.History) != 1 {
			t.Fatalf("after refused actions: got state %s, history %+v; want open and only raised", it.State, it.History)
		}

		at := raised.Add(time.Hour)
		it := must(db.RecordContact(ctx, f.ws.ID, id, f.owner.ID, at, "Called Anna"))(t)
		if it.State != nps.AlertContacted || !it.ContactedAt.Equal(at) || it.ContactedBy != f.owner.ID || it.Note != "Called Anna" || !it.InTime() {
			t.Errorf("RecordContact: got %+v", it.Alert)
		}
		if _, err := db.RecordContact(ctx, f.ws.ID, id, f.owner.ID, time.Time{}, ""); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("RecordContact twice: got %v, want a conflict", err)
		}
		if _, err := db.CloseAlert(ctx, f.ws.ID, id, f.owner.ID, "dup"); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("CloseAlert of a contacted follow-up: got %v, want a conflict", err)
		}
		f.clock.add(time.Minute)
		it = must(db.ReopenAlert(ctx, f.ws.ID, id, f.owner.ID))(t)
		if it.State != nps.AlertOpen || !it.ContactedAt.IsZero() || it.ContactedBy != 0 {
			t.Errorf("ReopenAlert: got %+v", it.Alert)
		}
		if _, err := db.ReopenAlert(ctx, f.ws.ID, id, f.owner.ID); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("ReopenAlert of an open follow-up: got %v, want a conflict", err)
		}
		f.clock.add(time.Minute)
		it = must(db.CloseAlert(ctx, f.ws.ID, id, f.owner.ID, "Duplicate of another alert"))(t)
		if it.State != nps.AlertClosed || it.Note != "Duplicate of another alert" {
			t.Errorf("CloseAlert: got %+v", it.Alert)
		}
		var actions []string
		for _, h := range it.History {
			actions = append(actions, h.Action)
			if h.Action != store.AlertRaised && h.UserName != "Owner" {
				t.Errorf("history %s: got user %q, want Owner", h.Action, h.UserName)
			}
		}
		want := []string{store.AlertRaised, store.AlertContact, store.AlertReopen, store.AlertClose}
		if len(actions) != len(want) {
			t.Fatalf("history: got %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Errorf("history: got %v, want %v", actions, want)
			}
		}
		if _, err := db.CloseAlert(ctx, f.ws.ID, 999999, f.owner.ID, "x"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("CloseAlert of no alert: got %v, want not found", err)
		}
	})
}

// alertRows are the IDs of a workspace's rows of alerts and webhooks
// that the isolation test tries to reach from another workspace.
type alertRows struct {
	rule, alert, closed, endpoint, delivery int64
}

// newAlertRows gives f's workspace a rule, an open and a closed alert
// with an alert email, and an endpoint with a delivery and its attempt.
func newAlertRows(t *testing.T, f *fixture) alertRows {
	t.Helper()
	ctx := context.Background()
	db := f.db
	var r alertRows
	r.rule = must(db.CreateAlertRule(ctx, f.ws.ID, nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true}))(t).ID
	r.alert = insertAlert(t, f, r.rule, testAlert{due: f.clock.now().Add(time.Hour)})
	r.closed = insertAlert(t, f, r.rule, testAlert{state: nps.AlertClosed})
	if _, err := store.RawSQL(db).Exec(`INSERT INTO notifications (workspace_id, kind, subject_id, account_id, to_email, subject,
			text_body, html_body, state, created_at) VALUES ($1, 'alert', $2, $3, 'owner@example.com', 'Alert', 'text', 'html', 'queued', $4)`,
		f.ws.ID, r.alert, f.account.ID, f.clock.now()); err != nil {
		t.Fatal(err)
	}
	r.endpoint = must(db.CreateWebhookEndpoint(ctx, f.ws.ID, nps.WebhookEndpoint{URL: "https://hooks.example/" + f.ws.Slug,
		Events: []nps.EventKind{nps.EventAlertCreated}, Active: true}))(t).ID
	r.delivery = insertDelivery(t, f, r.endpoint, "iso-"+f.ws.Slug, 1)
	return r
}

// alertDump is what a workspace holds of alerts and webhooks.
type alertDump struct {
	Rules      []nps.AlertRule
	Alerts     []store.AlertItem
	Endpoints  []nps.WebhookEndpoint
	Deliveries map[int64][]nps.WebhookDelivery
	Attempts   map[int64][]nps.WebhookAttempt
}

func dumpAlerts(t *testing.T, db *store.DB, workspaceID int64) alertDump {
	t.Helper()
	ctx := context.Background()
	d := alertDump{Deliveries: map[int64][]nps.WebhookDelivery{}, Attempts: map[int64][]nps.WebhookAttempt{}}
	d.Rules = must(db.AlertRules(ctx, workspaceID))(t)
	for _, it := range must(db.Alerts(ctx, workspaceID, store.AlertFilter{}))(t) {
		d.Alerts = append(d.Alerts, must(db.Alert(ctx, workspaceID, it.ID))(t))
	}
	d.Endpoints = must(db.WebhookEndpoints(ctx, workspaceID))(t)
	for _, e := range d.Endpoints {
		d.Deliveries[e.ID] = must(db.WebhookDeliveries(ctx, workspaceID, e.ID, 0, 0))(t)
		for _, del := range d.Deliveries[e.ID] {
			d.Attempts[del.ID] = must(db.WebhookAttempts(ctx, workspaceID, del.ID))(t)
		}
	}
	return d
}
