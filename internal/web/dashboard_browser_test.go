package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// The dashboard's browser test signs in as each role of the app fixture
// (by its session cookie, each in a browser context of its own so that the
// cookies do not mix) and uses the dashboard as people do: it opens every
// page, clicks the calculation link and a column header, filters the feed
// with the keyboard, searches, adds a benchmark, switches the language,
// and checks that a member sees their own accounts only. It runs on both
// databases with one browser. With PROMOTOR_SCREENSHOT_DIR set it saves
// every page at desktop and phone width there, for a person to look at.

// desktopWidth and desktopHeight are the viewport of a laptop, in CSS
// pixels.
const desktopWidth, desktopHeight = 1280, 900

func TestBrowserDashboard(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		d := seedDashboard(t, f)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		b := &dashRun{f: f, d: d, origin: srv.URL, base: srv.URL + "/w/acme", browser: browser, dbName: path.Base(t.Name())}
		t.Run("owner pages", b.ownerPages)
		t.Run("filter and search", b.filterAndSearch)
		t.Run("analyst adds a benchmark", b.analystBenchmark)
		t.Run("member sees own accounts", b.memberScope)
		t.Run("language", b.language)
		t.Run("every page at two widths", b.widths)
	})
}

// dashData is what seedDashboard added, and the figures it makes.
type dashData struct {
	// current is the histogram of the current wave ("2026"), of all
	// accounts; member that of the member's accounts only.
	current, member nps.Histogram
	// bakkerij is an account with answers in both waves; analystAccount
	// the account the member does not own.
	bakkerij, analystAccount int64
	// levering is the Dutch response about a late delivery;
	// analystResponse the fixture's response of the analyst's account.
	levering, analystResponse int64
}

// seedDashboard adds to the app fixture three accounts with an industry,
// their contacts, Dutch and English answers in the fixture's wave "2026",
// and an earlier wave "2025" whose answers were imported with dates in
// January to March, so that the trend, the changes and the months show.
func seedDashboard(t *testing.T, f *appFixture) dashData {
	t.Helper()
	ctx, db, ws := context.Background(), f.db, f.acme.ID
	var d dashData
	d.current.Add(9) // the fixture's: the member's account
	d.current.Add(3) // and the analyst's
	d.member.Add(9)

	accounts := map[string]int64{}
	existing := appMust(db.Accounts(ctx, ws, store.AccountFilter{}))(t)
	for _, a := range existing {
		accounts[a.Name] = a.ID
	}
	for _, a := range []nps.Account{
		{Name: "Bakkerij de Vries", Industry: "Retail", OwnerID: f.users["owner"].ID, AnnualRevenueCents: 25_000_000},
		{Name: "Zorggroep Noord", Industry: "Zorg", OwnerID: f.users["analyst"].ID, AnnualRevenueCents: 120_000_000},
		{Name: "Fashion Outlet", Industry: "Retail", OwnerID: f.users["owner"].ID, AnnualRevenueCents: 8_000_000},
	} {
		accounts[a.Name] = appMust(db.CreateAccount(ctx, ws, a))(t).ID
	}
	d.bakkerij, d.analystAccount = accounts["Bakkerij de Vries"], accounts["Analyst Account BV"]
	if d.analystAccount == 0 {
		t.Fatalf("fixture accounts %v: want Analyst Account BV among them", accounts)
	}
	d.analystResponse = appMust(db.LatestResponses(ctx, ws, store.ResponseFilter{AccountID: d.analystAccount}))(t).Responses[0].ID

	previous := appMust(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2025",
		OpensAt: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}))(t)
	contacts := map[string]int64{}
	month := func(m time.Month) time.Time { return time.Date(2026, m, 10, 12, 0, 0, 0, time.UTC) }
	for _, a := range []struct {
		account, contact, lang string
		score                  int
		comment                string
		at                     time.Time // an import into "2025"; zero for an answer now in "2026"
	}{
		{"Bakkerij de Vries", "Els Bakker", "nl", 10, "Heel tevreden over de snelle service", time.Time{}},
		{"Bakkerij de Vries", "Piet Bakker", "nl", 4, "De levering was te laat en de factuur klopte niet", time.Time{}},
		{"Zorggroep Noord", "Anna Zorg", "en", 6, "Delivery was late again", time.Time{}},
		{"Zorggroep Noord", "Joris Zorg", "nl", 8, "Prima, maar de prijs mag lager", time.Time{}},
		{"Fashion Outlet", "Sam Outlet", "en", 9, "Great support team, quick answers", time.Time{}},
		{"Fashion Outlet", "Lisa Outlet", "en", 10, "Friendly people", time.Time{}},
		{"Fashion Outlet", "Tom Outlet", "en", 7, "", time.Time{}},
		{"Member Account BV", "Max Member-Contact", "nl", 7, "Redelijk, de vorige keer", month(time.January)},
		{"Analyst Account BV", "Ada Analyst-Contact", "en", 2, "analyst account old complaint", month(time.January)},
		{"Bakkerij de Vries", "Els Bakker", "nl", 3, "Veel problemen met de bezorging", month(time.February)},
		{"Bakkerij de Vries", "Piet Bakker", "nl", 9, "", month(time.February)},
		{"Zorggroep Noord", "Anna Zorg", "en", 5, "", month(time.February)},
		{"Fashion Outlet", "Sam Outlet", "en", 10, "Always helpful", month(time.March)},
	} {
		c, ok := contacts[a.contact]
		if !ok {
			email := strings.ToLower(strings.ReplaceAll(a.contact, " ", ".")) + "@example.com"
			c = appMust(db.CreateContact(ctx, ws, nps.Contact{AccountID: accounts[a.account], Name: a.contact, Email: email, Language: a.lang}))(t).ID
			contacts[a.contact] = c
		}
		r := nps.Response{WaveID: f.wave.ID, ContactID: c, Score: a.score, Comment: a.comment, Language: a.lang, Channel: nps.ChannelLink}
		if !a.at.IsZero() {
			r.WaveID, r.Channel, r.CreatedAt = previous.ID, nps.ChannelImport, a.at
		} else {
			d.current.Add(a.score)
		}
		stored := appMust(db.RecordResponse(ctx, ws, r))(t)
		if strings.HasPrefix(a.comment, "De levering") {
			d.levering = stored.ID
		}
		f.clock.add(time.Minute)
	}
	return d
}

