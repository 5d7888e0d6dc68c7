package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The dashboard: the overview of a wave, its trend, breakdowns, accounts,
// the responses feed and the calculation behind every figure. Every page
// reads the same scope from its query string (dashScope), so that a link
// from one page to another keeps the survey, wave, owner and segment. All
// figures come from the score rollup (store/histogram.go), except the
// feed, the account page and breakdowns by contact attribute, which read
// responses. A member (an account manager) sees the accounts they own
// only: their scope's owner is always themselves.

// dashScope is what a dashboard page is about.
type dashScope struct {
	Surveys []nps.Survey
	Survey  nps.Survey
	Waves   []nps.Wave
	Wave    nps.Wave
	// Previous is the wave before Wave in the survey; zero for the first.
	Previous nps.Wave
	// AllWaves is set for the survey's waves together (wave=all, on the
	// pages that allow it); Wave and Previous are then zero.
	AllWaves bool
	// OwnerID keeps the accounts of one owner: a member's own, always.
	OwnerID int64
	// Member is set when the reader is a member and sees only their own
	// accounts; Owners are the choices of the owner filter otherwise.
	Member bool
	Owners []store.Member
	// Segment keeps the accounts with an attribute's value; Attributes
	// are the account attributes there are, SegmentValues the values of
	// Segment.Attribute.
	Segment       store.Segment
	Attributes    []string
	SegmentValues []string
}

// dashScopeOf reads the scope from the query: survey, wave, owner, seg and
// segv. Without survey or wave, the first survey and its latest open wave
// are taken; with allWaves, wave=all takes all of them. IDs of another
// workspace are not found; a workspace without surveys has an empty scope.
func (s *Server) dashScopeOf(r *http.Request, a *appRequest, allWaves bool) (dashScope, error) {
	ctx, q := r.Context(), r.URL.Query()
	var sc dashScope
	var err error
	if sc.Surveys, err = s.db.Surveys(ctx, a.Workspace.ID); err != nil {
		return sc, err
	}
	if sc.Attributes, err = s.accountAttributes(r, a); err != nil {
		return sc, err
	}
	sc.Member = a.Role == nps.RoleMember
	if sc.Member {
		sc.OwnerID = a.User.ID
		sc.Owners = []store.Member{{User: a.User, Role: a.Role}}
	} else {
		if sc.Owners, err = s.db.Members(ctx, a.Workspace.ID); err != nil {
			return sc, err
		}
		if v := q.Get("owner"); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !slices.ContainsFunc(sc.Owners, func(m store.Member) bool { return m.User.ID == id }) {
				return sc, badRequest("dash.err.owner")
			}
			sc.OwnerID = id
		}
	}
	if attr := q.Get("seg"); attr != "" {
		if !slices.Contains(sc.Attributes, attr) {
			return sc, badRequest("dash.err.segment")
		}
		sc.Segment = store.Segment{Attribute: attr, Value: q.Get("segv")}
		if sc.SegmentValues, err = s.db.SegmentValues(ctx, a.Workspace.ID, attr); err != nil {
			return sc, err
		}
		if sc.Segment.Value == "" {
			sc.Segment = store.Segment{}
		}
	}
	if len(sc.Surveys) == 0 {
		return sc, nil
	}
	sc.Survey = sc.Surveys[0]
	if v := q.Get("survey"); v != "" {
		i := slices.IndexFunc(sc.Surveys, func(sv nps.Survey) bool { return strconv.FormatInt(sv.ID, 10) == v })
		if i < 0 {
			return sc, nps.ErrNotFound
		}
		sc.Survey = sc.Surveys[i]
	}
	if sc.Waves, err = s.db.Waves(ctx, a.Workspace.ID, sc.Survey.ID); err != nil || len(sc.Waves) == 0 {
		return sc, err
	}
	if allWaves && q.Get("wave") == "all" {
		sc.AllWaves = true
		return sc, nil
	}
	// Before any wave opens, the first.
	i := max(nps.LatestOpened(sc.Waves, s.db.Now()), 0)
	// A page for one wave, reached from all waves, shows the latest.
	if v := q.Get("wave"); v != "" && v != "all" {
		if i = slices.IndexFunc(sc.Waves, func(w nps.Wave) bool { return strconv.FormatInt(w.ID, 10) == v }); i < 0 {
			return sc, nps.ErrNotFound
		}
	}
	sc.Wave = sc.Waves[i]
	if i > 0 {
		sc.Previous = sc.Waves[i-1]
	}
	return sc, nil
}

