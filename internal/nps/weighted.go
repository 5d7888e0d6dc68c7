package nps

import (
	"fmt"
	"math"
)

// WeightedHistogram keeps per score the count, the sum of weights and the
// sum of squared weights: enough to compute a weighted NPS and its Kish
// effective sample size, and still combinable across groups by addition.
type WeightedHistogram struct {
	Count  Histogram
	Weight [11]float64
	Square [11]float64
}

// ValidWeight reports whether w can weigh a response: 0 ≤ w ≤ MaxWeight.
func ValidWeight(w float64) bool { return w >= 0 && w <= MaxWeight }

// MaxWeight bounds a single weight so that sums of squares over any
// realistic number of responses stay finite.
const MaxWeight = 1e12

// Add counts one response with the given score and weight; callers check
// both with ValidScore and ValidWeight first.
func (h *WeightedHistogram) Add(score int, w float64) {
	if !ValidWeight(w) {
		panic(fmt.Sprintf("nps: weight %v invalid", w))
	}
	h.Count.Add(score)
	h.Weight[score] += w
	h.Square[score] += w * w
}

// EstimateWeighted computes the weighted NPS Σwᵢcᵢ/Σwᵢ and its interval,
// using the Kish effective sample size (Σw)²/Σw² in place of n. Counts in
// the result are plain response counts; shares and NPS are weighted.
func EstimateWeighted(h WeightedHistogram, o Options) (Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Result{}, err
	}
	var sum, sq, wP, wA, wD float64
	for s := range h.Weight {
		w, w2 := h.Weight[s], h.Square[s]
		if !finiteNonNegative(w) || !finiteNonNegative(w2) || h.Count[s] < 0 {
			return Result{}, fieldError("weights", "invalid weights for score %d", s)
		}
		sum += w
		sq += w2
		switch CategoryOf(s) {
		case Promoter:
			wP += w
		case Passive:
			wA += w
		default:
			wD += w
		}
	}
	c := h.Count
	r := Result{Weighted: true, N: c.N(), Promoters: c.Promoters(), Passives: c.Passives(), Detractors: c.Detractors()}
	if r.N == 0 {
		return interval(r, 0, o)
	}
	if sum == 0 {
		return Result{}, fieldError("weights", "the weights of the responses add up to zero")
	}
	r.PromoterShare, r.PassiveShare, r.DetractorShare = wP/sum, wA/sum, wD/sum
	r.NPS = 100 * (wP - wD) / sum
	return interval(r, sum*sum/sq, o)
}

func finiteNonNegative(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }
