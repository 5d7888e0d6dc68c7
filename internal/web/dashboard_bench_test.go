package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// BenchmarkDashboardPages serves each dashboard page, whole (queries,
// statistics, charts and template), from a database that holds the
// benchmark workload (promotor load-workload; see docs/PERFORMANCE.md):
// PROMOTOR_BENCH_SQLITE names a SQLite file, PROMOTOR_BENCH_POSTGRES a
// PostgreSQL URL, PROMOTOR_BENCH_WORKSPACE the workspace (default
// "workload"). It adds an owner "bench@promotor.test" to the workspace.
//
//	PROMOTOR_BENCH_SQLITE=/var/tmp/workload_10m.db go test ./internal/web -run '^$' -bench BenchmarkDashboardPages -count 5
func BenchmarkDashboardPages(b *testing.B) {
	dbs := map[string]string{"sqlite": os.Getenv("PROMOTOR_BENCH_SQLITE"), "postgres": os.Getenv("PROMOTOR_BENCH_POSTGRES")}
	ran := false
	for _, name := range []string{"sqlite", "postgres"} {
		if dbs[name] == "" {
			continue
		}
		ran = true
		b.Run(name, func(b *testing.B) { benchmarkPages(b, dbs[name]) })
	}
	if !ran {
		b.Skip("set PROMOTOR_BENCH_SQLITE or PROMOTOR_BENCH_POSTGRES to a database with the benchmark workload")
	}
}

func benchmarkPages(b *testing.B, dsn string) {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	slug := os.Getenv("PROMOTOR_BENCH_WORKSPACE")
	if slug == "" {
		slug = "workload"
	}
	ws, err := db.WorkspaceBySlug(ctx, slug)
	if err != nil {
		b.Fatalf("workspace %q: %v", slug, err)
	}
	u, err := db.UserByEmail(ctx, "bench@promotor.test")
	if errors.Is(err, nps.ErrNotFound) {
		u, err = db.CreateUser(ctx, nps.User{Email: "bench@promotor.test", Name: "Bench"})
		if err == nil {
			_, err = db.AddMember(ctx, ws.ID, u.ID, nps.RoleOwner)
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := db.CreateSession(ctx, u.ID, "password")
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	get := func(b *testing.B, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d\n%s", path, rec.Code, appExcerpt(rec.Body.String()))
		}
		return rec
	}
	// A cursor deep in the feed, after the newest 500,000 responses, and
	// the account with the most responses in the last wave.
	w := "/w/" + slug
	var deep store.ResponseCursor
	for range 1000 {
		page, err := db.LatestResponses(ctx, ws.ID, store.ResponseFilter{After: deep, Limit: store.MaxResponsePage})
		if err != nil || page.Next.IsZero() {
			b.Fatalf("paging to 500,000 responses deep: %v", err)
		}
		deep = page.Next
	}
	surveys, err := db.Surveys(ctx, ws.ID)
	if err != nil || len(surveys) == 0 {
		b.Fatalf("surveys: %v", err)
	}
	waves, err := db.Waves(ctx, ws.ID, surveys[0].ID)
	if err != nil || len(waves) == 0 {
		b.Fatalf("waves: %v", err)
	}
	figures, err := db.AccountFigures(ctx, ws.ID, store.AccountFigureFilter{SurveyID: surveys[0].ID, WaveID: waves[len(waves)-1].ID})
	if err != nil {
		b.Fatal(err)
	}
	var biggest store.AccountFigures
	for _, f := range figures {
		if f.Histogram.N() > biggest.Histogram.N() {
			biggest = f
		}
	}
	for _, p := range []struct{ name, path string }{
		{"overview", w + "/dashboard"},
		{"trend-waves", w + "/trend"},
		{"trend-months", w + "/trend?by=month"},
		{"breakdown-owner", w + "/breakdown"},
		{"breakdown-segment", w + "/breakdown?by=account:segment"},
		{"accounts", w + "/accounts"},
		{"accounts-by-nps", w + "/accounts?sort=nps&dir=desc"},
		{"account-largest", w + fmt.Sprintf("/accounts/%d", biggest.Account.ID)},
		{"feed", w + "/responses"},
		{"feed-detractors-with-comment", w + "/responses?category=detractor&comment=1"},
		{"breakdown-contact", w + "/breakdown?by=contact:language"},
		{"feed-search", w + "/responses?wave=all&q=" + url.QueryEscape("slow support")},
		{"feed-search-no-match", w + "/responses?wave=all&q=" + url.QueryEscape("zeppelin")},
		{"feed-deep", w + "/responses?wave=all&after=" + url.QueryEscape(appFormatCursor(deep))},
		{"calculation", w + "/calculation"},
		{"calculation-revenue", w + "/calculation?weight=revenue"},
	} {
		b.Run(p.name, func(b *testing.B) {
			get(b, p.path) // warm
			b.ResetTimer()
			for b.Loop() {
				get(b, p.path)
			}
		})
	}
}
