package nps

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestMedianDuration(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name string
		in   []time.Duration
		want time.Duration
		ok   bool
	}{
		{"none", nil, 0, false},
		{"one", []time.Duration{5 * h}, 5 * h, true},
		{"odd, unsorted", []time.Duration{30 * h, 2 * h, 7 * h}, 7 * h, true},
		{"even: mean of the middles", []time.Duration{h, 4 * h, 2 * h, 10 * h}, 3 * h, true},
		{"even, half a unit", []time.Duration{1, 2}, 1, true},
		{"ties", []time.Duration{h, h, h, 9 * h}, h, true},
		{"zero", []time.Duration{0, 0}, 0, true},
		{"huge, no overflow", []time.Duration{1<<62 + 1<<61, 1<<62 + 1<<61}, 1<<62 + 1<<61, true},
	}
	for _, tt := range tests {
		got, ok := MedianDuration(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: MedianDuration(%v) = %v, %v; want %v, %v", tt.name, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestMedianDurationProperties checks on random lists that the median
// lies between the least and the greatest, does not depend on the order,
// leaves its input alone, and has as many values at or below it as at or
// above it, at least half each.
func TestMedianDurationProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 5000; i++ {
		n := 1 + rng.IntN(40)
		ds := make([]time.Duration, n)
		for j := range ds {
			ds[j] = time.Duration(rng.Int64N(int64(30 * 24 * time.Hour)))
		}
		orig := slices.Clone(ds)
		m, ok := MedianDuration(ds)
		if !ok {
			t.Fatalf("MedianDuration(%v): not ok", ds)
		}
		if !slices.Equal(ds, orig) {
			t.Fatalf("MedianDuration changed its input")
		}
		if m < slices.Min(ds) || m > slices.Max(ds) {
			t.Fatalf("MedianDuration(%v) = %v, outside [%v, %v]", ds, m, slices.Min(ds), slices.Max(ds))
		}
		shuffled := slices.Clone(ds)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if m2, _ := MedianDuration(shuffled); m2 != m {
			t.Fatalf("MedianDuration of a permutation of %v = %v, want %v", ds, m2, m)
		}
		below, above := 0, 0
		for _, d := range ds {
			if d <= m {
				below++
			}
			if d >= m {
				above++
			}
		}
		if 2*below < n || 2*above < n {
			t.Fatalf("MedianDuration(%v) = %v: %d at or below, %d at or above of %d", ds, m, below, above, n)
		}
	}
}

func TestShare(t *testing.T) {
	tests := []struct {
		s       Share
		empty   bool
		percent float64
		rounded int64
	}{
		{Share{0, 0}, true, 0, 0},
		{Share{2, 4}, false, 50, 50},
		{Share{1, 3}, false, 100.0 / 3, 33},
		{Share{2, 3}, false, 200.0 / 3, 67},
		{Share{1, 8}, false, 12.5, 13},
		{Share{0, 5}, false, 0, 0},
		{Share{5, 5}, false, 100, 100},
	}
	for _, tt := range tests {
		if got := tt.s.Empty(); got != tt.empty {
			t.Errorf("%+v.Empty() = %v, want %v", tt.s, got, tt.empty)
		}
		if got := tt.s.Percent(); got != tt.percent {
			t.Errorf("%+v.Percent() = %v, want %v", tt.s, got, tt.percent)
		}
		if got := tt.s.RoundedPercent(); got != tt.rounded {
			t.Errorf("%+v.RoundedPercent() = %v, want %v", tt.s, got, tt.rounded)
		}
	}
}

func TestLoopFigures(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := time.Hour
	fu := func(after, due, contacted time.Duration) FollowUpTimes {
		f := FollowUpTimes{CreatedAt: t0.Add(after), ContactedAt: t0.Add(after + contacted)}
		if due != 0 {
			f.DueAt = t0.Add(after + due)
		}
		return f
	}
	// Four detractors: two contacted in time (after 4 h and 20 h of a
	// 48 h deadline), one late (60 h), one not at all. Median of 4, 20,
	// 60 hours is 20 hours; 2 of 4 in time is 50 %.
	c := LoopCounts{
		Detractors: 4,
		Contacted:  []FollowUpTimes{fu(0, 48*h, 60*h), fu(h, 48*h, 4*h), fu(2*h, 48*h, 20*h)},
		PlansOpen:  2, PlansDone: 1,
		// With a plan: 3 promoters, 1 detractor (NPS +50, n 4); without:
		// 1 promoter, 3 detractors (−50, n 4).
		WithPlan:    Histogram{2: 1, 9: 2, 10: 1},
		WithoutPlan: Histogram{0: 1, 5: 2, 9: 1},
	}
	f, err := c.Figures(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Detractors != 4 || f.Contacted != 3 || f.InTime != (Share{2, 4}) || f.InTime.RoundedPercent() != 50 {
		t.Errorf("counts: got %d detractors, %d contacted, in time %+v; want 4, 3, 2 of 4", f.Detractors, f.Contacted, f.InTime)
	}
	if !f.HasMedian || f.MedianContact != 20*h {
		t.Errorf("median: got %v (%v), want 20h", f.MedianContact, f.HasMedian)
	}
	if f.PlansOpen != 2 || f.PlansDone != 1 {
		t.Errorf("plans: got %d open, %d done; want 2, 1", f.PlansOpen, f.PlansDone)
	}
	if f.WithPlan.Format() != "+50" || f.WithoutPlan.Format() != "-50" || f.WithPlan.N != 4 || f.WithoutPlan.N != 4 {
		t.Errorf("NPS: got %s (n %d) with, %s (n %d) without; want +50 (4), -50 (4)",
			f.WithPlan.Format(), f.WithPlan.N, f.WithoutPlan.Format(), f.WithoutPlan.N)
	}
	if !f.Compared || f.Difference.Difference != 100 {
		t.Errorf("difference: got %+v (%v), want +100", f.Difference, f.Compared)
	}

	// A wave without detractors or answers: nothing to share, no median,
	// no comparison, and no error.
	empty, err := LoopCounts{}.Figures(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !empty.InTime.Empty() || empty.HasMedian || empty.Compared || !empty.WithPlan.Empty() || !empty.WithoutPlan.Empty() {
		t.Errorf("empty wave: got %+v, want empty figures", empty)
	}

	// A follow-up without a deadline counts as contacted, not in time.
	noDue, err := LoopCounts{Detractors: 1, Contacted: []FollowUpTimes{fu(0, 0, h)}}.Figures(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if noDue.Contacted != 1 || noDue.InTime.Part != 0 || noDue.MedianContact != h {
		t.Errorf("no deadline: got %+v, want contacted 1, in time 0, median 1h", noDue)
	}
	// Contact exactly at the deadline is in time.
	if !fu(0, 2*h, 2*h).InTime() {
		t.Errorf("contact at the deadline: not in time, want in time")
	}
}
