package main

import (
	"fmt"
	"io"
	"math"

	"github.com/promotor/promotor/internal/nps"
)

// methodNames are the interval methods as a reader knows them.
var methodNames = map[nps.Method]string{nps.AdjustedWald: "adjusted Wald", nps.Wald: "Wald"}

// writeResult prints one result for a person: the rounded figures first,
// the exact ones beside them, so a reader can check the arithmetic.
func writeResult(w io.Writer, name string, r nps.Result) {
	fmt.Fprintln(w, name)
	if r.Empty() {
		fmt.Fprintf(w, "  NPS         %s\n", nps.NoResponses)
		return
	}
	fmt.Fprintf(w, "  NPS         %s%s\n", r.Format(), exact(r.NPS, float64(r.Rounded())))
	fmt.Fprintf(w, "  interval    %s to %s (%s%% %s; %.2f to %.2f, margin ±%.2f)\n",
		nps.Signed(nps.RoundHalfAway(r.Low)), nps.Signed(nps.RoundHalfAway(r.High)),
		percent(r.Confidence), methodNames[r.Method], r.Low, r.High, r.Margin)
	fmt.Fprintf(w, "  responses   %d", r.N)
	if r.Weighted {
		fmt.Fprintf(w, " (effective n %.2f)", r.EffectiveN)
	}
	fmt.Fprintln(w)
	shares := "share"
	if r.Weighted {
		shares = "weighted share"
	}
	for _, c := range []struct {
		name  string
		count int64
		share float64
	}{{"promoters", r.Promoters, r.PromoterShare}, {"passives", r.Passives, r.PassiveShare}, {"detractors", r.Detractors, r.DetractorShare}} {
		fmt.Fprintf(w, "  %-11s %d (%s %.1f%%)\n", c.name, c.count, shares, 100*c.share)
	}
	if r.Population > 0 {
		fmt.Fprintf(w, "  population  %d (finite population correction applied)\n", r.Population)
	}
	if mdc, err := nps.MinimumDetectableChange(r.N, r.N, r.Variance(), r.Confidence, nps.DefaultPower); err == nil {
		fmt.Fprintf(w, "  detectable  a change of %.1f points between two waves of this size (%.0f%% power)\n", mdc, 100*nps.DefaultPower)
	}
	if r.N < nps.SmallSample {
		fmt.Fprintf(w, "  note        with %d responses the NPS moves in steps of %.1f points\n", r.N, r.Step())
	}
}

// writeComparison prints the change from the first file to the second.
func writeComparison(w io.Writer, c *nps.Comparison) {
	if c == nil {
		fmt.Fprintf(w, "change      cannot be computed: %s on one side\n", nps.NoResponses)
		return
	}
	fmt.Fprintf(w, "change      %s points%s (second minus first)\n",
		nps.Signed(nps.RoundHalfAway(c.Difference)), exact(c.Difference, float64(nps.RoundHalfAway(c.Difference))))
	verdict := "not significant"
	if c.Significant {
		verdict = "significant"
	}
	if math.IsInf(c.Z, 0) {
		fmt.Fprintf(w, "test        both results are exact (no sampling error): %s\n", verdict)
		return
	}
	fmt.Fprintf(w, "test        SE %.2f, z %.3f, p %.4g: %s at %s%%\n", c.SE, c.Z, c.P, verdict, percent(c.Confidence))
}

// exact shows the unrounded value when rounding changed it.
func exact(v, rounded float64) string {
	if v == rounded {
		return ""
	}
	return fmt.Sprintf(" (%.2f before rounding)", v)
}

// percent prints a confidence level as a percentage without float noise.
func percent(c float64) string {
	return fmt.Sprintf("%.4g", 100*c)
}
