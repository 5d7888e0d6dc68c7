package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Digests: each user's weekly or monthly email of a workspace. The
// subscription says when the next one is due. The task that sends
// digests lists the due ones (DueDigests), writes each from the store's
// figures, and queues it with QueueDigest, which advances the
// subscription in the same transaction and only if nobody advanced it
// meanwhile: a digest is queued exactly once, however many processes
// write it, and a process that dies before the commit leaves it due.
// Writing happens outside the transaction, so that no write lock is held
// while a chart is drawn.

// DigestRecipient is a subscription with the user it goes to (without
// the password hash), the workspace it is about and the user's role
// there, which decides what the digest may show.
type DigestRecipient struct {
	nps.DigestSubscription
	User      nps.User
	Workspace nps.Workspace
	Role      nps.Role
}

const digestColumns = `d.workspace_id, d.user_id, d.frequency, d.next_at, d.last_sent_at, d.token, d.created_at, d.updated_at`

func scanDigest(row rowScanner, extra ...any) (nps.DigestSubscription, error) {
	var d nps.DigestSubscription
	err := row.Scan(append([]any{&d.WorkspaceID, &d.UserID, &d.Frequency, timeCol{&d.NextAt}, timeCol{&d.LastSentAt},
		&d.Token, timeCol{&d.CreatedAt}, timeCol{&d.UpdatedAt}}, extra...)...)
	return d, err
}

// digestRecipientQuery reads subscriptions with their user and workspace,
// for digestByToken and DueDigests; scanDigestRecipient scans its rows.
var digestRecipientQuery = `SELECT ` + digestColumns + `, u.id, u.email, u.name, u.language, u.created_at,
		` + prefixed("w", workspaceColumns) + `, m.role
	FROM digest_subscriptions d
	JOIN memberships m ON m.workspace_id = d.workspace_id AND m.user_id = d.user_id
	JOIN users u ON u.id = d.user_id
	JOIN workspaces w ON w.id = d.workspace_id`

func scanDigestRecipient(row rowScanner) (DigestRecipient, error) {
	var r DigestRecipient
	u := &r.User
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Language, timeCol{&u.CreatedAt}}, workspaceDest(&r.Workspace)...)
	var err error
	r.DigestSubscription, err = scanDigest(row, append(dest, &r.Role)...)
	return r, err
}

// DigestSubscription returns the user's digest subscription of the
// workspace; nps.ErrNotFound when the user never chose one.
func (db *DB) DigestSubscription(ctx context.Context, workspaceID, userID int64) (nps.DigestSubscription, error) {
	d, err := scanDigest(db.read.QueryRowContext(ctx, `SELECT `+digestColumns+` FROM digest_subscriptions d
		WHERE d.workspace_id = $1 AND d.user_id = $2`, workspaceID, userID))
	if err != nil {
		return d, fmt.Errorf("store: digest subscription: %w", notFound(err, "digest subscription of user", userID))
	}
	return d, nil
}

