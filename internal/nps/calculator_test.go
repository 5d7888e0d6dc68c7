package nps

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// eur is an amount of whole euros in cents.
func eur(e int64) int64 { return 100 * e }

// The article: "for an organisation with a revenue of 30 million euro a
// year this can easily be a saving or gain of 2 to 3 million euro" for
// +10 NPS. With the rules of thumb, the total is
// 3M·c + 0.9M + 0.10·B at the low end and 4.5M·c + 0.9M + 0.15·B at the
// high end (c the churn rate, B the marketing budget). A B2B company of
// that size that loses 20 % of its revenue a year to churn and spends
// 20 % of it, EUR 6 million, on marketing and sales (the cost that
// referrals replace) lands at EUR 2.1–2.7 million:
//
//	less churn      30,000,000 × 20 % × 10–15 % × 1.0 = 600,000–900,000
//	more business   30,000,000 × 3 % × 1.0            = 900,000
//	lower marketing  6,000,000 × 10–15 % × 1.0        = 600,000–900,000
//	total                                             = 2,100,000–2,700,000
func TestCalculatorArticleExample(t *testing.T) {
	in := CalculatorInput{
		Revenue: eur(30_000_000), MarketingBudget: eur(6_000_000), ChurnRate: 0.20,
		CurrentNPS: 20, TargetNPS: 30, Assumptions: RulesOfThumb(),
	}
	res, err := Calculate(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Steps {
		t.Logf("%s: %s", s.Label, s.Formula)
	}
	if res.Scale != 1 || res.Low != float64(eur(2_100_000)) || res.High != float64(eur(2_700_000)) {
		t.Errorf("article example: got scale %v, EUR %v–%v; want 1, EUR 2,100,000–2,700,000", res.Scale, res.Low/100, res.High/100)
	}
	if res.Low < float64(eur(2_000_000)) || res.High > float64(eur(3_000_000)) {
		t.Errorf("article example: EUR %v–%v lies outside the article's EUR 2–3 million", res.Low/100, res.High/100)
	}
	want := []Step{
		{"Less churn", "EUR 30,000,000 × 20 % churn × 10–15 % × 1.0 = EUR 600,000–900,000", 60_000_000, 90_000_000, UnitCents},
		{"More business with existing customers", "EUR 30,000,000 × 3 % × 1.0 = EUR 900,000", 90_000_000, 90_000_000, UnitCents},
		{"Lower marketing cost", "EUR 6,000,000 × 10–15 % × 1.0 = EUR 600,000–900,000", 60_000_000, 90_000_000, UnitCents},
		{"Total", "EUR 600,000–900,000 + EUR 900,000 + EUR 600,000–900,000 = EUR 2,100,000–2,700,000", 210_000_000, 270_000_000, UnitCents},
	}
	if len(res.Steps) != len(want) {
		t.Fatalf("got %d steps, want %d", len(res.Steps), len(want))
	}
	for i, s := range res.Steps {
		if s != want[i] {
			t.Errorf("step %d: got %+v, want %+v", i, s, want[i])
		}
	}
}

func TestCalculate(t *testing.T) {
	custom := Assumptions{ChurnLow: 0.2, ChurnHigh: 0.2, ExistingLow: 0.01, ExistingHigh: 0.05, MarketingLow: 0, MarketingHigh: 0.1}
	tests := []struct {
		name      string
		in        CalculatorInput
		scale     float64
		low, high float64 // cents
	}{
		{
			// +5 points: scale 0.5. EUR 1,000,000 × 10 % × 10–15 % × 0.5 = 5,000–7,500;
			// × 3 % × 0.5 = 15,000; EUR 100,000 × 10–15 % × 0.5 = 5,000–7,500;
			// total EUR 25,000–30,000.
			name:  "half the rise",
			in:    CalculatorInput{Revenue: eur(1_000_000), MarketingBudget: eur(100_000), ChurnRate: 0.1, CurrentNPS: -5, TargetNPS: 0, Assumptions: RulesOfThumb()},
			scale: 0.5, low: float64(eur(25_000)), high: float64(eur(30_000)),
		},
		{
			// +20: scale 2. Churn EUR 1,000,000 × 10 % × 20 % × 2 = 40,000; business
			// × 1–5 % × 2 = 20,000–100,000; marketing EUR 100,000 × 0–10 % × 2 = 0–20,000;
			// total EUR 60,000–160,000.
			name:  "own assumptions",
			in:    CalculatorInput{Revenue: eur(1_000_000), MarketingBudget: eur(100_000), ChurnRate: 0.1, CurrentNPS: 10, TargetNPS: 30, Assumptions: custom},
			scale: 2, low: float64(eur(60_000)), high: float64(eur(160_000)),
		},
		{
			// −100 → +100: scale 20, so 10–15 % × 20 is capped at all churn and all
			// marketing: EUR 1,000,000 × 10 % × 100 % = 100,000; × 3 % × 20 = 600,000;
			// EUR 100,000 × 100 % = 100,000; total EUR 800,000 at both ends.
			name:  "capped",
			in:    CalculatorInput{Revenue: eur(1_000_000), MarketingBudget: eur(100_000), ChurnRate: 0.1, CurrentNPS: -100, TargetNPS: 100, Assumptions: RulesOfThumb()},
			scale: 20, low: float64(eur(800_000)), high: float64(eur(800_000)),
		},
		{
			name:  "nothing to gain",
			in:    CalculatorInput{CurrentNPS: 0, TargetNPS: 10, Assumptions: RulesOfThumb()},
			scale: 1,
		},
	}
	for _, tc := range tests {
		res, err := Calculate(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !near(res.Scale, tc.scale) || math.Abs(res.Low-tc.low) > 1e-6 || math.Abs(res.High-tc.high) > 1e-6 {
			t.Errorf("%s: got scale %v, %v–%v cents; want %v, %v–%v", tc.name, res.Scale, res.Low, res.High, tc.scale, tc.low, tc.high)
		}
	}
	res, _ := Calculate(tests[2].in)
	if f := res.Steps[0].Formula; f != "EUR 1,000,000 × 10 % churn × min(100 %, 10–15 % × 20.0) = EUR 100,000" {
		t.Errorf("capped churn step: got %q", f)
	}
}

func TestCalculateErrors(t *testing.T) {
	ok := CalculatorInput{Revenue: 1, MarketingBudget: 1, ChurnRate: 0.1, CurrentNPS: 0, TargetNPS: 10, Assumptions: RulesOfThumb()}
	tests := []struct {
		field string
		edit  func(*CalculatorInput)
	}{
		{"revenue", func(in *CalculatorInput) { in.Revenue = -1 }},
		{"marketing_budget", func(in *CalculatorInput) { in.MarketingBudget = -1 }},
		{"churn_rate", func(in *CalculatorInput) { in.ChurnRate = 1.5 }},
		{"churn_rate", func(in *CalculatorInput) { in.ChurnRate = math.NaN() }},
		{"current_nps", func(in *CalculatorInput) { in.CurrentNPS = -101 }},
		{"target_nps", func(in *CalculatorInput) { in.TargetNPS = 100.5 }},
		{"target_nps", func(in *CalculatorInput) { in.TargetNPS = in.CurrentNPS }},
		{"target_nps", func(in *CalculatorInput) { in.TargetNPS = -10 }},
		{"assumptions.churn_low", func(in *CalculatorInput) { in.Assumptions.ChurnLow = 0.2 }},
		{"assumptions.existing_high", func(in *CalculatorInput) { in.Assumptions.ExistingHigh = 2 }},
		{"assumptions.marketing_low", func(in *CalculatorInput) { in.Assumptions.MarketingLow = -0.1 }},
	}
	for _, tc := range tests {
		in := ok
		tc.edit(&in)
		_, err := Calculate(in)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: got %v, want a *ValidationError on %q", in, err, tc.field)
		}
	}
	if _, err := Calculate(ok); err != nil {
		t.Errorf("valid input: %v", err)
	}
}

// Low never exceeds high, nothing is negative, and below the cap the
// result is linear in the rise.
func TestCalculateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 5000; i++ {
		a := Assumptions{}
		a.ChurnLow, a.ChurnHigh = ordered(rng)
		a.ExistingLow, a.ExistingHigh = ordered(rng)
		a.MarketingLow, a.MarketingHigh = ordered(rng)
		cur := -100 + rng.Float64()*190
		in := CalculatorInput{
			Revenue: rng.Int64N(eur(1e9)), MarketingBudget: rng.Int64N(eur(1e8)), ChurnRate: rng.Float64(),
			CurrentNPS: cur, TargetNPS: cur + (100-cur)*rng.Float64()/2 + 1e-9, Assumptions: a,
		}
		res, err := Calculate(in)
		if err != nil {
			t.Fatalf("Calculate(%+v): %v", in, err)
		}
		for _, s := range res.Steps {
			if !(0 <= s.Low && s.Low <= s.High) {
				t.Fatalf("Calculate(%+v): step %q %v–%v", in, s.Label, s.Low, s.High)
			}
		}
		if res.Scale*a.ChurnHigh > 1 || res.Scale*a.MarketingHigh > 1 {
			continue
		}
		half := in
		half.TargetNPS = (in.CurrentNPS + in.TargetNPS) / 2
		if half.TargetNPS <= half.CurrentNPS {
			continue
		}
		h, _ := Calculate(half)
		if d := math.Abs(2*h.High - res.High); d > 1e-6*math.Max(1, res.High) {
			t.Fatalf("Calculate(%+v): half the rise gives %v, not half of %v", in, h.High, res.High)
		}
	}
}

