package nps

import (
	"errors"
	"math"
	"testing"
)

func TestStudentTwoSidedP(t *testing.T) {
	// Reference values of I_{df/(df+t²)}(df/2, ½) to 17 digits.
	tests := []struct{ t, df, want float64 }{
		{2.0, 10, 0.073388034770740375},
		{2.228138851986, 10, 0.05}, // the 97.5 % point of t(10)
		{12.70620473617, 1, 0.05},  // the 97.5 % point of t(1)
		{0.5, 3, 0.65144796484815111},
		{5.0, 2, 0.037749551350623724},
		{1.0, 100, 0.31972415578412314},
		{-3.0, 7, 0.019942126131992538},
		{30, 4, 7.3528560976613219e-6},
		{0, 5, 1},
	}
	for _, tt := range tests {
		if got := studentTwoSidedP(tt.t, tt.df); math.Abs(got-tt.want) > 1e-11 {
			t.Errorf("studentTwoSidedP(%v, %v): got %.17g, want %.17g", tt.t, tt.df, got, tt.want)
		}
	}
}

func TestComparePaired(t *testing.T) {
	// Per account (NPS contribution before → after):
	//   A1 detractor −1 → promoter +1: d = 2
	//   A2 passive 0 → promoter +1: d = 1
	//   A3 promoter + detractor 0 → promoter + passive ½: d = ½
	//   A4 promoter +1 → passive 0: d = −1
	//   A5 answered only before: left out.
	// k = 4, mean d = 2.5/4 = 0.625 → +62.5 points; before 0, after 62.5.
	// Deviations 1.375, 0.375, −0.125, −1.625; Σ² = 4.6875; s² = 4.6875/3
	// = 1.5625, s = 1.25; SE = 1.25/√4 = 0.625 → 62.5 points; t = 1, df = 3;
	// p = I_{3/4}(3/2, ½) = 0.39100221895577064.
	pairs := []Pair{
		{Before: hist(0, 0, 1), After: hist(1, 0, 0)},
		{Before: hist(0, 1, 0), After: hist(1, 0, 0)},
		{Before: hist(1, 0, 1), After: hist(1, 1, 0)},
		{Before: hist(1, 0, 0), After: hist(0, 1, 0)},
		{Before: hist(1, 0, 0)},
	}
	c, err := ComparePaired(pairs, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	want := PairedComparison{Accounts: 4, Before: 0, After: 62.5, Difference: 62.5, SE: 62.5, T: 1, DF: 3, P: 0.39100221895577064, Confidence: 0.95}
	if c.Accounts != want.Accounts || c.DF != want.DF || c.Significant || !near(c.Before, want.Before) || !near(c.After, want.After) ||
		!near(c.Difference, want.Difference) || !near(c.SE, want.SE) || !near(c.T, want.T) || !near(c.P, want.P) {
		t.Errorf("ComparePaired: got %+v, want %+v", c, want)
	}

	// Five accounts that all improve: d = 1, 1, ½, 1, ½; mean 0.8, s = 0.273861,
	// SE = 0.122474, t = 6.531973, df = 4, p = 0.0028378459267344453.
	up := []Pair{
		{Before: hist(0, 1, 0), After: hist(1, 0, 0)},
		{Before: hist(0, 0, 1), After: hist(0, 1, 0)},
		{Before: hist(0, 1, 1), After: hist(0, 1, 0)},
		{Before: hist(0, 1, 0), After: hist(1, 0, 0)},
		{Before: hist(1, 1, 0), After: hist(1, 0, 0)},
	}
	c, _ = ComparePaired(up, 0.95)
	if !near(c.Difference, 80) || !near(c.T, 6.53197264742181) || !near(c.P, 0.0028378459267344453) || !c.Significant {
		t.Errorf("ComparePaired(all improve): got %+v", c)
	}
}

func TestComparePairedEdges(t *testing.T) {
	same := []Pair{{Before: hist(1, 0, 0), After: hist(0, 1, 0)}, {Before: hist(0, 1, 0), After: hist(0, 0, 1)}}
	c, err := ComparePaired(same, 0.95)
	if err != nil || !math.IsInf(c.T, -1) || c.P != 0 || !c.Significant || !near(c.Difference, -100) {
		t.Errorf("ComparePaired(identical drops): got %+v, %v; want t = -Inf, p = 0", c, err)
	}
	still := []Pair{{Before: hist(1, 0, 0), After: hist(1, 0, 0)}, {Before: hist(0, 0, 1), After: hist(0, 0, 1)}}
	if c, _ := ComparePaired(still, 0.95); c.T != 0 || c.P != 1 || c.Significant {
		t.Errorf("ComparePaired(no change): got %+v; want t = 0, p = 1", c)
	}
	if _, err := ComparePaired(same[:1], 0.95); !errors.Is(err, ErrNoResponses) {
		t.Errorf("ComparePaired(one pair): got %v, want ErrNoResponses", err)
	}
	if _, err := ComparePaired(same, 1.5); err == nil {
		t.Error("ComparePaired(confidence 1.5): got no error, want one")
	}
}

func TestStudentProperties(t *testing.T) {
	for _, df := range []float64{1, 2, 3, 7, 30, 200} {
		prev := 1.0
		for x := 0.0; x <= 40; x += 0.05 {
			p := studentTwoSidedP(x, df)
			if p < 0 || p > 1 || p > prev+1e-15 {
				t.Fatalf("studentTwoSidedP(%v, %v) = %v: want within [0, 1] and falling in |t| (previous %v)", x, df, p, prev)
			}
			if normal := twoSidedP(x); p < normal-1e-12 {
				t.Fatalf("studentTwoSidedP(%v, %v) = %v below the normal %v: t has heavier tails", x, df, p, normal)
			}
			prev = p
		}
	}
	// With many degrees of freedom t becomes the normal distribution.
	for _, x := range []float64{0.5, 1.96, 3} {
		if p, n := studentTwoSidedP(x, 1e7), twoSidedP(x); math.Abs(p-n) > 1e-6 {
			t.Errorf("studentTwoSidedP(%v, 1e7) = %v, want the normal %v", x, p, n)
		}
	}
}
