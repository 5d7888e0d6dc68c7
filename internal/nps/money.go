package nps

import (
	"errors"
	"fmt"
	"strings"
)

// Money is kept in int64 euro cents from import to sum; floating point
// enters only for shares, retention and values derived from them, which
// stay unrounded until they are shown.

// AccountCategory classifies an account from its histogram in a wave: the
// category of the mean score of its respondents, promoter when the mean
// is at least 9, passive when at least 7, detractor otherwise. The mean is
// compared as Σscore ≥ 9·n in integers, so a mean of exactly 9 or 7 can
// never fall on the wrong side by rounding.
func AccountCategory(h Histogram) (Category, error) {
	var n, sum int64
	for s, c := range h {
		if c < 0 {
			return Detractor, fieldError("histogram", "negative count %d for score %d", c, s)
		}
		n += c
		sum += int64(s) * c
	}
	switch {
	case n == 0:
		return Detractor, fmt.Errorf("nps: account category: %w", ErrNoResponses)
	case sum >= 9*n:
		return Promoter, nil
	case sum >= 7*n:
		return Passive, nil
	}
	return Detractor, nil
}

// AccountOutcome is one account's category in a wave and what became of
// it afterwards: its revenue in the next year and whether it left within
// the wave's follow-up window (the caller decides both; see
// insight.Outcomes).
type AccountOutcome struct {
	Category Category
	// Intent is the account's strongest switching answer in the wave:
	// yes > unsure > no > "" (StrongerIntent).
	Intent SwitchIntent
	// Revenue is the account's revenue in the measured year, in cents.
	Revenue int64
	// RevenueAfter is its revenue in the year after, in cents; 0 when it
	// churned and none was imported.
	RevenueAfter int64
	// HasAfter is true when RevenueAfter is known: the next year's revenue
	// was imported, or the account churned.
	HasAfter bool
	// Churned is true when the account left within the follow-up window.
	Churned bool
}

