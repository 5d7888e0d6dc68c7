package nps

import (
	"errors"
	"fmt"
	"math"
)

// Comparison is the change from an earlier result A to a later result B.
type Comparison struct {
	// Difference is B.NPS − A.NPS in points (signed: positive is a rise).
	Difference float64
	// SE is √(SE_A² + SE_B²); Z = Difference/SE and P its two-sided
	// p-value. When both results are exact (SE 0, e.g. two censuses), Z is
	// ±Inf for any difference and P is 0.
	SE, Z, P float64
	// Significant is P < 1 − Confidence.
	Significant bool
	Confidence  float64
}

// ErrNoResponses is returned by a computation that needs responses when a
// result has none.
var ErrNoResponses = errors.New("no responses")

// Compare tests the difference between two independent results computed
// at the same confidence level, e.g. this wave (b) against the last (a).
func Compare(a, b Result) (Comparison, error) {
	if a.Empty() || b.Empty() {
		return Comparison{}, fmt.Errorf("nps: compare: %w", ErrNoResponses)
	}
	if a.Confidence != b.Confidence {
		return Comparison{}, fieldError("confidence", "cannot compare results at confidence %v and %v", a.Confidence, b.Confidence)
	}
	c := Comparison{Difference: b.NPS - a.NPS, SE: math.Hypot(a.SE, b.SE), Confidence: a.Confidence}
	switch {
	case c.SE > 0:
		c.Z = c.Difference / c.SE
		c.P = twoSidedP(c.Z)
	case c.Difference == 0:
		c.P = 1
	default:
		c.Z = math.Copysign(math.Inf(1), c.Difference)
	}
	c.Significant = c.P < 1-c.Confidence
	return c, nil
}

// DefaultPower is the chance of detecting a true change that the minimum
// detectable change is planned for.
const DefaultPower = 0.8

// MinimumDetectableChange is the smallest true change in NPS points that a
// comparison of two independent samples of n1 and n2 responses finds
// significant at the given confidence with the given power, for a
// per-response variance v (Result.Variance; 1 is the worst case):
// (z₁₋α/₂ + z_power)·100·√(v/n1 + v/n2).
func MinimumDetectableChange(n1, n2 int64, v, confidence, power float64) (float64, error) {
	switch {
	case n1 <= 0 || n2 <= 0:
		return 0, fmt.Errorf("nps: minimum detectable change: %w", ErrNoResponses)
	case !(v >= 0 && v <= 1):
		return 0, fieldError("variance", "%v must lie between 0 and 1", v)
	case !(confidence > 0 && confidence < 1):
		return 0, fieldError("confidence", "%v must lie strictly between 0 and 1", confidence)
	case !(power > 0 && power < 1):
		return 0, fieldError("power", "%v must lie strictly between 0 and 1", power)
	}
	z := CriticalValue(confidence) + normalQuantile(power)
	return z * 100 * math.Sqrt(v/float64(n1)+v/float64(n2)), nil
}
