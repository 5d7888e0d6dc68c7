package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// waveSpec is one yearly measurement: when it ran and how its answers
// split into categories.
type waveSpec struct {
	opens, closes time.Time
	// responses, promoters and detractors are exact: the NPS is
	// 100·(promoters − detractors)/responses, a whole number.
	responses, promoters, detractors int
}

// waveSpecs follow the article: a first measurement slightly negative,
// the second −10, and +18 after the improvement plans made with the
// critical customers. Each opens on the first Monday of November, at the
// end of the year as in the article, and runs for about a month; the last
// one is still open, so that the demo is alive: its survey links work and
// new answers count.
var waveSpecs = []waveSpec{
	{date(2024, 11, 4, 7), date(2024, 12, 6, 16), 150, 39, 45}, // NPS −4
	{date(2025, 11, 3, 7), date(2025, 12, 5, 16), 160, 36, 52}, // NPS −10
	{date(2026, 11, 2, 7), time.Time{}, 200, 74, 38},           // NPS +18
}

func date(y int, m time.Month, d, hour int) time.Time {
	return time.Date(y, m, d, hour, 0, 0, 0, time.UTC)
}

// How many accounts leave after each closed wave, chosen among those
// with a detractor in it: churn follows criticism, so that a churn
// analysis finds it.
var churners = []int{3, 4}

// revisions is how many respondents of the open wave changed their
// answer; the first twoTimes of them changed it twice.
const (
	revisions = 7
	twoTimes  = 2
)

// waves makes the invitations and responses of every wave, and the
// accounts that left between them.
func (g *generator) waves(p *Plan) []Wave {
	r := g.rand("waves")
	cr := g.rand("comments")
	waves := make([]Wave, len(waveSpecs))
	// detracted[w] holds the accounts with a detractor in wave w, with the
	// time of their last such answer.
	detracted := make([]map[int]time.Time, len(waveSpecs))
	// answered holds the accounts with any answer so far.
	answered := map[int]bool{}
	last := len(waveSpecs) - 1
	for wi, spec := range waveSpecs {
		end := spec.closes
		if end.IsZero() {
			end = p.Today
		}
		var previous map[int]time.Time
		if wi > 0 {
			previous = detracted[wi-1]
		}
		// The critical customers of the year before worked out an
		// improvement plan with the company; it shows in the last wave.
		planned := func(ai int) bool {
			_, ok := previous[ai]
			return wi == last && ok
		}

		invited := invitees(p, wi, spec.opens)
		respondents := g.draw(r, p, invited, spec.responses, planned)
		g.rank(r, p, invited, respondents, planned)

		wave := Wave{Wave: nps.Wave{
			Name: strconv.Itoa(spec.opens.Year()), OpensAt: spec.opens, ClosesAt: spec.closes,
			Population: int64(len(invited)),
		}}
		wave.Invitations = make([]Invitation, len(invited))
		for i, ci := range invited {
			wave.Invitations[i] = Invitation{Contact: ci, Status: silentStatus(r)}
		}
		detracted[wi] = map[int]time.Time{}
		for rank, i := range respondents {
			cat := nps.Promoter
			switch {
			case rank < spec.detractors:
				cat = nps.Detractor
			case rank < spec.responses-spec.promoters:
				cat = nps.Passive
			}
			c := p.Contacts[invited[i]]
			a := p.Accounts[c.Account]
			at := responseTime(r, spec.opens, end)
			_, repeat := previous[c.Account]
			comment := commentFor(cr, commentCase{
				category:    cat,
				lang:        c.Language,
				manager:     p.Users[a.Owner].FirstName(),
				last:        wi == last,
				planned:     planned(c.Account),
				newCustomer: a.FirstWave == wi,
				repeat:      repeat && cat == nps.Detractor,
			})
			wave.Invitations[i].Status = nps.InvitationResponded
			wave.Responses = append(wave.Responses, Response{
				Invitation: i,
				Answer: Answer{
					Score:   scoreIn(r, cat),
					Comment: comment,
					Answers: nps.Answers{SwitchIntent: switchIntent(r, cat), Permission: permission(r, cat)},
				},
				Language: c.Language,
				At:       at,
			})
			answered[c.Account] = true
			if cat == nps.Detractor && at.After(detracted[wi][c.Account]) {
				detracted[wi][c.Account] = at
			}
		}
		slices.SortStableFunc(wave.Responses, func(a, b Response) int { return a.At.Compare(b.At) })

		if wi == last {
			optOuts(r, p, waves[:wi], &wave)
			changedAnswers(r, &wave)
		} else {
			g.churn(r, p, wi, detracted[wi], answered, waveSpecs[wi+1].opens)
		}
		waves[wi] = wave
	}
	if last > 0 {
		g.critical = detracted[last-1]
	}
	return waves
}

