package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
)

// The impact calculator: what raising the NPS from the current to a
// target may be worth a year, from the rules of thumb of a rise of +10
// (nps.RulesOfThumb, each editable) or from the workspace's own observed
// outcomes (nps.ObservedAssumptions). It is a GET form, so that a result
// has a URL to share; nothing is stored. Without any field in the query
// the form comes filled with the rules of thumb and the current wave's
// NPS.

// calcFields are the calculator's inputs, as the query names them.
var calcFields = []string{"revenue", "churn", "marketing", "current", "target",
	"churn_low", "churn_high", "existing_low", "existing_high", "marketing_low", "marketing_high", "source"}

// The sources of assumptions the form offers.
const (
	calcRules    = "rules"
	calcObserved = "observed"
)

// valueCalcPage is the calculator's page.
type valueCalcPage struct {
	appLayout
	valueNumbers
	Scope valueScope
	// Form holds what was typed, by field name; Errors a message per field
	// that is wrong.
	Form   map[string]string
	Errors map[string]string
	// Observed are the observed wave's assumptions when ObservedOK; else
	// ObservedWhy says why there are none.
	Observed    nps.Assumptions
	ObservedOK  bool
	ObservedWhy string
	// Result is set when the form was filled in without errors, from
	// Input; Used are the assumptions it used.
	Result *nps.CalculatorResult
	Input  nps.CalculatorInput
	Used   nps.Assumptions
	Steps  []valueStep
}

// calcField is one input of the form as the page shows it.
type calcField struct {
	Name, Label, Hint, Value, Error string
	// Mode is the input mode that brings up the right keyboard on a
	// phone; Readonly is set on what the observed figures fill in.
	Mode     string
	Readonly bool
}

// Field returns the input of the field name.
func (p valueCalcPage) Field(name string) calcField {
	f := calcField{Name: name, Label: p.T("value.field." + name), Hint: p.TOr("value.hint."+name, ""),
		Value: p.Form[name], Error: p.Errors[name], Mode: "decimal"}
	switch name {
	case "current", "target":
		f.Mode = "text" // a phone's decimal keyboard may have no minus sign
	case "churn_low", "churn_high", "existing_low", "existing_high":
		f.Readonly = p.Fixed()
	}
	return f
}

// Fixed reports whether the observed figures fill in the effects on
// churn and existing business.
func (p valueCalcPage) Fixed() bool { return p.ObservedOK && p.Form["source"] == calcObserved }

// Signed shows an NPS with its sign and at most one decimal: "+20".
func (p valueCalcPage) Signed(x float64) string {
	s := p.Decimal(x, 1)
	if x > 0 && s != "0" {
		s = "+" + s
	}
	return s
}

// Range shows the result: "EUR 2,100,000 – 2,700,000".
func (p valueCalcPage) Range() string { return p.EURRange(p.Result.Low, p.Result.High) }

// Reduction shows an assumption's range: "10–15 %".
func (p valueCalcPage) Reduction(low, high float64) string { return p.FormulaPctRange(low, high) }

// calcHidden is a scope parameter the form carries along.
type calcHidden struct{ Name, Value string }

// Hidden are the scope's parameters the form carries along: the survey,
// the owner filter and the observed wave.
func (p valueCalcPage) Hidden() []calcHidden {
	var out []calcHidden
	add := func(name string, id int64) {
		if id != 0 {
			out = append(out, calcHidden{name, strconv.FormatInt(id, 10)})
		}
	}
	add("survey", p.Scope.Survey.ID)
	if !p.Scope.Member {
		add("owner", p.Scope.OwnerID)
	}
	add("observed", p.Scope.Observed.ID)
	return out
}

// Example is the query of the first article's example: EUR 30 million
// revenue, 20 % churn, EUR 6 million marketing and sales, +10 NPS, with
// the rules of thumb.
func (p valueCalcPage) Example() template.URL {
	rules := nps.RulesOfThumb()
	return p.Scope.Query("wave", "", "revenue", p.Grouped(30_000_000), "churn", "20", "marketing", p.Grouped(6_000_000),
		"current", "20", "target", "30",
		"churn_low", p.Decimal(100*rules.ChurnLow, 2), "churn_high", p.Decimal(100*rules.ChurnHigh, 2),
		"existing_low", p.Decimal(100*rules.ExistingLow, 2), "existing_high", p.Decimal(100*rules.ExistingHigh, 2),
		"marketing_low", p.Decimal(100*rules.MarketingLow, 2), "marketing_high", p.Decimal(100*rules.MarketingHigh, 2),
		"source", calcRules)
}