// dashRun is one database's run of the dashboard scenarios.
type dashRun struct {
	f       *appFixture
	d       dashData
	origin  string // the test server
	base    string // the workspace's pages: origin + "/w/acme"
	browser context.Context
	dbName  string // "sqlite" or "postgres", for screenshot names
}

func (b *dashRun) ownerPages(t *testing.T) {
	ctx := b.tab(t, "owner", false)
	want := nps.EstimateOf(b.d.current, 0)

	b.open(t, ctx, "/dashboard", "Overview · 2026")
	if got := eval[string](t, ctx, `document.querySelector(".nps-big .nps")?.textContent ?? ""`); got != want.Format() {
		t.Errorf("overview: got the NPS %q, want %q", got, want.Format())
	}
	if got, wantN := eval[string](t, ctx, `document.querySelector(".nps-big .n")?.textContent ?? ""`), fmt.Sprintf("n = %d", b.d.current.N()); got != wantN {
		t.Errorf("overview: got %q, want %q", got, wantN)
	}
	charts := eval[[]string](t, ctx, `[...document.querySelectorAll("main svg")].map(s =>
		s.getAttribute("role") + "|" + (s.querySelector(":scope > title")?.textContent.trim() ?? ""))`)
	if len(charts) < 2 {
		t.Errorf("overview: got %d charts %q, want the distribution and the categories", len(charts), charts)
	}
	for _, c := range charts {
		if role, title, _ := strings.Cut(c, "|"); role != "img" || title == "" {
			t.Errorf("overview: got a chart with role %q and title %q, want role img and a title", role, title)
		}
	}
	if got := mainText(t, ctx); !strings.Contains(got, "Change versus 2025") {
		t.Errorf("overview: want the change versus the wave 2025 in\n%s", got)
	}

	do(t, ctx, "click the calculation link", chromedp.Click(chromedp.CSS(`a.calc-link`)))
	waitPage(t, ctx, "/calculation", `q.get("wave") !== null`)
	checkHeading(t, ctx, "calculation", "How this figure is computed")
	counts := eval[[]float64](t, ctx, `[...document.querySelectorAll("table.counts tbody td")].map(td => +td.textContent)`)
	if len(counts) != len(b.d.current) {
		t.Fatalf("calculation: got counts %v, want 11", counts)
	}
	for s, n := range b.d.current {
		if counts[s] != float64(n) {
			t.Errorf("calculation: got counts %v, want %v", counts, b.d.current)
			break
		}
	}
	h := b.d.current
	steps := eval[string](t, ctx, `document.querySelector("table.steps")?.innerText ?? ""`)
	for _, line := range []string{
		fmt.Sprintf("P = %d, A = %d, D = %d, n = %d", h.Promoters(), h.Passives(), h.Detractors(), h.N()),
		"100 · (P − D) / n",
		fmt.Sprintf("100 · (%d − %d) / %d = %.4f", h.Promoters(), h.Detractors(), h.N(), want.NPS),
		want.Format(),
	} {
		if !strings.Contains(steps, line) {
			t.Errorf("calculation: want %q in the steps\n%s", line, steps)
		}
	}

	b.open(t, ctx, "/trend", "Trend · Relationship NPS")
	if got := texts(t, ctx, "main table tbody th"); !slices.Equal(got, []string{"2025", "2026"}) {
		t.Errorf("trend by wave: got rows %q, want 2025 and 2026", got)
	}
	// A handful of answers per wave: the page says the change cannot be
	// tested rather than calling it significant or not.
	if got := texts(t, ctx, "main table tbody tr:last-child td:last-child"); len(got) != 1 || !strings.Contains(got[0], "too few responses to test") {
		t.Errorf("trend by wave: got the change %q, want one that says it is too few responses to test", got)
	}
	if eval[int](t, ctx, `document.querySelectorAll("main svg[role=img] > title").length`) != 1 {
		t.Error("trend by wave: want one chart with a title")
	}
	do(t, ctx, "show the trend by month", chromedp.Click(chromedp.CSS(`input[name=by][value=month]`)))
	waitPage(t, ctx, "/trend", `q.get("by") === "month" && document.querySelectorAll("main table tbody tr").length !== 2`)
	if got, want := texts(t, ctx, "main table tbody th"), []string{"2026-01", "2026-02", "2026-03", "2026-05"}; !slices.Equal(got, want) {
		t.Errorf("trend by month: got rows %q, want %q", got, want)
	}
	b.open(t, ctx, "/trend?by=month", "Trend · Relationship NPS")

	b.open(t, ctx, "/breakdown?by=owner", "Breakdown · 2026")
	if got := texts(t, ctx, "main table tbody th"); !containsAll(got, "Owner", "Analyst", "Member") {
		t.Errorf("breakdown by owner: got rows %q, want Owner, Analyst and Member", got)
	}
	b.open(t, ctx, "/breakdown?by=account:industry", "Breakdown · 2026")
	if got := texts(t, ctx, "main table tbody th"); !containsAll(got, "Retail", "Zorg") {
		t.Errorf("breakdown by industry: got rows %q, want Retail and Zorg", got)
	}

	b.open(t, ctx, "/accounts", "Accounts · 2026")
	npsColumn := func() []int64 {
		var out []int64
		for _, s := range texts(t, ctx, "table.accounts tbody tr td:nth-of-type(4) a") {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatalf("accounts: NPS cell %q: %v", s, err)
			}
			out = append(out, v)
		}
		return out
	}
	if got := npsColumn(); len(got) != 5 || !slices.IsSorted(got) {
		t.Errorf("accounts sorted by NPS: got %v, want 5 accounts in ascending order", got)
	}
	do(t, ctx, "sort by name", chromedp.Click(chromedp.CSS(`table.accounts thead a[href*="sort=name"]`)))
	waitPage(t, ctx, "/accounts", `q.get("sort") === "name"`)
	names := texts(t, ctx, "table.accounts tbody th")
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) || len(names) != 5 {
		t.Errorf("accounts sorted by name: got %q, want 5 names in order", names)
	}
	if got := eval[string](t, ctx, `document.querySelector('table.accounts thead th:first-child').getAttribute("aria-sort")`); got != "ascending" {
		t.Errorf("accounts sorted by name: got aria-sort %q, want ascending", got)
	}
	do(t, ctx, "sort by name the other way", chromedp.Click(chromedp.CSS(`table.accounts thead a[href*="sort=name"]`)))
	waitPage(t, ctx, "/accounts", `q.get("dir") === "desc"`)
	if got := texts(t, ctx, "table.accounts tbody th"); !slices.Equal(got, reversed(names)) {
		t.Errorf("accounts sorted by name descending: got %q, want %q", got, reversed(names))
	}

	b.open(t, ctx, fmt.Sprintf("/accounts/%d", b.d.bakkerij), "Bakkerij de Vries")
	if got := texts(t, ctx, "table.matrix tbody th"); !slices.Equal(got, []string{"Els Bakker", "Piet Bakker"}) {
		t.Errorf("account page: got contacts %q, want Els and Piet", got)
	}
	if eval[int](t, ctx, `document.querySelectorAll("main svg[role=img] > title").length`) != 1 {
		t.Error("account page: want its chart over the waves, with a title")
	}

	b.open(t, ctx, "/responses", "Responses")
	if got := eval[int](t, ctx, `document.querySelectorAll("ol.feed > li").length`); got != int(b.d.current.N()) {
		t.Errorf("responses: got %d, want the %d of the wave", got, b.d.current.N())
	}
	b.open(t, ctx, fmt.Sprintf("/responses/%d", b.d.levering), fmt.Sprintf("Response %d", b.d.levering))
	if got := texts(t, ctx, "blockquote.comment"); !slices.Equal(got, []string{"De levering was te laat en de factuur klopte niet"}) {
		t.Errorf("response permalink: got the comment %q", got)
	}
	b.open(t, ctx, "/calculation?weight=account", "How this figure is computed")
	b.open(t, ctx, "/benchmarks", "Benchmarks")
}

