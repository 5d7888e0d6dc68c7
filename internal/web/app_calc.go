package web

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// "Show the calculation": every NPS figure of the dashboard links here with
// its scope (and a month or an account, and a weighting, where the figure
// has them). The page shows the counts, the formula with the numbers put
// in, and the interval step by step; the export holds the scores behind
// the figure, one per response, in the format `promotor calc` reads, so
// that anyone can redo it.

// calcScope is the figure a calculation is about.
type calcScope struct {
	dashScope
	Month     nps.Month
	AccountID int64
	// Weight is "", "account" or "revenue".
	Weight string
	// Population is the wave's population when the figure uses the finite
	// population correction: the whole wave, unweighted.
	Population int64
}

func (s *Server) calcScopeOf(r *http.Request, a *appRequest) (calcScope, error) {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return calcScope{}, err
	}
	q := r.URL.Query()
	c := calcScope{dashScope: sc, Weight: q.Get("weight")}
	if c.Weight != "" && c.Weight != "account" && c.Weight != "revenue" {
		return c, badRequest("dash.err.weight")
	}
	if v := q.Get("month"); v != "" {
		if c.Month, err = nps.ParseMonth(v); err != nil {
			return c, badRequest("dash.err.month")
		}
	}
	if v := q.Get("account"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return c, nps.ErrNotFound
		}
		acc, err := s.db.Account(r.Context(), a.Workspace.ID, id)
		if err != nil {
			return c, err
		}
		if sc.Member && acc.OwnerID != a.User.ID {
			return c, nps.ErrNotFound
		}
		c.AccountID = id
	}
	if c.Month == 0 && c.AccountID == 0 && c.Weight == "" && sc.OwnerID == 0 && sc.Segment.IsZero() {
		c.Population = sc.Wave.Population
	}
	return c, nil
}

// filter is the histogram filter of the figure: its wave, or with a
// month the survey's responses first given in that month.
func (c calcScope) filter() store.HistogramFilter {
	f := c.dashScope.filter()
	f.AccountID = c.AccountID
	if c.Month != 0 {
		f.WaveID, f.FromMonth, f.ToMonth = 0, c.Month, c.Month
	}
	return f
}

// weights returns the histogram of each account with its weight, for a
// weighted figure.
func (s *Server) calcWeights(r *http.Request, a *appRequest, c calcScope) ([]nps.Histogram, []float64, error) {
	groups, err := s.db.Histograms(r.Context(), a.Workspace.ID, c.filter(), store.GroupBy{Dimension: store.GroupAccount})
	if err != nil {
		return nil, nil, err
	}
	hs := make([]nps.Histogram, 0, len(groups))
	weights := make([]float64, 0, len(groups))
	var revenue map[int64]int64
	if c.Weight == "revenue" {
		accounts, err := s.db.Accounts(r.Context(), a.Workspace.ID, store.AccountFilter{OwnerID: c.OwnerID})
		if err != nil {
			return nil, nil, err
		}
		revenue = make(map[int64]int64, len(accounts))
		for _, acc := range accounts {
			revenue[acc.ID] = acc.AnnualRevenueCents
		}
	}
	for _, g := range groups {
		id, _ := strconv.ParseInt(g.Key, 10, 64)
		if id == 0 {
			continue // responses without an account weigh nothing by account
		}
		w := 1.0
		if revenue != nil {
			w = float64(revenue[id]) / 100
		}
		hs = append(hs, g.Histogram)
		weights = append(weights, w)
	}
	return hs, weights, nil
}

// calcPage shows how a figure is computed.
type calcPage struct {
	appLayout
	Scope     calcScope
	Histogram nps.Histogram
	Result    nps.Result
	Err       string
	// Steps are the lines of the calculation, formula then numbers.
	Steps   []calcStep
	Export  string
	Command string
}

type calcStep struct{ Label, Formula, Value string }

// Counts pairs each score with its count, for the table.
func (p calcPage) Counts() []struct {
	Score int
	Count int64
} {
	out := make([]struct {
		Score int
		Count int64
	}, len(p.Histogram))
	for s, n := range p.Histogram {
		out[s].Score, out[s].Count = s, n
	}
	return out
}

func (s *Server) handleCalculation(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	c, err := s.calcScopeOf(r, a)
	if err != nil {
		return err
	}
	p := calcPage{appLayout: a.layout(a.M.T("dash.calc")), Scope: c}
	if c.Wave.ID == 0 {
		return s.render(w, http.StatusOK, "app/calculation", p)
	}
	if p.Histogram, err = s.db.Histogram(r.Context(), a.Workspace.ID, c.filter()); err != nil {
		return err
	}
	o := nps.Options{Population: c.Population}
	if c.Weight == "" {
		p.Result, err = nps.Estimate(p.Histogram, o)
	} else {
		hs, weights, werr := s.calcWeights(r, a, c)
		if werr != nil {
			return werr
		}
		p.Result, err = nps.RevenueWeighted(hs, weights, o)
	}
	if err != nil {
		p.Err = err.Error()
	} else {
		p.Steps = calcSteps(p.Histogram, p.Result, a)
	}
	p.Export = "calculation.csv?" + r.URL.RawQuery
	cmd := []string{"promotor calc"}
	if c.Weight != "" {
		cmd = append(cmd, "--weight weight")
	}
	if c.Population > 0 {
		cmd = append(cmd, "--population "+strconv.FormatInt(c.Population, 10))
	}
	p.Command = strings.Join(append(cmd, "calculation.csv"), " ")
	return s.render(w, http.StatusOK, "app/calculation", p)
}

