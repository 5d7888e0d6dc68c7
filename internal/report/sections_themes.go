package report

import (
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// themes is section 6: the themes of the comments with their effect on
// the NPS, and the loyalty matrix.
func (b builder) themes() section {
	w := b.w
	sec := section{Title: w.T("s6.title")}
	if len(b.r.Themes) == 0 {
		sec.Blocks = append(sec.Blocks, text(w.T("s6.none")))
	} else {
		t := &table{
			Caption: w.T("s6.caption"),
			Head: []string{w.T("s6.theme"), w.T("s6.mentions"), w.T("s6.frequency"), w.T("s6.nps_with"),
				w.T("s6.effect"), b.intervalHead(), w.T("s6.significant")},
			Num:    []bool{false, true, true, true, true, true, false},
			Widths: []float64{3.2, 1.5, 1.5, 1.4, 1.3, 2.2, 1.6},
		}
		for _, th := range b.r.Themes {
			ti := th.Impact
			row := []string{clean(th.Name), w.count(ti.Theme.N()), w.pct(ti.Frequency), "—", "—", "", w.T("s6.not_mentioned")}
			if !ti.Empty {
				row[3], row[4], row[6] = w.signed(ti.NPSWith), w.signed1(ti.Effect), w.yesNo(ti.Significant)
				if ti.SE > 0 || ti.Low != ti.High {
					row[5] = span(w.signed1(ti.Low), w.signed1(ti.High))
				}
			}
			t.Rows = append(t.Rows, row)
		}
		sec.Blocks = append(sec.Blocks, tableBlock(t), note(w.T("s6.note")))
		if b.r.Charts.Themes != "" {
			sec.Blocks = append(sec.Blocks, chartBlock(b.r.Charts.Themes))
		}
	}
	return addBlocks(sec, b.loyalty()...)
}

// intents are the loyalty matrix's columns, as nps orders them.
var intents = []nps.SwitchIntent{nps.SwitchNo, nps.SwitchUnsure, nps.SwitchYes, ""}

// loyalty lays out the loyalty matrix: category × switching intent.
func (b builder) loyalty() []block {
	w, m := b.w, b.r.Loyalty
	bs := []block{heading(w.T("s6.loyalty"))}
	switch {
	case m.Total() == 0:
		return append(bs, text(w.T("s6.loyalty.none")))
	case m.ColumnTotal("") == m.Total():
		return append(bs, text(w.T("s6.loyalty.unasked")))
	}
	t := &table{
		Caption: w.T("s6.loyalty.caption"),
		Head:    []string{w.T("category")},
		Widths:  []float64{2.4},
		Num:     []bool{false},
	}
	for _, i := range intents {
		t.Head = append(t.Head, w.T("intent."+intentKey(i)))
		t.Widths = append(t.Widths, 1.7)
		t.Num = append(t.Num, true)
	}
	t.Head = append(t.Head, w.T("total"))
	t.Widths = append(t.Widths, 1.2)
	t.Num = append(t.Num, true)
	for _, row := range m.Rows() {
		cells := []string{w.categories(row.Category)}
		for _, c := range row.Cells {
			cells = append(cells, w.count(c.Count)+" ("+w.pct(c.Share)+")")
		}
		t.Rows = append(t.Rows, append(cells, w.count(row.Total)))
	}
	t.Total = []string{w.T("total")}
	for _, c := range m.Columns() {
		t.Total = append(t.Total, w.count(c.Count)+" ("+w.pct(c.Share)+")")
	}
	t.Total = append(t.Total, w.count(m.Total()))
	return append(bs, tableBlock(t), facts(
		fact{w.T("s6.at_risk"), w.T("s6.at_risk.value", "n", w.plural("respondents", m.AtRisk()), "share", w.share(m.AtRisk(), m.Total()))},
		fact{w.T("s6.loyal"), w.T("s6.loyal.value", "n", w.count(m.LoyalPromoters()), "promoters", w.count(m.RowTotal(nps.Promoter)))},
	), note(w.T("s6.loyalty.note")))
}

func intentKey(i nps.SwitchIntent) string {
	if i == "" {
		return "none"
	}
	return string(i)
}

// verbatims is section 7: the comments an analyst chose, in their order.
func (b builder) verbatims() section {
	w := b.w
	sec := section{Title: w.T("s7.title")}
	if len(b.r.Verbatims) == 0 {
		return addBlocks(sec, text(w.T("s7.none")))
	}
	qs := make([]quote, 0, len(b.r.Verbatims))
	for _, v := range b.r.Verbatims {
		c := nps.CategoryOf(v.Score)
		q := quote{ScoreLabel: w.T("s7.score", "score", v.Score, "category", w.category(c)),
			Tone: toneOf(c), Text: cleanPara(v.Comment), Who: clean(v.Who)}
		if q.Text == "" {
			q.Text = w.T("s7.no_comment")
		}
		if b.r.Anonymised || q.Who == "" {
			q.Who = w.T("anonymised")
		}
		names := make([]string, 0, len(v.Themes))
		for _, t := range v.Themes {
			if t = clean(t); t != "" {
				names = append(names, t)
			}
		}
		if len(names) > 0 {
			q.Themes = w.T("s7.themes", "themes", strings.Join(names, ", "))
		}
		qs = append(qs, q)
	}
	return addBlocks(sec, block{Kind: kindQuotes, Quotes: qs}, note(w.T("s7.note")))
}