// accountAttributes are the built-in segment attributes of accounts and
// the custom ones in use.
func (s *Server) accountAttributes(r *http.Request, a *appRequest) ([]string, error) {
	custom, err := s.db.AttributeNames(r.Context(), a.Workspace.ID, "accounts")
	return append(nps.SegmentFields(), custom...), err
}

// badRequest is a 400 with the catalog's message key and its arguments.
func badRequest(key string, args ...any) error {
	return appHTTPError(http.StatusBadRequest, nil, key, args...)
}

// filter is the histogram filter of the scope in its wave.
func (sc dashScope) filter() store.HistogramFilter {
	return store.HistogramFilter{SurveyID: sc.Survey.ID, WaveID: sc.Wave.ID, OwnerID: sc.OwnerID, Segment: sc.Segment}
}

// Query returns the scope as query parameters, with the extra name, value
// pairs set on top ("" removes a parameter).
func (sc dashScope) Query(extra ...string) template.URL {
	v := url.Values{}
	if sc.Survey.ID != 0 {
		v.Set("survey", strconv.FormatInt(sc.Survey.ID, 10))
	}
	switch {
	case sc.AllWaves:
		v.Set("wave", "all")
	case sc.Wave.ID != 0:
		v.Set("wave", strconv.FormatInt(sc.Wave.ID, 10))
	}
	if sc.OwnerID != 0 && !sc.Member {
		v.Set("owner", strconv.FormatInt(sc.OwnerID, 10))
	}
	if !sc.Segment.IsZero() {
		v.Set("seg", sc.Segment.Attribute)
		v.Set("segv", sc.Segment.Value)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			v.Del(extra[i])
		} else {
			v.Set(extra[i], extra[i+1])
		}
	}
	return template.URL(v.Encode())
}

// population is a wave's population for the scope's figures: none for a
// segment's accounts, a part of it (annual.Population).
func (sc dashScope) population(w nps.Wave) int64 {
	if !sc.Segment.IsZero() {
		return 0
	}
	return annual.Population(w, sc.OwnerID)
}

// OwnerName names a user of the workspace, for labels.
func (sc dashScope) OwnerName(id int64) string {
	for _, m := range sc.Owners {
		if m.User.ID == id {
			return cmp.Or(m.User.Name, m.User.Email)
		}
	}
	return ""
}

// figure is an NPS with what a page says about it.
type figure struct {
	nps.Result
	Label string
}

// Interval shows the interval as "+5 to +19".
func (f figure) Interval() string {
	if f.Empty() {
		return ""
	}
	return nps.Signed(nps.RoundHalfAway(f.Low)) + " … " + nps.Signed(nps.RoundHalfAway(f.High))
}

// point makes a chart point of a figure.
func (f figure) point() chart.Point { return annual.Point(f.Label, f.Result) }

// chartLabels are the texts of the charts in the page's language.
func (l appLayout) chartLabels() chart.Labels { return annual.ChartLabels(l.M) }

// change is the comparison of a figure with the one before it.
type change struct {
	nps.Comparison
	OK bool // false when either side has no responses
	// Small is set when either side has fewer than nps.UncertainBelow
	// responses: too few for the normal approximation of the test, so the
	// page says so instead of calling the change significant or not.
	Small bool
}

// Points shows the difference in whole points, signed.
func (c change) Points() string { return nps.Signed(nps.RoundHalfAway(c.Difference)) }

// PValue shows the p-value to three decimals: "p = 0.042", "p < 0.001".
func (c change) PValue() string {
	if c.P < 0.001 {
		return "p < 0.001"
	}
	return "p = " + strconv.FormatFloat(c.P, 'f', 3, 64)
}

func compare(before, after nps.Result) change {
	c, err := nps.Compare(before, after)
	return change{Comparison: c, OK: err == nil, Small: min(before.N, after.N) < nps.UncertainBelow}
}

