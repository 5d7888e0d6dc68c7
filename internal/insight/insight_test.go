package insight_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
	"github.com/promotor/promotor/internal/text"
)

// TestAnalyser runs the analysis over stored answers with the default
// taxonomy, then with one the workspace edited, on both databases.
func TestAnalyser(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
		check(t, err)
		s, err := db.CreateSurvey(ctx, ws.ID, nps.Survey{Name: "NPS", DefaultLanguage: "nl",
			Questions: nps.Questions{Retention: true},
			Texts: map[string]nps.SurveyText{"nl": {Question: "Hoe waarschijnlijk?", Retention: "Overstappen?",
				FollowUp: nps.FollowUp{Promoter: "Waarom?", Passive: "Waarom?", Detractor: "Waarom?"}}}})
		check(t, err)
		w, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: s.ID, Name: "2026", OpensAt: now.Add(-time.Hour)})
		check(t, err)
		answers := []struct {
			score   int
			comment string
			intent  nps.SwitchIntent
		}{
			{2, "De facturen kloppen nooit en niemand reageert op mijn mails.", nps.SwitchYes},
			{10, "Very helpful support team, they solved our problem within the hour.", nps.SwitchNo},
			{8, "", nps.SwitchUnsure},
			{7, "", ""},
		}
		for _, a := range answers {
			_, err := db.RecordResponse(ctx, ws.ID, nps.Response{WaveID: w.ID, Score: a.score, Comment: a.comment,
				Language: "nl", Answers: nps.Answers{SwitchIntent: a.intent}, Channel: nps.ChannelLink})
			check(t, err)
		}
		an := &insight.Analyser{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if n, err := an.RunCount(ctx); err != nil || n != len(answers) {
			t.Fatalf("analysed %d, %v; want %d", n, err, len(answers))
		}
		if n, err := an.RunCount(ctx); err != nil || n != 0 {
			t.Fatalf("a second run analysed %d, %v; want nothing left", n, err)
		}
		ins, err := db.Insight(ctx, ws.ID, s.ID, 0)
		check(t, err)
		got := ins[0]
		if got.Themes["invoicing"].N() != 1 || got.Themes["invoicing"][2] != 1 {
			t.Errorf("invoicing = %v, want the detractor's answer", got.Themes["invoicing"])
		}
		if got.Themes["support"].N() != 1 || got.Themes["support"][10] != 1 {
			t.Errorf("support = %v, want the promoter's answer", got.Themes["support"])
		}
		if got.Sentiment[nps.Negative][2] != 1 || got.Sentiment[nps.Positive][10] != 1 || got.Commented.N() != 2 {
			t.Errorf("sentiment = %v, commented %v", got.Sentiment, got.Commented)
		}
		if got.Intent[nps.SwitchUnsure][8] != 1 || got.Intent[""][7] != 1 {
			t.Errorf("intent = %v", got.Intent)
		}

		// An edited taxonomy: a theme of its own, and invoicing gone.
		themes, err := insight.Themes(must(db.Taxonomy(ctx, ws.ID)))
		check(t, err)
		themes = slices.DeleteFunc(themes, func(th text.Theme) bool { return th.Key == "invoicing" })
		themes = append(themes, text.Theme{Key: "mail", Name: map[text.Lang]string{text.Dutch: "E-mail", text.English: "Email"},
			Keywords: map[text.Lang][]string{text.Dutch: {"mail*"}, text.English: {"mail*"}}})
		if _, err := insight.SaveTaxonomy(ctx, db, ws.ID, themes, 0); err != nil {
			t.Fatal(err)
		}
		if n, err := an.RunCount(ctx); err != nil || n != len(answers) {
			t.Fatalf("after the taxonomy changed: analysed %d, %v; want %d", n, err, len(answers))
		}
		got = must(db.Insight(ctx, ws.ID, s.ID, 0))[0]
		if got.Themes["invoicing"].N() != 0 || got.Themes["mail"].N() != 1 {
			t.Errorf("after the change: invoicing %v, mail %v", got.Themes["invoicing"], got.Themes["mail"])
		}

		// A taxonomy that does not validate is refused, and nothing changes.
		before := must(db.Taxonomy(ctx, ws.ID))
		_, err = insight.SaveTaxonomy(ctx, db, ws.ID, []text.Theme{{Key: "Bad Key"}}, 0)
		if err == nil {
			t.Fatal("an invalid taxonomy was saved")
		}
		if after := must(db.Taxonomy(ctx, ws.ID)); after != before {
			t.Errorf("a refused taxonomy changed the stored one: %+v, was %+v", after, before)
		}
	})
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
