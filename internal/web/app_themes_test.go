package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
	"github.com/promotor/promotor/internal/text"
)

// themesFixture is the app fixture with a survey "Customer themes" whose
// answers carry hand-set themes and tones, so that every figure of the
// themes page can be worked out by hand.
//
// Wave "2026" is the worked example of docs/STATISTICS.md: 100 answers
// (40 promoters, 38 passives, 22 detractors: NPS +18), 50 with a comment
// (P 20, A 10, D 20), of which 15 mention #price (P 2, A 3, D 10) and
// 12 #support (P 10, A 2, D 0); one detractor's comment mentions a theme
// no taxonomy has, "<i>odd</i>", and 9 others complain about the parking
// garage, which no theme covers (the newest of them with a script in it).
// The member owns 4 of the price detractors, 2 of the support promoters
// and 4 promoters without a comment. Wave "2025" has 20 answers (P 8, A 6, D 6): 6 mention #price
// (A 2, D 4), 4 #support (P 4), 6 other comments (P 2, A 2, D 2).
type themesFixture struct {
	*appFixture
	themed             nps.Survey
	earlier, current   nps.Wave
	plain              nps.Survey // asks no switching question
	memberAcc, analAcc nps.Account
}

// themeAnswer is a group of identical answers of the fixture.
type themeAnswer struct {
	n       int
	score   int
	comment string
	member  bool // of the member's account, else the analyst's
}

func newThemesFixture(t *testing.T, db *store.DB) *themesFixture {
	t.Helper()
	ctx := context.Background()
	f := &themesFixture{appFixture: newAppFixture(t, db)}
	ws := f.acme.ID
	for _, acc := range appMust(db.Accounts(ctx, ws, store.AccountFilter{}))(t) {
		switch acc.Name {
		case "Member Account BV":
			f.memberAcc = acc
		case "Analyst Account BV":
			f.analAcc = acc
		}
	}
	f.themed = appMust(db.CreateSurvey(ctx, ws, appTestSurvey("Customer themes", false)))(t)
	plain := appTestSurvey("Without switching question", false)
	plain.Questions.Retention = false
	f.plain = appMust(db.CreateSurvey(ctx, ws, plain))(t)
	appMust(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.plain.ID, Name: "Plain wave", OpensAt: appT0.Add(-time.Hour)}))(t)
	f.earlier = appMust(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.themed.ID, Name: "2025", OpensAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}))(t)
	f.current = appMust(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.themed.ID, Name: "2026", OpensAt: appT0.Add(-48 * time.Hour)}))(t)

	f.answer(t, f.earlier, nil, []themeAnswer{
		{2, 8, "#price meh", false}, {4, 3, "#price bad", false},
		{4, 10, "#support", false},
		{2, 10, "great", false}, {2, 8, "meh", false}, {2, 3, "bad", false},
		{2, 10, "", false}, {2, 8, "", false},
	})
	// The switching answers of 2026, per category in the order of the
	// answers below: promoters 30 no, 5 unsure, 1 yes, 4 unanswered;
	// passives 20, 10, 4, 4; detractors 5, 7, 8, 2.
	intents := map[nps.Category][]nps.SwitchIntent{
		nps.Promoter:  repeatIntents(30, 5, 1, 4),
		nps.Passive:   repeatIntents(20, 10, 4, 4),
		nps.Detractor: repeatIntents(5, 7, 8, 2),
	}
	f.answer(t, f.current, intents, []themeAnswer{
		{2, 10, "#price fair", false}, {3, 8, "#price meh", false},
		{4, 3, "#price bad", true}, {6, 3, "#price bad", false},
		{2, 10, "#support", true}, {8, 10, "#support", false}, {2, 8, "#support meh", false},
		{7, 10, "great", false}, {1, 10, "meh", false}, {3, 8, "meh", false}, {2, 8, "bad", false},
		{1, 3, "#<i>odd</i> bad", false}, {8, 3, "the parking garage was full again, bad", false},
		{1, 3, "<script>alert(1)</script> parking garage full, bad", false},
		{4, 9, "", true}, {16, 9, "", false}, {28, 7, "", false}, {2, 5, "", false},
	})
	return f
}

// repeatIntents lists no, unsure, yes and no answer, so many of each.
func repeatIntents(no, unsure, yes, none int) []nps.SwitchIntent {
	var out []nps.SwitchIntent
	for _, c := range []struct {
		i nps.SwitchIntent
		n int
	}{{nps.SwitchNo, no}, {nps.SwitchUnsure, unsure}, {nps.SwitchYes, yes}, {"", none}} {
		for range c.n {
			out = append(out, c.i)
		}
	}
	return out
}