// Verdict says whether the change is significant, in the page's words.
func (l appLayout) Verdict(c change) string {
	switch {
	case c.Small:
		return l.T("dash.not_tested")
	case c.Significant:
		return l.T("dash.significant")
	}
	return l.T("dash.not_significant")
}

// overviewPage is the dashboard of one wave.
type overviewPage struct {
	appLayout
	Scope    dashScope
	Figure   figure
	Previous figure
	Change   change
	// MDC is the smallest true change that a next wave of the same size
	// would detect (80 % power, 95 %); 0 without responses.
	MDC float64
	// Account and Revenue are the account- and revenue-weighted NPS;
	// Revenue is empty when no account has revenue.
	Account, Revenue figure
	Coverage         store.Coverage
	Benchmarks       []benchmarkRow
	Distribution     template.HTML
	Categories       template.HTML
	BenchmarkChart   template.HTML
	Comments         []store.ListedResponse
}

// benchmarkRow is a benchmark with the workspace's difference to it.
type benchmarkRow struct {
	nps.Benchmark
	Difference string
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	p := overviewPage{appLayout: a.layout(a.M.T("dash.overview")), Scope: sc}
	if sc.Wave.ID == 0 {
		return s.render(w, http.StatusOK, "app/dashboard", p)
	}
	ctx, ws := r.Context(), a.Workspace.ID
	h, err := s.db.Histogram(ctx, ws, sc.filter())
	if err != nil {
		return err
	}
	p.Figure = figure{Result: nps.EstimateOf(h, sc.population(sc.Wave)), Label: sc.Wave.Name}
	if sc.Previous.ID != 0 {
		f := sc.filter()
		f.WaveID = sc.Previous.ID
		ph, err := s.db.Histogram(ctx, ws, f)
		if err != nil {
			return err
		}
		p.Previous = figure{Result: nps.EstimateOf(ph, sc.population(sc.Previous)), Label: sc.Previous.Name}
		p.Change = compare(p.Previous.Result, p.Figure.Result)
	}
	if n := p.Figure.N; n > 0 {
		p.MDC, _ = nps.MinimumDetectableChange(n, n, p.Figure.Variance(), nps.DefaultConfidence, nps.DefaultPower)
	}
	if p.Account, p.Revenue, err = s.weightedFigures(r, a, sc); err != nil {
		return err
	}
	if p.Coverage, err = s.db.WaveCoverage(ctx, ws, sc.Wave.ID, sc.OwnerID, 10); err != nil {
		return err
	}
	benchmarks, err := s.db.Benchmarks(ctx, ws)
	if err != nil {
		return err
	}
	labels := p.chartLabels()
	rows := []chart.Point{p.Figure.point()}
	rows[0].Label = a.Workspace.Name + " · " + sc.Wave.Name
	for _, b := range benchmarks {
		row := benchmarkRow{Benchmark: b}
		pt := chart.Point{Label: b.Name, Value: b.NPS, Low: b.NPS, High: b.NPS, N: b.N}
		if b.HasInterval {
			pt.Low, pt.High = b.Low, b.High
		}
		if !p.Figure.Empty() {
			row.Difference = nps.Signed(nps.RoundHalfAway(p.Figure.NPS - b.NPS))
		}
		p.Benchmarks = append(p.Benchmarks, row)
		rows = append(rows, pt)
	}
	if len(benchmarks) > 0 {
		p.BenchmarkChart = chart.Intervals(a.M.T("dash.benchmarks"), a.M.T("dash.benchmarks.desc"), rows, labels)
	}
	p.Distribution = chart.Distribution(a.M.T("dash.distribution"), a.M.T("dash.distribution.desc", "n", h.N()), h, labels)
	p.Categories = chart.Categories(a.M.T("dash.categories"), a.M.T("dash.categories.desc"), h.Detractors(), h.Passives(), h.Promoters(), labels)
	page, err := s.db.LatestResponses(ctx, ws, store.ResponseFilter{WaveID: sc.Wave.ID, OwnerID: sc.OwnerID, Segment: sc.Segment, HasComment: true, Limit: 5})
	if err != nil {
		return err
	}
	p.Comments = page.Responses
	return s.render(w, http.StatusOK, "app/dashboard", p)
}

