package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// notificationColumns are the columns scanNotification reads, in order.
const notificationColumns = `id, workspace_id, kind, subject_id, account_id, to_email, to_name, subject,
	text_body, html_body, unsubscribe_url, state, attempts, error, message_id, sent_at, created_at`

func scanNotification(row rowScanner) (nps.Notification, error) {
	var n nps.Notification
	err := row.Scan(&n.ID, &n.WorkspaceID, &n.Kind, &n.SubjectID, idCol{&n.AccountID}, &n.ToEmail, &n.ToName,
		&n.Subject, &n.Text, &n.HTML, &n.UnsubscribeURL, &n.State, &n.Attempts, &n.Error, &n.MessageID, timeCol{&n.SentAt}, timeCol{&n.CreatedAt})
	return n, err
}

// insertNotification queues a loop email, with its inline images, in the
// transaction that decided it; the job queue sends it (see
// PendingNotifications).
func insertNotification(ctx context.Context, q querier, now time.Time, n nps.Notification) (int64, error) {
	if n.ToEmail == "" || n.Subject == "" || n.Text == "" {
		return 0, fmt.Errorf("notification %s without recipient, subject or text", n.Kind)
	}
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO notifications (workspace_id, kind, subject_id, account_id, to_email, to_name,
			subject, text_body, html_body, unsubscribe_url, state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11) RETURNING id`,
		n.WorkspaceID, n.Kind, n.SubjectID, nullID(n.AccountID), n.ToEmail, n.ToName, n.Subject, n.Text, n.HTML,
		n.UnsubscribeURL, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, img := range n.Inline {
		if _, err := q.ExecContext(ctx, `INSERT INTO notification_images (workspace_id, notification_id, cid, content_type, data)
			VALUES ($1, $2, $3, $4, $5)`, n.WorkspaceID, id, img.CID, img.ContentType, img.Data); err != nil {
			return 0, fmt.Errorf("image %s of notification %s: %w", img.CID, n.Kind, err)
		}
	}
	return id, nil
}

// PendingNotifications returns the IDs of the loop emails that wait for
// a job of the queue, oldest first, at most limit; one whose job is
// retrying is not among them.
func (db *DB) PendingNotifications(ctx context.Context, limit int) ([]int64, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM notifications WHERE state = 'queued' AND NOT job ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending notifications: %w", err)
	}
	ids, err := collect(rows, scanID)
	if err != nil {
		return nil, fmt.Errorf("store: pending notifications: %w", err)
	}
	return ids, nil
}

// NotificationsQueued records that the loop emails have their jobs.
func (db *DB) NotificationsQueued(ctx context.Context, ids []int64) error {
	return markQueued(ctx, db, "notifications", ids)
}

// NotificationToSend returns a loop email by ID with its inline images,
// for the job that sends it; the job has no workspace but the row's own.
func (db *DB) NotificationToSend(ctx context.Context, id int64) (nps.Notification, error) {
	n, err := scanNotification(db.sql.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE id = $1`, id))
	if err != nil {
		return n, fmt.Errorf("store: notification: %w", notFound(err, "notification", id))
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT cid, content_type, data FROM notification_images
		WHERE workspace_id = $1 AND notification_id = $2 ORDER BY cid`, n.WorkspaceID, id)
	if err != nil {
		return n, fmt.Errorf("store: notification images: %w", err)
	}
	if n.Inline, err = collect(rows, func(row rowScanner) (nps.InlineImage, error) {
		var img nps.InlineImage
		return img, row.Scan(&img.CID, &img.ContentType, &img.Data)
	}); err != nil {
		return n, fmt.Errorf("store: notification images: %w", err)
	}
	return n, nil
}

// Notifications returns the workspace's loop emails about one subject
// (an alert, a plan item, a promoter action), oldest first.
func (db *DB) Notifications(ctx context.Context, workspaceID int64, kind nps.NotificationKind, subjectID int64) ([]nps.Notification, error) {
	by, err := db.NotificationsOf(ctx, workspaceID, kind, []int64{subjectID})
	return by[subjectID], err
}

// NotificationsOf returns the workspace's loop emails about each of the
// subjects, oldest first, by subject: the emails of a page's items in
// one query per thousand.
func (db *DB) NotificationsOf(ctx context.Context, workspaceID int64, kind nps.NotificationKind, subjectIDs []int64) (map[int64][]nps.Notification, error) {
	by := map[int64][]nps.Notification{}
	for chunk := range slices.Chunk(subjectIDs, maxKeysPerQuery) {
		args := []any{workspaceID, kind}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications
			WHERE workspace_id = $1 AND kind = $2 AND subject_id IN (`+placeholders(3, len(chunk))+`) ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: notifications: %w", err)
		}
		ns, err := collect(rows, scanNotification)
		if err != nil {
			return nil, fmt.Errorf("store: notifications: %w", err)
		}
		for _, n := range ns {
			by[n.SubjectID] = append(by[n.SubjectID], n)
		}
	}
	return by, nil
}

// RecordNotification records the outcome of an attempt to send a loop
// email: sent (with its Message-ID), failed for good, or, with
// sendErr set and final false, still queued for the next attempt.
func (db *DB) RecordNotification(ctx context.Context, id int64, messageID string, sendErr error, final bool) error {
	now := db.now()
	var err error
	switch {
	case sendErr == nil:
		_, err = db.sql.ExecContext(ctx, `UPDATE notifications SET state = 'sent', attempts = attempts + 1, error = '',
			message_id = $1, sent_at = $2 WHERE id = $3 AND state = 'queued'`, messageID, now, id)
	case final:
		_, err = db.sql.ExecContext(ctx, `UPDATE notifications SET state = 'failed', attempts = attempts + 1, error = $1
			WHERE id = $2 AND state = 'queued'`, truncate(sendErr.Error(), 1000), id)
	default:
		_, err = db.sql.ExecContext(ctx, `UPDATE notifications SET attempts = attempts + 1, error = $1
			WHERE id = $2 AND state = 'queued'`, truncate(sendErr.Error(), 1000), id)
	}
	if err != nil {
		return fmt.Errorf("store: record notification: %w", err)
	}
	return nil
}
