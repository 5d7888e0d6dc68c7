package demo

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// planActions are the actions the company agreed with its critical
// customers, in the themes they complained about (see comments.go).
var planActions = []string{
	"Vaste reactietermijnen afgesproken: storingen binnen vier uur opgepakt",
	"Eén vast aanspreekpunt, dat elk kwartaal belt over de voortgang",
	"Maandelijks overzicht van openstaande meldingen en hun status",
	"Facturen voortaan per project gespecificeerd en vooraf besproken",
	"Nieuwe medewerkers van de klant krijgen een inwerksessie",
	"Wijzigingen worden een week vooraf aangekondigd",
}

// planUpdates are the progress updates shared with the customer.
var planUpdates = []string{
	"Sinds ons gesprek in januari zijn de afspraken ingevoerd. Dank voor uw openheid: zonder uw kritiek hadden we dit niet zo snel verbeterd.",
	"De eerste afspraken lopen. We houden u elk kwartaal op de hoogte en horen graag of u het verschil merkt.",
}

// plans makes an improvement plan with each critical customer of the
// middle wave that is still a customer at the last: made some weeks
// after its answer, with two or three actions done over the year
// before the last wave, and an update shared with the customer. A few
// plans are still going, with their last action in progress.
func (g *generator) plans(p *Plan) []ImprovementPlan {
	if len(p.Waves) < 2 {
		return nil
	}
	r := g.rand("plans")
	wi, last := len(p.Waves)-2, p.Waves[len(p.Waves)-1]
	var out []ImprovementPlan
	for _, ai := range slices.Sorted(maps.Keys(g.critical)) {
		a := p.Accounts[ai]
		if !a.ActiveAt(len(p.Waves)-1, last.OpensAt) {
			continue
		}
		made := g.critical[ai].AddDate(0, 0, 30+r.IntN(30))
		pl := ImprovementPlan{Account: ai, Wave: wi, Made: made,
			Title:   "Verbeterplan " + a.Name,
			Problem: "Uit de meting van " + p.Waves[wi].OpensAt.Format("2006") + ": " + strings.ToLower(pick(r, []string{"reactietijden", "communicatie", "facturatie"})) + " schoten tekort."}
		done := made
		for _, k := range r.Perm(len(planActions))[:2+r.IntN(2)] {
			done = done.AddDate(0, 0, 20+r.IntN(60))
			pl.Actions = append(pl.Actions, PlanAction{Text: planActions[k], Done: done})
		}
		if !done.Before(last.OpensAt) || r.IntN(5) == 0 {
			// Still going: the last action is in progress.
			pl.Actions[len(pl.Actions)-1].Done = time.Time{}
		} else {
			pl.Done = done
		}
		pl.Update, pl.UpdateAt = pick(r, planUpdates), made.AddDate(0, 0, 45+r.IntN(30))
		out = append(out, pl)
	}
	return out
}
