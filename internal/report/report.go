// Package report writes the annual NPS report of one survey's wave, as a
// self-contained HTML page and as a PDF, from a Report value.
//
// It takes values in and gives bytes out: it reads no database and
// computes no statistics. Whatever the report shows was gathered and
// computed by the caller (package annual); this package lays it out, in
// Dutch or English, with the workspace's logo and colours. Charts arrive
// as the SVG of package chart, the same as on the dashboard: inline in the
// HTML, drawn as vectors in the PDF. All caller text is escaped.
package report

import (
	"html/template"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Report is everything one wave's report shows.
type Report struct {
	// Lang is "nl" or "en".
	Lang string
	// Workspace names the organisation the report is about.
	Workspace string
	// Brand is the workspace's logo and colours; a colour that is not
	// "#rrggbb" and a logo that does not decode are left out.
	Brand nps.Brand
	// Survey and Wave name what was measured; Opens and Closes bound the
	// wave (Closes is zero for a wave without an end).
	Survey, Wave  string
	Opens, Closes time.Time
	// Generated is when the report was made.
	Generated time.Time
	// Anonymised is set when verbatims and accounts are shown without
	// names: Verbatim.Who and the account names of AtRisk and Plans are
	// then empty, and the text says so.
	Anonymised bool

	Score Score
	// Trend is the survey's waves up to this one, oldest first.
	Trend    []Group
	Segments []Breakdown
	Owners   []Group
	Themes   []Theme
	Loyalty  nps.LoyaltyMatrix
	// Verbatims are the comments an analyst chose, in their order.
	Verbatims []Verbatim
	AtRisk    []AccountRisk
	Plans     Plans
	Promoters Promoters
	Money     Money
	Charts    Charts
}

// Score is the wave's NPS and what it is compared with.
type Score struct {
	// Histogram counts the wave's answers per score 0–10; Result is its
	// NPS with the interval (its Method, Confidence and Population say
	// how it was computed, for the appendix).
	Histogram nps.Histogram
	Result    nps.Result
	// Invited counts the contacts invited to the wave; 0 when answers
	// came in without invitations (an import), and then the report shows
	// no response rate.
	Invited int64
	// Responded counts the invitations answered, the response rate's
	// numerator: answers through an open link or an import are not
	// answers to an invitation.
	Responded int64
	// Previous is the wave before, by name, and its result; PreviousWave
	// is "" for the survey's first wave.
	PreviousWave string
	Previous     nps.Result
	// Change compares Previous with Result; ChangeOK is false when either
	// has no responses, ChangeSmall when either has fewer than
	// nps.UncertainBelow, too few to test (the text then says "not
	// tested", not "significant").
	Change      nps.Comparison
	ChangeOK    bool
	ChangeSmall bool
	// Account and Revenue are the account-weighted and revenue-weighted
	// NPS; Revenue is empty when no account has revenue.
	Account, Revenue nps.Result
	// Accounts counts the accounts invited, Answered those that answered;
	// RevenueShare is the share of revenue of the accounts that answered
	// (0–1), HasRevenue false when no account has revenue.
	Accounts, Answered int64
	RevenueShare       float64
	HasRevenue         bool
}

// Group is the NPS of one named group: a wave, a segment value or an
// owner.
type Group struct {
	Name   string
	Result nps.Result
}

// Breakdown is the NPS per value of one account attribute.
type Breakdown struct {
	// Attribute names the attribute as shown ("Industry").
	Attribute string
	Groups    []Group
}

// Theme is one theme of the comments with its effect on the NPS; Name is
// the theme's name in the report's language.
type Theme struct {
	Name   string
	Impact nps.ThemeImpact
}

// Verbatim is one quoted comment.
type Verbatim struct {
	Score   int
	Comment string
	// Who says who wrote it ("Jan de Vries, Acme BV"); "" when anonymised.
	Who    string
	Themes []string
}

// AccountRisk is an account at risk of leaving.
type AccountRisk struct {
	// Account and Owner are names; Account is "" when anonymised.
	Account, Owner string
	// Category is the account's category in the wave; Score the lowest
	// score of its respondents.
	Category nps.Category
	Score    int
	// Switching is set when a respondent considers a competitor.
	Switching bool
	// Revenue is the account's revenue in cents, 0 when unknown.
	Revenue int64
}

// Plans is the state of the improvement plans that were open at some time
// in the wave's year: from its opening until the next wave opened.
type Plans struct {
	// Plans counts the plans, Done those finished.
	Plans, Done int64
	// Actions counts their actions, ActionsDone those done and Overdue
	// those open past their due date.
	Actions, ActionsDone, Overdue int64
	Items                         []Plan
}

// Plan is one account's improvement plan.
type Plan struct {
	// Account is "" when anonymised.
	Account, Owner, Title string
	Done                  bool
	// Actions counts the plan's actions, ActionsDone those done and
	// Overdue those open past their due date.
	Actions, ActionsDone, Overdue int64
	// Updated is the last change.
	Updated time.Time
}

// Promoters is the promoter programme of the wave.
type Promoters struct {
	// Promoters counts the wave's promoters, Thanked those thanked.
	Promoters, Thanked int64
	// Actions counts what was done for promoters per tip or request, by
	// its name in the report's language, most first.
	Actions []Count
	// Referrals counts the referrals made by the wave's accounts,
	// Thanked those whose referrer was thanked.
	Referrals, ReferralsThanked int64
}

// Count is a named count.
type Count struct {
	Name  string
	Count int64
}

// Money is what the NPS is worth: observed outcomes, the revenue at risk,
// the calculator's estimate and earned growth. Amounts are cents in
// Currency ("EUR").
type Money struct {
	Currency string
	// HasRevenue is false when no revenue was imported: the section then
	// says how to add it.
	HasRevenue bool
	AtRisk     nps.RevenueAtRisk
	// Observed is set when the wave's follow-up year is over, Outcomes
	// then what became of its accounts per category.
	Observed bool
	Outcomes nps.Outcomes
	// Calculator is the value of raising the NPS by 10 points (to at most
	// 100) from CalculatorInput: the revenue of the accounts that answered,
	// the churn rate last observed (0 when none was), no marketing budget
	// (none is known) and the rules of thumb of the first article;
	// HasCalculator is false without revenue or responses. The
	// report writes the steps in its own language from the input and
	// takes each step's result from Calculator.
	Calculator      nps.CalculatorResult
	CalculatorInput nps.CalculatorInput
	HasCalculator   bool
	// ChurnWave names the wave whose observed churn is the calculator's
	// churn rate; "" when no wave's follow-up year is over yet.
	ChurnWave string
	// Growth is earned growth in the wave's year, computed from
	// GrowthInput, whose amounts the steps show; HasGrowth is false when
	// the revenue of the year before is missing.
	Growth      nps.Growth
	GrowthInput nps.GrowthInput
	HasGrowth   bool
}

// Charts are the report's charts as the SVG of package chart.
type Charts struct {
	Distribution, Categories, Trend, Themes template.HTML
}
