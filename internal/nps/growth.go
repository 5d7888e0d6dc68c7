package nps

import "fmt"

// GrowthInput is the revenue, in cents, behind earned growth.
type GrowthInput struct {
	// PriorRevenue is the revenue in year Y−1 of the accounts active in Y−1.
	PriorRevenue int64
	// RetainedRevenue is the revenue in year Y of those same accounts, 0
	// for those that churned.
	RetainedRevenue int64
	// NewRevenue is the revenue in year Y of the accounts new in Y.
	NewRevenue int64
	// ReferredRevenue is the part of NewRevenue from accounts that came by
	// referral.
	ReferredRevenue int64
}

// Growth is earned growth as Bain defines it for "Net Promoter 3.0": the
// growth a company earns from customers who stay and spend more, and from
// the customers they bring, as opposed to growth bought with marketing
// and sales.
type Growth struct {
	// NRR is net revenue retention, Retained/Prior; ENC is earned new
	// customers, Referred/Prior; EarnedGrowth is NRR + ENC, all fractions
	// (1.04 + 0.03 = 1.07). Rate is EarnedGrowth − 1, Bain's earned growth
	// rate (+7 %).
	NRR, ENC, EarnedGrowth, Rate float64
	// ReferredShare is Referred/New, the share of new revenue that came
	// by referral; HasReferredShare is false (and the share 0) when there
	// was no new revenue.
	ReferredShare    float64
	HasReferredShare bool
	Steps            []Step
}

// EarnedGrowth computes earned growth from a year's revenue.
func EarnedGrowth(in GrowthInput) (Growth, error) {
	switch {
	case in.PriorRevenue <= 0:
		return Growth{}, fieldError("prior_revenue", "%d must be positive: growth is relative to last year's revenue", in.PriorRevenue)
	case in.RetainedRevenue < 0:
		return Growth{}, fieldError("retained_revenue", "%d must not be negative", in.RetainedRevenue)
	case in.NewRevenue < 0:
		return Growth{}, fieldError("new_revenue", "%d must not be negative", in.NewRevenue)
	case in.ReferredRevenue < 0:
		return Growth{}, fieldError("referred_revenue", "%d must not be negative", in.ReferredRevenue)
	case in.ReferredRevenue > in.NewRevenue:
		return Growth{}, fieldError("referred_revenue", "%d must not exceed the new revenue %d it is part of", in.ReferredRevenue, in.NewRevenue)
	}
	prior, retained, referred := float64(in.PriorRevenue), float64(in.RetainedRevenue), float64(in.ReferredRevenue)
	g := Growth{NRR: retained / prior, ENC: referred / prior}
	g.EarnedGrowth = g.NRR + g.ENC
	g.Rate = g.EarnedGrowth - 1
	g.Steps = []Step{
		fractionStep("Net revenue retention", fmt.Sprintf("%s / %s = %s", formatEUR(retained), formatEUR(prior), formatPercent(g.NRR)), g.NRR),
		fractionStep("Earned new customers", fmt.Sprintf("%s / %s = %s", formatEUR(referred), formatEUR(prior), formatPercent(g.ENC)), g.ENC),
		fractionStep("Earned growth", fmt.Sprintf("%s + %s = %s", formatPercent(g.NRR), formatPercent(g.ENC), formatPercent(g.EarnedGrowth)), g.EarnedGrowth),
	}
	if in.NewRevenue > 0 {
		g.ReferredShare = referred / float64(in.NewRevenue)
		g.HasReferredShare = true
		g.Steps = append(g.Steps, fractionStep("Share of new revenue by referral",
			fmt.Sprintf("%s / %s = %s", formatEUR(referred), formatEUR(float64(in.NewRevenue)), formatPercent(g.ReferredShare)), g.ReferredShare))
	}
	return g, nil
}

func fractionStep(label, formula string, v float64) Step {
	return Step{Label: label, Formula: formula, Low: v, High: v, Unit: UnitFraction}
}
