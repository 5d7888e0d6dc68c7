package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// The follow-ups and plans of these tests are written as rows, the way
// the alert and plan pages store them.

func rawExec(t *testing.T, db *store.DB, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := store.RawSQL(db).QueryRow(query+` RETURNING id`, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}

// insertFollowUp writes an alert on response r, opened at created, due
// after due, contacted after contacted (0: not contacted).
func insertFollowUp(t *testing.T, db *store.DB, ws, rule int64, r nps.Response, created time.Time, due, contacted time.Duration) {
	t.Helper()
	state, at := "open", any(nil)
	if contacted != 0 {
		state, at = "contacted", created.Add(contacted)
	}
	rawExec(t, db, `INSERT INTO alerts (workspace_id, rule_id, kind, reason, response_id, account_id, contact_id, state,
			due_at, contacted_at, created_at, updated_at) VALUES ($1, $2, 'score', 'score ≤ 6', $3, $4, $5, $6, $7, $8, $9, $9)`,
		ws, rule, r.ID, r.AccountID, r.ContactID, state, created.Add(due), at, created)
}

func insertPlan(t *testing.T, db *store.DB, ws, account int64, state string, created time.Time) {
	t.Helper()
	rawExec(t, db, `INSERT INTO plans (workspace_id, account_id, title, state, created_at, updated_at)
		VALUES ($1, $2, 'Plan', $3, $4, $4)`, ws, account, state, created)
}

// TestLoopFigures works one example by hand. Wave 1 (t0): Anna (Acme)
// 10, Ben 9, Cleo (Beta) 9, Dirk 7; no detractors. Acme gets a plan on
// day 40, before wave 2 opens on day 60: it followed wave 1 and gives
// Acme the loop treatment before wave 2. In wave 2, Acme: 10, 9, 2, 6;
// Beta: 3, 5, 9; four detractors, two contacted in time (after 4 and 20
// hours of a 48-hour deadline), one late (60 hours), one not contacted:
// 2 of 4 in time, median of 4, 20, 60 hours = 20 hours. Beta gets a plan
// on day 70, done: it followed wave 2.
func TestLoopFigures(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db, "loop")
		ws := f.ws.ID
		day := 24 * time.Hour
		wave2 := must(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: t0.Add(60 * day), ClosesAt: t0.Add(90 * day)}))(t)
		insertPlan(t, db, ws, f.account.ID, "open", t0.Add(40*day))
		insertPlan(t, db, ws, f.beta.ID, "done", t0.Add(70*day))
		rule := rawExec(t, db, `INSERT INTO alert_rules (workspace_id, name, kind, max_score, created_at, updated_at)
			VALUES ($1, 'Detractors', 'score', 6, $2, $2)`, ws, t0)

		f.clock.add(61 * day)
		seq := 0
		answer := func(account int64, score int) nps.Response {
			f.clock.add(time.Minute)
			seq++
			c := must(db.CreateContact(ctx, ws, nps.Contact{AccountID: account, ExternalID: fmt.Sprint("W2-", seq)}))(t)
			return must(db.RecordResponse(ctx, ws, nps.Response{WaveID: wave2.ID, ContactID: c.ID, Score: score, Channel: nps.ChannelLink}))(t)
		}
		answer(f.account.ID, 10)
		answer(f.account.ID, 9)
		a2 := answer(f.account.ID, 2)
		a6 := answer(f.account.ID, 6)
		b3 := answer(f.beta.ID, 3)
		b5 := answer(f.beta.ID, 5)
		b9 := answer(f.beta.ID, 9)
		now := f.clock.now()
		h := time.Hour
		insertFollowUp(t, db, ws, rule, a2, now, 48*h, 4*h)
		insertFollowUp(t, db, ws, rule, a6, now, 48*h, 20*h)
		insertFollowUp(t, db, ws, rule, b3, now, 48*h, 60*h)
		insertFollowUp(t, db, ws, rule, b5, now, 48*h, 0)
		// An alert on a 9 (a keyword, say) is no detractor's follow-up.
		insertFollowUp(t, db, ws, rule, b9, now, 48*h, h)

		type want struct {
			detractors, contacted, inTime int64
			median                        time.Duration
			open, done                    int64
			with, without                 string
			withN, withoutN               int64
		}
		check := func(name string, got []store.LoopWave, wants []want) {
			t.Helper()
			if len(got) != len(wants) {
				t.Fatalf("%s: got %d waves, want %d", name, len(got), len(wants))
			}
			for i, w := range wants {
				fig, err := got[i].Figures(nps.Options{})
				if err != nil {
					t.Fatal(err)
				}
				g := want{fig.Detractors, fig.Contacted, fig.InTime.Part, fig.MedianContact, fig.PlansOpen, fig.PlansDone,
					fig.WithPlan.Format(), fig.WithoutPlan.Format(), fig.WithPlan.N, fig.WithoutPlan.N}
				if g != w {
					t.Errorf("%s, wave %s: got %+v, want %+v", name, got[i].Wave.Name, g, w)
				}
			}
		}
		all := must(db.LoopFigures(ctx, ws, f.survey.ID, 0))(t)
		check("everyone", all, []want{
			// Wave 1: Anna 10, Ben 9, Cleo 9, Dirk 7, the anonymous 10;
			// nobody had a plan before it opened.
			{0, 0, 0, 0, 1, 0, nps.NoResponses, "+80", 0, 5},
			// Wave 2: Acme 10, 9, 2, 6 with a plan (0); Beta 3, 5, 9
			// without (−33).
			{4, 3, 2, 20 * h, 0, 1, "0", "-33", 4, 3},
		})
		if fig, _ := all[1].Figures(nps.Options{}); fig.InTime.RoundedPercent() != 50 || !fig.Compared {
			t.Errorf("wave 2: in time %d %%, compared %v; want 50 %%, compared", fig.InTime.RoundedPercent(), fig.Compared)
		}
		// The member who owns Beta sees Beta only.
		check("Beta's owner", must(db.LoopFigures(ctx, ws, f.survey.ID, f.other.ID))(t), []want{
			{0, 0, 0, 0, 0, 0, nps.NoResponses, "+50", 0, 2}, // Cleo 9, Dirk 7
			{2, 1, 0, 60 * h, 0, 1, nps.NoResponses, "-33", 0, 3},
		})
		if l := must(db.LoopFigures(ctx, ws, 0, 0))(t); len(l) != 0 {
			t.Errorf("LoopFigures without a survey: got %d waves, want none", len(l))
		}
	})
}

