package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Helpers to build queries and scan rows. The nps types use zero values
// for "none" (an ID of 0, a zero time); the database uses NULL. These
// helpers translate both ways.

// nullID stores an optional reference: 0 becomes NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTime stores an optional time: zero becomes NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// normTime brings a caller's time to what the databases keep: UTC at
// microsecond precision, so that it reads back equal.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// jsonArg encodes a value stored as JSON.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode JSON: %w", err)
	}
	return string(b), nil
}

// scanText scans a row of one text column.
func scanText(row rowScanner) (string, error) {
	var s string
	return s, row.Scan(&s)
}

// idCol scans an optional reference: NULL becomes 0.
type idCol struct{ dst *int64 }

func (c idCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.dst = n.Int64
	return nil
}

// timeCol scans a time in UTC; NULL becomes the zero time. SQLite hands
// over text where it lost the column's type (see sqliteTimeFormat).
type timeCol struct{ dst *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.dst = time.Time{}
	case time.Time:
		*c.dst = v.UTC()
	case string:
		t, err := time.Parse(sqliteTimeFormat, v)
		if err != nil {
			return fmt.Errorf("parse time %q: %w", v, err)
		}
		*c.dst = t.UTC()
	default:
		return fmt.Errorf("cannot scan %T into a time", v)
	}
	return nil
}

// jsonCol scans a JSON column into dst.
type jsonCol struct{ dst any }

func (c jsonCol) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("cannot scan %T as JSON", v)
	}
	if err := json.Unmarshal(b, c.dst); err != nil {
		return fmt.Errorf("decode JSON: %w", err)
	}
	return nil
}

// notFound turns sql.ErrNoRows into nps.ErrNotFound, naming what was
// looked for; other errors pass unchanged.
func notFound(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %v: %w", what, id, nps.ErrNotFound)
	}
	return err
}

// oneRow turns an UPDATE or DELETE that touched no row into
// nps.ErrNotFound.
func oneRow(res sql.Result, err error, what string, id any) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %v: %w", what, id, nps.ErrNotFound)
	}
	return nil
}

// conflict wraps nps.ErrConflict with what clashed when err is a unique
// violation; other errors pass unchanged.
func conflict(err error, what string) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%s already exists: %w", what, nps.ErrConflict)
	}
	return err
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// collect scans every row and closes rows.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var all []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, rows.Err()
}

// eachRow passes every row of a query to scan and closes rows; err is the
// query's own error, returned as it is.
func eachRow(rows *sql.Rows, err error, scan func(rowScanner) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

// where builds a WHERE clause with numbered placeholders.
type where struct {
	clauses []string
	args    []any
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// clone returns a copy of w that can take more conditions and arguments
// without changing w.
func (w *where) clone() *where {
	return &where{clauses: slices.Clone(w.clauses), args: slices.Clone(w.args)}
}

// and adds a condition.
func (w *where) and(clause string) { w.clauses = append(w.clauses, clause) }

// String returns the clause, with a leading space.
func (w *where) String() string {
	if len(w.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.clauses, " AND ")
}

// scanID scans a row of one ID column.
func scanID(row rowScanner) (int64, error) {
	var id int64
	err := row.Scan(&id)
	return id, err
}

// literal returns v as SQL: an integer as its digits, anything else as a
// placeholder of w. Multi-row statements of integers the store holds
// itself bind far fewer parameters so: SQLite looks each numbered
// parameter's name up in a list, in time that grows with their number
// squared.
func (w *where) literal(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return w.arg(v)
}

// idsIn returns the condition that col is one of ids (at least one),
// with their range besides the list: the range is what makes a planner
// whose statistics are out of date (a table that grew since it was last
// analysed) read the few rows from col's index instead of scanning.
func idsIn(col string, ids []int64) string {
	lo, hi := slices.Min(ids), slices.Max(ids)
	return col + " BETWEEN " + strconv.FormatInt(lo, 10) + " AND " + strconv.FormatInt(hi, 10) +
		" AND " + col + " IN (" + idList(ids) + ")"
}

// idList returns IDs as a comma-separated list for an IN clause: integers
// the store itself holds, so that a batch of thousands needs no
// placeholders (which both databases limit in number).
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
