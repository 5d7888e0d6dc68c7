package annual_test

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/demo"
	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/report"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestGather(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, err := demo.Install(ctx, db, demo.Build(3))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&insight.Analyser{DB: db, Log: slog.New(slog.DiscardHandler)}).RunCount(ctx); err != nil {
			t.Fatal(err)
		}
		ws := res.Workspace
		surveys, err := db.Surveys(ctx, ws.ID)
		if err != nil || len(surveys) == 0 {
			t.Fatalf("surveys: %v, %v", surveys, err)
		}
		waves, err := db.Waves(ctx, ws.ID, surveys[0].ID)
		if err != nil || len(waves) < 2 {
			t.Fatalf("waves: %v, %v", waves, err)
		}
		for i, w := range waves {
			if w.OpensAt.After(db.Now()) {
				break
			}
			r, err := annual.Gather(ctx, db, cat, ws, annual.Options{WaveID: w.ID, Lang: "en"})
			if err != nil {
				t.Fatalf("Gather(%s): %v", w.Name, err)
			}
			h, err := db.Histogram(ctx, ws.ID, store.HistogramFilter{SurveyID: w.SurveyID, WaveID: w.ID})
			if err != nil {
				t.Fatal(err)
			}
			if r.Score.Histogram != h || r.Score.Result != nps.EstimateOf(h, w.Population) {
				t.Errorf("%s: score %+v from %v, want the rollup's %v", w.Name, r.Score.Result, r.Score.Histogram, h)
			}
			if len(r.Trend) != i+1 || r.Trend[i].Result != r.Score.Result || r.Trend[i].Name != w.Name {
				t.Errorf("%s: trend %+v, want %d waves ending in this one", w.Name, r.Trend, i+1)
			}
			if i > 0 {
				ph, err := db.Histogram(ctx, ws.ID, store.HistogramFilter{SurveyID: w.SurveyID, WaveID: waves[i-1].ID})
				if err != nil {
					t.Fatal(err)
				}
				if want := nps.EstimateOf(ph, waves[i-1].Population); r.Score.Previous != want {
					t.Errorf("%s: previous wave %+v, want %+v with its own population", w.Name, r.Score.Previous, want)
				}
				c, err := nps.Compare(r.Score.Previous, r.Score.Result)
				if r.Score.PreviousWave != waves[i-1].Name || !r.Score.ChangeOK || err != nil || r.Score.Change != c {
					t.Errorf("%s: change %+v from %s, want %+v from %s", w.Name, r.Score.Change, r.Score.PreviousWave, c, waves[i-1].Name)
				}
			}
			if r.Score.Result.Empty() {
				continue
			}
			if len(r.Themes) == 0 || r.Charts.Themes == "" {
				t.Errorf("%s: no themes", w.Name)
			}
			for j := 1; j < len(r.Themes); j++ {
				if r.Themes[j-1].Name == "" {
					t.Errorf("%s: a theme without a name: %+v", w.Name, r.Themes[j-1])
				}
			}
			for _, b := range r.Segments {
				var n int64
				for _, g := range b.Groups {
					n += g.Result.N
				}
				if n == 0 || n > r.Score.Result.N {
					t.Errorf("%s: segments by %s count %d answers of %d", w.Name, b.Attribute, n, r.Score.Result.N)
				}
			}
			if !r.Money.HasRevenue || r.Money.AtRisk.Total <= 0 || !r.Money.HasCalculator {
				t.Errorf("%s: money %+v, want the demo's revenue", w.Name, r.Money)
			}
			for j := 1; j < len(r.AtRisk); j++ {
				if r.AtRisk[j].Revenue > r.AtRisk[j-1].Revenue {
					t.Errorf("%s: accounts at risk not by revenue: %+v", w.Name, r.AtRisk)
				}
			}
			if r.Charts.Trend == "" || r.Charts.Distribution == "" || r.Charts.Categories == "" {
				t.Errorf("%s: a chart is missing", w.Name)
			}
			// Every text the gatherer names is in the catalog: a missing
			// key would show as itself.
			var page strings.Builder
			if err := report.HTML(&page, r); err != nil {
				t.Fatal(err)
			}
			if key := rawKey.FindString(page.String()); key != "" {
				t.Errorf("%s: the report shows the message key %q", w.Name, key)
			}
		}
		// The verbatims chosen, with and without names.
		last := waves[len(waves)-1]
		for last.OpensAt.After(db.Now()) {
			last = waves[len(waves)-2]
		}
		page, err := db.LatestResponses(ctx, ws.ID, store.ResponseFilter{WaveID: last.ID, HasComment: true, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var named store.ListedResponse
		for _, lr := range page.Responses {
			if lr.ContactName != "" {
				named = lr
				break
			}
		}
		if named.ID == 0 {
			t.Fatal("the demo has no named comment")
		}
		if err := db.ChooseVerbatim(ctx, ws.ID, named.ID); err != nil {
			t.Fatal(err)
		}
		r, err := annual.Gather(ctx, db, cat, ws, annual.Options{WaveID: last.ID, Lang: "nl"})
		if err != nil {
			t.Fatal(err)
		}
		// The demo's plans were made after last year's answers and are
		// this year's work.
		if r.Plans.Plans == 0 || r.Plans.Actions == 0 || len(r.Plans.Items) == 0 {
			t.Errorf("plans of %s: got %+v, want the demo's", last.Name, r.Plans)
		}
		if !slices.ContainsFunc(r.Verbatims, func(v report.Verbatim) bool {
			return v.Comment == named.Comment && strings.Contains(v.Who, named.ContactName)
		}) {
			t.Errorf("verbatims: got %+v, want %q by %s", r.Verbatims, named.Comment, named.ContactName)
		}
		anon, err := annual.Gather(ctx, db, cat, ws, annual.Options{WaveID: last.ID, Lang: "nl", Anonymise: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(anon.Verbatims) != len(r.Verbatims) || anon.Verbatims[0].Who != "" || !anon.Anonymised {
			t.Errorf("anonymised verbatims: got %+v", anon.Verbatims)
		}
		for _, a := range anon.AtRisk {
			if a.Account != "" {
				t.Errorf("anonymised account at risk: %+v", a)
			}
		}
		for _, p := range anon.Plans.Items {
			if p.Account != "" {
				t.Errorf("anonymised plan: %+v", p)
			}
		}
		if anon.Score != r.Score {
			t.Error("anonymising changed the figures")
		}

		// A member's report: their own accounts only.
		members, err := db.Members(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		tried := false
		for _, m := range members {
			if m.Role != nps.RoleMember {
				continue
			}
			tried = true
			mine, err := annual.Gather(ctx, db, cat, ws, annual.Options{WaveID: last.ID, Lang: "en", OwnerID: m.User.ID})
			if err != nil {
				t.Fatal(err)
			}
			h, err := db.Histogram(ctx, ws.ID, store.HistogramFilter{SurveyID: last.SurveyID, WaveID: last.ID, OwnerID: m.User.ID})
			if err != nil {
				t.Fatal(err)
			}
			if mine.Score.Histogram != h || h.N() >= r.Score.Result.N || len(mine.Owners) != 0 || mine.Money.HasGrowth {
				t.Errorf("%s's report: %v answers, %d owners, growth %v; want their %v of %d, no owners, no growth",
					m.User.Email, mine.Score.Histogram, len(mine.Owners), mine.Money.HasGrowth, h, r.Score.Result.N)
			}
			for _, a := range mine.AtRisk {
				if a.Owner != "" && a.Owner != m.User.Name && a.Owner != m.User.Email {
					t.Errorf("%s's report has an account of %s at risk", m.User.Email, a.Owner)
				}
			}
			break
		}
		if !tried {
			t.Error("the demo has no member to make a report for")
		}

		other, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "other", Name: "Other"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := annual.Gather(ctx, db, cat, other, annual.Options{WaveID: last.ID, Lang: "en"}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("another workspace's wave: got %v, want ErrNotFound", err)
		}
		var v *nps.ValidationError
		if _, err := annual.Gather(ctx, db, cat, ws, annual.Options{WaveID: last.ID, Lang: "de"}); !errors.As(err, &v) {
			t.Errorf("language de: got %v, want a validation error", err)
		}
	})
}

// rawKey finds a message key shown as itself.
var rawKey = regexp.MustCompile(`\b(report|dash|promoter|insight|value)\.[a-z_]+(\.[a-z_0-9]+)*\b`)

func TestAnonymise(t *testing.T) {
	for _, c := range []struct {
		comment string
		names   []string
		want    string
	}{
		{"Jan de Vries van Acme BV is blij", []string{"Jan de Vries", "Acme BV"}, "[…] de […] van […] BV is blij"},
		{"mail me: jan.devries@acme.nl", nil, "mail me: […]"},
		{"Bel 06-12345678 of +31 (0)20 123 4567", nil, "Bel […] of […]"},
		{"In 2024 kostte het EUR 1.250", nil, "In 2024 kostte het EUR 1.250"},
		{"zie https://acme.nl/klacht?id=3 en www.acme.nl", nil, "zie […] en […]"},
		{"JAN was snel, jannie niet", []string{"Jan"}, "[…] was snel, jannie niet"},
		{"Müller kam schnell", []string{"Jürgen Müller"}, "[…] kam schnell"},
		{"geen namen", []string{"", "Al"}, "geen namen"},
		{"", []string{"Jan"}, ""},
	} {
		if got := annual.Anonymise(c.comment, c.names...); got != c.want {
			t.Errorf("Anonymise(%q, %q): got %q, want %q", c.comment, c.names, got, c.want)
		}
	}
}
