package nps

import (
	"errors"
	"math"
	"testing"
)

// hist builds a histogram from promoter, passive and detractor counts,
// placing them on 10, 8 and 0: the statistics depend only on the categories.
func hist(p, a, d int64) Histogram {
	var h Histogram
	h[10], h[8], h[0] = p, a, d
	return h
}

const tol = 1e-9

func near(got, want float64) bool { return math.Abs(got-want) <= tol }

// TestEstimate checks results against hand-worked examples. z for 95 % is
// 1.959963984540054, for 90 % 1.644853626951472, for 99 % 2.575829303548901.
func TestEstimate(t *testing.T) {
	tests := []struct {
		name                       string
		h                          Histogram
		o                          Options
		nps, se, low, high, margin float64
		shown                      string
	}{
		{
			// n = 100, P = 40, D = 22: NPS = 100·18/100 = 18.
			// p′ = 40.75/103 = 0.395631, d′ = 22.75/103 = 0.220874,
			// centre = 100·(p′ − d′) = 17.475728;
			// var = p′ + d′ − (p′ − d′)² = 0.616505 − 0.030540 = 0.585965;
			// SE = 100·√(0.585965/103) = 7.542531; margin = 1.959964·SE = 14.783090.
			name: "adjusted wald", h: hist(40, 38, 22),
			nps: 18, se: 7.542531488412174, margin: 14.783090069547146,
			low: 2.692638085792659, high: 32.25881822488695, shown: "+18",
		},
		{
			// var = 0.40 + 0.22 − 0.18² = 0.5876; SE = 100·√(0.5876/100) = 7.665507;
			// margin = 1.959964·7.665507 = 15.024118; 18 ± 15.024118.
			name: "wald", h: hist(40, 38, 22), o: Options{Method: Wald},
			nps: 18, se: 7.66550715869472, margin: 15.024117954275608,
			low: 2.9758820457243917, high: 33.02411795427561, shown: "+18",
		},
		{
			// Same SE as adjusted wald; margin = 1.644854·7.542531 = 12.406360.
			name: "90 percent", h: hist(40, 38, 22), o: Options{Confidence: 0.90},
			nps: 18, se: 7.542531488412174, margin: 12.406360275110446,
			low: 5.069367880229359, high: 29.882088430450253, shown: "+18",
		},
		{
			// margin = 2.575829·7.665507 = 19.745038.
			name: "99 percent wald", h: hist(40, 38, 22), o: Options{Method: Wald, Confidence: 0.99},
			nps: 18, se: 7.66550715869472, margin: 19.74503796592973,
			low: -1.745037965929729, high: 37.745037965929725, shown: "+18",
		},
		{
			// n = 8, P = 2, D = 1: NPS = 100/8 = 12.5, shown +13 (half away from zero).
			// p′ = 2.75/11 = 0.25, d′ = 1.75/11 = 0.159091, centre = 9.090909;
			// var = 0.409091 − 0.008264 = 0.400826; SE = 100·√(0.400826/11) = 19.088941.
			name: "half rounds up", h: hist(2, 5, 1),
			nps: 12.5, se: 19.088941260249747, margin: 37.413637373090125,
			low: -28.322728282181032, high: 46.50454646399922, shown: "+13",
		},
		{
			name: "half rounds down", h: hist(1, 5, 2),
			nps: -12.5, se: 19.088941260249747, margin: 37.413637373090125,
			low: -46.50454646399922, high: 28.322728282181032, shown: "-13",
		},
		{
			// A census: n = N = 10, so √((N − n)/(N − 1)) = 0 and the
			// interval collapses onto the observed NPS 100·3/10 = 30.
			name: "census", h: hist(5, 3, 2), o: Options{Population: 10},
			nps: 30, se: 0, margin: 0, low: 30, high: 30, shown: "+30",
		},
		{
			// n = 9 of N = 20: f = √(11/19) = 0.760886. NPS = 100·3/9 = 33.333333.
			// p′ = 5.75/12, d′ = 2.75/12: adjusted centre 25, SE before FPC
			// 100·√((0.708333 − 0.0625)/12) = 23.198958; after: 17.651806.
			// Centre = 33.333333 + (11/20)·(25 − 33.333333) = 28.75.
			name: "finite population", h: hist(5, 2, 2), o: Options{Population: 20},
			nps: 100.0 / 3, se: 17.65180606368486, margin: 34.59690414690805,
			low: -5.846904146908052, high: 63.34690414690805, shown: "+33",
		},
		{
			// var = 5/9 + 2/9 − (3/9)² = 0.666667; SE = 100·√(0.666667/9)·f
			// = 27.216553·0.760886 = 20.708691.
			name: "finite population wald", h: hist(5, 2, 2), o: Options{Method: Wald, Population: 20},
			nps: 100.0 / 3, se: 20.708691473246517, margin: 40.58828945451488,
			low: -7.254956121181543, high: 73.92162278784821, shown: "+33",
		},
		{
			// P = 2 of 2: p′ = 2.75/5 = 0.55, d′ = 0.15, centre 40;
			// var = 0.70 − 0.16 = 0.54, SE = 100·√(0.54/5) = 32.863353;
			// 40 + 64.410989 = 104.41 is clamped to 100.
			name: "clamped", h: hist(2, 0, 0),
			nps: 100, se: 32.863353450309965, margin: 64.41098917381764,
			low: -24.41098917381764, high: 100, shown: "+100",
		},
		{
			// All promoters: var = 1 + 0 − 1 = 0, so the plain Wald interval is a point.
			name: "wald degenerate", h: hist(2, 0, 0), o: Options{Method: Wald},
			nps: 100, se: 0, margin: 0, low: 100, high: 100, shown: "+100",
		},
		{
			// n = 1: p′ = 1.75/4, d′ = 0.75/4, centre 25; var = 0.625 − 0.0625, SE = 100·√(0.5625/4) = 37.5.
			name: "one response", h: hist(1, 0, 0),
			nps: 100, se: 37.5, margin: 73.49864942025201,
			low: -48.49864942025201, high: 98.49864942025201, shown: "+100",
		},
		{
			name: "zero", h: hist(3, 4, 3),
			nps: 0, shown: "0",
			// p′ = d′ = 3.75/13; var = 7.5/13; SE = 100·√(7.5/169) = 21.066...
			se: 100 * math.Sqrt(7.5/169), margin: 1.959963984540054 * 100 * math.Sqrt(7.5/169),
			low: -1.959963984540054 * 100 * math.Sqrt(7.5/169), high: 1.959963984540054 * 100 * math.Sqrt(7.5/169),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Estimate(tt.h, tt.o)
			if err != nil {
				t.Fatalf("Estimate(%v): %v", tt.h, err)
			}
			for _, f := range []struct {
				name      string
				got, want float64
			}{{"nps", r.NPS, tt.nps}, {"se", r.SE, tt.se}, {"margin", r.Margin, tt.margin}, {"low", r.Low, tt.low}, {"high", r.High, tt.high}} {
				if !near(f.got, f.want) {
					t.Errorf("Estimate(%v, %+v).%s: got %.12g, want %.12g", tt.h, tt.o, f.name, f.got, f.want)
				}
			}
			if got := r.Format(); got != tt.shown {
				t.Errorf("Estimate(%v).Format(): got %q, want %q", tt.h, got, tt.shown)
			}
		})
	}
}

