package nps

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The worked example: 100 responses P 40, A 38, D 22 (NPS +18); 50 left a
// comment (P 20, A 10, D 20); 15 of those mention the theme (P 2, A 3, D 10).
var (
	themeAll       = hist(40, 38, 22)
	themeCommented = hist(20, 10, 20)
	themeMentions  = hist(2, 3, 10)
)

func TestThemeEffect(t *testing.T) {
	tests := []struct {
		name                     string
		all, commented, theme    Histogram
		o                        Options
		nps, effect, se, low, hi float64
		p                        float64
		significant              bool
	}{
		{
			// NPS_t = 100·(2 − 10)/15 = −53.333333; the rest is P 38, A 35,
			// D 12 of 85: NPS_r = 100·26/85 = 30.588235.
			// Effect = 18 − 30.588235 = −12.588235 = 0.15·(−53.333333 − 30.588235).
			// Var_t = [0.133333 + 0.666667 − 0.533333²]/15 = 0.515556/15 = 0.034370;
			// Var_r = [0.447059 + 0.141176 − 0.305882²]/85 = 0.494671/85 = 0.005820;
			// SE = 100·0.15·√0.040190 = 3.007118; margin = 1.959964·3.007118 = 5.893843;
			// z = −4.186146, p = 2.8373e-5.
			name: "wald", all: themeAll, commented: themeCommented, theme: themeMentions, o: Options{Method: Wald},
			nps: -53.333333333333336, effect: -12.588235294117649, se: 3.0071177746368152,
			low: -18.48207782967604, hi: -6.694392758559256, p: 2.8373036361343584e-05, significant: true,
		},
		{
			// Adjusted shares: theme p′ = 2.75/18, d′ = 10.75/18:
			// Var_t = [0.75 − 0.444444²]/18 = 0.552469/18 = 0.030693; rest
			// p′ = 38.75/88, d′ = 12.75/88: Var_r = [0.585227 − 0.295455²]/88 = 0.005658;
			// SE = 15·√0.036351 = 2.859893; z = −4.401645, p = 1.0743e-5.
			name: "adjusted wald", all: themeAll, commented: themeCommented, theme: themeMentions,
			nps: -53.333333333333336, effect: -12.588235294117649, se: 2.8598934606460631,
			low: -18.193523476605549, hi: -6.9829471116297466, p: 1.0743331306269383e-05, significant: true,
		},
		{
			// 100 responses of 120 customers: SE·√(20/119) = 2.859893·0.409968 = 1.172442.
			name: "finite population", all: themeAll, commented: themeCommented, theme: themeMentions, o: Options{Population: 120},
			nps: -53.333333333333336, effect: -12.588235294117649, se: 1.1724420113410003,
			low: -14.886179410307712, hi: -10.290291177927585, p: 6.8398660941482212e-27, significant: true,
		},
		{
			// Three detractors mention it: NPS_r = 100·(40 − 19)/97 = 21.649485,
			// Effect = 0.03·(−100 − 21.649485) = −3.649485. Plain Var_t is 0, so
			// Wald's SE comes from the rest alone (P 40, A 38, D 19 of 97):
			// 3·√([0.608247 − 0.216495²]/97) = 3·√(0.561377/97) = 0.228225.
			name: "three detractors, wald", all: themeAll, commented: themeCommented, theme: hist(0, 0, 3), o: Options{Method: Wald},
			nps: -100, effect: -3.6494845360824755, se: 0.22822480871844669,
			low: -4.0967969415491741, hi: -3.2021721306157769, p: 1.4824937055607727e-57, significant: true,
		},
		{
			// Adjusted: p′ = 0.75/6, d′ = 3.75/6, Var_t = [0.75 − 0.5²]/6 = 0.083333;
			// rest p′ = 40.75/100, d′ = 19.75/100: Var_r = [0.605 − 0.21²]/100
			// = 0.005609; SE = 3·√(0.083333 + 0.005609) = 0.894696, four times Wald's.
			name: "three detractors, adjusted", all: themeAll, commented: themeCommented, theme: hist(0, 0, 3),
			nps: -100, effect: -3.6494845360824755, se: 0.89469603776925277,
			low: -5.4030565472208991, hi: -1.895912524944052, p: 4.5225619434190141e-05, significant: true,
		},
		{
			// A theme mentioned like the rest answers: P 4, A 4, D 2 (NPS +20);
			// rest P 36, A 34, D 20 of 90: NPS_r = 17.777778; Effect = 0.1·2.222222.
			name: "not significant", all: themeAll, commented: themeCommented, theme: hist(4, 4, 2),
			nps: 20, effect: 0.22222222222222143, se: 2.2110616106337351,
			low: -4.1113789022190232, hi: 4.5558233466634661, p: 0.91994360199408454,
		},
		{
			// One detractor among nine promoters mentions it: Effect = 0.1·(−100 − 100)
			// = −20, the most one response of ten can do, so the low end is clamped
			// there: −20 − 1.959964·4.082483 = −28.0 → −20.
			name: "clamped", all: hist(9, 0, 1), commented: hist(9, 0, 1), theme: hist(0, 0, 1),
			nps: -100, effect: -20, se: 4.0824829046386304,
			low: -20, hi: -11.998480539407817, p: 9.6335700864309904e-07, significant: true,
		},
	}
	for _, tc := range tests {
		ti, err := ThemeEffect(tc.all, tc.commented, tc.theme, tc.o)
		if err != nil {
			t.Fatalf("%s: ThemeEffect: %v", tc.name, err)
		}
		if !near(ti.NPSWith, tc.nps) || !near(ti.Effect, tc.effect) || !near(ti.SE, tc.se) || !near(ti.Low, tc.low) || !near(ti.High, tc.hi) {
			t.Errorf("%s: got NPS %.17g, effect %.17g, SE %.17g, [%.17g, %.17g]; want %.17g, %.17g, %.17g, [%.17g, %.17g]",
				tc.name, ti.NPSWith, ti.Effect, ti.SE, ti.Low, ti.High, tc.nps, tc.effect, tc.se, tc.low, tc.hi)
		}
		if !nearRel(ti.P, tc.p) || ti.Significant != tc.significant || ti.Empty {
			t.Errorf("%s: got p %.17g, significant %v, empty %v; want %.17g, %v, false", tc.name, ti.P, ti.Significant, ti.Empty, tc.p, tc.significant)
		}
	}
}

