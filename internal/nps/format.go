package nps

import (
	"math"
	"strconv"
	"time"
)

// NoResponses is how an empty result is shown, never as 0 or NaN.
const NoResponses = "no responses"

// Rounded returns the NPS as a whole number, rounding half away from zero
// (+12.5 → +13, −12.5 → −13). Unweighted results round from the integer
// counts, so no floating-point error can tip a half the wrong way.
func (r Result) Rounded() int64 {
	if r.Empty() {
		return 0
	}
	if r.Weighted {
		return int64(math.Round(r.NPS))
	}
	num, n := 100*(r.Promoters-r.Detractors), r.N
	neg := num < 0
	if neg {
		num = -num
	}
	q := (2*num + n) / (2 * n)
	if neg {
		return -q
	}
	return q
}

// Format shows the NPS as a signed whole number ("+18", "-10", "0"), or
// "no responses" for an empty result.
func (r Result) Format() string {
	if r.Empty() {
		return NoResponses
	}
	return Signed(r.Rounded())
}

// Signed renders a whole number of NPS points with its sign; zero has none.
func Signed(v int64) string {
	if v > 0 {
		return "+" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

// RoundHalfAway rounds x to a whole number, halves away from zero, for
// display of interval bounds and differences (the raw values stay exact).
func RoundHalfAway(x float64) int64 { return int64(math.Round(x)) }

// Step is how far one response moves the NPS: 100/n points. With few
// responses the score can only take coarse values, which a reader must
// know before reading much into a change.
func (r Result) Step() float64 {
	if r.Empty() {
		return 0
	}
	return 100 / float64(r.N)
}

// SmallSample is the number of responses below which Step is worth saying.
const SmallSample = 100

// FormatTime shows a moment the same way in every language and email:
// "2026-12-08 15:00 UTC"; the zero time is "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}
