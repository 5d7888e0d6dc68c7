package storetest

import (
	"context"
	"testing"

	"github.com/promotor/promotor/internal/store"
)

// Column is one column of a table of the schema, as the database's own
// catalogue names it.
type Column struct {
	Table, Name string
	// Type is the column's type in lower case: on SQLite as the migration
	// declares it ("" when it declares none), on PostgreSQL the
	// information_schema data_type ("text", "bigint", "jsonb").
	Type string
}

// Columns lists every column of every table of db's schema, by table and
// then in the table's order, so that a test that must cover the whole
// schema (every table with a workspace_id, every text column) reads it
// from the database rather than from a list kept by hand.
func Columns(tb testing.TB, db *store.DB) []Column {
	tb.Helper()
	query := `SELECT m.name, c.name, lower(c.type) FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' ORDER BY m.name, c.cid`
	if db.Dialect() == store.Postgres {
		query = `SELECT c.table_name, c.column_name, lower(c.data_type) FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
			WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position`
	}
	ctx := context.Background()
	pool, err := db.Pool(ctx)
	if err != nil {
		tb.Fatalf("storetest: columns: %v", err)
	}
	rows, err := pool.QueryContext(ctx, query)
	if err != nil {
		tb.Fatalf("storetest: columns: %v", err)
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Table, &c.Name, &c.Type); err != nil {
			tb.Fatalf("storetest: columns: %v", err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("storetest: columns: %v", err)
	}
	if len(cols) == 0 {
		tb.Fatalf("storetest: columns: the schema has none, want a migrated database")
	}
	return cols
}
