package annual

import (
	"context"
	"math"
	"slices"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/report"
)

// The report's financial impact and accounts at risk, computed as the
// value page computes them.

func (g *gatherer) money(ctx context.Context) error {
	m := &g.r.Money
	m.Currency = "EUR"
	current, err := insight.ReadAccounts(ctx, g.db, g.ws.ID, g.wave, g.o.OwnerID)
	if err != nil {
		return err
	}
	outcomes := insight.OutcomesOf(current)
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
				observed, err := insight.ReadAccounts(ctx, g.db, g.ws.ID, w, g.o.OwnerID)
				if err != nil {
					return err
				}
				in.ChurnRate = nps.ObserveOutcomes(insight.OutcomesOf(observed)).Total.ChurnRate
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

// atRisk lists the accounts at risk, the largest revenue first, as the
// value page does.
func (g *gatherer) atRisk(accounts []insight.Account) {
	for _, a := range insight.TopAtRisk(accounts, maxAtRisk) {
		r := report.AccountRisk{Owner: g.ownerNames[a.Account.OwnerID], Category: a.Outcome.Category,
			Score: lowest(a.Account.Histogram), Switching: a.Outcome.Intent.Considering(), Revenue: a.Outcome.Revenue}
		if !g.o.Anonymise {
			r.Account = a.Account.Name
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
