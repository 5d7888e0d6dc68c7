package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// accountsPageSize is the number of accounts a page of the table shows.
const accountsPageSize = 100

// accountsPage is the table of accounts of a wave with the B2B roll-ups.
type accountsPage struct {
	appLayout
	Scope dashScope
	// Respondent, Account and Revenue are the wave's NPS three ways.
	Respondent, Account, Revenue figure
	Rows                         []accountRow
	Sort, Dir                    string
	Page, Pages                  int
	Total                        int
}

type accountRow struct {
	nps.Account
	Owner    string
	Figure   figure
	Previous figure
	Change   change
	Last     time.Time
}

// accountSorts are the columns the table sorts by, each compared
// ascending.
var accountSorts = map[string]func(a, b accountRow) int{
	"name":    func(a, b accountRow) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
	"owner":   func(a, b accountRow) int { return cmp.Compare(a.Owner, b.Owner) },
	"revenue": func(a, b accountRow) int { return cmp.Compare(a.AnnualRevenueCents, b.AnnualRevenueCents) },
	"n":       func(a, b accountRow) int { return cmp.Compare(a.Figure.N, b.Figure.N) },
	"nps":     func(a, b accountRow) int { return compareFigures(a.Figure, b.Figure) },
	"change":  func(a, b accountRow) int { return compareChanges(a.Change, b.Change) },
}

// compareFigures orders by NPS, empty figures first.
func compareFigures(a, b figure) int {
	return cmp.Or(cmp.Compare(boolRank(!a.Empty()), boolRank(!b.Empty())), cmp.Compare(a.NPS, b.NPS))
}

func compareChanges(a, b change) int {
	return cmp.Or(cmp.Compare(boolRank(a.OK), boolRank(b.OK)), cmp.Compare(a.Difference, b.Difference))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Server) handleAccounts(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := accountsPage{appLayout: a.layout(a.M.T("dash.accounts")), Scope: sc, Sort: cmp.Or(q.Get("sort"), "nps"), Dir: cmp.Or(q.Get("dir"), "asc"), Page: 1}
	less, ok := accountSorts[p.Sort]
	if !ok || (p.Dir != "asc" && p.Dir != "desc") {
		return badRequest("dash.err.sort")
	}
	if v := q.Get("page"); v != "" {
		if p.Page, err = strconv.Atoi(v); err != nil || p.Page < 1 {
			return badRequest("dash.err.page")
		}
	}
	if sc.Wave.ID == 0 {
		return s.render(w, http.StatusOK, "app/accounts", p)
	}
	figures, err := s.db.AccountFigures(r.Context(), a.Workspace.ID, store.AccountFigureFilter{
		SurveyID: sc.Survey.ID, WaveID: sc.Wave.ID, PreviousWaveID: sc.Previous.ID, OwnerID: sc.OwnerID, Segment: sc.Segment})
	if err != nil {
		return err
	}
	var all nps.Histogram
	for _, f := range figures {
		row := accountRow{Account: f.Account, Owner: sc.OwnerName(f.Account.OwnerID),
			Figure: figure{Result: nps.EstimateOf(f.Histogram, 0)}, Previous: figure{Result: nps.EstimateOf(f.Previous, 0)}}
		row.Change = compare(row.Previous.Result, row.Figure.Result)
		p.Rows = append(p.Rows, row)
		all.Merge(f.Histogram)
	}
	p.Respondent.Result = nps.EstimateOf(all, 0)
	p.Account, p.Revenue = weighted(figures)
	slices.SortStableFunc(p.Rows, func(x, y accountRow) int {
		c := less(x, y)
		if p.Dir == "desc" {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(x.ID, y.ID))
	})
	p.Total = len(p.Rows)
	p.Pages = max(1, (p.Total+accountsPageSize-1)/accountsPageSize)
	if p.Page > p.Pages {
		return nps.ErrNotFound
	}
	p.Rows = p.Rows[(p.Page-1)*accountsPageSize : min(p.Page*accountsPageSize, p.Total)]
	ids := make([]int64, len(p.Rows))
	for i, row := range p.Rows {
		ids[i] = row.ID
	}
	last, err := s.db.LastAnswers(r.Context(), a.Workspace.ID, ids)
	if err != nil {
		return err
	}
	for i := range p.Rows {
		p.Rows[i].Last = last[p.Rows[i].ID]
	}
	return s.render(w, http.StatusOK, "app/accounts", p)
}

