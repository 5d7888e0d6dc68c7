package nps

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomHistogram draws a histogram whose shape varies from empty and
// single-bucket samples to large mixed ones.
func randomHistogram(rng *rand.Rand) Histogram {
	var h Histogram
	max := []int64{1, 3, 20, 1000, 1_000_000}[rng.IntN(5)]
	for s := range h {
		if rng.IntN(3) > 0 {
			h[s] = rng.Int64N(max + 1)
		}
	}
	return h
}

// checkInvariants asserts what holds for every result.
func checkInvariants(t *testing.T, h Histogram, o Options, r Result) {
	t.Helper()
	if r.N != h.N() || r.Promoters+r.Passives+r.Detractors != r.N {
		t.Fatalf("Estimate(%v, %+v): counts %d = %d + %d + %d do not add up", h, o, r.N, r.Promoters, r.Passives, r.Detractors)
	}
	for _, v := range []float64{r.NPS, r.SE, r.Low, r.High, r.Margin} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Estimate(%v, %+v): non-finite figure in %+v", h, o, r)
		}
	}
	if r.NPS < -100 || r.NPS > 100 {
		t.Fatalf("Estimate(%v, %+v): NPS %v outside [-100, 100]", h, o, r.NPS)
	}
	if !(-100 <= r.Low && r.Low <= r.High && r.High <= 100) {
		t.Fatalf("Estimate(%v, %+v): interval [%v, %v] not ordered within [-100, 100]", h, o, r.Low, r.High)
	}
	if r.SE < 0 || r.Margin < 0 {
		t.Fatalf("Estimate(%v, %+v): negative SE %v or margin %v", h, o, r.SE, r.Margin)
	}
	if !r.Empty() {
		if d := math.Abs(float64(r.Rounded()) - r.NPS); d > 0.5+1e-12 {
			t.Fatalf("Estimate(%v): rounded %d is %v from %v", h, r.Rounded(), d, r.NPS)
		}
	}
}

func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		h := randomHistogram(rng)
		n := h.N()
		m := []Method{Wald, AdjustedWald}[rng.IntN(2)]
		conf := 0.5 + rng.Float64()*0.499
		free, err := Estimate(h, Options{Method: m, Confidence: conf})
		if err != nil {
			t.Fatalf("Estimate(%v): %v", h, err)
		}
		checkInvariants(t, h, Options{Method: m, Confidence: conf}, free)

		// The finite population correction never widens the interval …
		pop := n + rng.Int64N(3*n+2)
		if pop == 0 {
			continue
		}
		fpc, err := Estimate(h, Options{Method: m, Confidence: conf, Population: pop})
		if err != nil {
			t.Fatalf("Estimate(%v, N=%d): %v", h, pop, err)
		}
		checkInvariants(t, h, Options{Method: m, Population: pop}, fpc)
		if fpc.Margin > free.Margin+1e-9 || fpc.SE > free.SE+1e-9 {
			t.Fatalf("Estimate(%v, N=%d): margin %v wider than %v without FPC", h, pop, fpc.Margin, free.Margin)
		}
		// … and a census collapses it onto the observed NPS.
		if n > 0 {
			census, _ := Estimate(h, Options{Method: m, Confidence: conf, Population: n})
			if census.Low != census.NPS || census.High != census.NPS || census.SE != 0 {
				t.Fatalf("Estimate(%v, N=n): interval [%v, %v], want [%v, %v]", h, census.Low, census.High, census.NPS, census.NPS)
			}
		}
		// A higher confidence never narrows the interval.
		wider, _ := Estimate(h, Options{Method: m, Confidence: math.Min(0.999, conf+0.01)})
		if wider.Margin < free.Margin-1e-9 {
			t.Fatalf("Estimate(%v): margin %v at higher confidence below %v", h, wider.Margin, free.Margin)
		}
	}
}

func TestMergeAddsGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 1000; i++ {
		a, b := randomHistogram(rng), randomHistogram(rng)
		sum := a
		sum.Merge(b)
		if sum.N() != a.N()+b.N() || sum.Promoters() != a.Promoters()+b.Promoters() || sum.Detractors() != a.Detractors()+b.Detractors() {
			t.Fatalf("Merge(%v, %v) = %v: counts do not add up", a, b, sum)
		}
	}
}

func TestRoundedHalfAwayFromZero(t *testing.T) {
	// With n = 8 every NPS is a multiple of 12.5; exact halves round outwards.
	for p := int64(0); p <= 8; p++ {
		for d := int64(0); p+d <= 8; d++ {
			r, _ := Estimate(hist(p, 8-p-d, d), Options{})
			want := int64(math.Round(float64(100*(p-d)) / 8)) // math.Round rounds halves away from zero
			if r.Rounded() != want {
				t.Errorf("P=%d D=%d n=8: got %d, want %d", p, d, r.Rounded(), want)
			}
		}
	}
}

func FuzzEstimate(f *testing.F) {
	f.Add([]byte{40, 0, 0, 0, 0, 0, 0, 0, 38, 0, 22}, uint8(0), uint16(950), uint32(0))
	f.Add([]byte{}, uint8(1), uint16(500), uint32(10))
	f.Add([]byte{255, 255, 1}, uint8(1), uint16(999), uint32(600))
	f.Fuzz(func(t *testing.T, counts []byte, method uint8, permille uint16, pop uint32) {
		var h Histogram
		for i, c := range counts {
			h[i%11] += int64(c) * int64(1+i/11)
		}
		o := Options{Method: []Method{Wald, AdjustedWald}[method%2], Confidence: float64(permille%999+1) / 1000, Population: int64(pop)}
		r, err := Estimate(h, o)
		if err != nil {
			if o.Population == 0 || o.Population >= h.N() {
				t.Fatalf("Estimate(%v, %+v): unexpected error %v", h, o, err)
			}
			return
		}
		checkInvariants(t, h, o, r)
		var w WeightedHistogram
		for s, c := range h {
			w.Count[s], w.Weight[s], w.Square[s] = c, float64(c), float64(c)
		}
		rw, err := EstimateWeighted(w, o)
		if err != nil || math.Abs(rw.NPS-r.NPS) > 1e-9 || math.Abs(rw.High-r.High) > 1e-9 || math.Abs(rw.Low-r.Low) > 1e-9 {
			t.Fatalf("EstimateWeighted(unit weights of %v): got %+v, %v; want %+v", h, rw, err, r)
		}
	})
}
