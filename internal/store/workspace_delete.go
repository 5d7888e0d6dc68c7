package store

import (
	"context"
	"database/sql"
	"fmt"
)

// workspaceTables are the tables that hold a workspace's rows, in an order
// in which they can be deleted: every table comes before the tables its
// rows refer to (revisions before responses, responses before invitations,
// accounts before the memberships that own them, and so on).
//
// A table with a workspace_id column that is missing here would keep rows
// of a deleted workspace, or make DeleteWorkspace fail on a foreign key;
// TestWorkspaceTablesComplete fails until it is added.
var workspaceTables = []string{
	"audit_log",
	"suppressions",
	"report_links",
	"report_verbatims",
	"workspace_logos",
	"webhook_attempts",
	"webhook_deliveries",
	"webhook_endpoints",
	"notification_images",
	"notifications",
	"digest_subscriptions",
	"plan_responses",
	"plan_items",
	"plans",
	"account_pages",
	"referrals",
	"promoter_actions",
	"alerts",
	"alert_rules",
	"events",
	"import_mappings",
	"idempotency_keys",
	"api_tokens",
	"response_revisions",
	"response_tags",
	"response_themes",
	"response_insight",
	"insight_queue",
	"theme_rollup",
	"insight_rollup",
	"theme_totals",
	"insight_totals",
	"account_revenue",
	"benchmarks",
	"score_rollup",
	"score_totals",
	"score_accounts",
	"responses",
	"messages",
	"sends",
	"invitations",
	"waves",
	"surveys",
	"contacts",
	"accounts",
	"memberships",
}

// DeleteWorkspace removes the workspace and every row it holds, in all
// tables, in one transaction: it is all gone or, on any error, all still
// there. A missing workspace is nps.ErrNotFound.
//
// Users are not deleted, only their memberships: a user is a person who
// signs in and may belong to other workspaces or be added to one later
// (see nps.User).
func (db *DB) DeleteWorkspace(ctx context.Context, workspaceID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		// The lock makes concurrent writers to the workspace wait on
		// PostgreSQL (their foreign keys share-lock the row) and then fail
		// cleanly, instead of adding rows between the deletes.
		var id int64
		err := tx.QueryRowContext(ctx,
			`SELECT id FROM workspaces WHERE id = $1`+db.dialect.forUpdate(), workspaceID).Scan(&id)
		if err != nil {
			return notFound(err, "workspace", workspaceID)
		}
		for _, table := range workspaceTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE workspace_id = $1`, workspaceID); err != nil {
				return fmt.Errorf("delete from %s: %w", table, err)
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM workspaces WHERE id = $1`, workspaceID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete workspace: %w", err)
	}
	return nil
}
