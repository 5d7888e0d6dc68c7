package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/promotor/promotor/internal/nps"
)

// Planning and writing revenue per year: the rows of a revenue file, and
// the revenue column of an accounts file, which is also the revenue of
// its year (the revenue year column, else the calendar year of the
// import). As with UpsertAccountRevenue, an account's annual revenue
// becomes that of its latest year, stored or imported.

// plannedRevenue is a year of revenue to write; its account's ID is known
// once the accounts are written.
type plannedRevenue struct {
	account *nps.Account
	year    int
	cents   int64
}

func (p *importPlan) planRevenue(ctx context.Context) error {
	keys := newAccountKeys()
	for _, r := range p.rs.Revenues {
		keys.add(r.AccountExternalID, "")
	}
	if err := p.loadAccountRefs(ctx, keys); err != nil {
		return err
	}
	if err := p.loadRevenue(ctx); err != nil {
		return err
	}
	var touched []*nps.Account
	for _, r := range p.rs.Revenues {
		a := p.refs.byExt[r.AccountExternalID]
		if a == nil {
			p.reject(r.Line, "account_external_id", "there is no account with external id %q; import the accounts first", r.AccountExternalID)
			continue
		}
		if _, ok := p.plannedYears[a]; !ok {
			touched = append(touched, a)
		}
		p.planYear(a, r.Year, r.RevenueCents)
	}
	for _, a := range touched {
		cents, _ := latestRevenue(p.storedYears[a.ID], p.plannedYears[a])
		if cents != a.AnnualRevenueCents {
			a.AnnualRevenueCents, a.UpdatedAt = cents, p.now
			p.changedAccounts = append(p.changedAccounts, a)
		}
	}
	return nil
}

// loadRevenue reads the stored years of the accounts that p.refs found.
func (p *importPlan) loadRevenue(ctx context.Context) error {
	p.storedYears, p.plannedYears = map[int64]map[int]int64{}, map[*nps.Account]map[int]int64{}
	var ids []int64
	for _, a := range p.refs.byExt {
		ids = append(ids, a.ID)
	}
	for _, found := range p.refs.byName {
		for _, a := range found {
			ids = append(ids, a.ID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if p.apply {
		// Locked as UpsertAccountRevenue locks them, so that a concurrent
		// write of their years and this import do not each compute the
		// annual revenue without the other's years.
		if err := lockAccounts(ctx, p.q, p.dialect, p.workspaceID, ids); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(ids, maxKeysPerQuery) {
		rows, err := p.q.QueryContext(ctx, `SELECT account_id, year, revenue_cents FROM account_revenue
			WHERE workspace_id = $1 AND account_id IN (`+idList(chunk)+`)`, p.workspaceID)
		err = eachRow(rows, err, func(row rowScanner) error {
			var id, cents int64
			var year int
			if err := row.Scan(&id, &year, &cents); err != nil {
				return err
			}
			if p.storedYears[id] == nil {
				p.storedYears[id] = map[int]int64{}
			}
			p.storedYears[id][year] = cents
			return nil
		})
		if err != nil {
			return fmt.Errorf("find revenue: %w", err)
		}
	}
	return nil
}

// planYear plans the write of an account's revenue in a year, unless it
// is stored already.
func (p *importPlan) planYear(a *nps.Account, year int, cents int64) {
	if p.plannedYears[a] == nil {
		p.plannedYears[a] = map[int]int64{}
	}
	p.plannedYears[a][year] = cents
	switch old, ok := p.storedYears[a.ID][year]; {
	case ok && old == cents:
		p.report.Revenue.Unchanged++
		return
	case ok:
		p.report.Revenue.Update++
	default:
		p.report.Revenue.Create++
	}
	p.revenues = append(p.revenues, plannedRevenue{account: a, year: year, cents: cents})
}

// revenueYear is the year an accounts file's revenue is for.
func (p *importPlan) revenueYear(year int) int { return cmp.Or(year, p.now.Year()) }

// latestRevenue returns the revenue of the latest year of stored with
// planned laid over it; ok is false when both are empty.
func latestRevenue(stored, planned map[int]int64) (cents int64, ok bool) {
	latest := 0
	for _, years := range []map[int]int64{stored, planned} {
		for y, c := range years {
			if y >= latest { // a planned year replaces the stored one
				latest, cents, ok = y, c, true
			}
		}
	}
	return cents, ok
}

// writeRevenues writes the planned years, after the accounts they belong
// to.
func (p *importPlan) writeRevenues(ctx context.Context, q querier, step func(int)) error {
	rs := make([]nps.AccountRevenue, len(p.revenues))
	for i, r := range p.revenues {
		rs[i] = nps.AccountRevenue{AccountID: r.account.ID, Year: r.year, RevenueCents: r.cents}
	}
	if err := writeRevenue(ctx, q, p.dialect, p.workspaceID, p.now, rs); err != nil {
		return err
	}
	step(len(rs))
	return nil
}
