package nps

import (
	"math"
)

// Method selects how a confidence interval is computed.
type Method string

// The interval methods of the statistics standard.
const (
	// AdjustedWald adds ¾ promoter and ¾ detractor (n + 3) before computing
	// the interval, which keeps its coverage honest for small samples and
	// for scores near ±100. It is the default.
	AdjustedWald Method = "adjusted-wald"
	// Wald is the plain normal-approximation interval around the observed NPS.
	Wald Method = "wald"
)

// ParseMethod accepts "adjusted-wald" or "wald".
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case AdjustedWald, Wald:
		return m, nil
	}
	return "", fieldError("method", "unknown interval method %q (want adjusted-wald or wald)", s)
}

// DefaultConfidence is the confidence level used when none is chosen.
const DefaultConfidence = 0.95

// Options choose how a Result's interval is computed. The zero value means
// the adjusted-Wald interval at 95 % for an unknown (large) population.
type Options struct {
	Method     Method
	Confidence float64
	// Population is the number of customers the sample was drawn from (N),
	// for the finite population correction; 0 means unknown.
	Population int64
}

func (o Options) withDefaults() (Options, error) {
	if o.Method == "" {
		o.Method = AdjustedWald
	}
	if _, err := ParseMethod(string(o.Method)); err != nil {
		return o, err
	}
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return o, fieldError("confidence", "%v must lie strictly between 0 and 1", o.Confidence)
	}
	if o.Population < 0 {
		return o, fieldError("population", "%d must not be negative", o.Population)
	}
	return o, nil
}

// Result is an NPS with its interval, computed from a histogram. All
// figures on the NPS scale (NPS, SE, Low, High, Margin) are unrounded
// points from −100 to +100; round only for display (see Format).
type Result struct {
	// N counts responses; Promoters, Passives and Detractors split it.
	N                               int64
	Promoters, Passives, Detractors int64
	// Shares of promoters, passives and detractors (0–1), weighted when
	// the result is weighted.
	PromoterShare, PassiveShare, DetractorShare float64
	// Weighted results carry the Kish effective sample size (Σw)²/Σw².
	Weighted   bool
	EffectiveN float64
	// NPS is 100·(P − D)/n, or 100·Σwᵢcᵢ/Σwᵢ when weighted. It is the raw
	// estimate whatever the interval method, and 0 when N is 0.
	NPS float64
	// SE is the standard error of the interval method (after the finite
	// population correction); Critical is the two-sided z for Confidence;
	// Margin = Critical·SE; the interval is centre ± Margin, clamped to
	// [−100, +100] because no NPS lies outside it.
	SE, Critical, Margin, Low, High float64
	Method                          Method
	Confidence                      float64
	Population                      int64
}

// Empty reports whether there are no responses: such a result has no NPS
// and must be shown as "no responses", never as 0.
func (r Result) Empty() bool { return r.N == 0 }

// EstimateOf is the NPS of a histogram with the default options, and the
// finite population correction for a population that covers the answers
// (a smaller one, as an import beside the invitations can make it, counts
// as unknown). The pages, the report and the exports show it. Only counts
// Estimate refuses fail, which no rollup holds: the result is then empty,
// shown as "no responses", never a wrong figure.
func EstimateOf(h Histogram, population int64) Result {
	o := Options{}
	if population >= h.N() {
		o.Population = population
	}
	r, err := Estimate(h, o)
	if err != nil {
		return Result{}
	}
	return r
}

// Estimate computes the NPS and its interval from a histogram.
func Estimate(h Histogram, o Options) (Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Result{}, err
	}
	for s, c := range h {
		if c < 0 {
			return Result{}, fieldError("histogram", "negative count %d for score %d", c, s)
		}
	}
	r := Result{N: h.N(), Promoters: h.Promoters(), Passives: h.Passives(), Detractors: h.Detractors()}
	if r.N > 0 {
		n := float64(r.N)
		r.PromoterShare = float64(r.Promoters) / n
		r.PassiveShare = float64(r.Passives) / n
		r.DetractorShare = float64(r.Detractors) / n
		// From integer counts in one division: exact whenever the true
		// value is representable (e.g. +12.5), so display rounding is exact.
		r.NPS = float64(100*(r.Promoters-r.Detractors)) / n
	}
	return interval(r, float64(r.N), o)
}

// interval fills in the interval fields of r for a sample of effective
// size nEff whose counts and shares are set.
func interval(r Result, nEff float64, o Options) (Result, error) {
	if o.Population > 0 && o.Population < r.N {
		return Result{}, fieldError("population", "%d is smaller than the %d responses", o.Population, r.N)
	}
	r.EffectiveN = nEff
	r.Method, r.Confidence, r.Population = o.Method, o.Confidence, o.Population
	r.Critical = CriticalValue(o.Confidence)
	if r.Empty() {
		return r, nil
	}
	pP, pD := r.PromoterShare, r.DetractorShare
	centre := r.NPS
	var se float64
	switch o.Method {
	case Wald:
		se = 100 * math.Sqrt(variance(pP, pD)/nEff)
	case AdjustedWald:
		a := nEff + 3
		p, d := (pP*nEff+0.75)/a, (pD*nEff+0.75)/a
		se = 100 * math.Sqrt(variance(p, d)/a)
		centre = 100 * (p - d)
	}
	if o.Population > 0 {
		// Only the N − n customers who did not answer are uncertain: the SE
		// shrinks by √((N − n)/(N − 1)), and the adjusted centre's pull away
		// from the observed NPS shrinks with the unsampled share (N − n)/N.
		// A census (n = N) thus collapses onto the observed NPS.
		N, n := float64(o.Population), float64(r.N)
		f := 0.0
		if N > 1 {
			f = math.Sqrt((N - n) / (N - 1))
		}
		se *= f
		centre = r.NPS + (N-n)/N*(centre-r.NPS)
	}
	r.SE = se
	r.Margin = r.Critical * se
	r.Low = math.Max(-100, centre-r.Margin)
	r.High = math.Min(100, centre+r.Margin)
	return r, nil
}

// variance is the variance of one response's contribution c ∈ {+1, 0, −1}
// for promoter share p and detractor share d: p + d − (p − d)².
func variance(p, d float64) float64 {
	return math.Max(0, p+d-(p-d)*(p-d))
}

// Variance is the per-response variance of the sample, p + d − (p − d)²,
// at most 1; MinimumDetectableChange takes it to plan the next wave.
func (r Result) Variance() float64 {
	return variance(r.PromoterShare, r.DetractorShare)
}