// SetDigest sets how often the user receives the workspace's digest. A
// new frequency is due at its next regular time (nps.NextDigest); the
// same frequency again keeps its time. The first choice makes the
// subscription and its unsubscribe token, which later changes keep, so
// that the link of an earlier digest still works. A user who is not a
// member of the workspace is nps.ErrNotFound.
func (db *DB) SetDigest(ctx context.Context, workspaceID, userID int64, f nps.DigestFrequency) (nps.DigestSubscription, error) {
	if _, err := nps.ParseDigestFrequency(string(f)); err != nil {
		return nps.DigestSubscription{}, fmt.Errorf("store: set digest: %w", err)
	}
	now := db.now()
	var d nps.DigestSubscription
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := membership(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		var err error
		d, err = scanDigest(tx.QueryRowContext(ctx, `SELECT `+digestColumns+` FROM digest_subscriptions d
			WHERE d.workspace_id = $1 AND d.user_id = $2`+db.dialect.forUpdate(), workspaceID, userID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			d = nps.DigestSubscription{WorkspaceID: workspaceID, UserID: userID, Frequency: f,
				NextAt: nps.NextDigest(f, now), Token: newToken(), CreatedAt: now, UpdatedAt: now}
			_, err = tx.ExecContext(ctx, `INSERT INTO digest_subscriptions (workspace_id, user_id, frequency, next_at,
					token, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, workspaceID, userID, f, nullTime(d.NextAt), d.Token, now)
			return err
		case err != nil:
			return err
		case d.Frequency == f:
			return nil
		}
		// Coming back from none starts afresh: the first digest covers one
		// period, not everything since the last one months ago.
		if d.Frequency == nps.DigestNone {
			d.LastSentAt = time.Time{}
		}
		d.Frequency, d.NextAt, d.UpdatedAt = f, nps.NextDigest(f, now), now
		_, err = tx.ExecContext(ctx, `UPDATE digest_subscriptions SET frequency = $1, next_at = $2, updated_at = $3, last_sent_at = $4
			WHERE workspace_id = $5 AND user_id = $6`, f, nullTime(d.NextAt), now, nullTime(d.LastSentAt), workspaceID, userID)
		return err
	})
	if err != nil {
		return nps.DigestSubscription{}, fmt.Errorf("store: set digest: %w", err)
	}
	return d, nil
}

// DigestByToken returns the subscription of an unsubscribe link's token,
// in whichever workspace it is: the token decides. An unknown token is
// nps.ErrNotFound.
func (db *DB) DigestByToken(ctx context.Context, token string) (DigestRecipient, error) {
	r, err := digestByToken(ctx, db.read, token)
	if err != nil {
		return r, fmt.Errorf("store: digest by token: %w", err)
	}
	return r, nil
}

func digestByToken(ctx context.Context, q querier, token string) (DigestRecipient, error) {
	if !plausibleToken(token) {
		return DigestRecipient{}, fmt.Errorf("digest token: %w", nps.ErrNotFound)
	}
	r, err := scanDigestRecipient(q.QueryRowContext(ctx, digestRecipientQuery+` WHERE d.token = $1`, token))
	return r, notFound(err, "digest token", "")
}

// UnsubscribeDigest stops the subscription of an unsubscribe link's
// token and returns it as it is now; stopping a stopped one changes
// nothing. An unknown token is nps.ErrNotFound.
func (db *DB) UnsubscribeDigest(ctx context.Context, token string) (DigestRecipient, error) {
	var r DigestRecipient
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = digestByToken(ctx, tx, token); err != nil || r.Frequency == nps.DigestNone {
			return err
		}
		now := db.now()
		r.Frequency, r.NextAt, r.UpdatedAt = nps.DigestNone, time.Time{}, now
		_, err = tx.ExecContext(ctx, `UPDATE digest_subscriptions SET frequency = 'none', next_at = NULL, updated_at = $1
			WHERE workspace_id = $2 AND user_id = $3`, now, r.WorkspaceID, r.UserID)
		return err
	})
	if err != nil {
		return DigestRecipient{}, fmt.Errorf("store: unsubscribe digest: %w", err)
	}
	return r, nil
}

// DueDigests returns up to limit subscriptions of every workspace whose
// digest is due at now, the longest due first.
func (db *DB) DueDigests(ctx context.Context, now time.Time, limit int) ([]DigestRecipient, error) {
	rows, err := db.sql.QueryContext(ctx, digestRecipientQuery+`
		WHERE d.next_at IS NOT NULL AND d.next_at <= $1
		ORDER BY d.next_at, d.workspace_id, d.user_id LIMIT $2`, normTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due digests: %w", err)
	}
	due, err := collect(rows, scanDigestRecipient)
	if err != nil {
		return nil, fmt.Errorf("store: due digests: %w", err)
	}
	return due, nil
}

// QueueDigest queues n, the digest of r written at now, and moves r's
// subscription to its next regular time after now, in one transaction,
// if the subscription is still as DueDigests read it; otherwise (another
// process queued it, the user changed or stopped it) it writes nothing
// and returns false. The store sets n's workspace, kind and subject (the
// user).
func (db *DB) QueueDigest(ctx context.Context, r DigestRecipient, now time.Time, n nps.Notification) (bool, error) {
	now = normTime(now)
	queued := false
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE digest_subscriptions SET next_at = $1, last_sent_at = $2, updated_at = $2
			WHERE workspace_id = $3 AND user_id = $4 AND frequency = $5 AND next_at = $6`,
			nps.NextDigest(r.Frequency, now), now, r.WorkspaceID, r.UserID, r.Frequency, normTime(r.NextAt))
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return err
		}
		n.WorkspaceID, n.Kind, n.SubjectID, n.AccountID = r.WorkspaceID, nps.NotifyDigest, r.UserID, 0
		if _, err := insertNotification(ctx, tx, now, n); err != nil {
			return err
		}
		queued = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: queue digest of user %d in workspace %d: %w", r.UserID, r.WorkspaceID, err)
	}
	return queued, nil
}

// DetractorFilter selects the detractors a digest reports.
type DetractorFilter struct {
	// After and Until bound the time of the first answer: after After,
	// up to and including Until.
	After, Until time.Time
	// OwnerID keeps the answers of the accounts of one owner: a member's.
	OwnerID int64
	// Limit bounds the list (the count is of all of them); at most
	// MaxResponsePage.
	Limit int
}

// NewDetractors returns the workspace's answers first given in f's
// period whose score is now a detractor's (0 to 6), newest first, at
// most f.Limit of them, and how many there are in all.
func (db *DB) NewDetractors(ctx context.Context, workspaceID int64, f DetractorFilter) ([]ListedResponse, int64, error) {
	if f.Limit < 1 || f.Limit > MaxResponsePage {
		return nil, 0, fmt.Errorf("store: new detractors: %w", &nps.ValidationError{
			Field: "limit", Message: fmt.Sprintf("must be from 1 to %d, got %d", MaxResponsePage, f.Limit)})
	}
	w, err := ResponseFilter{OwnerID: f.OwnerID, Category: "detractor"}.where(db.dialect, workspaceID)
	if err != nil {
		return nil, 0, fmt.Errorf("store: new detractors: %w", err)
	}
	w.and("r.created_at > " + w.arg(normTime(f.After)))
	w.and("r.created_at <= " + w.arg(normTime(f.Until)))
	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM responses r
		LEFT JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: new detractors: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	list, err := db.listResponses(ctx, "responses r", w, "r.created_at DESC, r.id DESC", f.Limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: new detractors: %w", err)
	}
	return list, total, nil
}
