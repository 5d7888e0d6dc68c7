package nps

import (
	"math"
	"testing"
)

func TestNormalQuantile(t *testing.T) {
	// Reference values from statistical tables (to 15 digits).
	tests := []struct{ p, want float64 }{
		{0.5, 0},
		{0.975, 1.959963984540054},
		{0.95, 1.644853626951472},
		{0.995, 2.575829303548901},
		{0.8, 0.841621233572914},
		{0.025, -1.959963984540054},
		{1e-10, -6.361340902404056},
		{1 - 1e-12, 7.034486910047836}, // the float nearest 1 − 1e-12 is not exactly it
	}
	for _, tt := range tests {
		if got := normalQuantile(tt.p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("normalQuantile(%v): got %.15g, want %.15g", tt.p, got, tt.want)
		}
	}
}

// normalCDF is Φ, the standard normal distribution function.
func normalCDF(x float64) float64 {
	return 0.5 * math.Erfc(-x/math.Sqrt2)
}

func TestNormalRoundTrip(t *testing.T) {
	for x := -8.0; x <= 5; x += 0.01 {
		if got := normalQuantile(normalCDF(x)); math.Abs(got-x) > 1e-7*math.Max(1, math.Abs(x)) {
			t.Fatalf("normalQuantile(normalCDF(%v)): got %v", x, got)
		}
	}
}

func TestTwoSidedP(t *testing.T) {
	tests := []struct{ z, want float64 }{
		{0, 1},
		{1.959963984540054, 0.05},
		{-2.575829303548901, 0.01},
	}
	for _, tt := range tests {
		if got := twoSidedP(tt.z); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("twoSidedP(%v): got %v, want %v", tt.z, got, tt.want)
		}
	}
}