// weightedFigures computes the account- and revenue-weighted NPS of the
// scope's wave from the accounts' histograms.
func (s *Server) weightedFigures(r *http.Request, a *appRequest, sc dashScope) (account, revenue figure, err error) {
	figures, err := s.db.AccountFigures(r.Context(), a.Workspace.ID, store.AccountFigureFilter{
		SurveyID: sc.Survey.ID, WaveID: sc.Wave.ID, OwnerID: sc.OwnerID, Segment: sc.Segment})
	if err != nil {
		return account, revenue, err
	}
	account, revenue = weighted(figures)
	return account, revenue, nil
}

// weighted is the account- and revenue-weighted NPS of the accounts'
// histograms in the wave; revenue is empty when no account has revenue.
func weighted(figures []store.AccountFigures) (account, revenue figure) {
	a, r := annual.Weighted(figures)
	return figure{Result: a}, figure{Result: r}
}

// trendPage shows a survey's NPS over its waves or over months.
type trendPage struct {
	appLayout
	Scope  dashScope
	ByWave bool
	Rows   []trendRow
	Chart  template.HTML
}

type trendRow struct {
	figure
	Change change
	Link   template.URL // the calculation of the row
}

func (s *Server) handleTrend(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	by := r.URL.Query().Get("by")
	if by != "" && by != "wave" && by != "month" {
		return badRequest("dash.err.trend")
	}
	p := trendPage{appLayout: a.layout(a.M.T("dash.trend")), Scope: sc, ByWave: by != "month"}
	if sc.Survey.ID == 0 {
		return s.render(w, http.StatusOK, "app/trend", p)
	}
	f := sc.filter()
	f.WaveID = 0
	g := store.GroupBy{Dimension: store.GroupMonth}
	if p.ByWave {
		g.Dimension = store.GroupWave
	}
	groups, err := s.db.Histograms(r.Context(), a.Workspace.ID, f, g)
	if err != nil {
		return err
	}
	if p.ByWave {
		// The rollup orders by ID; a trend goes in the order the waves
		// opened, whatever order they were made in.
		order := map[string]int{}
		for i, wv := range sc.Waves {
			order[strconv.FormatInt(wv.ID, 10)] = i
		}
		slices.SortFunc(groups, func(x, y store.Group) int { return cmp.Compare(order[x.Key], order[y.Key]) })
	}
	names := map[string]nps.Wave{}
	for _, wv := range sc.Waves {
		names[strconv.FormatInt(wv.ID, 10)] = wv
	}
	var points []chart.Point
	for i, gr := range groups {
		row := trendRow{figure: figure{Result: nps.EstimateOf(gr.Histogram, 0), Label: gr.Key}}
		q := sc.Query("wave", "", "month", gr.Key)
		if p.ByWave {
			wv := names[gr.Key]
			row.Result = nps.EstimateOf(gr.Histogram, sc.population(wv))
			row.Label = wv.Name
			q = sc.Query("wave", gr.Key)
		}
		row.Link = q
		if i > 0 {
			row.Change = compare(p.Rows[i-1].Result, row.Result)
		}
		p.Rows = append(p.Rows, row)
		points = append(points, row.point())
	}
	title := a.M.T("dash.trend.by_wave")
	if !p.ByWave {
		title = a.M.T("dash.trend.by_month")
	}
	p.Chart = chart.Trend(title, a.M.T("dash.trend.desc", "survey", sc.Survey.Name), points, p.chartLabels())
	return s.render(w, http.StatusOK, "app/trend", p)
}

// handleLanguage stores the language the user chose for their pages and
// goes back to the page they came from.
func (s *Server) handleLanguage(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	lang := r.PostFormValue("lang")
	if lang != "" && !catalog.Has(lang) {
		return badRequest("dash.err.language", "lang", strconv.Quote(lang))
	}
	if err := s.db.SetUserLanguage(r.Context(), a.User.ID, lang); err != nil {
		return err
	}
	// Back to the page the menu was on.
	http.Redirect(w, r, backTo(r, a, a.layout("").Base()+"/dashboard"), http.StatusSeeOther)
	return nil
}
