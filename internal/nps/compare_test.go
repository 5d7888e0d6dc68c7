package nps

import (
	"errors"
	"math"
	"testing"
)

func TestCompare(t *testing.T) {
	// The second seed article: last year −10 (P 30, A 30, D 40 of 100),
	// this year +18 (P 40, A 38, D 22 of 100), adjusted Wald.
	// SE_A = 100·√((0.304 + 0.403 − 0.0094)/103) = 8.153555, SE_B = 7.542531;
	// SE = √(8.153555² + 7.542531²) = 11.107216; z = 28/11.107216 = 2.520884;
	// p = 2·(1 − Φ(2.520884)) = 0.011706 < 0.05: significant.
	a, _ := Estimate(hist(30, 30, 40), Options{})
	b, _ := Estimate(hist(40, 38, 22), Options{})
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := Comparison{Difference: 28, SE: 11.10721599220072, Z: 2.5208837227673504, P: 0.01170605272219308, Significant: true, Confidence: 0.95}
	if !near(c.Difference, want.Difference) || !near(c.SE, want.SE) || !near(c.Z, want.Z) || !near(c.P, want.P) || c.Significant != want.Significant {
		t.Errorf("Compare(−10, +18): got %+v, want %+v", c, want)
	}
	// Reversed, the sign flips and p stays.
	r, _ := Compare(b, a)
	if !near(r.Difference, -28) || !near(r.Z, -want.Z) || !near(r.P, want.P) {
		t.Errorf("Compare(+18, −10): got %+v", r)
	}
}

func TestCompareNotSignificant(t *testing.T) {
	// +18 versus +20 on n = 100 each: z ≈ 0.19, far from significant.
	a, _ := Estimate(hist(40, 38, 22), Options{})
	b, _ := Estimate(hist(41, 38, 21), Options{})
	c, _ := Compare(a, b)
	if c.Significant || c.P < 0.5 {
		t.Errorf("Compare(+18, +20): got %+v, want not significant", c)
	}
}

func TestCompareExact(t *testing.T) {
	a, _ := Estimate(hist(5, 3, 2), Options{Population: 10})
	b, _ := Estimate(hist(6, 3, 1), Options{Population: 10})
	c, _ := Compare(a, b)
	if !math.IsInf(c.Z, 1) || c.P != 0 || !c.Significant || !near(c.Difference, 20) {
		t.Errorf("Compare(census, census): got %+v, want z=+Inf p=0 significant", c)
	}
	c, _ = Compare(a, a)
	if c.Z != 0 || c.P != 1 || c.Significant {
		t.Errorf("Compare(census, same census): got %+v, want z=0 p=1", c)
	}
}

func TestCompareErrors(t *testing.T) {
	a, _ := Estimate(hist(1, 1, 1), Options{})
	empty, _ := Estimate(Histogram{}, Options{})
	if _, err := Compare(a, empty); !errors.Is(err, ErrNoResponses) {
		t.Errorf("Compare(a, empty): got %v, want ErrNoResponses", err)
	}
	b, _ := Estimate(hist(1, 1, 1), Options{Confidence: 0.9})
	if _, err := Compare(a, b); err == nil {
		t.Error("Compare(95 %, 90 %): got no error, want one")
	}
}

func TestMinimumDetectableChange(t *testing.T) {
	// Worst case v = 1, n = 100 twice: (1.959964 + 0.841621)·100·√(0.02) = 39.620398.
	got, err := MinimumDetectableChange(100, 100, 1, 0.95, DefaultPower)
	if err != nil || !near(got, 39.620398115993446) {
		t.Errorf("MinimumDetectableChange(100, 100, 1): got %v, %v; want 39.620398115993446", got, err)
	}
	// Quadrupling both samples halves it.
	big, _ := MinimumDetectableChange(400, 400, 1, 0.95, DefaultPower)
	if !near(big, got/2) {
		t.Errorf("MinimumDetectableChange(400, 400, 1): got %v, want %v", big, got/2)
	}
	for _, bad := range [][4]float64{{0, 10, 1, 0.95}, {10, 10, 1.5, 0.95}, {10, 10, 0.5, 1}} {
		if _, err := MinimumDetectableChange(int64(bad[0]), int64(bad[1]), bad[2], bad[3], DefaultPower); err == nil {
			t.Errorf("MinimumDetectableChange%v: got no error, want one", bad)
		}
	}
}