// answer records the groups of answers in wave, each by a contact of its
// own, taking each answer's switching intent from the front of its
// category's list.
func (f *themesFixture) answer(t *testing.T, wave nps.Wave, intents map[nps.Category][]nps.SwitchIntent, groups []themeAnswer) {
	t.Helper()
	ctx := context.Background()
	for _, g := range groups {
		acc := f.analAcc
		if g.member {
			acc = f.memberAcc
		}
		for range g.n {
			c := appMust(f.db.CreateContact(ctx, f.acme.ID, nps.Contact{AccountID: acc.ID,
				Email: fmt.Sprintf("themes-%d@example.com", f.clock.now().UnixNano())}))(t)
			var intent nps.SwitchIntent
			if l := intents[nps.CategoryOf(g.score)]; len(l) > 0 {
				intent, intents[nps.CategoryOf(g.score)] = l[0], l[1:]
			}
			appMust(f.db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: wave.ID, ContactID: c.ID, Score: g.score,
				Comment: g.comment, Answers: nps.Answers{SwitchIntent: intent}, Channel: nps.ChannelLink}))(t)
			f.clock.add(time.Second)
		}
	}
}

// labelInsight is a stand-in analysis, so that the figures do not hang on
// the real one's vocabulary: the words of a comment that start with "#"
// are its themes, "bad" makes it negative and "meh" neutral.
func labelInsight(rs []nps.ResponseInsight) []nps.ResponseInsight {
	for i := range rs {
		r := &rs[i]
		r.Themes, r.Sentiment = nil, ""
		if r.Comment == "" {
			continue
		}
		r.Sentiment = nps.Positive
		for _, w := range strings.Fields(r.Comment) {
			switch {
			case strings.HasPrefix(w, "#"):
				r.Themes = append(r.Themes, w[1:])
			case w == "bad":
				r.Sentiment = nps.Negative
			case w == "meh":
				r.Sentiment = nps.Neutral
			}
		}
		slices.Sort(r.Themes)
	}
	return rs
}

// analyse runs the stand-in analysis over every answer of the workspace
// that is due, as the analyse-comments task does with the real one.
func analyse(t *testing.T, db *store.DB, ws int64) {
	t.Helper()
	ctx := context.Background()
	for {
		b := appMust(db.PendingInsight(ctx, appMust(db.Taxonomy(ctx, ws))(t), 500))(t)
		if len(b.Responses) == 0 && !b.Sweep {
			return
		}
		b.Responses = labelInsight(b.Responses)
		appMust(db.SaveInsight(ctx, ws, b))(t)
	}
}

// TestThemesRoutes tries every route of insightRoutes as a visitor, a
// user of another workspace and each role, and fails when a route is not
// in its table.
func TestThemesRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newThemesFixture(t, db)
		analyse(t, db, f.acme.ID)
		w := "/w/acme"
		ws := f.acme.ID
		scope := "?survey=" + fmt.Sprint(f.themed.ID) + "&wave=" + fmt.Sprint(f.current.ID)
		// Each try starts from the default taxonomy, so that the
		// suggestion is there to adopt and the form's version is current.
		fresh := func() store.TaxonomyState {
			appMust(db.SetTaxonomy(ctx, ws, "", 0))(t)
			return appMust(db.Taxonomy(ctx, ws))(t)
		}
		routes := []routeTry{
			{"GET /w/{slug}/themes", http.StatusOK, func() (string, url.Values) { return w + "/themes" + scope, nil }},
			{"POST /w/{slug}/themes/suggestions", http.StatusSeeOther, func() (string, url.Values) {
				fresh()
				return w + "/themes/suggestions" + scope, appForm("key", "parking-garage")
			}},
			{"GET /w/{slug}/themes/taxonomy", http.StatusOK, func() (string, url.Values) { return w + "/themes/taxonomy", nil }},
			{"POST /w/{slug}/themes/taxonomy", http.StatusSeeOther, func() (string, url.Values) {
				return w + "/themes/taxonomy", taxonomyForm(fresh().Version, text.DefaultThemes())
			}},
			{"POST /w/{slug}/themes/taxonomy/default", http.StatusSeeOther, func() (string, url.Values) {
				return w + "/themes/taxonomy/default", appForm()
			}},
		}
		s, _ := New(db, nil, Options{})
		f.checkRouteMatrix(t, s.insightRoutes(), routes)
	})
}

