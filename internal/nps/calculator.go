package nps

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The impact calculator: what a rise in NPS may be worth in euros, from
// rules of thumb or from the workspace's own observed outcomes. Every
// result comes with its Steps, the arithmetic with the numbers filled in,
// so that a reader can redo it by hand.

// Unit says how a Step's Low and High read.
type Unit string

// The units of steps.
const (
	// UnitCents is an amount of money in euro cents.
	UnitCents Unit = "cents"
	// UnitFraction is a ratio, 1 being 100 %.
	UnitFraction Unit = "fraction"
)

// Step is one visible line of a calculation: what it is, the arithmetic
// with its numbers and result, and the result's range (Low = High for a
// single value) in Unit. Amounts are unrounded cents; the Formula shows
// them rounded to whole cents, half away from zero.
type Step struct {
	Label, Formula string
	Low, High      float64
	Unit           Unit
}

// The sources of assumptions.
const (
	SourceRulesOfThumb = "rules of thumb"
	SourceObserved     = "observed"
)

// Assumptions are the effects of a rise of 10 NPS points, as fractions
// with a low and a high end.
type Assumptions struct {
	// ChurnLow and ChurnHigh are the relative reduction of the churn rate.
	ChurnLow, ChurnHigh float64
	// ExistingLow and ExistingHigh are the extra business with existing
	// customers, relative to revenue.
	ExistingLow, ExistingHigh float64
	// MarketingLow and MarketingHigh are the relative reduction of the
	// marketing cost.
	MarketingLow, MarketingHigh float64
	// Source says where the figures come from: SourceRulesOfThumb or
	// SourceObserved.
	Source string
}

// RulesOfThumb are the effects of +10 NPS that the NPS literature quotes:
// 10–15 % fewer customers leaving for a competitor, 3 % more business
// with existing customers and 10–15 % lower marketing cost. They are not
// measured on the workspace's customers.
func RulesOfThumb() Assumptions {
	return Assumptions{
		ChurnLow: 0.10, ChurnHigh: 0.15,
		ExistingLow: 0.03, ExistingHigh: 0.03,
		MarketingLow: 0.10, MarketingHigh: 0.15,
		Source: SourceRulesOfThumb,
	}
}

// Validate reports the first assumption outside 0–1 or with its low end
// above its high end.
func (a Assumptions) Validate() error {
	for _, r := range []struct {
		name      string
		low, high float64
	}{
		{"churn", a.ChurnLow, a.ChurnHigh},
		{"existing", a.ExistingLow, a.ExistingHigh},
		{"marketing", a.MarketingLow, a.MarketingHigh},
	} {
		switch {
		case !(r.low >= 0 && r.low <= 1):
			return fieldError("assumptions."+r.name+"_low", "%v must lie from 0 to 1 (0 %% to 100 %%)", r.low)
		case !(r.high >= 0 && r.high <= 1):
			return fieldError("assumptions."+r.name+"_high", "%v must lie from 0 to 1 (0 %% to 100 %%)", r.high)
		case r.low > r.high:
			return fieldError("assumptions."+r.name+"_low", "%v must not exceed the high end %v", r.low, r.high)
		}
	}
	return nil
}

// CalculatorInput is what the calculator is asked.
type CalculatorInput struct {
	// Revenue and MarketingBudget are cents per year.
	Revenue, MarketingBudget int64
	// ChurnRate is the fraction of revenue lost to churn per year (0–1).
	ChurnRate float64
	// CurrentNPS and TargetNPS are points from −100 to +100; the target
	// must lie above the current NPS.
	CurrentNPS, TargetNPS float64
	Assumptions           Assumptions
}

