package store_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The six canonical dashboard questions of the benchmark workload
// (perf/WORKLOAD.md), asked through the query layer and, to check it, by
// a plain SQL scan of the responses: the test and the benchmark share
// them.

// workloadSegment is the segment of Q5, segment 3 of the generator.
const workloadSegment = "EMEA-Enterprise"

// workloadSegments are the generator's segment names, 1 to 10.
var workloadSegments = []string{"NA-Enterprise", "NA-SMB", workloadSegment, "EMEA-SMB",
	"APAC-Enterprise", "APAC-SMB", "LATAM", "Public-Sector", "Healthcare", "Retail-B2C"}

// Q5's months, March to June 2025, and the same as times.
const (
	workloadFromMonth, workloadToMonth = nps.Month(202503), nps.Month(202506)
)

var workloadFrom, workloadTo = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// workloadTop is how many accounts Q4 lists at either end.
const workloadTop = 20

// workloadDB is a loaded workload, as the questions need it.
type workloadDB struct {
	db         *store.DB
	ws, survey int64
	waves      [store.WorkloadWaves]int64
	// minResponses is Q4's least number of responses of an account (30).
	minResponses int64
}

// workloadAnswers are the answers to the six questions.
type workloadAnswers struct {
	PerWave, Segments, PerMonth, Top, Bottom []store.Group
	SegmentMonths, LastWave                  nps.Histogram
}

// workloadQuestion is one question, asked both ways.
type workloadQuestion struct {
	name      string
	ask, scan func(ctx context.Context, w workloadDB, a *workloadAnswers) error
}

var workloadQuestions = []workloadQuestion{
	{"Q1", func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.PerWave, err = w.db.Histograms(ctx, w.ws, store.HistogramFilter{SurveyID: w.survey}, store.GroupBy{Dimension: store.GroupWave})
		return err
	}, func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.PerWave, err = w.scanGroups(ctx, `CAST(r.wave_id AS text)`, `r.wave_id`, `r.survey_id = $2`, w.survey)
		return err
	}},
	{"Q2", func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.Segments, err = w.db.Histograms(ctx, w.ws, store.HistogramFilter{WaveID: w.last()},
			store.GroupBy{Dimension: store.GroupSegment, Attribute: "segment"})
		return err
	}, func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		key := `COALESCE(a.attributes ->> 'segment', '')`
		a.Segments, err = w.scanGroups(ctx, key, key, `r.wave_id = $2`, w.last())
		return err
	}},
	{"Q3", func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.PerMonth, err = w.db.Histograms(ctx, w.ws, store.HistogramFilter{SurveyID: w.survey}, store.GroupBy{Dimension: store.GroupMonth})
		return err
	}, func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		// The month from created_at, not the stored month column.
		month := `strftime('%Y-%m', r.created_at)`
		if w.db.Dialect() == store.Postgres {
			month = `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`
		}
		a.PerMonth, err = w.scanGroups(ctx, month, month, `r.survey_id = $2`, w.survey)
		return err
	}},
	{"Q4", func(ctx context.Context, w workloadDB, a *workloadAnswers) error {
		gs, err := w.db.Histograms(ctx, w.ws, store.HistogramFilter{WaveID: w.last()}, store.GroupBy{Dimension: store.GroupAccount})
		if err != nil {
			return err
		}
		a.Top, a.Bottom, err = topAndBottom(gs, w.minResponses)
		return err
	}, func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		if a.Top, err = w.scanAccounts(ctx, "DESC"); err != nil {
			return err
		}
		a.Bottom, err = w.scanAccounts(ctx, "ASC")
		return err
	}},
	{"Q5", func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.SegmentMonths, err = w.db.Histogram(ctx, w.ws, store.HistogramFilter{WaveID: w.last(),
			FromMonth: workloadFromMonth, ToMonth: workloadToMonth, Segment: store.Segment{Attribute: "segment", Value: workloadSegment}})
		return err
	}, func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.SegmentMonths, err = w.scanHistogram(ctx, `r.wave_id = $2 AND r.created_at >= $3 AND r.created_at < $4
			AND a.attributes ->> 'segment' = $5`, w.last(), workloadFrom, workloadTo, workloadSegment)
		return err
	}},
	{"Q6", func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.LastWave, err = w.db.Histogram(ctx, w.ws, store.HistogramFilter{WaveID: w.last()})
		return err
	}, func(ctx context.Context, w workloadDB, a *workloadAnswers) (err error) {
		a.LastWave, err = w.scanHistogram(ctx, `r.wave_id = $2`, w.last())
		return err
	}},
}

func (w workloadDB) last() int64 { return w.waves[len(w.waves)-1] }

// answers asks the questions through the query layer, or scans when scan
// is set, and returns the time each took.
func (w workloadDB) answers(ctx context.Context, scan bool) (workloadAnswers, []time.Duration, error) {
	var a workloadAnswers
	var took []time.Duration
	for _, q := range workloadQuestions {
		run := q.ask
		if scan {
			run = q.scan
		}
		start := time.Now()
		if err := run(ctx, w, &a); err != nil {
			return a, took, fmt.Errorf("%s: %w", q.name, err)
		}
		took = append(took, time.Since(start))
	}
	return a, took, nil
}

