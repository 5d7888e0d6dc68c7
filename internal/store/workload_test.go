package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// testWorkload is a small workload like the generator's.
type testWorkload struct {
	accounts  []store.WorkloadAccount
	contacts  []store.WorkloadContact
	responses []store.WorkloadResponse
}

// commentWords are the words of the comments; no two share a stem, so
// that a word's matches are the comments that have it.
var commentWords = strings.Fields(`the product support team onboarding dashboard reports billing mobile
	great excellent helpful fast reliable slow buggy expensive confusing okay fine decent`)

// newTestWorkload writes a deterministic workload of n responses: accounts
// of very different sizes in the ten segments, contacts with many answers
// per wave, comments on about a third.
func newTestWorkload(nAccounts, nContacts, n int) testWorkload {
	rng := rand.New(rand.NewPCG(2024, 601))
	var w testWorkload
	for a := 1; a <= nAccounts; a++ {
		w.accounts = append(w.accounts, store.WorkloadAccount{Line: a + 1, ID: int64(a),
			Name: fmt.Sprintf("Account %04d", a), Segment: workloadSegments[(a-1)%len(workloadSegments)]})
	}
	// Skewed: low IDs are picked much more often.
	skewed := func(n int) int { f := rng.Float64(); return 1 + int(f*f*float64(n)) }
	accountOf := map[int64]int64{}
	for c := 1; c <= nContacts; c++ {
		a := c
		if c > nAccounts {
			a = skewed(nAccounts)
		}
		accountOf[int64(c)] = int64(a)
		w.contacts = append(w.contacts, store.WorkloadContact{Line: c + 1, ID: int64(c), AccountID: int64(a),
			Email: fmt.Sprintf("contact%06d@account%04d.example", c, a)})
	}
	for range n {
		wave := 1 + rng.IntN(store.WorkloadWaves)
		start := time.Date(2020+wave, 1, 1, 0, 0, 0, 0, time.UTC)
		secs := start.AddDate(1, 0, 0).Sub(start) / time.Second
		contact := int64(skewed(nContacts))
		account := accountOf[contact]
		score := min(10, rng.IntN(11)+int(account%3))
		r := store.WorkloadResponse{Wave: wave, ContactID: contact, AccountID: account, Score: score,
			CreatedAt: start.Add(time.Duration(rng.Int64N(int64(secs))) * time.Second)}
		if rng.IntN(3) == 0 {
			words := make([]string, 3+rng.IntN(12))
			for i := range words {
				words[i] = commentWords[rng.IntN(len(commentWords))]
			}
			r.Comment = strings.ToUpper(words[0][:1]) + words[0][1:] + " " + strings.Join(words[1:], ", ") + "."
		}
		w.responses = append(w.responses, r)
	}
	// The edges of Q5's months, in an account of its segment.
	for _, t := range []time.Time{workloadFrom, workloadFrom.Add(-time.Second), workloadTo, workloadTo.Add(-time.Second)} {
		w.responses = append(w.responses, store.WorkloadResponse{Wave: 5, ContactID: 3, AccountID: 3, Score: 10, CreatedAt: t})
	}
	slices.SortStableFunc(w.responses, func(a, b store.WorkloadResponse) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range w.responses {
		w.responses[i].Line = i + 2
	}
	return w
}

// source reads the workload's rows.
func (w testWorkload) source() store.WorkloadSource {
	return store.WorkloadSource{
		AccountsName: "accounts.csv", ContactsName: "contacts.csv", ResponsesName: "responses.csv",
		Accounts: rowsOf(w.accounts), Contacts: rowsOf(w.contacts), Responses: rowsOf(w.responses),
		Batch: 1000,
	}
}

func rowsOf[T any](rows []T) func() (T, error) {
	return func() (T, error) {
		var row T
		if len(rows) == 0 {
			return row, io.EOF
		}
		row, rows = rows[0], rows[1:]
		return row, nil
	}
}

func TestLoadWorkload(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tw := newTestWorkload(60, 600, 6000)
		var progress []int64
		src := tw.source()
		src.Progress = func(n int64) { progress = append(progress, n) }
		report, err := db.LoadWorkload(ctx, "workload", src)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(len(tw.responses))
		if report.Accounts != 60 || report.Contacts != 600 || report.Responses != n || !report.CreatedWorkspace {
			t.Errorf("report %+v, want 60 accounts, 600 contacts, %d responses in a new workspace", report, n)
		}
		if len(progress) != int(n+999)/1000 || progress[len(progress)-1] != n {
			t.Errorf("progress %v, want every 1000 responses up to %d", progress, n)
		}
		raw := store.RawSQL(db)
		for _, c := range []struct {
			table string
			want  int64
		}{{"accounts", 60}, {"contacts", 600}, {"responses", n}} {
			var got int64
			if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table+` WHERE workspace_id = $1`, report.WorkspaceID).Scan(&got); err != nil || got != c.want {
				t.Errorf("%s: got %d (%v), want %d", c.table, got, err, c.want)
			}
		}
		checkStoredResponses(t, db, report, tw)

		w, err := openWorkload(ctx, db, "workload")
		if err != nil {
			t.Fatal(err)
		}
		if w.survey != report.SurveyID || w.waves != report.WaveIDs {
			t.Errorf("found survey %d waves %v, want %d %v", w.survey, w.waves, report.SurveyID, report.WaveIDs)
		}
		// Fewer than the workload's 30, for the test's fewer responses.
		w.minResponses = 15
		got, _, err := w.answers(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := w.answers(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		checkAnswers(t, got, want)
		checkAnswersOf(t, got, tw, w)

		checkSearch(t, db, report.WorkspaceID, tw)

		_, err = db.LoadWorkload(ctx, "workload", tw.source())
		if !errors.Is(err, nps.ErrConflict) || !strings.Contains(err.Error(), "has responses already") {
			t.Errorf("loading again: got %v, want a conflict", err)
		}
		if surveys, err := db.Surveys(ctx, report.WorkspaceID); err != nil || len(surveys) != 1 {
			t.Errorf("after the refused load: %d surveys (%v), want 1", len(surveys), err)
		}
	})
}

