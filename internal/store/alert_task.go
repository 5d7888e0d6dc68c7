package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The periodic work of the follow-ups, across every workspace: escalating
// the overdue ones, and raising alerts for key accounts that went silent.
// Both write the alerts, their events and their emails in one
// transaction, so that an email is queued exactly when its alert is.

// AlertMail is an alert with what its emails say and whom they go to.
type AlertMail struct {
	AlertItem
	WorkspaceSlug string
	WorkspaceName string
	// Recipients are the users the email goes to, in that order.
	Recipients []nps.User
}

// RenderAlertMail writes the emails of an alert, one for each recipient
// it chooses to write to; the store sets their workspace, kind, subject
// and account and queues them.
type RenderAlertMail func(AlertMail) ([]nps.Notification, error)

// escalateBatch is how many overdue follow-ups one transaction claims.
const escalateBatch = 100

// EscalateOverdue escalates, once each, the open follow-ups whose
// deadline passed before now: it marks them escalated, records a
// followup.overdue event and queues the escalation emails that render
// writes to the workspace's owners (see escalationRecipients), all in the
// transaction that claims them. Concurrent calls claim different alerts.
// It returns the escalated alerts.
func (db *DB) EscalateOverdue(ctx context.Context, now time.Time, render RenderAlertMail) ([]AlertMail, error) {
	now = normTime(now)
	var all []AlertMail
	for {
		var batch []AlertMail
		err := db.writeRetry(ctx, func(tx *sql.Tx) error {
			batch = batch[:0]
			rows, err := tx.QueryContext(ctx, `SELECT workspace_id, id FROM alerts
				WHERE state = 'open' AND due_at IS NOT NULL AND due_at < $1 AND escalated_at IS NULL
				ORDER BY due_at, id LIMIT $2`+db.dialect.skipLocked(), now, escalateBatch)
			if err != nil {
				return err
			}
			claimed, err := collect(rows, func(row rowScanner) ([2]int64, error) {
				var k [2]int64
				return k, row.Scan(&k[0], &k[1])
			})
			if err != nil {
				return err
			}
			for _, k := range claimed {
				ws, id := k[0], k[1]
				if _, err := tx.ExecContext(ctx, `UPDATE alerts SET escalated_at = $1, updated_at = $1
					WHERE workspace_id = $2 AND id = $3`, now, ws, id); err != nil {
					return err
				}
				m, err := alertMail(ctx, tx, ws, id)
				if err != nil {
					return err
				}
				if m.Recipients, err = escalationRecipients(ctx, tx, ws, m.ownerID()); err != nil {
					return err
				}
				if err := insertEvent(ctx, tx, now, ws, nps.EventFollowUpOverdue, id); err != nil {
					return err
				}
				if err := queueAlertMail(ctx, tx, now, nps.NotifyEscalation, m, render); err != nil {
					return err
				}
				batch = append(batch, m)
			}
			return nil
		})
		if err != nil {
			return all, fmt.Errorf("store: escalate overdue follow-ups: %w", err)
		}
		all = append(all, batch...)
		if len(batch) < escalateBatch {
			return all, nil
		}
	}
}

// ownerID is who owns the alert: its own owner, else the account's.
func (m AlertMail) ownerID() int64 {
	if m.OwnerID != 0 {
		return m.OwnerID
	}
	return m.AccountOwnerID
}

// alertMail reads an alert with its workspace, for its emails.
func alertMail(ctx context.Context, q querier, workspaceID, id int64) (AlertMail, error) {
	it, err := alertItem(ctx, q, workspaceID, id)
	if err != nil {
		return AlertMail{}, err
	}
	m := AlertMail{AlertItem: it}
	err = q.QueryRowContext(ctx, `SELECT slug, name FROM workspaces WHERE id = $1`, workspaceID).Scan(&m.WorkspaceSlug, &m.WorkspaceName)
	return m, err
}

// escalationRecipients are whom an overdue follow-up goes to: the
// workspace's owners, the manager role, but not the alert's owner (who
// had the follow-up already) unless no other owner is there to tell.
func escalationRecipients(ctx context.Context, q querier, workspaceID, ownerID int64) ([]nps.User, error) {
	owners, err := workspaceOwners(ctx, q, workspaceID)
	if err != nil {
		return nil, err
	}
	var out []nps.User
	for _, u := range owners {
		if u.ID != ownerID {
			out = append(out, u)
		}
	}
	if len(out) == 0 && ownerID != 0 {
		u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+prefixed("u", userColumns)+` FROM users u
			JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND u.id = $2`, workspaceID, ownerID))
		if err == nil {
			u.PasswordHash = ""
			out = append(out, u)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return out, nil
}

// workspaceOwners returns the users with the owner role in the workspace.
func workspaceOwners(ctx context.Context, q querier, workspaceID int64) ([]nps.User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+prefixed("u", userColumns)+` FROM users u
		JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND m.role = $2 ORDER BY u.id`,
		workspaceID, nps.RoleOwner)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row rowScanner) (nps.User, error) {
		u, err := scanUser(row)
		u.PasswordHash = "" // recipients carry no secrets
		return u, err
	})
}

// queueAlertMail queues the emails render writes for m.
func queueAlertMail(ctx context.Context, tx *sql.Tx, now time.Time, kind nps.NotificationKind, m AlertMail, render RenderAlertMail) error {
	if render == nil || len(m.Recipients) == 0 {
		return nil
	}
	ns, err := render(m)
	if err != nil {
		return fmt.Errorf("write %s email of alert %d: %w", kind, m.ID, err)
	}
	for _, n := range ns {
		n.WorkspaceID, n.Kind, n.SubjectID, n.AccountID = m.WorkspaceID, kind, m.ID, m.AccountID
		if _, err := insertNotification(ctx, tx, now, n); err != nil {
			return fmt.Errorf("queue %s email of alert %d: %w", kind, m.ID, err)
		}
	}
	return nil
}

