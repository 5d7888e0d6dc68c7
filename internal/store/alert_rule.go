package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// Alert rules as the workspace's owners manage them. The event processor
// judges answers against the active ones (alertRules); SilentKeyAccounts
// (alert_task.go) judges accounts against the silent ones.

// ruleFields keeps of r only the fields its kind uses, so that a rule
// changed from one kind to another keeps no stale threshold.
func ruleFields(r nps.AlertRule) nps.AlertRule {
	kept := nps.AlertRule{Name: strings.TrimSpace(r.Name), Kind: r.Kind, FollowUpDays: r.FollowUpDays, Active: r.Active}
	switch r.Kind {
	case nps.RuleScore:
		kept.MaxScore = r.MaxScore
	case nps.RuleDrop:
		kept.MinDrop = r.MinDrop
	case nps.RuleKeyword:
		kept.Keywords = r.Keywords
	case nps.RuleSilent:
		kept.SilentMonths, kept.MinRevenueCents = r.SilentMonths, r.MinRevenueCents
	}
	return kept
}

// CreateAlertRule adds a rule to the workspace. Keywords are expected
// normalised by nps.ParseKeywords.
func (db *DB) CreateAlertRule(ctx context.Context, workspaceID int64, r nps.AlertRule) (nps.AlertRule, error) {
	r = ruleFields(r)
	if err := r.Validate(); err != nil {
		return nps.AlertRule{}, fmt.Errorf("store: create alert rule: %w", err)
	}
	now := db.now()
	var out nps.AlertRule
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanAlertRule(tx.QueryRowContext(ctx, `INSERT INTO alert_rules (workspace_id, name, kind, max_score, min_drop,
				keywords, silent_months, min_revenue_cents, followup_days, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING `+alertRuleColumns,
			workspaceID, r.Name, r.Kind, r.MaxScore, r.MinDrop, strings.Join(r.Keywords, "\n"), r.SilentMonths,
			r.MinRevenueCents, r.FollowUpDays, r.Active, now))
		return err
	})
	if err != nil {
		return nps.AlertRule{}, fmt.Errorf("store: create alert rule: %w", err)
	}
	return out, nil
}

// AlertRule returns one of the workspace's rules.
func (db *DB) AlertRule(ctx context.Context, workspaceID, id int64) (nps.AlertRule, error) {
	r, err := scanAlertRule(db.sql.QueryRowContext(ctx, `SELECT `+alertRuleColumns+` FROM alert_rules
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if err != nil {
		return nps.AlertRule{}, fmt.Errorf("store: alert rule: %w", notFound(err, "alert rule", id))
	}
	return r, nil
}

// UpdateAlertRule replaces the rule's name, kind, thresholds, deadline
// and active flag. Alerts it raised keep their deadlines.
func (db *DB) UpdateAlertRule(ctx context.Context, workspaceID, id int64, r nps.AlertRule) (nps.AlertRule, error) {
	r = ruleFields(r)
	if err := r.Validate(); err != nil {
		return nps.AlertRule{}, fmt.Errorf("store: update alert rule: %w", err)
	}
	var out nps.AlertRule
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanAlertRule(tx.QueryRowContext(ctx, `UPDATE alert_rules SET name = $1, kind = $2, max_score = $3,
				min_drop = $4, keywords = $5, silent_months = $6, min_revenue_cents = $7, followup_days = $8, active = $9,
				updated_at = $10
			WHERE workspace_id = $11 AND id = $12 RETURNING `+alertRuleColumns,
			r.Name, r.Kind, r.MaxScore, r.MinDrop, strings.Join(r.Keywords, "\n"), r.SilentMonths, r.MinRevenueCents,
			r.FollowUpDays, r.Active, db.now(), workspaceID, id))
		return notFound(err, "alert rule", id)
	})
	if err != nil {
		return nps.AlertRule{}, fmt.Errorf("store: update alert rule: %w", err)
	}
	return out, nil
}

// DeleteAlertRule deletes a rule that never raised an alert. A rule that
// did is referred to by its alerts, so it is deactivated instead, and
// deleted reports false.
func (db *DB) DeleteAlertRule(ctx context.Context, workspaceID, id int64) (deleted bool, err error) {
	err = db.write(ctx, func(tx *sql.Tx) error {
		deleted = false
		var used bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM alerts WHERE workspace_id = $1 AND rule_id = $2)
			FROM alert_rules WHERE workspace_id = $1 AND id = $2`, workspaceID, id).Scan(&used)
		if err != nil {
			return notFound(err, "alert rule", id)
		}
		if used {
			_, err = tx.ExecContext(ctx, `UPDATE alert_rules SET active = false, updated_at = $1
				WHERE workspace_id = $2 AND id = $3`, db.now(), workspaceID, id)
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM alert_rules WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
		deleted = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: delete alert rule: %w", err)
	}
	return deleted, nil
}