// invitees returns the contacts invited to wave wi, which opens at
// opens: those of the customers at that time, who had joined them.
func invitees(p *Plan, wi int, opens time.Time) []int {
	var invited []int
	for ci, c := range p.Contacts {
		if c.FirstWave <= wi && p.Accounts[c.Account].ActiveAt(wi, opens) {
			invited = append(invited, ci)
		}
	}
	return invited
}

// draw returns n of the invitees (as indices into invitees), chosen by
// how responsive they are, with the Efraimidis–Spirakis method: the
// largest keys log(u)/weight win.
func (g *generator) draw(r *rand.Rand, p *Plan, invitees []int, n int, planned func(int) bool) []int {
	if len(invitees) < n {
		panic("demo: fewer invitees than responses")
	}
	keys := make([]float64, len(invitees))
	for i, ci := range invitees {
		ai := p.Contacts[ci].Account
		w := g.accountTraits[ai].engagement * g.contactTraits[ci].engagement
		if planned(ai) {
			w *= 1.6 // customers who were heard answer more often
		}
		keys[i] = math.Log(r.Float64()) / w
	}
	order := make([]int, len(invitees))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
	return order[:n]
}

// rank sorts the respondents from the least to the most satisfied, so
// that the first ones become the detractors and the last the promoters,
// in the exact numbers of the wave.
func (g *generator) rank(r *rand.Rand, p *Plan, invitees, respondents []int, planned func(int) bool) {
	sat := make(map[int]float64, len(respondents))
	for _, i := range respondents {
		ci := invitees[i]
		ai := p.Contacts[ci].Account
		s := g.accountTraits[ai].satisfaction + g.contactTraits[ci].satisfaction + 0.6*r.NormFloat64()
		if planned(ai) {
			s += 1.3
		}
		sat[i] = s
	}
	slices.SortStableFunc(respondents, func(a, b int) int { return cmp.Compare(sat[a], sat[b]) })
}

// silentStatus is where an unanswered invitation ended.
func silentStatus(r *rand.Rand) nps.InvitationStatus {
	switch x := r.Float64(); {
	case x < 0.025:
		return nps.InvitationBounced
	case x < 0.45:
		return nps.InvitationOpened
	}
	return nps.InvitationDelivered
}

