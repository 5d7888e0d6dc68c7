package nps

import (
	"errors"
	"math"
	"testing"
)

func TestAccountCategory(t *testing.T) {
	tests := []struct {
		name string
		h    Histogram
		want Category
	}{
		{"one nine", Histogram{9: 1}, Promoter},
		{"mean exactly 9", Histogram{10: 1, 8: 1}, Promoter},               // 18/2
		{"mean 8.5", Histogram{9: 1, 8: 1}, Passive},                       // 17/2
		{"mean exactly 7 of three", Histogram{10: 1, 6: 1, 5: 1}, Passive}, // 21/3
		{"mean 6.67", Histogram{10: 2, 0: 1}, Detractor},                   // 20/3
		{"one six", Histogram{6: 1}, Detractor},
		{"mean exactly 9 of 30", Histogram{10: 10, 9: 10, 8: 10}, Promoter}, // 270/30
		{"just below 9", Histogram{10: 9, 9: 10, 8: 11}, Passive},           // 269/30
	}
	for _, tc := range tests {
		got, err := AccountCategory(tc.h)
		if err != nil || got != tc.want {
			t.Errorf("%s: AccountCategory(%v) = %v, %v; want %v", tc.name, tc.h, got, err, tc.want)
		}
	}
	if _, err := AccountCategory(Histogram{}); !errors.Is(err, ErrNoResponses) {
		t.Errorf("AccountCategory(empty): got %v, want ErrNoResponses", err)
	}
	var ve *ValidationError
	if _, err := AccountCategory(Histogram{3: -1, 9: 2}); !errors.As(err, &ve) {
		t.Errorf("AccountCategory(negative): got %v, want a *ValidationError", err)
	}
	// One respondent: the account's category is the response's.
	for s := MinScore; s <= MaxScore; s++ {
		var h Histogram
		h.Add(s)
		if got, _ := AccountCategory(h); got != CategoryOf(s) {
			t.Errorf("AccountCategory({%d: 1}) = %v, want %v", s, got, CategoryOf(s))
		}
	}
}

