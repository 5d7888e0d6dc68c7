package web

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The value pages: what the NPS is worth in money. The value page shows,
// per NPS category, what became of the accounts of an observed wave over
// its 12-month follow-up (churn and revenue retention), the revenue at
// risk in the current wave, the value of moving accounts one category up,
// and earned growth per year; the calculator (app_value_calc.go) works
// out what a rise in NPS may be worth. Everything comes from the
// per-account score rollup, the accounts and their imported revenue per
// year (store.AccountYears, store.GrowthYears), never from the responses;
// internal/insight and internal/nps make the figures. A member sees the
// accounts they own only, and no earned growth, which sums the revenue of
// every account.

// valueTopAtRisk is how many accounts at risk the value page lists.
const valueTopAtRisk = 10

// valueScope is what a value page is about: the survey and its current
// wave (dashScope; no segments, which the money reads do not take) and
// the observed wave, whose follow-up shows what became of its accounts.
type valueScope struct {
	dashScope
	// Opened are the survey's waves that have opened, the choices of the
	// observed wave.
	Opened []nps.Wave
	// Observed is the wave chosen with observed= (one that has opened),
	// else the latest whose follow-up window has passed; zero when there
	// is none.
	Observed nps.Wave
	// Passed reports whether Observed's window has passed; From and Until
	// are the window.
	Passed      bool
	From, Until time.Time
}

// valueScopeOf reads the scope from the query: survey, wave and owner as
// the dashboard does, and observed, a wave of the survey.
func (s *Server) valueScopeOf(r *http.Request, a *appRequest) (valueScope, error) {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return valueScope{}, err
	}
	sc.Segment, sc.SegmentValues = store.Segment{}, nil
	vs := valueScope{dashScope: sc}
	now := s.db.Now()
	for _, w := range sc.Waves {
		if !w.OpensAt.After(now) {
			vs.Opened = append(vs.Opened, w)
		}
	}
	if v := r.URL.Query().Get("observed"); v != "" {
		i := slices.IndexFunc(vs.Opened, func(w nps.Wave) bool { return strconv.FormatInt(w.ID, 10) == v })
		if i < 0 {
			return vs, nps.ErrNotFound
		}
		vs.Observed = vs.Opened[i]
	} else {
		for _, w := range slices.Backward(sc.Waves) {
			if insight.Observed(w, now) {
				vs.Observed = w
				break
			}
		}
	}
	if vs.Observed.ID != 0 {
		vs.From, vs.Until = insight.FollowUp(vs.Observed)
		vs.Passed = insight.Observed(vs.Observed, now)
	}
	return vs, nil
}

// Query returns the scope as query parameters, with name, value pairs set
// on top.
func (vs valueScope) Query(extra ...string) template.URL {
	observed := ""
	if vs.Observed.ID != 0 {
		observed = strconv.FormatInt(vs.Observed.ID, 10)
	}
	return vs.dashScope.Query(append([]string{"observed", observed}, extra...)...)
}

// CurrentYear is the year whose revenue the current wave is set against.
func (vs valueScope) CurrentYear() int { return insight.Year(vs.Wave) }

// ObservedYear is the year whose revenue the observed wave is set against.
func (vs valueScope) ObservedYear() int { return insight.Year(vs.Observed) }

// valuePage is the value page.
type valuePage struct {
	appLayout
	valueNumbers
	Scope valueScope
	// Outcomes are the observed wave's rows, promoters, passives and
	// detractors, then all accounts (Category "").
	Outcomes []valueOutcomeRow
	// Gaps say which revenue the observed wave's figures lack.
	Gaps []valueGap
	// Risk is the revenue at risk in the current wave, AtRisk its largest
	// accounts at risk.
	Risk   nps.RevenueAtRisk
	AtRisk []insight.Account
	// Moves are the valued moves, Unvalued names those without observed
	// retention ("detractor → passive").
	Moves    []valueMove
	Unvalued string
	// Growth is earned growth per year, oldest first; ShowGrowth is false
	// for a member.
	Growth     []valueGrowthRow
	ShowGrowth bool
}

// valueOutcomeRow is one category's observed outcome; Key is the
// category's name, "" for all accounts.
type valueOutcomeRow struct {
	Key string
	nps.CategoryOutcome
}

// Uncertain reports a churn rate of too few accounts to go by.
func (r valueOutcomeRow) Uncertain() bool {
	return r.Accounts > 0 && r.Accounts < nps.MinObservedAccounts
}

// valueGap is a year of revenue that accounts of the observed wave lack:
// Missing of Of accounts need it and have none imported; None is set when
// no account has it.
type valueGap struct {
	Year        int
	Missing, Of int
	None        bool
}

// valueStep is a line of arithmetic in the page's language.
type valueStep struct{ Label, Formula, Result string }

// valueMove is a valued move with its steps.
type valueMove struct {
	nps.MoveValue
	Arithmetic []valueStep
}

// valueGrowthRow is one year's earned growth; NoPrior is set when the
// year before brought no revenue to grow from.
type valueGrowthRow struct {
	store.GrowthYear
	nps.Growth
	NoPrior    bool
	Arithmetic []valueStep
}