// Validate reports the first problem with the input.
func (in CalculatorInput) Validate() error {
	switch {
	case in.Revenue < 0:
		return fieldError("revenue", "%d must not be negative", in.Revenue)
	case in.MarketingBudget < 0:
		return fieldError("marketing_budget", "%d must not be negative", in.MarketingBudget)
	case !(in.ChurnRate >= 0 && in.ChurnRate <= 1):
		return fieldError("churn_rate", "%v must lie from 0 to 1 (0 %% to 100 %% of revenue a year)", in.ChurnRate)
	case !(in.CurrentNPS >= -100 && in.CurrentNPS <= 100):
		return fieldError("current_nps", "%v must lie from -100 to +100", in.CurrentNPS)
	case !(in.TargetNPS >= -100 && in.TargetNPS <= 100):
		return fieldError("target_nps", "%v must lie from -100 to +100", in.TargetNPS)
	case in.TargetNPS <= in.CurrentNPS:
		return fieldError("target_nps", "%v must lie above the current NPS %v", in.TargetNPS, in.CurrentNPS)
	}
	return in.Assumptions.Validate()
}

// CalculatorResult is the calculator's answer: the range Low–High in
// cents per year, and the steps that lead to it.
type CalculatorResult struct {
	// Scale is (target − current)/10: the assumptions hold per 10 points.
	Scale     float64
	Steps     []Step
	Low, High float64
}

// Calculate estimates the yearly value of raising the NPS from the
// current to the target, linearly in the rise (Scale = Δ/10):
//
//	less churn      = revenue × churn rate × churn reduction × scale
//	more business   = revenue × extra business × scale
//	lower marketing = marketing budget × marketing reduction × scale
//
// and their sum. A reduction is capped at 100 %: no rise saves more churn
// or marketing than there is.
func Calculate(in CalculatorInput) (CalculatorResult, error) {
	if err := in.Validate(); err != nil {
		return CalculatorResult{}, err
	}
	a := in.Assumptions
	res := CalculatorResult{Scale: (in.TargetNPS - in.CurrentNPS) / 10}
	revenue, budget := float64(in.Revenue), float64(in.MarketingBudget)

	cutLow, cutHigh, cutTerm := scaled(a.ChurnLow, a.ChurnHigh, res.Scale)
	churn := Step{
		Label: "Less churn",
		Low:   revenue * in.ChurnRate * cutLow, High: revenue * in.ChurnRate * cutHigh, Unit: UnitCents,
	}
	churn.Formula = fmt.Sprintf("%s × %s churn × %s = %s", formatEUR(revenue), formatPercent(in.ChurnRate), cutTerm, formatEURRange(churn.Low, churn.High))

	existing := Step{
		Label: "More business with existing customers",
		Low:   revenue * a.ExistingLow * res.Scale, High: revenue * a.ExistingHigh * res.Scale, Unit: UnitCents,
	}
	existing.Formula = fmt.Sprintf("%s × %s × %s = %s", formatEUR(revenue), formatPercentRange(a.ExistingLow, a.ExistingHigh), formatFactor(res.Scale), formatEURRange(existing.Low, existing.High))

	mLow, mHigh, mTerm := scaled(a.MarketingLow, a.MarketingHigh, res.Scale)
	marketing := Step{
		Label: "Lower marketing cost",
		Low:   budget * mLow, High: budget * mHigh, Unit: UnitCents,
	}
	marketing.Formula = fmt.Sprintf("%s × %s = %s", formatEUR(budget), mTerm, formatEURRange(marketing.Low, marketing.High))

	res.Low = churn.Low + existing.Low + marketing.Low
	res.High = churn.High + existing.High + marketing.High
	total := Step{
		Label: "Total", Low: res.Low, High: res.High, Unit: UnitCents,
		Formula: fmt.Sprintf("%s + %s + %s = %s", formatEURRange(churn.Low, churn.High), formatEURRange(existing.Low, existing.High),
			formatEURRange(marketing.Low, marketing.High), formatEURRange(res.Low, res.High)),
	}
	res.Steps = []Step{churn, existing, marketing, total}
	return res, nil
}

// scaled is a reduction low–high per 10 points times scale, capped at 1,
// with the term that shows it ("10–15 % × 1.0", or "min(100 %, …)").
func scaled(low, high, scale float64) (float64, float64, string) {
	term := formatPercentRange(low, high) + " × " + formatFactor(scale)
	if high*scale > 1 {
		term = "min(100 %, " + term + ")"
	}
	return math.Min(1, low*scale), math.Min(1, high*scale), term
}