// StrongerIntent returns the stronger of two switching answers, yes >
// unsure > no > "", to reduce an account's respondents to one answer.
func StrongerIntent(a, b SwitchIntent) SwitchIntent {
	rank := func(i SwitchIntent) int {
		switch i {
		case SwitchYes:
			return 3
		case SwitchUnsure:
			return 2
		case SwitchNo:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// CategoryOutcome is what became of the accounts of one category.
type CategoryOutcome struct {
	Category Category
	// Accounts counts the accounts, Churned those that left.
	Accounts, Churned int64
	// ChurnRate is Churned/Accounts, with its 95 % Wilson interval
	// ChurnLow–ChurnHigh; all 0 when there are no accounts.
	ChurnRate, ChurnLow, ChurnHigh float64
	// Revenue and RevenueAfter are summed over the WithAfter accounts whose
	// next year is known, in cents.
	Revenue, RevenueAfter int64
	WithAfter             int64
	// Retention is RevenueAfter/Revenue, the net revenue retention of
	// those accounts; HasRetention is false (and Retention 0) when they
	// had no revenue.
	Retention    float64
	HasRetention bool
}

// Outcomes are the observed outcomes per category, promoters, passives
// and detractors in that order, and over all accounts (whose Category is
// left at its zero value).
type Outcomes struct {
	ByCategory [3]CategoryOutcome
	Total      CategoryOutcome
}

// ObserveOutcomes sums the outcomes of the accounts per category. It
// describes what happened to accounts of each category; it does not show
// that the category caused it. Accounts of no valid category are left out.
func ObserveOutcomes(accounts []AccountOutcome) Outcomes {
	var o Outcomes
	for i, c := range categoryOrder {
		o.ByCategory[i].Category = c
	}
	for _, a := range accounts {
		i, ok := categoryIndex(a.Category)
		if !ok {
			continue
		}
		o.ByCategory[i].add(a)
		o.Total.add(a)
	}
	for i := range o.ByCategory {
		o.ByCategory[i].finish()
	}
	o.Total.finish()
	return o
}

func (c *CategoryOutcome) add(a AccountOutcome) {
	c.Accounts++
	if a.Churned {
		c.Churned++
	}
	if a.HasAfter {
		c.WithAfter++
		c.Revenue += a.Revenue
		c.RevenueAfter += a.RevenueAfter
	}
}

func (c *CategoryOutcome) finish() {
	if c.Accounts > 0 {
		c.ChurnRate = share(c.Churned, c.Accounts)
		// Cannot fail: 0 ≤ Churned ≤ Accounts and the level is fixed.
		c.ChurnLow, c.ChurnHigh, _ = WilsonInterval(c.Churned, c.Accounts, DefaultConfidence)
	}
	if c.Revenue > 0 {
		c.Retention = float64(c.RevenueAfter) / float64(c.Revenue)
		c.HasRetention = true
	}
}

// RevenueAtRisk is the revenue of the accounts that show a risk of
// leaving: detractor accounts, and accounts whose respondents consider a
// competitor (intent yes or unsure). Amounts are cents.
type RevenueAtRisk struct {
	Detractor, Switching, Either                         int64
	DetractorAccounts, SwitchingAccounts, EitherAccounts int64
	// Total and Accounts are the revenue and number of all accounts;
	// Share is Either/Total, 0 when Total is not positive.
	Total, Accounts int64
	Share           float64
}

// AtRisk reports whether the account shows a risk of leaving: a detractor
// account, or one whose respondents consider a competitor.
func (o AccountOutcome) AtRisk() bool { return o.Category == Detractor || o.Intent.Considering() }

// AtRisk sums the revenue at risk. An account that is both a detractor and
// switching counts once in Either.
func AtRisk(accounts []AccountOutcome) RevenueAtRisk {
	var r RevenueAtRisk
	for _, a := range accounts {
		r.Accounts++
		r.Total += a.Revenue
		detractor := a.Category == Detractor
		switching := a.Intent.Considering()
		if detractor {
			r.DetractorAccounts++
			r.Detractor += a.Revenue
		}
		if switching {
			r.SwitchingAccounts++
			r.Switching += a.Revenue
		}
		if a.AtRisk() {
			r.EitherAccounts++
			r.Either += a.Revenue
		}
	}
	r.Share = share(r.Either, r.Total)
	return r
}

// MoveValue is the yearly value of moving the current accounts of one
// category one category up.
type MoveValue struct {
	From, To Category
	// Accounts and Revenue are the current accounts of From and their
	// revenue in cents.
	Accounts, Revenue int64
	// RetentionFrom and RetentionTo are the observed net revenue retention
	// of the two categories, from ObservedFrom and ObservedTo accounts.
	RetentionFrom, RetentionTo float64
	ObservedFrom, ObservedTo   int64
	// Value is Revenue × (RetentionTo − RetentionFrom) in cents per year,
	// unrounded; negative when the higher category kept less revenue.
	Value float64
	Steps []Step
}

// ErrNoRetention is returned when no observed revenue retention exists to
// value a move with.
var ErrNoRetention = errors.New("no observed revenue retention")

// ValueOfMoving values moving the current wave's detractor accounts to
// passive and its passive accounts to promoter: each group's revenue times
// the difference in observed retention between the two categories. A
// move is left out when either category has no observed retention; when
// both are left out the error wraps ErrNoRetention.
func ValueOfMoving(current []AccountOutcome, observed Outcomes) ([]MoveValue, error) {
	var accounts, revenue [3]int64
	for i, a := range current {
		idx, ok := categoryIndex(a.Category)
		if !ok {
			return nil, fieldError("accounts", "account %d: %v is not an NPS category", i, a.Category)
		}
		if a.Revenue < 0 {
			return nil, fieldError("accounts", "account %d: revenue %d must not be negative", i, a.Revenue)
		}
		accounts[idx]++
		revenue[idx] += a.Revenue
	}
	var moves []MoveValue
	var missing []string
	for _, m := range [][2]Category{{Detractor, Passive}, {Passive, Promoter}} {
		fi, _ := categoryIndex(m[0])
		ti, _ := categoryIndex(m[1])
		from, to := observed.ByCategory[fi], observed.ByCategory[ti]
		if !from.HasRetention || !to.HasRetention {
			missing = append(missing, m[0].String()+" → "+m[1].String())
			continue
		}
		mv := MoveValue{
			From: m[0], To: m[1], Accounts: accounts[fi], Revenue: revenue[fi],
			RetentionFrom: from.Retention, RetentionTo: to.Retention,
			ObservedFrom: from.WithAfter, ObservedTo: to.WithAfter,
		}
		gain := to.Retention - from.Retention
		mv.Value = float64(mv.Revenue) * gain
		rev := float64(mv.Revenue)
		mv.Steps = []Step{
			{
				Label:   fmt.Sprintf("Revenue of the current %s accounts", m[0]),
				Formula: fmt.Sprintf("%d accounts: %s", mv.Accounts, formatEUR(rev)),
				Low:     rev, High: rev, Unit: UnitCents,
			},
			{
				Label: fmt.Sprintf("Observed retention, %s minus %s", m[1], m[0]),
				Formula: fmt.Sprintf("%s (%d accounts) − %s (%d accounts) = %s",
					formatPercent(to.Retention), to.WithAfter, formatPercent(from.Retention), from.WithAfter, formatPercent(gain)),
				Low: gain, High: gain, Unit: UnitFraction,
			},
			{
				Label:   fmt.Sprintf("Value per year of moving them to %s", m[1]),
				Formula: fmt.Sprintf("%s × %s = %s", formatEUR(rev), formatPercent(gain), formatEUR(mv.Value)),
				Low:     mv.Value, High: mv.Value, Unit: UnitCents,
			},
		}
		moves = append(moves, mv)
	}
	if len(moves) == 0 {
		return nil, fmt.Errorf("nps: value of moving accounts up (%s): %w", strings.Join(missing, ", "), ErrNoRetention)
	}
	return moves, nil
}
