package web

import (
	"math"
	"strconv"
	"strings"
)

// valueNumbers writes the money pages' amounts and percentages in the
// page's language: "EUR 30,000,000" and "2.5 %" in English,
// "EUR 30.000.000" and "2,5 %" in Dutch. Amounts are euro cents, rounded
// to whole cents half away from zero and shown without decimals when
// whole, as docs/STATISTICS.md states for every money figure.
type valueNumbers struct{ dutch bool }

func newValueNumbers(lang string) valueNumbers { return valueNumbers{dutch: lang == "nl"} }

// grouped writes a whole number with the language's thousands separator.
func (v valueNumbers) grouped(n int64) string { return grouped(n, v.dutch) }

// decimal writes x rounded to at most places decimals, trailing zeros
// dropped, with the language's decimal sign.
func (v valueNumbers) decimal(x float64, places int) string {
	s := strconv.FormatFloat(x, 'f', places, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	if v.dutch {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// amount writes cents as euros without the currency: "1,234.50".
func (v valueNumbers) amount(cents float64) string {
	c := int64(math.Round(cents))
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	s := sign + v.grouped(c/100)
	if c%100 != 0 {
		dec := "."
		if v.dutch {
			dec = ","
		}
		s += dec + strconv.FormatInt(100+c%100, 10)[1:]
	}
	return s
}

// EUR shows an amount of cents: "EUR 30,000,000".
func (v valueNumbers) EUR(cents int64) string { return "EUR " + v.amount(float64(cents)) }

// eur shows an unrounded amount of cents.
func (v valueNumbers) eur(cents float64) string { return "EUR " + v.amount(cents) }

// eurRange shows "EUR 2,100,000 – 2,700,000", or one amount when both
// ends show the same.
func (v valueNumbers) eurRange(low, high float64) string {
	l, h := v.amount(low), v.amount(high)
	if l == h {
		return "EUR " + l
	}
	return "EUR " + l + " – " + h
}

// Pct shows a fraction as a percentage with at most one decimal: "12.5 %".
func (v valueNumbers) Pct(f float64) string { return v.decimal(100*f, 1) + " %" }

// SignedPct shows a change as a percentage with its sign: "+7 %", "-3.2 %".
func (v valueNumbers) SignedPct(f float64) string {
	s := v.Pct(f)
	if !strings.HasPrefix(s, "-") && s != "0 %" {
		s = "+" + s
	}
	return s
}

// PctRange shows an interval of fractions: "1.8–40.4 %".
func (v valueNumbers) PctRange(low, high float64) string {
	return v.decimal(100*low, 1) + "–" + v.decimal(100*high, 1) + " %"
}

// pct shows a fraction in a formula, with at most two decimals as the
// calculator's own steps do: "20 %", "4.17 %".
func (v valueNumbers) pct(f float64) string { return v.decimal(100*f, 2) + " %" }

// pctRange shows "10–15 %", or one percentage when both ends are equal.
func (v valueNumbers) pctRange(low, high float64) string {
	l, h := v.decimal(100*low, 2), v.decimal(100*high, 2)
	if l == h {
		return l + " %"
	}
	return l + "–" + h + " %"
}

// factor shows a multiplier with at least one decimal: "1.0", "0.45".
func (v valueNumbers) factor(x float64) string {
	s := v.decimal(x, 4)
	switch {
	case strings.ContainsAny(s, ".,"):
	case v.dutch:
		s += ",0"
	default:
		s += ".0"
	}
	return s
}
