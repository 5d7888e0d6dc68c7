package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// notificationKeep is how long the bodies and the error of a loop email
// that was sent (or failed for good) are kept: digests quote comments and
// name detractors, alert emails quote comments, an SMTP server's refusal
// quotes the address, and after this the email is history, of which its
// kind, subject, state and times say enough.
const notificationKeep = 90 * 24 * time.Hour

// purgeCopies empties, in every workspace, the copies of personal data
// that serve no purpose after a while, whatever the workspace's
// retention period.
func (db *DB) purgeCopies(ctx context.Context, now time.Time) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET text_body = '', html_body = '', error = ''
			WHERE state <> 'queued' AND created_at < $1 AND (text_body <> '' OR html_body <> '' OR error <> '')`, now.Add(-notificationKeep)); err != nil {
			return fmt.Errorf("email bodies: %w", err)
		}
		// Expired keys are deleted when their workspace stores another;
		// one that stores none would keep its last answers.
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at <= $1`, now.Add(-IdempotencyTTL)); err != nil {
			return fmt.Errorf("expired idempotency keys: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: retention of copies: %w", err)
	}
	return nil
}
