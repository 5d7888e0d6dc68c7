package nps

import (
	"slices"
	"time"
)

// The loop's own figures: how well a team closes the loop with the
// detractors of each wave, and whether the accounts that got an
// improvement plan score better next time. The store counts, in SQL;
// these functions turn the counts into figures, so that they are tested
// by hand-worked examples without a database.

// Share is Part of Whole, e.g. the detractors contacted in time of all
// detractors. Whole 0 has no share.
type Share struct {
	Part, Whole int64
}

// Empty reports whether there is nothing to share: Whole is 0.
func (s Share) Empty() bool { return s.Whole <= 0 }

// Percent is 100·Part/Whole; 0 when Empty (show "none" instead).
func (s Share) Percent() float64 {
	if s.Empty() {
		return 0
	}
	return 100 * float64(s.Part) / float64(s.Whole)
}

// RoundedPercent is Percent as a whole number, halves away from zero,
// computed from the integer counts.
func (s Share) RoundedPercent() int64 {
	if s.Empty() {
		return 0
	}
	return (200*s.Part + s.Whole) / (2 * s.Whole)
}

// MedianDuration is the exact median of ds: the middle one of an odd
// number, the mean of the two middle ones of an even number. ok is false
// for none. ds is not changed.
func MedianDuration(ds []time.Duration) (median time.Duration, ok bool) {
	if len(ds) == 0 {
		return 0, false
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid], true
	}
	a, b := sorted[mid-1], sorted[mid]
	// a + (b−a)/2 rather than (a+b)/2, which could overflow.
	return a + (b-a)/2, true
}

// FollowUpTimes are the times of one contacted follow-up of a detractor:
// when the alert opened it, its deadline (zero: none) and the first
// contact with the customer.
type FollowUpTimes struct {
	CreatedAt, DueAt, ContactedAt time.Time
}

// InTime reports whether the customer was contacted by the deadline; a
// follow-up without a deadline is never in time, as it had none to meet.
func (f FollowUpTimes) InTime() bool {
	return !f.DueAt.IsZero() && !f.ContactedAt.IsZero() && !f.ContactedAt.After(f.DueAt)
}

// LoopCounts are what the store counts for one wave.
type LoopCounts struct {
	// Detractors counts the wave's answers of 0 to 6.
	Detractors int64
	// Contacted are the follow-ups of those detractors in which the
	// customer was contacted.
	Contacted []FollowUpTimes
	// PlansOpen and PlansDone count the improvement plans that followed
	// the wave, by their state now.
	PlansOpen, PlansDone int64
	// WithPlan is the wave's histogram of the accounts that had an
	// improvement plan before the wave opened; WithoutPlan that of every
	// other answer.
	WithPlan, WithoutPlan Histogram
}

// LoopFigures are a wave's loop figures.
type LoopFigures struct {
	Detractors int64
	// Contacted counts the detractors contacted at all; InTime is the
	// share of all detractors contacted by the deadline.
	Contacted int64
	InTime    Share
	// MedianContact is the median time from alert to first contact over
	// the contacted follow-ups; HasMedian is false when none was.
	MedianContact time.Duration
	HasMedian     bool
	PlansOpen     int64
	PlansDone     int64
	// WithPlan and WithoutPlan are the NPS of the two groups of accounts;
	// Difference is WithPlan − WithoutPlan, Compared false when either
	// group has no answers.
	WithPlan, WithoutPlan Result
	Difference            Comparison
	Compared              bool
}

// Figures computes a wave's loop figures from its counts with the
// interval options o.
func (c LoopCounts) Figures(o Options) (LoopFigures, error) {
	f := LoopFigures{Detractors: c.Detractors, PlansOpen: c.PlansOpen, PlansDone: c.PlansDone}
	durations := make([]time.Duration, 0, len(c.Contacted))
	var inTime int64
	for _, fu := range c.Contacted {
		if fu.InTime() {
			inTime++
		}
		durations = append(durations, fu.ContactedAt.Sub(fu.CreatedAt))
	}
	f.Contacted = int64(len(c.Contacted))
	f.InTime = Share{Part: inTime, Whole: c.Detractors}
	f.MedianContact, f.HasMedian = MedianDuration(durations)
	var err error
	if f.WithPlan, err = Estimate(c.WithPlan, o); err != nil {
		return f, err
	}
	if f.WithoutPlan, err = Estimate(c.WithoutPlan, o); err != nil {
		return f, err
	}
	if !f.WithPlan.Empty() && !f.WithoutPlan.Empty() {
		// Compare(a, b) is b − a: with a plan minus without.
		if f.Difference, err = Compare(f.WithoutPlan, f.WithPlan); err != nil {
			return f, err
		}
		f.Compared = true
	}
	return f, nil
}
