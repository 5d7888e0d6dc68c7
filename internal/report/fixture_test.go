package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/chart"
	"github.com/promotor/promotor/internal/nps"
)

// The fixtures: a B2B service company's third yearly wave, the NPS up
// from -10 to +18 as in the article the report was made for, with every
// figure computed by package nps from hand-made histograms and every chart
// drawn by package chart, as the caller that fills a Report does.

// The wave's histogram (n 120: 50 promoters, 42 passives, 28 detractors)
// and its subsets: the commented responses and the themes they mention.
var (
	wave2025  = nps.Histogram{1, 0, 1, 2, 3, 8, 13, 18, 24, 27, 23}
	wave2024  = nps.Histogram{2, 1, 2, 3, 5, 10, 15, 16, 18, 16, 12}
	wave2023  = nps.Histogram{3, 2, 3, 4, 6, 10, 12, 14, 16, 12, 8}
	commented = nps.Histogram{1, 0, 1, 2, 3, 6, 10, 8, 10, 12, 10}
)

// fixtureTheme is a theme's names and the histogram of its mentions.
type fixtureTheme struct {
	key, en, nl string
	h           nps.Histogram
}

var fixtureThemes = []fixtureTheme{
	{"price", "Price", "Prijs", nps.Histogram{0, 0, 1, 1, 2, 3, 4, 2, 3, 1, 0}},
	{"response", "Response time", "Reactietijd", nps.Histogram{1, 0, 0, 1, 1, 2, 3, 1, 2, 0, 1}},
	{"service", "Customer service", "Klantenservice", nps.Histogram{0, 0, 0, 0, 0, 0, 1, 1, 2, 6, 6}},
	{"invoicing", "Invoicing", "Facturatie", nps.Histogram{0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0}},
	{"onboarding", "Onboarding", "Onboarding", nps.Histogram{}},
}

// population is the number of contacts the wave could reach, for the
// finite population correction.
const population = 300

// must takes the figure of a computation on the fixture's constants,
// which cannot fail unless the fixture itself is wrong.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// tr picks the fixture's text in the report's language.
func tr(lang, en, nl string) string {
	if lang == "nl" {
		return nl
	}
	return en
}

// accounts splits the wave's responses over 40 accounts, three each,
// from the lowest scores to the highest, so that their histograms add up
// to the wave's and the accounts differ as much as real ones do.
func accounts() []nps.Histogram {
	accs := make([]nps.Histogram, 40)
	i := 0
	for s, c := range wave2025 {
		for range c {
			accs[i/3][s]++
			i++
		}
	}
	return accs
}

// revenue is account i's yearly revenue in cents: EUR 40,000 to 1,015,000.
func revenue(i int) int64 { return (40_000 + int64(i*7919%40)*25_000) * 100 }

func labels(lang string) chart.Labels {
	return chart.Labels{
		Detractors: tr(lang, "Detractors", "Criticasten"), Passives: tr(lang, "Passives", "Passieven"),
		Promoters: tr(lang, "Promoters", "Promotors"), Interval: tr(lang, "95% interval", "95%-interval"),
		SmallN: tr(lang, "small sample", "kleine steekproef"), N: "n",
	}
}