// topAndBottom returns the accounts with at least least responses that have
// the highest NPS, from the highest, and those with the lowest, from the
// lowest; equal NPS in the order of the account IDs.
func topAndBottom(gs []store.Group, least int64) (top, bottom []store.Group, err error) {
	type scored struct {
		g   store.Group
		id  int64
		nps float64
	}
	var kept []scored
	for _, g := range gs {
		if g.Histogram.N() < least {
			continue
		}
		r, err := nps.Estimate(g.Histogram, nps.Options{})
		if err != nil {
			return nil, nil, err
		}
		id, err := strconv.ParseInt(g.Key, 10, 64)
		if err != nil {
			return nil, nil, err
		}
		kept = append(kept, scored{g, id, r.NPS})
	}
	pick := func(order int) []store.Group {
		slices.SortFunc(kept, func(a, b scored) int { return cmp.Or(order*cmp.Compare(a.nps, b.nps), cmp.Compare(a.id, b.id)) })
		var out []store.Group
		for _, s := range kept[:min(workloadTop, len(kept))] {
			out = append(out, s.g)
		}
		return out
	}
	return pick(-1), pick(1), nil
}

// scanCounts are the eleven counts of a histogram of the responses r.
var scanCounts = func() string {
	var cols []string
	for s := nps.MinScore; s <= nps.MaxScore; s++ {
		cols = append(cols, fmt.Sprintf("SUM(CASE WHEN r.score = %d THEN 1 ELSE 0 END)", s))
	}
	return strings.Join(cols, ", ")
}()

// scanGroups counts the workspace's responses that cond selects (with the
// workspace as $1 and args from $2) per key, ordered by order.
func (w workloadDB) scanGroups(ctx context.Context, key, order, cond string, args ...any) ([]store.Group, error) {
	rows, err := store.RawSQL(w.db).QueryContext(ctx, `SELECT `+key+`, `+scanCounts+`
		FROM responses r LEFT JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
		WHERE r.workspace_id = $1 AND `+cond+` GROUP BY `+key+`, `+order+` ORDER BY `+order, append([]any{w.ws}, args...)...)
	return scannedGroups(rows, err)
}

// scanHistogram counts the workspace's responses that cond selects.
func (w workloadDB) scanHistogram(ctx context.Context, cond string, args ...any) (nps.Histogram, error) {
	var h nps.Histogram
	var n int64
	err := store.RawSQL(w.db).QueryRowContext(ctx, `SELECT count(*), `+scanCounts+`
		FROM responses r JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
		WHERE r.workspace_id = $1 AND `+cond, append([]any{w.ws}, args...)...).Scan(append([]any{&n}, nullableDest(&h)...)...)
	return h, err
}

// scanAccounts returns Q4's accounts at one end, in SQL: by NPS in order
// (DESC or ASC), then by ID.
func (w workloadDB) scanAccounts(ctx context.Context, order string) ([]store.Group, error) {
	var cols []string
	for s := nps.MinScore; s <= nps.MaxScore; s++ {
		cols = append(cols, fmt.Sprintf("SUM(CASE WHEN r.score = %d THEN 1 ELSE 0 END) AS s%d", s, s))
	}
	rows, err := store.RawSQL(w.db).QueryContext(ctx, `
		SELECT CAST(t.account_id AS text) AS account_key, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 FROM (
			SELECT r.account_id, `+strings.Join(cols, ", ")+`, COUNT(*) AS n
			FROM responses r WHERE r.workspace_id = $1 AND r.wave_id = $2
			GROUP BY r.account_id HAVING COUNT(*) >= $3) t
		ORDER BY CAST(100 * (s9 + s10 - (s0 + s1 + s2 + s3 + s4 + s5 + s6)) AS DOUBLE PRECISION) / n `+order+`, t.account_id
		LIMIT `+strconv.Itoa(workloadTop), w.ws, w.last(), w.minResponses)
	return scannedGroups(rows, err)
}

// scannedGroups reads rows of a key and the eleven counts.
func scannedGroups(rows *sql.Rows, err error) ([]store.Group, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gs []store.Group
	for rows.Next() {
		var g store.Group
		if err := rows.Scan(append([]any{&g.Key}, histogramDest(&g.Histogram)...)...); err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

func histogramDest(h *nps.Histogram) []any {
	dest := make([]any, len(h))
	for i := range h {
		dest[i] = &h[i]
	}
	return dest
}

// nullableDest scans the sums of no rows, NULL, as 0.
func nullableDest(h *nps.Histogram) []any {
	dest := make([]any, len(h))
	for i := range h {
		dest[i] = &nullCount{&h[i]}
	}
	return dest
}

type nullCount struct{ n *int64 }

func (c *nullCount) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.n = 0
	case int64:
		*c.n = v
	default:
		return fmt.Errorf("cannot scan %T as a count", v)
	}
	return nil
}

