package insight

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// hist is a histogram from score, count pairs.
func hist(pairs ...int) nps.Histogram {
	var h nps.Histogram
	for i := 0; i+1 < len(pairs); i += 2 {
		h[pairs[i]] += int64(pairs[i+1])
	}
	return h
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestFollowUp(t *testing.T) {
	tests := []struct {
		name        string
		wave        nps.Wave
		from, until time.Time
		year        int
	}{
		{"closed", nps.Wave{OpensAt: day(2024, 11, 1), ClosesAt: day(2025, 1, 15)}, day(2024, 11, 1), day(2026, 1, 15), 2024},
		{"still open", nps.Wave{OpensAt: day(2025, 3, 1)}, day(2025, 3, 1), day(2026, 3, 1), 2025},
	}
	for _, tt := range tests {
		from, until := FollowUp(tt.wave)
		if !from.Equal(tt.from) || !until.Equal(tt.until) {
			t.Errorf("%s: FollowUp = %v … %v, want %v … %v", tt.name, from, until, tt.from, tt.until)
		}
		if got := Year(tt.wave); got != tt.year {
			t.Errorf("%s: Year = %d, want %d", tt.name, got, tt.year)
		}
	}
}

func TestObserved(t *testing.T) {
	w := nps.Wave{OpensAt: day(2024, 11, 1), ClosesAt: day(2025, 1, 15)}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{day(2026, 1, 15).Add(-time.Second), false},
		{day(2026, 1, 15), true}, // the window's last moment has passed
		{day(2027, 1, 1), true},
		{day(2025, 1, 1), false},
	} {
		if got := Observed(w, tt.now); got != tt.want {
			t.Errorf("Observed(wave closing 2025-01-15, %v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestOutcomes(t *testing.T) {
	// Opens 2024-11-01, closes 2025-01-15: watched until 2026-01-15.
	w := nps.Wave{OpensAt: day(2024, 11, 1), ClosesAt: day(2025, 1, 15)}
	churned := func(at time.Time) (nps.AccountStatus, time.Time) { return nps.AccountChurned, at }
	a := func(name string, h nps.Histogram, intent nps.SwitchIntent, status nps.AccountStatus, at time.Time) store.AccountYear {
		return store.AccountYear{Name: name, Histogram: h, Intent: intent, Status: status, ChurnedAt: at, Revenue: 7_00}
	}
	withYears := func(ay store.AccountYear, year, next int64, hasNext bool) store.AccountYear {
		ay.RevenueYear, ay.HasRevenueYear = year, true
		ay.RevenueNext, ay.HasRevenueNext = next, hasNext
		return ay
	}
	s, at := churned(day(2025, 6, 1))
	earlyS, earlyAt := churned(day(2024, 10, 31))
	lateS, lateAt := churned(day(2026, 1, 15))
	openingS, openingAt := churned(day(2024, 11, 1))
	accounts := []store.AccountYear{
		// mean (9 + 10)/2: promoter, both years imported
		withYears(a("stays", hist(9, 1, 10, 1), nps.SwitchNo, nps.AccountActive, time.Time{}), 100_00, 120_00, true),
		// mean 8.5 with a 7: passive; churned in the window, next year known as 0
		withYears(a("leaves", hist(7, 1, 10, 1), nps.SwitchYes, s, at), 50_00, 0, false),
		// had left before the wave opened: not one of its accounts
		withYears(a("gone before", hist(3, 1), "", earlyS, earlyAt), 10_00, 0, false),
		// answered nothing countable
		a("empty", nps.Histogram{}, "", nps.AccountActive, time.Time{}),
		// left exactly when the window closed: not within it
		withYears(a("leaves late", hist(6, 2), nps.SwitchUnsure, lateS, lateAt), 30_00, 0, false),
		// left the day the wave opened: one of its accounts, churned
		a("leaves at opening", hist(5, 1), "", openingS, openingAt),
		// no revenue of the year imported: the current revenue, no outcome
		a("no years", hist(8, 1), "", nps.AccountActive, time.Time{}),
		// churned without a date: not counted as churned
		a("no date", hist(10, 1), "", nps.AccountChurned, time.Time{}),
	}
	accounts[6].RevenueNext, accounts[6].HasRevenueNext = 99_00, true
	want := []nps.AccountOutcome{
		{Category: nps.Promoter, Intent: nps.SwitchNo, Revenue: 100_00, RevenueAfter: 120_00, HasAfter: true},
		{Category: nps.Passive, Intent: nps.SwitchYes, Revenue: 50_00, RevenueAfter: 0, HasAfter: true, Churned: true},
		{Category: nps.Detractor, Intent: nps.SwitchUnsure, Revenue: 30_00, RevenueAfter: 0, HasAfter: false},
		{Category: nps.Detractor, Revenue: 7_00, Churned: true},
		{Category: nps.Passive, Revenue: 7_00},
		{Category: nps.Promoter, Revenue: 7_00},
	}
	got := OutcomesOf(Accounts(accounts, w))
	if len(got) != len(want) {
		t.Fatalf("Accounts: got %d outcomes %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("outcome %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestGrowth(t *testing.T) {
	// docs/STATISTICS.md's example: prior EUR 10,000,000, retained
	// 10,400,000, new 1,000,000 of which 300,000 by referral.
	g, err := Growth(store.GrowthYear{Year: 2025, Prior: 10_000_000_00, Retained: 10_400_000_00, New: 1_000_000_00, Referred: 300_000_00})
	if err != nil {
		t.Fatal(err)
	}
	if !near(g.NRR, 1.04) || !near(g.ENC, 0.03) || !near(g.EarnedGrowth, 1.07) || !near(g.Rate, 0.07) || !g.HasReferredShare || !near(g.ReferredShare, 0.3) {
		t.Errorf("Growth = NRR %v, ENC %v, earned %v, rate %v, referred %v (%v); want 1.04, 0.03, 1.07, 0.07, 0.3", g.NRR, g.ENC, g.EarnedGrowth, g.Rate, g.ReferredShare, g.HasReferredShare)
	}
	if len(g.Steps) != 4 {
		t.Errorf("Growth: got %d steps, want 4", len(g.Steps))
	}
	var ve *nps.ValidationError
	if _, err := Growth(store.GrowthYear{Year: 2025, New: 5_00}); !errors.As(err, &ve) || ve.Field != "prior_revenue" {
		t.Errorf("Growth without prior revenue: got error %v, want a validation error of prior_revenue", err)
	}
}

func TestImpact(t *testing.T) {
	// docs/STATISTICS.md's worked example: 100 responses (P 40, A 38,
	// D 22), 50 with a comment (P 20, A 10, D 20), "price" mentioned by
	// P 2, A 3, D 10: effect 18 − 30.588 = −12.59 points. "support" is
	// mentioned by 10 promoters only and lifts the score.
	all := hist(10, 40, 8, 38, 3, 22)
	w := store.WaveInsight{
		All: all, Commented: hist(10, 20, 8, 10, 3, 20),
		Themes: map[string]nps.Histogram{"support": hist(10, 10), "price": hist(10, 2, 8, 3, 3, 10)},
	}
	got, err := Impact(w, nps.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "price" || got[1].Key != "support" {
		t.Fatalf("Impact: got %+v, want price then support", got)
	}
	if math.Abs(got[0].Effect-(18-100*26.0/85)) > 1e-9 || math.Round(got[0].Effect*100)/100 != -12.59 {
		t.Errorf("price: effect %v, want −12.59", got[0].Effect)
	}
	if !near(got[0].Frequency, 0.3) || !near(got[0].DetractorShare, 0.5) || got[1].Effect <= 0 {
		t.Errorf("Impact: price frequency %v, detractor share %v, support effect %v; want 0.3, 0.5, > 0", got[0].Frequency, got[0].DetractorShare, got[1].Effect)
	}
	w.Themes["bad"] = hist(10, 30) // more mentions than comments
	if _, err := Impact(w, nps.Options{}); err == nil {
		t.Error("Impact of a theme with more mentions than comments: got no error")
	}
}
