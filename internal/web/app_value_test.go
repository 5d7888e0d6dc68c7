package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// valueFixture is the app fixture with an observed wave "2024" (open
// March and April 2024, so watched until 2025-04-30, before the clock's
// 2026-05-04) and accounts that answered in it and in the current wave
// "2026", with their revenue of 2024 and 2025 (thousands of euros; the
// latest year's is their annual revenue):
//
//	account        owner    2024   2025  2024 scores  churned     2026 score, intent
//	Promo One      member    300    400  10           -           9, unsure
//	Promo Two      owner     900  1,000  9, 10        -           10, no
//	Passive One    analyst    80      -  8            2024-09-01  -
//	Passive Two    member    200    160  7            -           8, no
//	Mixed <script> member    250    250  6, 9 (7.5)   -           4, yes
//	Detract One    owner      60     10  3            2025-02-01  -
//	Detract Three  analyst    30     20  2            2026-01-10  -
//	Referred New   owner       -     50  -            -           -
//	Bought New     owner       -    150  -            -           -
//
// Promo One referred Referred New. The fixture's Member Account BV (9) and
// Analyst Account BV (3) answered in 2026, without revenue or intent. In
// 2024 the promoters are Promo One and Two (0 of 2 churned, 1,200 → 1,400),
// the passives Passive One, Two and Mixed, whose mean 7.5 makes it passive
// (1 of 3, 530 → 410), the detractors Detract One and Three (1 of 2:
// Three left after the window; 90 → 30).
type valueFixture struct {
	*appFixture
	observed nps.Wave
	accounts map[string]nps.Account
}

// valueXSS is the name of an account that tries to run a script.
const valueXSS = "Mixed <script>alert(1)</script> Ltd"

func newValueFixture(t *testing.T, db *store.DB) *valueFixture {
	t.Helper()
	ctx := context.Background()
	f := &valueFixture{appFixture: newAppFixture(t, db), accounts: map[string]nps.Account{}}
	ws := f.acme.ID
	f.observed = appMust(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2024",
		OpensAt: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}))(t)
	var revenue []nps.AccountRevenue
	var promoOne nps.Contact
	for _, a := range []struct {
		name, owner string
		r24, r25    int64 // thousands of euros; 0 for none
		churned     time.Time
		old         []int
		now         int // -1: no answer in 2026
		intent      nps.SwitchIntent
	}{
		{"Promo One", "member", 300, 400, time.Time{}, []int{10}, 9, nps.SwitchUnsure},
		{"Promo Two", "owner", 900, 1_000, time.Time{}, []int{9, 10}, 10, nps.SwitchNo},
		{"Passive One", "analyst", 80, 0, time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), []int{8}, -1, ""},
		{"Passive Two", "member", 200, 160, time.Time{}, []int{7}, 8, nps.SwitchNo},
		{valueXSS, "member", 250, 250, time.Time{}, []int{6, 9}, 4, nps.SwitchYes},
		{"Detract One", "owner", 60, 10, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), []int{3}, -1, ""},
		{"Detract Three", "analyst", 30, 20, time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), []int{2}, -1, ""},
		{"Referred New", "owner", 0, 50, time.Time{}, nil, -1, ""},
		{"Bought New", "owner", 0, 150, time.Time{}, nil, -1, ""},
	} {
		acc := nps.Account{Name: a.name, OwnerID: f.users[a.owner].ID, Status: nps.AccountActive}
		if !a.churned.IsZero() {
			acc.Status, acc.ChurnedAt = nps.AccountChurned, a.churned
		}
		acc = appMust(db.CreateAccount(ctx, ws, acc))(t)
		f.accounts[a.name] = acc
		for year, k := range map[int]int64{2024: a.r24, 2025: a.r25} {
			if k > 0 {
				revenue = append(revenue, nps.AccountRevenue{AccountID: acc.ID, Year: year, RevenueCents: k * 1000_00})
			}
		}
		for i, score := range a.old {
			c := appMust(db.CreateContact(ctx, ws, nps.Contact{AccountID: acc.ID, Name: fmt.Sprint(a.name, " contact ", i),
				Email: fmt.Sprintf("c%d-%d@example.com", acc.ID, i)}))(t)
			if a.name == "Promo One" {
				promoOne = c
			}
			appMust(db.RecordResponse(ctx, ws, nps.Response{WaveID: f.observed.ID, ContactID: c.ID, Score: score, Channel: nps.ChannelImport,
				CreatedAt: time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)}))(t)
			if i == 0 && a.now >= 0 {
				appMust(db.RecordResponse(ctx, ws, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: a.now, Channel: nps.ChannelLink,
					Answers: nps.Answers{SwitchIntent: a.intent}}))(t)
			}
		}
	}
	if err := db.UpsertAccountRevenue(ctx, ws, revenue); err != nil {
		t.Fatal(err)
	}
	appMust(db.CreateReferral(ctx, ws, nps.Referral{ReferrerAccountID: f.accounts["Promo One"].ID, ReferrerContactID: promoOne.ID,
		ReferredAccountID: f.accounts["Referred New"].ID}, 0))(t)
	analyseForValue(t, db)
	return f
}

