package web

import (
	"fmt"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The steps of the money figures in the page's language. nps writes each
// step with an English label and formula for the command line; a page
// writes its own from the same numbers, its label by the step's place
// (nps fixes the order, and TestValueStepOrder holds it to it), and
// takes each step's result from nps.

// stepResult shows a step's result: an amount or a share, a range when
// its ends differ.
func (v valueNumbers) stepResult(st nps.Step) string {
	if st.Unit == nps.UnitFraction {
		if st.Low == st.High {
			return v.FormulaPct(st.Low)
		}
		return v.FormulaPctRange(st.Low, st.High)
	}
	return v.EURRange(st.Low, st.High)
}

// stepCount checks that nps gave the number of steps a page writes.
func stepCount(what string, steps []nps.Step, want int) error {
	if len(steps) != want {
		return fmt.Errorf("web: %s has %d steps, want %d", what, len(steps), want)
	}
	return nil
}

// moveSteps writes the three steps of a move: the revenue of the current
// accounts, the gain in retention, and their product.
func (p valuePage) moveSteps(m nps.MoveValue) ([]valueStep, error) {
	if err := stepCount("the value of moving accounts up", m.Steps, 3); err != nil {
		return nil, err
	}
	from, to := p.T("value.cat."+m.From.String()), p.T("value.cat."+m.To.String())
	revenue, gain := float64(m.Revenue), m.RetentionTo-m.RetentionFrom
	return []valueStep{
		{p.T("value.step.move_revenue", "from", from),
			p.Accounts(m.Accounts) + ": " + p.EURAmount(revenue),
			p.stepResult(m.Steps[0])},
		{p.T("value.step.move_retention", "from", from, "to", to),
			p.FormulaPct(m.RetentionTo) + " (" + p.Accounts(m.ObservedTo) + ") − " + p.FormulaPct(m.RetentionFrom) + " (" + p.Accounts(m.ObservedFrom) + ") = " + p.FormulaPct(gain),
			p.stepResult(m.Steps[1])},
		{p.T("value.step.move_value", "to", to),
			p.EURAmount(revenue) + " × " + p.FormulaPct(gain) + " = " + p.EURAmount(m.Value),
			p.stepResult(m.Steps[2])},
	}, nil
}

// growthSteps writes the steps of a year's earned growth: retention,
// earned new customers, their sum, and the referred share of new revenue
// when there was new revenue.
func (p valuePage) growthSteps(y store.GrowthYear, g nps.Growth) ([]valueStep, error) {
	want := 3
	if g.HasReferredShare {
		want = 4
	}
	if err := stepCount("earned growth", g.Steps, want); err != nil {
		return nil, err
	}
	prior, retained, referred := float64(y.Prior), float64(y.Retained), float64(y.Referred)
	steps := []valueStep{
		{p.T("value.step.nrr"), p.EURAmount(retained) + " / " + p.EURAmount(prior) + " = " + p.FormulaPct(g.NRR), p.stepResult(g.Steps[0])},
		{p.T("value.step.enc"), p.EURAmount(referred) + " / " + p.EURAmount(prior) + " = " + p.FormulaPct(g.ENC), p.stepResult(g.Steps[1])},
		{p.T("value.step.earned"), p.FormulaPct(g.NRR) + " + " + p.FormulaPct(g.ENC) + " = " + p.FormulaPct(g.EarnedGrowth), p.stepResult(g.Steps[2])},
	}
	if g.HasReferredShare {
		steps = append(steps, valueStep{p.T("value.step.referred_share"),
			p.EURAmount(referred) + " / " + p.EURAmount(float64(y.New)) + " = " + p.FormulaPct(g.ReferredShare), p.stepResult(g.Steps[3])})
	}
	return steps, nil
}

// calculatorSteps writes the four steps of the calculator: less churn,
// more business with existing customers, lower marketing cost and the
// total.
func (p valueCalcPage) calculatorSteps(in nps.CalculatorInput, res nps.CalculatorResult) ([]valueStep, error) {
	if err := stepCount("the impact calculator", res.Steps, 4); err != nil {
		return nil, err
	}
	a, scale := in.Assumptions, res.Scale
	revenue, budget := float64(in.Revenue), float64(in.MarketingBudget)
	churn, existing, marketing, total := res.Steps[0], res.Steps[1], res.Steps[2], res.Steps[3]
	churnRange := p.EURRange(churn.Low, churn.High)
	existingRange := p.EURRange(existing.Low, existing.High)
	marketingRange := p.EURRange(marketing.Low, marketing.High)
	return []valueStep{
		{p.T("value.step.churn"),
			p.EURAmount(revenue) + " × " + p.FormulaPct(in.ChurnRate) + " " + p.T("value.formula.churn") + " × " + p.ReductionTerm(a.ChurnLow, a.ChurnHigh, scale) + " = " + churnRange,
			p.stepResult(churn)},
		{p.T("value.step.existing"),
			p.EURAmount(revenue) + " × " + p.FormulaPctRange(a.ExistingLow, a.ExistingHigh) + " × " + p.Factor(scale) + " = " + existingRange,
			p.stepResult(existing)},
		{p.T("value.step.marketing"),
			p.EURAmount(budget) + " × " + p.ReductionTerm(a.MarketingLow, a.MarketingHigh, scale) + " = " + marketingRange,
			p.stepResult(marketing)},
		{p.T("value.step.total"),
			churnRange + " + " + existingRange + " + " + marketingRange + " = " + p.EURRange(total.Low, total.High),
			p.stepResult(total)},
	}, nil
}
