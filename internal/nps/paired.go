package nps

import (
	"fmt"
	"math"
)

// Pair is one account's answers in two waves, for the paired comparison.
type Pair struct {
	Before, After Histogram
}

// PairedComparison is the change in NPS among the accounts that answered
// in both waves. Each account counts once, with its own NPS in each wave,
// so the test is free of the between-account spread that dominates an
// unpaired comparison of small B2B samples.
type PairedComparison struct {
	// Accounts is the number of pairs in which both waves have responses.
	Accounts int64
	// Before and After are the account-weighted NPS of those accounts.
	Before, After float64
	// Difference is After − Before; SE = 100·s_d/√k from the per-account
	// changes; T = Difference/SE, tested against Student's t with
	// DF = k − 1 degrees of freedom, which is honest for few accounts.
	Difference, SE, T float64
	DF                int64
	P                 float64
	Significant       bool
	Confidence        float64
}

// ComparePaired tests the change per account between two waves. Pairs in
// which either wave has no responses are left out; at least two pairs
// must remain.
func ComparePaired(pairs []Pair, confidence float64) (PairedComparison, error) {
	if !(confidence > 0 && confidence < 1) {
		return PairedComparison{}, fieldError("confidence", "%v must lie strictly between 0 and 1", confidence)
	}
	var k int64
	var sumB, sumA, mean, m2 float64
	for _, p := range pairs {
		nb, na := p.Before.N(), p.After.N()
		if nb == 0 || na == 0 {
			continue
		}
		b := float64(p.Before.Promoters()-p.Before.Detractors()) / float64(nb)
		a := float64(p.After.Promoters()-p.After.Detractors()) / float64(na)
		// Welford's update keeps the variance exact for many small changes.
		k++
		sumB += b
		sumA += a
		d := a - b
		delta := d - mean
		mean += delta / float64(k)
		m2 += delta * (d - mean)
	}
	if k < 2 {
		return PairedComparison{}, fmt.Errorf("nps: paired comparison needs at least two accounts that answered in both waves, got %d: %w", k, ErrNoResponses)
	}
	c := PairedComparison{
		Accounts: k, Before: 100 * sumB / float64(k), After: 100 * sumA / float64(k),
		Difference: 100 * mean, DF: k - 1, Confidence: confidence,
	}
	c.SE = 100 * math.Sqrt(math.Max(0, m2)/float64(k-1)/float64(k))
	switch {
	case c.SE > 0:
		c.T = c.Difference / c.SE
		c.P = studentTwoSidedP(c.T, float64(c.DF))
	case c.Difference == 0:
		c.P = 1
	default:
		// Every account changed by exactly the same amount.
		c.T = math.Copysign(math.Inf(1), c.Difference)
	}
	c.Significant = c.P < 1-confidence
	return c, nil
}

// studentTwoSidedP is the two-sided p-value of t under Student's t with
// df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).
func studentTwoSidedP(t, df float64) float64 {
	return regIncBeta(df/2, 0.5, df/(df+t*t))
}

// regIncBeta is the regularised incomplete beta function I_x(a, b),
// evaluated by its continued fraction (modified Lentz), using the symmetry
// I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(a, b, x) / a
	}
	return 1 - front*betaFraction(b, a, 1-x)/b
}

func betaFraction(a, b, x float64) float64 {
	const (
		tiny = 1e-300
		eps  = 1e-15
	)
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	f := d
	for m := 1.0; m <= 1000; m++ {
		// The even and the odd step of the continued fraction.
		for _, num := range []float64{
			m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m)),
			-(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1)),
		} {
			d = 1 + num*d
			if math.Abs(d) < tiny {
				d = tiny
			}
			c = 1 + num/c
			if math.Abs(c) < tiny {
				c = tiny
			}
			d = 1 / d
			f *= d * c
		}
		if math.Abs(d*c-1) < eps {
			break
		}
	}
	return f
}
