package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// The score rollup holds one 11-bucket histogram per workspace, survey,
// wave, account (0 for none) and month in score_rollup, the same summed
// over accounts in score_totals and over months in score_accounts. RecordResponse keeps both in step with the
// responses, in its transaction; the dashboards read only them (see
// histogram.go), so their cost grows with the number of groups, not of
// responses.

// rollupKey is a cell of score_rollup within a workspace; the other
// tables' cells leave out the account (score_totals) or the month
// (score_accounts).
type rollupKey struct {
	surveyID, waveID, accountID int64
	month                       nps.Month
}

func keyOf(r nps.Response) rollupKey {
	return rollupKey{r.SurveyID, r.WaveID, r.AccountID, nps.MonthOf(r.CreatedAt)}
}

func (k rollupKey) compare(o rollupKey) int {
	return cmp.Or(cmp.Compare(k.surveyID, o.surveyID), cmp.Compare(k.waveID, o.waveID),
		cmp.Compare(k.accountID, o.accountID), cmp.Compare(k.month, o.month))
}

// rollupChange collects signed counts per cell.
type rollupChange map[rollupKey]nps.Histogram

// add counts n (+1 or −1) responses with the score in cell k.
func (c rollupChange) add(k rollupKey, score int, n int64) {
	h := c[k]
	h[score] += n
	c[k] = h
}

// apply writes the change to the three rollup tables. Cells are written
// in key order, so that concurrent transactions on PostgreSQL lock rows in
// the same order and cannot deadlock.
func (c rollupChange) apply(ctx context.Context, tx querier, workspaceID int64) error {
	totals, accounts := rollupChange{}, rollupChange{}
	for k, h := range c {
		totals.merge(rollupKey{k.surveyID, k.waveID, 0, k.month}, h)
		accounts.merge(rollupKey{k.surveyID, k.waveID, k.accountID, 0}, h)
	}
	for _, step := range []struct {
		change rollupChange
		sql    rollupSQL
	}{{c, cellSQL}, {totals, totalSQL}, {accounts, accountSQL}} {
		keys := slices.SortedFunc(maps.Keys(step.change), rollupKey.compare)
		for _, k := range keys {
			if err := step.sql.bump(ctx, tx, workspaceID, k, step.change[k]); err != nil {
				return fmt.Errorf("update score rollup: %w", err)
			}
		}
	}
	return nil
}

// merge adds the counts h to cell k.
func (c rollupChange) merge(k rollupKey, h nps.Histogram) {
	t := c[k]
	t.Merge(h)
	c[k] = t
}

// rollupSQL adds counts to the cells of one rollup table.
type rollupSQL struct {
	// upsert adds counts to a cell, creating it when missing, in one
	// statement that works on both databases and is atomic under
	// concurrency on PostgreSQL. Both check the new row's constraints
	// before they look for a conflict, so it adds only; a change that
	// takes a count away updates a cell that must exist.
	upsert, update string
	keys           []string
	// table and conflict build the multi-row upserts of bumpCells.
	table, conflict string
}

var (
	cellSQL    = newRollupSQL("score_rollup", "workspace_id", "survey_id", "wave_id", "account_id", "month")
	totalSQL   = newRollupSQL("score_totals", "workspace_id", "survey_id", "wave_id", "month")
	accountSQL = newRollupSQL("score_accounts", "workspace_id", "survey_id", "wave_id", "account_id")
)

func newRollupSQL(table string, keys ...string) rollupSQL {
	n := len(keys)
	places := make([]string, n)
	match := make([]string, n)
	for i, k := range keys {
		places[i] = "$" + strconv.Itoa(i+1)
		match[i] = k + " = " + places[i]
	}
	return rollupSQL{
		upsert: `INSERT INTO ` + table + ` (` + strings.Join(keys, ", ") + `, ` + scoreList("%[1]s", 0) + `)
			VALUES (` + strings.Join(places, ", ") + `, ` + scoreList("$%[2]d", n+1) + `)
			ON CONFLICT (` + strings.Join(keys, ", ") + `) DO UPDATE SET ` +
			scoreList("%[1]s = "+table+".%[1]s + excluded.%[1]s", 0),
		update: `UPDATE ` + table + ` SET ` + scoreList("%[1]s = %[1]s + $%[2]d", n+1) +
			` WHERE ` + strings.Join(match, " AND "),
		keys:  keys,
		table: table,
		conflict: ` ON CONFLICT (` + strings.Join(keys, ", ") + `) DO UPDATE SET ` +
			scoreList("%[1]s = "+table+".%[1]s + excluded.%[1]s", 0),
	}
}