func (b *dashRun) filterAndSearch(t *testing.T) {
	ctx := b.tab(t, "owner", false)
	b.open(t, ctx, "/responses", "Responses")
	eval[int](t, ctx, `window.__marker = 1`)
	press(t, ctx, `select[name=category]`, "d") // "Detractor", by the select's type-ahead
	waitPage(t, ctx, "/responses", `q.get("category") === "detractor" && document.querySelectorAll("ol.feed > li").length === `+strconv.FormatInt(b.d.current.Detractors(), 10))
	if eval[int](t, ctx, `window.__marker ?? 0`) != 1 {
		t.Error("choosing a category reloaded the whole page, want the list replaced in place")
	}
	if got := texts(t, ctx, "ol.feed .score"); slices.ContainsFunc(got, func(s string) bool { n, _ := strconv.Atoi(s); return n > 6 }) {
		t.Errorf("detractors: got scores %q, want 0 to 6 only", got)
	}
	if got := mainText(t, ctx); strings.Contains(got, "member account comment") {
		t.Errorf("detractors: got the promoter's comment in\n%s", got)
	}

	do(t, ctx, "search", chromedp.Click(chromedp.CSS(`input[name=q]`)), chromedp.KeyEvent("levering"), chromedp.KeyEvent(kb.Enter))
	waitPage(t, ctx, "/responses", `q.get("q") === "levering" && document.querySelector("ol.feed, main p") !== null`)
	got := mainText(t, ctx)
	if !strings.Contains(got, "De levering was te laat") || strings.Contains(got, "Delivery was late again") || strings.Contains(got, "analyst account comment") {
		t.Errorf("search for levering: want the Dutch delivery comment only, got\n%s", got)
	}

	pressSlash(t, ctx)
	if got := eval[string](t, ctx, `document.activeElement.name + "=" + document.activeElement.value`); got != "q=levering" {
		t.Errorf("after pressing /: got the focus on %q, want the search input with its words unchanged", got)
	}
}

