package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/promotor/promotor/internal/nps"
)

// PendingDeliveries returns the IDs of the webhook deliveries that wait
// for a job of the queue, oldest first, at most limit (see internal/jobs);
// one whose job is retrying is not among them.
func (db *DB) PendingDeliveries(ctx context.Context, limit int) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM webhook_deliveries WHERE state = 'pending' AND NOT job ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending deliveries: %w", err)
	}
	ids, err := collect(rows, scanID)
	if err != nil {
		return nil, fmt.Errorf("store: pending deliveries: %w", err)
	}
	return ids, nil
}

// DeliveriesQueued records that the deliveries have their jobs.
func (db *DB) DeliveriesQueued(ctx context.Context, ids []int64) error {
	return markQueued(ctx, db, "webhook_deliveries", ids)
}

// markQueued sets job on the rows of table with ids.
func markQueued(ctx context.Context, db *DB, table string, ids []int64) error {
	for chunk := range slices.Chunk(ids, maxKeysPerQuery) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if _, err := db.sql.ExecContext(ctx, `UPDATE `+table+` SET job = TRUE WHERE id IN (`+placeholders(1, len(chunk))+`)`, args...); err != nil {
			return fmt.Errorf("store: %s queued: %w", table, err)
		}
	}
	return nil
}

// DeliveryToSend returns a delivery by ID with its endpoint, for the job
// that attempts it; the job has no workspace but the row's own.
func (db *DB) DeliveryToSend(ctx context.Context, id int64) (nps.WebhookDelivery, nps.WebhookEndpoint, error) {
	d, err := scanWebhookDelivery(db.sql.QueryRowContext(ctx, `SELECT `+webhookDeliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id))
	if err != nil {
		return d, nps.WebhookEndpoint{}, fmt.Errorf("store: delivery: %w", notFound(err, "delivery", id))
	}
	e, err := scanWebhookEndpoint(db.sql.QueryRowContext(ctx, `SELECT `+webhookEndpointColumns+` FROM webhook_endpoints
		WHERE workspace_id = $1 AND id = $2`, d.WorkspaceID, d.EndpointID))
	if err != nil {
		return d, e, fmt.Errorf("store: delivery: %w", notFound(err, "endpoint", d.EndpointID))
	}
	return d, e, nil
}

// RecordDeliveryAttempt logs an attempt of a pending delivery and moves
// the delivery to state: delivered, failed for good, or still pending
// for the next attempt. An attempt of a delivery no longer pending (one
// that a second job, after a crash, attempted meanwhile) is logged too.
func (db *DB) RecordDeliveryAttempt(ctx context.Context, id int64, a nps.WebhookAttempt, state nps.DeliveryState) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var ws int64
		var replay bool
		err := tx.QueryRowContext(ctx, `SELECT workspace_id, replay FROM webhook_deliveries WHERE id = $1`+db.dialect.forUpdate(), id).Scan(&ws, &replay)
		if err != nil {
			return notFound(err, "delivery", id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (workspace_id, delivery_id, status, error, response,
				duration_ms, replay, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			ws, id, a.Status, truncate(a.Error, 1000), truncate(a.Response, 1024), a.Duration.Milliseconds(), replay, now); err != nil {
			return err
		}
		var delivered any
		if state == nps.DeliveryDelivered {
			delivered = now
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, last_status = $3,
				last_error = $4, replay = replay AND $2 = 'pending', delivered_at = COALESCE($5, delivered_at), updated_at = $6
			WHERE id = $1 AND state = 'pending'`,
			id, state, a.Status, truncate(a.Error, 1000), delivered, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record delivery attempt: %w", err)
	}
	return nil
}
