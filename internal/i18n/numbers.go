package i18n

import (
	"math"
	"strconv"
	"strings"
)

// Numbers writes counts, amounts and percentages in a language's format:
// "30,000,000", "EUR 1,234.50" and "2.5 %" in English, "30.000.000",
// "EUR 1.234,50" and "2,5 %" in Dutch. Amounts are euro cents, rounded to
// whole cents half away from zero and shown without decimals when whole,
// as docs/STATISTICS.md states for every money figure. The pages, the
// emails and the report share it so that a figure reads the same in all.
type Numbers struct{ dutch bool }

// NewNumbers returns the number format of lang; every language but Dutch
// writes numbers the English way.
func NewNumbers(lang string) Numbers { return Numbers{dutch: lang == "nl"} }

// Grouped writes a whole number with the language's thousands separator.
func (v Numbers) Grouped(n int64) string {
	sep := ","
	if v.dutch {
		sep = "."
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Decimal writes x rounded to at most places decimals, trailing zeros
// dropped, with the language's decimal sign and no grouping.
func (v Numbers) Decimal(x float64, places int) string {
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

// Fixed writes x with exactly places decimals, in the language's decimal
// sign: for the intermediate values of a calculation, whose precision a
// reader should see.
func (v Numbers) Fixed(x float64, places int) string {
	s := strconv.FormatFloat(x, 'f', places, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	if v.dutch {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Amount writes cents as euros without the currency: "1,234.50".
func (v Numbers) Amount(cents float64) string {
	c := int64(math.Round(cents))
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	s := sign + v.Grouped(c/100)
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
func (v Numbers) EUR(cents int64) string { return "EUR " + v.Amount(float64(cents)) }

// EURAmount shows an unrounded amount of cents, as a calculation gives it.
func (v Numbers) EURAmount(cents float64) string { return "EUR " + v.Amount(cents) }

// EURRange shows "EUR 2,100,000 – 2,700,000", or one amount when both
// ends show the same.
func (v Numbers) EURRange(low, high float64) string {
	l, h := v.Amount(low), v.Amount(high)
	if l == h {
		return "EUR " + l
	}
	return "EUR " + l + " – " + h
}

// Pct shows a fraction as a percentage with at most one decimal: "12.5 %".
func (v Numbers) Pct(f float64) string { return v.Decimal(100*f, 1) + " %" }

// SignedPct shows a change as a percentage with its sign: "+7 %", "-3.2 %".
func (v Numbers) SignedPct(f float64) string {
	s := v.Pct(f)
	if !strings.HasPrefix(s, "-") && s != "0 %" {
		s = "+" + s
	}
	return s
}

// PctRange shows an interval of fractions: "1.8–40.4 %".
func (v Numbers) PctRange(low, high float64) string {
	return v.Decimal(100*low, 1) + "–" + v.Decimal(100*high, 1) + " %"
}

// FormulaPct shows a fraction in a formula, with at most two decimals as
// the calculator's own steps do: "20 %", "4.17 %".
func (v Numbers) FormulaPct(f float64) string { return v.Decimal(100*f, 2) + " %" }

// FormulaPctRange shows "10–15 %", or one percentage when both ends are
// equal, with at most two decimals.
func (v Numbers) FormulaPctRange(low, high float64) string {
	l, h := v.Decimal(100*low, 2), v.Decimal(100*high, 2)
	if l == h {
		return l + " %"
	}
	return l + "–" + h + " %"
}

// Factor shows a multiplier with at least one decimal: "1.0", "0.45".
func (v Numbers) Factor(x float64) string {
	s := v.Decimal(x, 4)
	switch {
	case strings.ContainsAny(s, ".,"):
	case v.dutch:
		s += ",0"
	default:
		s += ".0"
	}
	return s
}

// ReductionTerm writes a reduction per 10 NPS points times the scale of a
// rise, capped at 100 % as the impact calculator caps it: "10–15 % × 1.0",
// or "min(100 %, 10–15 % × 8.0)".
func (v Numbers) ReductionTerm(low, high, scale float64) string {
	term := v.FormulaPctRange(low, high) + " × " + v.Factor(scale)
	if high*scale > 1 {
		return "min(100 %, " + term + ")"
	}
	return term
}
