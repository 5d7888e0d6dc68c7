package nps

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strings"
)

// ThemeImpact is what one theme of the follow-up comments does to the NPS
// of a group (a wave): how often it is mentioned, by whom, and how far the
// NPS would be from what it is without the responses that mention it.
type ThemeImpact struct {
	// Key names the theme; the caller sets it, RankThemes breaks ties by it.
	Key string
	// Theme holds the responses mentioning the theme; Rest all other
	// responses of the group, with or without a comment.
	Theme, Rest Histogram
	// Frequency is the share of the commented responses that mention the
	// theme.
	Frequency float64
	// DetractorShare, PassiveShare and PromoterShare are the shares of the
	// commented detractors, passives and promoters that mention the theme;
	// 0 when that category left no comment.
	DetractorShare, PassiveShare, PromoterShare float64
	// NPSWith is the NPS of the responses that mention the theme.
	NPSWith float64
	// Effect is NPS(all) − NPS(Rest) in points: negative when the theme
	// pulls the score down. It equals (t/n)·(NPSWith − NPS(Rest)) for t
	// mentions among n responses, so a theme weighs by how often it comes up.
	Effect float64
	// SE is the standard error of Effect; Low and High the interval
	// Effect ± z·SE at Confidence, clamped to ±200·t/n, the furthest any
	// t responses can move an NPS.
	Low, High, SE float64
	// P is the two-sided p-value of Effect ≠ 0, and Significant is
	// P < 1 − Confidence (0.05 by default), so that a significant effect is
	// one whose interval leaves out 0.
	P           float64
	Significant bool
	Confidence  float64
	Method      Method
	// Empty is true when no response mentions the theme: it has no NPS,
	// Effect is 0 and there is no interval (SE 0, P 1). When every response
	// mentions it (Rest is empty) there is nothing to compare with either:
	// Effect is 0, SE 0 and P 1, but the theme is not Empty.
	Empty bool
}

// ThemeEffect computes the impact of a theme from three histograms of one
// group: all its responses, those with a comment (a subset of all) and
// those mentioning the theme (a subset of the commented ones); every
// bucket must respect the subset relations.
//
// The responses mentioning the theme and the rest are disjoint, and are
// treated as independent samples with their mention count t fixed:
// Var(Effect) = (t/n)²·(Var_t + Var_r), each group's NPS variance from its
// own shares as in Estimate, adjusted (n + 3, ¾ promoter and detractor)
// under the default method and plain under Wald. The adjustment matters
// here more than anywhere: a theme is often mentioned by a handful of
// responses of one category, whose plain variance is 0. o.Population, when
// set, shrinks the SE by the finite population correction of the group.
func ThemeEffect(all, commented, theme Histogram, o Options) (ThemeImpact, error) {
	o, err := o.withDefaults()
	if err != nil {
		return ThemeImpact{}, err
	}
	for s := range all {
		switch {
		case all[s] < 0 || commented[s] < 0 || theme[s] < 0:
			return ThemeImpact{}, fieldError("histogram", "score %d: negative count (all %d, commented %d, theme %d)", s, all[s], commented[s], theme[s])
		case commented[s] > all[s]:
			return ThemeImpact{}, fieldError("commented", "score %d: %d responses with a comment but only %d responses", s, commented[s], all[s])
		case theme[s] > commented[s]:
			return ThemeImpact{}, fieldError("theme", "score %d: %d responses mention the theme but only %d have a comment", s, theme[s], commented[s])
		}
	}
	n, t := all.N(), theme.N()
	if o.Population > 0 && o.Population < n {
		return ThemeImpact{}, fieldError("population", "%d is smaller than the %d responses", o.Population, n)
	}
	ti := ThemeImpact{Theme: theme, Confidence: o.Confidence, Method: o.Method, P: 1, Empty: t == 0}
	for s := range all {
		ti.Rest[s] = all[s] - theme[s]
	}
	ti.Frequency = share(t, commented.N())
	ti.DetractorShare = share(theme.Detractors(), commented.Detractors())
	ti.PassiveShare = share(theme.Passives(), commented.Passives())
	ti.PromoterShare = share(theme.Promoters(), commented.Promoters())
	if t == 0 {
		return ti, nil
	}
	ti.NPSWith = npsOf(theme)
	r := n - t
	if r == 0 {
		return ti, nil
	}
	ti.Effect = effectOf(all, ti.Rest)
	weight := float64(t) / float64(n)
	se := 100 * weight * math.Sqrt(groupVariance(theme, o.Method)+groupVariance(ti.Rest, o.Method))
	if N := float64(o.Population); N > 0 {
		f := 0.0
		if N > 1 {
			f = math.Sqrt((N - float64(n)) / (N - 1))
		}
		se *= f
	}
	ti.SE = se
	switch {
	case se > 0:
		ti.P = twoSidedP(ti.Effect / se)
	case ti.Effect != 0:
		// Exact (a census, or groups that each hold one category under
		// Wald): any effect is real.
		ti.P = 0
	}
	margin := CriticalValue(o.Confidence) * se
	limit := float64(200*t) / float64(n)
	ti.Low = math.Max(-limit, ti.Effect-margin)
	ti.High = math.Min(limit, ti.Effect+margin)
	ti.Significant = ti.P < 1-o.Confidence
	return ti, nil
}

