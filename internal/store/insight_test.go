package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// label is a stand-in analysis for these tests: the words of a comment
// that start with "#" are its themes, and "bad" makes it negative.
func label(rs []nps.ResponseInsight) []nps.ResponseInsight {
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
			}
		}
		slices.Sort(r.Themes)
	}
	return rs
}

// analyseAll runs the stand-in analysis over everything due, as the
// analyse-comments task does with the real one.
func analyseAll(t *testing.T, db *store.DB, ws int64) int {
	t.Helper()
	ctx := context.Background()
	total := 0
	for {
		tax := must(db.Taxonomy(ctx, ws))(t)
		b := must(db.PendingInsight(ctx, tax, 2))(t) // small batches: several rounds
		if len(b.Responses) == 0 && !b.Sweep {
			return total
		}
		b.Responses = label(b.Responses)
		total += must(db.SaveInsight(ctx, ws, b))(t)
	}
}

func TestInsightRollups(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "insight")
		ws := f.ws.ID
		other := must(db.CreateContact(ctx, ws, nps.Contact{AccountID: f.account.ID, Email: "two@example.com"}))(t)
		third := must(db.CreateContact(ctx, ws, nps.Contact{Email: "three@example.com"}))(t)
		answer := func(c int64, score int, comment string, intent nps.SwitchIntent) nps.Response {
			return must(db.RecordResponse(ctx, ws, nps.Response{WaveID: f.wave.ID, ContactID: c, Score: score,
				Comment: comment, Answers: nps.Answers{SwitchIntent: intent}, Channel: nps.ChannelLink}))(t)
		}
		answer(f.contact.ID, 3, "#price #support bad", nps.SwitchYes)
		answer(other.ID, 9, "#support", nps.SwitchNo)
		answer(third.ID, 7, "", "")
		if n := analyseAll(t, db, ws); n != 3 {
			t.Fatalf("analysed %d responses, want 3", n)
		}
		wi := must(db.Insight(ctx, ws, f.survey.ID, 0))(t)
		if len(wi) != 1 {
			t.Fatalf("%d waves, want 1", len(wi))
		}
		w := wi[0]
		want := func(name string, got nps.Histogram, scores ...int) {
			t.Helper()
			var h nps.Histogram
			for _, s := range scores {
				h[s]++
			}
			if got != h {
				t.Errorf("%s = %v, want %v", name, got, h)
			}
		}
		want("all", w.All, 3, 9, 7)
		want("commented", w.Commented, 3, 9)
		want("price", w.Themes["price"], 3)
		want("support", w.Themes["support"], 3, 9)
		want("negative", w.Sentiment[nps.Negative], 3)
		want("positive", w.Sentiment[nps.Positive], 9)
		want("switch yes", w.Intent[nps.SwitchYes], 3)
		want("switch no", w.Intent[nps.SwitchNo], 9)
		want("switch unanswered", w.Intent[""], 7)
		// The account owner's view leaves out the answer without an
		// account; a user who owns nothing sees nothing.
		owned := must(db.Insight(ctx, ws, f.survey.ID, f.owner.ID))(t)[0]
		want("owned all", owned.All, 3, 9)
		want("owned support", owned.Themes["support"], 3, 9)
		want("owned unanswered", owned.Intent[""])
		none := must(db.Insight(ctx, ws, f.survey.ID, f.owner.ID+1000))(t)[0]
		want("nobody's all", none.All)
		want("nobody's commented", none.Commented)
		if l := must(db.AccountYears(ctx, ws, f.wave.ID, 2025, f.owner.ID+1000))(t); len(l) != 0 {
			t.Errorf("a user who owns nothing sees accounts %+v", l)
		}

		// A changed answer is analysed again: its old themes and score
		// leave the rollups, the new ones enter.
		answer(f.contact.ID, 8, "#invoicing", nps.SwitchUnsure)
		// Before the analysis catches up, the answer counts at its new
		// score in All and at its old one in the analysis: All still holds
		// every commented and switching answer, and nothing is negative.
		lag := must(db.Insight(ctx, ws, f.survey.ID, 0))(t)[0]
		for sc := range lag.All {
			if lag.All[sc] < lag.Commented[sc] || lag.Intent[""][sc] < 0 {
				t.Errorf("score %d before the analysis: all %d, commented %d, unanswered %d", sc, lag.All[sc], lag.Commented[sc], lag.Intent[""][sc])
			}
		}
		if n := analyseAll(t, db, ws); n != 1 {
			t.Fatalf("analysed %d responses after a change, want 1", n)
		}
		w = must(db.Insight(ctx, ws, f.survey.ID, 0))(t)[0]
		want("price after", w.Themes["price"])
		want("support after", w.Themes["support"], 9)
		want("invoicing after", w.Themes["invoicing"], 8)
		want("switch yes after", w.Intent[nps.SwitchYes])
		want("switch unsure after", w.Intent[nps.SwitchUnsure], 8)
		want("commented after", w.Commented, 8, 9)

		years := must(db.AccountYears(ctx, ws, f.wave.ID, 2025, 0))(t)
		if len(years) != 1 || years[0].Intent != nps.SwitchUnsure || years[0].Histogram.N() != 2 {
			t.Errorf("account years = %+v, want the one account with two answers and intent unsure", years)
		}

		// A new taxonomy has everything analysed again, to the same
		// figures when the analysis finds the same.
		if _, err := db.SetTaxonomy(ctx, ws, `[{"key":"x"}]`, 0); err != nil {
			t.Fatal(err)
		}
		if n := must(db.InsightBacklog(ctx, ws, 10))(t); n != 3 {
			t.Errorf("backlog after a taxonomy change = %d, want 3", n)
		}
		if n := analyseAll(t, db, ws); n != 3 {
			t.Fatalf("analysed %d responses after a taxonomy change, want 3", n)
		}
		if again := must(db.Insight(ctx, ws, f.survey.ID, 0))(t)[0]; again.Commented != w.Commented || again.Themes["support"] != w.Themes["support"] {
			t.Errorf("after a taxonomy change the figures moved: %+v, want %+v", again, w)
		}
		if _, err := db.SetTaxonomy(ctx, ws, `{not json`, 0); err == nil {
			t.Error("a taxonomy that is not JSON was stored")
		}
		// The same taxonomy again changes nothing and starts no sweep; a
		// save over a version that is no longer current is a conflict.
		before := must(db.Taxonomy(ctx, ws))(t)
		if v := must(db.SetTaxonomy(ctx, ws, `[{"key":"x"}]`, before.Version))(t); v != before.Version {
			t.Errorf("saving the same taxonomy moved the version from %d to %d", before.Version, v)
		}
		if after := must(db.Taxonomy(ctx, ws))(t); after != before {
			t.Errorf("saving the same taxonomy changed %+v into %+v", before, after)
		}
		if _, err := db.SetTaxonomy(ctx, ws, `[{"key":"y"}]`, before.Version-1); !errors.Is(err, nps.ErrConflict) {
			t.Errorf("a save over an old version: got %v, want ErrConflict", err)
		}

		// An analysis of an answer that changed meanwhile is not saved,
		// and the answer stays queued with its new revision.
		answer(other.ID, 10, "#support #price", nps.SwitchNo)
		stale := must(db.PendingInsight(ctx, must(db.Taxonomy(ctx, ws))(t), 10))(t)
		stale.Responses = label(stale.Responses)
		answer(other.ID, 2, "bad", nps.SwitchYes)
		if n := must(db.SaveInsight(ctx, ws, stale))(t); n != 0 {
			t.Errorf("saved %d stale analyses, want 0", n)
		}
		if n := must(db.InsightBacklog(ctx, ws, 10))(t); n != 1 {
			t.Errorf("backlog after a stale analysis = %d, want the changed answer", n)
		}
		analyseAll(t, db, ws)
		w = must(db.Insight(ctx, ws, f.survey.ID, 0))(t)[0]
		want("support after the race", w.Themes["support"])
		want("negative after the race", w.Sentiment[nps.Negative], 2)

		// A sweep batch read under one taxonomy is not saved once another
		// has restarted the sweep, which then still has everything to do.
		if _, err := db.SetTaxonomy(ctx, ws, `[{"key":"v1"}]`, 0); err != nil {
			t.Fatal(err)
		}
		old := must(db.PendingInsight(ctx, must(db.Taxonomy(ctx, ws))(t), 10))(t)
		if !old.Sweep || len(old.Responses) == 0 {
			t.Fatalf("after a taxonomy change: batch %+v, want the sweep", old)
		}
		if _, err := db.SetTaxonomy(ctx, ws, `[{"key":"v2"}]`, 0); err != nil {
			t.Fatal(err)
		}
		old.Responses = label(old.Responses)
		if n := must(db.SaveInsight(ctx, ws, old))(t); n != 0 {
			t.Errorf("saved %d answers of a sweep that a newer taxonomy restarted", n)
		}
		if tax := must(db.Taxonomy(ctx, ws))(t); !tax.Sweeping || tax.SweepAfter != 0 {
			t.Errorf("the new sweep moved: %+v", tax)
		}
		analyseAll(t, db, ws)

		// The feed filters by theme and sentiment, and reads them back.
		page := must(db.LatestResponses(ctx, ws, store.ResponseFilter{Theme: "invoicing"}))(t)
		if len(page.Responses) != 1 || page.Responses[0].Score != 8 {
			t.Errorf("feed by theme = %+v, want the one answer of 8", page.Responses)
		}
		page = must(db.LatestResponses(ctx, ws, store.ResponseFilter{Sentiment: nps.Negative}))(t)
		if len(page.Responses) != 1 || page.Responses[0].Score != 2 {
			t.Errorf("feed by sentiment = %+v, want the one answer of 2", page.Responses)
		}
		if _, err := db.LatestResponses(ctx, ws, store.ResponseFilter{Sentiment: "angry"}); err == nil {
			t.Error("an unknown sentiment was accepted")
		}
		ins := must(db.InsightOf(ctx, ws, []int64{page.Responses[0].ID}))(t)
		if got := ins[page.Responses[0].ID]; got.Sentiment != nps.Negative || len(got.Themes) != 0 {
			t.Errorf("insight of the response = %+v", got)
		}
		if c := must(db.Unmatched(ctx, ws, f.wave.ID, 10))(t); len(c) != 1 || c[0] != "bad" {
			t.Errorf("comments without a theme = %q, want [bad]", c)
		}
	})
}