func ordered(rng *rand.Rand) (float64, float64) {
	x, y := rng.Float64(), rng.Float64()
	return math.Min(x, y), math.Max(x, y)
}

// observedExample has 20 promoter accounts (1 churned: 5 %; EUR 2,000,000
// → 2,100,000: retention 1.05), 20 passive (2 churned: 10 %; EUR 1,000,000
// → 950,000: 0.95) and 10 detractor accounts (3 churned: 30 %; EUR 500,000
// → 400,000: 0.80). Over all 50: 6 churned (12 %), EUR 3,500,000 →
// 3,450,000: 0.985714.
func observedExample() []AccountOutcome {
	var as []AccountOutcome
	as = append(as, group(Promoter, 20, 1, eur(2_000_000), eur(2_100_000))...)
	as = append(as, group(Passive, 20, 2, eur(1_000_000), eur(950_000))...)
	return append(as, group(Detractor, 10, 3, eur(500_000), eur(400_000))...)
}

// group makes n accounts of one category with a known next year, the
// first churned of them leaving (revenue after 0); revenue and after are
// split evenly, any remainder on the first account that gets a share.
func group(c Category, n, churned int, revenue, after int64) []AccountOutcome {
	as := make([]AccountOutcome, n)
	stay := int64(n - churned)
	for i := range as {
		as[i] = AccountOutcome{Category: c, Revenue: revenue / int64(n), HasAfter: true, Churned: i < churned}
		if !as[i].Churned {
			as[i].RevenueAfter = after / stay
		}
	}
	as[0].Revenue += revenue % int64(n)
	as[churned].RevenueAfter += after % stay
	return as
}

