package web

import (
	"cmp"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/text"
)

// The themes page: for one wave of a survey, what the follow-up comments
// are about and what each theme does to the NPS, the tone of the
// comments per category, each theme across the waves, and the loyalty
// matrix. Every figure comes from the insight rollups (store.Insight),
// never from the responses; only the suggested themes read comments, the
// newest of the wave that matched no theme. A member sees the accounts
// they own only.

// backlogCap bounds the count of answers still to analyse: beyond it the
// page says "more than", which is all a reader needs.
const backlogCap = 10000

// themesPage is the themes page of one wave.
type themesPage struct {
	appLayout
	Scope dashScope
	// Notice reports what was just done (a saved taxonomy).
	Notice string
	// Backlog counts the workspace's answers still to analyse against
	// its taxonomy, up to backlogCap + 1.
	Backlog int
	// All is the NPS of the wave; Commented counts its answers with a
	// comment.
	All       figure
	Commented int64
	Impacts   []themeRow
	Sentiment []sentimentRow
	Trend     themeTrend
	// Retention is set when the survey asks the switching question.
	Retention bool
	Loyalty   loyaltyView
	// Suggestions are automatic themes for comments the taxonomy missed;
	// shown for the whole wave only (app_themes_suggest.go).
	Suggestions []suggestionRow
}

// themeRow is one theme's impact in the wave, as the table shows it.
type themeRow struct {
	nps.ThemeImpact
	Name string
	// Feed is the query of the comments feed filtered by the theme.
	Feed template.URL
}

// HasInterval reports whether the effect has an interval to show: not
// when every answer mentions the theme (nothing to compare with). With a
// known population that answered in full the interval collapses onto the
// effect, and is still shown.
func (t themeRow) HasInterval() bool { return !t.Empty && t.Rest.N() > 0 }

// sentimentRow is one category's comments by tone; Category "" is all.
type sentimentRow struct {
	Category string
	Cells    []sentimentCell
	Total    int64
}

type sentimentCell struct {
	Sentiment nps.Sentiment
	Count     int64
	Share     float64
}

// themeTrend is every theme mentioned in any wave, wave by wave, and the
// chart of one theme's effect.
type themeTrend struct {
	Waves  []nps.Wave
	Themes []trendTheme
	// Selected is the theme whose effect the chart draws.
	Selected trendTheme
	Chart    template.HTML
}

type trendTheme struct {
	Key, Name string
	// Cells hold the theme's impact in each wave of Waves; Empty when it
	// was not mentioned there.
	Cells []nps.ThemeImpact
	// Link is the query that selects the theme for the chart.
	Link template.URL
}

// loyaltyView is the loyalty matrix with what the page says about it.
type loyaltyView struct {
	nps.LoyaltyMatrix
	// Promoters counts the promoters, PromotersAtRisk those of them who
	// answered yes or unsure.
	Promoters, PromotersAtRisk int64
}

// AtRiskShare is the share of the respondents who answered yes or unsure.
func (l loyaltyView) AtRiskShare() float64 { return shareOf(l.AtRisk(), l.Total()) }

