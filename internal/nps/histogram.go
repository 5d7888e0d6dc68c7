// Package nps holds Promotor's domain: its types, their validation, the
// error kinds, and the statistics standard. It imports nothing from the
// project, so every other package can depend on it and it can be tested
// on its own.
//
// Every NPS figure derives from the 11-bucket score histogram: counts are
// integers, groups combine by adding histograms, and floating point enters
// only when a share, a standard error or an interval is computed.
package nps

import "fmt"

// MinScore and MaxScore bound the recommendation question's scale.
const (
	MinScore = 0
	MaxScore = 10
)

// Category is a respondent's NPS category, derived from the score.
type Category int

// The three categories; their values are the contribution of one response
// to the NPS (+1, 0, −1), which the weighted NPS uses directly.
const (
	Detractor Category = -1
	Passive   Category = 0
	Promoter  Category = 1
)

// CategoryOf returns the category of a valid score (0–10).
func CategoryOf(score int) Category {
	switch {
	case score >= 9:
		return Promoter
	case score >= 7:
		return Passive
	default:
		return Detractor
	}
}

// String returns the category's name as used in exports and the API.
func (c Category) String() string {
	switch c {
	case Promoter:
		return "promoter"
	case Passive:
		return "passive"
	case Detractor:
		return "detractor"
	}
	return fmt.Sprintf("Category(%d)", int(c))
}

// ValidScore reports whether s is on the 0–10 scale.
func ValidScore(s int) bool { return s >= MinScore && s <= MaxScore }

// Histogram counts responses per score: Histogram[s] is the number of
// responses with score s. It is the unit in which aggregates are stored,
// summed across groups and turned into statistics.
type Histogram [11]int64

// Add counts one response with the given score; it panics on a score off
// the scale because callers validate input before it reaches a histogram.
func (h *Histogram) Add(score int) {
	if !ValidScore(score) {
		panic(fmt.Sprintf("nps: score %d out of range", score))
	}
	h[score]++
}

// Merge adds the counts of o to h, combining two groups.
func (h *Histogram) Merge(o Histogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// N is the number of responses.
func (h Histogram) N() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Promoters counts scores 9 and 10.
func (h Histogram) Promoters() int64 { return h[9] + h[10] }

// Passives counts scores 7 and 8.
func (h Histogram) Passives() int64 { return h[7] + h[8] }

// Detractors counts scores 0 to 6.
func (h Histogram) Detractors() int64 {
	return h[0] + h[1] + h[2] + h[3] + h[4] + h[5] + h[6]
}
