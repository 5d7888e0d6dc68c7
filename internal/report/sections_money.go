package report

import (
	"github.com/promotor/promotor/internal/nps"
)

// money is section 11: what the NPS is worth — the revenue at risk, what
// became of the accounts per category, the calculator's value of +10
// points and earned growth.
func (b builder) money() section {
	w, m := b.w, b.r.Money
	sec := section{Title: w.T("s11.title")}
	if !m.HasRevenue {
		return addBlocks(sec, text(w.T("s11.no_revenue")))
	}
	r := m.AtRisk
	sec.Blocks = append(sec.Blocks, heading(w.T("s11.risk")), facts(
		fact{w.T("s11.risk.detractor"), w.T("s11.amount_accounts", "amount", w.money(r.Detractor), "accounts", w.plural("accounts", r.DetractorAccounts))},
		fact{w.T("s11.risk.switching"), w.T("s11.amount_accounts", "amount", w.money(r.Switching), "accounts", w.plural("accounts", r.SwitchingAccounts))},
		fact{w.T("s11.risk.either"), w.T("s11.amount_accounts", "amount", w.money(r.Either), "accounts", w.plural("accounts", r.EitherAccounts))},
		fact{w.T("s11.risk.share"), w.T("s11.risk.share.value", "share", w.pct(r.Share), "total", w.money(r.Total), "accounts", w.plural("accounts", r.Accounts))},
	))
	sec.Blocks = append(sec.Blocks, b.outcomes()...)
	sec.Blocks = append(sec.Blocks, b.calculator()...)
	return addBlocks(sec, b.growth()...)
}

// outcomes shows what became of the wave's accounts per category, once
// its follow-up year is over.
func (b builder) outcomes() []block {
	w, m := b.w, b.r.Money
	bs := []block{heading(w.T("s11.outcomes"))}
	if !m.Observed {
		return append(bs, text(w.T("s11.outcomes.pending")))
	}
	t := &table{
		Caption: w.T("s11.outcomes.caption"),
		Head:    []string{w.T("category"), w.T("s11.accounts"), w.T("s11.churned"), w.T("s11.churn_rate"), w.T("s11.retention")},
		Num:     []bool{false, true, true, true, true},
		Widths:  []float64{2.4, 1.5, 1.5, 3, 2},
	}
	row := func(name string, c nps.CategoryOutcome) []string {
		cells := []string{name, w.count(c.Accounts), w.count(c.Churned), "—", "—"}
		if c.Accounts > 0 {
			cells[3] = w.pct(c.ChurnRate) + " (" + w.num.PctRange(c.ChurnLow, c.ChurnHigh) + ")"
		}
		if c.HasRetention {
			cells[4] = w.pct(c.Retention)
		}
		return cells
	}
	for _, c := range m.Outcomes.ByCategory {
		t.Rows = append(t.Rows, row(w.categories(c.Category), c))
	}
	t.Total = row(w.T("s11.all_accounts"), m.Outcomes.Total)
	return append(bs, tableBlock(t), note(w.T("s11.outcomes.note")))
}

