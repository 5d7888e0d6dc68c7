package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/scorefile"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// dashFixture adds to the app fixture what the dashboard's tests look
// for: Globex's own account, answer and benchmark (the IDs a user of Acme
// must not reach) and an Acme benchmark.
type dashFixture struct {
	*appFixture
	memberResponse, analystResponse, globexResponse int64
	memberAccount, analystAccount, globexAccount    int64
	benchmark, globexBenchmark                      int64
}

func newDashFixture(t *testing.T, db *store.DB) *dashFixture {
	t.Helper()
	ctx := context.Background()
	f := &dashFixture{appFixture: newAppFixture(t, db)}
	page := appMust(db.LatestResponses(ctx, f.acme.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t)
	for _, r := range page.Responses {
		if r.Score == 9 {
			f.memberResponse, f.memberAccount = r.ID, r.AccountID
		} else {
			f.analystResponse, f.analystAccount = r.ID, r.AccountID
		}
	}
	acc := appMust(db.CreateAccount(ctx, f.globex.ID, nps.Account{Name: "Globex Customer", Industry: "Secret"}))(t)
	c := appMust(db.CreateContact(ctx, f.globex.ID, nps.Contact{AccountID: acc.ID, Email: "g@globex.example", Name: "Gina Globex"}))(t)
	r := appMust(db.RecordResponse(ctx, f.globex.ID, nps.Response{WaveID: f.globexWave.ID, ContactID: c.ID, Score: 0,
		Comment: "globex secret comment", Channel: nps.ChannelLink}))(t)
	f.globexResponse, f.globexAccount = r.ID, acc.ID
	f.benchmark = appMust(db.CreateBenchmark(ctx, f.acme.ID, nps.Benchmark{Name: "Acme sector", NPS: 20}))(t).ID
	f.globexBenchmark = appMust(db.CreateBenchmark(ctx, f.globex.ID, nps.Benchmark{Name: "Globex sector", NPS: 40}))(t).ID
	return f
}

// TestDashboardRoutes tries every dashboard route as a visitor, a user of
// another workspace and each role, and fails when a route of
// dashboardRoutes is not in its table.
func TestDashboardRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		w := "/w/acme"
		routes := []struct {
			pattern, path string
			form          url.Values
			status        int
		}{
			{"GET /w/{slug}/dashboard", w + "/dashboard", nil, http.StatusOK},
			{"GET /w/{slug}/trend", w + "/trend", nil, http.StatusOK},
			{"GET /w/{slug}/breakdown", w + "/breakdown", nil, http.StatusOK},
			{"GET /w/{slug}/accounts", w + "/accounts", nil, http.StatusOK},
			{"GET /w/{slug}/accounts/{account}", w + "/accounts/" + fmt.Sprint(f.memberAccount), nil, http.StatusOK},
			{"GET /w/{slug}/responses", w + "/responses", nil, http.StatusOK},
			{"GET /w/{slug}/responses/{response}", w + "/responses/" + fmt.Sprint(f.memberResponse), nil, http.StatusOK},
			{"POST /w/{slug}/responses/{response}/tags", w + "/responses/" + fmt.Sprint(f.memberResponse) + "/tags", appForm("tag", "matrix"), http.StatusSeeOther},
			{"GET /w/{slug}/calculation", w + "/calculation", nil, http.StatusOK},
			{"GET /w/{slug}/calculation.csv", w + "/calculation.csv", nil, http.StatusOK},
			{"GET /w/{slug}/export/{export}", w + "/export/responses.xlsx", nil, http.StatusOK},
			{"GET /w/{slug}/benchmarks", w + "/benchmarks", nil, http.StatusOK},
			{"POST /w/{slug}/benchmarks", w + "/benchmarks", appForm("name", "Matrix", "nps", "12"), http.StatusSeeOther},
			{"POST /w/{slug}/benchmarks/{benchmark}/delete", w + "/benchmarks/%d/delete", appForm(), http.StatusSeeOther},
			{"POST /w/{slug}/language", w + "/language", appForm("lang", "en"), http.StatusSeeOther},
		}
		s, _ := New(db, nil, Options{})
		var tries []routeTry
		for _, c := range routes {
			tries = append(tries, routeTry{c.pattern, c.status, func() (string, url.Values) {
				if strings.Contains(c.path, "%d") {
					// Each try deletes a benchmark of its own.
					return fmt.Sprintf(c.path, appMust(db.CreateBenchmark(context.Background(), f.acme.ID, nps.Benchmark{Name: "Doomed", NPS: 1}))(t).ID), c.form
				}
				return c.path, c.form
			}})
		}
		f.checkRouteMatrix(t, s.dashboardRoutes(), tries)
	})
}