func TestObservedAssumptions(t *testing.T) {
	// Churn: detractor → passive 0.10·(0.30 − 0.10)/0.12 = 0.166667,
	// passive → promoter 0.10·(0.10 − 0.05)/0.12 = 0.041667.
	// Business: 0.10·(0.95 − 0.80)/0.985714 = 0.015217 and
	// 0.10·(1.05 − 0.95)/0.985714 = 0.010145. Marketing: the rule of thumb.
	a, ok, why := ObservedAssumptions(ObserveOutcomes(observedExample()))
	want := Assumptions{
		ChurnLow: 0.04166666666666668, ChurnHigh: 0.16666666666666669,
		ExistingLow: 0.010144927536231892, ExistingHigh: 0.015217391304347818,
		MarketingLow: 0.10, MarketingHigh: 0.15, Source: SourceObserved,
	}
	if !ok || why != "" || !near(a.ChurnLow, want.ChurnLow) || !near(a.ChurnHigh, want.ChurnHigh) ||
		!near(a.ExistingLow, want.ExistingLow) || !near(a.ExistingHigh, want.ExistingHigh) ||
		a.MarketingLow != want.MarketingLow || a.MarketingHigh != want.MarketingHigh || a.Source != want.Source {
		t.Errorf("ObservedAssumptions: got %+v, %v, %q; want %+v, true", a, ok, why, want)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("observed assumptions do not validate: %v", err)
	}
}