func (s *Server) handleValue(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	vs, err := s.valueScopeOf(r, a)
	if err != nil {
		return err
	}
	ctx, ws := r.Context(), a.Workspace.ID
	p := valuePage{appLayout: a.layout(a.M.T("value.title")), valueNumbers: newValueNumbers(a.M.Lang), Scope: vs, ShowGrowth: !vs.Member}
	if vs.Survey.ID == 0 {
		return s.render(w, http.StatusOK, "app/value", p)
	}
	var observed nps.Outcomes
	if vs.Observed.ID != 0 {
		accounts, err := insight.ReadAccounts(ctx, s.db, ws, vs.Observed, vs.OwnerID)
		if err != nil {
			return err
		}
		observed = nps.ObserveOutcomes(insight.OutcomesOf(accounts))
		for _, c := range observed.ByCategory {
			p.Outcomes = append(p.Outcomes, valueOutcomeRow{c.Category.String(), c})
		}
		p.Outcomes = append(p.Outcomes, valueOutcomeRow{"", observed.Total})
		p.Gaps = revenueGaps(accounts, vs.ObservedYear())
	}
	if vs.Wave.ID != 0 {
		current, err := insight.ReadAccounts(ctx, s.db, ws, vs.Wave, vs.OwnerID)
		if err != nil {
			return err
		}
		p.Risk = nps.AtRisk(insight.OutcomesOf(current))
		p.AtRisk = insight.TopAtRisk(current, valueTopAtRisk)
		if vs.Observed.ID != 0 {
			if err := p.valueMoves(current, observed); err != nil {
				return err
			}
		}
	}
	if p.ShowGrowth {
		years, err := s.db.GrowthYears(ctx, ws)
		if err != nil {
			return err
		}
		if err := p.earnedGrowth(years); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "app/value", p)
}

// earnedGrowth makes the rows of earned growth, a year without revenue the
// year before having none to grow from.
func (p *valuePage) earnedGrowth(years []store.GrowthYear) error {
	for _, y := range years {
		row := valueGrowthRow{GrowthYear: y, NoPrior: y.Prior <= 0}
		if !row.NoPrior {
			var err error
			if row.Growth, err = insight.Growth(y); err != nil {
				return fmt.Errorf("web: earned growth of %d: %w", y.Year, err)
			}
			if row.Arithmetic, err = p.growthSteps(y, row.Growth); err != nil {
				return err
			}
		}
		p.Growth = append(p.Growth, row)
	}
	return nil
}

// revenueGaps counts the accounts without imported revenue of year, and
// those without revenue of the next year that did not churn (a churned
// account brings 0 without an import).
func revenueGaps(accounts []insight.Account, year int) []valueGap {
	this := valueGap{Year: year, Of: len(accounts), None: true}
	next := valueGap{Year: year + 1, Of: len(accounts), None: true}
	for _, a := range accounts {
		if a.Account.HasRevenueYear {
			this.None = false
		} else {
			this.Missing++
		}
		if a.Account.HasRevenueNext {
			next.None = false
		} else if !a.Outcome.Churned {
			next.Missing++
		}
	}
	var gaps []valueGap
	for _, g := range []valueGap{this, next} {
		if g.Missing > 0 {
			gaps = append(gaps, g)
		}
	}
	return gaps
}

// valueMoves values the moves up of the current accounts against the
// observed outcomes.
func (p *valuePage) valueMoves(current []insight.Account, observed nps.Outcomes) error {
	moves, err := nps.ValueOfMoving(insight.OutcomesOf(current), observed)
	if err != nil && !errors.Is(err, nps.ErrNoRetention) {
		return fmt.Errorf("web: value of moving accounts up: %w", err)
	}
	for _, m := range moves {
		steps, err := p.moveSteps(m)
		if err != nil {
			return err
		}
		p.Moves = append(p.Moves, valueMove{MoveValue: m, Arithmetic: steps})
	}
	var unvalued []string
	for _, pair := range [][2]nps.Category{{nps.Detractor, nps.Passive}, {nps.Passive, nps.Promoter}} {
		if !slices.ContainsFunc(moves, func(m nps.MoveValue) bool { return m.From == pair[0] }) {
			unvalued = append(unvalued, p.MoveName(nps.MoveValue{From: pair[0], To: pair[1]}))
		}
	}
	p.Unvalued = strings.Join(unvalued, ", ")
	return nil
}

// RowLabel names the category of a row; "" is all accounts.
func (p valuePage) RowLabel(key string) string {
	if key == "" {
		return p.T("value.all_accounts")
	}
	return p.T("dash.category." + key)
}

// Accounts counts accounts in words: "1 account", "2 accounts".
func (p valuePage) Accounts(n int64) string {
	if n == 1 {
		return p.T("value.accounts_one")
	}
	return p.T("value.accounts", "n", p.Grouped(n))
}

// IntentLabel names a switching answer.
func (p valuePage) IntentLabel(i nps.SwitchIntent) string {
	return p.T("value.intent." + cmp.Or(string(i), "none"))
}

// MoveName names a move: "detractor → passive".
func (p valuePage) MoveName(m nps.MoveValue) string {
	return p.T("value.move.name", "from", p.T("value.cat."+m.From.String()), "to", p.T("value.cat."+m.To.String()))
}

// MoveTitle names a move with its value: "From detractor to passive:
// EUR 180,000 a year".
func (p valuePage) MoveTitle(m nps.MoveValue) string {
	return p.T("value.move.heading", "from", p.T("value.cat."+m.From.String()), "to", p.T("value.cat."+m.To.String()), "value", p.EURAmount(m.Value))
}
