package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The loop's own figures: per wave of a survey, how many detractors were
// contacted by the deadline and how fast, the plans that followed, and
// the NPS of accounts with an improvement plan against those without.
// The counts come from the store (LoopFigures); nps.LoopCounts.Figures
// makes the figures.

// loopPage shows the loop figures of a survey's waves.
type loopPage struct {
	appLayout
	Scope dashScope
	Rows  []loopRow
}

// loopRow is one wave's figures as the page shows them.
type loopRow struct {
	Wave nps.Wave
	nps.LoopFigures
	With, Without figure
	Change        change
}

func (s *Server) handleLoop(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	p := loopPage{appLayout: a.layout(a.M.T("loop.title")), Scope: sc}
	if sc.Survey.ID == 0 {
		return s.render(w, http.StatusOK, "app/loop", p)
	}
	waves, err := s.db.LoopFigures(r.Context(), a.Workspace.ID, sc.Survey.ID, sc.OwnerID)
	if err != nil {
		return err
	}
	for _, lw := range waves {
		f, err := lw.Figures(nps.Options{})
		if err != nil {
			return err
		}
		row := loopRow{Wave: lw.Wave, LoopFigures: f, With: figure{Result: f.WithPlan}, Without: figure{Result: f.WithoutPlan}}
		// with a plan minus without, as compare takes later minus earlier
		row.Change = compare(f.WithoutPlan, f.WithPlan)
		p.Rows = append(p.Rows, row)
	}
	return s.render(w, http.StatusOK, "app/loop", p)
}

// Duration shows a time to first contact: in hours below two days, in
// days (one decimal) from there.
func (p loopPage) Duration(d time.Duration) string {
	if d < 48*time.Hour {
		return p.T("loop.hours", "n", p.decimal(d.Hours()))
	}
	return p.T("loop.days", "n", p.decimal(d.Hours()/24))
}

// decimal shows x with one decimal, in the page's decimal sign; whole
// numbers without.
func (p loopPage) decimal(x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if p.Lang() == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// InTimePercent shows the share of detractors contacted in time: "50 %".
func (p loopPage) InTimePercent(s nps.Share) string {
	return strconv.FormatInt(s.RoundedPercent(), 10) + " %"
}
