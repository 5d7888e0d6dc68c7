package demo

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/promotor/promotor/internal/nps"
)

// Revenue is an account's revenue in one calendar year, as the finance
// department would import it.
type Revenue struct {
	Year  int
	Cents int64
}

// Referral records that one account (an index in Plan.Accounts) brought
// in another, a newer customer.
type Referral struct {
	Referrer, Referred int
}

// revenueYears are the closed calendar years the demo has revenue of:
// from two years before the first wave up to the last full year.
func revenueYears(p *Plan) (first, last int) {
	return p.Waves[0].OpensAt.Year() - 2, p.Today.Year() - 1
}

// revenue gives every account its revenue per year. The year after a
// wave, an account's revenue grows or shrinks with how it scored in that
// wave — promoters buy more, detractors less — so that the money figures
// find what the article claims; before the first wave it follows the
// account's hidden satisfaction. A churned account brings a share of its
// last year up to the month it left, and nothing after. AnnualRevenueCents
// ends at the last year's.
func (g *generator) revenue(p *Plan) {
	r := g.rand("revenue")
	first, last := revenueYears(p)
	categories := g.accountCategories(p)
	for ai := range p.Accounts {
		a := &p.Accounts[ai]
		start := first
		if since, ok := sinceYear(a.Account); ok && since > first {
			start = since
		}
		cents := float64(a.AnnualRevenueCents)
		for y := start; y <= last; y++ {
			year := cents
			if !a.ChurnedAt.IsZero() {
				switch left := a.ChurnedAt; {
				case left.Year() < y:
					year = 0
				case left.Year() == y:
					year *= float64(left.Month()-1) / 12
				}
			}
			if year <= 0 {
				break
			}
			a.Revenue = append(a.Revenue, Revenue{Year: y, Cents: int64(math.Round(year/100)) * 100})
			growth := 0.02*g.accountTraits[ai].satisfaction + 0.03*r.NormFloat64()
			if c, ok := categories[ai][y]; ok {
				growth = map[nps.Category]float64{nps.Promoter: 0.06, nps.Passive: 0.01, nps.Detractor: -0.07}[c] + 0.03*r.NormFloat64()
			}
			cents *= 1 + growth
		}
		if n := len(a.Revenue); n > 0 {
			a.AnnualRevenueCents = a.Revenue[n-1].Cents
		}
	}
}

// accountCategories returns per account the category of its mean score
// in the wave of each year it answered in.
func (g *generator) accountCategories(p *Plan) []map[int]nps.Category {
	out := make([]map[int]nps.Category, len(p.Accounts))
	for ai := range out {
		out[ai] = map[int]nps.Category{}
	}
	for _, w := range p.Waves {
		hs := make([]nps.Histogram, len(p.Accounts))
		for _, resp := range w.Responses {
			hs[p.Contacts[w.Invitations[resp.Invitation].Contact].Account].Add(resp.Score)
		}
		for ai, h := range hs {
			if c, err := nps.AccountCategory(h); err == nil {
				out[ai][w.OpensAt.Year()] = c
			}
		}
	}
	return out
}

// referrals picks, for about four in ten of the customers who joined
// during the revenue years, an older customer that recommended them: one
// of the most satisfied.
func (g *generator) referrals(p *Plan) []Referral {
	r := g.rand("referrals")
	first, _ := revenueYears(p)
	var fans []int
	for ai, a := range p.Accounts {
		if since, ok := sinceYear(a.Account); ok && since <= first && a.ChurnedAt.IsZero() {
			fans = append(fans, ai)
		}
	}
	slices.SortStableFunc(fans, func(a, b int) int {
		return cmp.Compare(g.accountTraits[b].satisfaction, g.accountTraits[a].satisfaction)
	})
	fans = fans[:len(fans)/4]
	var out []Referral
	for ai, a := range p.Accounts {
		if since, ok := sinceYear(a.Account); ok && since > first && len(fans) > 0 && r.Float64() < 0.4 {
			out = append(out, Referral{Referrer: pick(r, fans), Referred: ai})
		}
	}
	return out
}

// sinceYear is the year the account became a customer.
func sinceYear(a nps.Account) (int, bool) {
	y, err := strconv.Atoi(a.Attributes[attrSince])
	return y, err == nil
}

// moveRevenue shifts the years of revenue as At shifts dates.
func moveRevenue(rs []Revenue, years int) []Revenue {
	out := slices.Clone(rs)
	for i := range out {
		out[i].Year += years
	}
	return out
}