func TestEstimateCounts(t *testing.T) {
	h := Histogram{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	r, err := Estimate(h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// D = 1+…+7 = 28, A = 8 + 9 = 17, P = 10 + 11 = 21, n = 66.
	if r.N != 66 || r.Promoters != 21 || r.Passives != 17 || r.Detractors != 28 {
		t.Errorf("counts of %v: got n=%d P=%d A=%d D=%d, want 66 21 17 28", h, r.N, r.Promoters, r.Passives, r.Detractors)
	}
	if !near(r.PromoterShare, 21.0/66) || !near(r.PassiveShare, 17.0/66) || !near(r.DetractorShare, 28.0/66) {
		t.Errorf("shares of %v: got %v %v %v", h, r.PromoterShare, r.PassiveShare, r.DetractorShare)
	}
	// NPS = 100·(21 − 28)/66 = −10.606 → −11.
	if got := r.Format(); got != "-11" {
		t.Errorf("Format: got %q, want -11", got)
	}
	if r.Method != AdjustedWald || r.Confidence != 0.95 || !near(r.Critical, 1.959963984540054) {
		t.Errorf("defaults: got %v %v %v", r.Method, r.Confidence, r.Critical)
	}
}

func TestEstimateEmpty(t *testing.T) {
	for _, o := range []Options{{}, {Method: Wald}, {Population: 50}} {
		r, err := Estimate(Histogram{}, o)
		if err != nil {
			t.Fatalf("Estimate(empty, %+v): %v", o, err)
		}
		if !r.Empty() || r.Format() != NoResponses {
			t.Errorf("Estimate(empty, %+v): got %q, want %q", o, r.Format(), NoResponses)
		}
		for _, v := range []float64{r.NPS, r.SE, r.Low, r.High, r.Margin} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("Estimate(empty, %+v): non-finite figure in %+v", o, r)
			}
		}
	}
}