// taxonomyForm is the editor's form of themes, as a browser posts it
// from a page made at version: one row per theme and the blank row.
func taxonomyForm(version int, themes []text.Theme) url.Values {
	v := appForm("version", fmt.Sprint(version), "rows", fmt.Sprint(len(themes)+1))
	for i, th := range themes {
		n := fmt.Sprint(i)
		v.Set("key."+n, th.Key)
		v.Set("name_nl."+n, th.Name[text.Dutch])
		v.Set("name_en."+n, th.Name[text.English])
		v.Set("keywords_nl."+n, strings.Join(th.Keywords[text.Dutch], "\n"))
		v.Set("keywords_en."+n, strings.Join(th.Keywords[text.English], "\n"))
	}
	for _, name := range []string{"key", "name_nl", "name_en", "keywords_nl", "keywords_en"} {
		v.Set(name+"."+fmt.Sprint(len(themes)), "")
	}
	return v
}

// TestThemesPage checks the figures of the themes page against the
// fixture's, worked by hand.
func TestThemesPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newThemesFixture(t, db)
		w := "/w/acme"
		themed := w + "/themes?survey=" + fmt.Sprint(f.themed.ID)
		current, earlier := fmt.Sprint(f.current.ID), fmt.Sprint(f.earlier.ID)
		// Before the analysis every answer of the workspace is due: the
		// fixture's 3, 20 of 2025 and 100 of 2026.
		f.run(t, []appScenario{
			{name: "backlog", method: "GET", path: themed, actor: "viewer", status: http.StatusOK,
				want: []string{"123 answers are still being analysed; the figures will follow."}},
			// The count is the workspace's: a member is not told it.
			{name: "backlog of a member", method: "GET", path: themed, actor: "member", status: http.StatusOK,
				want: []string{"Some answers are still being analysed; the figures will follow."}, notWant: []string{"123 answers"}},
		})
		analyse(t, db, f.acme.ID)
		f.run(t, []appScenario{
			// Price (docs/STATISTICS.md): frequency 15/50 = 30 %; of the
			// commented detractors 10/20 = 50 %, passives 3/10 = 30 %,
			// promoters 2/20 = 10 %; NPS with 100·(2 − 10)/15 = −53.3;
			// without, 100·(38 − 12)/85 = +30.6; effect 18 − 30.588 =
			// −12.6; adjusted SE 2.86, interval −12.59 ± 1.96·2.86 =
			// −18.2 … −7.0: significant.
			//
			// Support: t = 12 (P 10, A 2) of n = 100: frequency 12/50 =
			// 24 %; detractors 0/20 = 0 %, passives 2/10 = 20 %, promoters
			// 10/20 = 50 %; NPS with 100·10/12 = +83.3; the rest P 30,
			// A 36, D 22 of 88 has NPS 100·8/88 = +9.09, so the effect is
			// 18 − 9.09 = +8.9. Adjusted shares: theme (10.75, 0.75)/15,
			// variance (0.7167 + 0.05 − 0.6667²)/15 = 0.021481; rest
			// (30.75, 22.75)/91, variance (0.3379 + 0.25 − 0.0879²)/91 =
			// 0.006376; SE = 100·0.12·√0.027857 = 2.003, interval
			// 8.909 ± 1.96·2.003 = +5.0 … +12.8: significant.
			//
			// "<i>odd</i>": t = 1 detractor; the rest P 40, A 38, D 21 of
			// 99 has NPS 100·19/99 = +19.19: effect −1.2. Ranked by
			// effect: price, odd, support.
			{name: "impact", method: "GET", path: themed, actor: "viewer", status: http.StatusOK,
				want: []string{
					"100 answers (NPS &#43;18), 50 of them with a comment.",
					`<a href="/w/acme/responses?comment=1&amp;survey=` + fmt.Sprint(f.themed.ID) + `&amp;theme=price&amp;wave=` + current + `">Price</a></th>
<td class="num">15</td>
<td class="num">30%</td>
<td class="num">50%</td>
<td class="num">30%</td>
<td class="num">10%</td>
<td class="num">-53</td>
<td class="num"><strong>-12.6</strong></td>
<td>-18.2 … -7.0 <strong class="significant">significant</strong></td>`,
					`>Customer support</a></th>
<td class="num">12</td>
<td class="num">24%</td>
<td class="num">0%</td>
<td class="num">20%</td>
<td class="num">50%</td>
<td class="num">&#43;83</td>
<td class="num"><strong>&#43;8.9</strong></td>
<td>&#43;5.0 … &#43;12.8 <strong class="significant">significant</strong></td>`,
					"&lt;i&gt;odd&lt;/i&gt;</a></th>\n<td class=\"num\">1</td>\n<td class=\"num\">2%</td>",
					"NPS of all answers minus the NPS without the answers that mention the theme",
				},
				notWant: []string{"<i>odd</i>", "still being analysed"}},
			// Tone of the 50 comments: promoters 19 positive (95 %), 1
			// neutral (5 %); passives 8 neutral (80 %), 2 negative (20 %);
			// detractors 20 negative (100 %); all 19 (38 %), 9 (18 %),
			// 22 (44 %).
			{name: "sentiment", method: "GET", path: themed, actor: "viewer", status: http.StatusOK,
				want: []string{
					`<tr><th scope="row">Promoter</th><td class="num">19 <small>(95%)</small></td><td class="num">1 <small>(5%)</small></td><td class="num">0 <small>(0%)</small></td>
<td class="num">20</td></tr>`,
					`<tr><th scope="row">Passive</th><td class="num">0 <small>(0%)</small></td><td class="num">8 <small>(80%)</small></td><td class="num">2 <small>(20%)</small></td>`,
					`<tr><th scope="row">Detractor</th><td class="num">0 <small>(0%)</small></td><td class="num">0 <small>(0%)</small></td><td class="num">20 <small>(100%)</small></td>`,
					`<tr><th scope="row">All comments</th><td class="num">19 <small>(38%)</small></td><td class="num">9 <small>(18%)</small></td><td class="num">22 <small>(44%)</small></td>
<td class="num">50</td></tr>`,
				}},
			// Over the waves. 2025: price t = 6 of 16 comments = 37.5 %,
			// shown 38 %; NPS of all 100·(8 − 6)/20 = +10, of the rest
			// (P 8, A 4, D 2) 100·6/14 = +42.86: effect −32.9. Support 4/16
			// = 25 %; the rest (P 4, A 6, D 6) has −12.5: effect +22.5.
			{name: "trend", method: "GET", path: themed, actor: "viewer", status: http.StatusOK,
				want: []string{
					`<th scope="col" class="num">2025</th><th scope="col" class="num">2026</th>`,
					`aria-current="true">Price</a></th><td class="num">38% <small>-32.9`,
					`<td class="num">30% <small>-12.6*</small></td></tr>`,
					`>Customer support</a></th><td class="num">25% <small>&#43;22.5`,
					`<td class="num">24% <small>&#43;8.9*</small></td></tr>`,
					`&lt;i&gt;odd&lt;/i&gt;</a></th><td class="num">—</td>`,
					`Effect of Price on the NPS per wave`, `role="img"`,
				}},
			{name: "trend of another theme", method: "GET", path: themed + "&trend=support", actor: "viewer", status: http.StatusOK,
				want: []string{`aria-current="true">Customer support</a>`, `Effect of Customer support on the NPS per wave`}},
			{name: "trend of no theme", method: "GET", path: themed + "&trend=nothing", actor: "viewer", status: http.StatusBadRequest,
				want: []string{"The chart can show a theme of the table only."}},
			// The loyalty matrix of 2026, each share of its row: promoters
			// 30/40 = 75 %, 5/40 = 12.5 % (13 %), 1/40 = 2.5 % (3 %),
			// 4/40 = 10 %; passives 20/38 = 53 %, 10/38 = 26 %, 4/38 =
			// 11 %, 4/38 = 11 %; detractors 5/22 = 23 %, 7/22 = 32 %,
			// 8/22 = 36 %, 2/22 = 9 %. Columns 55, 22, 13, 10 of 100. At
			// risk: 22 + 13 = 35 of 100; promoters 5 + 1 = 6 of 40.
			{name: "loyalty", method: "GET", path: themed, actor: "viewer", status: http.StatusOK,
				want: []string{
					`<tr><th scope="row">Promoter</th><td class="num">30 <small>(75%)</small></td><td class="num at-risk"><strong class="warn">5 <small>(13%)</small></strong></td><td class="num at-risk"><strong class="warn">1 <small>(3%)</small></strong></td><td class="num">4 <small>(10%)</small></td>
<td class="num">40</td></tr>`,
					`<tr><th scope="row">Passive</th><td class="num">20 <small>(53%)</small></td><td class="num">10 <small>(26%)</small></td><td class="num">4 <small>(11%)</small></td><td class="num">4 <small>(11%)</small></td>`,
					`<tr><th scope="row">Detractor</th><td class="num">5 <small>(23%)</small></td><td class="num">7 <small>(32%)</small></td><td class="num">8 <small>(36%)</small></td><td class="num">2 <small>(9%)</small></td>`,
					`<tr><th scope="row">Total</th><td class="num">55 <small>(55%)</small></td><td class="num">22 <small>(22%)</small></td><td class="num">13 <small>(13%)</small></td><td class="num">10 <small>(10%)</small></td>`,
					"At risk: 35 of 100 respondents (35%) answered yes or unsure.",
					"6 of the 40 promoters are at risk.",
				}},
			// The member's own accounts in 2026: P 6 (2 support, 4 without
			// a comment) and D 4 (price): NPS 100·(6 − 4)/10 = +20, 6
			// comments. Price 4/6 = 67 %, all of the commented detractors,
			// NPS with −100; without, P 6 of 6: +100, effect 20 − 100 =
			// −80. Support 2/6 = 33 %, NPS with +100; the rest P 4, D 4:
			// 0, effect +20.
			{name: "a member's own accounts", method: "GET", path: themed, actor: "member", status: http.StatusOK,
				want: []string{"10 answers (NPS &#43;20), 6 of them with a comment.",
					">Price</a></th>\n<td class=\"num\">4</td>\n<td class=\"num\">67%</td>\n<td class=\"num\">100%</td>\n<td class=\"num\">0%</td>\n<td class=\"num\">0%</td>\n<td class=\"num\">-100</td>\n<td class=\"num\"><strong>-80.0</strong></td>",
					">Customer support</a></th>\n<td class=\"num\">2</td>\n<td class=\"num\">33%</td>",
					"<strong>&#43;20.0</strong>", "You see the accounts you own."},
				notWant: []string{"odd", "100 answers"}},
			{name: "one owner's accounts", method: "GET", path: themed + "&owner=" + fmt.Sprint(f.users["member"].ID), actor: "analyst", status: http.StatusOK,
				want: []string{"10 answers (NPS &#43;20)"}},
			{name: "the earlier wave", method: "GET", path: themed + "&wave=" + earlier, actor: "viewer", status: http.StatusOK,
				want: []string{"20 answers (NPS &#43;10), 16 of them with a comment.", "<strong>-32.9</strong>"}},
			{name: "a survey without the switching question", method: "GET", path: w + "/themes?survey=" + fmt.Sprint(f.plain.ID), actor: "analyst", status: http.StatusOK,
				want: []string{"This survey does not ask whether customers are considering a competitor",
					`href="/w/acme/surveys/` + fmt.Sprint(f.plain.ID) + `/edit"`},
				notWant: []string{`<table class="loyalty">`}},
			{name: "the same to a viewer", method: "GET", path: w + "/themes?survey=" + fmt.Sprint(f.plain.ID), actor: "viewer", status: http.StatusOK,
				want: []string{`href="/w/acme/surveys/` + fmt.Sprint(f.plain.ID) + `"`}},
			{name: "another workspace's survey", method: "GET", path: w + "/themes?survey=" + fmt.Sprint(f.globexSurvey.ID), actor: "owner", status: http.StatusNotFound},
			{name: "another workspace's wave", method: "GET", path: themed + "&wave=" + fmt.Sprint(f.globexWave.ID), actor: "owner", status: http.StatusNotFound},
		})
		rec := f.do("GET", themed, nil, "viewer", "Accept-Language: nl")
		for _, want := range []string{"<strong>-12,6</strong>", "-18,2 … -7,0", "Loyaliteitsmatrix"} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("the Dutch page lacks %q:\n%s", want, appExcerpt(rec.Body.String()))
			}
		}
	})
}

