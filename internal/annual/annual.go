// Package annual gathers the annual report of a survey's wave: it reads
// the figures from the store, computes them with package nps the way the
// dashboard, the themes page and the value page do, and hands a
// report.Report to package report to lay out. The web app, the share
// links and `promotor report` all make their reports here, so that every
// copy of a report shows the same numbers.
package annual

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/report"
	"github.com/promotor/promotor/internal/store"
)

// Options say which report to gather and how.
type Options struct {
	// WaveID is the wave the report is about.
	WaveID int64
	// Lang is the report's language, "nl" or "en".
	Lang string
	// Anonymise leaves out who wrote the verbatims and the names of
	// accounts.
	Anonymise bool
	// OwnerID, when set, makes the report of the accounts one user owns:
	// what a member (an account manager) may see. Such a report leaves
	// out the owners' breakdown and earned growth, which are about the
	// whole customer base.
	OwnerID int64
}

// Limits of the report's lists: it is read by people, not scanned.
const (
	maxAtRisk     = 15
	maxPlans      = 25
	maxGroups     = 12
	maxAttributes = 4
)

// Gather reads and computes the report of one of the workspace's waves.
// A wave of another workspace is nps.ErrNotFound.
func Gather(ctx context.Context, db *store.DB, cat *i18n.Catalog, ws nps.Workspace, o Options) (report.Report, error) {
	if o.Lang != "nl" && o.Lang != "en" {
		return report.Report{}, &nps.ValidationError{Field: "lang", Message: fmt.Sprintf("%q must be nl or en", o.Lang)}
	}
	wave, err := db.Wave(ctx, ws.ID, o.WaveID)
	if err != nil {
		return report.Report{}, fmt.Errorf("annual: %w", err)
	}
	survey, err := db.Survey(ctx, ws.ID, wave.SurveyID)
	if err != nil {
		return report.Report{}, fmt.Errorf("annual: %w", err)
	}
	waves, err := db.Waves(ctx, ws.ID, survey.ID)
	if err != nil {
		return report.Report{}, fmt.Errorf("annual: %w", err)
	}
	g := &gatherer{db: db, m: cat.Messages(o.Lang), ws: ws, o: o, survey: survey, wave: wave, waves: waves}
	g.r = report.Report{Lang: o.Lang, Workspace: ws.Name, Survey: survey.Name, Wave: wave.Name,
		Opens: wave.OpensAt, Closes: wave.ClosesAt, Generated: db.Now(), Anonymised: o.Anonymise}
	for _, step := range []func(context.Context) error{
		g.brand, g.owners, g.score, g.trend, g.segments, g.themes, g.verbatims, g.money, g.plans, g.promoters,
	} {
		if err := step(ctx); err != nil {
			return report.Report{}, fmt.Errorf("annual: %w", err)
		}
	}
	return g.r, nil
}

// gatherer holds what the steps of Gather share.
type gatherer struct {
	db     *store.DB
	m      i18n.Messages
	ws     nps.Workspace
	o      Options
	survey nps.Survey
	wave   nps.Wave
	waves  []nps.Wave
	// ownerNames names the workspace's users by ID.
	ownerNames map[int64]string
	r          report.Report
}

// ChartLabels are the texts of the charts in m's language.
func ChartLabels(m i18n.Messages) chart.Labels {
	return chart.Labels{
		Detractors: m.T("dash.detractors"), Passives: m.T("dash.passives"), Promoters: m.T("dash.promoters"),
		Interval: m.T("dash.interval_95"), SmallN: m.T("dash.small_sample"), N: "n",
	}
}

// Point makes a chart point of a result.
func Point(label string, r nps.Result) chart.Point {
	if r.Empty() {
		return chart.Point{Label: label, Value: math.NaN()}
	}
	return chart.Point{Label: label, Value: r.NPS, Low: r.Low, High: r.High, N: r.N, Warn: r.Uncertain()}
}

func (g *gatherer) brand(ctx context.Context) error {
	var err error
	g.r.Brand, err = g.db.Brand(ctx, g.ws.ID)
	return err
}

func (g *gatherer) owners(ctx context.Context) error {
	members, err := g.db.Members(ctx, g.ws.ID)
	g.ownerNames = map[int64]string{}
	for _, m := range members {
		g.ownerNames[m.User.ID] = cmp.Or(m.User.Name, m.User.Email)
	}
	return err
}