func TestThemeEffectShares(t *testing.T) {
	// Frequency 15/50 = 0.3; detractors 10/20 = 0.5, passives 3/10 = 0.3,
	// promoters 2/20 = 0.1; the rest is all − theme bucket by bucket.
	ti, err := ThemeEffect(themeAll, themeCommented, themeMentions, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !near(ti.Frequency, 0.3) || !near(ti.DetractorShare, 0.5) || !near(ti.PassiveShare, 0.3) || !near(ti.PromoterShare, 0.1) {
		t.Errorf("shares: got frequency %v, D %v, A %v, P %v; want 0.3, 0.5, 0.3, 0.1", ti.Frequency, ti.DetractorShare, ti.PassiveShare, ti.PromoterShare)
	}
	if ti.Theme != themeMentions || ti.Rest != hist(38, 35, 12) {
		t.Errorf("groups: got theme %v, rest %v; want %v, %v", ti.Theme, ti.Rest, themeMentions, hist(38, 35, 12))
	}
	// A category without comments has share 0: no passive commented here.
	ti, _ = ThemeEffect(themeAll, hist(20, 0, 20), hist(2, 0, 10), Options{})
	if ti.PassiveShare != 0 || !near(ti.Frequency, 0.3) {
		t.Errorf("no passive comments: got passive share %v, frequency %v; want 0, 0.3", ti.PassiveShare, ti.Frequency)
	}
}

func TestThemeEffectEdges(t *testing.T) {
	// Nobody mentions it: Empty, no NPS, no interval.
	ti, err := ThemeEffect(themeAll, themeCommented, Histogram{}, Options{})
	if err != nil || !ti.Empty || ti.Effect != 0 || ti.SE != 0 || ti.Low != 0 || ti.High != 0 || ti.P != 1 || ti.Significant || ti.Frequency != 0 {
		t.Errorf("no mentions: got %+v, %v; want Empty with effect 0, SE 0, P 1", ti, err)
	}
	// Nobody commented at all.
	ti, err = ThemeEffect(themeAll, Histogram{}, Histogram{}, Options{})
	if err != nil || !ti.Empty || ti.Frequency != 0 {
		t.Errorf("no comments: got %+v, %v; want Empty", ti, err)
	}
	// Every response mentions it: nothing to compare with.
	ti, err = ThemeEffect(themeAll, themeAll, themeAll, Options{})
	if err != nil || ti.Empty || !near(ti.NPSWith, 18) || ti.Effect != 0 || ti.SE != 0 || ti.P != 1 || ti.Significant || ti.Rest.N() != 0 || ti.Frequency != 1 {
		t.Errorf("all mention it: got %+v, %v; want NPS 18, effect 0, SE 0, P 1", ti, err)
	}
	// A census under Wald of five detractors who mention it and five
	// promoters who do not: each group's plain variance is 0, so the
	// effect (5/10)·(−100 − 100) = −100 is exact: SE 0, P 0.
	ti, err = ThemeEffect(hist(5, 0, 5), hist(5, 0, 5), hist(0, 0, 5), Options{Method: Wald, Population: 10})
	if err != nil || !near(ti.Effect, -100) || ti.SE != 0 || ti.P != 0 || !ti.Significant || ti.Low != -100 || ti.High != -100 {
		t.Errorf("census: got %+v, %v; want effect −100 exactly, P 0", ti, err)
	}
}

func TestThemeEffectErrors(t *testing.T) {
	tests := []struct {
		name                  string
		all, commented, theme Histogram
		o                     Options
		field                 string
	}{
		{"more comments than responses", hist(1, 1, 1), hist(2, 0, 0), Histogram{}, Options{}, "commented"},
		{"mentions without comment", hist(5, 5, 5), hist(1, 1, 1), hist(0, 2, 0), Options{}, "theme"},
		{"negative count", Histogram{3: -1}, Histogram{}, Histogram{}, Options{}, "histogram"},
		{"confidence", themeAll, themeCommented, themeMentions, Options{Confidence: 1.5}, "confidence"},
		{"population", themeAll, themeCommented, themeMentions, Options{Population: 99}, "population"},
	}
	for _, tc := range tests {
		_, err := ThemeEffect(tc.all, tc.commented, tc.theme, tc.o)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: got %v, want a *ValidationError on %q", tc.name, err, tc.field)
		}
	}
}