func (b *dashRun) analystBenchmark(t *testing.T) {
	ctx := b.tab(t, "analyst", false)
	b.open(t, ctx, "/dashboard", "Overview")
	if got := texts(t, ctx, `section[aria-labelledby=h-bench] p`); len(got) != 1 || !strings.HasPrefix(got[0], "No benchmarks yet.") {
		t.Errorf("overview before: got %q, want no benchmarks", got)
	}
	b.open(t, ctx, "/benchmarks", "Benchmarks")
	form := `form[action$="/benchmarks"] `
	do(t, ctx, "fill in the benchmark",
		chromedp.SendKeys(chromedp.CSS(form+`input[name=name]`), "Retail NL 2025"),
		chromedp.SendKeys(chromedp.CSS(form+`input[name=nps]`), "32"),
		chromedp.SendKeys(chromedp.CSS(form+`input[name=low]`), "28"),
		chromedp.SendKeys(chromedp.CSS(form+`input[name=high]`), "36,4"),
		chromedp.SendKeys(chromedp.CSS(form+`input[name=n]`), "1200"),
		chromedp.SendKeys(chromedp.CSS(form+`input[name=source]`), "Branchevereniging"),
		chromedp.Click(chromedp.CSS(form+`button[type=submit]`)),
	)
	waitPage(t, ctx, "/benchmarks", `document.querySelector("main table tbody tr") !== null`)
	checkHeading(t, ctx, "benchmarks after adding", "Benchmarks")
	if got, want := texts(t, ctx, "main table tbody tr:first-child > *:not(:last-child)"), []string{"Retail NL 2025", "+32.0", "+28.0 … +36.4", "1,200", "Branchevereniging"}; !slices.Equal(got, want) {
		t.Errorf("benchmarks: got the row %q, want %q", got, want)
	}

	b.open(t, ctx, "/dashboard", "Overview")
	diff := nps.Signed(nps.RoundHalfAway(nps.EstimateOf(b.d.current, 0).NPS - 32))
	if got, want := texts(t, ctx, `section[aria-labelledby=h-bench] tbody tr > *`), []string{"Retail NL 2025", "+32 (+28 … +36)", diff, "Branchevereniging"}; !slices.Equal(got, want) {
		t.Errorf("overview after: got the benchmark row %q, want %q", got, want)
	}
	if eval[int](t, ctx, `document.querySelectorAll("section[aria-labelledby=h-bench] svg[role=img] > title").length`) != 1 {
		t.Error("overview after: want the benchmark chart, with a title")
	}
}

