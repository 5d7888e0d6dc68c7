package nps

import (
	"fmt"
	"math"
)

// WilsonInterval is the Wilson score interval of the share k/n at the given
// confidence. It is the interval for churn rates: a group of accounts is
// often small and its churn rate near 0, where the plain normal interval
// collapses to a point at k = 0 and runs below 0 for small k, while
// Wilson's stays inside [0, 1] and keeps its coverage. With p̂ = k/n and z
// the two-sided critical value:
//
//	centre = (p̂ + z²/2n) / (1 + z²/n)
//	half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
//
// k = 0 gives low exactly 0 and k = n high exactly 1.
func WilsonInterval(k, n int64, confidence float64) (low, high float64, err error) {
	switch {
	case n <= 0:
		return 0, 0, fmt.Errorf("nps: wilson interval of %d out of %d: %w", k, n, ErrNoResponses)
	case k < 0 || k > n:
		return 0, 0, fieldError("k", "%d must lie from 0 to n = %d", k, n)
	case !(confidence > 0 && confidence < 1):
		return 0, 0, fieldError("confidence", "%v must lie strictly between 0 and 1", confidence)
	}
	z := CriticalValue(confidence)
	nf, p := float64(n), float64(k)/float64(n)
	z2n := z * z / nf
	centre := (p + z2n/2) / (1 + z2n)
	half := z / (1 + z2n) * math.Sqrt(p*(1-p)/nf+z2n/(4*nf))
	low, high = math.Max(0, centre-half), math.Min(1, centre+half)
	// At the edges the two terms cancel exactly in theory but not in
	// floating point; the bounds are then known exactly.
	if k == 0 {
		low = 0
	}
	if k == n {
		high = 1
	}
	return low, high, nil
}
