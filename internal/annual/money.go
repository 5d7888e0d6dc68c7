package annual

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/report"
	"github.com/promotor/promotor/internal/store"
)

// The report's financial impact and accounts at risk, computed as the
// value page computes them.

func (g *gatherer) money(ctx context.Context) error {
	m := &g.r.Money
	m.Currency = "EUR"
	current, err := g.outcomes(ctx, g.wave)
	if err != nil {
		return err
	}
	outcomes := outcomesOf(current)
	m.AtRisk = nps.AtRisk(outcomes)
	m.HasRevenue = m.AtRisk.Total > 0
	g.atRisk(current)
	now := g.db.Now()
	if insight.Observed(g.wave, now) {
		m.Observed, m.Outcomes = true, nps.ObserveOutcomes(outcomes)
	}
	if m.HasRevenue && !g.r.Score.Result.Empty() && g.r.Score.Result.NPS < 100 {
		// The churn rate is the one last observed: of the latest wave up
		// to this one whose follow-up year is over.
		in := nps.CalculatorInput{Revenue: m.AtRisk.Total, CurrentNPS: g.r.Score.Result.NPS,
			TargetNPS: math.Min(g.r.Score.Result.NPS+10, 100), Assumptions: nps.RulesOfThumb()}
		for _, w := range slices.Backward(g.waves) {
			if !w.OpensAt.After(g.wave.OpensAt) && insight.Observed(w, now) {
				observed, err := g.outcomes(ctx, w)
				if err != nil {
					return err
				}
				in.ChurnRate = nps.ObserveOutcomes(outcomesOf(observed)).Total.ChurnRate
				m.ChurnWave = w.Name
				break
			}
		}
		if m.Calculator, err = nps.Calculate(in); err != nil {
			return err
		}
		m.CalculatorInput, m.HasCalculator = in, true
	}
	if g.o.OwnerID != 0 {
		return nil
	}
	years, err := g.db.GrowthYears(ctx, g.ws.ID)
	if err != nil {
		return err
	}
	for _, y := range years {
		if y.Year == insight.Year(g.wave) && y.Prior > 0 {
			if m.Growth, err = insight.Growth(y); err != nil {
				return err
			}
			m.GrowthInput, m.HasGrowth = insight.GrowthInput(y), true
		}
	}
	return nil
}

// account is an account that answered in a wave with its outcome.
type account struct {
	year    store.AccountYear
	outcome nps.AccountOutcome
}

func (g *gatherer) outcomes(ctx context.Context, w nps.Wave) ([]account, error) {
	years, err := g.db.AccountYears(ctx, g.ws.ID, w.ID, insight.Year(w), g.o.OwnerID)
	if err != nil {
		return nil, err
	}
	out := make([]account, 0, len(years))
	for _, a := range years {
		if o, ok := insight.Outcome(a, w); ok {
			out = append(out, account{a, o})
		}
	}
	return out, nil
}

func outcomesOf(accounts []account) []nps.AccountOutcome {
	out := make([]nps.AccountOutcome, len(accounts))
	for i, a := range accounts {
		out[i] = a.outcome
	}
	return out
}

// atRisk lists the accounts at risk, the largest revenue first.
func (g *gatherer) atRisk(accounts []account) {
	var risky []account
	for _, a := range accounts {
		if a.outcome.Category == nps.Detractor || a.outcome.Intent.Considering() {
			risky = append(risky, a)
		}
	}
	slices.SortFunc(risky, func(x, y account) int {
		return cmp.Or(cmp.Compare(y.outcome.Revenue, x.outcome.Revenue), cmp.Compare(x.outcome.Category, y.outcome.Category),
			cmp.Compare(x.year.Name, y.year.Name), cmp.Compare(x.year.AccountID, y.year.AccountID))
	})
	for _, a := range risky[:min(len(risky), maxAtRisk)] {
		r := report.AccountRisk{Owner: g.ownerNames[a.year.OwnerID], Category: a.outcome.Category,
			Score: lowest(a.year.Histogram), Switching: a.outcome.Intent.Considering(), Revenue: a.outcome.Revenue}
		if !g.o.Anonymise {
			r.Account = a.year.Name
		}
		g.r.AtRisk = append(g.r.AtRisk, r)
	}
}

// lowest is the lowest score in h, -1 when it is empty.
func lowest(h nps.Histogram) int {
	for s, n := range h {
		if n > 0 {
			return s
		}
	}
	return -1
}
