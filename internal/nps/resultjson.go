package nps

import "math"

// ResultJSON is the stable JSON contract of one result, shared by
// `promotor calc --json` and the REST API so that a figure read from
// either is the same field with the same meaning. Figures are unrounded
// points on the NPS scale; they are null when there are no responses (and
// where a value is infinite or undefined), never 0.
type ResultJSON struct {
	N          int64    `json:"n"`
	Promoters  int64    `json:"promoters"`
	Passives   int64    `json:"passives"`
	Detractors int64    `json:"detractors"`
	NPS        *float64 `json:"nps"`
	SE         *float64 `json:"se"`
	Method     string   `json:"method"`
	Confidence float64  `json:"confidence"`
	Low        *float64 `json:"low"`
	High       *float64 `json:"high"`
	Margin     *float64 `json:"margin"`
	EffectiveN *float64 `json:"effective_n,omitempty"`
	Population int64    `json:"population,omitempty"`
}

// JSON returns r in its JSON contract.
func (r Result) JSON() ResultJSON {
	j := ResultJSON{N: r.N, Promoters: r.Promoters, Passives: r.Passives, Detractors: r.Detractors,
		Method: string(r.Method), Confidence: r.Confidence, Population: r.Population}
	if r.Weighted {
		j.EffectiveN = finite(r.EffectiveN)
	}
	if !r.Empty() {
		j.NPS, j.SE, j.Low, j.High, j.Margin = finite(r.NPS), finite(r.SE), finite(r.Low), finite(r.High), finite(r.Margin)
	}
	return j
}

// ComparisonJSON is the stable JSON contract of two results and the
// change between them, B − A.
type ComparisonJSON struct {
	A           ResultJSON `json:"a"`
	B           ResultJSON `json:"b"`
	Difference  *float64   `json:"difference"`
	SE          *float64   `json:"se"`
	Z           *float64   `json:"z"`
	P           *float64   `json:"p"`
	Significant bool       `json:"significant"`
}

// NewComparisonJSON returns results a and b and their comparison c in the
// JSON contract; c is nil when the change cannot be computed (a side
// without responses), which leaves its figures null.
func NewComparisonJSON(a, b Result, c *Comparison) ComparisonJSON {
	j := ComparisonJSON{A: a.JSON(), B: b.JSON()}
	if c != nil {
		j.Difference, j.SE, j.Z, j.P = finite(c.Difference), finite(c.SE), finite(c.Z), finite(c.P)
		j.Significant = c.Significant
	}
	return j
}

// finite returns a pointer to v, or nil (JSON null) for ±Inf and NaN,
// which JSON cannot carry.
func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}