// analyseForValue runs the comment analysis, which fills the insight
// rollups that hold the switching answers, as serve's periodic task does.
func analyseForValue(t *testing.T, db *store.DB) {
	t.Helper()
	a := &insight.Analyser{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := a.Run(context.Background()); err != nil {
		t.Fatalf("analyse the answers: %v", err)
	}
}

// TestValueRoutes tries every route of valueRoutes as a visitor, a user
// of another workspace and each role, and fails when a route is not in
// its table.
func TestValueRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newValueFixture(t, db)
		s, _ := New(db, nil, Options{})
		page := func(path string) func() (string, url.Values) {
			return func() (string, url.Values) { return path, nil }
		}
		f.checkRouteMatrix(t, s.valueRoutes(), []routeTry{
			{"GET /w/{slug}/value", http.StatusOK, page("/w/acme/value")},
			{"GET /w/{slug}/value/calculator", http.StatusOK, page("/w/acme/value/calculator?revenue=1000&churn=10&marketing=0&current=0&target=10")},
		})
	})
}

func TestValueScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newValueFixture(t, db)
		w := "/w/acme"
		xss := html.EscapeString(valueXSS)
		analyst := fmt.Sprint(f.users["analyst"].ID)
		f.run(t, []appScenario{
			{name: "observed outcomes", method: "GET", path: w + "/value", actor: "viewer", status: http.StatusOK,
				want: []string{"What became of the accounts of 2024", "between 2024-03-01 and 2025-04-30", "Revenue: 2024, the year the wave opened, against 2025",
					"mean score of its respondents", "Observed, not causal.",
					// accounts, churned, churn rate (Wilson 95 %), known
					// outcome, revenue 2024 and 2025, retention
					rowOf("Promoter", "2", "0", "0 % <small>(0–65.8 %)</small>") + few + outcome("2", "EUR 1,200,000", "EUR 1,400,000", "116.7 %"),
					rowOf("Passive", "3", "1", "33.3 % <small>(6.1–79.2 %)</small>") + few + outcome("3", "EUR 530,000", "EUR 410,000", "77.4 %"),
					rowOf("Detractor", "2", "1", "50 % <small>(9.5–90.5 %)</small>") + few + outcome("2", "EUR 90,000", "EUR 30,000", "33.3 %"),
					rowOf("All accounts", "7", "2", "28.6 % <small>(8.2–64.1 %)</small>") + few + outcome("7", "EUR 1,820,000", "EUR 1,840,000", "101.1 %")},
				notWant: []string{"No revenue of", "not complete yet"}},
			{name: "revenue at risk", method: "GET", path: w + "/value", actor: "viewer", status: http.StatusOK,
				want: []string{"Revenue at risk in 2026",
					"<dt>Detractor accounts</dt><dd>EUR 250,000 <small>(2 accounts)</small>",
					"<dt>Considering a competitor (yes or unsure)</dt><dd>EUR 650,000 <small>(2 accounts)</small>",
					"<dt>Either (each account once)</dt><dd><strong>EUR 650,000</strong> <small>(3 accounts)</small>",
					"35.9 % of EUR 1,810,000 over 6 accounts",
					"The 3 accounts at risk with the most revenue",
					riskRow(f.accounts["Promo One"].ID, "Promo One", "promoter", "unsure", "EUR 400,000"),
					riskRow(f.accounts[valueXSS].ID, xss, "detractor", "yes", "EUR 250,000"),
					"not answered</td>\n<td class=\"num\">EUR 0</td>"},
				notWant: []string{"<script>alert", ">Promo Two</a>"}},
			{name: "the value of moving up", method: "GET", path: w + "/value", actor: "viewer", status: http.StatusOK,
				want: []string{"From detractor to passive: EUR 110,062.89 a year",
					"<code>2 accounts: EUR 250,000</code>",
					"<code>77.36 % (3 accounts) − 33.33 % (2 accounts) = 44.03 %</code>",
					"<code>EUR 250,000 × 44.03 % = EUR 110,062.89</code>",
					"From passive to promoter: EUR 62,893.08 a year",
					"<code>1 account: EUR 160,000</code>",
					"<code>116.67 % (2 accounts) − 77.36 % (3 accounts) = 39.31 %</code>",
					"<code>EUR 160,000 × 39.31 % = EUR 62,893.08</code>"},
				notWant: []string{"Not valued"}},
			{name: "earned growth", method: "GET", path: w + "/value", actor: "viewer", status: http.StatusOK,
				want: []string{"Earned growth (Bain&#39;s Net Promoter 3.0)",
					`<th scope="row">2025</th>
<td class="num">101.1 %</td><td class="num">2.7 %</td><td class="num">103.8 %</td><td class="num">&#43;3.8 %</td>
<td class="num">25 %</td>`,
					"<code>EUR 1,840,000 / EUR 1,820,000 = 101.1 %</code>", "<code>EUR 50,000 / EUR 1,820,000 = 2.75 %</code>",
					"<code>101.1 % &#43; 2.75 % = 103.85 %</code>", "<code>EUR 50,000 / EUR 200,000 = 25 %</code>",
					`<a href="/w/acme/referrals">Referrals</a>`}},
			{name: "a member's own accounts", method: "GET", path: w + "/value", actor: "member", status: http.StatusOK,
				want: []string{"You see the accounts you own.",
					rowOf("Promoter", "1", "0", "0 % <small>(0–79.3 %)</small>") + few + outcome("1", "EUR 300,000", "EUR 400,000", "133.3 %"),
					rowOf("Passive", "2", "0", "0 % <small>(0–65.8 %)</small>") + few + outcome("2", "EUR 450,000", "EUR 410,000", "91.1 %"),
					rowOf("Detractor", "0", "0", "—") + outcome("0", "—", "—", "—"),
					rowOf("All accounts", "3", "0", "0 % <small>(0–56.1 %)</small>") + few + outcome("3", "EUR 750,000", "EUR 810,000", "108 %"),
					"<strong>EUR 650,000</strong> <small>(2 accounts)</small>", "80.2 % of EUR 810,000 over 4 accounts",
					"The 2 accounts at risk with the most revenue", xss,
					// 160,000 × (133.33 % − 91.11 %); no detractors observed
					"From passive to promoter: EUR 67,555.56 a year",
					"Not valued, for want of observed revenue retention in both categories: detractor → passive.",
					"Earned growth sums the revenue of every account of the workspace"},
				notWant: []string{"Analyst Account BV", "Detract One", "Promo Two", "1,820,000", "101.1 %"}},
			{name: "another owner's accounts", method: "GET", path: w + "/value?owner=" + analyst, actor: "viewer", status: http.StatusOK,
				want:    []string{rowOf("Passive", "1", "1", "100 % <small>(20.7–100 %)</small>"), "Analyst Account BV</a>"},
				notWant: []string{"Promo One"}},
			{name: "a member cannot pick another owner", method: "GET", path: w + "/value?owner=" + analyst, actor: "member", status: http.StatusOK,
				notWant: []string{"Analyst Account BV", "Detract Three"}},
			{name: "an observed wave still running", method: "GET", path: w + "/value?observed=" + fmt.Sprint(f.wave.ID), actor: "viewer", status: http.StatusOK,
				want: []string{"What became of the accounts of 2026", "The follow-up of 2026 runs until 2027-05-03: these figures are not complete yet.",
					rowOf("All accounts", "6", "0", "0 % <small>(0–39 %)</small>"),
					"No revenue of 2026 is imported. An analyst can import revenue per year.", "No revenue of 2027 is imported."},
				notWant: []string{`href="/w/acme/import"`}},
			{name: "an analyst is sent to import", method: "GET", path: w + "/value?observed=" + fmt.Sprint(f.wave.ID), actor: "analyst", status: http.StatusOK,
				want: []string{`No revenue of 2026 is imported. <a href="/w/acme/import">Import revenue per year</a>`}},
			{name: "a wave of another workspace", method: "GET", path: w + "/value?observed=" + fmt.Sprint(f.globexWave.ID), actor: "owner", status: http.StatusNotFound},
			{name: "an unknown survey", method: "GET", path: w + "/value?survey=999999", actor: "owner", status: http.StatusNotFound},
			{name: "an anonymous survey", method: "GET", path: w + "/value?survey=" + fmt.Sprint(f.anonSurvey.ID), actor: "viewer", status: http.StatusOK,
				want: []string{"No wave&#39;s 12-month follow-up has passed yet", "Revenue at risk in Fair", "No account answered in this wave yet.",
					"This needs an observed wave"}},
		})
		owner := f.do("GET", w+"/value", nil, "owner").Body.String()
		if i, j, k := strings.Index(owner, ">Promo One</a>"), strings.Index(owner, ">"+xss+"</a>"), strings.Index(owner, ">Analyst Account BV</a>"); i < 0 || i > j || j > k {
			t.Errorf("accounts at risk: got Promo One at %d, %s at %d, Analyst Account BV at %d; want them by revenue", i, valueXSS, j, k)
		}
		nl := f.do("GET", w+"/value", nil, "viewer", "Accept-Language: nl").Body.String()
		for _, want := range []string{"Wat de NPS waard is", "Waargenomen, niet oorzakelijk.", "33,3 % <small>(6,1–79,2 %)</small>",
			outcome("3", "EUR 530.000", "EUR 410.000", "77,4 %"), "<strong>EUR 650.000</strong>", "35,9 % van EUR 1.810.000 over 6 klanten",
			"Van criticaster naar passief: EUR 110.062,89 per jaar", "<code>77,36 % (3 klanten) − 33,33 % (2 klanten) = 44,03 %</code>",
			"<code>1 klant: EUR 160.000</code>", `<td class="num">&#43;3,8 %</td>`} {
			if !strings.Contains(nl, want) {
				t.Errorf("the value page in Dutch: want %q in\n%s", want, appExcerpt(nl))
			}
		}
	})
}

