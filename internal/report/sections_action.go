package report

// atRisk is section 8: the accounts at risk of leaving.
func (b builder) atRisk() section {
	w := b.w
	sec := section{Title: w.T("s8.title")}
	if len(b.r.AtRisk) == 0 {
		return addBlocks(sec, text(w.T("s8.none")))
	}
	t := &table{
		Caption: w.T("s8.caption"),
		Head:    []string{w.T("account"), w.T("owner"), w.T("category"), w.T("s8.score"), w.T("s8.switching"), w.T("revenue")},
		Num:     []bool{false, false, false, true, false, true},
		Widths:  []float64{3.4, 2.4, 1.7, 1.3, 1.7, 2.2},
	}
	var revenue int64
	for _, a := range b.r.AtRisk {
		row := []string{b.account(a.Account), b.orDash(a.Owner), b.w.category(a.Category), w.count(int64(a.Score)), w.yesNo(a.Switching), "—"}
		if a.Revenue > 0 {
			row[5] = w.money(a.Revenue)
			revenue += a.Revenue
		}
		t.Rows = append(t.Rows, row)
	}
	if revenue > 0 {
		t.Total = []string{w.T("total"), "", "", "", "", w.money(revenue)}
	}
	return addBlocks(sec, text(w.plural("s8.reading", int64(len(b.r.AtRisk)))), tableBlock(t), note(w.T("s8.note")))
}

// account names an account, or says it was anonymised.
func (b builder) account(name string) string {
	if name = clean(name); b.r.Anonymised || name == "" {
		return b.w.T("anonymised")
	}
	return name
}

// orDash is a caller's text, or "—" for none.
func (b builder) orDash(name string) string {
	if name = clean(name); name == "" {
		return "—"
	}
	return name
}

// plans is section 9: the improvement plans and their progress.
func (b builder) plans() section {
	w, p := b.w, b.r.Plans
	sec := section{Title: w.T("s9.title")}
	if p.Plans == 0 {
		return addBlocks(sec, text(w.T("s9.none")))
	}
	// The plans of the wave's year, as they stand when the report is
	// made: for an earlier wave, today's state of that year's plans.
	if !b.r.Generated.IsZero() {
		sec.Blocks = append(sec.Blocks, text(w.T("s9.intro", "date", w.date(b.r.Generated))))
	}
	sec.Blocks = append(sec.Blocks, facts(
		fact{w.T("s9.plans"), w.T("s9.plans.value", "done", w.count(p.Done), "plans", w.count(p.Plans), "share", w.share(p.Done, p.Plans))},
		fact{w.T("s9.actions"), w.T("s9.actions.value", "done", w.count(p.ActionsDone), "actions", w.count(p.Actions), "share", w.share(p.ActionsDone, p.Actions))},
		fact{w.T("s9.overdue"), w.count(p.Overdue)},
	))
	if len(p.Items) == 0 {
		return sec
	}
	t := &table{
		Caption: w.T("s9.caption"),
		Head:    []string{w.T("account"), w.T("owner"), w.T("s9.plan"), w.T("s9.progress"), w.T("s9.overdue_short"), w.T("s9.status"), w.T("s9.updated")},
		Num:     []bool{false, false, false, true, true, false, false},
		Widths:  []float64{2.6, 2, 3.1, 1.4, 1.5, 1.4, 2},
	}
	for _, it := range p.Items {
		status := w.T("s9.open")
		if it.Done {
			status = w.T("s9.done")
		}
		t.Rows = append(t.Rows, []string{
			b.account(it.Account), b.orDash(it.Owner), b.orDash(it.Title),
			w.count(it.ActionsDone) + "/" + w.count(it.Actions), w.count(it.Overdue), status, w.date(it.Updated),
		})
	}
	return addBlocks(sec, tableBlock(t))
}

// promoters is section 10: the promoter programme.
func (b builder) promoters() section {
	w, p := b.w, b.r.Promoters
	sec := section{Title: w.T("s10.title")}
	if p.Promoters == 0 && len(p.Actions) == 0 && p.Referrals == 0 {
		return addBlocks(sec, text(w.T("s10.none")))
	}
	sec.Blocks = append(sec.Blocks, facts(
		fact{w.T("s10.promoters"), w.count(p.Promoters)},
		fact{w.T("s10.thanked"), w.T("s10.of", "n", w.count(p.Thanked), "total", w.count(p.Promoters), "share", w.share(p.Thanked, p.Promoters))},
		fact{w.T("s10.referrals"), w.count(p.Referrals)},
		fact{w.T("s10.referrals_thanked"), w.T("s10.of", "n", w.count(p.ReferralsThanked), "total", w.count(p.Referrals), "share", w.share(p.ReferralsThanked, p.Referrals))},
	))
	if len(p.Actions) == 0 {
		return addBlocks(sec, text(w.T("s10.no_actions")))
	}
	t := &table{
		Caption: w.T("s10.caption"),
		Head:    []string{w.T("s10.action"), w.T("s10.count")},
		Num:     []bool{false, true},
		Widths:  []float64{4, 1.5},
	}
	for _, a := range p.Actions {
		t.Rows = append(t.Rows, []string{b.orDash(a.Name), w.count(a.Count)})
	}
	return addBlocks(sec, tableBlock(t))
}
