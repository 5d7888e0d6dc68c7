package store

import (
	"context"
	"strconv"
	"strings"
)

// maxParams keeps a multi-row statement under both databases' limits on
// bound parameters (SQLite 32,766, PostgreSQL 65,535).
const maxParams = 30000

// insertMany runs insert (an "INSERT INTO t (c1, …, cn)" prefix) for rows
// of ncol values each, given flat in args, as few multi-row statements as
// the parameter limit allows; suffix (ON CONFLICT …, RETURNING …) follows
// each VALUES list and each returned row is passed to scan.
func insertMany(ctx context.Context, q querier, d Dialect, insert string, ncol int, args []any, suffix string, scan func(rowScanner) error) error {
	per := maxParams / ncol
	for len(args) > 0 {
		n := min(per, len(args)/ncol)
		query := insert + " VALUES " + valuesList(d, n, ncol) + " " + suffix
		chunk := args[:n*ncol]
		args = args[n*ncol:]
		if scan == nil {
			if _, err := q.ExecContext(ctx, query, chunk...); err != nil {
				return err
			}
			continue
		}
		rows, err := q.QueryContext(ctx, query, chunk...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// valuesList returns n rows of ncol placeholders: anonymous ones on
// SQLite, whose driver looks numbered ones up in a list (quadratic in
// their number), $N on PostgreSQL, which knows no other kind.
func valuesList(d Dialect, n, ncol int) string {
	var b strings.Builder
	b.Grow(n * ncol * 6)
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range ncol {
			if j > 0 {
				b.WriteString(", ")
			}
			p++
			if d == Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