func (s *Server) handleThemes(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	p := themesPage{appLayout: a.layout(a.M.T("insight.title")), Scope: sc}
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Notice = a.M.T("insight.done.saved")
	case "restored":
		p.Notice = a.M.T("insight.done.restored")
	case "adopted":
		p.Notice = a.M.T("insight.done.adopted")
	}
	if sc.Wave.ID == 0 {
		return s.render(w, http.StatusOK, "app/themes", p)
	}
	ctx, ws := r.Context(), a.Workspace.ID
	tax, err := s.db.Taxonomy(ctx, ws)
	if err != nil {
		return err
	}
	if p.Backlog, err = s.db.InsightBacklog(ctx, ws, backlogCap+1); err != nil {
		return err
	}
	themes, err := insight.Themes(tax)
	if err != nil {
		return err
	}
	names := namesOf(themes, a.M.Lang)
	waves, err := s.db.Insight(ctx, ws, sc.Survey.ID, sc.OwnerID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(waves, func(wi store.WaveInsight) bool { return wi.Wave.ID == sc.Wave.ID })
	if i < 0 {
		return nps.ErrNotFound
	}
	wi := waves[i]
	impacts := make([][]nps.ThemeImpact, len(waves))
	for j, wv := range waves {
		if impacts[j], err = insight.Impact(wv, nps.Options{Population: annual.ThemePopulation(wv, sc.OwnerID)}); err != nil {
			return err
		}
	}
	p.All = figure{Result: nps.EstimateOf(wi.All, annual.ThemePopulation(wi, sc.OwnerID))}
	p.Commented = wi.Commented.N()
	for _, ti := range impacts[i] {
		p.Impacts = append(p.Impacts, themeRow{ThemeImpact: ti, Name: names.of(ti.Key),
			Feed: sc.Query("theme", ti.Key, "comment", "1")})
	}
	p.Sentiment = sentimentRows(wi)
	if p.Trend, err = themeTrendOf(sc, waves, impacts, i, names, r.URL.Query().Get("trend"), p.chartLabels(), a); err != nil {
		return err
	}
	p.Retention = sc.Survey.Questions.Retention
	m := nps.NewLoyaltyMatrix(wi.Intent)
	p.Loyalty = loyaltyView{LoyaltyMatrix: m, Promoters: m.RowTotal(nps.Promoter),
		PromotersAtRisk: m.RowAtRisk(nps.Promoter)}
	if sc.OwnerID == 0 {
		if p.Suggestions, err = s.suggestions(r, a, themes, sc); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "app/themes", p)
}

// sentimentRows counts the wave's comments per category and tone,
// promoters first, then all comments.
func sentimentRows(wi store.WaveInsight) []sentimentRow {
	counts := []struct {
		category string
		of       func(nps.Histogram) int64
	}{
		{"promoter", nps.Histogram.Promoters},
		{"passive", nps.Histogram.Passives},
		{"detractor", nps.Histogram.Detractors},
		{"", nps.Histogram.N},
	}
	rows := make([]sentimentRow, 0, len(counts))
	for _, c := range counts {
		row := sentimentRow{Category: c.category, Total: c.of(wi.Commented)}
		for _, s := range nps.Sentiments {
			n := c.of(wi.Sentiment[s])
			row.Cells = append(row.Cells, sentimentCell{Sentiment: s, Count: n, Share: shareOf(n, row.Total)})
		}
		rows = append(rows, row)
	}
	return rows
}