// lockClassSilentAccounts is the first key of the PostgreSQL advisory
// lock that serialises the passes over one silent rule's accounts (see
// Dialect.lock), apart from dialect.go's own classes.
const lockClassSilentAccounts = 101

// SilentKeyAccounts judges the accounts of every workspace against its
// active silent rules: an active account with at least the rule's annual
// revenue whose last answer is older than the rule's months (or that has
// none and was added before then) gets an alert, unless that rule has an
// open alert for it or raised one within those months. Each alert is
// recorded with an alert.created event and the email render writes to
// the account's owner (the workspace's owners when it has none), in one
// transaction per rule. It returns the alerts raised.
func (db *DB) SilentKeyAccounts(ctx context.Context, now time.Time, render RenderAlertMail) ([]AlertMail, error) {
	now = normTime(now)
	rows, err := db.sql.QueryContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules
		WHERE kind = $1 AND active ORDER BY workspace_id, id`, nps.RuleSilent)
	if err != nil {
		return nil, fmt.Errorf("store: silent key accounts: %w", err)
	}
	rules, err := collect(rows, scanAlertRule)
	if err != nil {
		return nil, fmt.Errorf("store: silent key accounts: %w", err)
	}
	var all []AlertMail
	for _, rule := range rules {
		var raised []AlertMail
		err := db.write(ctx, func(tx *sql.Tx) error {
			var err error
			raised, err = db.raiseSilent(ctx, tx, now, rule, render)
			return err
		})
		if err != nil {
			return all, fmt.Errorf("store: silent key accounts of rule %d: %w", rule.ID, err)
		}
		all = append(all, raised...)
	}
	return all, nil
}

// raiseSilent raises the alerts of one silent rule.
func (db *DB) raiseSilent(ctx context.Context, tx *sql.Tx, now time.Time, rule nps.AlertRule, render RenderAlertMail) ([]AlertMail, error) {
	if err := db.dialect.lock(ctx, tx, lockClassSilentAccounts, rule.ID); err != nil {
		return nil, err
	}
	// The rule as it is now, under the lock: it may have changed since
	// the list was read.
	ws := rule.WorkspaceID
	rule, err := scanAlertRule(tx.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules
		WHERE workspace_id = $1 AND id = $2`, ws, rule.ID))
	if err != nil {
		return nil, notFound(err, "alert rule", rule.ID)
	}
	if !rule.Active || rule.Kind != nps.RuleSilent || rule.SilentMonths < 1 {
		return nil, nil
	}
	cutoff := normTime(now.AddDate(0, -rule.SilentMonths, 0))
	type silent struct {
		id, ownerID int64
		last        time.Time
		created     time.Time
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.owner_id, a.created_at,
			(SELECT max(r.created_at) FROM responses r WHERE r.workspace_id = a.workspace_id AND r.account_id = a.id)
		FROM accounts a
		WHERE a.workspace_id = $1 AND a.status = 'active' AND a.annual_revenue_cents >= $2
			AND COALESCE((SELECT max(r.created_at) FROM responses r WHERE r.workspace_id = a.workspace_id AND r.account_id = a.id),
				a.created_at) < $3
			AND NOT EXISTS (SELECT 1 FROM alerts al WHERE al.workspace_id = a.workspace_id AND al.rule_id = $4
				AND al.account_id = a.id AND (al.state = 'open' OR al.created_at >= $3))
		ORDER BY a.id`, ws, rule.MinRevenueCents, cutoff, rule.ID)
	if err != nil {
		return nil, err
	}
	accounts, err := collect(rows, func(row rowScanner) (silent, error) {
		var s silent
		return s, row.Scan(&s.id, idCol{&s.ownerID}, timeCol{&s.created}, timeCol{&s.last})
	})
	if err != nil {
		return nil, err
	}
	var due time.Time
	if rule.FollowUpDays > 0 {
		due = nps.AddWorkingDays(now, rule.FollowUpDays)
	}
	var out []AlertMail
	for _, acc := range accounts {
		reason := "no answer since " + acc.last.Format("2006-01-02")
		if acc.last.IsZero() {
			reason = "no answer since the account was added on " + acc.created.Format("2006-01-02")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO alerts (workspace_id, rule_id, kind, reason, account_id, owner_id,
				state, due_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $8) RETURNING id`,
			ws, rule.ID, nps.RuleSilent, reason, acc.id, nullID(acc.ownerID), nullTime(due), now).Scan(&id); err != nil {
			return nil, err
		}
		if err := insertEvent(ctx, tx, now, ws, nps.EventAlertCreated, id); err != nil {
			return nil, err
		}
		m, err := alertMail(ctx, tx, ws, id)
		if err != nil {
			return nil, err
		}
		if m.Recipients, err = alertRecipients(ctx, tx, ws, acc.ownerID); err != nil {
			return nil, err
		}
		if err := queueAlertMail(ctx, tx, now, nps.NotifyAlert, m, render); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// alertRecipients are whom a new alert goes to: the account's owner, or
// the workspace's owners when nobody owns the account.
func alertRecipients(ctx context.Context, q querier, workspaceID, ownerID int64) ([]nps.User, error) {
	if ownerID != 0 {
		u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+prefixed("u", userColumns)+` FROM users u
			JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND u.id = $2`, workspaceID, ownerID))
		if err == nil {
			u.PasswordHash = ""
			return []nps.User{u}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return workspaceOwners(ctx, q, workspaceID)
}