// npsOf is the NPS of a non-empty histogram, from its integer counts.
func npsOf(h Histogram) float64 {
	return float64(100*(h.Promoters()-h.Detractors())) / float64(h.N())
}

// effectOf is NPS(all) − NPS(rest) = 100·[(P − D)·r − (P_r − D_r)·n]/(n·r),
// rounded once from the exact fraction: the effect of a theme at its
// extreme then equals the limit 200·t/n to the last bit, so the clamped
// interval still contains it. Products of counts can pass int64 only for
// groups of billions, but big.Int costs little for a page of themes.
func effectOf(all, rest Histogram) float64 {
	n, r := big.NewInt(all.N()), big.NewInt(rest.N())
	num := new(big.Int).Mul(big.NewInt(all.Promoters()-all.Detractors()), r)
	num.Sub(num, new(big.Int).Mul(big.NewInt(rest.Promoters()-rest.Detractors()), n))
	num.Mul(num, big.NewInt(100))
	e, _ := new(big.Rat).SetFrac(num, new(big.Int).Mul(n, r)).Float64()
	return e
}

// share is part/whole, 0 for an empty whole.
func share(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// groupVariance is the variance of a non-empty group's NPS as a fraction
// (not points): v/n with plain shares under Wald, v′/(n + 3) with the
// adjusted shares otherwise.
func groupVariance(h Histogram, m Method) float64 {
	if m == Wald {
		return ResponseVariance(h, m) / float64(h.N())
	}
	return ResponseVariance(h, m) / float64(h.N()+3)
}

// ResponseVariance is the variance of one response's category (+1, 0,
// −1) in a group, p + d − (p − d)² of its shares: the plain shares under
// Wald, and otherwise the adjusted ones, with ¾ promoter and ¾ detractor
// added to n + 3 responses. Divided by n (n + 3 when adjusted) it is the
// variance of the group's NPS as a fraction; the report's appendix shows
// it as that step.
func ResponseVariance(h Histogram, m Method) float64 {
	n, p, d := float64(h.N()), float64(h.Promoters()), float64(h.Detractors())
	if m != Wald {
		p, d, n = p+0.75, d+0.75, n+3
	}
	return variance(p/n, d/n)
}

// RankThemes sorts themes in place, most harmful first: by Effect
// ascending, then by Frequency descending (of equal effects, the one more
// customers mention first), then by Key.
func RankThemes(ts []ThemeImpact) {
	slices.SortStableFunc(ts, func(a, b ThemeImpact) int {
		return cmp.Or(
			cmp.Compare(a.Effect, b.Effect),
			cmp.Compare(b.Frequency, a.Frequency),
			strings.Compare(a.Key, b.Key),
		)
	})
}