func (b *dashRun) memberScope(t *testing.T) {
	ctx := b.tab(t, "member", false)
	others := []string{"Analyst Account BV", "analyst account", "Bakkerij", "Zorggroep", "Fashion Outlet", "levering"}
	notOthers := func(page string) {
		t.Helper()
		got := mainText(t, ctx)
		for _, o := range others {
			if strings.Contains(got, o) {
				t.Errorf("member's %s: got %q in\n%s", page, o, got)
			}
		}
	}
	b.open(t, ctx, "/dashboard", "Overview")
	if got, want := eval[string](t, ctx, `document.querySelector(".nps-big .nps")?.textContent ?? ""`), nps.EstimateOf(b.d.member, 0).Format(); got != want {
		t.Errorf("member's overview: got the NPS %q, want %q", got, want)
	}
	if got := mainText(t, ctx); !strings.Contains(got, "member account comment") || !strings.Contains(got, "Member Account BV") {
		t.Errorf("member's overview: want the own account's comment in\n%s", got)
	}
	notOthers("overview")
	b.open(t, ctx, "/accounts", "Accounts")
	if got := texts(t, ctx, "table.accounts tbody th"); !slices.Equal(got, []string{"Member Account BV"}) {
		t.Errorf("member's accounts: got %q, want Member Account BV only", got)
	}
	notOthers("accounts")
	b.open(t, ctx, "/responses?wave=all", "Responses")
	if got := texts(t, ctx, "ol.feed blockquote"); !slices.Equal(got, []string{"member account comment", "Redelijk, de vorige keer"}) {
		t.Errorf("member's responses of all waves: got %q, want the own account's two", got)
	}
	notOthers("responses")
	b.open(t, ctx, "/breakdown?by=account:industry", "Breakdown")
	notOthers("breakdown")

	for _, page := range []string{fmt.Sprintf("/accounts/%d", b.d.analystAccount), fmt.Sprintf("/responses/%d", b.d.analystResponse),
		fmt.Sprintf("/calculation?account=%d", b.d.analystAccount)} {
		if status := b.navigate(t, ctx, page); status != 404 {
			t.Errorf("member opens %s: got status %d, want 404", page, status)
		}
		if h1 := eval[string](t, ctx, `document.querySelector("main h1")?.textContent ?? ""`); h1 != "Not Found" {
			t.Errorf("member opens %s: got heading %q, want the not-found page", page, h1)
		}
		notOthers(page)
	}
}

