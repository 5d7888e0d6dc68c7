package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Bulk inserts of first answers that no unique index can refuse (they
// have no contact or invitation): a few statements for many rows instead
// of one each. This is one of the places where the dialects differ:
// PostgreSQL takes any number of rows in one statement as arrays, which
// SQLite lacks, while SQLite, in process, runs a few multi-row statements
// as cheaply.
//
// Either way the IDs grow in the order the rows are inserted, which is the
// order given, so the sorted IDs that RETURNING gives map back to the rows
// in order, whatever order RETURNING lists them in.

// insertResponses inserts rs and sets their IDs.
func insertResponses(ctx context.Context, tx querier, d Dialect, rs []*nps.Response) error {
	if d == Postgres {
		return insertResponsesArrays(ctx, tx, rs)
	}
	for len(rs) > 0 {
		n := 1
		for _, g := range insertGroups {
			if g <= len(rs) {
				n = g
				break
			}
		}
		args := make([]any, 0, 13*n)
		for _, r := range rs[:n] {
			answers, err := jsonArg(r.Answers)
			if err != nil {
				return err
			}
			args = append(args, r.WorkspaceID, r.SurveyID, r.WaveID, nullID(r.AccountID), r.Score, r.Comment, answers,
				r.Language, r.Channel, r.Revision, nps.MonthOf(r.CreatedAt), r.CreatedAt, r.UpdatedAt)
		}
		rows, err := tx.QueryContext(ctx, insertValuesSQL[n], args...)
		if err := setIDs(rows, err, rs[:n]); err != nil {
			return err
		}
		rs = rs[n:]
	}
	return nil
}

// insertGroups are the row counts of SQLite's multi-row inserts: a batch
// is split into the largest that fit, so that only these few statements
// are prepared. 13 parameters a row stay below SQLite's limit.
var insertGroups = []int{512, 256, 128, 64, 32, 16, 8, 4, 2, 1}

const insertColumns = `INSERT INTO responses (workspace_id, survey_id, wave_id, account_id, score, comment,
	answers, language, channel, revision, month, created_at, updated_at) `

// insertValuesSQL holds the INSERT of n rows for each of insertGroups. Its
// parameters are anonymous ("?"): the driver looks the name of each
// numbered one up in a list, which grows quadratic with thousands of them.
var insertValuesSQL = func() map[int]string {
	row := "(" + strings.Repeat("?, ", 12) + "?)"
	m := map[int]string{}
	for _, n := range insertGroups {
		m[n] = insertColumns + "VALUES " + strings.Repeat(row+", ", n-1) + row + " RETURNING id"
	}
	return m
}()

// insertArraysSQL inserts rows given as one array per column, in array
// order.
const insertArraysSQL = insertColumns + `
	SELECT w, s, v, NULLIF(a, 0), sc, c, an::jsonb, l, ch, r, m, ca, ua
	FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::integer[], $6::text[],
		$7::text[], $8::text[], $9::text[], $10::integer[], $11::integer[], $12::timestamptz[], $13::timestamptz[])
		WITH ORDINALITY AS t (w, s, v, a, sc, c, an, l, ch, r, m, ca, ua, ord)
	ORDER BY ord
	RETURNING id`

func insertResponsesArrays(ctx context.Context, tx querier, rs []*nps.Response) error {
	if len(rs) == 0 {
		return nil
	}
	n := len(rs)
	var (
		ws, surveys, waves, accounts = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		scores, revisions, months    = make([]int32, n), make([]int32, n), make([]int32, n)
		comments, answers, languages = make([]string, n), make([]string, n), make([]string, n)
		channels                     = make([]string, n)
		created, updated             = make([]time.Time, n), make([]time.Time, n)
	)
	for i, r := range rs {
		a, err := jsonArg(r.Answers)
		if err != nil {
			return err
		}
		ws[i], surveys[i], waves[i], accounts[i] = r.WorkspaceID, r.SurveyID, r.WaveID, r.AccountID
		scores[i], revisions[i], months[i] = int32(r.Score), int32(r.Revision), int32(nps.MonthOf(r.CreatedAt))
		comments[i], answers[i], languages[i], channels[i] = r.Comment, a, r.Language, string(r.Channel)
		created[i], updated[i] = r.CreatedAt, r.UpdatedAt
	}
	rows, err := tx.QueryContext(ctx, insertArraysSQL, ws, surveys, waves, accounts, scores, comments,
		answers, languages, channels, revisions, months, created, updated)
	return setIDs(rows, err, rs)
}

// setIDs gives rs, in order, the sorted IDs that an insert returned.
func setIDs(rows *sql.Rows, err error, rs []*nps.Response) error {
	if err != nil {
		return fmt.Errorf("insert responses: %w", err)
	}
	ids, err := collect(rows, scanID)
	if err != nil {
		return fmt.Errorf("insert responses: %w", err)
	}
	if len(ids) != len(rs) {
		return fmt.Errorf("insert responses: got %d IDs for %d rows", len(ids), len(rs))
	}
	slices.Sort(ids)
	for i, r := range rs {
		r.ID = ids[i]
	}
	return nil
}