// filter selects the report's responses in a wave.
func (g *gatherer) filter(waveID int64) store.HistogramFilter {
	return store.HistogramFilter{SurveyID: g.survey.ID, WaveID: waveID, OwnerID: g.o.OwnerID}
}

// population is a wave's population for the report's figures.
func (g *gatherer) population(w nps.Wave) int64 { return Population(w, g.o.OwnerID) }

// Population is the population of a wave's figures for the finite
// population correction: the wave's own for all its accounts, and none
// for one owner's accounts (ownerID set), a part of it of unknown size.
// Every figure of a wave, the wave before it and the trend take it alike,
// so that a change is tested between figures computed the same way.
func Population(w nps.Wave, ownerID int64) int64 {
	if ownerID != 0 {
		return 0
	}
	return w.Population
}

// ThemePopulation is the population of a wave's theme figures: the
// wave's (Population), none when the answers outnumber it, as an import
// beside the invitations can make them.
func ThemePopulation(wi store.WaveInsight, ownerID int64) int64 {
	if p := Population(wi.Wave, ownerID); p >= wi.All.N() {
		return p
	}
	return 0
}

// previous is the wave before the report's, zero for the first.
func (g *gatherer) previous() nps.Wave {
	i := slices.IndexFunc(g.waves, func(w nps.Wave) bool { return w.ID == g.wave.ID })
	if i <= 0 {
		return nps.Wave{}
	}
	return g.waves[i-1]
}

// next is the wave after the report's, zero for the last: the report's
// period runs until it opens.
func (g *gatherer) next() nps.Wave {
	i := slices.IndexFunc(g.waves, func(w nps.Wave) bool { return w.ID == g.wave.ID })
	if i < 0 || i+1 >= len(g.waves) {
		return nps.Wave{}
	}
	return g.waves[i+1]
}

func (g *gatherer) score(ctx context.Context) error {
	f := g.filter(g.wave.ID)
	h, err := g.db.Histogram(ctx, g.ws.ID, f)
	if err != nil {
		return err
	}
	s := &g.r.Score
	s.Histogram, s.Result = h, nps.EstimateOf(h, g.population(g.wave))
	if prev := g.previous(); prev.ID != 0 {
		f.WaveID = prev.ID
		ph, err := g.db.Histogram(ctx, g.ws.ID, f)
		if err != nil {
			return err
		}
		s.PreviousWave, s.Previous = prev.Name, nps.EstimateOf(ph, g.population(prev))
		c, err := nps.Compare(s.Previous, s.Result)
		s.Change, s.ChangeOK = c, err == nil
		s.ChangeSmall = min(s.Previous.N, s.Result.N) < nps.UncertainBelow
	}
	figures, err := g.db.AccountFigures(ctx, g.ws.ID, store.AccountFigureFilter{SurveyID: g.survey.ID, WaveID: g.wave.ID, OwnerID: g.o.OwnerID})
	if err != nil {
		return err
	}
	s.Account, s.Revenue = Weighted(figures)
	c, err := g.db.WaveCoverage(ctx, g.ws.ID, g.wave.ID, g.o.OwnerID, 0)
	if err != nil {
		return err
	}
	s.Invited, s.Responded, s.Accounts, s.Answered = c.Invited, c.Answered, c.Accounts, c.AnsweredAccounts
	if c.RevenueCents > 0 {
		s.HasRevenue, s.RevenueShare = true, float64(c.AnsweredRevenueCents)/float64(c.RevenueCents)
	}
	labels := ChartLabels(g.m)
	g.r.Charts.Distribution = chart.Distribution(g.m.T("dash.distribution"), g.m.T("dash.distribution.desc", "n", h.N()), h, labels)
	g.r.Charts.Categories = chart.Categories(g.m.T("dash.categories"), g.m.T("dash.categories.desc"),
		h.Detractors(), h.Passives(), h.Promoters(), labels)
	return nil
}

// Weighted is the account- and revenue-weighted NPS of the accounts'
// histograms in a wave; revenue is empty when no account has revenue.
func Weighted(figures []store.AccountFigures) (account, revenue nps.Result) {
	hs := make([]nps.Histogram, 0, len(figures))
	revenues := make([]float64, 0, len(figures))
	for _, f := range figures {
		hs = append(hs, f.Histogram)
		revenues = append(revenues, float64(f.Account.AnnualRevenueCents)/100)
	}
	// Without accounts (or revenue) there is no weighted NPS: the
	// results stay empty.
	if res, err := nps.AccountWeighted(hs, nps.Options{}); err == nil {
		account = res
	}
	if res, err := nps.RevenueWeighted(hs, revenues, nps.Options{}); err == nil {
		revenue = res
	}
	return account, revenue
}