// openWorkload finds the workload that promotor load-workload loaded into
// the workspace.
func openWorkload(ctx context.Context, db *store.DB, slug string) (workloadDB, error) {
	w := workloadDB{db: db, minResponses: 30}
	ws, err := db.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return w, err
	}
	w.ws = ws.ID
	surveys, err := db.Surveys(ctx, ws.ID)
	if err != nil {
		return w, err
	}
	for _, s := range surveys {
		if s.Name == "Benchmark workload" {
			w.survey = s.ID
		}
	}
	if w.survey == 0 {
		return w, fmt.Errorf("workspace %q has no survey \"Benchmark workload\"", slug)
	}
	waves, err := db.Waves(ctx, ws.ID, w.survey)
	if err != nil {
		return w, err
	}
	if len(waves) != store.WorkloadWaves {
		return w, fmt.Errorf("the survey has %d waves, want %d", len(waves), store.WorkloadWaves)
	}
	for i, wave := range waves {
		w.waves[i] = wave.ID
	}
	return w, nil
}

// checkAnswers fails unless the query layer answers as the scan does.
func checkAnswers(tb testing.TB, got, want workloadAnswers) {
	tb.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if a, b := g.Field(i).Interface(), w.Field(i).Interface(); !reflect.DeepEqual(a, b) {
			tb.Errorf("%s: the query layer answers\n%v\nbut the scan of the responses\n%v", g.Type().Field(i).Name, a, b)
		}
	}
}

// BenchmarkWorkloadQuestions answers the workload's six dashboard
// questions, each and all together, from the databases eachWorkload
// names.
//
// First, "scan" answers them by the plain SQL scan of the responses, the
// baseline, and checks that the query layer answers the same; it logs the
// time of each question. PROMOTOR_BENCH_NOSCAN=1 leaves it out, since at
// 10 million responses the scan takes seconds.
func BenchmarkWorkloadQuestions(b *testing.B) {
	eachWorkload(b, func(b *testing.B, db *store.DB, w workloadDB) {
		ctx := context.Background()
		var err error
		b.Run("scan", func(b *testing.B) {
			if os.Getenv("PROMOTOR_BENCH_NOSCAN") == "1" {
				b.Skip("PROMOTOR_BENCH_NOSCAN=1: the answers are not checked")
			}
			var want workloadAnswers
			var took []time.Duration
			for b.Loop() {
				if want, took, err = w.answers(ctx, true); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			got, _, err := w.answers(ctx, false)
			if err != nil {
				b.Fatal(err)
			}
			checkAnswers(b, got, want)
			if want.LastWave.N() == 0 {
				b.Fatalf("wave 5 has no responses: is the workload loaded?")
			}
			b.Logf("scan of %d responses of wave 5 and more: %s", want.LastWave.N(), formatTimes(took))
		})
		for _, q := range workloadQuestions {
			b.Run(q.name, func(b *testing.B) {
				var a workloadAnswers
				for b.Loop() {
					if err := q.ask(ctx, w, &a); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run("all", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := w.answers(ctx, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// formatTimes lists the questions' times and their sum.
func formatTimes(took []time.Duration) string {
	var parts []string
	var sum time.Duration
	for i, d := range took {
		sum += d
		parts = append(parts, fmt.Sprintf("%s %.1f ms", workloadQuestions[i].name, float64(d.Microseconds())/1000))
	}
	return fmt.Sprintf("%s; all %.1f ms", strings.Join(parts, ", "), float64(sum.Microseconds())/1000)
}

// eachWorkload runs body as a sub-benchmark per database that promotor
// load-workload filled and the environment names: PROMOTOR_BENCH_SQLITE
// a SQLite file, PROMOTOR_BENCH_POSTGRES a PostgreSQL URL, and
// PROMOTOR_BENCH_WORKSPACE the workspace (default "workload").
func eachWorkload(b *testing.B, body func(b *testing.B, db *store.DB, w workloadDB)) {
	slug := cmp.Or(os.Getenv("PROMOTOR_BENCH_WORKSPACE"), "workload")
	for _, d := range []struct {
		dialect store.Dialect
		env     string
	}{{store.SQLite, "PROMOTOR_BENCH_SQLITE"}, {store.Postgres, "PROMOTOR_BENCH_POSTGRES"}} {
		b.Run(d.dialect.String(), func(b *testing.B) {
			dsn := os.Getenv(d.env)
			if dsn == "" {
				b.Skipf("%s not set: name a database that promotor load-workload filled", d.env)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if db.Dialect() != d.dialect {
				b.Fatalf("%s names a %s database, want %s", d.env, db.Dialect(), d.dialect)
			}
			w, err := openWorkload(ctx, db, slug)
			if err != nil {
				b.Fatalf("%s: %v (load it with promotor load-workload --workspace %s)", d.env, err, slug)
			}
			body(b, db, w)
		})
	}
}