// few is the warning beside a churn rate of fewer than ten accounts.
const few = ` <span class="warn" title="fewer than 10 accounts: the rate is uncertain">⚠</span>`

// outcome is the rest of an outcome row after its churn rate.
func outcome(known, revenue, after, retention string) string {
	return `</td>
<td class="num">` + known + `</td>
<td class="num">` + revenue + `</td>
<td class="num">` + after + `</td>
<td class="num">` + retention + `</td>`
}

// rowOf is the start of an outcome row of the value page.
func rowOf(category, accounts, churned, rate string) string {
	label := category
	if category != "All accounts" {
		label = `<span class="category category-` + strings.ToLower(category) + `">` + category + `</span>`
	}
	return `<th scope="row">` + label + `</th>
<td class="num">` + accounts + `</td>
<td class="num">` + churned + `</td>
<td>` + rate
}

// riskRow is a row of the accounts at risk.
func riskRow(id int64, name, category, intent, revenue string) string {
	return fmt.Sprintf(`<tr><th scope="row"><a href="/w/acme/accounts/%d">%s</a></th>
<td><span class="category category-%s">%s</span></td>
<td>%s</td>
<td class="num">%s</td></tr>`, id, name, category, strings.ToUpper(category[:1])+category[1:], intent, revenue)
}