func (b *dashRun) language(t *testing.T) {
	ctx := b.tab(t, "viewer", false)
	b.open(t, ctx, "/dashboard", "Overview")
	press(t, ctx, "#ui-language", "n") // "Nederlands", by the select's type-ahead; it submits on change
	waitPage(t, ctx, "/dashboard", `document.documentElement.lang === "nl"`)
	checkHeading(t, ctx, "dashboard in Dutch", "Overzicht · 2026")
	if got := texts(t, ctx, "nav.dashnav a"); !containsAll(got, "Overzicht", "Verloop", "Uitsplitsing", "Klanten", "Antwoorden") {
		t.Errorf("dashboard in Dutch: got the page links %q", got)
	}
	if u := appMust(b.f.db.User(context.Background(), b.f.users["viewer"].ID))(t); u.Language != "nl" {
		t.Errorf("after choosing Nederlands: got the stored language %q, want nl", u.Language)
	}
	b.screenshot(t, ctx, "dashboard-overview-dutch-desktop")

	// Switching on another page stays on that page.
	b.open(t, ctx, "/responses?category=promoter", "Antwoorden")
	press(t, ctx, "#ui-language", "e") // "English"
	waitFor(t, ctx, `document.documentElement.lang === "en" && document.readyState !== "loading"`)
	if got := eval[string](t, ctx, `location.pathname + location.search`); got != "/w/acme/responses?category=promoter" {
		t.Errorf("after switching to English on the promoters' responses: got the page %s, want the same page", got)
	}
	if got := texts(t, ctx, "nav.dashnav a"); !containsAll(got, "Overview", "Trend", "Breakdown", "Accounts", "Responses") {
		t.Errorf("after switching back to English: got the page links %q", got)
	}
}

// pressSlash presses "/" as a keyboard does: one keyDown event that
// carries the text, so that a page which cancels the keydown gets no
// character typed. (chromedp.KeyEvent sends the character as an event of
// its own, which a cancelled keydown does not stop.)
func pressSlash(t *testing.T, ctx context.Context) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	key := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "/", Code: "Slash", Text: "/", UnmodifiedText: "/",
		WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
	if _, err := chromedp.Call(sctx, input.DispatchKeyEvent, key); err != nil {
		t.Fatalf("press /: %v", err)
	}
	key.Type, key.Text, key.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	if _, err := chromedp.Call(sctx, input.DispatchKeyEvent, key); err != nil {
		t.Fatalf("release /: %v", err)
	}
}

// dashPage is a page of the dashboard for the screenshots.
type dashPage struct{ name, path, heading string }

func (b *dashRun) pages() []dashPage {
	return []dashPage{
		{"overview", "/dashboard", "Overview"},
		{"trend-wave", "/trend", "Trend"},
		{"trend-month", "/trend?by=month", "Trend"},
		{"breakdown-owner", "/breakdown?by=owner", "Breakdown"},
		{"breakdown-industry", "/breakdown?by=account:industry", "Breakdown"},
		{"accounts", "/accounts", "Accounts"},
		{"account", fmt.Sprintf("/accounts/%d", b.d.bakkerij), "Bakkerij de Vries"},
		{"responses", "/responses", "Responses"},
		{"response", fmt.Sprintf("/responses/%d", b.d.levering), "Response"},
		{"calculation", "/calculation", "How this figure is computed"},
		{"benchmarks", "/benchmarks", "Benchmarks"},
	}
}

// widths opens every page as the owner at desktop and at phone width, and
// the member's overview, and keeps screenshots of them when
// PROMOTOR_SCREENSHOT_DIR is set. A page wider than the phone is logged,
// for the person who reads the screenshots.
func (b *dashRun) widths(t *testing.T) {
	for _, size := range []struct {
		name  string
		phone bool
		width float64
	}{{"desktop", false, desktopWidth}, {"phone", true, phoneWidth}} {
		ctx := b.tab(t, "owner", size.phone)
		for _, p := range b.pages() {
			b.open(t, ctx, p.path, p.heading)
			if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > size.width {
				t.Errorf("%s at %s width: the page is %v px wide on a %v px screen", p.name, size.name, w, size.width)
			}
			b.screenshot(t, ctx, "dashboard-"+p.name+"-"+size.name)
		}
		ctx = b.tab(t, "member", size.phone)
		b.open(t, ctx, "/dashboard", "Overview")
		b.screenshot(t, ctx, "dashboard-member-overview-"+size.name)
	}
}

// screenshot saves the tab's whole page as name-{database}.png in
// PROMOTOR_SCREENSHOT_DIR, if set.
func (b *dashRun) screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	screenshot(t, ctx, name+"-"+b.dbName+".png")
}

// containsAll reports whether every one of want is in got.
func containsAll(got []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}