// bump adds delta, signed counts per score, to a cell of score_rollup,
// score_totals or score_accounts.
func (q rollupSQL) bump(ctx context.Context, tx querier, workspaceID int64, k rollupKey, delta nps.Histogram) error {
	keys := make([]any, 0, len(q.keys))
	for _, key := range q.keys {
		switch key {
		case "workspace_id":
			keys = append(keys, workspaceID)
		case "survey_id":
			keys = append(keys, k.surveyID)
		case "wave_id":
			keys = append(keys, k.waveID)
		case "account_id":
			keys = append(keys, k.accountID)
		case "month":
			keys = append(keys, int(k.month))
		}
	}
	return q.bumpCell(ctx, tx, keys, delta)
}

// cellDelta is a change of one cell: its key columns' values, in the
// order of rollupSQL.keys, and the signed counts to add.
type cellDelta struct {
	keys  []any
	delta nps.Histogram
}

// bumpCells adds the deltas: first what cells lose, an UPDATE each, then
// the additions in multi-row upserts (one round trip for a hundred
// cells). Callers that may run concurrently serialise themselves.
func (q rollupSQL) bumpCells(ctx context.Context, tx querier, cells []cellDelta) error {
	const perStatement = 100
	var adds []cellDelta
	for _, c := range cells {
		var add, take nps.Histogram
		for s, d := range c.delta {
			if d > 0 {
				add[s] = d
			} else {
				take[s] = d
			}
		}
		if add != (nps.Histogram{}) {
			adds = append(adds, cellDelta{c.keys, add})
		}
		if err := q.bumpCell(ctx, tx, c.keys, take); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(adds, perStatement) {
		var w where
		rows := make([]string, len(chunk))
		for i, c := range chunk {
			values := make([]string, 0, len(c.keys)+len(c.delta))
			for _, k := range c.keys {
				values = append(values, w.literal(k))
			}
			for _, d := range c.delta {
				values = append(values, w.literal(d))
			}
			rows[i] = "(" + strings.Join(values, ", ") + ")"
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO `+q.table+` (`+strings.Join(q.keys, ", ")+`, `+scoreList("%[1]s", 0)+
			`) VALUES `+strings.Join(rows, ", ")+q.conflict, w.args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// bumpCell adds delta to the cell whose key columns hold keys, in the
// order of q.keys. The columns' CHECK constraints refuse a count below
// zero, which would mean the rollup had lost step with what it counts.
func (q rollupSQL) bumpCell(ctx context.Context, tx querier, keys []any, delta nps.Histogram) error {
	if delta == (nps.Histogram{}) {
		return nil
	}
	args := append(make([]any, 0, len(keys)+len(delta)), keys...)
	query := q.upsert
	for _, d := range delta {
		args = append(args, d)
		if d < 0 {
			query = q.update
		}
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if query == q.update {
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return cmp.Or(err, fmt.Errorf("cell %v is missing", keys))
		}
	}
	return nil
}

// scoreList returns the eleven score columns s0 … s10 joined by commas,
// each written as format, in which %[1]s is the column's name and %[2]d
// is first plus the score, to number placeholders.
func scoreList(format string, first int) string {
	cols := make([]string, 0, nps.MaxScore+1)
	for s := nps.MinScore; s <= nps.MaxScore; s++ {
		cols = append(cols, fmt.Sprintf(format, "s"+strconv.Itoa(s), first+s))
	}
	return strings.Join(cols, ", ")
}
