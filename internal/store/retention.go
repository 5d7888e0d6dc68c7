package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Bounds of one retention run per workspace, each batch its own
// transaction: a first run on years of data erases in steps, and the
// hourly task catches up without holding the write lock for long.
const (
	retentionResponses = 500
	retentionContacts  = 100
	retentionBatches   = 10
)

// auditMinKeepMonths is the least time an audit entry is kept, whatever
// the retention period: the record of an erasure must outlive it.
const auditMinKeepMonths = 24

// RetentionRun is what one run of ApplyRetention erased in one workspace.
type RetentionRun struct {
	WorkspaceID int64
	Erasure
	// More is true when a batch bound was reached: the next run goes on.
	More bool
}

// ApplyRetention erases, in every workspace with a retention period, the
// comments of responses older than the period and everything about the
// contacts who were neither invited nor answered within it (a response's
// age, for both, counts from when it was first given), with the
// code of EraseContact; scores stay. It also deletes audit entries older
// than the period, but never younger than auditMinKeepMonths, and, in
// every workspace, the copies purgeCopies purges. Each
// workspace's run that erased something writes an audit entry with its
// counts. Running it again erases nothing more. A workspace whose run
// fails is reported in the joined error after the others ran; runs holds
// what was erased all the same.
func (db *DB) ApplyRetention(ctx context.Context) ([]RetentionRun, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, retention_months FROM workspaces WHERE retention_months > 0 ORDER BY id`)
	type period struct {
		id     int64
		months int
	}
	list, err := collectOr(rows, err, func(r rowScanner) (period, error) {
		var p period
		return p, r.Scan(&p.id, &p.months)
	})
	if err != nil {
		return nil, fmt.Errorf("store: retention: %w", err)
	}
	var runs []RetentionRun
	// A workspace whose run fails does not hold up the others'.
	var errs []error
	for _, p := range list {
		run, err := db.retainWorkspace(ctx, p.id, p.months)
		if err != nil {
			errs = append(errs, fmt.Errorf("store: retention of workspace %d: %w", p.id, err))
		}
		if run.Contacts > 0 || run.Comments > 0 {
			runs = append(runs, run)
		}
	}
	now := db.now()
	if err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE workspace_id IS NULL AND at < $1`, now.Add(-auditKeep))
		return err
	}); err != nil {
		errs = append(errs, fmt.Errorf("store: retention of the audit log: %w", err))
	}
	if err := db.purgeCopies(ctx, now); err != nil {
		errs = append(errs, err)
	}
	return runs, errors.Join(errs...)
}

func (db *DB) retainWorkspace(ctx context.Context, workspaceID int64, months int) (RetentionRun, error) {
	run := RetentionRun{WorkspaceID: workspaceID}
	now := db.now()
	cutoff := now.AddDate(0, -months, 0)
	for range retentionBatches {
		var batch Erasure
		err := db.write(ctx, func(tx *sql.Tx) error {
			batch, run.More = Erasure{}, false
			old, err := queryIDs(ctx, tx, `SELECT r.id FROM responses r WHERE r.workspace_id = $1 AND r.created_at < $2
				AND (r.comment <> '' OR EXISTS (SELECT 1 FROM response_revisions v
					WHERE v.workspace_id = r.workspace_id AND v.response_id = r.id AND v.comment <> ''))
				ORDER BY r.id LIMIT `+fmt.Sprint(retentionResponses), []any{workspaceID, cutoff})
			if err != nil {
				return err
			}
			if batch.Comments, err = db.eraseResponses(ctx, tx, workspaceID, old); err != nil {
				return err
			}
			// eraseResponses counts comments; a response whose earlier
			// version alone had one counts too.
			batch.Comments = max(batch.Comments, len(old))
			quiet, err := queryIDs(ctx, tx, `SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND c.erased_at IS NULL
				AND c.created_at < $2
				AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.workspace_id = c.workspace_id AND i.contact_id = c.id AND i.created_at >= $2)
				AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.workspace_id = c.workspace_id AND r.contact_id = c.id AND r.created_at >= $2)
				ORDER BY c.id LIMIT `+fmt.Sprint(retentionContacts), []any{workspaceID, cutoff})
			if err != nil {
				return err
			}
			for _, id := range quiet {
				e, err := db.eraseContact(ctx, tx, workspaceID, id)
				if err != nil {
					return err
				}
				batch.Add(e)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE workspace_id = $1 AND at < $2`,
				workspaceID, minTime(cutoff, now.AddDate(0, -auditMinKeepMonths, 0))); err != nil {
				return err
			}
			if batch.Contacts == 0 && batch.Comments == 0 {
				return nil
			}
			run.More = len(old) == retentionResponses || len(quiet) == retentionContacts
			return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditRetentionRun, fmt.Sprintf("older than %d months", months),
				fmt.Sprintf("%s erased before %s", batch, cutoff.Format(time.DateOnly)))
		})
		if err != nil {
			return run, err
		}
		run.Add(batch)
		if !run.More {
			break
		}
	}
	return run, nil
}
