package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Revenue per account and calendar year (account_revenue), from which
// churn and revenue retention by NPS category follow. Every write here
// leaves an account's annual_revenue_cents equal to the revenue of its
// latest stored year, so that the revenue-weighted NPS and the history
// agree.

// UpsertAccountRevenue stores the revenue of each account and year of rs,
// replacing what is stored for that year, all or nothing in one
// transaction. Each account must be the workspace's (else
// nps.ErrNotFound); a year given twice for one account is a validation
// error. Afterwards each account named has as its annual revenue that of
// its latest stored year.
func (db *DB) UpsertAccountRevenue(ctx context.Context, workspaceID int64, rs []nps.AccountRevenue) error {
	if err := checkRevenue(rs); err != nil {
		return fmt.Errorf("store: upsert account revenue: %w", err)
	}
	if len(rs) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.AccountID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	now := db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := lockAccounts(ctx, tx, db.dialect, workspaceID, ids); err != nil {
			return err
		}
		if err := writeRevenue(ctx, db.hot(tx), db.dialect, workspaceID, now, rs); err != nil {
			return err
		}
		return syncAnnualRevenue(ctx, tx, workspaceID, now, ids)
	})
	if err != nil {
		return fmt.Errorf("store: upsert account revenue: %w", err)
	}
	return nil
}

// checkRevenue validates rs and refuses a year given twice for an
// account, which one statement could not write twice.
func checkRevenue(rs []nps.AccountRevenue) error {
	type key struct {
		account int64
		year    int
	}
	seen := make(map[key]bool, len(rs))
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			return err
		}
		k := key{r.AccountID, r.Year}
		if seen[k] {
			return &nps.ValidationError{Field: "year", Message: fmt.Sprintf("%d is given twice for account %d", r.Year, r.AccountID)}
		}
		seen[k] = true
	}
	return nil
}

// lockAccounts checks that the accounts (sorted IDs) are the workspace's
// and, on PostgreSQL, locks them, so that of two concurrent writes of
// an account's years the second computes the annual revenue from the
// first's rows as well.
func lockAccounts(ctx context.Context, tx querier, d Dialect, workspaceID int64, ids []int64) error {
	found := make(map[int64]bool, len(ids))
	for chunk := range slices.Chunk(ids, maxKeysPerQuery) {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM accounts WHERE workspace_id = $1 AND id IN (`+idList(chunk)+`)
			ORDER BY id`+d.forUpdate(), workspaceID)
		err = eachRow(rows, err, func(row rowScanner) error {
			var id int64
			err := row.Scan(&id)
			found[id] = true
			return err
		})
		if err != nil {
			return fmt.Errorf("find accounts: %w", err)
		}
	}
	for _, id := range ids {
		if !found[id] {
			return fmt.Errorf("account %d: %w", id, nps.ErrNotFound)
		}
	}
	return nil
}

// revenueUpserts hold the upsert of n rows for each n of bulkGroups, per
// dialect: a few fixed statements, which the import's querier prepares
// once. SQLite's driver looks up each numbered parameter in a list, which
// grows quadratic with hundreds of them (bulk.go), so its rows take
// anonymous ones and repeat the workspace and the time. A year whose
// revenue is unchanged keeps its updated_at.
var revenueUpserts = map[Dialect]map[int]string{SQLite: {}, Postgres: {}}

func init() {
	for _, n := range bulkGroups {
		lite, pg := make([]string, n), make([]string, n)
		for i := range n {
			k := 3 + 3*i
			lite[i] = "(?, ?, ?, ?, ?)"
			pg[i] = "($1, $" + strconv.Itoa(k) + ", $" + strconv.Itoa(k+1) + ", $" + strconv.Itoa(k+2) + ", $2)"
		}
		for d, rows := range map[Dialect][]string{SQLite: lite, Postgres: pg} {
			revenueUpserts[d][n] = `INSERT INTO account_revenue (workspace_id, account_id, year, revenue_cents, updated_at) VALUES ` +
				strings.Join(rows, ", ") + `
				ON CONFLICT (workspace_id, account_id, year) DO UPDATE SET
					revenue_cents = excluded.revenue_cents, updated_at = excluded.updated_at
				WHERE account_revenue.revenue_cents <> excluded.revenue_cents`
		}
	}
}

// writeRevenue upserts rs, whose accounts are the workspace's and whose
// account and year pairs are distinct.
func writeRevenue(ctx context.Context, q querier, d Dialect, workspaceID int64, now time.Time, rs []nps.AccountRevenue) error {
	for len(rs) > 0 {
		n := 1
		for _, g := range bulkGroups {
			if g <= len(rs) {
				n = g
				break
			}
		}
		var args []any
		if d == Postgres {
			args = append(make([]any, 0, 2+3*n), workspaceID, now)
			for _, r := range rs[:n] {
				args = append(args, r.AccountID, r.Year, r.RevenueCents)
			}
		} else {
			args = make([]any, 0, 5*n)
			for _, r := range rs[:n] {
				args = append(args, workspaceID, r.AccountID, r.Year, r.RevenueCents, now)
			}
		}
		if _, err := q.ExecContext(ctx, revenueUpserts[d][n], args...); err != nil {
			return fmt.Errorf("write revenue: %w", err)
		}
		rs = rs[n:]
	}
	return nil
}

// latestRevenueSQL is the revenue of an account's latest stored year, in an
// UPDATE of accounts.
const latestRevenueSQL = `(SELECT r.revenue_cents FROM account_revenue r
	WHERE r.workspace_id = accounts.workspace_id AND r.account_id = accounts.id ORDER BY r.year DESC LIMIT 1)`

// syncAnnualRevenue sets the annual revenue of the accounts to that of
// their latest stored year, where it differs; an account without stored
// years keeps its own.
func syncAnnualRevenue(ctx context.Context, q querier, workspaceID int64, now time.Time, ids []int64) error {
	for chunk := range slices.Chunk(ids, maxKeysPerQuery) {
		_, err := q.ExecContext(ctx, `UPDATE accounts SET annual_revenue_cents = `+latestRevenueSQL+`, updated_at = $2
			WHERE workspace_id = $1 AND id IN (`+idList(chunk)+`) AND annual_revenue_cents <> `+latestRevenueSQL, workspaceID, now)
		if err != nil {
			return fmt.Errorf("update annual revenue: %w", err)
		}
	}
	return nil
}

// AccountRevenue returns the stored years of revenue of the workspace's
// account, newest first; none when nothing is stored.
func (db *DB) AccountRevenue(ctx context.Context, workspaceID, accountID int64) ([]nps.AccountRevenue, error) {
	// One query: the account's row alone, with NULLs, when it has no
	// years, and no row when it is not the workspace's.
	rows, err := db.read.QueryContext(ctx, `SELECT r.year, r.revenue_cents FROM accounts a
		LEFT JOIN account_revenue r ON r.workspace_id = a.workspace_id AND r.account_id = a.id
		WHERE a.workspace_id = $1 AND a.id = $2 ORDER BY r.year DESC`, workspaceID, accountID)
	found := false
	var out []nps.AccountRevenue
	err = eachRow(rows, err, func(row rowScanner) error {
		var year, cents sql.NullInt64
		if err := row.Scan(&year, &cents); err != nil {
			return err
		}
		found = true
		if year.Valid {
			out = append(out, nps.AccountRevenue{AccountID: accountID, Year: int(year.Int64), RevenueCents: cents.Int64})
		}
		return nil
	})
	if err == nil && !found {
		err = fmt.Errorf("account %d: %w", accountID, nps.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: account revenue: %w", err)
	}
	return out, nil
}