func TestEstimateInvalid(t *testing.T) {
	tests := []struct {
		name  string
		h     Histogram
		o     Options
		field string
	}{
		{"method", hist(1, 1, 1), Options{Method: "wilson"}, "method"},
		{"confidence one", hist(1, 1, 1), Options{Confidence: 1}, "confidence"},
		{"confidence negative", hist(1, 1, 1), Options{Confidence: -0.5}, "confidence"},
		{"confidence NaN", hist(1, 1, 1), Options{Confidence: math.NaN()}, "confidence"},
		{"population below n", hist(5, 5, 5), Options{Population: 14}, "population"},
		{"population negative", hist(5, 5, 5), Options{Population: -1}, "population"},
		{"negative count", Histogram{-1, 2}, Options{}, "histogram"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Estimate(tt.h, tt.o)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("Estimate(%v, %+v): got error %v, want a validation error on %q", tt.h, tt.o, err, tt.field)
			}
		})
	}
}

func TestEstimateWeighted(t *testing.T) {
	// Scores 10 (w 2), 9 (w 0.5), 8 (w 1), 3 (w 1): Σw = 4.5, Σw² = 6.25,
	// Kish n = 4.5²/6.25 = 3.24. NPS = 100·(2.5 − 1)/4.5 = 33.333333.
	// Wald: var = 2.5/4.5 + 1/4.5 − (1.5/4.5)² = 0.666667;
	// SE = 100·√(0.666667/3.24) = 45.360921.
	// Adjusted: a = 6.24, p′ = (2.5/4.5·3.24 + 0.75)/6.24 = 0.408654,
	// d′ = (3.24/4.5 + 0.75)/6.24 = 0.235577, centre 17.307692;
	// SE = 100·√((0.644231 − 0.029956)/6.24) = 31.375393.
	var h WeightedHistogram
	for _, sw := range []struct {
		s int
		w float64
	}{{10, 2}, {9, 0.5}, {8, 1}, {3, 1}} {
		h.Add(sw.s, sw.w)
	}
	tests := []struct {
		method             Method
		se, low, high, nps float64
	}{
		{Wald, 45.360921162651444, -55.57243845102423, 100, 100.0 / 3},
		{AdjustedWald, 31.375393243244933, -44.1869484498491, 78.80233306523373, 100.0 / 3},
	}
	for _, tt := range tests {
		r, err := EstimateWeighted(h, Options{Method: tt.method})
		if err != nil {
			t.Fatal(err)
		}
		if !near(r.EffectiveN, 3.24) || !near(r.NPS, tt.nps) || !near(r.SE, tt.se) || !near(r.Low, tt.low) || !near(r.High, tt.high) {
			t.Errorf("EstimateWeighted(%s): got n_eff=%v nps=%v se=%v [%v, %v], want 3.24 %v %v [%v, %v]",
				tt.method, r.EffectiveN, r.NPS, r.SE, r.Low, r.High, tt.nps, tt.se, tt.low, tt.high)
		}
		if r.N != 4 || r.Promoters != 2 || r.Passives != 1 || r.Detractors != 1 || r.Format() != "+33" {
			t.Errorf("EstimateWeighted(%s): got counts %d %d %d %d shown %q", tt.method, r.N, r.Promoters, r.Passives, r.Detractors, r.Format())
		}
	}
}