// MinObservedAccounts is the least number of accounts with a known outcome
// that each category needs before ObservedAssumptions trusts the
// workspace's own figures over the rules of thumb. It is a floor against
// nonsense, not a guarantee of precision: with ten accounts a churn rate's
// interval is still tens of points wide (see CategoryOutcome.ChurnLow).
const MinObservedAccounts = 10

// ObservedAssumptions derives the assumptions from the workspace's own
// outcomes. +10 NPS is read as 10 % of the accounts moving one category
// up, detractor → passive or passive → promoter; each move gives
//
//	churn reduction = 0.10 · (churn_from − churn_to) / churn_all
//	extra business  = 0.10 · (retention_to − retention_from) / retention_all
//
// with account churn rates and net revenue retention per category; low
// and high are the smaller and the larger of the two moves, clamped to
// 0–1 (a category that does worse than the one below it shows no gain,
// not a loss). Marketing has no observed equivalent and keeps the rule of
// thumb. When there is not enough data the rules of thumb come back with
// false and a sentence saying why.
func ObservedAssumptions(o Outcomes) (Assumptions, bool, string) {
	a := RulesOfThumb()
	for _, c := range o.ByCategory {
		if c.WithAfter < MinObservedAccounts {
			return a, false, fmt.Sprintf("%d %s accounts have a known outcome; at least %d are needed", c.WithAfter, c.Category, MinObservedAccounts)
		}
		if !c.HasRetention {
			return a, false, fmt.Sprintf("the %s accounts with a known outcome had no revenue in the measured year", c.Category)
		}
	}
	if o.Total.Churned == 0 {
		return a, false, "no account churned, so churn cannot be compared between categories"
	}
	if !(o.Total.Retention > 0) {
		return a, false, "the accounts kept no revenue, so retention cannot be compared between categories"
	}
	prom, pas, det := o.ByCategory[0], o.ByCategory[1], o.ByCategory[2]
	a.ChurnLow, a.ChurnHigh = moveRange(
		0.10*(det.ChurnRate-pas.ChurnRate)/o.Total.ChurnRate,
		0.10*(pas.ChurnRate-prom.ChurnRate)/o.Total.ChurnRate)
	a.ExistingLow, a.ExistingHigh = moveRange(
		0.10*(pas.Retention-det.Retention)/o.Total.Retention,
		0.10*(prom.Retention-pas.Retention)/o.Total.Retention)
	a.Source = SourceObserved
	return a, true, ""
}

// moveRange orders the effects of the two moves and clamps them to 0–1.
func moveRange(x, y float64) (low, high float64) {
	clamp := func(v float64) float64 { return math.Min(1, math.Max(0, v)) }
	return clamp(math.Min(x, y)), clamp(math.Max(x, y))
}

// formatEUR shows cents as euros with thousands separators, rounded to
// whole cents half away from zero, without decimals when whole:
// "EUR 30,000,000", "EUR 1,234.50".
func formatEUR(cents float64) string {
	c := int64(math.Round(cents))
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	s := "EUR " + sign + thousands(c/100)
	if c%100 != 0 {
		s += fmt.Sprintf(".%02d", c%100)
	}
	return s
}

// formatEURRange shows "EUR 600,000–900,000", or one amount when both
// ends round to the same cents.
func formatEURRange(low, high float64) string {
	l, h := formatEUR(low), formatEUR(high)
	if l == h {
		return l
	}
	return l + "–" + strings.TrimPrefix(h, "EUR ")
}

// thousands writes a non-negative whole number with comma separators.
func thousands(v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatPercent shows a fraction as a percentage with at most two
// decimals: "20 %", "2.5 %", "96.12 %".
func formatPercent(f float64) string {
	return trimNumber(100*f, 2) + " %"
}

// formatPercentRange shows "10–15 %", or one percentage when equal.
func formatPercentRange(low, high float64) string {
	l, h := trimNumber(100*low, 2), trimNumber(100*high, 2)
	if l == h {
		return l + " %"
	}
	return l + "–" + h + " %"
}

// formatFactor shows a multiplier with at least one decimal: "1.0", "0.45".
func formatFactor(x float64) string {
	s := trimNumber(x, 4)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// trimNumber rounds x to the given decimals and drops trailing zeros.
func trimNumber(x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