var exampleLink = regexp.MustCompile(`href="(/w/acme/value/calculator\?[^"]+)" class="example"`)

func TestValueCalculator(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newValueFixture(t, db)
		calc := "/w/acme/value/calculator?"
		article := func(revenue string, extra ...string) string {
			v := url.Values{"revenue": {revenue}, "churn": {"20"}, "marketing": {"6000000"}, "current": {"20"}, "target": {"30"},
				"churn_low": {"10"}, "churn_high": {"15"}, "existing_low": {"3"}, "existing_high": {"3"},
				"marketing_low": {"10"}, "marketing_high": {"15"}, "source": {"rules"}}
			for i := 0; i+1 < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			return calc + v.Encode()
		}
		enSteps := []string{"<strong>EUR 2,100,000 – 2,700,000</strong> a year",
			"From NPS &#43;20 to &#43;30: the effects of &#43;10 times 1.0.",
			"<code>EUR 30,000,000 × 20 % churn × 10–15 % × 1.0 = EUR 600,000 – 900,000</code>",
			"<code>EUR 30,000,000 × 3 % × 1.0 = EUR 900,000</code>",
			"<code>EUR 6,000,000 × 10–15 % × 1.0 = EUR 600,000 – 900,000</code>",
			"<code>EUR 600,000 – 900,000 &#43; EUR 900,000 &#43; EUR 600,000 – 900,000 = EUR 2,100,000 – 2,700,000</code>",
			"<dt>Source</dt><dd>Rules of thumb</dd>", "<dt>Less churn per &#43;10 NPS</dt><dd>10–15 %</dd>"}
		var scenarios []appScenario
		for _, revenue := range []string{"30000000", "30.000.000", "30,000,000", "€ 30.000.000", "EUR 30,000,000.00"} {
			scenarios = append(scenarios, appScenario{name: "the article's example, revenue " + revenue, method: "GET", path: article(revenue),
				actor: "viewer", status: http.StatusOK, want: enSteps})
		}
		bad := func(name, path, field, message string) appScenario {
			return appScenario{name: name, method: "GET", path: path, actor: "viewer", status: http.StatusBadRequest,
				want: []string{`role="alert">Check the fields marked below`,
					`name="` + field + `"`, `<p class="field-error" id="` + field + `-error">` + message + `</p>`},
				notWant: []string{`id="h-result"`}}
		}
		scenarios = append(scenarios,
			appScenario{name: "the form, filled in", method: "GET", path: calc, actor: "viewer", status: http.StatusOK,
				want: []string{`name="current" value="17"`, `name="churn_low" value="10"`, `name="churn_high" value="15"`, `name="existing_low" value="3"`,
					`name="marketing_high" value="15"`, `name="source" value="rules" checked`, `name="survey" value="` + fmt.Sprint(f.survey.ID) + `"`,
					"Our observed figures are not available: promoter accounts with a known outcome: 2, while at least 10 are needed.",
					`value="observed" disabled`},
				notWant: []string{`id="h-result"`, "field-error", `role="alert"`}},
			appScenario{name: "a member's NPS and observed figures", method: "GET", path: calc, actor: "member", status: http.StatusOK,
				want: []string{`name="current" value="25"`, "promoter accounts with a known outcome: 1, while at least 10 are needed"}},
			appScenario{name: "a wave still followed", method: "GET", path: calc + "observed=" + fmt.Sprint(f.wave.ID), actor: "viewer", status: http.StatusOK,
				want: []string{"Our observed figures are not available: the follow-up of 2026 runs until 2027-05-03."}},
			appScenario{name: "half the rise", method: "GET", path: article("1.000.000", "marketing", "100.000", "churn", "10", "current", "-5", "target", "0"),
				actor: "viewer", status: http.StatusOK,
				want: []string{"<strong>EUR 25,000 – 30,000</strong>", "<dt>Source</dt><dd>Rules of thumb</dd>", "From NPS -5 to 0: the effects of &#43;10 times 0.5.",
					"<code>EUR 1,000,000 × 10 % churn × 10–15 % × 0.5 = EUR 5,000 – 7,500</code>"}},
			appScenario{name: "capped at 100 %", method: "GET", path: article("1000", "churn", "50", "marketing", "0", "churn_low", "80", "churn_high", "90",
				"current", "-100", "target", "100"), actor: "viewer", status: http.StatusOK,
				want: []string{"<code>EUR 1,000 × 50 % churn × min(100 %, 80–90 % × 20.0) = EUR 500</code>", "<dt>Source</dt><dd>Your own assumptions</dd>"}},
			bad("negative revenue", article("-30000000"), "revenue", "This must not be negative."),
			bad("revenue in words", article("€ 30 mln"), "revenue", "Write an amount like 30.000.000, 30,000,000 or 30000000."),
			bad("no revenue", article(""), "revenue", "Fill this in."),
			bad("churn not a number", article("30000000", "churn", "twenty"), "churn", "Write a number, like 20 or 12,5."),
			bad("churn above 100 %", article("30000000", "churn", "120"), "churn", "A percentage lies from 0 to 100."),
			bad("negative marketing", article("30000000", "marketing", "-1"), "marketing", "This must not be negative."),
			bad("target below current", article("30000000", "target", "10"), "target", "The target must lie above the current NPS."),
			bad("target equal to current", article("30000000", "target", "20"), "target", "The target must lie above the current NPS."),
			bad("NPS off the scale", article("30000000", "target", "150"), "target", "An NPS lies from −100 to &#43;100."),
			bad("low above high", article("30000000", "churn_low", "20"), "churn_low", "The low end must not exceed the high end."),
			bad("negative assumption", article("30000000", "existing_low", "-3"), "existing_low", "This must not be negative."),
			bad("observed figures without enough data", article("30000000", "source", "observed"), "source",
				"Our observed figures cannot be used: promoter accounts with a known outcome: 2, while at least 10 are needed."),
			bad("an unknown source", article("30000000", "source", "guess"), "source", "Choose the rules of thumb or our observed figures."),
			appScenario{name: "a survey of another workspace", method: "GET", path: calc + "survey=" + fmt.Sprint(f.globexSurvey.ID), actor: "owner", status: http.StatusNotFound},
		)
		f.run(t, scenarios)

		nl := f.do("GET", article("30.000.000"), nil, "viewer", "Accept-Language: nl")
		for _, want := range []string{"<strong>EUR 2.100.000 – 2.700.000</strong> per jaar",
			"<code>EUR 30.000.000 × 20 % verloop × 10–15 % × 1,0 = EUR 600.000 – 900.000</code>",
			"<th scope=\"row\">Minder verloop</th>", "Van NPS &#43;20 naar &#43;30: de effecten van &#43;10 maal 1,0."} {
			if !strings.Contains(nl.Body.String(), want) {
				t.Errorf("the article's example in Dutch: want %q in\n%s", want, appExcerpt(nl.Body.String()))
			}
		}
		nlBad := f.do("GET", article("-5"), nil, "viewer", "Accept-Language: nl")
		if nlBad.Code != http.StatusBadRequest || !strings.Contains(nlBad.Body.String(), "Dit mag niet negatief zijn.") {
			t.Errorf("negative revenue in Dutch: got %d, want 400 with the Dutch message\n%s", nlBad.Code, appExcerpt(nlBad.Body.String()))
		}

		// The example link fills in the article's assumptions, in the
		// page's own number format.
		for lang, want := range map[string]string{"en": "EUR 2,100,000 – 2,700,000", "nl": "EUR 2.100.000 – 2.700.000"} {
			page := f.do("GET", calc, nil, "viewer", "Accept-Language: "+lang).Body.String()
			m := exampleLink.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("%s: no link to the article's example in\n%s", lang, appExcerpt(page))
			}
			res := f.do("GET", html.UnescapeString(m[1]), nil, "viewer", "Accept-Language: "+lang)
			if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), want) {
				t.Errorf("%s: the article's example %s: got %d, want %q in\n%s", lang, m[1], res.Code, want, appExcerpt(res.Body.String()))
			}
		}
	})
}

