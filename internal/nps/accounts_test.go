package nps

import (
	"math"
	"testing"
)

// Account A: one promoter (10). Account B: three detractors (0, 0, 0).
var abAccounts = []Histogram{{10: 1}, {0: 3}}

func TestAccountWeighted(t *testing.T) {
	// Respondent NPS: (1 − 3)/4 = −50. Account-weighted: A's response
	// weighs 1, B's three weigh 1/3 each, so promoters and detractors
	// each hold half the weight: NPS 0. Kish: (Σw)²/Σw² = 2²/(1 + 3/9) = 3.
	r, err := AccountWeighted(abAccounts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 4 || r.Promoters != 1 || r.Detractors != 3 {
		t.Errorf("counts = %d/%d/%d, want the plain counts 4/1/3", r.N, r.Promoters, r.Detractors)
	}
	if !near(r.NPS, 0) || !near(r.EffectiveN, 3) || !near(r.PromoterShare, 0.5) {
		t.Errorf("NPS %v, effective n %v, promoter share %v; want 0, 3, 0.5", r.NPS, r.EffectiveN, r.PromoterShare)
	}
	if !r.Uncertain() {
		t.Error("3 effective responses must be flagged as uncertain")
	}
}

func TestRevenueWeighted(t *testing.T) {
	// A earns 300, B 100: promoters hold 300/400 of the weight, detractors
	// 100/400: NPS +50. Σw² = 300² + 3·(100/3)² = 93,333.3…, so the
	// effective n is 400²/93,333.3… = 12/7.
	r, err := RevenueWeighted(abAccounts, []float64{300, 100}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.NPS, 50) || !near(r.EffectiveN, 12.0/7) {
		t.Errorf("NPS %v, effective n %v; want 50 and 12/7", r.NPS, r.EffectiveN)
	}
	// An account without revenue weighs nothing.
	r, err = RevenueWeighted(abAccounts, []float64{0, 100}, Options{})
	if err != nil || !near(r.NPS, -100) {
		t.Errorf("only B weighs: NPS %v, %v; want −100", r.NPS, err)
	}
	if _, err := RevenueWeighted(abAccounts, []float64{0, 0}, Options{}); err == nil {
		t.Error("no revenue at all: want an error, there is nothing to weigh by")
	}
	if _, err := RevenueWeighted(abAccounts, []float64{1}, Options{}); err == nil {
		t.Error("one revenue for two accounts: want an error")
	}
	if _, err := RevenueWeighted(abAccounts, []float64{math.NaN(), 1}, Options{}); err == nil {
		t.Error("NaN revenue: want an error")
	}
}

// With one response per account, every weighting is the respondent NPS.
func TestAccountWeightedOneResponseEach(t *testing.T) {
	accounts := []Histogram{{9: 1}, {7: 1}, {3: 1}, {10: 1}}
	plain, _ := Estimate(Histogram{3: 1, 7: 1, 9: 1, 10: 1}, Options{})
	weighted, err := AccountWeighted(accounts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !near(weighted.NPS, plain.NPS) || !near(weighted.Low, plain.Low) || !near(weighted.High, plain.High) {
		t.Errorf("account-weighted %+v differs from respondent %+v", weighted, plain)
	}
}

func TestUncertain(t *testing.T) {
	for _, c := range []struct {
		h    Histogram
		want bool
	}{
		{Histogram{9: 10, 0: 10}, true},            // n 20
		{Histogram{9: 300, 7: 400, 0: 300}, false}, // n 1000, narrow
		{Histogram{10: 15, 0: 15}, true},           // n 30 but ±36: wider than 40 points
	} {
		r, _ := Estimate(c.h, Options{})
		if got := r.Uncertain(); got != c.want {
			t.Errorf("%v: Uncertain = %v (n %d, %.1f..%.1f), want %v", c.h, got, r.N, r.Low, r.High, c.want)
		}
	}
}