// responseTime returns when an invitation sent at opens was answered: most
// answers come in the first days, a second wave after the reminder on day
// nine, in office hours, rarely at weekends, and before end.
func responseTime(r *rand.Rand, opens, end time.Time) time.Time {
	days := 1.8 * r.ExpFloat64()
	if r.Float64() < 0.38 {
		days = 9 + 2.5*r.ExpFloat64()
	}
	day := opens.Truncate(24*time.Hour).AddDate(0, 0, int(days))
	switch day.Weekday() {
	case time.Saturday:
		if r.Float64() < 0.8 {
			day = day.AddDate(0, 0, 2)
		}
	case time.Sunday:
		if r.Float64() < 0.8 {
			day = day.AddDate(0, 0, 1)
		}
	}
	t := day.Add(time.Duration(6+r.IntN(11))*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	if t.Before(opens) {
		t = opens.Add(time.Duration(5+r.IntN(120)) * time.Minute)
	}
	if !t.Before(end) {
		t = end.Add(-time.Duration(30+r.IntN(900)) * time.Minute)
	}
	return t
}

// scoreIn draws a score of the category, as real answers spread.
func scoreIn(r *rand.Rand, c nps.Category) int {
	switch c {
	case nps.Promoter:
		return 9 + weighted(r, 2, func(i int) float64 { return []float64{5, 4}[i] })
	case nps.Passive:
		return 7 + weighted(r, 2, func(i int) float64 { return []float64{4, 5}[i] })
	}
	return weighted(r, 7, func(i int) float64 { return []float64{1, 1, 2, 3, 5, 8, 10}[i] })
}

// switchIntent answers the retention question: detractors consider a
// competitor far more often than promoters (the loyalty matrix).
func switchIntent(r *rand.Rand, c nps.Category) nps.SwitchIntent {
	weights := map[nps.Category][4]float64{
		nps.Promoter:  {86, 10, 2, 2},
		nps.Passive:   {55, 32, 8, 5},
		nps.Detractor: {22, 38, 33, 7},
	}[c]
	return [4]nps.SwitchIntent{nps.SwitchNo, nps.SwitchUnsure, nps.SwitchYes, ""}[weighted(r, 4, func(i int) float64 { return weights[i] })]
}

// permission answers "may we contact you?": critics want to be heard.
func permission(r *rand.Rand, c nps.Category) nps.Permission {
	weights := map[nps.Category][3]float64{
		nps.Promoter:  {70, 22, 8},
		nps.Passive:   {58, 32, 10},
		nps.Detractor: {72, 20, 8},
	}[c]
	return [3]nps.Permission{nps.PermissionGranted, nps.PermissionDenied, ""}[weighted(r, 3, func(i int) float64 { return weights[i] })]
}

// optOuts makes three silent invitees of the open wave unsubscribe, among
// those without an unanswered invitation of an earlier wave: opting out
// withdraws every invitation not answered, and the earlier waves' figures
// stay as they were.
func optOuts(r *rand.Rand, p *Plan, earlier []Wave, w *Wave) {
	unanswered := map[int]bool{}
	for _, e := range earlier {
		for _, inv := range e.Invitations {
			if inv.Status != nps.InvitationResponded {
				unanswered[inv.Contact] = true
			}
		}
	}
	var candidates []int
	for i, inv := range w.Invitations {
		if inv.Status != nps.InvitationResponded && !unanswered[inv.Contact] {
			candidates = append(candidates, i)
		}
	}
	for _, k := range r.Perm(len(candidates))[:min(3, len(candidates))] {
		inv := &w.Invitations[candidates[k]]
		inv.Status = nps.InvitationOptedOut
		p.Contacts[inv.Contact].OptsOut = true
	}
}

// changedAnswers gives some respondents of the open wave earlier versions
// of their answer: a score clicked in the invitation email, then the full
// answer on the survey page.
func changedAnswers(r *rand.Rand, w *Wave) {
	for n, i := range r.Perm(len(w.Responses)) {
		if n >= revisions {
			return
		}
		resp := &w.Responses[i]
		resp.Earlier = []Answer{{Score: nearby(r, resp.Score)}}
		if n < twoTimes {
			resp.Earlier = append(resp.Earlier, Answer{Score: nearby(r, resp.Score)})
			if resp.Earlier[1].Score == resp.Earlier[0].Score {
				resp.Earlier[1].Answers = resp.Answers
			}
		}
	}
}

// nearby returns a score one or two points from s, on the scale.
func nearby(r *rand.Rand, s int) int {
	for {
		d := []int{-2, -1, 1, 2}[r.IntN(4)]
		if v := s + d; nps.ValidScore(v) {
			return v
		}
	}
}

// churn makes some accounts leave after wave wi, before the next opens:
// the most dissatisfied of those with a detractor in it, a few months
// after that answer, and after the second wave also a silent account, one
// that was invited to both waves and never answered.
func (g *generator) churn(r *rand.Rand, p *Plan, wi int, detracted map[int]time.Time, answered map[int]bool, next time.Time) {
	var candidates []int
	for ai := range p.Accounts {
		if _, ok := detracted[ai]; ok {
			candidates = append(candidates, ai)
		}
	}
	slices.SortStableFunc(candidates, func(a, b int) int {
		return cmp.Compare(g.accountTraits[a].satisfaction, g.accountTraits[b].satisfaction)
	})
	leave := func(ai int, after time.Time) {
		t := after.AddDate(0, 0, 45+r.IntN(150))
		if limit := next.AddDate(0, 0, -35); t.After(limit) {
			t = limit
		}
		// Contracts end on the first of a month.
		t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		p.Accounts[ai].Status = nps.AccountChurned
		p.Accounts[ai].ChurnedAt = t
	}
	for _, ai := range candidates[:min(churners[wi], len(candidates))] {
		leave(ai, detracted[ai])
	}
	if wi == 1 {
		var silent []int
		for ai, a := range p.Accounts {
			if a.FirstWave == 0 && a.Status == nps.AccountActive && !answered[ai] {
				silent = append(silent, ai)
			}
		}
		if len(silent) > 0 {
			leave(pick(r, silent), waveSpecs[wi].closes)
		}
	}
}
