package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/webhook"
)

// Webhook endpoints as the workspace's owners manage them, and their
// delivery log. The job queue makes the deliveries and writes the log;
// here it is read, and a delivery replayed.

// webhookEndpointColumns are the columns scanWebhookEndpoint reads.
const webhookEndpointColumns = `id, workspace_id, url, format, secret, events, description, active, created_at, updated_at`

func scanWebhookEndpoint(row rowScanner) (nps.WebhookEndpoint, error) {
	var e nps.WebhookEndpoint
	var events string
	err := row.Scan(&e.ID, &e.WorkspaceID, &e.URL, &e.Format, &e.Secret, &events, &e.Description, &e.Active,
		timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt})
	e.Events = nps.ParseEventKinds(events)
	return e, err
}

// webhookDeliveryColumns are the columns scanWebhookDelivery reads.
const webhookDeliveryColumns = `id, workspace_id, endpoint_id, kind, idempotency_key, payload, state, attempts,
	last_status, last_error, delivered_at, created_at, updated_at`

func scanWebhookDelivery(row rowScanner) (nps.WebhookDelivery, error) {
	var d nps.WebhookDelivery
	err := row.Scan(&d.ID, &d.WorkspaceID, &d.EndpointID, &d.Kind, &d.IdempotencyKey, &d.Payload, &d.State, &d.Attempts,
		&d.LastStatus, &d.LastError, timeCol{&d.DeliveredAt}, timeCol{&d.CreatedAt}, timeCol{&d.UpdatedAt})
	return d, err
}

// checkEndpoint normalises and validates what an owner entered: the URL
// and format as the webhook package accepts them, the events as known
// kinds in their usual order.
func checkEndpoint(e nps.WebhookEndpoint) (nps.WebhookEndpoint, error) {
	e.URL, e.Description = strings.TrimSpace(e.URL), strings.TrimSpace(e.Description)
	if err := webhook.ValidateURL(e.URL); err != nil {
		return e, &nps.ValidationError{Field: "url", Message: strings.TrimPrefix(err.Error(), "webhook: ")}
	}
	f, err := webhook.ParseFormat(e.Format)
	if err != nil {
		return e, &nps.ValidationError{Field: "format", Message: strings.TrimPrefix(err.Error(), "webhook: ")}
	}
	e.Format = string(f)
	if err := e.Validate(); err != nil {
		return e, err
	}
	var events []nps.EventKind
	for _, k := range nps.EventKinds {
		if e.Subscribes(k) {
			events = append(events, k)
		}
	}
	e.Events = events
	return e, nil
}

// joinEvents stores a list of kinds, space-separated.
func joinEvents(kinds []nps.EventKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, " ")
}

// webhookSubject names an endpoint in the audit log by its ID and its
// URL's scheme, host and first path segment: chat services (Slack,
// Teams) and many receivers put the secret in the rest of the path, in
// the query or in the user info, and the audit log outlives a rotation.
func webhookSubject(e nps.WebhookEndpoint) string {
	u, err := url.Parse(e.URL)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("webhook %d", e.ID)
	}
	kept := url.URL{Scheme: u.Scheme, Host: u.Host}
	if first, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/"); first != "" {
		kept.Path = "/" + first
	}
	return fmt.Sprintf("webhook %d %s", e.ID, kept.String())
}

// CreateWebhookEndpoint adds an endpoint with a new signing secret, which
// the returned endpoint holds.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, workspaceID int64, e nps.WebhookEndpoint) (nps.WebhookEndpoint, error) {
	e, err := checkEndpoint(e)
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: create webhook endpoint: %w", err)
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: create webhook endpoint: %w", err)
	}
	var out nps.WebhookEndpoint
	err = db.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanWebhookEndpoint(tx.QueryRowContext(ctx, `INSERT INTO webhook_endpoints (workspace_id, url, format,
				secret, events, description, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING `+webhookEndpointColumns,
			workspaceID, e.URL, e.Format, secret, joinEvents(e.Events), e.Description, e.Active, db.now()))
		if err != nil {
			return err
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditWebhookCreate, webhookSubject(out), "")
	})
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: create webhook endpoint: %w", err)
	}
	return out, nil
}

// UpdateWebhookEndpoint changes an endpoint's URL, format, events,
// description and active flag; its secret stays.
func (db *DB) UpdateWebhookEndpoint(ctx context.Context, workspaceID, id int64, e nps.WebhookEndpoint) (nps.WebhookEndpoint, error) {
	e, err := checkEndpoint(e)
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: update webhook endpoint: %w", err)
	}
	var out nps.WebhookEndpoint
	err = db.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanWebhookEndpoint(tx.QueryRowContext(ctx, `UPDATE webhook_endpoints SET url = $1, format = $2,
				events = $3, description = $4, active = $5, updated_at = $6
			WHERE workspace_id = $7 AND id = $8 RETURNING `+webhookEndpointColumns,
			e.URL, e.Format, joinEvents(e.Events), e.Description, e.Active, db.now(), workspaceID, id))
		if err != nil {
			return notFound(err, "webhook endpoint", id)
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditWebhookUpdate, webhookSubject(out),
			fmt.Sprintf("format %s, events %s, active %t", out.Format, joinEvents(out.Events), out.Active))
	})
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: update webhook endpoint: %w", err)
	}
	return out, nil
}