func (g *gatherer) trend(ctx context.Context) error {
	groups, err := g.db.Histograms(ctx, g.ws.ID, g.filter(0), store.GroupBy{Dimension: store.GroupWave})
	if err != nil {
		return err
	}
	byWave := map[string]nps.Histogram{}
	for _, gr := range groups {
		byWave[gr.Key] = gr.Histogram
	}
	var pts []chart.Point
	for _, w := range g.waves {
		if w.OpensAt.After(g.wave.OpensAt) {
			break // the report looks back from its wave
		}
		res := nps.EstimateOf(byWave[strconv.FormatInt(w.ID, 10)], g.population(w))
		g.r.Trend = append(g.r.Trend, report.Group{Name: w.Name, Result: res})
		pts = append(pts, Point(w.Name, res))
	}
	g.r.Charts.Trend = chart.Trend(g.m.T("dash.trend.by_wave"), g.m.T("dash.trend.desc", "survey", g.survey.Name), pts, ChartLabels(g.m))
	return nil
}

func (g *gatherer) segments(ctx context.Context) error {
	f := g.filter(g.wave.ID)
	custom, err := g.db.AttributeNames(ctx, g.ws.ID, "accounts")
	if err != nil {
		return err
	}
	for _, attr := range append(nps.SegmentFields(), custom...) {
		if len(g.r.Segments) == maxAttributes {
			break
		}
		groups, err := g.db.Histograms(ctx, g.ws.ID, f, store.GroupBy{Dimension: store.GroupSegment, Attribute: attr})
		if err != nil {
			return err
		}
		if len(groups) < 2 {
			continue // one group says nothing the total does not
		}
		b := report.Breakdown{Attribute: g.attributeName(attr)}
		for _, gr := range largest(groups, maxGroups) {
			b.Groups = append(b.Groups, report.Group{Name: cmp.Or(gr.Key, g.m.T("dash.no_value")), Result: nps.EstimateOf(gr.Histogram, 0)})
		}
		g.r.Segments = append(g.r.Segments, b)
	}
	if g.o.OwnerID != 0 {
		return nil
	}
	groups, err := g.db.Histograms(ctx, g.ws.ID, f, store.GroupBy{Dimension: store.GroupOwner})
	if err != nil {
		return err
	}
	for _, gr := range largest(groups, maxGroups) {
		id, _ := strconv.ParseInt(gr.Key, 10, 64)
		name := cmp.Or(g.ownerNames[id], g.m.T("dash.no_owner"))
		g.r.Owners = append(g.r.Owners, report.Group{Name: name, Result: nps.EstimateOf(gr.Histogram, 0)})
	}
	return nil
}

// attributeName shows a built-in account attribute in the report's
// language and a custom one as it is named.
func (g *gatherer) attributeName(attr string) string {
	if nps.IsSegmentField(attr) {
		return g.m.T("dash.attr." + attr)
	}
	return attr
}

// largest keeps the n groups with the most responses, in their order.
func largest(groups []store.Group, n int) []store.Group {
	if len(groups) <= n {
		return groups
	}
	bySize := slices.Clone(groups)
	slices.SortStableFunc(bySize, func(a, b store.Group) int { return cmp.Compare(b.Histogram.N(), a.Histogram.N()) })
	keep := map[string]bool{}
	for _, gr := range bySize[:n] {
		keep[gr.Key] = true
	}
	return slices.DeleteFunc(slices.Clone(groups), func(gr store.Group) bool { return !keep[gr.Key] })
}