// SortQuery is the query of a column header's link: sorting by col,
// ascending first, or reversed when the table is sorted by it already.
func (p accountsPage) SortQuery(col string) template.URL {
	dir := "asc"
	if p.Sort == col && p.Dir == "asc" {
		dir = "desc"
	}
	return p.Scope.Query("sort", col, "dir", dir)
}

// PageQuery is the query of page n in the current order.
func (p accountsPage) PageQuery(n int) template.URL {
	return p.Scope.Query("sort", p.Sort, "dir", p.Dir, "page", strconv.Itoa(n))
}

// AriaSort is the aria-sort value of a column header.
func (p accountsPage) AriaSort(col string) string {
	switch {
	case p.Sort != col:
		return "none"
	case p.Dir == "asc":
		return "ascending"
	}
	return "descending"
}

// accountPage is one account: its revenue per year, its NPS over the
// waves, every contact's answers and the latest responses.
type accountPage struct {
	appLayout
	Scope   dashScope
	Account nps.Account
	// Revenue is the account's revenue per year, newest first.
	Revenue  []nps.AccountRevenue
	Owner    string
	Waves    []trendRow
	Chart    template.HTML
	Contacts []store.ContactAnswers
	// WaveNames name the survey's waves by ID, for the contacts table.
	WaveNames []nps.Wave
	responseList
	Older string
	// Loop is the account's plans and timeline (app_plan.go).
	Loop accountLoop
}

// Answer returns a contact's answer in a wave, if any.
func (p accountPage) Answer(c store.ContactAnswers, waveID int64) *store.ContactAnswer {
	for i := range c.Answers {
		if c.Answers[i].WaveID == waveID {
			return &c.Answers[i]
		}
	}
	return nil
}

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "account")
	if err != nil {
		return err
	}
	ctx, ws := r.Context(), a.Workspace.ID
	acc, err := s.accountFor(r, a, id)
	if err != nil {
		return err
	}
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	p := accountPage{appLayout: a.layout(acc.Name), Scope: sc, Account: acc, Owner: sc.OwnerName(acc.OwnerID), WaveNames: sc.Waves}
	if p.Revenue, err = s.db.AccountRevenue(ctx, ws, acc.ID); err != nil {
		return err
	}
	if sc.Survey.ID != 0 {
		groups, err := s.db.Histograms(ctx, ws, store.HistogramFilter{SurveyID: sc.Survey.ID, AccountID: acc.ID}, store.GroupBy{Dimension: store.GroupWave})
		if err != nil {
			return err
		}
		byID := map[string]store.Group{}
		for _, g := range groups {
			byID[g.Key] = g
		}
		var points []chart.Point
		for _, wv := range sc.Waves {
			row := trendRow{figure: figure{Result: nps.EstimateOf(byID[strconv.FormatInt(wv.ID, 10)].Histogram, 0), Label: wv.Name}}
			if n := len(p.Waves); n > 0 {
				row.Change = compare(p.Waves[n-1].Result, row.Result)
			}
			p.Waves = append(p.Waves, row)
			points = append(points, row.point())
		}
		p.Chart = chart.Trend(a.M.T("dash.account.trend", "account", acc.Name), a.M.T("dash.trend.desc", "survey", sc.Survey.Name), points, p.chartLabels())
	}
	if p.Contacts, err = s.db.AccountContactAnswers(ctx, ws, acc.ID, sc.Survey.ID, 200); err != nil {
		return err
	}
	f := store.ResponseFilter{AccountID: acc.ID, Limit: 20}
	if f.After, err = appParseCursor(r.URL.Query().Get("after")); err != nil {
		return err
	}
	list, next, err := s.listResponses(r, a, f)
	if err != nil {
		return err
	}
	p.responseList = list
	if p.Loop, err = s.accountLoopOf(r, a, acc); err != nil {
		return err
	}
	if !next.IsZero() {
		p.Older = "?" + string(sc.Query("after", appFormatCursor(next)))
	}
	return s.render(w, http.StatusOK, "app/account", p)
}
