package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/promotor/promotor/internal/nps"
)

// The responses of the benchmark workload: read, checked and inserted in
// batches, by COPY on PostgreSQL and multi-row INSERTs on SQLite
// (workload.go has the load as a whole).
// workloadRow is a response ready to store.
type workloadRow struct {
	wave, contact, account int64
	score, month           int32
	comment                string
	created                time.Time
}

// next reads the next response and resolves the files' keys to stored
// rows: the contact is 0 but for the first response of the contact in the
// wave. It returns io.EOF after the last.
func (l *workloadLoad) next() (workloadRow, error) {
	r, err := l.src.Responses()
	if err != nil {
		return workloadRow{}, err
	}
	fail := func(format string, args ...any) (workloadRow, error) {
		return workloadRow{}, workloadLineError(l.src.ResponsesName, r.Line, format, args...)
	}
	if r.Wave < 1 || r.Wave > WorkloadWaves {
		return fail("wave %d is not a wave of the workload (1 to %d)", r.Wave, WorkloadWaves)
	}
	w := l.waves[r.Wave-1]
	row := workloadRow{wave: w.ID, score: int32(r.Score), comment: r.Comment, created: r.CreatedAt.UTC().Truncate(time.Microsecond)}
	switch {
	case r.Score < nps.MinScore || r.Score > nps.MaxScore:
		return fail("score %d is not 0 to 10", r.Score)
	case !w.OpenAt(row.created):
		return fail("%s is outside wave %d (%s)", row.created.Format(time.DateTime), r.Wave, w.Name)
	case len(r.Comment) > 10_000 && utf8.RuneCountInString(r.Comment) > 10_000:
		return fail("the comment is longer than 10000 characters")
	case !utf8.ValidString(r.Comment):
		return fail("the comment is not valid UTF-8")
	}
	var ok bool
	if row.account, ok = l.accounts[r.AccountID]; !ok {
		return fail("account %d is not in %s", r.AccountID, l.src.AccountsName)
	}
	if r.ContactID != 0 {
		c, ok := l.contacts[r.ContactID]
		if !ok {
			return fail("contact %d is not in %s", r.ContactID, l.src.ContactsName)
		}
		if !c.linked[r.Wave-1] {
			c.linked[r.Wave-1] = true
			row.contact = c.id
			l.report.Linked++
		}
	}
	row.month = int32(nps.MonthOf(row.created))
	return row, nil
}

// workloadColumns are the columns the load gives; answers and revision
// take their defaults.
var workloadColumns = []string{"workspace_id", "survey_id", "wave_id", "contact_id", "account_id", "score",
	"comment", "language", "channel", "month", "created_at", "updated_at"}

// insertResponses stores the responses on SQLite: batches of multi-row
// INSERTs on one connection, a transaction each. The FTS triggers index
// the comments as they go, at about the cost of indexing them afterwards.
func (l *workloadLoad) insertResponses(ctx context.Context) error {
	conn, err := l.db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A page cache that holds the pages every index appends to (64 MB),
	// and then the pool's size again.
	var cache int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.FormatInt(cache, 10))
	consts := strconv.FormatInt(l.report.WorkspaceID, 10) + ", " + strconv.FormatInt(l.report.SurveyID, 10)
	statement := func(n int) string {
		row := "(" + consts + ", ?, ?, ?, ?, ?, 'en', 'import', ?, ?, ?)"
		return `INSERT INTO responses (` + strings.Join(workloadColumns, ", ") + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	full := statement(workloadRowsPerInsert)
	args := make([]any, 0, 8*workloadRowsPerInsert)
	for eof := false; !eof; {
		n := 0
		err := l.db.writeOn(ctx, conn, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, full)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for n < l.batch(workloadBatchSQLite) {
				r, err := l.next()
				if err == io.EOF {
					eof = true
					break
				}
				if err != nil {
					return err
				}
				created := r.created.Format(sqliteTimeFormat)
				args = append(args, r.wave, nullID(r.contact), r.account, r.score, r.comment, r.month, created, created)
				if n++; len(args) == cap(args) {
					if _, err := stmt.ExecContext(ctx, args...); err != nil {
						return err
					}
					args = args[:0]
				}
			}
			if len(args) > 0 {
				_, err = tx.ExecContext(ctx, statement(len(args)/8), args...)
				args = args[:0]
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("insert responses: %w", err)
		}
		l.committed(int64(n))
	}
	return nil
}

// copyResponses stores the responses on PostgreSQL: a COPY per batch, a
// transaction each, through the pgx connection under database/sql.
func (l *workloadLoad) copyResponses(ctx context.Context) error {
	conn, err := l.db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		src := &workloadCopy{l: l, values: make([]any, len(workloadColumns)), batch: l.batch(workloadBatchPostgres)}
		for !src.eof {
			src.n = 0
			err := pgx.BeginFunc(ctx, pc, func(tx pgx.Tx) error {
				_, err := tx.CopyFrom(ctx, pgx.Identifier{"responses"}, workloadColumns, src)
				return err
			})
			if src.err != nil {
				// The input's error, which COPY reports as its own.
				return src.err
			}
			if err != nil {
				return fmt.Errorf("copy responses: %w", err)
			}
			l.committed(int64(src.n))
		}
		return nil
	})
}

// workloadCopy is a batch of responses as pgx.CopyFromSource.
type workloadCopy struct {
	l      *workloadLoad
	values []any
	n      int
	batch  int
	eof    bool
	err    error
}

func (c *workloadCopy) Next() bool {
	if c.n == c.batch || c.eof {
		return false
	}
	r, err := c.l.next()
	if err == io.EOF {
		c.eof = true
		return false
	}
	if err != nil {
		c.err = err
		return false
	}
	c.n++
	v := c.values
	v[0], v[1], v[2], v[3], v[4], v[5] = c.l.report.WorkspaceID, c.l.report.SurveyID, r.wave, nullID(r.contact), r.account, r.score
	v[6], v[7], v[8], v[9], v[10], v[11] = r.comment, "en", string(nps.ChannelImport), r.month, r.created, r.created
	return true
}

func (c *workloadCopy) Values() ([]any, error) { return c.values, nil }
func (c *workloadCopy) Err() error             { return c.err }

// batch returns the rows per transaction.
func (l *workloadLoad) batch(def int) int {
	if l.src.Batch > 0 {
		return l.src.Batch
	}
	return def
}

// committed counts a committed batch and reports progress.
func (l *workloadLoad) committed(n int64) {
	l.report.Responses += n
	if l.src.Progress != nil {
		l.src.Progress(l.report.Responses)
	}
}
