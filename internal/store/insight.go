package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// The comment analysis runs beside the answers, not inside their
// transactions: every new or changed answer is queued in insight_queue
// with its revision, in the answer's own transaction, and the
// analyse-comments task reads the queue (PendingInsight), analyses the
// answers and saves what it found (SaveInsight), which keeps
// response_insight, response_themes, theme_rollup, insight_rollup and
// their totals in step and takes the answers off the queue. A changed taxonomy starts a
// sweep: every response of the workspace, in ID order, is analysed
// again, the position kept in workspaces.insight_sweep_after. Neither
// writes to responses, so analysing costs the answers nothing.

// TaxonomyState is a workspace's theme taxonomy as stored (JSON, ”
// meaning the default), its version, and how far a sweep has come.
type TaxonomyState struct {
	WorkspaceID int64
	Taxonomy    string
	Version     int
	// Sweeping reports a sweep in progress: the responses after
	// SweepAfter (an ID) are still to be analysed again.
	Sweeping   bool
	SweepAfter int64
}

const taxonomyColumns = `id, taxonomy, taxonomy_version, insight_sweep_after`

func scanTaxonomy(row rowScanner) (TaxonomyState, error) {
	var t TaxonomyState
	var after sql.NullInt64
	err := row.Scan(&t.WorkspaceID, &t.Taxonomy, &t.Version, &after)
	t.Sweeping, t.SweepAfter = after.Valid, after.Int64
	return t, err
}

// Taxonomy returns the workspace's taxonomy.
func (db *DB) Taxonomy(ctx context.Context, workspaceID int64) (TaxonomyState, error) {
	t, err := scanTaxonomy(db.read.QueryRowContext(ctx, `SELECT `+taxonomyColumns+` FROM workspaces WHERE id = $1`, workspaceID))
	if err != nil {
		return t, fmt.Errorf("store: taxonomy: %w", notFound(err, "workspace", workspaceID))
	}
	return t, nil
}

// SetTaxonomy stores the workspace's taxonomy (JSON the text analysis has
// validated; ” restores the default), raises its version and starts a
// sweep, so that every response is analysed against it; the same taxonomy
// again changes nothing. With expect > 0 it saves only over that version,
// else nps.ErrConflict: someone saved meanwhile. It returns the version
// now in force.
func (db *DB) SetTaxonomy(ctx context.Context, workspaceID int64, taxonomy string, expect int) (int, error) {
	if taxonomy != "" && !json.Valid([]byte(taxonomy)) {
		return 0, fmt.Errorf("store: set taxonomy: %w", &nps.ValidationError{Field: "taxonomy", Message: "is not valid JSON"})
	}
	var version int
	err := db.write(ctx, func(tx *sql.Tx) error {
		t, err := scanTaxonomy(tx.QueryRowContext(ctx, `SELECT `+taxonomyColumns+` FROM workspaces WHERE id = $1`+
			db.dialect.forNoKeyUpdate(), workspaceID))
		switch {
		case err != nil:
			return notFound(err, "workspace", workspaceID)
		case expect > 0 && t.Version != expect:
			return fmt.Errorf("the taxonomy changed since version %d: %w", expect, nps.ErrConflict)
		case t.Taxonomy == taxonomy:
			version = t.Version
			return nil
		}
		return tx.QueryRowContext(ctx, `UPDATE workspaces SET taxonomy = $2, taxonomy_version = taxonomy_version + 1,
			insight_sweep_after = 0 WHERE id = $1 RETURNING taxonomy_version`, workspaceID, taxonomy).Scan(&version)
	})
	if err != nil {
		return 0, fmt.Errorf("store: set taxonomy: %w", err)
	}
	return version, nil
}

// InsightDue returns the taxonomies of the workspaces that have answers
// queued or a sweep in progress.
func (db *DB) InsightDue(ctx context.Context) ([]TaxonomyState, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+taxonomyColumns+` FROM workspaces w
		WHERE insight_sweep_after IS NOT NULL OR EXISTS (SELECT 1 FROM insight_queue q WHERE q.workspace_id = w.id)
		ORDER BY id`)
	ts, err := collectOr(rows, err, scanTaxonomy)
	if err != nil {
		return nil, fmt.Errorf("store: insight due: %w", err)
	}
	return ts, nil
}