// logo is a small PNG of the workspace's mark.
func logo(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 80))
	for y := range 80 {
		for x := range 240 {
			c := color.RGBA{255, 255, 255, 255}
			switch {
			case (x-40)*(x-40)+(y-40)*(y-40) < 900:
				c = color.RGBA{0x7b, 0x2d, 0x8e, 255}
			case x > 90 && x < 230 && y > 30 && y < 50:
				c = color.RGBA{0xf2, 0xa9, 0x00, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixture is a full report of the 2025 wave in lang.
func fixture(t testing.TB, lang string) Report {
	opts := nps.Options{Population: population}
	cur := must(nps.Estimate(wave2025, opts))
	prev := must(nps.Estimate(wave2024, nps.Options{}))
	first := must(nps.Estimate(wave2023, nps.Options{}))
	change := must(nps.Compare(prev, cur))
	accs := accounts()
	revs := make([]float64, len(accs))
	for i := range accs {
		revs[i] = float64(revenue(i))
	}
	l := labels(lang)
	r := Report{
		Lang:      lang,
		Workspace: "Van Dijk Zakelijke Diensten BV",
		Brand:     nps.Brand{Logo: logo(t), LogoType: "image/png", Colour: "#7B2D8E", Accent: "#f2a900"},
		Survey:    tr(lang, "Customer satisfaction", "Klanttevredenheid"),
		Wave:      "2025",
		Opens:     time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC),
		Closes:    time.Date(2025, 4, 14, 17, 0, 0, 0, time.UTC),
		Generated: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
		Score: Score{
			Histogram: wave2025, Result: cur, Invited: population, Responded: cur.N,
			PreviousWave: "2024", Previous: prev, Change: change, ChangeOK: true,
			Account:  must(nps.AccountWeighted(accs, nps.Options{})),
			Revenue:  must(nps.RevenueWeighted(accs, revs, nps.Options{})),
			Accounts: 52, Answered: 40, RevenueShare: 0.74, HasRevenue: true,
		},
		Trend: []Group{{"2023", first}, {"2024", prev}, {"2025", cur}},
	}
	r.Segments = []Breakdown{
		{Attribute: tr(lang, "Industry", "Branche"), Groups: []Group{
			{tr(lang, "Construction", "Bouw"), must(nps.Estimate(nps.Histogram{0, 0, 1, 1, 1, 3, 5, 7, 9, 10, 9}, nps.Options{}))},
			{tr(lang, "Logistics", "Logistiek"), must(nps.Estimate(nps.Histogram{1, 0, 0, 1, 1, 3, 5, 6, 8, 9, 8}, nps.Options{}))},
			{tr(lang, "Healthcare", "Zorg"), must(nps.Estimate(nps.Histogram{0, 0, 0, 0, 1, 2, 3, 5, 7, 8, 6}, nps.Options{}))},
		}},
		{Attribute: tr(lang, "Size", "Omvang"), Groups: []Group{
			{"1–49", must(nps.Estimate(nps.Histogram{0, 0, 1, 1, 2, 4, 6, 9, 12, 14, 13}, nps.Options{}))},
			{"50–249", must(nps.Estimate(nps.Histogram{1, 0, 0, 1, 1, 3, 5, 7, 9, 10, 8}, nps.Options{}))},
			{"250+", must(nps.Estimate(nps.Histogram{0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 2}, nps.Options{}))},
		}},
	}
	r.Owners = []Group{
		{"Anouk de Vries", must(nps.Estimate(nps.Histogram{0, 0, 1, 1, 1, 3, 4, 6, 8, 10, 9}, nps.Options{}))},
		{"Joost Bakker", must(nps.Estimate(nps.Histogram{1, 0, 0, 1, 1, 3, 5, 6, 8, 9, 7}, nps.Options{}))},
		{"Zoë Janssen", must(nps.Estimate(nps.Histogram{0, 0, 0, 0, 1, 2, 4, 6, 8, 8, 7}, nps.Options{}))},
	}
	var points []chart.Point
	for _, w := range r.Trend {
		points = append(points, chart.Point{Label: w.Name, Value: w.Result.NPS, Low: w.Result.Low, High: w.Result.High, N: w.Result.N, Warn: w.Result.Uncertain()})
	}
	var rows []chart.Point
	for _, ft := range fixtureThemes {
		ti := must(nps.ThemeEffect(wave2025, commented, ft.h, opts))
		ti.Key = ft.key
		r.Themes = append(r.Themes, Theme{Name: tr(lang, ft.en, ft.nl), Impact: ti})
		if !ti.Empty {
			rows = append(rows, chart.Point{Label: tr(lang, ft.en, ft.nl), Value: ti.NPSWith, Low: ti.NPSWith, High: ti.NPSWith, N: ft.h.N()})
		}
	}
	r.Loyalty = nps.NewLoyaltyMatrix(map[nps.SwitchIntent]nps.Histogram{
		nps.SwitchYes:    {1, 0, 1, 1, 1, 2, 3, 1, 1, 0, 0},
		nps.SwitchUnsure: {0, 0, 0, 1, 1, 2, 4, 5, 4, 2, 1},
		nps.SwitchNo:     {0, 0, 0, 0, 1, 3, 5, 10, 15, 22, 20},
		"":               {0, 0, 0, 0, 0, 1, 1, 2, 4, 3, 2},
	})
	r.Charts = Charts{
		Distribution: chart.Distribution(tr(lang, "Scores", "Scores"), tr(lang, "How many respondents gave each score.", "Hoeveel respondenten elke score gaven."), wave2025, l),
		Categories:   chart.Categories(tr(lang, "Categories", "Categorieën"), "", wave2025.Detractors(), wave2025.Passives(), wave2025.Promoters(), l),
		Trend:        chart.Trend(tr(lang, "NPS per wave", "NPS per meting"), tr(lang, "The NPS of each wave with its interval.", "De NPS van elke meting met het interval."), points, l),
		Themes:       chart.Intervals(tr(lang, "NPS of those who mention each theme", "NPS van wie elk thema noemt"), tr(lang, "The NPS of the responses that mention the theme.", "De NPS van de reacties die het thema noemen."), rows, l),
	}
	r.Verbatims = []Verbatim{
		{Score: 3, Comment: tr(lang, "Invoices were wrong three times this year and nobody called back.", "Dit jaar drie keer een foute factuur en niemand belde terug."), Who: "Mark Visser, Bouwbedrijf Visser", Themes: []string{tr(lang, "Invoicing", "Facturatie"), tr(lang, "Response time", "Reactietijd")}},
		{Score: 6, Comment: tr(lang, "Good people, but the price went up 12 % without a word of explanation.\nWe are looking around.", "Goede mensen, maar de prijs ging 12 % omhoog zonder enige uitleg.\nWe kijken rond."), Who: "Sanne Mulder, Mulder Logistiek", Themes: []string{tr(lang, "Price", "Prijs")}},
		{Score: 8, Comment: tr(lang, "Solid service. Onboarding of new staff could be quicker.", "Degelijke service. Het inwerken van nieuwe medewerkers kan sneller."), Who: "Eva Smit, Zorggroep Noord"},
		{Score: 9, Comment: tr(lang, "Since the improvement plan our account manager calls every month — it shows.", "Sinds het verbeterplan belt onze accountmanager elke maand — dat merk je."), Who: "Daniël Hendriks, Hendriks & Zonen", Themes: []string{tr(lang, "Customer service", "Klantenservice")}},
		{Score: 10, Comment: tr(lang, "Best supplier we have. Noël at the help desk is brilliant.", "Beste leverancier die we hebben. Noël van de helpdesk is geweldig."), Who: "Fleur de Boer, De Boer Installaties", Themes: []string{tr(lang, "Customer service", "Klantenservice")}},
	}
	r.AtRisk = []AccountRisk{
		{Account: "Bouwbedrijf Visser", Owner: "Anouk de Vries", Category: nps.Detractor, Score: 3, Switching: true, Revenue: 41_500_000},
		{Account: "Mulder Logistiek", Owner: "Joost Bakker", Category: nps.Detractor, Score: 6, Switching: true, Revenue: 87_000_000},
		{Account: "Transport Jansen", Owner: "Zoë Janssen", Category: nps.Detractor, Score: 4, Revenue: 23_000_000},
		{Account: "Kliniek Oost", Owner: "Zoë Janssen", Category: nps.Passive, Score: 7, Switching: true, Revenue: 64_000_000},
		{Account: "Drukkerij Peters", Owner: "Joost Bakker", Category: nps.Detractor, Score: 5},
	}
	r.Plans = Plans{Plans: 10, Done: 6, Actions: 41, ActionsDone: 30, Overdue: 3, Items: []Plan{
		{Account: "Bouwbedrijf Visser", Owner: "Anouk de Vries", Title: tr(lang, "Correct invoices, monthly check", "Foutloze facturen, maandelijkse controle"), Actions: 5, ActionsDone: 3, Overdue: 1, Updated: time.Date(2025, 10, 2, 0, 0, 0, 0, time.UTC)},
		{Account: "Mulder Logistiek", Owner: "Joost Bakker", Title: tr(lang, "Explain the new price list", "Nieuwe prijslijst toelichten"), Actions: 3, ActionsDone: 1, Overdue: 2, Updated: time.Date(2025, 9, 18, 0, 0, 0, 0, time.UTC)},
		{Account: "Transport Jansen", Owner: "Zoë Janssen", Title: tr(lang, "Faster answers from the help desk", "Snellere antwoorden van de helpdesk"), Done: true, Actions: 4, ActionsDone: 4, Updated: time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)},
		{Account: "Zorggroep Noord", Owner: "Zoë Janssen", Title: tr(lang, "Onboarding programme for new staff", "Inwerkprogramma voor nieuwe medewerkers"), Done: true, Actions: 6, ActionsDone: 6, Updated: time.Date(2025, 7, 11, 0, 0, 0, 0, time.UTC)},
	}}
	r.Promoters = Promoters{Promoters: 50, Thanked: 31, Referrals: 7, ReferralsThanked: 5, Actions: []Count{
		{tr(lang, "Thank-you email", "Bedankmail"), 31},
		{tr(lang, "Referral request", "Verzoek om aanbeveling"), 12},
		{tr(lang, "Review request", "Verzoek om review"), 9},
		{tr(lang, "Invitation to the customer day", "Uitnodiging voor de klantendag"), 6},
	}}
	r.Money = money(t, accs, cur)
	return r
}

// money is the financial figures of the fixture's accounts.
func money(t testing.TB, accs []nps.Histogram, cur nps.Result) Money {
	var outcomes []nps.AccountOutcome
	var total int64
	for i, h := range accs {
		cat := must(nps.AccountCategory(h))
		o := nps.AccountOutcome{Category: cat, Revenue: revenue(i), HasAfter: true}
		switch {
		case cat == nps.Detractor && i%3 == 0:
			o.Churned, o.Intent = true, nps.SwitchYes
		case cat == nps.Detractor:
			o.RevenueAfter, o.Intent = o.Revenue*85/100, nps.SwitchUnsure
		case cat == nps.Passive && i%4 == 0:
			o.Churned = true
		case cat == nps.Passive:
			o.RevenueAfter, o.Intent = o.Revenue*97/100, nps.SwitchNo
		default:
			o.RevenueAfter, o.Intent = o.Revenue*108/100, nps.SwitchNo
		}
		total += o.Revenue
		outcomes = append(outcomes, o)
	}
	in := nps.CalculatorInput{Revenue: total, MarketingBudget: total / 8, ChurnRate: 0.12,
		CurrentNPS: cur.NPS, TargetNPS: cur.NPS + 10, Assumptions: nps.RulesOfThumb()}
	gin := nps.GrowthInput{PriorRevenue: total * 96 / 100, RetainedRevenue: total, NewRevenue: total / 10, ReferredRevenue: total / 40}
	return Money{
		Currency: "EUR", HasRevenue: true,
		AtRisk:   nps.AtRisk(outcomes),
		Observed: true, Outcomes: nps.ObserveOutcomes(outcomes),
		Calculator: must(nps.Calculate(in)), CalculatorInput: in, HasCalculator: true, ChurnWave: "2024",
		Growth: must(nps.EarnedGrowth(gin)), GrowthInput: gin, HasGrowth: true,
	}
}

// emptyFixture is the report of a wave nobody answered: the survey's
// first, without revenue, themes or plans.
func emptyFixture(lang string) Report {
	empty := chart.Labels{}
	return Report{
		Lang:      lang,
		Workspace: "Nieuw Bedrijf BV",
		Survey:    tr(lang, "Customer satisfaction", "Klanttevredenheid"),
		Wave:      "Q1 2026",
		Opens:     time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC),
		Generated: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
		Score:     Score{Invited: 80, Accounts: 25},
		Trend:     []Group{{Name: "Q1 2026"}},
		Charts: Charts{
			Trend: chart.Trend("NPS", "", []chart.Point{{Label: "Q1 2026", Value: math.NaN()}}, empty),
		},
	}
}