// BenchmarkPromoterWorkload asks the promoter list and the loop figures
// of the benchmark workload (see BenchmarkWorkloadQuestions for the
// databases it reads): the first page of wave 5's promoters by date and
// by account, a deep page, the survey's promoters, and the loop figures.
func BenchmarkPromoterWorkload(b *testing.B) {
	eachWorkload(b, func(b *testing.B, db *store.DB, w workloadDB) {
		ctx := context.Background()
		first := must(db.Promoters(ctx, w.ws, store.PromoterFilter{WaveID: w.last(), Limit: 1}))(b)
		for _, c := range []struct {
			name string
			f    store.PromoterFilter
		}{
			{"wave by date", store.PromoterFilter{WaveID: w.last(), Desc: true}},
			{"wave by account", store.PromoterFilter{WaveID: w.last(), Sort: "account"}},
			{"wave, last page", store.PromoterFilter{WaveID: w.last(), Desc: true, Offset: max(0, first.Total-100)}},
			{"survey", store.PromoterFilter{SurveyID: w.survey, Desc: true}},
		} {
			b.Run("promoters "+c.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Promoters(ctx, w.ws, c.f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run("loop figures", func(b *testing.B) {
			for b.Loop() {
				if _, err := db.LoopFigures(ctx, w.ws, w.survey, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
