package insight

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Impact returns the impact of every theme mentioned in the wave, ranked
// most harmful first.
func Impact(w store.WaveInsight, o nps.Options) ([]nps.ThemeImpact, error) {
	out := make([]nps.ThemeImpact, 0, len(w.Themes))
	for key, h := range w.Themes {
		ti, err := nps.ThemeEffect(w.All, w.Commented, h, o)
		if err != nil {
			return nil, err
		}
		ti.Key = key
		out = append(out, ti)
	}
	nps.RankThemes(out)
	return out, nil
}

// FollowUp is the window in which an account that answered in a wave is
// watched: from the wave's opening until 12 months after it closed (after
// it opened, for a wave that has not closed). The money figures count an
// account as churned when it left within it.
func FollowUp(w nps.Wave) (from, until time.Time) {
	end := w.ClosesAt
	if end.IsZero() {
		end = w.OpensAt
	}
	return w.OpensAt, end.AddDate(1, 0, 0)
}

// Year is the calendar year whose revenue a wave's answers are set
// against: the year it opened. Its follow-up year is the next one.
func Year(w nps.Wave) int { return w.OpensAt.Year() }

// Observed reports whether a wave's follow-up window has passed at now,
// so that what became of its accounts can be read.
func Observed(w nps.Wave, now time.Time) bool {
	_, until := FollowUp(w)
	return !until.After(now)
}

// Accounts turns the accounts that answered in wave w into the outcomes
// the money figures take. An account that had left before the wave opened
// is left out; one whose wave histogram is empty too. Revenue is the
// imported revenue of the wave's year, or the current annual revenue when
// that year was not imported (enough for the revenue at risk, not for
// retention: only accounts with both years, or that churned, have a known
// revenue after).
func Accounts(years []store.AccountYear, w nps.Wave) []Account {
	out := make([]Account, 0, len(years))
	for _, a := range years {
		if o, ok := Outcome(a, w); ok {
			out = append(out, Account{a, o})
		}
	}
	return out
}

// Account is an account that answered in a wave, with its outcome.
type Account struct {
	Account store.AccountYear
	Outcome nps.AccountOutcome
}

// ReadAccounts reads the accounts that answered in wave w (those ownerID
// owns, when set) and returns them as Accounts does, with their outcomes.
func ReadAccounts(ctx context.Context, db *store.DB, workspaceID int64, w nps.Wave, ownerID int64) ([]Account, error) {
	years, err := db.AccountYears(ctx, workspaceID, w.ID, Year(w), ownerID)
	if err != nil {
		return nil, err
	}
	return Accounts(years, w), nil
}

// OutcomesOf returns the accounts' outcomes.
func OutcomesOf(accounts []Account) []nps.AccountOutcome {
	out := make([]nps.AccountOutcome, len(accounts))
	for i, a := range accounts {
		out[i] = a.Outcome
	}
	return out
}

// TopAtRisk returns the n accounts at risk (nps.AccountOutcome.AtRisk)
// with the most revenue, by name and then ID on equal revenue.
func TopAtRisk(accounts []Account, n int) []Account {
	var out []Account
	for _, a := range accounts {
		if a.Outcome.AtRisk() {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(x, y Account) int {
		return cmp.Or(cmp.Compare(y.Outcome.Revenue, x.Outcome.Revenue), cmp.Compare(x.Account.Name, y.Account.Name),
			cmp.Compare(x.Account.AccountID, y.Account.AccountID))
	})
	return out[:min(n, len(out))]
}

// Outcome is the outcome of one account of wave w, as Accounts makes it;
// false for an account that Accounts leaves out.
func Outcome(a store.AccountYear, w nps.Wave) (nps.AccountOutcome, bool) {
	c, err := nps.AccountCategory(a.Histogram)
	if err != nil {
		return nps.AccountOutcome{}, false
	}
	from, until := FollowUp(w)
	churned := a.Status == nps.AccountChurned && !a.ChurnedAt.IsZero()
	if churned && a.ChurnedAt.Before(from) {
		return nps.AccountOutcome{}, false
	}
	o := nps.AccountOutcome{Category: c, Intent: a.Intent, Revenue: a.Revenue,
		Churned: churned && a.ChurnedAt.Before(until)}
	if a.HasRevenueYear {
		o.Revenue = a.RevenueYear
		o.RevenueAfter = a.RevenueNext
		o.HasAfter = a.HasRevenueNext || o.Churned
	}
	return o, true
}

// Growth returns the earned growth of one year's revenue.
func Growth(g store.GrowthYear) (nps.Growth, error) { return nps.EarnedGrowth(GrowthInput(g)) }

// GrowthInput is the revenue of a year as earned growth takes it.
func GrowthInput(g store.GrowthYear) nps.GrowthInput {
	return nps.GrowthInput{PriorRevenue: g.Prior, RetainedRevenue: g.Retained, NewRevenue: g.New, ReferredRevenue: g.Referred}
}
