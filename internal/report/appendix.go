package report

import (
	"math"
	"strconv"

	"github.com/promotor/promotor/internal/nps"
)

// appendix is section 12: the counts and every formula of the report's
// main figures, filled in with this wave's numbers, so that a reader can
// redo each calculation by hand. The intermediate values are written out
// from the counts the report was given; each result is the one the rest
// of the report shows.
func (b builder) appendix() section {
	w, h, res := b.w, b.r.Score.Histogram, b.r.Score.Result
	sec := section{Title: w.T("s12.title")}
	if res.Empty() {
		return addBlocks(sec, text(w.T("s12.none")))
	}
	counts := &table{
		Caption: w.T("s12.counts"),
		Head:    []string{w.T("s12.score")},
		Rows:    [][]string{{w.T("responses")}},
		Num:     []bool{false},
		Widths:  []float64{2.4},
	}
	for s, c := range h {
		counts.Head = append(counts.Head, strconv.Itoa(s))
		counts.Rows[0] = append(counts.Rows[0], w.count(c))
		counts.Num = append(counts.Num, true)
		counts.Widths = append(counts.Widths, 1)
	}
	counts.Head = append(counts.Head, "n")
	counts.Rows[0] = append(counts.Rows[0], w.count(h.N()))
	counts.Num = append(counts.Num, true)
	counts.Widths = append(counts.Widths, 1.3)

	f := b.formulas()
	f.scoreRows()
	f.changeRows()
	f.themeRows()
	f.weightedRows()
	return addBlocks(sec,
		tableBlock(counts),
		facts(
			fact{w.T("s12.n"), w.count(res.N)},
			fact{w.T("s12.p"), w.count(res.Promoters)},
			fact{w.T("s12.a"), w.count(res.Passives)},
			fact{w.T("s12.d"), w.count(res.Detractors)},
		),
		tableBlock(f.t),
		note(w.T("s12.note")))
}

// formulaTable collects the rows of the formulas table.
type formulaTable struct {
	b builder
	t *table
}

func (b builder) formulas() *formulaTable {
	return &formulaTable{b: b, t: &table{
		Caption: b.w.T("s12.formulas"),
		Head:    []string{b.w.T("s12.figure"), b.w.T("s12.formula"), b.w.T("s12.calculation"), b.w.T("result")},
		Num:     []bool{false, false, false, true},
		Widths:  []float64{2.6, 3.6, 4.4, 2.1},
	}}
}

func (f *formulaTable) row(figure, formula, calc, result string) {
	f.t.Rows = append(f.t.Rows, []string{figure, formula, calc, result})
}

// n4 and n2 write intermediate values with four and two decimals.
func (f *formulaTable) n4(x float64) string { return f.b.w.fixed(x, 4) }
func (f *formulaTable) n2(x float64) string { return f.b.w.fixed(x, 2) }

// paren writes a value, in brackets when negative, for use after a sign.
func (f *formulaTable) paren(s string) string {
	if len(s) > 0 && s[0] == '-' {
		return "(" + s + ")"
	}
	return s
}