// InsightBacklog counts the workspace's answers still to analyse, queued
// or still to sweep, up to limit (counting further would cost more than
// the figure is worth).
func (db *DB) InsightBacklog(ctx context.Context, workspaceID int64, limit int) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM insight_queue WHERE workspace_id = $1 LIMIT $2) AS q) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM responses r JOIN workspaces w ON w.id = r.workspace_id
			WHERE r.workspace_id = $1 AND r.id > w.insight_sweep_after LIMIT $2) AS s)`, workspaceID, limit).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: insight backlog: %w", err)
	}
	return min(n, limit), nil
}

// InsightBatch is a batch of responses to analyse: queued answers, or the
// next responses of a sweep.
type InsightBatch struct {
	Responses []nps.ResponseInsight
	// Sweep marks a batch of the sweep of taxonomy Version; SweepAfter is
	// where it started and Last the ID it reached; Done reports that it
	// reached the end.
	Sweep            bool
	Version          int
	SweepAfter, Last int64
	Done             bool
}

const insightSelect = `SELECT r.id, r.survey_id, r.wave_id, COALESCE(r.account_id, 0), r.revision, r.score,
	r.comment, r.language, r.answers FROM `

func scanPending(row rowScanner) (nps.ResponseInsight, error) {
	var r nps.ResponseInsight
	var a nps.Answers
	err := row.Scan(&r.ResponseID, &r.SurveyID, &r.WaveID, &r.AccountID, &r.Revision, &r.Score,
		&r.Comment, &r.Language, jsonCol{&a})
	r.Intent = a.SwitchIntent
	return r, err
}

// PendingInsight returns up to limit of the workspace's answers to
// analyse: the queued ones first, then the sweep's.
func (db *DB) PendingInsight(ctx context.Context, t TaxonomyState, limit int) (InsightBatch, error) {
	rows, err := db.read.QueryContext(ctx, insightSelect+`insight_queue q
		JOIN responses r ON r.workspace_id = q.workspace_id AND r.id = q.response_id
		WHERE q.workspace_id = $1 ORDER BY q.response_id LIMIT $2`, t.WorkspaceID, limit)
	rs, err := collectOr(rows, err, scanPending)
	if err != nil {
		return InsightBatch{}, fmt.Errorf("store: pending insight: %w", err)
	}
	if len(rs) > 0 || !t.Sweeping {
		return InsightBatch{Responses: rs}, nil
	}
	rows, err = db.read.QueryContext(ctx, insightSelect+`responses r
		WHERE r.workspace_id = $1 AND r.id > $2 ORDER BY r.id LIMIT $3`, t.WorkspaceID, t.SweepAfter, limit)
	rs, err = collectOr(rows, err, scanPending)
	if err != nil {
		return InsightBatch{}, fmt.Errorf("store: pending insight: %w", err)
	}
	b := InsightBatch{Responses: rs, Sweep: true, Version: t.Version, SweepAfter: t.SweepAfter, Last: t.SweepAfter, Done: len(rs) < limit}
	if len(rs) > 0 {
		b.Last = rs[len(rs)-1].ResponseID
	}
	return b, nil
}

// queueInsight queues answers for the analysis, in the transaction that
// wrote them; an answer queued already takes its new revision. An answer
// given twice in one batch is queued once, at its latest revision. The
// statements take the few row counts of bulkGroups, with parameters, so
// that each is prepared once: the one-answer statement of the hot path
// above all.
func queueInsight(ctx context.Context, q querier, rs []*nps.Response) error {
	latest := map[[2]int64]*nps.Response{}
	for _, r := range rs {
		k := [2]int64{r.WorkspaceID, r.ID}
		if l := latest[k]; l == nil || r.Revision > l.Revision {
			latest[k] = r
		}
	}
	unique := slices.SortedFunc(maps.Values(latest), func(a, b *nps.Response) int {
		return cmp.Or(cmp.Compare(a.WorkspaceID, b.WorkspaceID), cmp.Compare(a.ID, b.ID))
	})
	for len(unique) > 0 {
		n := 1
		for _, g := range bulkGroups {
			if g <= len(unique) {
				n = g
				break
			}
		}
		var w where
		values := make([]string, n)
		for i, r := range unique[:n] {
			values[i] = "(" + w.arg(r.WorkspaceID) + ", " + w.arg(r.ID) + ", " + w.arg(r.Revision) + ")"
		}
		_, err := q.ExecContext(ctx, `INSERT INTO insight_queue (workspace_id, response_id, revision) VALUES `+
			strings.Join(values, ", ")+` ON CONFLICT (workspace_id, response_id) DO UPDATE SET revision = excluded.revision`, w.args...)
		if err != nil {
			return fmt.Errorf("queue for analysis: %w", err)
		}
		unique = unique[n:]
	}
	return nil
}

// insightCell is a cell of insight_rollup, themeCell one of
// theme_rollup.
type insightCell struct {
	surveyID, waveID, accountID int64
	intent                      nps.SwitchIntent
	sentiment                   nps.Sentiment
}

type themeCell struct {
	surveyID, waveID int64
	theme            string
	accountID        int64
}

// insightChange collects signed counts per cell of both rollups.
type insightChange struct {
	cells  map[insightCell]nps.Histogram
	themes map[themeCell]nps.Histogram
}

// add counts r (n = +1) or takes it away (n = −1).
func (c insightChange) add(r nps.ResponseInsight, n int64) {
	k := insightCell{r.SurveyID, r.WaveID, r.AccountID, r.Intent, r.Sentiment}
	h := c.cells[k]
	h[r.Score] += n
	c.cells[k] = h
	for _, t := range r.Themes {
		k := themeCell{r.SurveyID, r.WaveID, t, r.AccountID}
		h := c.themes[k]
		h[r.Score] += n
		c.themes[k] = h
	}
}

var (
	insightSQL       = newRollupSQL("insight_rollup", "workspace_id", "survey_id", "wave_id", "account_id", "intent", "sentiment")
	insightTotalsSQL = newRollupSQL("insight_totals", "workspace_id", "survey_id", "wave_id", "intent", "sentiment")
	themeSQL         = newRollupSQL("theme_rollup", "workspace_id", "survey_id", "wave_id", "theme", "account_id")
	themeTotalsSQL   = newRollupSQL("theme_totals", "workspace_id", "survey_id", "wave_id", "theme")
)

// apply writes the change to the per-account tables and their totals;
// the saves of a workspace take turns (saveInsight locks it), so their
// order does not matter.
func (c insightChange) apply(ctx context.Context, tx querier, workspaceID int64) error {
	totals := insightChange{cells: map[insightCell]nps.Histogram{}, themes: map[themeCell]nps.Histogram{}}
	for k, h := range c.cells {
		k.accountID = 0
		merge(totals.cells, k, h)
	}
	for k, h := range c.themes {
		k.accountID = 0
		merge(totals.themes, k, h)
	}
	steps := []struct {
		sql  rollupSQL
		keys func(k insightCell) []any
		from insightChange
	}{
		{insightSQL, func(k insightCell) []any {
			return []any{workspaceID, k.surveyID, k.waveID, k.accountID, string(k.intent), string(k.sentiment)}
		}, c},
		{insightTotalsSQL, func(k insightCell) []any {
			return []any{workspaceID, k.surveyID, k.waveID, string(k.intent), string(k.sentiment)}
		}, totals},
	}
	for _, st := range steps {
		cells := slices.SortedFunc(maps.Keys(st.from.cells), func(a, b insightCell) int {
			return cmp.Or(cmp.Compare(a.surveyID, b.surveyID), cmp.Compare(a.waveID, b.waveID),
				cmp.Compare(a.accountID, b.accountID), cmp.Compare(a.intent, b.intent), cmp.Compare(a.sentiment, b.sentiment))
		})
		deltas := make([]cellDelta, len(cells))
		for i, k := range cells {
			deltas[i] = cellDelta{st.keys(k), st.from.cells[k]}
		}
		if err := st.sql.bumpCells(ctx, tx, deltas); err != nil {
			return fmt.Errorf("update insight rollup: %w", err)
		}
	}
	for _, st := range []struct {
		sql  rollupSQL
		keys func(k themeCell) []any
		from insightChange
	}{
		{themeSQL, func(k themeCell) []any { return []any{workspaceID, k.surveyID, k.waveID, k.theme, k.accountID} }, c},
		{themeTotalsSQL, func(k themeCell) []any { return []any{workspaceID, k.surveyID, k.waveID, k.theme} }, totals},
	} {
		themes := slices.SortedFunc(maps.Keys(st.from.themes), func(a, b themeCell) int {
			return cmp.Or(cmp.Compare(a.surveyID, b.surveyID), cmp.Compare(a.waveID, b.waveID), cmp.Compare(a.theme, b.theme),
				cmp.Compare(a.accountID, b.accountID))
		})
		deltas := make([]cellDelta, len(themes))
		for i, k := range themes {
			deltas[i] = cellDelta{st.keys(k), st.from.themes[k]}
		}
		if err := st.sql.bumpCells(ctx, tx, deltas); err != nil {
			return fmt.Errorf("update theme rollup: %w", err)
		}
	}
	return nil
}

// SaveInsight stores the analysis of a batch of the workspace's
// responses, in one transaction: what an earlier analysis counted is
// taken out of the rollups and the new findings counted in, the answers
// leave the queue, and a sweep moves on. A response whose revision
// changed since it was read is left alone: its new revision is queued.
// It returns how many responses it saved.
func (db *DB) SaveInsight(ctx context.Context, workspaceID int64, b InsightBatch) (int, error) {
	for _, r := range b.Responses {
		if err := r.Validate(); err != nil {
			return 0, fmt.Errorf("store: save insight of response %d: %w", r.ResponseID, err)
		}
	}
	var saved int
	err := db.writeRetry(ctx, func(tx *sql.Tx) error {
		var err error
		saved, err = saveInsight(ctx, tx, db.dialect, workspaceID, b)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: save insight: %w", err)
	}
	return saved, nil
}

func saveInsight(ctx context.Context, tx *sql.Tx, d Dialect, workspaceID int64, b InsightBatch) (int, error) {
	// One save at a time per workspace (several serve processes, or
	// promotor analyse beside one): what a save takes out of the rollups
	// must be what the saves before it put in. The lock leaves the
	// workspace's answers free to come in meanwhile.
	t, err := scanTaxonomy(tx.QueryRowContext(ctx, `SELECT `+taxonomyColumns+` FROM workspaces WHERE id = $1`+d.forNoKeyUpdate(), workspaceID))
	if err != nil {
		return 0, notFound(err, "workspace", workspaceID)
	}
	if b.Sweep {
		// A sweep that a new taxonomy restarted meanwhile is not moved on.
		if !t.Sweeping || t.SweepAfter != b.SweepAfter || t.Version != b.Version {
			return 0, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET insight_sweep_after = $2 WHERE id = $1`,
			workspaceID, sweepPosition(b)); err != nil {
			return 0, fmt.Errorf("move the sweep on: %w", err)
		}
	}
	if len(b.Responses) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(b.Responses))
	for i, r := range b.Responses {
		ids[i] = r.ResponseID
	}
	// The responses as they are now, which the rollups count, not the
	// batch. They are not locked: an answer that changes after this read
	// queues its new revision, which the DELETE below of the revision
	// analysed leaves in the queue, so the newer analysis follows.
	current := map[int64]nps.ResponseInsight{}
	rows, err := tx.QueryContext(ctx, `SELECT id, survey_id, wave_id, COALESCE(account_id, 0), revision, score FROM responses
		WHERE workspace_id = $1 AND `+idsIn("id", ids), workspaceID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var c nps.ResponseInsight
		err := row.Scan(&c.ResponseID, &c.SurveyID, &c.WaveID, &c.AccountID, &c.Revision, &c.Score)
		current[c.ResponseID] = c
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("read responses: %w", err)
	}
	var keep []nps.ResponseInsight
	done := make([]string, 0, len(b.Responses))
	for _, r := range b.Responses {
		if c, ok := current[r.ResponseID]; ok && c.Revision == r.Revision {
			r.SurveyID, r.WaveID, r.AccountID, r.Score = c.SurveyID, c.WaveID, c.AccountID, c.Score
			keep = append(keep, r)
			done = append(done, "("+strconv.FormatInt(r.ResponseID, 10)+", "+strconv.Itoa(r.Revision)+")")
		}
	}
	if len(keep) == 0 {
		return 0, nil
	}
	ids = ids[:0]
	for _, r := range keep {
		ids = append(ids, r.ResponseID)
	}
	in := idsIn("response_id", ids)
	change := insightChange{cells: map[insightCell]nps.Histogram{}, themes: map[themeCell]nps.Histogram{}}
	old, err := countedInsight(ctx, tx, workspaceID, in)
	if err != nil {
		return 0, err
	}
	for _, r := range old {
		change.add(r, -1)
	}
	for _, q := range []string{
		`DELETE FROM response_themes WHERE +workspace_id = $1 AND ` + in,
		`DELETE FROM response_insight WHERE +workspace_id = $1 AND ` + in,
		// Off the queue, unless a newer revision was queued meanwhile.
		`DELETE FROM insight_queue WHERE workspace_id = $1 AND (response_id, revision) IN (VALUES ` + strings.Join(done, ", ") + `)`,
	} {
		if _, err := tx.ExecContext(ctx, q, workspaceID); err != nil {
			return 0, fmt.Errorf("clear insight: %w", err)
		}
	}
	var counted []nps.ResponseInsight
	for _, r := range keep {
		if r.Counted() {
			counted = append(counted, r)
			change.add(r, 1)
		}
	}
	if err := insertInsight(ctx, tx, workspaceID, counted); err != nil {
		return 0, err
	}
	if err := change.apply(ctx, tx, workspaceID); err != nil {
		return 0, err
	}
	return len(keep), nil
}