// TestValueStepOrder holds the pages' step labels to the order in which
// nps writes the steps: the pages label them by place.
func TestValueStepOrder(t *testing.T) {
	res, err := nps.Calculate(nps.CalculatorInput{Revenue: 100, ChurnRate: 0.1, CurrentNPS: 0, TargetNPS: 10, Assumptions: nps.RulesOfThumb()})
	if err != nil {
		t.Fatal(err)
	}
	g, err := nps.EarnedGrowth(nps.GrowthInput{PriorRevenue: 100, RetainedRevenue: 90, NewRevenue: 20, ReferredRevenue: 5})
	if err != nil {
		t.Fatal(err)
	}
	var observed nps.Outcomes
	observed.ByCategory[1] = nps.CategoryOutcome{Category: nps.Passive, Retention: 0.9, HasRetention: true, WithAfter: 1}
	observed.ByCategory[2] = nps.CategoryOutcome{Category: nps.Detractor, Retention: 0.8, HasRetention: true, WithAfter: 1}
	moves, err := nps.ValueOfMoving([]nps.AccountOutcome{{Category: nps.Detractor, Revenue: 100}}, observed)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what  string
		steps []nps.Step
		want  []string
	}{
		{"calculator", res.Steps, []string{"Less churn", "More business with existing customers", "Lower marketing cost", "Total"}},
		{"earned growth", g.Steps, []string{"Net revenue retention", "Earned new customers", "Earned growth", "Share of new revenue by referral"}},
		{"moving detractors up", moves[0].Steps, []string{"Revenue of the current detractor accounts", "Observed retention, passive minus detractor",
			"Value per year of moving them to passive"}},
	} {
		var got []string
		for _, s := range c.steps {
			got = append(got, s.Label)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: nps writes the steps %q, the pages label them %q", c.what, got, c.want)
		}
	}
}