// TestDashboardScenarios checks what the dashboard shows to whom: the
// figures, a member's own accounts only, and another workspace's IDs as
// not found.
func TestDashboardScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		w := "/w/acme"
		sv, wv := fmt.Sprint(f.survey.ID), fmt.Sprint(f.wave.ID)
		member, analyst := fmt.Sprint(f.memberAccount), fmt.Sprint(f.analystAccount)
		f.run(t, []appScenario{
			// One promoter (9) and one detractor (3): NPS 0.
			{name: "overview", method: "GET", path: w + "/dashboard", actor: "viewer", status: http.StatusOK,
				want: []string{`<span class="nps">0</span>`, "n = 2", "small sample", `role="img"`, "Member Account BV", "Analyst Account BV",
					"member account comment", "analyst account comment &lt;b&gt;bold&lt;/b&gt;", "Acme sector", "Show the calculation",
					`href="/w/acme/calculation?survey=` + sv + `&amp;wave=` + wv + `"`},
				notWant: []string{"<b>bold</b>", "Globex"}},
			{name: "overview of a member", method: "GET", path: w + "/dashboard", actor: "member", status: http.StatusOK,
				want:    []string{`<span class="nps">&#43;100</span>`, "n = 1", "You see the accounts you own.", "member account comment"},
				notWant: []string{"analyst account comment", "Analyst Account BV", `name="owner"`}},
			{name: "overview of one owner", method: "GET", path: w + "/dashboard?owner=" + fmt.Sprint(f.users["analyst"].ID), actor: "owner", status: http.StatusOK,
				want: []string{`<span class="nps">-100</span>`}, notWant: []string{"member account comment"}},
			{name: "owner filter naming an outsider", method: "GET", path: w + "/dashboard?owner=" + fmt.Sprint(f.users["outsider"].ID), actor: "owner", status: http.StatusBadRequest},
			{name: "segment filter naming no attribute", method: "GET", path: w + "/dashboard?seg=salary&segv=1", actor: "owner", status: http.StatusBadRequest},
			{name: "other workspace's survey", method: "GET", path: w + "/dashboard?survey=" + fmt.Sprint(f.globexSurvey.ID), actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's wave", method: "GET", path: w + "/dashboard?wave=" + fmt.Sprint(f.globexWave.ID), actor: "owner", status: http.StatusNotFound},
			{name: "trend", method: "GET", path: w + "/trend", actor: "viewer", status: http.StatusOK, want: []string{"NPS per wave", "<th scope=\"row\">2026</th>"}},
			{name: "trend by month", method: "GET", path: w + "/trend?by=month", actor: "viewer", status: http.StatusOK, want: []string{"NPS per month", "2026-"}},
			{name: "trend by nonsense", method: "GET", path: w + "/trend?by=year", actor: "viewer", status: http.StatusBadRequest},
			{name: "breakdown by owner", method: "GET", path: w + "/breakdown", actor: "viewer", status: http.StatusOK,
				want: []string{">Member</a>", ">Analyst</a>", "&#43;100", "-100"}},
			{name: "breakdown of a member", method: "GET", path: w + "/breakdown", actor: "member", status: http.StatusOK,
				want: []string{">Member<"}, notWant: []string{"Analyst"}},
			{name: "breakdown by contact language", method: "GET", path: w + "/breakdown?by=contact:language", actor: "analyst", status: http.StatusOK, want: []string{"(none)"}},
			{name: "breakdown by an unknown grouping", method: "GET", path: w + "/breakdown?by=contact:x%27", actor: "analyst", status: http.StatusBadRequest},
			{name: "accounts", method: "GET", path: w + "/accounts?sort=name&dir=desc", actor: "viewer", status: http.StatusOK,
				want: []string{"Member Account BV", "Analyst Account BV", `aria-sort="descending"`, "Account-weighted"}},
			{name: "accounts of a member", method: "GET", path: w + "/accounts", actor: "member", status: http.StatusOK,
				want: []string{"Member Account BV"}, notWant: []string{"Analyst Account BV"}},
			{name: "accounts, bad sort", method: "GET", path: w + "/accounts?sort=secret", actor: "viewer", status: http.StatusBadRequest},
			{name: "account", method: "GET", path: w + "/accounts/" + analyst, actor: "viewer", status: http.StatusOK,
				want: []string{"Analyst Account BV", "Abe Analyst-Contact", "analyst account comment"}},
			{name: "another owner's account as a member", method: "GET", path: w + "/accounts/" + analyst, actor: "member", status: http.StatusNotFound,
				notWant: []string{"Analyst Account BV"}},
			{name: "own account as a member", method: "GET", path: w + "/accounts/" + member, actor: "member", status: http.StatusOK, want: []string{"Mia Member-Contact"}},
			{name: "other workspace's account", method: "GET", path: w + "/accounts/" + fmt.Sprint(f.globexAccount), actor: "owner", status: http.StatusNotFound},
			{name: "feed search", method: "GET", path: w + "/responses?q=analyst", actor: "viewer", status: http.StatusOK,
				want: []string{"analyst account comment"}, notWant: []string{"member account comment"}},
			{name: "feed of a member", method: "GET", path: w + "/responses?q=comment", actor: "member", status: http.StatusOK,
				want: []string{"member account comment"}, notWant: []string{"analyst account comment"}},
			{name: "feed by category", method: "GET", path: w + "/responses?category=detractor&wave=all", actor: "viewer", status: http.StatusOK,
				want: []string{"analyst account comment"}, notWant: []string{"member account comment"}},
			{name: "feed of all waves", method: "GET", path: w + "/responses?wave=all", actor: "viewer", status: http.StatusOK,
				want:    []string{`<option value="all" selected>`, "member account comment", "analyst account comment"},
				notWant: []string{`<option value="` + wv + `" selected>2026</option>`}},
			{name: "overview from all waves", method: "GET", path: w + "/dashboard?wave=all", actor: "viewer", status: http.StatusOK,
				want: []string{"<h1>Overview · 2026"}},
			{name: "feed, bad search", method: "GET", path: w + "/responses?q=%21%21", actor: "viewer", status: http.StatusUnprocessableEntity},
			{name: "response", method: "GET", path: w + "/responses/" + fmt.Sprint(f.analystResponse), actor: "viewer", status: http.StatusOK,
				want: []string{"analyst account comment", "Abe Analyst-Contact"}, notWant: []string{"Add a tag"}},
			{name: "another owner's response as a member", method: "GET", path: w + "/responses/" + fmt.Sprint(f.analystResponse), actor: "member", status: http.StatusNotFound},
			{name: "other workspace's response", method: "GET", path: w + "/responses/" + fmt.Sprint(f.globexResponse), actor: "owner", status: http.StatusNotFound,
				notWant: []string{"globex secret comment"}},
			{name: "tag another owner's response as a member", method: "POST", path: w + "/responses/" + fmt.Sprint(f.analystResponse) + "/tags",
				form: appForm("tag", "x"), actor: "member", status: http.StatusNotFound},
			{name: "tag other workspace's response", method: "POST", path: w + "/responses/" + fmt.Sprint(f.globexResponse) + "/tags",
				form: appForm("tag", "x"), actor: "owner", status: http.StatusNotFound},
			{name: "tag", method: "POST", path: w + "/responses/" + fmt.Sprint(f.analystResponse) + "/tags", form: appForm("tag", "Invoicing"),
				actor: "analyst", status: http.StatusSeeOther},
			{name: "empty tag", method: "POST", path: w + "/responses/" + fmt.Sprint(f.analystResponse) + "/tags", form: appForm("tag", " "),
				actor: "analyst", status: http.StatusUnprocessableEntity},
			{name: "feed by tag", method: "GET", path: w + "/responses?tag=invoicing", actor: "viewer", status: http.StatusOK,
				want: []string{"analyst account comment", `<span class="tag">invoicing</span>`}, notWant: []string{"member account comment"}},
			{name: "calculation", method: "GET", path: w + "/calculation", actor: "viewer", status: http.StatusOK,
				want: []string{"100 · (1 − 1) / 2 = 0.0000", "P = 1, A = 0, D = 1, n = 2", "promotor calc calculation.csv"}},
			{name: "calculation, account-weighted", method: "GET", path: w + "/calculation?weight=account", actor: "viewer", status: http.StatusOK,
				want: []string{"n_eff", "promotor calc --weight weight calculation.csv"}},
			{name: "calculation of another owner's account as a member", method: "GET", path: w + "/calculation?account=" + analyst, actor: "member", status: http.StatusNotFound},
			{name: "calculation of other workspace's account", method: "GET", path: w + "/calculation?account=" + fmt.Sprint(f.globexAccount), actor: "owner", status: http.StatusNotFound},
			{name: "benchmarks", method: "GET", path: w + "/benchmarks", actor: "viewer", status: http.StatusOK,
				want: []string{"Acme sector"}, notWant: []string{"Globex sector", "Add a benchmark"}},
			{name: "benchmark with a bad NPS", method: "POST", path: w + "/benchmarks", form: appForm("name", "Bad", "nps", "abc"), actor: "analyst",
				status: http.StatusBadRequest, want: []string{"The NPS must be a number", `value="Bad"`}},
			{name: "benchmark out of range", method: "POST", path: w + "/benchmarks", form: appForm("name", "Far", "nps", "150"), actor: "analyst",
				status: http.StatusUnprocessableEntity, want: []string{"nps: must be a number from -100 to 100"}},
			{name: "other workspace's benchmark delete", method: "POST", path: w + "/benchmarks/" + fmt.Sprint(f.globexBenchmark) + "/delete",
				form: appForm(), actor: "owner", status: http.StatusNotFound},
			{name: "language nl", method: "POST", path: w + "/language", form: appForm("lang", "nl"), actor: "viewer", status: http.StatusSeeOther,
				want: []string{"/w/acme/dashboard"}},
			{name: "dashboard in Dutch", method: "GET", path: w + "/dashboard", actor: "viewer", status: http.StatusOK,
				want: []string{"<h1>Overzicht", `lang="nl"`, "Criticasten", "Toon de berekening"}},
			{name: "language unknown", method: "POST", path: w + "/language", form: appForm("lang", "xx"), actor: "viewer", status: http.StatusBadRequest},
			{name: "dashboard by the browser's language", method: "GET", path: w + "/dashboard", actor: "analyst", status: http.StatusOK, want: []string{"<h1>Overview"}},
		})
		// The browser's language counts when the user chose none.
		rec := f.do("GET", w+"/dashboard", nil, "analyst", "Accept-Language: nl-BE,nl;q=0.9")
		if !strings.Contains(rec.Body.String(), "<h1>Overzicht") {
			t.Errorf("Accept-Language nl: the dashboard is not in Dutch:\n%s", appExcerpt(rec.Body.String()))
		}
	})
}