// sweepPosition is where a sweep stands after batch b: NULL at the end.
func sweepPosition(b InsightBatch) any {
	if b.Done {
		return nil
	}
	return b.Last
}

// countedInsight reads what the rollups count for the responses that the
// condition in (of idsIn) names. Here and wherever rows are looked up by
// response, the unary plus in "+workspace_id" keeps SQLite from reading
// them through an index that starts with the workspace (all of its rows)
// instead of the primary key; the condition still holds.
func countedInsight(ctx context.Context, tx querier, workspaceID int64, in string) ([]nps.ResponseInsight, error) {
	byID := map[int64]*nps.ResponseInsight{}
	var old []*nps.ResponseInsight
	rows, err := tx.QueryContext(ctx, `SELECT response_id, survey_id, wave_id, account_id, score, intent, sentiment
		FROM response_insight WHERE +workspace_id = $1 AND `+in+` ORDER BY response_id`, workspaceID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var r nps.ResponseInsight
		if err := row.Scan(&r.ResponseID, &r.SurveyID, &r.WaveID, &r.AccountID, &r.Score, &r.Intent, &r.Sentiment); err != nil {
			return err
		}
		old = append(old, &r)
		byID[r.ResponseID] = &r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read insight: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT response_id, theme FROM response_themes
		WHERE +workspace_id = $1 AND `+in+` ORDER BY response_id, theme`, workspaceID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var id int64
		var theme string
		if err := row.Scan(&id, &theme); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Themes = append(r.Themes, theme)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read themes: %w", err)
	}
	rs := make([]nps.ResponseInsight, len(old))
	for i, r := range old {
		rs[i] = *r
	}
	return rs, nil
}

// insertInsight writes the rows of rs in multi-row statements, with the
// integers written out (see where.literal).
func insertInsight(ctx context.Context, tx querier, workspaceID int64, rs []nps.ResponseInsight) error {
	const perStatement = 100
	for chunk := range slices.Chunk(rs, perStatement) {
		var w, tw where
		values := make([]string, len(chunk))
		var themes []string
		for i, r := range chunk {
			values[i] = "(" + strings.Join([]string{w.literal(workspaceID), w.literal(r.ResponseID), w.literal(r.SurveyID),
				w.literal(r.WaveID), w.literal(r.AccountID), w.literal(r.Score), w.arg(string(r.Intent)),
				w.arg(string(r.Sentiment)), w.arg(r.SentimentScore), w.arg(r.CommentLanguage)}, ", ") + ")"
			for _, t := range r.Themes {
				themes = append(themes, "("+tw.literal(workspaceID)+", "+tw.literal(r.ResponseID)+", "+tw.arg(t)+")")
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO response_insight (workspace_id, response_id, survey_id, wave_id,
			account_id, score, intent, sentiment, sentiment_score, language) VALUES `+strings.Join(values, ", "), w.args...)
		if err != nil {
			return fmt.Errorf("insert insight: %w", err)
		}
		if len(themes) > 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO response_themes (workspace_id, response_id, theme) VALUES `+
				strings.Join(themes, ", "), tw.args...)
			if err != nil {
				return fmt.Errorf("insert themes: %w", err)
			}
		}
	}
	return nil
}
