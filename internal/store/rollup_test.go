package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// cell is a rollup key as the tests see it.
type cell struct {
	survey, wave, account int64
	month                 int
}

// rollupFromResponses recomputes the rollup from the responses table.
func rollupFromResponses(t *testing.T, db *store.DB, workspaceID int64) map[cell]nps.Histogram {
	t.Helper()
	rows, err := store.RawSQL(db).Query(`
		SELECT survey_id, wave_id, COALESCE(account_id, 0), month, score
		FROM responses WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cells := map[cell]nps.Histogram{}
	for rows.Next() {
		var c cell
		var score int
		if err := rows.Scan(&c.survey, &c.wave, &c.account, &c.month, &score); err != nil {
			t.Fatal(err)
		}
		h := cells[c]
		h.Add(score)
		cells[c] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cells
}

// storedRollup reads the non-empty cells of score_rollup and checks that
// score_totals holds their sums over accounts and score_accounts over
// months.
func storedRollup(t *testing.T, db *store.DB, workspaceID int64) map[cell]nps.Histogram {
	t.Helper()
	cells := readCells(t, db, `SELECT survey_id, wave_id, account_id, month, `+scores+`
		FROM score_rollup WHERE workspace_id = $1`, workspaceID)
	want, wantAccounts := map[cell]nps.Histogram{}, map[cell]nps.Histogram{}
	for c, h := range cells {
		total, account := c, c
		total.account, account.month = 0, 0
		for _, m := range []struct {
			sums map[cell]nps.Histogram
			key  cell
		}{{want, total}, {wantAccounts, account}} {
			sum := m.sums[m.key]
			sum.Merge(h)
			m.sums[m.key] = sum
		}
	}
	totals := readCells(t, db, `SELECT survey_id, wave_id, 0, month, `+scores+`
		FROM score_totals WHERE workspace_id = $1`, workspaceID)
	if !reflect.DeepEqual(totals, want) {
		t.Errorf("score_totals: got %v, want the sums of score_rollup %v", totals, want)
	}
	accounts := readCells(t, db, `SELECT survey_id, wave_id, account_id, 0, `+scores+`
		FROM score_accounts WHERE workspace_id = $1`, workspaceID)
	if !reflect.DeepEqual(accounts, wantAccounts) {
		t.Errorf("score_accounts: got %v, want the sums of score_rollup %v", accounts, wantAccounts)
	}
	return cells
}

const scores = `s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10`

// readCells reads a rollup table's non-empty cells.
func readCells(t *testing.T, db *store.DB, query string, workspaceID int64) map[cell]nps.Histogram {
	t.Helper()
	rows, err := store.RawSQL(db).Query(query, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cells := map[cell]nps.Histogram{}
	for rows.Next() {
		var c cell
		var h nps.Histogram
		dest := []any{&c.survey, &c.wave, &c.account, &c.month}
		for i := range h {
			dest = append(dest, &h[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		if h.N() > 0 {
			cells[c] = h
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cells
}

// TestRollupFollowsResponses submits random first answers, changes,
// repeats, moves of contacts between accounts and anonymous answers over
// many months, and checks after each step that the rollup equals a
// histogram recomputed from the responses.
func TestRollupFollowsResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "property")
		rng := rand.New(rand.NewPCG(2025, 3))
		waves := []nps.Wave{
			must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "Continuous", OpensAt: t0}))(t),
			must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "Pulse", OpensAt: t0}))(t),
		}
		accounts := []int64{0, f.account.ID,
			must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "B", Industry: "Retail"}))(t).ID,
			must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "C", Industry: "Health"}))(t).ID,
		}
		var contacts []nps.Contact
		for i := range 12 {
			contacts = append(contacts, must(db.CreateContact(ctx, f.ws.ID, nps.Contact{
				Email: fmt.Sprintf("c%d@example.com", i), AccountID: accounts[rng.IntN(len(accounts))],
			}))(t))
		}
		for step := range 250 {
			f.clock.add(time.Duration(rng.IntN(72)) * time.Hour)
			w := waves[rng.IntN(len(waves))]
			r := nps.Response{WaveID: w.ID, Score: rng.IntN(11), Channel: nps.ChannelLink}
			switch roll := rng.IntN(10); {
			case roll == 0:
				// anonymous
			case roll == 1:
				c := &contacts[rng.IntN(len(contacts))]
				c.AccountID = accounts[rng.IntN(len(accounts))]
				*c = must(db.UpsertContact(ctx, f.ws.ID, *c))(t)
				continue
			default:
				r.ContactID = contacts[rng.IntN(len(contacts))].ID
			}
			if _, err := db.RecordResponse(ctx, f.ws.ID, r); err != nil {
				t.Fatalf("step %d: RecordResponse(%+v): %v", step, r, err)
			}
			if step%25 == 0 || step == 249 {
				if got, want := storedRollup(t, db, f.ws.ID), rollupFromResponses(t, db, f.ws.ID); !reflect.DeepEqual(got, want) {
					t.Fatalf("step %d: rollup got %v, want %v", step, got, want)
				}
			}
		}
		var revisions, changes int
		store.RawSQL(db).QueryRow(`SELECT count(*) FROM response_revisions`).Scan(&revisions)
		store.RawSQL(db).QueryRow(`SELECT COALESCE(SUM(revision - 1), 0) FROM responses`).Scan(&changes)
		if revisions != changes || revisions == 0 {
			t.Errorf("revisions: got %d, want the %d changes (and some)", revisions, changes)
		}
		checkHistograms(t, db, f.ws.ID, rollupFromResponses(t, db, f.ws.ID))
	})
}

// checkHistograms compares Histogram and Histograms under several filters
// with sums over cells.
func checkHistograms(t *testing.T, db *store.DB, workspaceID int64, cells map[cell]nps.Histogram) {
	t.Helper()
	ctx := context.Background()
	var anyCell cell
	for c := range cells {
		anyCell = c
		break
	}
	filters := []store.HistogramFilter{
		{},
		{SurveyID: anyCell.survey},
		{WaveID: anyCell.wave},
		{SurveyID: anyCell.survey, WaveID: anyCell.wave, AccountID: anyCell.account},
		{AccountID: anyCell.account},
		{FromMonth: nps.Month(anyCell.month)},
		{ToMonth: nps.Month(anyCell.month)},
		{WaveID: anyCell.wave, FromMonth: nps.Month(anyCell.month), ToMonth: nps.Month(anyCell.month)},
	}
	for _, hf := range filters {
		var want nps.Histogram
		byWave, byMonth, byAccount := map[string]nps.Histogram{}, map[string]nps.Histogram{}, map[string]nps.Histogram{}
		for c, h := range cells {
			if hf.SurveyID != 0 && c.survey != hf.SurveyID || hf.WaveID != 0 && c.wave != hf.WaveID ||
				hf.AccountID != 0 && c.account != hf.AccountID ||
				hf.FromMonth != 0 && c.month < int(hf.FromMonth) || hf.ToMonth != 0 && c.month > int(hf.ToMonth) {
				continue
			}
			want.Merge(h)
			for m, k := range map[*map[string]nps.Histogram]string{
				&byWave: strconv.FormatInt(c.wave, 10), &byMonth: nps.Month(c.month).String(), &byAccount: strconv.FormatInt(c.account, 10),
			} {
				g := (*m)[k]
				g.Merge(h)
				(*m)[k] = g
			}
		}
		if got := must(db.Histogram(ctx, workspaceID, hf))(t); got != want {
			t.Errorf("Histogram(%+v): got %v, want %v", hf, got, want)
		}
		for dim, wantGroups := range map[store.Dimension]map[string]nps.Histogram{
			store.GroupWave: byWave, store.GroupMonth: byMonth, store.GroupAccount: byAccount,
		} {
			got := map[string]nps.Histogram{}
			for _, g := range must(db.Histograms(ctx, workspaceID, hf, store.GroupBy{Dimension: dim}))(t) {
				got[g.Key] = g.Histogram
			}
			if !reflect.DeepEqual(got, wantGroups) {
				t.Errorf("Histograms(%+v, %s): got %v, want %v", hf, dim, got, wantGroups)
			}
		}
	}
}

// TestConcurrentAnswers lets several respondents answer and change their
// answers at once, through invitations and survey links, and checks that
// nothing is lost and the rollup agrees.
func TestConcurrentAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "concurrent")
		var invs []nps.Invitation
		for i := range 4 {
			c := f.addContact(t, fmt.Sprintf("p%d@acme.example", i))
			invs = append(invs, must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, c.ID))(t))
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := range 8 {
			wg.Go(func() {
				for i := range 8 {
					inv := invs[(g+i)%len(invs)]
					r := nps.Response{WaveID: f.wave.ID, InvitationID: inv.ID, Score: (g + i) % 11, Comment: fmt.Sprint(g, i), Channel: nps.ChannelEmail}
					if g%2 == 1 {
						// The same respondents, through the survey link.
						r.InvitationID, r.ContactID, r.Channel = 0, inv.ContactID, nps.ChannelLink
					}
					if _, err := db.RecordResponse(ctx, f.ws.ID, r); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("RecordResponse: %v", err)
		}
		cells := rollupFromResponses(t, db, f.ws.ID)
		if got := storedRollup(t, db, f.ws.ID); !reflect.DeepEqual(got, cells) {
			t.Errorf("rollup: got %v, want %v", got, cells)
		}
		var n, revisions int
		store.RawSQL(db).QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
		store.RawSQL(db).QueryRow(`SELECT count(*) FROM response_revisions`).Scan(&revisions)
		if n != len(invs) || n+revisions != 64 {
			t.Errorf("got %d responses and %d revisions, want %d responses and 64 versions in all", n, revisions, len(invs))
		}
	})
}

func TestHistogramsBySegment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "segments")
		health := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Clinic", Industry: "Health",
			Attributes: map[string]string{"Contract type": "basic"}}))(t)
		bare := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Bare"}))(t)
		answer := func(accountID int64, email string, score int) {
			c := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: accountID, Email: email}))(t)
			must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: score, Channel: nps.ChannelLink}))(t)
		}
		answer(f.account.ID, "a1@x.example", 10)
		answer(f.account.ID, "a2@x.example", 3)
		answer(health.ID, "h1@x.example", 8)
		answer(bare.ID, "b1@x.example", 9)
		answer(0, "consumer@x.example", 0)
		hist := func(scores ...int) (h nps.Histogram) {
			for _, s := range scores {
				h.Add(s)
			}
			return h
		}
		tests := []struct {
			attr string
			want []store.Group
		}{
			{"industry", []store.Group{{"", hist(9, 0)}, {"Health", hist(8)}, {"Retail", hist(10, 3)}}},
			{"size", []store.Group{{"", hist(8, 9, 0)}, {"large", hist(10, 3)}}},
			{"Contract type", []store.Group{{"", hist(9, 0)}, {"basic", hist(8)}, {"enterprise", hist(10, 3)}}},
			{"no such attribute", []store.Group{{"", hist(10, 3, 8, 9, 0)}}},
		}
		for _, tt := range tests {
			got := must(db.Histograms(ctx, f.ws.ID, store.HistogramFilter{}, store.GroupBy{Dimension: store.GroupSegment, Attribute: tt.attr}))(t)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Histograms by %q: got %v, want %v", tt.attr, got, tt.want)
			}
		}
		if _, err := db.Histograms(ctx, f.ws.ID, store.HistogramFilter{}, store.GroupBy{Dimension: "team"}); err == nil {
			t.Errorf("Histograms by an unknown dimension: got no error, want one")
		}
		if _, err := db.Histograms(ctx, f.ws.ID, store.HistogramFilter{}, store.GroupBy{Dimension: store.GroupSegment}); err == nil {
			t.Errorf("Histograms by segment without attribute: got no error, want one")
		}
	})
}