// calcSteps writes out the arithmetic of r from its counts.
func calcSteps(h nps.Histogram, r nps.Result, a *appRequest) []calcStep {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	P, A, D, n := h.Promoters(), h.Passives(), h.Detractors(), h.N()
	steps := []calcStep{
		{a.M.T("dash.calc.counts"), "P = n₉ + n₁₀; A = n₇ + n₈; D = n₀ + … + n₆",
			fmt.Sprintf("P = %d, A = %d, D = %d, n = %d", P, A, D, n)},
	}
	if r.Empty() {
		return steps
	}
	if r.Weighted {
		steps = append(steps,
			calcStep{a.M.T("dash.calc.weights"), "wᵢ = W(account)/n(account); p = Σw(promoters)/Σw; d = Σw(detractors)/Σw",
				fmt.Sprintf("p = %s, d = %s", f(r.PromoterShare), f(r.DetractorShare))},
			calcStep{"NPS", "100 · (p − d)", f(r.NPS)},
			calcStep{a.M.T("dash.calc.effective_n"), "n_eff = (Σw)² / Σw²", f(r.EffectiveN)})
	} else {
		steps = append(steps, calcStep{"NPS", "100 · (P − D) / n",
			fmt.Sprintf("100 · (%d − %d) / %d = %s", P, D, n, f(r.NPS))})
	}
	nEff, centre := r.EffectiveN, r.NPS
	switch r.Method {
	case nps.AdjustedWald:
		at := nEff + 3
		pt, dt := (r.PromoterShare*nEff+0.75)/at, (r.DetractorShare*nEff+0.75)/at
		centre = 100 * (pt - dt)
		steps = append(steps,
			calcStep{a.M.T("dash.calc.adjusted"), "ñ = n + 3; p̃ = (p·n + ¾)/ñ; d̃ = (d·n + ¾)/ñ",
				fmt.Sprintf("ñ = %s, p̃ = %s, d̃ = %s", f(at), f(pt), f(dt))},
			calcStep{a.M.T("dash.calc.centre"), "100 · (p̃ − d̃)", f(centre)},
			calcStep{"SE", "100 · √((p̃ + d̃ − (p̃ − d̃)²) / ñ)", f(100 * math.Sqrt(math.Max(0, pt+dt-(pt-dt)*(pt-dt))/at))})
	default:
		p, d := r.PromoterShare, r.DetractorShare
		steps = append(steps, calcStep{"SE", "100 · √((p + d − (p − d)²) / n)", f(100 * math.Sqrt(math.Max(0, p+d-(p-d)*(p-d))/nEff))})
	}
	if r.Population > 0 {
		// As nps.Estimate corrects for the customers who did answer.
		N, n := float64(r.Population), float64(r.N)
		centre = r.NPS + (N-n)/N*(centre-r.NPS)
		steps = append(steps,
			calcStep{a.M.T("dash.calc.fpc"), "SE · √((N − n)/(N − 1)), N = " + strconv.FormatInt(r.Population, 10), f(r.SE)},
			calcStep{a.M.T("dash.calc.fpc_centre"), "NPS + (N − n)/N · (centre − NPS)", f(centre)})
	}
	steps = append(steps,
		calcStep{a.M.T("dash.calc.margin"), fmt.Sprintf("z · SE, z = %s (%s %%)", f(r.Critical), strconv.FormatFloat(100*r.Confidence, 'f', -1, 64)), f(r.Margin)},
		calcStep{a.M.T("dash.calc.interval"), "[max(−100, centre − margin), min(100, centre + margin)]", f(r.Low) + " … " + f(r.High)},
		calcStep{a.M.T("dash.calc.shown"), a.M.T("dash.calc.rounding"), r.Format()})
	return steps
}

// handleCalculationExport writes the scores behind a figure as CSV, one
// line per response (with its weight for a weighted figure), streamed
// from the histogram.
func (s *Server) handleCalculationExport(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	c, err := s.calcScopeOf(r, a)
	if err != nil {
		return err
	}
	if c.Wave.ID == 0 {
		return nps.ErrNotFound
	}
	var hs []nps.Histogram
	var weights []float64
	if c.Weight == "" {
		h, err := s.db.Histogram(r.Context(), a.Workspace.ID, c.filter())
		if err != nil {
			return err
		}
		hs = []nps.Histogram{h}
	} else if hs, weights, err = s.calcWeights(r, a, c); err != nil {
		return err
	}
	if err := s.db.RecordAudit(r.Context(), a.Workspace.ID, nps.AuditExport, "calculation.csv", auditScope(r)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="calculation.csv"`)
	out := bufio.NewWriterSize(w, 64<<10)
	if weights == nil {
		out.WriteString("score\n")
	} else {
		out.WriteString("score,weight\n")
	}
	for i, h := range hs {
		suffix := "\n"
		if weights != nil && h.N() > 0 {
			// Each response carries its share of the account's weight, as
			// nps.RevenueWeighted computes it.
			suffix = "," + strconv.FormatFloat(weights[i]/float64(h.N()), 'g', -1, 64) + "\n"
		}
		for score, n := range h {
			line := strconv.Itoa(score) + suffix
			for range n {
				out.WriteString(line)
			}
		}
	}
	return out.Flush()
}