// RotateWebhookSecret gives an endpoint a new signing secret, which the
// returned endpoint holds; deliveries from now on are signed with it.
func (db *DB) RotateWebhookSecret(ctx context.Context, workspaceID, id int64) (nps.WebhookEndpoint, error) {
	secret, err := webhook.NewSecret()
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: rotate webhook secret: %w", err)
	}
	var out nps.WebhookEndpoint
	err = db.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanWebhookEndpoint(tx.QueryRowContext(ctx, `UPDATE webhook_endpoints SET secret = $1, updated_at = $2
			WHERE workspace_id = $3 AND id = $4 RETURNING `+webhookEndpointColumns, secret, db.now(), workspaceID, id))
		if err != nil {
			return notFound(err, "webhook endpoint", id)
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditWebhookRotate, webhookSubject(out), "")
	})
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: rotate webhook secret: %w", err)
	}
	return out, nil
}

// DeleteWebhookEndpoint deletes an endpoint that has no deliveries. One
// that has is kept for its log and deactivated instead, and deleted
// reports false.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, workspaceID, id int64) (deleted bool, err error) {
	err = db.write(ctx, func(tx *sql.Tx) error {
		deleted = false
		var used bool
		var url string
		err := tx.QueryRowContext(ctx, `SELECT url, EXISTS (SELECT 1 FROM webhook_deliveries WHERE workspace_id = $1 AND endpoint_id = $2)
			FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&url, &used)
		if err != nil {
			return notFound(err, "webhook endpoint", id)
		}
		subject := webhookSubject(nps.WebhookEndpoint{ID: id, URL: url})
		if used {
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET active = false, updated_at = $1
				WHERE workspace_id = $2 AND id = $3`, db.now(), workspaceID, id)
			if err != nil {
				return err
			}
			return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditWebhookDelete, subject, "kept for its delivery log, deactivated")
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2`, workspaceID, id); err != nil {
			return err
		}
		deleted = true
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditWebhookDelete, subject, "")
	})
	if err != nil {
		return false, fmt.Errorf("store: delete webhook endpoint: %w", err)
	}
	return deleted, nil
}

// WebhookEndpoints returns the workspace's endpoints, oldest first.
func (db *DB) WebhookEndpoints(ctx context.Context, workspaceID int64) ([]nps.WebhookEndpoint, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints
		WHERE workspace_id = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	list, err := collect(rows, scanWebhookEndpoint)
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	return list, nil
}

// WebhookEndpoint returns one of the workspace's endpoints.
func (db *DB) WebhookEndpoint(ctx context.Context, workspaceID, id int64) (nps.WebhookEndpoint, error) {
	e, err := scanWebhookEndpoint(db.sql.QueryRowContext(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return nps.WebhookEndpoint{}, fmt.Errorf("store: webhook endpoint: %w", notFound(err, "webhook endpoint", id))
	}
	return e, nil
}

// WebhookDeliveries returns an endpoint's deliveries newest first, at
// most limit (default 50, at most 500); before, when set, returns those
// older than the delivery of that ID, the next page. An endpoint of
// another workspace has none.
func (db *DB) WebhookDeliveries(ctx context.Context, workspaceID, endpointID int64, limit int, before int64) ([]nps.WebhookDelivery, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var w where
	w.and("workspace_id = " + w.arg(workspaceID))
	w.and("endpoint_id = " + w.arg(endpointID))
	if before > 0 {
		w.and("id < " + w.arg(before))
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+webhookDeliveryColumns+` FROM webhook_deliveries`+w.String()+
		` ORDER BY id DESC LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	list, err := collect(rows, scanWebhookDelivery)
	if err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	return list, nil
}

// WebhookDelivery returns one of the workspace's deliveries.
func (db *DB) WebhookDelivery(ctx context.Context, workspaceID, id int64) (nps.WebhookDelivery, error) {
	d, err := scanWebhookDelivery(db.sql.QueryRowContext(ctx, `SELECT `+webhookDeliveryColumns+` FROM webhook_deliveries
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return nps.WebhookDelivery{}, fmt.Errorf("store: webhook delivery: %w", notFound(err, "webhook delivery", id))
	}
	return d, nil
}

// WebhookAttempts returns a delivery's attempts, oldest first; a
// delivery of another workspace has none.
func (db *DB) WebhookAttempts(ctx context.Context, workspaceID, deliveryID int64) ([]nps.WebhookAttempt, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, delivery_id, status, error, response, duration_ms, replay, created_at
		FROM webhook_attempts WHERE workspace_id = $1 AND delivery_id = $2 ORDER BY id`, workspaceID, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("store: webhook attempts: %w", err)
	}
	list, err := collect(rows, func(row rowScanner) (nps.WebhookAttempt, error) {
		var a nps.WebhookAttempt
		var ms int64
		err := row.Scan(&a.ID, &a.DeliveryID, &a.Status, &a.Error, &a.Response, &ms, &a.Replay, timeCol{&a.CreatedAt})
		a.Duration = time.Duration(ms) * time.Millisecond
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: webhook attempts: %w", err)
	}
	return list, nil
}

// ReplayWebhookDelivery sends a delivery again: it becomes pending, marked
// as a replay, and the job queue's sweep posts the same payload under the
// same idempotency key.
func (db *DB) ReplayWebhookDelivery(ctx context.Context, workspaceID, id int64) (nps.WebhookDelivery, error) {
	var out nps.WebhookDelivery
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanWebhookDelivery(tx.QueryRowContext(ctx, `UPDATE webhook_deliveries SET state = 'pending', replay = true, job = false,
				updated_at = $1
			WHERE workspace_id = $2 AND id = $3 RETURNING `+webhookDeliveryColumns, db.now(), workspaceID, id))
		return notFound(err, "webhook delivery", id)
	})
	if err != nil {
		return nps.WebhookDelivery{}, fmt.Errorf("store: replay webhook delivery: %w", err)
	}
	return out, nil
}