// scoreRows are the NPS, its step, the interval and the response rate.
func (f *formulaTable) scoreRows() {
	w, s := f.b.w, f.b.r.Score
	r := s.Result
	n, P, D := float64(r.N), float64(r.Promoters), float64(r.Detractors)
	f.row(w.T("s12.nps"), "100 · (P − D) / n",
		"100 · ("+w.count(r.Promoters)+" − "+w.count(r.Detractors)+") / "+w.count(r.N)+" = "+f.n2(r.NPS), w.score(r))
	f.row(w.T("s12.step"), "100 / n", "100 / "+w.count(r.N), f.n2(r.Step()))
	se, centre := 0.0, r.NPS
	if r.Method == nps.Wald {
		p, d := P/n, D/n
		se = 100 * math.Sqrt(nps.ResponseVariance(s.Histogram, r.Method)/n)
		f.row(w.T("s12.p_share"), "P / n", w.count(r.Promoters)+" / "+w.count(r.N), f.n4(p))
		f.row(w.T("s12.d_share"), "D / n", w.count(r.Detractors)+" / "+w.count(r.N), f.n4(d))
		f.row(w.T("s12.se"), "100 · √([p + d − (p − d)²] / n)",
			"100 · √(["+f.n4(p)+" + "+f.n4(d)+" − "+f.paren(f.n4(p-d))+"²] / "+w.count(r.N)+")", f.n2(se))
	} else {
		a := n + 3
		p, d := (P+0.75)/a, (D+0.75)/a
		se = 100 * math.Sqrt(nps.ResponseVariance(s.Histogram, r.Method)/a)
		centre = 100 * (p - d)
		f.row(w.T("s12.p_adj"), "(P + ¾) / (n + 3)", "("+w.count(r.Promoters)+" + 0.75) / "+w.count(r.N+3), f.n4(p))
		f.row(w.T("s12.d_adj"), "(D + ¾) / (n + 3)", "("+w.count(r.Detractors)+" + 0.75) / "+w.count(r.N+3), f.n4(d))
		f.row(w.T("s12.se"), "100 · √([p′ + d′ − (p′ − d′)²] / (n + 3))",
			"100 · √(["+f.n4(p)+" + "+f.n4(d)+" − "+f.paren(f.n4(p-d))+"²] / "+w.count(r.N+3)+")", f.n2(se))
		f.row(w.T("s12.centre"), "100 · (p′ − d′)", "100 · ("+f.n4(p)+" − "+f.n4(d)+")", f.n2(centre))
	}
	if N := r.Population; N > 0 {
		fpc := 0.0
		if N > 1 {
			fpc = math.Sqrt(float64(N-r.N) / float64(N-1))
		}
		f.row(w.T("s12.fpc"), "SE · √((N − n) / (N − 1))",
			f.n2(se)+" · √(("+w.count(N)+" − "+w.count(r.N)+") / "+w.count(N-1)+")", f.n2(se*fpc))
		if r.Method != nps.Wald {
			share := float64(N-r.N) / float64(N)
			f.row(w.T("s12.fpc_centre"), "NPS + (N − n) / N · (centre − NPS)",
				f.n2(r.NPS)+" + "+f.n4(share)+" · ("+f.n2(centre)+" − "+f.paren(f.n2(r.NPS))+")", f.n2(r.NPS+share*(centre-r.NPS)))
			centre = r.NPS + share*(centre-r.NPS)
		}
		se *= fpc
	}
	f.row(w.T("s12.z", "level", w.confidence(r.Confidence)), "Φ⁻¹(1 − α/2)", "", w.fixed(r.Critical, 3))
	f.row(w.T("s12.interval"), "centre ± z · SE",
		f.n2(centre)+" ± "+w.fixed(r.Critical, 3)+" · "+f.n2(se)+" = "+span(f.n2(centre-r.Critical*se), f.n2(centre+r.Critical*se)),
		w.interval(r))
	if s.Invited > 0 {
		f.row(w.T("s12.rate"), w.T("s12.rate.formula"), w.count(s.Responded)+" / "+w.count(s.Invited), w.share(s.Responded, s.Invited))
	}
}

// changeRows are the comparison with the previous wave.
func (f *formulaTable) changeRows() {
	w, s := f.b.w, f.b.r.Score
	if s.PreviousWave == "" || !s.ChangeOK {
		return
	}
	c := s.Change
	before, after := clean(s.PreviousWave), clean(f.b.r.Wave)
	f.row(w.T("s12.difference"), "NPS("+after+") − NPS("+before+")",
		f.n2(s.Result.NPS)+" − "+f.paren(f.n2(s.Previous.NPS))+" = "+f.n2(c.Difference), w.signed(c.Difference))
	f.row(w.T("s12.diff_se"), "√(SE₁² + SE₂²)", "√("+f.n2(s.Previous.SE)+"² + "+f.n2(s.Result.SE)+"²)", f.n2(c.SE))
	if c.SE > 0 {
		f.row("z", w.T("s12.z.formula"), f.n2(c.Difference)+" / "+f.n2(c.SE), f.n2(c.Z))
		f.row("p", "2 · (1 − Φ(|z|))", "2 · (1 − Φ("+f.n2(math.Abs(c.Z))+"))", w.fixed(c.P, 3))
	}
	verdict := w.T("s12.significant", "alpha", w.fixed(1-c.Confidence, 2))
	switch {
	case s.ChangeSmall:
		verdict = w.T("s3.not_tested", "n", nps.UncertainBelow)
	case !c.Significant:
		verdict = w.T("s12.not_significant", "alpha", w.fixed(1-c.Confidence, 2))
	}
	f.row(w.T("s12.verdict"), "p < "+w.fixed(1-c.Confidence, 2), w.pValue(c.P), verdict)
}