// shareOf is part/whole, 0 for an empty whole.
func shareOf(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// themeTrendOf lays out every theme over the waves: the themes of the
// chosen wave (index current) in their rank, then the others by name. The
// chart draws the effect of the theme the query's trend names, else of
// the first.
func themeTrendOf(sc dashScope, waves []store.WaveInsight, impacts [][]nps.ThemeImpact, current int,
	names taxonomyNames, selected string, labels chart.Labels, a *appRequest) (themeTrend, error) {
	t := themeTrend{}
	for _, wi := range waves {
		t.Waves = append(t.Waves, wi.Wave)
	}
	var keys []string
	for _, ti := range impacts[current] {
		keys = append(keys, ti.Key)
	}
	var others []string
	for _, ws := range impacts {
		for _, ti := range ws {
			if !slices.Contains(keys, ti.Key) && !slices.Contains(others, ti.Key) {
				others = append(others, ti.Key)
			}
		}
	}
	slices.SortFunc(others, func(x, y string) int { return cmp.Or(strings.Compare(names.of(x), names.of(y)), strings.Compare(x, y)) })
	keys = append(keys, others...)
	if len(keys) == 0 {
		return t, nil
	}
	if selected == "" {
		selected = keys[0]
	}
	if !slices.Contains(keys, selected) {
		return t, badRequest("insight.err.trend")
	}
	for _, key := range keys {
		tt := trendTheme{Key: key, Name: names.of(key), Link: sc.Query("trend", key)}
		for _, ws := range impacts {
			i := slices.IndexFunc(ws, func(ti nps.ThemeImpact) bool { return ti.Key == key })
			cell := nps.ThemeImpact{Key: key, Empty: true}
			if i >= 0 {
				cell = ws[i]
			}
			tt.Cells = append(tt.Cells, cell)
		}
		t.Themes = append(t.Themes, tt)
		if key == selected {
			t.Selected = tt
		}
	}
	var pts []chart.Point
	for j, cell := range t.Selected.Cells {
		pt := chart.Point{Label: t.Waves[j].Name, Value: math.NaN(), N: cell.Theme.N()}
		if !cell.Empty {
			pt.Value, pt.Low, pt.High = cell.Effect, cell.Low, cell.High
			pt.Warn = cell.Theme.N() < nps.UncertainBelow
		}
		pts = append(pts, pt)
	}
	t.Chart = chart.Trend(a.M.T("insight.trend.chart", "theme", t.Selected.Name),
		a.M.T("insight.trend.chart.desc", "theme", t.Selected.Name, "survey", sc.Survey.Name), pts, labels)
	return t, nil
}

// Percent shows a share as a whole percentage ("30%"), "<1%" for a share
// that rounds to 0 but is not.
func (p themesPage) Percent(x float64) string {
	pct := math.Round(100 * x)
	if pct == 0 && x > 0 {
		return "<1%"
	}
	return strconv.FormatFloat(pct, 'f', 0, 64) + "%"
}

// Effect shows an effect in points, signed, with one decimal in the
// page's decimal sign: "-12.6", "+8.9", "0".
func (p themesPage) Effect(x float64) string {
	x = math.Round(10*x) / 10
	if x == 0 {
		return "0"
	}
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if x > 0 {
		s = "+" + s
	}
	if p.Lang() == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// NPSWith shows the NPS of the answers mentioning a theme, whole and
// signed.
func (p themesPage) NPSWith(t nps.ThemeImpact) string {
	return nps.Signed(nps.RoundHalfAway(t.NPSWith))
}

// Answers shows a count of answers in a sentence, singular for one.
func (p themesPage) Answers(key string, n int64) string {
	if n == 1 {
		key += ".one"
	}
	return p.T(key, "n", p.Count(n))
}

// BacklogText is the notice of answers still being analysed. The count
// is the workspace's, so a member, who sees their own accounts only, is
// not told it.
func (p themesPage) BacklogText() string {
	switch {
	case p.Scope.Member:
		return p.T("insight.backlog.some")
	case p.Backlog > backlogCap:
		return p.T("insight.backlog.more", "n", p.Count(backlogCap))
	}
	return p.Answers("insight.backlog", int64(p.Backlog))
}

// IntentLabel names a column of the loyalty matrix.
func (p themesPage) IntentLabel(i nps.SwitchIntent) string {
	if i == "" {
		return p.T("insight.intent.none")
	}
	return p.T("insight.intent." + string(i))
}

// AtRisk reports whether a cell of the matrix is a promoter at risk:
// one who answered yes or unsure.
func (p themesPage) AtRisk(c nps.Category, i nps.SwitchIntent) bool {
	return c == nps.Promoter && i.Considering()
}

// SurveyLink is where the survey's questions are changed, or shown to a
// reader who may not change them.
func (p themesPage) SurveyLink() string {
	link := p.Base() + "/surveys/" + strconv.FormatInt(p.Scope.Survey.ID, 10)
	if p.Can(nps.RoleAnalyst) {
		link += "/edit"
	}
	return link
}

// taxonomyNames are the names of the workspace's themes in the reader's
// language, by key.
type taxonomyNames map[string]string

// of names a theme; a key the taxonomy no longer has shows as itself.
func (n taxonomyNames) of(key string) string {
	if v, ok := n[key]; ok {
		return v
	}
	return key
}

// workspaceThemes returns the themes of the workspace's taxonomy.
func (s *Server) workspaceThemes(r *http.Request, a *appRequest) ([]text.Theme, error) {
	tax, err := s.db.Taxonomy(r.Context(), a.Workspace.ID)
	if err != nil {
		return nil, err
	}
	return insight.Themes(tax)
}

// namesOf names themes in lang, else in the other language, else by key.
func namesOf(themes []text.Theme, lang string) taxonomyNames {
	names := taxonomyNames{}
	for _, th := range themes {
		names[th.Key] = th.NameIn(lang)
	}
	return names
}

// themeOptions are the themes for the feed's filter, by name; a selected
// key the taxonomy no longer has (from before an edit) stays a choice.
func themeOptions(names taxonomyNames, selected string) []themeOption {
	out := make([]themeOption, 0, len(names)+1)
	for key, name := range names {
		out = append(out, themeOption{Key: key, Name: name})
	}
	if _, ok := names[selected]; selected != "" && !ok {
		out = append(out, themeOption{Key: selected, Name: selected})
	}
	slices.SortFunc(out, func(x, y themeOption) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.Key, y.Key))
	})
	return out
}
