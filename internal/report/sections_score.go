package report

import (
	"html/template"

	"github.com/promotor/promotor/internal/nps"
)

// score is section 2: the NPS with its interval, how it was computed, the
// response rate, the account- and revenue-weighted NPS and the coverage.
func (b builder) score() section {
	w, s := b.w, b.r.Score
	res := s.Result
	sec := section{Title: w.T("s2.title")}
	if res.Empty() {
		sec.Blocks = append(sec.Blocks, text(w.T("s2.none")))
		if s.Invited > 0 {
			sec.Blocks = append(sec.Blocks, facts(fact{w.T("s2.invited"), w.count(s.Invited)}))
		}
		return sec
	}
	how := w.T("s2.how", "level", w.confidence(res.Confidence), "method", w.method(res.Method))
	if res.Population > 0 {
		how += " " + w.T("s2.fpc", "n", w.count(res.Population))
	}
	fs := []fact{
		{w.T("s2.nps"), w.score(res)},
		{w.T("s2.interval"), w.interval(res) + " (" + how + ")"},
		{w.T("s2.responses"), w.T("s2.responses.value", "n", w.count(res.N),
			"promoters", w.count(res.Promoters), "pp", w.pct(res.PromoterShare),
			"passives", w.count(res.Passives), "ap", w.pct(res.PassiveShare),
			"detractors", w.count(res.Detractors), "dp", w.pct(res.DetractorShare))},
	}
	if s.Invited > 0 {
		fs = append(fs, fact{w.T("s2.rate"), w.T("s2.rate.value", "rate", w.share(s.Responded, s.Invited), "n", w.count(s.Responded), "invited", w.count(s.Invited))})
	} else {
		fs = append(fs, fact{w.T("s2.rate"), w.T("s2.rate.uninvited")})
	}
	if s.Accounts > 0 {
		fs = append(fs, fact{w.T("s2.coverage"), w.T("s2.coverage.value", "answered", w.count(s.Answered), "accounts", w.count(s.Accounts), "share", w.share(s.Answered, s.Accounts))})
	}
	if s.HasRevenue {
		fs = append(fs, fact{w.T("s2.revenue_coverage"), w.pct(s.RevenueShare)})
	}
	sec.Blocks = append(sec.Blocks, facts(fs...))
	if res.N < nps.SmallSample {
		sec.Blocks = append(sec.Blocks, note(w.T("s2.step", "n", w.count(res.N), "step", w.num.Decimal(res.Step(), 2))))
	}
	t := &table{
		Caption: w.T("s2.ways"),
		Head:    []string{w.T("s2.way"), "n", "NPS", b.intervalHead(), w.T("note")},
		Num:     []bool{false, true, true, true, false},
		Widths:  []float64{4.4, 1.6, 1.2, 2, 2.2},
		Rows:    [][]string{b.resultRow(w.T("s2.way.respondents"), res)},
	}
	for _, way := range []struct {
		name string
		r    nps.Result
		none string
	}{
		{w.T("s2.way.accounts"), s.Account, w.T("s2.way.accounts.none")},
		{w.T("s2.way.revenue"), s.Revenue, w.T("s2.way.revenue.none")},
	} {
		row := b.resultRow(way.name, way.r)
		switch {
		case way.r.Empty():
			row[1], row[2], row[4] = "—", "—", way.none
		case way.r.Weighted:
			row[1] = w.T("s2.effective", "n", w.count(way.r.N), "eff", w.num.Decimal(way.r.EffectiveN, 1))
			if way.r.EffectiveN < nps.UncertainBelow {
				row[4] = w.T("small_sample")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Blocks = append(sec.Blocks, tableBlock(t), note(w.T("s2.ways.note")))
	return sec
}

// change is section 3: the change versus the previous wave and the trend
// over all waves.
func (b builder) change() section {
	w, s := b.w, b.r.Score
	sec := section{Title: w.T("s3.title")}
	switch {
	case s.PreviousWave == "":
		sec.Blocks = append(sec.Blocks, text(w.T("s3.first")))
	case !s.ChangeOK:
		sec.Blocks = append(sec.Blocks, text(w.T("s3.empty", "wave", clean(s.PreviousWave))))
	default:
		c := s.Change
		verdict := w.T("s3.not_significant", "level", w.confidence(c.Confidence))
		switch {
		case s.ChangeSmall:
			verdict = w.T("s3.not_tested", "n", nps.UncertainBelow)
		case c.Significant:
			verdict = w.T("s3.significant", "level", w.confidence(c.Confidence))
		}
		sec.Blocks = append(sec.Blocks,
			text(w.T("s3.reading", "wave", clean(s.PreviousWave), "before", w.score(s.Previous), "after", w.score(s.Result),
				"difference", w.signed(c.Difference), "verdict", verdict)),
			facts(
				fact{clean(s.PreviousWave), w.T("s3.wave.value", "nps", w.score(s.Previous), "interval", w.interval(s.Previous), "n", w.count(s.Previous.N))},
				fact{clean(b.r.Wave), w.T("s3.wave.value", "nps", w.score(s.Result), "interval", w.interval(s.Result), "n", w.count(s.Result.N))},
				fact{w.T("s3.difference"), w.T("s3.difference.value", "difference", w.signed(c.Difference), "se", w.fixed(c.SE, 1))},
				fact{w.T("s3.test"), w.T("s3.test.value", "z", w.fixed(c.Z, 2), "p", w.pValue(c.P))},
				fact{w.T("s3.verdict"), verdict},
			))
	}
	sec.Blocks = append(sec.Blocks, heading(w.T("s3.trend")))
	answered := 0
	for _, wave := range b.r.Trend {
		if !wave.Result.Empty() {
			answered++
		}
	}
	if answered == 0 {
		return addBlocks(sec, text(w.T("s3.trend.none")))
	}
	if b.r.Charts.Trend != "" {
		sec.Blocks = append(sec.Blocks, chartBlock(b.r.Charts.Trend))
	}
	return addBlocks(sec, tableBlock(b.resultTable(w.T("s3.trend.caption"), w.T("s3.wave"), b.r.Trend)))
}

func addBlocks(s section, bs ...block) section {
	s.Blocks = append(s.Blocks, bs...)
	return s
}

// distribution is section 4: the 11 scores and the category shares.
func (b builder) distribution() section {
	w, h, res := b.w, b.r.Score.Histogram, b.r.Score.Result
	sec := section{Title: w.T("s4.title")}
	if res.Empty() {
		return addBlocks(sec, text(w.T("s4.none")))
	}
	for _, c := range []template.HTML{b.r.Charts.Distribution, b.r.Charts.Categories} {
		if c != "" {
			sec.Blocks = append(sec.Blocks, chartBlock(c))
		}
	}
	t := &table{
		Caption: w.T("s4.caption"),
		Head:    []string{w.T("category"), w.T("s4.scores"), w.T("responses"), w.T("share")},
		Num:     []bool{false, false, true, true},
		Widths:  []float64{3, 2, 2, 2},
		Total:   []string{w.T("total"), "0–10", w.count(res.N), w.pct(1)},
	}
	for _, c := range categoryOrder {
		var n int64
		var share float64
		scores := "0–6"
		switch c {
		case nps.Promoter:
			n, share, scores = h.Promoters(), res.PromoterShare, "9–10"
		case nps.Passive:
			n, share, scores = h.Passives(), res.PassiveShare, "7–8"
		default:
			n, share = h.Detractors(), res.DetractorShare
		}
		t.Rows = append(t.Rows, []string{w.categories(c), scores, w.count(n), w.pct(share)})
	}
	return addBlocks(sec, tableBlock(t), note(w.T("s4.note")))
}

// segments is section 5: a table per breakdown and one of the account
// owners.
func (b builder) segments() section {
	w := b.w
	sec := section{Title: w.T("s5.title")}
	if len(b.r.Segments) == 0 {
		sec.Blocks = append(sec.Blocks, text(w.T("s5.none")))
	}
	for _, bd := range b.r.Segments {
		attr := clean(bd.Attribute)
		if len(bd.Groups) == 0 {
			sec.Blocks = append(sec.Blocks, heading(w.T("s5.by", "attribute", attr)), text(w.T("s5.empty")))
			continue
		}
		sec.Blocks = append(sec.Blocks, tableBlock(b.resultTable(w.T("s5.by", "attribute", attr), attr, bd.Groups)))
	}
	if len(b.r.Owners) == 0 {
		return addBlocks(sec, heading(w.T("s5.owners")), text(w.T("s5.owners.none")))
	}
	return addBlocks(sec, tableBlock(b.resultTable(w.T("s5.owners"), w.T("s5.owner"), b.r.Owners)),
		note(w.T("s5.note", "n", nps.UncertainBelow)))
}
