package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/promotor/promotor/internal/nps"
)

// AccountFilter selects accounts; its zero value selects all of a
// workspace's accounts.
type AccountFilter struct {
	// OwnerID keeps the accounts of one owner, as a member sees them.
	OwnerID int64
	// Status keeps active or churned accounts.
	Status nps.AccountStatus
	// Limit caps the number of accounts (0: no cap); Offset skips the
	// first ones, in the order of name.
	Limit, Offset int
}

const accountColumns = `id, workspace_id, external_id, name, owner_id, industry, region, size,
	attributes, annual_revenue_cents, status, churned_at, created_at, updated_at`

func scanAccount(row rowScanner) (nps.Account, error) { return scanAccountWith(row, nil) }

// scanAccountWith scans a row of first, then accountColumns.
func scanAccountWith(row rowScanner, first []any) (nps.Account, error) {
	var a nps.Account
	err := row.Scan(append(first, &a.ID, &a.WorkspaceID, &a.ExternalID, &a.Name, idCol{&a.OwnerID},
		&a.Industry, &a.Region, &a.Size, jsonCol{&a.Attributes}, &a.AnnualRevenueCents,
		&a.Status, timeCol{&a.ChurnedAt}, timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt})...)
	if len(a.Attributes) == 0 {
		a.Attributes = nil
	}
	return a, err
}

// prepareAccount validates a and brings it to its stored form.
func (db *DB) prepareAccount(workspaceID int64, a nps.Account) (nps.Account, error) {
	a.WorkspaceID = workspaceID
	if a.Status == "" {
		a.Status = nps.AccountActive
	}
	a.ChurnedAt = normTime(a.ChurnedAt)
	if len(a.Attributes) == 0 {
		a.Attributes = nil
	}
	a.UpdatedAt = db.now()
	a.CreatedAt = a.UpdatedAt
	return a, a.Validate()
}

// CreateAccount stores a new account in the workspace and returns it with
// its ID. An empty status means active. A taken external ID is
// nps.ErrConflict; an owner who is not a member is nps.ErrNotFound.
func (db *DB) CreateAccount(ctx context.Context, workspaceID int64, a nps.Account) (nps.Account, error) {
	a, err := db.prepareAccount(workspaceID, a)
	if err != nil {
		return nps.Account{}, fmt.Errorf("store: create account: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		return writeAccount(ctx, tx, &a, "")
	})
	if err != nil {
		return nps.Account{}, fmt.Errorf("store: create account: %w", err)
	}
	return a, nil
}

// UpsertAccount creates the account with a's external ID, or replaces
// every field of the one that exists, keeping its ID and creation time.
func (db *DB) UpsertAccount(ctx context.Context, workspaceID int64, a nps.Account) (nps.Account, error) {
	a, err := db.prepareAccount(workspaceID, a)
	if err == nil && a.ExternalID == "" {
		err = &nps.ValidationError{Field: "external_id", Message: "is required to update an account by it"}
	}
	if err != nil {
		return nps.Account{}, fmt.Errorf("store: upsert account: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		return writeAccount(ctx, tx, &a, `
			ON CONFLICT (workspace_id, external_id) WHERE external_id <> '' DO UPDATE SET
				name = excluded.name, owner_id = excluded.owner_id,
				industry = excluded.industry, region = excluded.region, size = excluded.size,
				attributes = excluded.attributes, annual_revenue_cents = excluded.annual_revenue_cents,
				status = excluded.status, churned_at = excluded.churned_at, updated_at = excluded.updated_at`)
	})
	if err != nil {
		return nps.Account{}, fmt.Errorf("store: upsert account: %w", err)
	}
	return a, nil
}

// writeAccount inserts a, with onConflict appended to the INSERT, and sets
// its ID and creation time from the stored row.
func writeAccount(ctx context.Context, tx *sql.Tx, a *nps.Account, onConflict string) error {
	if a.OwnerID != 0 {
		if _, err := membership(ctx, tx, a.WorkspaceID, a.OwnerID); err != nil {
			return fmt.Errorf("owner: %w", err)
		}
	}
	attrs, err := jsonArg(a.Attributes)
	if err != nil {
		return err
	}
	if a.Attributes == nil {
		attrs = "{}"
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO accounts (workspace_id, external_id, name, owner_id, industry, region, size,
			attributes, annual_revenue_cents, status, churned_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`+onConflict+`
		RETURNING id, created_at`,
		a.WorkspaceID, a.ExternalID, a.Name, nullID(a.OwnerID), a.Industry, a.Region, a.Size,
		attrs, a.AnnualRevenueCents, a.Status, nullTime(a.ChurnedAt), a.UpdatedAt,
	).Scan(&a.ID, timeCol{&a.CreatedAt})
	return conflict(err, "an account with external id "+strconv.Quote(a.ExternalID))
}

// Account returns the workspace's account with the given ID.
func (db *DB) Account(ctx context.Context, workspaceID, id int64) (nps.Account, error) {
	a, err := account(ctx, db.read, workspaceID, id)
	if err != nil {
		return nps.Account{}, fmt.Errorf("store: %w", err)
	}
	return a, nil
}

func account(ctx context.Context, q querier, workspaceID, id int64) (nps.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return a, notFound(err, "account", id)
}

// Accounts returns the workspace's accounts that f selects, by name.
func (db *DB) Accounts(ctx context.Context, workspaceID int64, f AccountFilter) ([]nps.Account, error) {
	var w where
	w.and("workspace_id = " + w.arg(workspaceID))
	if f.OwnerID != 0 {
		w.and("owner_id = " + w.arg(f.OwnerID))
	}
	if f.Status != "" {
		w.and("status = " + w.arg(f.Status))
	}
	query := `SELECT ` + accountColumns + ` FROM accounts` + w.String() + ` ORDER BY name, id`
	if f.Limit > 0 {
		query += " LIMIT " + w.arg(f.Limit) + " OFFSET " + w.arg(max(f.Offset, 0))
	}
	rows, err := db.read.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	accounts, err := collect(rows, scanAccount)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	return accounts, nil
}
