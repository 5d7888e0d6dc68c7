package nps

import (
	"errors"
	"testing"
)

func TestEarnedGrowth(t *testing.T) {
	tests := []struct {
		name                         string
		in                           GrowthInput
		nrr, enc, earned, rate, refd float64
		hasRefd                      bool
	}{
		{
			// EUR 10,000,000 last year; the same accounts bring 10,400,000 this
			// year: NRR 1.04. New accounts bring 1,000,000, of which 300,000 by
			// referral: ENC 300,000/10,000,000 = 0.03; earned growth 1.07 (+7 %);
			// 30 % of the new revenue was referred.
			name: "example",
			in:   GrowthInput{PriorRevenue: eur(10_000_000), RetainedRevenue: eur(10_400_000), NewRevenue: eur(1_000_000), ReferredRevenue: eur(300_000)},
			nrr:  1.04, enc: 0.03, earned: 1.07, rate: 0.07, refd: 0.3, hasRefd: true,
		},
		{
			// Bain's illustration: revenue 100 → 130, NRR 85 %, new customers
			// 45 %, of which 25 % earned: earned growth 110 %, a rate of 10 %;
			// 25/45 = 0.555556 of the new revenue was earned.
			name: "bain",
			in:   GrowthInput{PriorRevenue: 100, RetainedRevenue: 85, NewRevenue: 45, ReferredRevenue: 25},
			nrr:  0.85, enc: 0.25, earned: 1.10, rate: 0.10, refd: 25.0 / 45, hasRefd: true,
		},
		{
			// No new accounts: no referred share to show. All churned: NRR 0.
			name: "no new revenue",
			in:   GrowthInput{PriorRevenue: 500, RetainedRevenue: 0},
			rate: -1,
		},
	}
	for _, tc := range tests {
		g, err := EarnedGrowth(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !near(g.NRR, tc.nrr) || !near(g.ENC, tc.enc) || !near(g.EarnedGrowth, tc.earned) || !near(g.Rate, tc.rate) ||
			!near(g.ReferredShare, tc.refd) || g.HasReferredShare != tc.hasRefd {
			t.Errorf("%s: EarnedGrowth(%+v) = %+v; want NRR %v, ENC %v, earned %v, rate %v, referred %v (%v)",
				tc.name, tc.in, g, tc.nrr, tc.enc, tc.earned, tc.rate, tc.refd, tc.hasRefd)
		}
	}
}

func TestEarnedGrowthSteps(t *testing.T) {
	g, _ := EarnedGrowth(GrowthInput{PriorRevenue: eur(10_000_000), RetainedRevenue: eur(10_400_000), NewRevenue: eur(1_000_000), ReferredRevenue: eur(300_000)})
	want := []string{
		"EUR 10,400,000 / EUR 10,000,000 = 104 %",
		"EUR 300,000 / EUR 10,000,000 = 3 %",
		"104 % + 3 % = 107 %",
		"EUR 300,000 / EUR 1,000,000 = 30 %",
	}
	if len(g.Steps) != len(want) {
		t.Fatalf("got %d steps, want %d: %+v", len(g.Steps), len(want), g.Steps)
	}
	for i, s := range g.Steps {
		if s.Formula != want[i] || s.Unit != UnitFraction || s.Low != s.High {
			t.Errorf("step %d: got %+v, want formula %q in fractions", i, s, want[i])
		}
	}
	g, _ = EarnedGrowth(GrowthInput{PriorRevenue: 500})
	if len(g.Steps) != 3 {
		t.Errorf("no new revenue: got %d steps, want 3 (no referred share)", len(g.Steps))
	}
}

func TestEarnedGrowthErrors(t *testing.T) {
	tests := []struct {
		in    GrowthInput
		field string
	}{
		{GrowthInput{PriorRevenue: 0, RetainedRevenue: 1}, "prior_revenue"},
		{GrowthInput{PriorRevenue: -5}, "prior_revenue"},
		{GrowthInput{PriorRevenue: 1, RetainedRevenue: -1}, "retained_revenue"},
		{GrowthInput{PriorRevenue: 1, NewRevenue: -1}, "new_revenue"},
		{GrowthInput{PriorRevenue: 1, ReferredRevenue: -1}, "referred_revenue"},
		{GrowthInput{PriorRevenue: 1, NewRevenue: 10, ReferredRevenue: 11}, "referred_revenue"},
	}
	for _, tc := range tests {
		_, err := EarnedGrowth(tc.in)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("EarnedGrowth(%+v): got %v, want a *ValidationError on %q", tc.in, err, tc.field)
		}
	}
}