func TestStrongerIntent(t *testing.T) {
	tests := []struct{ a, b, want SwitchIntent }{
		{"", SwitchNo, SwitchNo},
		{SwitchNo, SwitchUnsure, SwitchUnsure},
		{SwitchYes, SwitchUnsure, SwitchYes},
		{SwitchUnsure, SwitchYes, SwitchYes},
		{SwitchNo, "", SwitchNo},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := StrongerIntent(tc.a, tc.b); got != tc.want {
			t.Errorf("StrongerIntent(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestObserveOutcomes(t *testing.T) {
	as := observedExample()
	// A promoter measured too recently for its next year to be known: it
	// counts towards churn, not towards retention.
	as = append(as, AccountOutcome{Category: Promoter, Revenue: eur(1_000_000)})
	o := ObserveOutcomes(as)
	tests := []struct {
		got, want CategoryOutcome
	}{
		{
			// 1 of 21 churned: 0.047619. Wilson: z²/n = 0.182927, centre =
			// (0.047619 + 0.091463)/1.182927 = 0.117576, half = 1.656890·
			// √(0.002160 + 0.002178) = 0.109120. Revenue of the 20 with a known
			// next year: 2,000,000 → 2,100,000: 1.05.
			o.ByCategory[0], CategoryOutcome{
				Category: Promoter, Accounts: 21, Churned: 1, ChurnRate: 1.0 / 21,
				ChurnLow: 0.0084559878098263985, ChurnHigh: 0.22669360074122563,
				Revenue: eur(2_000_000), RevenueAfter: eur(2_100_000), WithAfter: 20, Retention: 1.05, HasRetention: true,
			},
		},
		{
			// 2 of 20: 0.10, Wilson [0.027866, 0.301034]; 950,000/1,000,000 = 0.95.
			o.ByCategory[1], CategoryOutcome{
				Category: Passive, Accounts: 20, Churned: 2, ChurnRate: 0.1,
				ChurnLow: 0.027866481213768224, ChurnHigh: 0.3010336452284873,
				Revenue: eur(1_000_000), RevenueAfter: eur(950_000), WithAfter: 20, Retention: 0.95, HasRetention: true,
			},
		},
		{
			// 3 of 10: 0.30, Wilson [0.107791, 0.603222]; 400,000/500,000 = 0.80.
			o.ByCategory[2], CategoryOutcome{
				Category: Detractor, Accounts: 10, Churned: 3, ChurnRate: 0.3,
				ChurnLow: 0.10779126740630099, ChurnHigh: 0.60322185253885463,
				Revenue: eur(500_000), RevenueAfter: eur(400_000), WithAfter: 10, Retention: 0.8, HasRetention: true,
			},
		},
		{
			// 6 of 51 churned: 0.117647. Wilson: z²/n = 0.075323, centre =
			// (0.117647 + 0.037662)/1.075323 = 0.144430, half = 1.822686·
			// √(0.002035 + 0.000369) = 0.089379. 3,450,000/3,500,000 = 0.985714.
			o.Total, CategoryOutcome{
				Accounts: 51, Churned: 6, ChurnRate: 6.0 / 51,
				ChurnLow: 0.05505073677918175, ChurnHigh: 0.23380844314322463,
				Revenue: eur(3_500_000), RevenueAfter: eur(3_450_000), WithAfter: 50, Retention: 3_450_000.0 / 3_500_000, HasRetention: true,
			},
		},
	}
	for _, tc := range tests {
		g, w := tc.got, tc.want
		if g.Category != w.Category || g.Accounts != w.Accounts || g.Churned != w.Churned || g.Revenue != w.Revenue ||
			g.RevenueAfter != w.RevenueAfter || g.WithAfter != w.WithAfter || g.HasRetention != w.HasRetention ||
			!near(g.ChurnRate, w.ChurnRate) || !near(g.ChurnLow, w.ChurnLow) || !near(g.ChurnHigh, w.ChurnHigh) || !near(g.Retention, w.Retention) {
			t.Errorf("%v: got %+v, want %+v", w.Category, g, w)
		}
	}
}

func TestObserveOutcomesEmpty(t *testing.T) {
	o := ObserveOutcomes([]AccountOutcome{{Category: Category(7), Revenue: 5, HasAfter: true}})
	for i, c := range o.ByCategory {
		if c.Category != categoryOrder[i] || c.Accounts != 0 || c.ChurnRate != 0 || c.ChurnHigh != 0 || c.HasRetention {
			t.Errorf("ByCategory[%d]: got %+v, want an empty %v", i, c, categoryOrder[i])
		}
	}
	if o.Total.Accounts != 0 {
		t.Errorf("an account of no category counted: %+v", o.Total)
	}
	// Known next year but no revenue in the measured year: no retention.
	o = ObserveOutcomes([]AccountOutcome{{Category: Passive, RevenueAfter: 100, HasAfter: true}})
	if c := o.ByCategory[1]; c.HasRetention || c.Retention != 0 || c.WithAfter != 1 {
		t.Errorf("no revenue: got %+v, want no retention", c)
	}
}

func TestAtRisk(t *testing.T) {
	as := []AccountOutcome{
		{Category: Detractor, Intent: SwitchYes, Revenue: eur(100_000)}, // both: counts once in Either
		{Category: Detractor, Intent: SwitchNo, Revenue: eur(50_000)},
		{Category: Passive, Intent: SwitchUnsure, Revenue: eur(200_000)},
		{Category: Promoter, Intent: SwitchYes, Revenue: eur(25_000)},
		{Category: Promoter, Intent: SwitchNo, Revenue: eur(400_000)},
		{Category: Passive, Revenue: eur(225_000)}, // no answer: not switching
	}
	// Detractor 100,000 + 50,000 = 150,000 (2); switching 100,000 + 200,000 +
	// 25,000 = 325,000 (3); either 150,000 + 200,000 + 25,000 = 375,000 (4);
	// total 1,000,000 (6); share 375,000/1,000,000 = 0.375.
	want := RevenueAtRisk{
		Detractor: eur(150_000), Switching: eur(325_000), Either: eur(375_000),
		DetractorAccounts: 2, SwitchingAccounts: 3, EitherAccounts: 4,
		Total: eur(1_000_000), Accounts: 6, Share: 0.375,
	}
	if got := AtRisk(as); got != want {
		t.Errorf("AtRisk: got %+v, want %+v", got, want)
	}
	if got := AtRisk(nil); got != (RevenueAtRisk{}) {
		t.Errorf("AtRisk(nil): got %+v, want zero", got)
	}
}

func TestValueOfMoving(t *testing.T) {
	observed := ObserveOutcomes(observedExample())
	current := []AccountOutcome{
		{Category: Detractor, Revenue: eur(700_000)},
		{Category: Detractor, Revenue: eur(500_000)},
		{Category: Passive, Revenue: eur(3_000_000)},
		{Category: Promoter, Revenue: eur(9_000_000)},
	}
	moves, err := ValueOfMoving(current, observed)
	if err != nil {
		t.Fatal(err)
	}
	// Detractors → passives: EUR 1,200,000 × (0.95 − 0.80) = EUR 180,000 a year;
	// passives → promoters: EUR 3,000,000 × (1.05 − 0.95) = EUR 300,000.
	want := []MoveValue{
		{From: Detractor, To: Passive, Accounts: 2, Revenue: eur(1_200_000), RetentionFrom: 0.8, RetentionTo: 0.95, ObservedFrom: 10, ObservedTo: 20, Value: float64(eur(180_000))},
		{From: Passive, To: Promoter, Accounts: 1, Revenue: eur(3_000_000), RetentionFrom: 0.95, RetentionTo: 1.05, ObservedFrom: 20, ObservedTo: 20, Value: float64(eur(300_000))},
	}
	if len(moves) != len(want) {
		t.Fatalf("got %d moves, want %d", len(moves), len(want))
	}
	for i, m := range moves {
		w := want[i]
		if m.From != w.From || m.To != w.To || m.Accounts != w.Accounts || m.Revenue != w.Revenue || m.ObservedFrom != w.ObservedFrom ||
			m.ObservedTo != w.ObservedTo || !near(m.RetentionFrom, w.RetentionFrom) || !near(m.RetentionTo, w.RetentionTo) || math.Abs(m.Value-w.Value) > 1e-6 {
			t.Errorf("move %d: got %+v, want %+v", i, m, w)
		}
	}
	steps := []Step{
		{"Revenue of the current detractor accounts", "2 accounts: EUR 1,200,000", 120_000_000, 120_000_000, UnitCents},
		{"Observed retention, passive minus detractor", "95 % (20 accounts) − 80 % (10 accounts) = 15 %", 0.15, 0.15, UnitFraction},
		{"Value per year of moving them to passive", "EUR 1,200,000 × 15 % = EUR 180,000", 18_000_000, 18_000_000, UnitCents},
	}
	for i, s := range moves[0].Steps {
		w := steps[i]
		if s.Label != w.Label || s.Formula != w.Formula || s.Unit != w.Unit || math.Abs(s.Low-w.Low) > 1e-6 || s.Low != s.High {
			t.Errorf("step %d: got %+v, want %+v", i, s, w)
		}
	}
}

func TestValueOfMovingMissing(t *testing.T) {
	// No detractor outcomes: only passives → promoters can be valued.
	var as []AccountOutcome
	for _, a := range observedExample() {
		if a.Category != Detractor {
			as = append(as, a)
		}
	}
	current := []AccountOutcome{{Category: Detractor, Revenue: 1}, {Category: Passive, Revenue: eur(10)}}
	moves, err := ValueOfMoving(current, ObserveOutcomes(as))
	if err != nil || len(moves) != 1 || moves[0].From != Passive || math.Abs(moves[0].Value-100) > 1e-9 {
		t.Errorf("no detractor retention: got %+v, %v; want only passive → promoter worth 100 cents", moves, err)
	}
	if _, err := ValueOfMoving(current, ObserveOutcomes(nil)); !errors.Is(err, ErrNoRetention) {
		t.Errorf("no outcomes at all: got %v, want ErrNoRetention", err)
	}
	var ve *ValidationError
	if _, err := ValueOfMoving([]AccountOutcome{{Category: Passive, Revenue: -1}}, ObserveOutcomes(observedExample())); !errors.As(err, &ve) {
		t.Errorf("negative revenue: got %v, want a *ValidationError", err)
	}
	if _, err := ValueOfMoving([]AccountOutcome{{Category: Category(3)}}, ObserveOutcomes(observedExample())); !errors.As(err, &ve) {
		t.Errorf("no category: got %v, want a *ValidationError", err)
	}
}

// BenchmarkObserveOutcomes sums a year of 2,000 accounts, the size of the
// benchmark workspace.
func BenchmarkObserveOutcomes(b *testing.B) {
	as := make([]AccountOutcome, 2000)
	for i := range as {
		as[i] = AccountOutcome{Category: categoryOrder[i%3], Revenue: int64(1000 * i), RevenueAfter: int64(900 * i), HasAfter: i%7 != 0, Churned: i%11 == 0}
	}
	for b.Loop() {
		ObserveOutcomes(as)
	}
}
