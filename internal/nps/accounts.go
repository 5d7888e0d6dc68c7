package nps

// B2B roll-ups: a large account with many respondents should not drown
// out the others, so besides the respondent NPS (every response counts
// once) the dashboard shows the account-weighted NPS (every account counts
// once: its responses share a weight of 1) and the revenue-weighted NPS
// (every account counts by its revenue, shared among its responses). Both
// are weighted estimates (EstimateWeighted) with the Kish effective sample
// size, so their intervals widen when a few accounts carry the weight.

// AccountWeighted is the NPS in which every account with responses
// counts once, from one histogram per account.
func AccountWeighted(accounts []Histogram, o Options) (Result, error) {
	weights := make([]float64, len(accounts))
	for i := range weights {
		weights[i] = 1
	}
	return accountWeighted(accounts, weights, o)
}

// RevenueWeighted is the NPS in which every account counts by its
// revenue; revenue[i] belongs to accounts[i]. Accounts without revenue
// weigh nothing; when no account with responses has revenue, the result
// is an error, since there is nothing to weigh by.
func RevenueWeighted(accounts []Histogram, revenue []float64, o Options) (Result, error) {
	if len(revenue) != len(accounts) {
		return Result{}, fieldError("revenue", "%d revenues for %d accounts", len(revenue), len(accounts))
	}
	return accountWeighted(accounts, revenue, o)
}

func accountWeighted(accounts []Histogram, weights []float64, o Options) (Result, error) {
	var wh WeightedHistogram
	for i, h := range accounts {
		n := h.N()
		if n == 0 {
			continue
		}
		if !ValidWeight(weights[i]) {
			return Result{}, fieldError("weights", "account %d: weight %v must lie from 0 to %g", i, weights[i], MaxWeight)
		}
		w := weights[i] / float64(n) // each response's share of the account's weight
		for s, c := range h {
			if c < 0 {
				return Result{}, fieldError("histogram", "account %d: negative count %d for score %d", i, c, s)
			}
			wh.Count[s] += c
			wh.Weight[s] += float64(c) * w
			wh.Square[s] += float64(c) * w * w
		}
	}
	return EstimateWeighted(wh, o)
}

// UncertainBelow is the number of responses below which a figure is
// flagged as a small sample.
const UncertainBelow = 30

// WideInterval is the interval width, in points, beyond which a figure is
// flagged as too uncertain to read on its own.
const WideInterval = 40

// Uncertain reports whether r should carry a small-n warning: fewer than
// UncertainBelow responses (effective responses when weighted), or an
// interval wider than WideInterval points.
func (r Result) Uncertain() bool {
	n := float64(r.N)
	if r.Weighted {
		n = r.EffectiveN
	}
	return n < UncertainBelow || r.High-r.Low > WideInterval
}