func (g *gatherer) themes(ctx context.Context) error {
	tax, err := g.db.Taxonomy(ctx, g.ws.ID)
	if err != nil {
		return err
	}
	themes, err := insight.Themes(tax)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, th := range themes {
		names[th.Key] = th.NameIn(g.o.Lang)
	}
	waves, err := g.db.Insight(ctx, g.ws.ID, g.survey.ID, g.o.OwnerID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(waves, func(wi store.WaveInsight) bool { return wi.Wave.ID == g.wave.ID })
	if i < 0 {
		return nil
	}
	wi := waves[i]
	impacts, err := insight.Impact(wi, nps.Options{Population: ThemePopulation(wi, g.o.OwnerID)})
	if err != nil {
		return err
	}
	var pts []chart.Point
	for _, ti := range impacts {
		name := cmp.Or(names[ti.Key], ti.Key)
		g.r.Themes = append(g.r.Themes, report.Theme{Name: name, Impact: ti})
		pts = append(pts, Point(name, nps.EstimateOf(ti.Theme, 0)))
	}
	if len(pts) > 0 {
		g.r.Charts.Themes = chart.Intervals(g.m.T("report.themes.chart"), g.m.T("report.themes.chart.desc"), pts, ChartLabels(g.m))
	}
	g.r.Loyalty = nps.NewLoyaltyMatrix(wi.Intent)
	return nil
}

func (g *gatherer) verbatims(ctx context.Context) error {
	list, err := g.db.ReportVerbatims(ctx, g.ws.ID, g.wave.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, v := range list {
		ids[i] = v.ResponseID
	}
	tags, err := g.db.InsightOf(ctx, g.ws.ID, ids)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, th := range g.r.Themes {
		names[th.Impact.Key] = th.Name
	}
	for _, v := range list {
		if g.o.OwnerID != 0 && v.AccountOwnerID != g.o.OwnerID {
			continue
		}
		rv := report.Verbatim{Score: v.Score, Comment: v.Comment}
		if g.o.Anonymise {
			rv.Comment = Anonymise(v.Comment, v.ContactName, v.AccountName)
		} else {
			rv.Who = strings.Join(slices.DeleteFunc([]string{v.ContactName, v.AccountName}, func(s string) bool { return s == "" }), ", ")
		}
		for _, key := range tags[v.ResponseID].Themes {
			rv.Themes = append(rv.Themes, cmp.Or(names[key], key))
		}
		g.r.Verbatims = append(g.r.Verbatims, rv)
	}
	return nil
}

// plans are the improvement plans open at some time in the wave's year,
// from its opening until the next wave's: those made after last year's
// answers count too, as they are this year's work.
func (g *gatherer) plans(ctx context.Context) error {
	f := store.PlanFilter{ActiveFrom: g.wave.OpensAt, ActiveBefore: g.next().OpensAt, OwnerID: g.o.OwnerID, Limit: 10000}
	list, err := g.db.Plans(ctx, g.ws.ID, f)
	if err != nil {
		return err
	}
	p := &g.r.Plans
	for _, s := range list {
		p.Plans++
		done := s.State == nps.PlanDone
		if done {
			p.Done++
		}
		p.Actions += int64(s.Actions)
		p.ActionsDone += int64(s.ActionsDone)
		p.Overdue += int64(s.Overdue)
		if len(p.Items) < maxPlans {
			item := report.Plan{Owner: g.ownerNames[s.AccountOwnerID], Title: s.Title, Done: done, Actions: int64(s.Actions),
				ActionsDone: int64(s.ActionsDone), Overdue: int64(s.Overdue), Updated: s.UpdatedAt}
			if g.o.Anonymise {
				item.Title = Anonymise(s.Title, s.AccountName)
			} else {
				item.Account = s.AccountName
			}
			p.Items = append(p.Items, item)
		}
	}
	return nil
}

func (g *gatherer) promoters(ctx context.Context) error {
	pg, err := g.db.PromoterProgramme(ctx, g.ws.ID, store.ProgrammeFilter{WaveID: g.wave.ID, From: g.wave.OpensAt,
		Until: g.next().OpensAt, OwnerID: g.o.OwnerID})
	if err != nil {
		return err
	}
	p := &g.r.Promoters
	p.Promoters, p.Thanked = g.r.Score.Histogram.Promoters(), pg.Thanked
	p.Referrals, p.ReferralsThanked = pg.Referrals, pg.ThankedReferrals
	for _, kind := range nps.PromoterActionKinds {
		if n := pg.Actions[kind]; n > 0 {
			p.Actions = append(p.Actions, report.Count{Name: g.m.T("promoter.kind." + string(kind)), Count: n})
		}
	}
	slices.SortStableFunc(p.Actions, func(a, b report.Count) int { return cmp.Compare(b.Count, a.Count) })
	return nil
}
