package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// PendingEvents returns up to limit events that wait to be processed,
// oldest first, of every workspace: the loop works them one by one (see
// CompleteEvent).
func (db *DB) PendingEvents(ctx context.Context, limit int) ([]nps.Event, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, workspace_id, kind, subject_id, created_at FROM events
		WHERE processed_at IS NULL ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending events: %w", err)
	}
	evs, err := collect(rows, func(row rowScanner) (nps.Event, error) {
		var e nps.Event
		return e, row.Scan(&e.ID, &e.WorkspaceID, &e.Kind, &e.SubjectID, timeCol{&e.CreatedAt})
	})
	if err != nil {
		return nil, fmt.Errorf("store: pending events: %w", err)
	}
	return evs, nil
}

// EventFacts is what the loop needs to judge an event and tell of it:
// its subject and whom it concerns. Missing parts are zero: an answer
// of nobody in particular has no account, an account no owner.
type EventFacts struct {
	Workspace nps.Workspace
	Response  nps.Response
	// Previous is the contact's answer before Response, in another wave,
	// for the rules on drops; nil when there is none.
	Previous *nps.Response
	Alert    nps.Alert
	Plan     nps.Plan
	// PlanActions and PlanDone count the plan's actions, all and done.
	PlanActions, PlanDone int
	Account               nps.Account
	Contact               nps.Contact
	// Owner is the account's owner; Managers are the workspace's owners,
	// who hear of what no one owns.
	Owner      nps.User
	Managers   []nps.User
	SurveyName string
	WaveName   string
	// Rules are the workspace's active alert rules, for answers.
	Rules []nps.AlertRule
	// Endpoints are the workspace's active webhooks for the event's kind.
	Endpoints []nps.WebhookEndpoint
}

// EventFacts reads what ev is about. A subject that no longer exists is
// nps.ErrNotFound: the event is then done with nothing to tell.
func (db *DB) EventFacts(ctx context.Context, ev nps.Event) (EventFacts, error) {
	f, err := eventFacts(ctx, db.read, ev)
	if err != nil {
		return f, fmt.Errorf("store: event %d: %w", ev.ID, err)
	}
	return f, nil
}

func eventFacts(ctx context.Context, q querier, ev nps.Event) (EventFacts, error) {
	var f EventFacts
	var err error
	ws := ev.WorkspaceID
	if f.Workspace, err = workspace(ctx, q, ws); err != nil {
		return f, err
	}
	switch ev.Kind {
	case nps.EventResponseCreated, nps.EventResponseUpdated:
		if f.Response, err = response(ctx, q, ws, ev.SubjectID); err != nil {
			return f, err
		}
		if f.Rules, err = alertRules(ctx, q, ws, true); err != nil {
			return f, err
		}
		if f.Response.ContactID != 0 {
			prev, err := scanResponse(q.QueryRowContext(ctx, `SELECT `+responseColumns+` FROM responses
				WHERE workspace_id = $1 AND contact_id = $2 AND id <> $3 AND created_at < $4
				ORDER BY created_at DESC, id DESC LIMIT 1`, ws, f.Response.ContactID, f.Response.ID, f.Response.CreatedAt))
			switch {
			case err == nil:
				f.Previous = &prev
			case !errors.Is(err, sql.ErrNoRows):
				return f, err
			}
		}
	case nps.EventAlertCreated, nps.EventFollowUpOverdue:
		if f.Alert, err = scanAlert(q.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts
			WHERE workspace_id = $1 AND id = $2`, ws, ev.SubjectID)); err != nil {
			return f, notFound(err, "alert", ev.SubjectID)
		}
		if f.Alert.ResponseID != 0 {
			if f.Response, err = response(ctx, q, ws, f.Alert.ResponseID); err != nil {
				return f, err
			}
		}
		f.Account.ID, f.Contact.ID = f.Alert.AccountID, f.Alert.ContactID
	case nps.EventPlanChanged:
		if f.Plan, err = plan(ctx, q, ws, ev.SubjectID, ""); err != nil {
			return f, err
		}
		err = q.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN status = 'done' THEN 1 END) FROM plan_items
			WHERE workspace_id = $1 AND plan_id = $2 AND kind = 'action'`, ws, f.Plan.ID).Scan(&f.PlanActions, &f.PlanDone)
		if err != nil {
			return f, err
		}
		f.Account.ID = f.Plan.AccountID
	default:
		return f, fmt.Errorf("unknown event kind %q", ev.Kind)
	}
	if f.Response.ID != 0 {
		f.Account.ID, f.Contact.ID = f.Response.AccountID, f.Response.ContactID
		if f.SurveyName, f.WaveName, err = waveNames(ctx, q, ws, f.Response.WaveID); err != nil {
			return f, err
		}
	}
	if err := f.people(ctx, q, ws); err != nil {
		return f, err
	}
	if f.Endpoints, err = subscribedEndpoints(ctx, q, ws, ev.Kind); err != nil {
		return f, err
	}
	return f, nil
}

