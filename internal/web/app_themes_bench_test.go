package web

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// BenchmarkThemesPage serves the themes page whole (the rollups, every
// wave's theme effects, the suggested themes from the newest 2,000
// unmatched comments, the chart and the template) for a survey of three
// waves of 1,500 answers each, two thirds with a comment, analysed with
// the default taxonomy. Most comments match no theme, so that the
// suggestions read the full 2,000. SQLite, and PostgreSQL when its test
// URL is set:
//
//	go test ./internal/web -run '^$' -bench BenchmarkThemesPage -benchtime 20x
func BenchmarkThemesPage(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			h, secret := seedThemesBench(b, storetest.Open(b, d))
			get := func() {
				req := httptest.NewRequest("GET", "/w/bench/themes", nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: secret})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Suggested themes") {
					b.Fatalf("themes page: %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
				}
			}
			get() // warm
			b.ResetTimer()
			for b.Loop() {
				get()
			}
		})
	}
}

// seedThemesBench fills db with the benchmark's workspace "bench" and
// returns the server's handler and an owner's session.
func seedThemesBench(tb testing.TB, db *store.DB) (http.Handler, string) {
	tb.Helper()
	ctx := context.Background()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "bench", Name: "Bench"})
	must(err)
	u, err := db.CreateUser(ctx, nps.User{Email: "bench@example.com"})
	must(err)
	_, err = db.AddMember(ctx, ws.ID, u.ID, nps.RoleOwner)
	must(err)
	secret, _, err := db.CreateSession(ctx, u.ID, "password")
	must(err)
	sv, err := db.CreateSurvey(ctx, ws.ID, appTestSurvey("Bench", true))
	must(err)
	// Comments of two to four parts: a tenth names a theme of the default
	// taxonomy, the rest talk of things it has no theme for.
	themed := []string{"the price is too high", "support answered quickly", "the invoice was wrong again"}
	other := []string{"the parking garage was full", "lunch in the canteen was cold", "the new office is far away",
		"our project lead left", "the website is slow at night", "the coffee machine broke", "the newsletter is too long",
		"training sessions were useful", "the app crashes on my phone", "the warehouse closes early"}
	intents := []nps.SwitchIntent{"", nps.SwitchNo, nps.SwitchNo, nps.SwitchUnsure, nps.SwitchYes}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for year := range 3 {
		wv, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: sv.ID, Name: start.AddDate(year, 0, 0).Format("2006"), OpensAt: start.AddDate(year, 0, 0)})
		must(err)
		for i := range 1500 {
			var comment string
			if i%3 != 0 {
				parts := make([]string, 2+rng.IntN(3))
				for j := range parts {
					parts[j] = other[rng.IntN(len(other))]
					if rng.IntN(10) == 0 {
						parts[j] = themed[rng.IntN(len(themed))]
					}
				}
				comment = strings.Join(parts, ", and ")
			}
			_, err := db.RecordResponse(ctx, ws.ID, nps.Response{WaveID: wv.ID, Score: rng.IntN(11), Comment: comment, Language: "en",
				Answers: nps.Answers{SwitchIntent: intents[rng.IntN(len(intents))]}, Channel: nps.ChannelLink})
			must(err)
		}
	}
	a := &insight.Analyser{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	_, err = a.RunCount(ctx)
	must(err)
	s, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	must(err)
	return s.Handler(), secret
}