// checkStoredResponses compares the stored responses, in ID order, with
// the workload's: the first of each wave and contact has the contact.
func checkStoredResponses(t *testing.T, db *store.DB, report store.WorkloadReport, tw testWorkload) {
	t.Helper()
	rows, err := store.RawSQL(db).QueryContext(context.Background(), `
		SELECT r.wave_id, COALESCE(c.external_id, ''), a.external_id, r.score, r.comment, r.created_at, r.updated_at,
			r.month, r.language, r.channel, r.revision, r.survey_id
		FROM responses r JOIN accounts a ON a.id = r.account_id LEFT JOIN contacts c ON c.id = r.contact_id
		WHERE r.workspace_id = $1 ORDER BY r.id`, report.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type stored struct {
		wave, score, month, revision, survey int64
		contact, account, comment, language  string
		channel                              string
		created, updated                     time.Time
	}
	linked := map[[2]int64]bool{}
	var nLinked int64
	i := 0
	for ; rows.Next(); i++ {
		var got stored
		if err := rows.Scan(&got.wave, &got.contact, &got.account, &got.score, &got.comment, &got.created, &got.updated,
			&got.month, &got.language, &got.channel, &got.revision, &got.survey); err != nil {
			t.Fatal(err)
		}
		if i >= len(tw.responses) {
			continue
		}
		r := tw.responses[i]
		want := stored{wave: report.WaveIDs[r.Wave-1], score: int64(r.Score), month: int64(nps.MonthOf(r.CreatedAt)),
			revision: 1, survey: report.SurveyID, account: strconv.FormatInt(r.AccountID, 10), comment: r.Comment,
			language: "en", channel: "import", created: r.CreatedAt, updated: r.CreatedAt}
		if k := [2]int64{int64(r.Wave), r.ContactID}; !linked[k] {
			linked[k] = true
			want.contact = strconv.FormatInt(r.ContactID, 10)
			nLinked++
		}
		got.created, got.updated = got.created.UTC(), got.updated.UTC()
		if got != want {
			t.Fatalf("response %d (line %d): got %+v, want %+v", i+1, r.Line, got, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(tw.responses) || nLinked != report.Linked {
		t.Errorf("got %d responses, %d linked; want %d, %d", i, report.Linked, len(tw.responses), nLinked)
	}
	acc, err := db.Accounts(context.Background(), report.WorkspaceID, store.AccountFilter{Limit: 1})
	if err != nil || len(acc) != 1 || acc[0].Attributes["segment"] != workloadSegments[0] || acc[0].ExternalID != "1" {
		t.Errorf("first account: %+v, %v; want external ID 1 in segment %s", acc, err, workloadSegments[0])
	}
}

// checkAnswersOf checks some answers against the workload itself, and that
// Q4's filter and Q5's months select what they should.
func checkAnswersOf(t *testing.T, a workloadAnswers, tw testWorkload, w workloadDB) {
	t.Helper()
	var perWave [store.WorkloadWaves]nps.Histogram
	var months nps.Histogram
	perAccount := map[int64]int64{}
	for _, r := range tw.responses {
		perWave[r.Wave-1].Add(r.Score)
		if r.Wave == 5 {
			perAccount[r.AccountID]++
			if (r.AccountID-1)%10 == 2 && !r.CreatedAt.Before(workloadFrom) && r.CreatedAt.Before(workloadTo) {
				months.Add(r.Score)
			}
		}
	}
	if len(a.PerWave) != store.WorkloadWaves {
		t.Fatalf("Q1: got %d waves, want 5", len(a.PerWave))
	}
	for i, g := range a.PerWave {
		if g.Key != strconv.FormatInt(w.waves[i], 10) || g.Histogram != perWave[i] {
			t.Errorf("Q1 wave %d: got %s %v, want %d %v", i+1, g.Key, g.Histogram, w.waves[i], perWave[i])
		}
	}
	if a.LastWave != perWave[4] {
		t.Errorf("Q6: got %v, want %v", a.LastWave, perWave[4])
	}
	if a.SegmentMonths != months || months.N() == 0 {
		t.Errorf("Q5: got %v, want %v", a.SegmentMonths, months)
	}
	if len(a.PerMonth) != 60 || a.PerMonth[0].Key != "2021-01" || a.PerMonth[59].Key != "2025-12" {
		t.Errorf("Q3: got %d months, want the 60 from 2021-01 to 2025-12", len(a.PerMonth))
	}
	if len(a.Segments) != 10 {
		t.Errorf("Q2: got %d segments, want 10", len(a.Segments))
	}
	eligible := 0
	for _, n := range perAccount {
		if n >= w.minResponses {
			eligible++
		}
	}
	if eligible <= workloadTop || eligible == len(perAccount) {
		t.Fatalf("the test workload has %d of %d accounts with %d responses in wave 5: make it test Q4's filter", eligible, len(perAccount), w.minResponses)
	}
	if len(a.Top) != workloadTop || len(a.Bottom) != workloadTop {
		t.Errorf("Q4: got %d top and %d bottom accounts, want %d", len(a.Top), len(a.Bottom), workloadTop)
	}
	for _, g := range append(slices.Clone(a.Top), a.Bottom...) {
		if g.Histogram.N() < w.minResponses {
			t.Errorf("Q4: account %s has %d responses, fewer than %d", g.Key, g.Histogram.N(), w.minResponses)
		}
	}
}

// checkSearch checks that the search index finds exactly the comments
// with a word.
func checkSearch(t *testing.T, db *store.DB, workspaceID int64, tw testWorkload) {
	t.Helper()
	ctx := context.Background()
	raw := store.RawSQL(db)
	for _, word := range []string{"slow", "support", "billing"} {
		var want int64
		for _, r := range tw.responses {
			if slices.Contains(strings.FieldsFunc(strings.ToLower(r.Comment), func(c rune) bool { return c < 'a' || c > 'z' }), word) {
				want++
			}
		}
		query := `SELECT count(*) FROM response_search WHERE response_search MATCH $1`
		if db.Dialect() == store.Postgres {
			query = `SELECT count(*) FROM responses WHERE workspace_id = $2 AND search @@ to_tsquery('english', $1)`
		}
		args := []any{word}
		if db.Dialect() == store.Postgres {
			args = append(args, workspaceID)
		}
		var got int64
		if err := raw.QueryRowContext(ctx, query, args...).Scan(&got); err != nil || got != want || want == 0 {
			t.Errorf("search %q: got %d (%v), want %d", word, got, err, want)
		}
	}
	if db.Dialect() != store.SQLite {
		return
	}
	// Any word finds every comment: the index holds exactly the
	// responses with one. (FTS5's integrity check with rank 1, which
	// compares with the responses, expects the empty comments that the
	// triggers leave out, so only the index's own check is run.)
	var want, got int64
	for _, r := range tw.responses {
		if r.Comment != "" {
			want++
		}
	}
	err := raw.QueryRowContext(ctx, `SELECT count(*) FROM response_search WHERE response_search MATCH $1`,
		strings.Join(commentWords, " OR ")).Scan(&got)
	if err != nil || got != want {
		t.Errorf("search for any word: got %d (%v), want %d", got, err, want)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO response_search (response_search) VALUES ('integrity-check')`); err != nil {
		t.Errorf("search index integrity check: %v", err)
	}
}

func TestLoadWorkloadBadLine(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tw := newTestWorkload(20, 100, 3000)
		bad := 2500 // after two committed batches
		tw.responses[bad-2].AccountID = 99
		_, err := db.LoadWorkload(ctx, "workload", tw.source())
		var ve *nps.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), "responses.csv:2500: account 99 is not in accounts.csv") ||
			!strings.Contains(err.Error(), "the rows loaded so far were deleted") {
			t.Fatalf("got %v, want a validation error of line 2500", err)
		}
		if _, err := db.WorkspaceBySlug(ctx, "workload"); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("the workspace the load created: got %v, want it deleted", err)
		}

		// In a workspace that was there, only what the load wrote goes.
		ws := must(db.CreateWorkspace(ctx, nps.Workspace{Slug: "kept", Name: "Kept"}))(t)
		must(db.CreateAccount(ctx, ws.ID, nps.Account{Name: "Acme"}))(t)
		tw.responses[bad-2].AccountID = 1
		tw.responses[bad-2].CreatedAt = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
		_, err = db.LoadWorkload(ctx, "kept", tw.source())
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), "responses.csv:2500: 2019-01-01 00:00:00 is outside wave") {
			t.Fatalf("got %v, want a validation error of line 2500", err)
		}
		raw := store.RawSQL(db)
		for table, want := range map[string]int64{"responses": 0, "accounts": 1, "contacts": 0, "surveys": 0, "waves": 0} {
			var got int64
			if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE workspace_id = $1`, ws.ID).Scan(&got); err != nil || got != want {
				t.Errorf("%s after the failed load: got %d (%v), want %d", table, got, err, want)
			}
		}
		if db.Dialect() == store.SQLite {
			var n int64
			if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM response_search WHERE response_search MATCH 'slow'`).Scan(&n); err != nil || n != 0 {
				t.Errorf("search index after the failed loads: %d matches (%v), want 0", n, err)
			}
		}
	})
}
