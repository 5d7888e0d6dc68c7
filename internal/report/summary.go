package report

import (
	"slices"

	"github.com/promotor/promotor/internal/nps"
)

// summary is section 1, the management summary: a page of cards, each a
// figure with a one-line reading.
func (b builder) summary() section {
	cards := []card{b.scoreCard(), b.changeCard(), b.rateCard()}
	cards = append(cards, b.themeCards()...)
	cards = append(cards, b.riskCard(), b.plansCard())
	return section{Title: b.w.T("s1.title"), Blocks: []block{{Kind: kindCards, Cards: cards}}}
}

func (b builder) scoreCard() card {
	w, res := b.w, b.r.Score.Result
	c := card{Label: w.T("s1.nps"), Value: w.score(res)}
	switch {
	case res.Empty():
		c.Reading = w.T("s1.nps.none")
		return c
	case res.Low > 0:
		c.Reading, c.Tone = w.T("s1.nps.positive"), "good"
	case res.High < 0:
		c.Reading, c.Tone = w.T("s1.nps.negative"), "bad"
	default:
		c.Reading = w.T("s1.nps.around_zero")
	}
	c.Detail = w.T("s1.nps.detail", "interval", w.interval(res), "n", w.count(res.N))
	if res.Uncertain() {
		c.Reading = w.T("s1.nps.uncertain")
		c.Tone = ""
	}
	return c
}

func (b builder) changeCard() card {
	w, s := b.w, b.r.Score
	c := card{Label: w.T("s1.change"), Value: "—"}
	switch {
	case s.PreviousWave == "":
		c.Reading = w.T("s1.change.first")
		return c
	case !s.ChangeOK:
		c.Reading = w.T("s1.change.empty", "wave", clean(s.PreviousWave))
		return c
	}
	c.Value = w.signed(s.Change.Difference)
	c.Detail = w.T("s1.change.detail", "wave", clean(s.PreviousWave), "before", w.score(s.Previous), "after", w.score(s.Result))
	switch {
	case s.ChangeSmall:
		c.Reading = w.T("s1.change.small")
	case s.Change.Significant && s.Change.Difference > 0:
		c.Reading, c.Tone = w.T("s1.change.rise", "p", w.pValue(s.Change.P)), "good"
	case s.Change.Significant:
		c.Reading, c.Tone = w.T("s1.change.fall", "p", w.pValue(s.Change.P)), "bad"
	default:
		c.Reading = w.T("s1.change.chance", "p", w.pValue(s.Change.P))
	}
	return c
}

func (b builder) rateCard() card {
	w, s := b.w, b.r.Score
	c := card{Label: w.T("s1.rate"), Value: "—"}
	if s.Invited == 0 {
		c.Reading = w.T("s1.rate.uninvited")
		return c
	}
	c.Value = w.share(s.Responded, s.Invited)
	c.Detail = w.T("s1.rate.detail", "n", w.count(s.Responded), "invited", w.count(s.Invited))
	switch {
	case s.Accounts > 0 && s.HasRevenue:
		c.Reading = w.T("s1.rate.coverage_revenue", "accounts", w.share(s.Answered, s.Accounts), "revenue", w.pct(s.RevenueShare))
	case s.Accounts > 0:
		c.Reading = w.T("s1.rate.coverage", "accounts", w.share(s.Answered, s.Accounts))
	default:
		c.Reading = w.T("s1.rate.no_accounts")
	}
	return c
}

// themeCards are the two themes that pull the score down most and the
// one that lifts it most.
func (b builder) themeCards() []card {
	w := b.w
	var down, up []Theme
	for _, t := range b.r.Themes {
		switch {
		case t.Impact.Empty:
		case t.Impact.Effect < 0:
			down = append(down, t)
		case t.Impact.Effect > 0:
			up = append(up, t)
		}
	}
	byEffect := func(a, b Theme) int {
		switch {
		case a.Impact.Effect < b.Impact.Effect:
			return -1
		case a.Impact.Effect > b.Impact.Effect:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(down, byEffect)
	slices.SortStableFunc(up, func(a, b Theme) int { return byEffect(b, a) })
	cards := make([]card, 0, 3)
	for i, label := range []string{w.T("s1.down1"), w.T("s1.down2")} {
		if i < len(down) {
			cards = append(cards, b.themeCard(label, down[i], "bad"))
			continue
		}
		c := card{Label: label, Value: "—", Reading: w.T("s1.down.none")}
		if i > 0 && len(down) > 0 {
			c.Reading = w.T("s1.down.one")
		}
		if len(b.r.Themes) == 0 {
			c.Reading = w.T("s1.themes.none")
		}
		cards = append(cards, c)
	}
	if len(up) > 0 {
		return append(cards, b.themeCard(w.T("s1.up"), up[0], "good"))
	}
	c := card{Label: w.T("s1.up"), Value: "—", Reading: w.T("s1.up.none")}
	if len(b.r.Themes) == 0 {
		c.Reading = w.T("s1.themes.none")
	}
	return append(cards, c)
}

func (b builder) themeCard(label string, t Theme, tone string) card {
	w, ti := b.w, t.Impact
	c := card{Label: label, Value: clean(t.Name), Tone: tone,
		Detail:  w.T("s1.theme.detail", "effect", w.signed1(ti.Effect), "low", w.signed1(ti.Low), "high", w.signed1(ti.High)),
		Reading: w.T("s1.theme.reading", "share", w.pct(ti.Frequency), "nps", w.signed(ti.NPSWith)),
	}
	if !ti.Significant {
		c.Reading += " " + w.T("s1.theme.not_significant")
		c.Tone = ""
	}
	return c
}

func (b builder) riskCard() card {
	w, m := b.w, b.r.Money
	c := card{Label: w.T("s1.risk"), Value: "—"}
	if !m.HasRevenue {
		c.Reading = w.T("s1.risk.no_revenue")
		return c
	}
	c.Value = w.money(m.AtRisk.Either)
	c.Detail = w.T("s1.risk.detail", "share", w.pct(m.AtRisk.Share), "accounts", w.plural("accounts", m.AtRisk.EitherAccounts))
	c.Reading = w.T("s1.risk.reading")
	if m.AtRisk.Either > 0 {
		c.Tone = "bad"
	}
	return c
}

func (b builder) plansCard() card {
	w, p := b.w, b.r.Plans
	c := card{Label: w.T("s1.plans"), Value: "—"}
	if p.Plans == 0 {
		c.Reading = w.T("s1.plans.none")
		return c
	}
	c.Value = w.T("s1.plans.value", "done", w.count(p.Done), "plans", w.count(p.Plans))
	c.Detail = w.T("s1.plans.detail", "done", w.count(p.ActionsDone), "actions", w.count(p.Actions))
	if p.Overdue > 0 {
		c.Reading = w.plural("s1.plans.overdue", p.Overdue)
	} else {
		c.Reading = w.T("s1.plans.on_time")
	}
	return c
}

// categoryOrder is the order categories are listed in: promoters first.
var categoryOrder = []nps.Category{nps.Promoter, nps.Passive, nps.Detractor}
