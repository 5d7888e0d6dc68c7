package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Multi-row inserts and updates of imported accounts and contacts, as in
// bulk.go: SQLite takes a few statements of many rows with anonymous
// parameters, PostgreSQL one statement of arrays (unnest). Updates set
// every column of rows known by ID from the same kind of list.

// bulkCol is a column of a bulk statement.
type bulkCol struct {
	name string
	// pgType is the column's PostgreSQL type; arrays of times and JSON
	// travel as text.
	pgType string
	// null stores the zero value (0, a zero time) as NULL.
	null bool
}

// bulkTable is a table that imports write in bulk, with its statements
// built once.
type bulkTable struct {
	name string
	cols []bulkCol
	// liteInsert and liteUpdate hold SQLite's statements per group size.
	liteInsert, liteUpdate map[int]string
	pgInsert, pgUpdate     string
}

// newBulkTable builds the statements of a table whose first column, for
// updates, is id.
func newBulkTable(name string, cols ...bulkCol) bulkTable {
	t := bulkTable{name: name, cols: cols, liteInsert: map[int]string{}, liteUpdate: map[int]string{}}
	for _, n := range bulkGroups {
		t.liteInsert[n], t.liteUpdate[n] = t.insertSQLite(n), t.updateSQLite(n)
	}
	t.pgInsert, t.pgUpdate = t.insertPostgres(), t.updatePostgres()
	return t
}

// bulkGroups are SQLite's rows per statement; 13 columns of 256 rows stay
// below its limit of parameters.
var bulkGroups = []int{256, 64, 16, 4, 1}

// insert inserts rows (values in the order of t.cols) and returns their
// IDs in order.
func (t bulkTable) insert(ctx context.Context, q querier, d Dialect, rows [][]any) ([]int64, error) {
	var ids []int64
	err := t.each(ctx, q, d, rows, func(query string, args []any) error {
		got, err := queryIDs(ctx, q, query, args)
		ids = append(ids, got...)
		return err
	}, t.liteInsert, t.pgInsert)
	if err != nil {
		return nil, fmt.Errorf("insert %s: %w", t.name, err)
	}
	if len(ids) != len(rows) {
		return nil, fmt.Errorf("insert %s: got %d IDs for %d rows", t.name, len(ids), len(rows))
	}
	return ids, nil
}

// update sets the columns of the rows given by ID, the first value of each
// row, within the workspace.
func (t bulkTable) update(ctx context.Context, q querier, d Dialect, workspaceID int64, rows [][]any) error {
	err := t.each(ctx, q, d, rows, func(query string, args []any) error {
		_, err := q.ExecContext(ctx, query, append(args, workspaceID)...)
		return err
	}, t.liteUpdate, t.pgUpdate)
	if err != nil {
		return fmt.Errorf("update %s: %w", t.name, err)
	}
	return nil
}

// each runs the statement for rows in groups (SQLite) or at once
// (PostgreSQL).
func (t bulkTable) each(ctx context.Context, q querier, d Dialect, rows [][]any, run func(string, []any) error,
	lite map[int]string, pg string) error {
	if len(rows) == 0 {
		return nil
	}
	if d == Postgres {
		return run(pg, t.arrays(rows))
	}
	for len(rows) > 0 {
		n := 1
		for _, g := range bulkGroups {
			if g <= len(rows) {
				n = g
				break
			}
		}
		args := make([]any, 0, n*len(t.cols))
		for _, row := range rows[:n] {
			for i, c := range t.cols {
				args = append(args, liteArg(c, row[i]))
			}
		}
		if err := run(lite[n], args); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func liteArg(c bulkCol, v any) any {
	if !c.null {
		return v
	}
	switch v := v.(type) {
	case int64:
		return nullID(v)
	case time.Time:
		return nullTime(v)
	}
	return v
}

func (t bulkTable) names() []string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	return names
}

func (t bulkTable) insertSQLite(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	return "INSERT INTO " + t.name + " (" + strings.Join(t.names(), ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + " RETURNING id"
}

// updateSQLite sets the columns from a VALUES list whose first column is
// the ID; the workspace is the last parameter.
func (t bulkTable) updateSQLite(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	sets := make([]string, 0, len(t.cols)-1)
	for i, c := range t.cols[1:] {
		sets = append(sets, c.name+" = v.column"+strconv.Itoa(i+2))
	}
	return "UPDATE " + t.name + " SET " + strings.Join(sets, ", ") + " FROM (VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + ") AS v WHERE " +
		t.name + ".id = v.column1 AND " + t.name + ".workspace_id = ?"
}

// pgSelect returns the unnest of one array per column and the expression
// of each column's value.
func (t bulkTable) pgSelect() (from string, exprs []string) {
	arrays := make([]string, len(t.cols))
	aliases := make([]string, len(t.cols))
	exprs = make([]string, len(t.cols))
	for i, c := range t.cols {
		alias := "c" + strconv.Itoa(i)
		aliases[i] = alias
		arrayType := c.pgType
		if c.pgType == "timestamptz" || c.pgType == "jsonb" {
			arrayType = "text"
		}
		arrays[i] = "$" + strconv.Itoa(i+1) + "::" + arrayType + "[]"
		switch {
		case c.pgType == "timestamptz" && c.null:
			exprs[i] = "NULLIF(" + alias + ", '')::timestamptz"
		case c.pgType == "timestamptz" || c.pgType == "jsonb":
			exprs[i] = alias + "::" + c.pgType
		case c.null:
			exprs[i] = "NULLIF(" + alias + ", 0)"
		default:
			exprs[i] = alias
		}
	}
	from = "unnest(" + strings.Join(arrays, ", ") + ") WITH ORDINALITY AS v (" + strings.Join(aliases, ", ") + ", ord)"
	return from, exprs
}

func (t bulkTable) insertPostgres() string {
	from, exprs := t.pgSelect()
	return "INSERT INTO " + t.name + " (" + strings.Join(t.names(), ", ") + ") SELECT " +
		strings.Join(exprs, ", ") + " FROM " + from + " ORDER BY ord RETURNING id"
}

func (t bulkTable) updatePostgres() string {
	from, exprs := t.pgSelect()
	sets := make([]string, 0, len(t.cols)-1)
	for i, c := range t.cols[1:] {
		sets = append(sets, c.name+" = "+exprs[i+1])
	}
	return "UPDATE " + t.name + " SET " + strings.Join(sets, ", ") + " FROM " + from +
		" WHERE " + t.name + ".id = v.c0 AND " + t.name + ".workspace_id = $" + strconv.Itoa(len(t.cols)+1)
}

// arrays turns rows into one typed array per column for PostgreSQL.
func (t bulkTable) arrays(rows [][]any) []any {
	out := make([]any, len(t.cols))
	for i, c := range t.cols {
		switch c.pgType {
		case "bigint", "integer":
			a := make([]int64, len(rows))
			for j, row := range rows {
				a[j] = row[i].(int64)
			}
			out[i] = a
		case "timestamptz":
			a := make([]string, len(rows))
			for j, row := range rows {
				if tm := row[i].(time.Time); !tm.IsZero() {
					a[j] = tm.Format(time.RFC3339Nano)
				}
			}
			out[i] = a
		default:
			a := make([]string, len(rows))
			for j, row := range rows {
				a[j] = row[i].(string)
			}
			out[i] = a
		}
	}
	return out
}

// queryIDs runs an INSERT … RETURNING id and returns the IDs sorted,
// which is the order of the rows (see bulk.go).
func queryIDs(ctx context.Context, q querier, query string, args []any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	ids, err := collect(rows, func(row rowScanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	slices.Sort(ids)
	return ids, err
}