func TestObservedAssumptionsClamped(t *testing.T) {
	// Promoters churn more than passives (20 % against 10 %) and keep less
	// (0.90 against 0.95): that move shows no gain, 0, not a loss.
	var as []AccountOutcome
	as = append(as, group(Promoter, 20, 4, eur(1_000_000), eur(900_000))...)
	as = append(as, group(Passive, 20, 2, eur(1_000_000), eur(950_000))...)
	as = append(as, group(Detractor, 10, 3, eur(500_000), eur(400_000))...)
	a, ok, _ := ObservedAssumptions(ObserveOutcomes(as))
	if !ok || a.ChurnLow != 0 || a.ExistingLow != 0 || !(a.ChurnHigh > 0) || !(a.ExistingHigh > 0) {
		t.Errorf("ObservedAssumptions with a worse promoter group: got %+v, %v; want low ends 0", a, ok)
	}
}

func TestObservedAssumptionsNotEnough(t *testing.T) {
	few := observedExample()[:45] // 5 of the 10 detractor accounts
	noChurn := append(group(Promoter, 10, 0, 1000, 1000), append(group(Passive, 10, 0, 1000, 900), group(Detractor, 10, 0, 1000, 800)...)...)
	unknown := observedExample()
	for i := range unknown {
		if unknown[i].Category == Passive {
			unknown[i].HasAfter = false
		}
	}
	tests := []struct {
		name string
		as   []AccountOutcome
		why  string
	}{
		{"few detractors", few, "5 detractor accounts have a known outcome; at least 10 are needed"},
		{"no churn", noChurn, "no account churned, so churn cannot be compared between categories"},
		{"passives unknown", unknown, "0 passive accounts have a known outcome; at least 10 are needed"},
		{"nothing", nil, "0 promoter accounts have a known outcome; at least 10 are needed"},
	}
	for _, tc := range tests {
		a, ok, why := ObservedAssumptions(ObserveOutcomes(tc.as))
		if ok || why != tc.why || a != RulesOfThumb() {
			t.Errorf("%s: got %+v, %v, %q; want the rules of thumb, false, %q", tc.name, a, ok, why, tc.why)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{formatEUR(0), "EUR 0"},
		{formatEUR(99), "EUR 0.99"},
		{formatEUR(123_456_789), "EUR 1,234,567.89"},
		{formatEUR(3_000_000_000), "EUR 30,000,000"},
		{formatEUR(-150_000), "EUR -1,500"},
		{formatEUR(0.5), "EUR 0.01"}, // half a cent rounds away from zero
		{formatEUR(-0.5), "EUR -0.01"},
		{formatEURRange(60_000_000, 90_000_000), "EUR 600,000–900,000"},
		{formatEURRange(100, 100.2), "EUR 1"},
		{formatPercent(0.2), "20 %"},
		{formatPercent(0.025), "2.5 %"},
		{formatPercent(0.96123), "96.12 %"},
		{formatPercent(1.04), "104 %"},
		{formatPercent(-0.00001), "0 %"},
		{formatPercentRange(0.1, 0.15), "10–15 %"},
		{formatPercentRange(0.03, 0.03), "3 %"},
		{formatFactor(1), "1.0"},
		{formatFactor(0.45), "0.45"},
		{formatFactor(1.23456), "1.2346"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
