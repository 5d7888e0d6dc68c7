package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// breakdownPage shows a wave's NPS per group: per account owner (the
// employee view), per account attribute or per contact attribute.
type breakdownPage struct {
	appLayout
	Scope dashScope
	// By is "owner", "account:{attribute}" or "contact:{attribute}";
	// Choices are the groupings there are.
	By      string
	Choices []string
	Rows    []breakdownRow
	Chart   template.HTML
}

type breakdownRow struct {
	figure
	// Query narrows the scope to the row's group, where the scope can
	// (owners and account attributes).
	Query template.URL
	Share float64
}

func (s *Server) handleBreakdown(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	p := breakdownPage{appLayout: a.layout(a.M.T("dash.breakdown")), Scope: sc, By: cmp.Or(r.URL.Query().Get("by"), "owner")}
	p.Choices = append(p.Choices, "owner")
	for _, attr := range sc.Attributes {
		p.Choices = append(p.Choices, "account:"+attr)
	}
	contactAttrs, err := s.db.AttributeNames(r.Context(), a.Workspace.ID, "contacts")
	if err != nil {
		return err
	}
	for _, attr := range append([]string{"language"}, contactAttrs...) {
		p.Choices = append(p.Choices, "contact:"+attr)
	}
	if !slices.Contains(p.Choices, p.By) {
		return badRequest("dash.err.by")
	}
	if sc.Wave.ID == 0 {
		return s.render(w, http.StatusOK, "app/breakdown", p)
	}
	var groups []store.Group
	kind, attr, _ := strings.Cut(p.By, ":")
	switch kind {
	case "owner":
		groups, err = s.db.Histograms(r.Context(), a.Workspace.ID, sc.filter(), store.GroupBy{Dimension: store.GroupOwner})
	case "account":
		groups, err = s.db.Histograms(r.Context(), a.Workspace.ID, sc.filter(), store.GroupBy{Dimension: store.GroupSegment, Attribute: attr})
	default:
		groups, err = s.db.ContactHistograms(r.Context(), a.Workspace.ID, sc.filter(), attr)
	}
	if err != nil {
		return err
	}
	var total int64
	for _, g := range groups {
		total += g.Histogram.N()
	}
	var points []chart.Point
	for _, g := range groups {
		row := breakdownRow{figure: figure{Result: nps.EstimateOf(g.Histogram, 0), Label: g.Key}}
		row.Share = float64(row.N) / float64(max(total, 1))
		switch kind {
		case "owner":
			id, _ := strconv.ParseInt(g.Key, 10, 64)
			row.Label = a.M.T("dash.no_owner")
			if id != 0 {
				row.Label = cmp.Or(sc.OwnerName(id), a.M.T("dash.former_member"))
				if !sc.Member {
					row.Query = sc.Query("owner", g.Key)
				}
			}
		case "account":
			if g.Key == "" {
				row.Label = a.M.T("dash.no_value")
			} else {
				row.Query = sc.Query("seg", attr, "segv", g.Key)
			}
		default:
			if g.Key == "" {
				row.Label = a.M.T("dash.no_value")
			}
		}
		p.Rows = append(p.Rows, row)
		points = append(points, row.point())
	}
	p.Chart = chart.Intervals(a.M.T("dash.breakdown.title", "by", p.ChoiceLabel(p.By)), a.M.T("dash.breakdown.desc", "wave", sc.Wave.Name), points, p.chartLabels())
	return s.render(w, http.StatusOK, "app/breakdown", p)
}

// ChoiceLabel names a grouping: "Owner", "Account: industry".
func (p breakdownPage) ChoiceLabel(by string) string {
	kind, attr, _ := strings.Cut(by, ":")
	switch kind {
	case "owner":
		return p.T("dash.by.owner")
	case "account":
		return p.T("dash.by.account", "attribute", attr)
	}
	return p.T("dash.by.contact", "attribute", attr)
}