// calculator shows the value of +10 points with its steps, written in
// the report's language from the calculator's input; each step's result
// is the calculator's own.
func (b builder) calculator() []block {
	w, m := b.w, b.r.Money
	bs := []block{heading(w.T("s11.calc"))}
	if !m.HasCalculator {
		return append(bs, text(w.T("s11.calc.none")))
	}
	in, res, n := m.CalculatorInput, m.Calculator, w.num
	a := in.Assumptions
	inputs := w.T("s11.calc.inputs", "churn", n.FormulaPct(in.ChurnRate), "wave", m.ChurnWave)
	if m.ChurnWave == "" {
		inputs = w.T("s11.calc.inputs_unobserved")
	}
	if in.MarketingBudget == 0 {
		inputs += " " + w.T("s11.calc.no_marketing")
	}
	revenue, budget := float64(in.Revenue), float64(in.MarketingBudget)
	churn, existing, marketing, total := res.Steps[0], res.Steps[1], res.Steps[2], res.Steps[3]
	churnRange := n.EURRange(churn.Low, churn.High)
	existingRange := n.EURRange(existing.Low, existing.High)
	marketingRange := n.EURRange(marketing.Low, marketing.High)
	t := &table{
		Caption: w.T("s11.calc.caption"),
		Head:    []string{w.T("step"), w.T("arithmetic"), w.T("result")},
		Num:     []bool{false, false, true},
		Widths:  []float64{2.6, 5.4, 2.4},
		Rows: [][]string{
			{w.T("s11.calc.churn"),
				n.EURAmount(revenue) + " × " + n.FormulaPct(in.ChurnRate) + " " + w.T("s11.calc.churn_word") + " × " + n.ReductionTerm(a.ChurnLow, a.ChurnHigh, res.Scale) + " = " + churnRange,
				b.stepResult(churn)},
			{w.T("s11.calc.existing"),
				n.EURAmount(revenue) + " × " + n.FormulaPctRange(a.ExistingLow, a.ExistingHigh) + " × " + n.Factor(res.Scale) + " = " + existingRange,
				b.stepResult(existing)},
			{w.T("s11.calc.marketing"),
				n.EURAmount(budget) + " × " + n.ReductionTerm(a.MarketingLow, a.MarketingHigh, res.Scale) + " = " + marketingRange,
				b.stepResult(marketing)},
		},
		Total: []string{w.T("total"), churnRange + " + " + existingRange + " + " + marketingRange, b.stepResult(total)},
	}
	return append(bs,
		text(w.T("s11.calc.reading", "from", w.signed(in.CurrentNPS), "to", w.signed(in.TargetNPS), "range", n.EURRange(res.Low, res.High))),
		tableBlock(t), note(inputs+" "+w.T("s11.calc.rules")+" "+w.T("s11.calc.note")))
}

// stepResult shows a step's result: an amount or a share, a range when
// its ends differ.
func (b builder) stepResult(st nps.Step) string {
	if st.Unit == nps.UnitFraction {
		return b.w.num.FormulaPctRange(st.Low, st.High)
	}
	return b.w.num.EURRange(st.Low, st.High)
}

// growth shows earned growth with its steps.
func (b builder) growth() []block {
	w, m := b.w, b.r.Money
	bs := []block{heading(w.T("s11.growth"))}
	if !m.HasGrowth {
		return append(bs, text(w.T("s11.growth.none")))
	}
	g, in, n := m.Growth, m.GrowthInput, w.num
	prior, retained, referred := float64(in.PriorRevenue), float64(in.RetainedRevenue), float64(in.ReferredRevenue)
	t := &table{
		Caption: w.T("s11.growth.caption"),
		Head:    []string{w.T("step"), w.T("arithmetic"), w.T("result")},
		Num:     []bool{false, false, true},
		Widths:  []float64{3, 5, 2.4},
		Rows: [][]string{
			{w.T("s11.growth.nrr"), n.EURAmount(retained) + " / " + n.EURAmount(prior), b.stepResult(g.Steps[0])},
			{w.T("s11.growth.enc"), n.EURAmount(referred) + " / " + n.EURAmount(prior), b.stepResult(g.Steps[1])},
			{w.T("s11.growth.earned"), n.FormulaPct(g.NRR) + " + " + n.FormulaPct(g.ENC), b.stepResult(g.Steps[2])},
		},
	}
	if g.HasReferredShare {
		t.Rows = append(t.Rows, []string{w.T("s11.growth.referred"), n.EURAmount(referred) + " / " + n.EURAmount(float64(in.NewRevenue)), b.stepResult(g.Steps[3])})
	}
	return append(bs,
		text(w.T("s11.growth.reading", "rate", n.SignedPct(g.Rate), "nrr", w.pct(g.NRR), "enc", w.pct(g.ENC))),
		tableBlock(t), note(w.T("s11.growth.note")))
}
