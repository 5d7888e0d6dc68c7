package nps

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestWilsonInterval(t *testing.T) {
	// z = 1.959964 at 95 %, z² = 3.841459; at 90 % z = 1.644854.
	tests := []struct {
		name      string
		k, n      int64
		conf      float64
		low, high float64
	}{
		// n = 10: z²/n = 0.384146, 1 + z²/n = 1.384146.
		// k = 0: centre = 0.192073/1.384146 = 0.138766,
		// half = 1.959964/1.384146·√(0 + 0.384146/40) = 1.416011·0.098000 = 0.138766:
		// [0, 0.277533].
		{"none of 10", 0, 10, 0.95, 0, 0.2775327998628891},
		// k = 1: centre = (0.1 + 0.192073)/1.384146 = 0.211013,
		// half = 1.416011·√(0.009 + 0.009604) = 1.416011·0.136395 = 0.193137:
		// [0.017876, 0.404150].
		{"one of 10", 1, 10, 0.95, 0.01787621309507289, 0.40415002679523795},
		// k = n mirrors k = 0: [1 − 0.277533, 1].
		{"all of 10", 10, 10, 0.95, 0.7224672001371109, 1},
		// n = 50: z²/n = 0.076829, 1 + z²/n = 1.076829. p̂ = 0.1:
		// centre = (0.1 + 0.038415)/1.076829 = 0.128539,
		// half = 1.820104·√(0.0018 + 0.000384) = 1.820104·0.046735 = 0.085063:
		// [0.043476, 0.213602].
		{"five of 50", 5, 50, 0.95, 0.043475764931890434, 0.21360231437479746},
		// n = 1: z²/n = 3.841459; centre = 1.920729/4.841459 = 0.396725 = half.
		{"none of 1", 0, 1, 0.95, 0, 0.7934506856227627},
		{"one of 1", 1, 1, 0.95, 0.20654931437723735, 1},
		// p̂ = 0.5 is centred at 0.5 for any n: half = 1.959964/2.920729·√(0.125 + 0.240091) = 0.405469.
		{"one of 2", 1, 2, 0.95, 0.0945312057342307, 0.9054687942657693},
		// 90 %: z²/n = 0.270554; centre = (0.1 + 0.135277)/1.270554 = 0.185177,
		// half = 1.294597·√(0.009 + 0.006764) = 0.162542: [0.022635, 0.347719].
		{"one of 10 at 90 %", 1, 10, 0.90, 0.02263490873086718, 0.34771866733585843},
	}
	for _, tc := range tests {
		low, high, err := WilsonInterval(tc.k, tc.n, tc.conf)
		if err != nil {
			t.Fatalf("%s: WilsonInterval(%d, %d, %v): %v", tc.name, tc.k, tc.n, tc.conf, err)
		}
		if !near(low, tc.low) || !near(high, tc.high) {
			t.Errorf("%s: WilsonInterval(%d, %d, %v) = [%.17g, %.17g], want [%.17g, %.17g]", tc.name, tc.k, tc.n, tc.conf, low, high, tc.low, tc.high)
		}
	}
}

func TestWilsonIntervalErrors(t *testing.T) {
	if _, _, err := WilsonInterval(0, 0, 0.95); !errors.Is(err, ErrNoResponses) {
		t.Errorf("WilsonInterval(0, 0): got %v, want ErrNoResponses", err)
	}
	for _, c := range []struct {
		k, n int64
		conf float64
	}{{-1, 10, 0.95}, {11, 10, 0.95}, {1, 10, 0}, {1, 10, 1}} {
		var ve *ValidationError
		if _, _, err := WilsonInterval(c.k, c.n, c.conf); !errors.As(err, &ve) {
			t.Errorf("WilsonInterval(%d, %d, %v): got %v, want a *ValidationError", c.k, c.n, c.conf, err)
		}
	}
}

// The interval lies in [0, 1], contains the observed share, and is
// symmetric: the interval of n − k is the mirror of that of k.
func TestWilsonIntervalProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 20000; i++ {
		n := 1 + rng.Int64N([]int64{3, 30, 1000, 1_000_000}[rng.IntN(4)])
		k := rng.Int64N(n + 1)
		conf := 0.5 + rng.Float64()*0.499
		low, high, err := WilsonInterval(k, n, conf)
		if err != nil {
			t.Fatalf("WilsonInterval(%d, %d, %v): %v", k, n, conf, err)
		}
		p := float64(k) / float64(n)
		if !(0 <= low && low <= p && p <= high && high <= 1) {
			t.Fatalf("WilsonInterval(%d, %d, %v) = [%v, %v]: not 0 ≤ low ≤ %v ≤ high ≤ 1", k, n, conf, low, high, p)
		}
		mlow, mhigh, _ := WilsonInterval(n-k, n, conf)
		if !near(low, 1-mhigh) || !near(high, 1-mlow) {
			t.Fatalf("WilsonInterval(%d, %d) = [%v, %v] is not the mirror of [%v, %v] for %d", k, n, low, high, mlow, mhigh, n-k)
		}
	}
}