// TestThemesBacklogText checks the notice of answers still to analyse at
// its edges: one, many, and beyond the count the page reads.
func TestThemesBacklogText(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{1, "1 answer is still being analysed; the figures will follow."},
		{2600, "2,600 answers are still being analysed; the figures will follow."},
		{backlogCap, "10,000 answers are still being analysed; the figures will follow."},
		{backlogCap + 1, "More than 10,000 answers are still being analysed; the figures will follow."},
	} {
		p := themesPage{appLayout: appLayout{M: catalog.Messages("en")}, Backlog: c.n}
		if got := p.BacklogText(); got != c.want {
			t.Errorf("backlog %d: got %q, want %q", c.n, got, c.want)
		}
	}
}

// TestThemesFeed filters the comments feed by theme and tone and checks
// each item's theme chips and tone.
func TestThemesFeed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newThemesFixture(t, db)
		analyse(t, db, f.acme.ID)
		feed := "/w/acme/responses?survey=" + fmt.Sprint(f.themed.ID) + "&wave=" + fmt.Sprint(f.current.ID)
		count := func(body, s string) int { return strings.Count(body, s) }
		rec := f.do("GET", feed+"&theme=price", nil, "viewer")
		body := rec.Body.String()
		// 15 answers of 2026 mention price: 2 fair, 3 meh, 10 bad.
		if rec.Code != http.StatusOK || count(body, `<li class="item"`) != 15 || count(body, "#price bad") != 10 || strings.Contains(body, "#support") {
			t.Errorf("feed of price: status %d, %d items, want 15, all about price:\n%s", rec.Code, count(body, `<li class="item"`), appExcerpt(body))
		}
		for _, want := range []string{
			// The chip keeps the feed's scope and filters, with the theme.
			`<a class="tag" href="?survey=` + fmt.Sprint(f.themed.ID) + `&amp;theme=price&amp;wave=` + fmt.Sprint(f.current.ID) + `">Price</a>`,
			`<span class="sentiment sentiment-negative">Negative</span>`, `<span class="sentiment sentiment-neutral">Neutral</span>`,
			`<option value="negative">Negative</option>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("feed of price lacks %q", want)
			}
		}
		f.run(t, []appScenario{
			// Negative in 2026: 10 price detractors, 2 passives, the odd
			// one and 9 other detractors: 22.
			{name: "negative", method: "GET", path: feed + "&sentiment=negative", actor: "viewer", status: http.StatusOK,
				want:    []string{`<option value="negative" selected>Negative</option>`, "&lt;i&gt;odd&lt;/i&gt;</a>"},
				notWant: []string{"Positive</span>", "<i>odd</i>", "#support"}},
			{name: "negative price of a member", method: "GET", path: feed + "&sentiment=negative&theme=price", actor: "member", status: http.StatusOK,
				want: []string{"#price bad"}, notWant: []string{"Analyst Account BV"}},
			{name: "a tone that is none", method: "GET", path: feed + "&sentiment=angry", actor: "viewer", status: http.StatusBadRequest,
				want: []string{"The tone must be positive, neutral or negative."}},
		})
		rec = f.do("GET", feed+"&sentiment=negative", nil, "viewer")
		if n := count(rec.Body.String(), `<li class="item"`); n != 22 {
			t.Errorf("negative comments of 2026: %d items, want 22", n)
		}
		rec = f.do("GET", feed+"&sentiment=negative&theme=price", nil, "member")
		if n := count(rec.Body.String(), `<li class="item"`); n != 4 {
			t.Errorf("the member's negative price comments: %d items, want 4", n)
		}
		// The account page lists the same chips, linking to the feed.
		rec = f.do("GET", "/w/acme/accounts/"+fmt.Sprint(f.memberAcc.ID)+"?survey="+fmt.Sprint(f.themed.ID), nil, "member")
		// The chip leads to the feed of the answer's own survey and wave.
		if want := fmt.Sprintf(`<a class="tag" href="/w/acme/responses?survey=%d&amp;theme=price&amp;wave=%d">Price</a>`, f.themed.ID, f.current.ID); !strings.Contains(rec.Body.String(), want) {
			t.Errorf("account page lacks %q:\n%s", want, appExcerpt(rec.Body.String()))
		}
	})
}

// TestThemesTaxonomy edits the taxonomy: what each role sees, a round trip
// through the form, the validation errors that save nothing, a save over a
// change made meanwhile, and restoring the default.
func TestThemesTaxonomy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newThemesFixture(t, db)
		analyse(t, db, f.acme.ID)
		ws := f.acme.ID
		editor := "/w/acme/themes/taxonomy"
		f.run(t, []appScenario{
			{name: "the editor", method: "GET", path: editor, actor: "analyst", status: http.StatusOK,
				want: []string{"The workspace uses the default taxonomy.", `<input type="hidden" name="rows" value="13">`,
					`<summary>Theme 3 · price — Price</summary>`, `name="key.2" value="price"`, `name="name_en.2" value="Price"`,
					`<summary>New theme</summary>`, `name="key.12" value=""`, "“factu*” finds"},
				notWant: []string{`action="/w/acme/themes/taxonomy/default"`}},
			{name: "as a viewer", method: "GET", path: editor, actor: "viewer", status: http.StatusOK,
				want:    []string{`<th scope="row"><code>price</code></th><td>Prijs</td><td>Price</td>`, "Analysts and owners edit the taxonomy."},
				notWant: []string{`<form class="stack taxonomy"`}},
		})

		// Rename price (with markup, which must show as text), give it a
		// prefix keyword, remove flexibility, add a theme for the parking
		// garage with two keywords on one line.
		themes := text.DefaultThemes()
		form := taxonomyForm(appMust(db.Taxonomy(ctx, ws))(t).Version, themes)
		form.Set("name_en.2", "Pricing <b>x</b>")
		form.Set("keywords_nl.2", form.Get("keywords_nl.2")+"\ntarief*")
		form.Set("remove.11", "1")
		form.Set("key.12", "parking")
		form.Set("name_en.12", "Parking")
		form.Set("keywords_en.12", "parking, car park")
		rec := f.do("POST", editor, form, "analyst")
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/w/acme/themes?done=saved" {
			t.Fatalf("save: got %d to %q, want 303 to the themes page\n%s", rec.Code, rec.Header().Get("Location"), appExcerpt(rec.Body.String()))
		}
		tax := appMust(db.Taxonomy(ctx, ws))(t)
		saved := appMust(insight.Themes(tax))(t)
		if tax.Version != 2 || len(saved) != 12 {
			t.Fatalf("saved taxonomy: version %d with %d themes, want version 2 with 12", tax.Version, len(saved))
		}
		price, parking := saved[2], saved[11]
		if price.Name[text.English] != "Pricing <b>x</b>" || price.Name[text.Dutch] != "Prijs" ||
			!slices.Equal(price.Keywords[text.Dutch], append(themes[2].Keywords[text.Dutch], "tarief*")) {
			t.Errorf("saved price: %+v", price)
		}
		if parking.Key != "parking" || parking.Name[text.English] != "Parking" || len(parking.Name) != 1 ||
			!slices.Equal(parking.Keywords[text.English], []string{"parking", "car park"}) || len(parking.Keywords) != 1 {
			t.Errorf("saved parking: %+v, want its English name and two English keywords only", parking)
		}
		if slices.ContainsFunc(saved, func(th text.Theme) bool { return th.Key == "flexibility" }) {
			t.Errorf("flexibility is still in the taxonomy")
		}
		f.run(t, []appScenario{
			// Every answer is due again: 123 of them.
			{name: "after saving", method: "GET", path: "/w/acme/themes?done=saved&survey=" + fmt.Sprint(f.themed.ID), actor: "analyst", status: http.StatusOK,
				want: []string{"The taxonomy is saved. The answers are being analysed again", "123 answers are still being analysed",
					">Pricing &lt;b&gt;x&lt;/b&gt;</a>"},
				notWant: []string{"<b>x</b>"}},
			{name: "the saved editor", method: "GET", path: editor, actor: "analyst", status: http.StatusOK,
				want: []string{`value="Pricing &lt;b&gt;x&lt;/b&gt;"`, "tarief*</textarea>", `<summary>Theme 12 · parking — Parking</summary>`,
					"parking\ncar park</textarea>", `action="/w/acme/themes/taxonomy/default"`},
				notWant: []string{"The workspace uses the default taxonomy.", "flexibility"}},
			{name: "the feed's themes", method: "GET", path: "/w/acme/responses", actor: "viewer", status: http.StatusOK,
				want: []string{`<option value="parking">Parking</option>`, `<option value="price">Pricing &lt;b&gt;x&lt;/b&gt;</option>`}},
		})

		// A key used twice, a keyword with digits and a theme without
		// keywords: nothing is saved and the form keeps the input.
		version := tax.Version
		bad := taxonomyForm(version, saved)
		bad.Set("key.1", "price")
		bad.Set("keywords_en.0", "slow\n12 euro")
		bad.Set("keywords_nl.3", "")
		bad.Set("keywords_en.3", "")
		rec = f.do("POST", editor, bad, "analyst")
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("invalid taxonomy: got %d, want 422", rec.Code)
		}
		for _, want := range []string{
			"Nothing is saved. Correct the following and save again:",
			`<li>theme &#34;response-time&#34;, keyword &#34;12 euro&#34;: a keyword may contain only letters`,
			`<li>theme &#34;price&#34;: the key is already used by theme 2; keys must be unique</li>`,
			`<li>theme &#34;communication&#34;: the theme needs at least one keyword</li>`,
			"slow\n12 euro</textarea>", `<details class="theme" open>`, `<summary>Theme 3 · price — Pricing &lt;b&gt;x&lt;/b&gt;</summary>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("invalid taxonomy: want %q in\n%s", want, appExcerpt(body))
			}
		}
		if got := appMust(db.Taxonomy(ctx, ws))(t); got.Version != version || got.Taxonomy != tax.Taxonomy {
			t.Errorf("an invalid taxonomy was saved: version %d, want %d unchanged", got.Version, version)
		}

		// A form made before someone else's save is not saved over it
		// unknowingly; sent again, it is.
		stale := taxonomyForm(version-1, saved)
		stale.Set("name_en.0", "Speed")
		rec = f.do("POST", editor, stale, "owner")
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "The taxonomy was changed by someone else") ||
			!strings.Contains(rec.Body.String(), `value="Speed"`) || !strings.Contains(rec.Body.String(), `name="version" value="`+fmt.Sprint(version)+`"`) {
			t.Errorf("stale form: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		if got := appMust(db.Taxonomy(ctx, ws))(t); got.Version != version {
			t.Errorf("a stale form was saved: version %d, want %d", got.Version, version)
		}
		stale.Set("version", fmt.Sprint(version))
		if rec = f.do("POST", editor, stale, "owner"); rec.Code != http.StatusSeeOther {
			t.Errorf("stale form sent again: got %d, want 303", rec.Code)
		}

		f.run(t, []appScenario{
			{name: "too many rows", method: "POST", path: editor, form: appForm("version", "4", "rows", "1000"), actor: "analyst", status: http.StatusBadRequest,
				want: []string{"The form holds too many themes: at most 150 rows."}},
			{name: "restore the default", method: "POST", path: editor + "/default", form: appForm(), actor: "analyst", status: http.StatusSeeOther,
				want: []string{"/w/acme/themes?done=restored"}},
			{name: "after restoring", method: "GET", path: "/w/acme/themes?done=restored", actor: "analyst", status: http.StatusOK,
				want: []string{"The default taxonomy is back."}},
		})
		if got := appMust(db.Taxonomy(ctx, ws))(t); got.Taxonomy != "" || got.Version != version+2 {
			t.Errorf("after restoring: taxonomy %q at version %d, want the default at %d", got.Taxonomy, got.Version, version+2)
		}
	})
}

// TestThemesSuggestions shows the suggested themes of the fixture's wave
// and adopts one.
func TestThemesSuggestions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newThemesFixture(t, db)
		analyse(t, db, f.acme.ID)
		ws := f.acme.ID
		scope := "?survey=" + fmt.Sprint(f.themed.ID) + "&wave=" + fmt.Sprint(f.current.ID)
		page, adopt := "/w/acme/themes"+scope, "/w/acme/themes/suggestions"+scope
		f.run(t, []appScenario{
			// 9 comments of 2026 name the parking garage, which no theme
			// covers; 8 of them say it was full. The newest comes first,
			// its script as text.
			{name: "suggestions", method: "GET", path: page, actor: "viewer", status: http.StatusOK,
				want: []string{"Suggested themes", "<strong>parking garage</strong> · 9 comments",
					"<blockquote>&lt;script&gt;alert(1)&lt;/script&gt; parking garage full, bad</blockquote><blockquote>the parking garage was full again, bad</blockquote>"},
				notWant: []string{"<script>alert", "Add to taxonomy"}},
			{name: "an analyst may adopt", method: "GET", path: page, actor: "analyst", status: http.StatusOK,
				want: []string{`<form method="post" action="/w/acme/themes/suggestions?survey=` + fmt.Sprint(f.themed.ID) + `&amp;wave=` + fmt.Sprint(f.current.ID) + `"><input type="hidden" name="key" value="parking-garage"><button type="submit">Add to taxonomy</button></form>`}},
			{name: "not for a member", method: "GET", path: page, actor: "member", status: http.StatusOK, notWant: []string{"Suggested themes", "parking"}},
			{name: "not for one owner", method: "GET", path: page + "&owner=" + fmt.Sprint(f.users["analyst"].ID), actor: "owner", status: http.StatusOK,
				notWant: []string{"Suggested themes"}},
			{name: "a suggestion that is none", method: "POST", path: adopt, form: appForm("key", "nothing"), actor: "analyst", status: http.StatusConflict,
				want: []string{"This suggestion is no longer there"}},
			{name: "adopt", method: "POST", path: adopt, form: appForm("key", "parking-garage"), actor: "analyst", status: http.StatusSeeOther,
				want: []string{"/w/acme/themes?done=adopted&survey=" + fmt.Sprint(f.themed.ID) + "&wave=" + fmt.Sprint(f.current.ID)}},
			// Now the taxonomy covers it.
			{name: "adopt again", method: "POST", path: adopt, form: appForm("key", "parking-garage"), actor: "analyst", status: http.StatusConflict},
			{name: "after adopting", method: "GET", path: page + "&done=adopted", actor: "analyst", status: http.StatusOK,
				want: []string{"The theme is added to the taxonomy.", "123 answers are still being analysed"}, notWant: []string{"parking garage</strong>"}},
		})
		tax := appMust(db.Taxonomy(ctx, ws))(t)
		themes := appMust(insight.Themes(tax))(t)
		last := themes[len(themes)-1]
		if tax.Version != 2 || len(themes) != 13 || last.Key != "parking-garage" || last.Name[text.English] != "Parking garage" ||
			!slices.Equal(last.Keywords[text.English], []string{"parking garage"}) {
			t.Errorf("after adopting: version %d, %d themes, the last %+v; want version 2, the default 12 and the parking garage", tax.Version, len(themes), last)
		}
	})
}