// TestCalculationExport checks that promotor calc, reading the export,
// finds the figure the page shows.
func TestCalculationExport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newDashFixture(t, db)
		for _, c := range []struct {
			query, column, weight string
			want                  nps.Histogram
		}{
			{"", "score", "", nps.Histogram{3: 1, 9: 1}},
			{"?weight=account", "score", "weight", nps.Histogram{3: 1, 9: 1}},
		} {
			rec := f.do("GET", "/w/acme/calculation.csv"+c.query, nil, "viewer")
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Fatalf("export%s: %d %s", c.query, rec.Code, rec.Header().Get("Content-Type"))
			}
			scores, err := scorefile.Read(strings.NewReader(rec.Body.String()), "calculation.csv", scorefile.Options{Column: c.column, Weight: c.weight})
			if err != nil {
				t.Fatalf("export%s is not a score file: %v\n%s", c.query, err, rec.Body.String())
			}
			if scores.Histogram.Count != c.want {
				t.Errorf("export%s: histogram %v, want %v", c.query, scores.Histogram.Count, c.want)
			}
		}
		if rec := f.do("GET", "/w/acme/calculation.csv", nil, "member"); rec.Body.String() != "score\n9\n" {
			t.Errorf("a member's export: %q, want only their account's score", rec.Body.String())
		}
	})
}

func TestNumbersInTheReadersLanguage(t *testing.T) {
	en, nl := appLayout{M: catalog.Messages("en")}, appLayout{M: catalog.Messages("nl")}
	for _, c := range []struct {
		got, want string
	}{
		{en.Count(0), "0"}, {en.Count(999), "999"}, {en.Count(1000), "1,000"}, {en.Count(2600596), "2,600,596"},
		{nl.Count(2600596), "2.600.596"}, {en.Count(-1234567), "-1,234,567"},
		{en.Money(123456789), "1,234,567"}, {nl.Money(99), "0"},
		{en.Points(0.44), "0.4"}, {nl.Points(0.44), "0,4"}, {en.Points(9.96), "10.0"}, {en.Points(20.3), "20"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