func (s *Server) handleValueCalculator(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	vs, err := s.valueScopeOf(r, a)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := valueCalcPage{appLayout: a.layout(a.M.T("value.calc.title")), valueNumbers: newValueNumbers(a.M.Lang), Scope: vs,
		Form: map[string]string{}, Errors: map[string]string{}, ObservedWhy: a.M.T("value.why.none")}
	switch {
	case vs.Observed.ID != 0 && !vs.Passed:
		p.ObservedWhy = a.M.T("value.why.running", "wave", vs.Observed.Name, "until", p.FormatDate(vs.Until))
	case vs.Observed.ID != 0:
		accounts, err := insight.ReadAccounts(ctx, s.db, a.Workspace.ID, vs.Observed, vs.OwnerID)
		if err != nil {
			return err
		}
		o := nps.ObserveOutcomes(insight.OutcomesOf(accounts))
		var why string
		p.Observed, p.ObservedOK, why = nps.ObservedAssumptions(o)
		p.ObservedWhy = p.observedWhy(o, why)
	}
	q := r.URL.Query()
	submitted := false
	for _, f := range calcFields {
		submitted = submitted || q.Has(f)
	}
	if !submitted {
		if err := s.calcDefaults(r, a, &p); err != nil {
			return err
		}
		return s.render(w, http.StatusOK, "app/value_calculator", p)
	}
	in := p.readQuery(q)
	if len(p.Errors) > 0 {
		return s.render(w, http.StatusBadRequest, "app/value_calculator", p)
	}
	res, err := nps.Calculate(in)
	if err != nil {
		return fmt.Errorf("web: impact calculator: %w", err)
	}
	if p.Steps, err = p.calculatorSteps(in, res); err != nil {
		return err
	}
	p.Result, p.Input, p.Used = &res, in, in.Assumptions
	return s.render(w, http.StatusOK, "app/value_calculator", p)
}

// calcDefaults fills the form with the rules of thumb and the current
// wave's NPS, rounded, when it has responses.
func (s *Server) calcDefaults(r *http.Request, a *appRequest, p *valueCalcPage) error {
	p.setAssumptions(nps.RulesOfThumb(), true)
	p.Form["source"] = calcRules
	if p.Scope.Wave.ID == 0 {
		return nil
	}
	h, err := s.db.Histogram(r.Context(), a.Workspace.ID, p.Scope.filter())
	if err != nil {
		return err
	}
	if res := nps.EstimateOf(h, 0); !res.Empty() {
		p.Form["current"] = strconv.FormatInt(res.Rounded(), 10)
	}
	return nil
}

// setAssumptions writes assumptions into the form as percentages: all of
// them, or the churn and existing-business ones, which the observed
// figures replace.
func (p *valueCalcPage) setAssumptions(as nps.Assumptions, marketing bool) {
	set := func(name string, f float64) { p.Form[name] = p.Decimal(100*f, 2) }
	set("churn_low", as.ChurnLow)
	set("churn_high", as.ChurnHigh)
	set("existing_low", as.ExistingLow)
	set("existing_high", as.ExistingHigh)
	if marketing {
		set("marketing_low", as.MarketingLow)
		set("marketing_high", as.MarketingHigh)
	}
}

// readQuery fills the form from the query of a submitted calculator and
// parses it. A shared link may leave out the assumptions: they are the
// rules of thumb then. A field sent empty is an error like any other.
func (p *valueCalcPage) readQuery(q url.Values) nps.CalculatorInput {
	p.setAssumptions(nps.RulesOfThumb(), true)
	for _, f := range calcFields {
		if q.Has(f) {
			p.Form[f] = strings.TrimSpace(q.Get(f))
		}
	}
	return p.readCalc()
}