// TestValueCalculatorObserved uses a wave's own outcomes as assumptions.
// Thirty accounts answered in 2024, ten per category, each with EUR
// 100,000 revenue in 2024; in 2025 the promoters brought 110,000 each and
// none left (churn 0, retention 110 %), one passive left and nine brought
// 100,000 (10 %, 90 %), three detractors left and seven brought 80,000
// (30 %, 56 %); over all 4/30 churned and 2,560,000/3,000,000 = 85.33 %
// was kept. +10 NPS then gives less churn of 0.10 · (30 − 10)/13.33 = 15 %
// and 0.10 · (10 − 0)/13.33 = 7.5 %, and more business of
// 0.10 · (90 − 56)/85.33 = 3.98 % and 0.10 · (110 − 90)/85.33 = 2.34 %.
func TestValueCalculatorObserved(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		ws := f.acme.ID
		wave := appMust(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2024",
			OpensAt: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}))(t)
		var revenue []nps.AccountRevenue
		for _, g := range []struct {
			score   int
			after   int64 // euros in 2025 of those that stayed
			churned int
		}{{10, 110_000, 0}, {8, 100_000, 1}, {2, 80_000, 3}} {
			for i := range 10 {
				acc := nps.Account{Name: fmt.Sprintf("Account %d-%d", g.score, i), Status: nps.AccountActive}
				if i < g.churned {
					acc.Status, acc.ChurnedAt = nps.AccountChurned, time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
				}
				acc = appMust(db.CreateAccount(ctx, ws, acc))(t)
				c := appMust(db.CreateContact(ctx, ws, nps.Contact{AccountID: acc.ID, Email: fmt.Sprintf("a%d@example.com", acc.ID)}))(t)
				appMust(db.RecordResponse(ctx, ws, nps.Response{WaveID: wave.ID, ContactID: c.ID, Score: g.score, Channel: nps.ChannelImport,
					CreatedAt: time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)}))(t)
				revenue = append(revenue, nps.AccountRevenue{AccountID: acc.ID, Year: 2024, RevenueCents: 100_000_00})
				if i >= g.churned {
					revenue = append(revenue, nps.AccountRevenue{AccountID: acc.ID, Year: 2025, RevenueCents: 100 * g.after})
				}
			}
		}
		if err := db.UpsertAccountRevenue(ctx, ws, revenue); err != nil {
			t.Fatal(err)
		}
		calc := "/w/acme/value/calculator?"
		f.run(t, []appScenario{
			{name: "the form offers the observed figures", method: "GET", path: calc, actor: "viewer", status: http.StatusOK,
				want:    []string{`name="source" value="observed"> Our observed figures (2024)</label>`},
				notWant: []string{"not available"}},
			{name: "observed figures", method: "GET", actor: "viewer", status: http.StatusOK,
				path: calc + "source=observed&revenue=1.000.000&churn=10&marketing=100.000&current=0&target=10",
				want: []string{"<strong>EUR 40,937.50 – 69,843.75</strong>",
					"<code>EUR 1,000,000 × 10 % churn × 7.5–15 % × 1.0 = EUR 7,500 – 15,000</code>",
					"<code>EUR 1,000,000 × 2.34–3.98 % × 1.0 = EUR 23,437.50 – 39,843.75</code>",
					"<code>EUR 100,000 × 10–15 % × 1.0 = EUR 10,000 – 15,000</code>",
					"<dt>Source</dt><dd>Our observed figures (2024)</dd>",
					"<dd>7.5–15 %</dd>", "<dd>2.34–3.98 %</dd>", "<dd>10–15 %</dd>",
					`name="churn_low" value="7.5" inputmode="decimal" autocomplete="off" readonly`,
					`name="existing_high" value="3.98" inputmode="decimal" autocomplete="off" readonly`,
					`name="source" value="observed" checked>`},
				notWant: []string{`name="marketing_low" value="10" inputmode="decimal" autocomplete="off" readonly`}},
			{name: "observed figures with a marketing effect of one's own", method: "GET", actor: "viewer", status: http.StatusOK,
				path: calc + "source=observed&revenue=1.000.000&churn=10&marketing=100.000&current=0&target=10&marketing_low=0&marketing_high=0&churn_low=99",
				want: []string{"<strong>EUR 30,937.50 – 54,843.75</strong>", "<dd>7.5–15 %</dd>", "<dd>0 %</dd>"}},
		})
	})
}
