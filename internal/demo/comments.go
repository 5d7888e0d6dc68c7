package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
)

// Comments are put together from the sentences in phrases.go: an opener,
// one or two sentences on themes chosen by the respondent's category and
// the year, a closer. The themes follow the article: before the
// improvement plans critics complain about response times, communication,
// invoicing and changing account managers; in the last wave those are
// praised as fixed, and price is what critics still raise.

// commentCase is what decides a respondent's comment.
type commentCase struct {
	category nps.Category
	lang     string
	// manager is the first name of the account's account manager.
	manager string
	// last is the open wave, after the improvements.
	last bool
	// planned says that the account made an improvement plan with the
	// company after the previous wave.
	planned bool
	// newCustomer is the account's first wave: onboarding is on its mind.
	newCustomer bool
	// repeat is a detractor whose account was critical the year before.
	repeat bool
}

// themeOrder fixes the order of the themes, for the weights below.
var themeOrder = []string{
	themeResponseTime, themeExpertise, themePrice, themeCommunication,
	themeManager, themeInvoicing, themeOnboarding, themeReliability,
}

// How often each theme of themeOrder comes up.
var (
	complaintsBefore = []float64{3, 0.6, 1.5, 2.5, 2, 2.2, 0.8, 1.5}
	complaintsAfter  = []float64{0.8, 0.8, 3, 0.8, 0.6, 0.4, 1.5, 1.8}
	praiseBefore     = []float64{1.2, 3, 0.8, 1, 2, 0.4, 0.5, 2}
	praiseAfter      = []float64{1.5, 2.5, 0.8, 1.5, 2, 0.6, 0.5, 1.5}
	// praisePlanned is what customers with an improvement plan praise:
	// what the plan fixed.
	praisePlanned = []float64{3, 1.5, 0.3, 3, 2, 1.5, 0, 0.3}
)

// noComment is the share of each category that leaves the follow-up
// question empty.
var noComment = map[nps.Category]float64{nps.Promoter: 0.25, nps.Passive: 0.3, nps.Detractor: 0.12}

// commentFor returns a comment for c, or "" for a respondent who wrote
// none.
func commentFor(r *rand.Rand, c commentCase) string {
	if r.Float64() < noComment[c.category] {
		return ""
	}
	if r.Float64() < 0.12 {
		return pick(r, shorts[c.category].in(c.lang))
	}
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(pick(r, openers[c.category].in(c.lang)))
	switch c.category {
	case nps.Promoter:
		n := 1
		if r.Float64() < 0.45 {
			n = 2
		}
		for _, t := range c.themes(r, c.praiseWeights(), n) {
			add(c.praise(r, t))
		}
	case nps.Passive:
		t := c.themes(r, c.praiseWeights(), 1)[0]
		add(c.praise(r, t))
		if r.Float64() < 0.7 {
			complaint := c.themes(r, c.complaintWeights(), 1, t)[0]
			add(pick(r, buts.in(c.lang)) + " " + lowerFirst(pick(r, themes[complaint].complaint.in(c.lang))))
		}
	case nps.Detractor:
		n := 1
		if r.Float64() < 0.5 {
			n = 2
		}
		for _, t := range c.themes(r, c.complaintWeights(), n) {
			add(pick(r, themes[t].complaint.in(c.lang)))
		}
		if c.repeat && r.Float64() < 0.6 {
			add(pick(r, repeated.in(c.lang)))
		}
	}
	add(pick(r, closers[c.category].in(c.lang)))
	s := strings.Join(parts, " ")
	s = strings.ReplaceAll(s, "{am}", c.manager)
	return strings.ReplaceAll(s, "{wait}", pick(r, waits.in(c.lang)))
}

func (c commentCase) praiseWeights() []float64 {
	switch {
	case c.planned:
		return praisePlanned
	case c.last:
		return c.onboarding(praiseAfter)
	}
	return c.onboarding(praiseBefore)
}

func (c commentCase) complaintWeights() []float64 {
	if c.last {
		return c.onboarding(complaintsAfter)
	}
	return c.onboarding(complaintsBefore)
}

// onboarding raises the weight of onboarding for a new customer.
func (c commentCase) onboarding(weights []float64) []float64 {
	if !c.newCustomer {
		return weights
	}
	w := slices.Clone(weights)
	w[slices.Index(themeOrder, themeOnboarding)] *= 5
	return w
}

// themes draws n different themes by weight, none of those in not.
func (c commentCase) themes(r *rand.Rand, weights []float64, n int, not ...string) []string {
	var chosen []string
	for len(chosen) < n {
		t := themeOrder[weighted(r, len(themeOrder), func(i int) float64 { return weights[i] })]
		if !slices.Contains(chosen, t) && !slices.Contains(not, t) {
			chosen = append(chosen, t)
		}
	}
	return chosen
}

// praise returns a praising sentence on theme t: in the last wave, for an
// existing customer, often one on what was fixed since last year.
func (c commentCase) praise(r *rand.Rand, t string) string {
	fixed := themes[t].fixed.in(c.lang)
	chance := 0.0
	switch {
	case c.planned:
		chance = 0.8
	case c.last && !c.newCustomer:
		chance = 0.3
	}
	if len(fixed) > 0 && r.Float64() < chance {
		return pick(r, fixed)
	}
	return pick(r, themes[t].praise.in(c.lang))
}

// lowerFirst lower-cases the first letter of a sentence that follows a
// conjunction, unless the first word is an abbreviation such as "ICT".
func lowerFirst(s string) string {
	first, n := utf8.DecodeRuneInString(s)
	next, _ := utf8.DecodeRuneInString(s[n:])
	if unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(first)) + s[n:]
}