// nearRel compares p-values, which span hundreds of orders of magnitude,
// relative to the wanted value.
func nearRel(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

// subset draws a histogram that fits inside h bucket by bucket.
func subset(rng *rand.Rand, h Histogram) Histogram {
	var s Histogram
	for i, c := range h {
		if c > 0 && rng.IntN(4) > 0 {
			s[i] = rng.Int64N(c + 1)
		}
	}
	return s
}

// checkTheme asserts what holds for every theme impact.
func checkTheme(t *testing.T, all, commented, theme Histogram, ti ThemeImpact) {
	t.Helper()
	n, tn, r := all.N(), theme.N(), ti.Rest.N()
	if tn+r != n || ti.Empty != (tn == 0) {
		t.Fatalf("ThemeEffect(%v, …, %v): %d mentions and %d others of %d", all, theme, tn, r, n)
	}
	for _, v := range []float64{ti.Frequency, ti.DetractorShare, ti.PassiveShare, ti.PromoterShare, ti.P} {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("ThemeEffect(%v, %v, %v): share or p %v outside [0, 1]", all, commented, theme, v)
		}
	}
	if tn == 0 || r == 0 {
		if ti.Effect != 0 || ti.SE != 0 || ti.P != 1 {
			t.Fatalf("ThemeEffect(%v, …, %v): got effect %v SE %v P %v, want 0, 0, 1", all, theme, ti.Effect, ti.SE, ti.P)
		}
		return
	}
	// NPS(all) is the mix of its two disjoint groups, so the effect is
	// (t/n)·(NPS_t − NPS_r).
	w := float64(tn) / float64(n)
	if d := ti.Effect - w*(ti.NPSWith-npsOf(ti.Rest)); math.Abs(d) > 1e-9 {
		t.Fatalf("ThemeEffect(%v, …, %v): effect %v is not (t/n)(NPS_t − NPS_r), off by %v", all, theme, ti.Effect, d)
	}
	limit := float64(200*tn) / float64(n)
	if !(-limit <= ti.Low && ti.Low <= ti.Effect && ti.Effect <= ti.High && ti.High <= limit) || !(ti.SE >= 0) {
		t.Fatalf("ThemeEffect(%v, …, %v): interval [%v, %v] around %v not within ±%v", all, theme, ti.Low, ti.High, ti.Effect, limit)
	}
	// Significant exactly when the interval leaves out 0.
	if excludes := ti.Low > 0 || ti.High < 0; ti.Significant != excludes && math.Abs(math.Abs(ti.Effect)-CriticalValue(ti.Confidence)*ti.SE) > 1e-9 {
		t.Fatalf("ThemeEffect(%v, …, %v): significant %v but interval [%v, %v]", all, theme, ti.Significant, ti.Low, ti.High)
	}
}

func TestThemeEffectProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 20000; i++ {
		all := randomHistogram(rng)
		commented := subset(rng, all)
		theme := subset(rng, commented)
		o := Options{Method: []Method{Wald, AdjustedWald}[rng.IntN(2)], Confidence: 0.5 + rng.Float64()*0.499}
		ti, err := ThemeEffect(all, commented, theme, o)
		if err != nil {
			t.Fatalf("ThemeEffect(%v, %v, %v): %v", all, commented, theme, err)
		}
		checkTheme(t, all, commented, theme, ti)
	}
}

func FuzzThemeEffect(f *testing.F) {
	f.Add([]byte{22, 0, 0, 0, 0, 0, 0, 0, 38, 0, 40}, []byte{20, 0, 0, 0, 0, 0, 0, 0, 10, 0, 20}, []byte{10, 0, 0, 0, 0, 0, 0, 0, 3, 0, 2}, false)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 9}, []byte{255}, []byte{255}, true)
	f.Fuzz(func(t *testing.T, a, c, m []byte, wald bool) {
		// Each later histogram is capped by the one before, so the subset
		// relations hold and only the statistics are exercised.
		var all, commented, theme Histogram
		for i, b := range a {
			all[i%11] += int64(b)
		}
		for i := range commented {
			if i < len(c) {
				commented[i] = min(int64(c[i]), all[i])
			}
			if i < len(m) {
				theme[i] = min(int64(m[i]), commented[i])
			}
		}
		o := Options{}
		if wald {
			o.Method = Wald
		}
		ti, err := ThemeEffect(all, commented, theme, o)
		if err != nil {
			t.Fatalf("ThemeEffect(%v, %v, %v): %v", all, commented, theme, err)
		}
		checkTheme(t, all, commented, theme, ti)
	})
}

func TestRankThemes(t *testing.T) {
	ts := []ThemeImpact{
		{Key: "speed", Effect: 2, Frequency: 0.1},
		{Key: "price", Effect: -5, Frequency: 0.2},
		{Key: "service", Effect: -5, Frequency: 0.4},
		{Key: "invoice", Effect: -1, Frequency: 0.3},
		{Key: "app", Effect: -1, Frequency: 0.3},
		{Key: "unused", Empty: true},
	}
	RankThemes(ts)
	var got []string
	for _, ti := range ts {
		got = append(got, ti.Key)
	}
	// −5 (more frequent first), −1 (equal frequency: by key), 0, +2.
	want := []string{"service", "price", "app", "invoice", "unused", "speed"}
	if !slices.Equal(got, want) {
		t.Errorf("RankThemes: got %v, want %v", got, want)
	}
}

func BenchmarkThemeEffect(b *testing.B) {
	all := Histogram{250, 120, 130, 200, 300, 400, 1100, 2100, 2400, 1500, 1500}
	commented := Histogram{100, 50, 60, 80, 120, 160, 400, 500, 500, 300, 300}
	theme := Histogram{30, 10, 12, 20, 25, 30, 60, 40, 30, 10, 8}
	for b.Loop() {
		if _, err := ThemeEffect(all, commented, theme, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestResponseVariance(t *testing.T) {
	// 2 promoters, 1 passive, 1 detractor: p = 1/2, d = 1/4 plain;
	// p′ = 2.75/7, d′ = 1.75/7 adjusted.
	h := Histogram{3: 1, 7: 1, 9: 1, 10: 1}
	for _, c := range []struct {
		m    Method
		want float64
	}{
		{Wald, 0.5 + 0.25 - 0.25*0.25},
		{AdjustedWald, 4.5/7 - (1.0/7)*(1.0/7)},
	} {
		if got := ResponseVariance(h, c.m); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ResponseVariance(%v, %s): got %v, want %v", h, c.m, got, c.want)
		}
	}
}