func TestEstimateWeightedEqualWeights(t *testing.T) {
	// Equal weights must reproduce the unweighted result exactly.
	var w WeightedHistogram
	h := Histogram{3, 0, 1, 0, 2, 5, 4, 9, 8, 7, 12}
	for s, c := range h {
		for range c {
			w.Add(s, 2.5)
		}
	}
	for _, m := range []Method{Wald, AdjustedWald} {
		a, _ := Estimate(h, Options{Method: m, Population: 80})
		b, err := EstimateWeighted(w, Options{Method: m, Population: 80})
		if err != nil {
			t.Fatal(err)
		}
		if !near(a.NPS, b.NPS) || !near(a.SE, b.SE) || !near(a.Low, b.Low) || !near(a.High, b.High) || !near(b.EffectiveN, float64(a.N)) {
			t.Errorf("%s: weighted %+v differs from unweighted %+v", m, b, a)
		}
	}
}

func TestEstimateWeightedInvalid(t *testing.T) {
	var zero WeightedHistogram
	zero.Add(9, 0)
	if _, err := EstimateWeighted(zero, Options{}); err == nil {
		t.Error("EstimateWeighted(all weights zero): got no error, want one")
	}
	var bad WeightedHistogram
	bad.Count[4], bad.Weight[4], bad.Square[4] = 1, math.NaN(), 1
	if _, err := EstimateWeighted(bad, Options{}); err == nil {
		t.Error("EstimateWeighted(NaN weight): got no error, want one")
	}
	r, err := EstimateWeighted(WeightedHistogram{}, Options{})
	if err != nil || !r.Empty() || r.Format() != NoResponses {
		t.Errorf("EstimateWeighted(empty): got %q, %v; want %q", r.Format(), err, NoResponses)
	}
	for _, w := range []float64{-1, math.Inf(1), math.NaN(), 2e12} {
		if ValidWeight(w) {
			t.Errorf("ValidWeight(%v): got true, want false", w)
		}
	}
}

func BenchmarkEstimate(b *testing.B) {
	h := Histogram{250, 120, 130, 200, 300, 400, 1100, 2100, 2400, 1500, 1500}
	for b.Loop() {
		if _, err := Estimate(h, Options{Population: 20000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEstimateWeighted(b *testing.B) {
	var h WeightedHistogram
	for s := range 11 {
		h.Add(s, 1.5)
		h.Add(s, 0.5)
	}
	for b.Loop() {
		if _, err := EstimateWeighted(h, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEstimateOf(t *testing.T) {
	h := Histogram{0: 2, 8: 3, 10: 5} // NPS +30 of 10
	plain, _ := Estimate(h, Options{})
	census, _ := Estimate(h, Options{Population: 40})
	for _, c := range []struct {
		name       string
		h          Histogram
		population int64
		want       Result
	}{
		{"no population", h, 0, plain},
		{"a population", h, 40, census},
		{"fewer than the answers", h, 9, plain},
		{"counts that cannot be", Histogram{3: -1}, 0, Result{}},
	} {
		if got := EstimateOf(c.h, c.population); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	if census.Population != 40 || census.Margin >= plain.Margin {
		t.Errorf("the corrected interval: %+v against %+v", census, plain)
	}
}