// people reads the account, contact, owner and managers of the facts.
func (f *EventFacts) people(ctx context.Context, q querier, ws int64) error {
	var err error
	if f.Account.ID != 0 {
		if f.Account, err = account(ctx, q, ws, f.Account.ID); err != nil {
			return err
		}
	}
	if f.Contact.ID != 0 {
		if f.Contact, err = contact(ctx, q, ws, f.Contact.ID); err != nil {
			return err
		}
	}
	if f.Account.OwnerID != 0 {
		if f.Owner, err = user(ctx, q, f.Account.OwnerID); err != nil {
			return err
		}
		f.Owner.PasswordHash = "" // the facts go into emails and payloads
	}
	f.Managers, err = workspaceOwners(ctx, q, ws)
	return err
}

// waveNames returns the names of a wave and its survey.
func waveNames(ctx context.Context, q querier, ws, waveID int64) (survey, wave string, err error) {
	err = q.QueryRowContext(ctx, `SELECT s.name, w.name FROM waves w JOIN surveys s ON s.workspace_id = w.workspace_id AND s.id = w.survey_id
		WHERE w.workspace_id = $1 AND w.id = $2`, ws, waveID).Scan(&survey, &wave)
	return survey, wave, notFound(err, "wave", waveID)
}

// subscribedEndpoints returns the workspace's active endpoints that
// receive events of kind.
func subscribedEndpoints(ctx context.Context, q querier, ws int64, kind nps.EventKind) ([]nps.WebhookEndpoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints WHERE workspace_id = $1 AND active ORDER BY id`, ws)
	if err != nil {
		return nil, err
	}
	all, err := collect(rows, scanWebhookEndpoint)
	var out []nps.WebhookEndpoint
	for _, e := range all {
		if e.Subscribes(kind) {
			out = append(out, e)
		}
	}
	return out, err
}

// EventOutcome is what the loop decided for an event: an alert to raise
// with its emails, and the webhook deliveries of the event.
type EventOutcome struct {
	// Alert, when set, is raised unless the answer has one already; its
	// emails, which Emails writes once the alert has its ID (and with it
	// its page), then go out, and an alert.created event follows.
	Alert  *nps.Alert
	Emails func(alertID int64) ([]nps.Notification, error)
	// Deliveries are the event for each endpoint: EndpointID, Kind,
	// IdempotencyKey and Payload set.
	Deliveries []nps.WebhookDelivery
}

// CompleteEvent records the outcome of ev and marks it processed, all
// in one transaction, and only once: an event already processed, by a
// process that took over meanwhile, is left as it is.
func (db *DB) CompleteEvent(ctx context.Context, ev nps.Event, out EventOutcome) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE events SET processed_at = $1 WHERE id = $2 AND processed_at IS NULL`, now, ev.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if out.Alert != nil {
			if err := raiseAlert(ctx, tx, now, *out.Alert, out.Emails); err != nil {
				return err
			}
		}
		for _, d := range out.Deliveries {
			// The delivery keeps its event's subject, which erasure finds
			// it by once the event is pruned.
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, kind, idempotency_key,
					payload, subject_id, state, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
				ev.WorkspaceID, d.EndpointID, d.Kind, d.IdempotencyKey, d.Payload, ev.SubjectID, now); err != nil {
				return fmt.Errorf("queue delivery: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: complete event %d: %w", ev.ID, err)
	}
	return nil
}

// raiseAlert inserts a, unless its answer has an alert already, with the
// emails that emails writes and its alert.created event. Its CreatedAt,
// when set, is the moment its deadline was counted from.
func raiseAlert(ctx context.Context, tx *sql.Tx, now time.Time, a nps.Alert, emails func(int64) ([]nps.Notification, error)) error {
	created := now
	if !a.CreatedAt.IsZero() {
		created = normTime(a.CreatedAt)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO alerts (workspace_id, rule_id, kind, reason, response_id, account_id, contact_id,
			owner_id, state, due_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $10)
		ON CONFLICT (response_id) WHERE response_id IS NOT NULL DO NOTHING RETURNING id`,
		a.WorkspaceID, a.RuleID, a.Kind, a.Reason, nullID(a.ResponseID), nullID(a.AccountID), nullID(a.ContactID),
		nullID(a.OwnerID), nullTime(normTime(a.DueAt)), created).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("raise alert: %w", err)
	}
	var ns []nps.Notification
	if emails != nil {
		if ns, err = emails(id); err != nil {
			return err
		}
	}
	for _, n := range ns {
		n.SubjectID = id
		if _, err := insertNotification(ctx, tx, now, n); err != nil {
			return fmt.Errorf("queue alert email: %w", err)
		}
	}
	return insertEvent(ctx, tx, now, a.WorkspaceID, nps.EventAlertCreated, id)
}

// PruneEvents deletes the events processed before t; they served their
// purpose, and the deliveries keep what was sent.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM events WHERE processed_at IS NOT NULL AND processed_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("store: prune events: %w", err)
	}
	return res.RowsAffected()
}

// DeliveryKey is the idempotency key of event ev for an endpoint: the
// same on every attempt and replay, and never the same for two
// deliveries.
func DeliveryKey(ev nps.Event, endpointID int64) string {
	return fmt.Sprintf("evt_%d_%d", ev.ID, endpointID)
}
