package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// alertRuleColumns are the columns scanAlertRule reads, in order.
const alertRuleColumns = `id, workspace_id, name, kind, max_score, min_drop, keywords, silent_months,
	min_revenue_cents, followup_days, active, created_at, updated_at`

func scanAlertRule(row rowScanner) (nps.AlertRule, error) {
	var r nps.AlertRule
	var keywords string
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Kind, &r.MaxScore, &r.MinDrop, &keywords, &r.SilentMonths,
		&r.MinRevenueCents, &r.FollowUpDays, &r.Active, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt})
	if keywords != "" {
		r.Keywords = strings.Split(keywords, "\n")
	}
	return r, err
}

// AlertRules returns the workspace's alert rules by name.
func (db *DB) AlertRules(ctx context.Context, workspaceID int64) ([]nps.AlertRule, error) {
	rules, err := alertRules(ctx, db.sql, workspaceID, false)
	if err != nil {
		return nil, fmt.Errorf("store: alert rules: %w", err)
	}
	return rules, nil
}

// alertRules returns the workspace's rules, the active ones only if
// active is set.
func alertRules(ctx context.Context, q querier, workspaceID int64, active bool) ([]nps.AlertRule, error) {
	query := `SELECT ` + alertRuleColumns + ` FROM alert_rules WHERE workspace_id = $1`
	if active {
		query += ` AND active`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAlertRule)
}

// alertColumns are the columns scanAlert reads, in order.
const alertColumns = `id, workspace_id, rule_id, kind, reason, response_id, account_id, contact_id, owner_id,
	state, due_at, contacted_at, contacted_by, note, escalated_at, created_at, updated_at`

func scanAlert(row rowScanner) (nps.Alert, error) {
	var a nps.Alert
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.RuleID, &a.Kind, &a.Reason, idCol{&a.ResponseID}, idCol{&a.AccountID},
		idCol{&a.ContactID}, idCol{&a.OwnerID}, &a.State, timeCol{&a.DueAt}, timeCol{&a.ContactedAt},
		idCol{&a.ContactedBy}, &a.Note, timeCol{&a.EscalatedAt}, timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt})
	return a, err
}

// insertEvent records that something happened, for the alert rules and
// the webhooks (see ProcessEvents), in the transaction that made it so.
func insertEvent(ctx context.Context, q querier, now time.Time, workspaceID int64, kind nps.EventKind, subjectID int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO events (workspace_id, kind, subject_id, created_at) VALUES ($1, $2, $3, $4)`,
		workspaceID, kind, subjectID, now)
	if err != nil {
		return fmt.Errorf("record event %s: %w", kind, err)
	}
	return nil
}

// eventsPerInsert bounds the rows of one events insert: a batch of a
// thousand answers is four statements of short placeholder lists.
const eventsPerInsert = 250

// insertResponseEvents records the events of answers.
func insertResponseEvents(ctx context.Context, q querier, now time.Time, events []responseEvent) error {
	for chunk := range slices.Chunk(events, eventsPerInsert) {
		rows := make([]string, len(chunk))
		args := make([]any, 0, 4*len(chunk))
		for i, e := range chunk {
			n := len(args)
			rows[i] = fmt.Sprintf("($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, e.r.WorkspaceID, e.kind, e.r.ID, now)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO events (workspace_id, kind, subject_id, created_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return fmt.Errorf("record response events: %w", err)
		}
	}
	return nil
}