// themeRows work out the effect of the theme that pulls the score down
// most (or, when none does, the first theme with an effect).
func (f *formulaTable) themeRows() {
	w := f.b.w
	var th *Theme
	for i := range f.b.r.Themes {
		t := &f.b.r.Themes[i]
		if t.Impact.Empty || t.Impact.Rest.N() == 0 {
			continue
		}
		if th == nil || t.Impact.Effect < th.Impact.Effect {
			th = t
		}
	}
	if th == nil {
		return
	}
	ti, all := th.Impact, f.b.r.Score.Result
	name := clean(th.Name)
	t, rest := ti.Theme, ti.Rest
	tn, rn, n := t.N(), rest.N(), all.N
	without := float64(100*(rest.Promoters()-rest.Detractors())) / float64(rn)
	f.row(w.T("s12.theme_with", "theme", name), "100 · (P − D) / t",
		"100 · ("+w.count(t.Promoters())+" − "+w.count(t.Detractors())+") / "+w.count(tn)+" = "+f.n2(ti.NPSWith), w.signed(ti.NPSWith))
	f.row(w.T("s12.theme_without", "theme", name), "100 · (P − D) / r",
		"100 · ("+w.count(rest.Promoters())+" − "+w.count(rest.Detractors())+") / "+w.count(rn)+" = "+f.n2(without), w.signed(without))
	f.row(w.T("s12.theme_effect", "theme", name), w.T("s12.theme_effect.formula"),
		f.n2(all.NPS)+" − "+f.paren(f.n2(without))+" = "+f.n2(ti.Effect), w.signed1(ti.Effect))
	vt, vr := nps.ResponseVariance(t, ti.Method), nps.ResponseVariance(rest, ti.Method)
	formula, add := "100 · (t / n) · √(v′(t) / (t + 3) + v′(r) / (r + 3))", int64(3)
	if ti.Method == nps.Wald {
		formula, add = "100 · (t / n) · √(v(t) / t + v(r) / r)", 0
	}
	se := 100 * float64(tn) / float64(n) * math.Sqrt(vt/float64(tn+add)+vr/float64(rn+add))
	calc := "100 · (" + w.count(tn) + " / " + w.count(n) + ") · √(" + f.n4(vt) + " / " + w.count(tn+add) + " + " + f.n4(vr) + " / " + w.count(rn+add) + ")"
	if math.Abs(se-ti.SE) > 1e-9*math.Max(1, se) {
		// The caller applied the finite population correction of the wave.
		formula += " · √((N − n) / (N − 1))"
		calc += " · " + f.n4(ti.SE/se)
	}
	f.row(w.T("s12.theme_se", "theme", name), formula, calc, f.n2(ti.SE))
	z := nps.CriticalValue(ti.Confidence)
	f.row(w.T("s12.theme_interval", "theme", name), "effect ± z · SE",
		f.n2(ti.Effect)+" ± "+w.fixed(z, 3)+" · "+f.n2(ti.SE), span(w.signed1(ti.Low), w.signed1(ti.High)))
}

// weightedRows are the account- and revenue-weighted NPS.
func (f *formulaTable) weightedRows() {
	w, s := f.b.w, f.b.r.Score
	for _, x := range []struct {
		key string
		r   nps.Result
	}{{"s12.account", s.Account}, {"s12.revenue", s.Revenue}} {
		if x.r.Empty() || !x.r.Weighted {
			continue
		}
		f.row(w.T(x.key), "100 · Σ w·c / Σ w = 100 · (p − d)",
			"100 · ("+f.n4(x.r.PromoterShare)+" − "+f.n4(x.r.DetractorShare)+") = "+f.n2(x.r.NPS), w.score(x.r))
		f.row(w.T(x.key+".neff"), "(Σ w)² / Σ w²", "", w.fixed(x.r.EffectiveN, 1))
		f.row(w.T(x.key+".interval"), w.T("s12.weighted.formula"), "", w.interval(x.r))
	}
}