// readCalc parses the form into the calculator's input, noting in Errors
// what is wrong with each field.
func (p *valueCalcPage) readCalc() nps.CalculatorInput {
	var in nps.CalculatorInput
	in.Revenue = p.readAmount("revenue")
	in.MarketingBudget = p.readAmount("marketing")
	in.ChurnRate = p.readPercent("churn")
	in.CurrentNPS = p.readNPS("current")
	in.TargetNPS = p.readNPS("target")
	if p.Errors["current"] == "" && p.Errors["target"] == "" && in.TargetNPS <= in.CurrentNPS {
		p.Errors["target"] = p.T("value.err.target")
	}
	as := nps.Assumptions{Source: nps.SourceRulesOfThumb}
	switch p.Form["source"] {
	case "", calcRules:
		p.Form["source"] = calcRules
	case calcObserved:
		if !p.ObservedOK {
			p.Errors["source"] = p.T("value.err.observed", "reason", p.ObservedWhy)
			break
		}
		as = p.Observed
		p.setAssumptions(as, false)
	default:
		p.Errors["source"] = p.T("value.err.source")
	}
	pair := func(low, high string, lo, hi *float64) {
		*lo, *hi = p.readPercent(low), p.readPercent(high)
		if p.Errors[low] == "" && p.Errors[high] == "" && *lo > *hi {
			p.Errors[low] = p.T("value.err.low_high")
		}
	}
	if as.Source != nps.SourceObserved {
		pair("churn_low", "churn_high", &as.ChurnLow, &as.ChurnHigh)
		pair("existing_low", "existing_high", &as.ExistingLow, &as.ExistingHigh)
	}
	pair("marketing_low", "marketing_high", &as.MarketingLow, &as.MarketingHigh)
	in.Assumptions = as
	return in
}

// readAmount reads an amount of money in the forms the importer takes
// ("30.000.000", "30,000,000", "€ 30000000").
func (p *valueCalcPage) readAmount(name string) int64 {
	v := p.Form[name]
	if v == "" {
		p.Errors[name] = p.T("value.err.required")
		return 0
	}
	if strings.Contains(v, "-") {
		p.Errors[name] = p.T("value.err.negative")
		return 0
	}
	cents, err := importer.ParseAmount(v)
	if err != nil {
		p.Errors[name] = p.T("value.err.amount")
	}
	return cents
}

// plainNumber is a number as people type it in a form: a sign, digits,
// and at most one decimal point or comma.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)

// readNumber reads a plain number, or notes that the field is not one.
func (p *valueCalcPage) readNumber(name, v string) (float64, bool) {
	if v == "" {
		p.Errors[name] = p.T("value.err.required")
		return 0, false
	}
	if !plainNumber.MatchString(v) {
		p.Errors[name] = p.T("value.err.number")
		return 0, false
	}
	x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil {
		p.Errors[name] = p.T("value.err.number")
		return 0, false
	}
	return x, true
}

// readPercent reads a percentage from 0 to 100 ("12,5", "20 %") as a
// fraction.
func (p *valueCalcPage) readPercent(name string) float64 {
	v := strings.TrimSpace(strings.TrimSuffix(p.Form[name], "%"))
	x, ok := p.readNumber(name, v)
	switch {
	case !ok:
		return 0
	case x < 0:
		p.Errors[name] = p.T("value.err.negative")
	case x > 100:
		p.Errors[name] = p.T("value.err.percent")
	}
	return x / 100
}

// readNPS reads an NPS from −100 to +100.
func (p *valueCalcPage) readNPS(name string) float64 {
	x, ok := p.readNumber(name, p.Form[name])
	if ok && (x < -100 || x > 100) {
		p.Errors[name] = p.T("value.err.nps")
	}
	return x
}

// observedWhy says in the page's language why the observed figures
// cannot be used, in the order nps.ObservedAssumptions checks; a reason
// it does not know shows as nps gave it.
func (p valueCalcPage) observedWhy(o nps.Outcomes, why string) string {
	if why == "" {
		return ""
	}
	for _, c := range o.ByCategory {
		cat := p.T("value.cat." + c.Category.String())
		if c.WithAfter < nps.MinObservedAccounts {
			return p.T("value.why.too_few", "n", c.WithAfter, "category", cat, "min", nps.MinObservedAccounts)
		}
		if !c.HasRetention {
			return p.T("value.why.no_revenue", "category", cat)
		}
	}
	if o.Total.Churned == 0 {
		return p.T("value.why.no_churn")
	}
	if !(o.Total.Retention > 0) {
		return p.T("value.why.no_retention")
	}
	return why
}

// Source names where the assumptions used came from: the observed wave,
// the rules of thumb, or the reader's own when they changed those.
func (p valueCalcPage) Source(as nps.Assumptions) string {
	switch {
	case as.Source == nps.SourceObserved:
		return p.T("value.calc.source_observed_wave", "wave", p.Scope.Observed.Name)
	case as == nps.RulesOfThumb():
		return p.T("value.calc.source_rules")
	}
	return p.T("value.calc.source_own")
}
