package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
)

// ImportMapping returns the column mapping last used for an import of
// kind k in the workspace; nps.ErrNotFound when there was none, as for a
// kind whose mapping is not remembered.
func (db *DB) ImportMapping(ctx context.Context, workspaceID int64, k importer.Kind) (importer.Mapping, error) {
	var m importer.Mapping
	err := db.read.QueryRowContext(ctx,
		`SELECT mapping FROM import_mappings WHERE workspace_id = $1 AND kind = $2`, workspaceID, string(k),
	).Scan(jsonCol{&m})
	if err != nil {
		return nil, fmt.Errorf("store: import mapping: %w", notFound(err, "import mapping of", k))
	}
	return m, nil
}

// SaveImportMapping remembers m as the workspace's mapping for imports of
// kind k.
func (db *DB) SaveImportMapping(ctx context.Context, workspaceID int64, k importer.Kind, m importer.Mapping) error {
	if _, err := importer.ParseKind(string(k)); err != nil {
		return fmt.Errorf("store: save import mapping: %w", &nps.ValidationError{Field: "kind", Message: err.Error()})
	}
	if !remembered(k) {
		return fmt.Errorf("store: save import mapping: %w", &nps.ValidationError{Field: "kind", Message: fmt.Sprintf("the mapping of %s imports is not remembered", k)})
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		return saveImportMapping(ctx, tx, workspaceID, k, m, db.now())
	})
	if err != nil {
		return fmt.Errorf("store: save import mapping: %w", err)
	}
	return nil
}

// remembered reports whether the mappings of kind k are remembered. The
// schema keeps those of accounts, contacts and responses only, so a
// revenue file is mapped from the suggestion, or by hand, every time.
func remembered(k importer.Kind) bool { return k != importer.Revenue }

func saveImportMapping(ctx context.Context, tx querier, workspaceID int64, k importer.Kind, m importer.Mapping, now time.Time) error {
	if m == nil {
		m = importer.Mapping{}
	}
	mapping, err := jsonArg(m)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO import_mappings (workspace_id, kind, mapping, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, kind) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
		workspaceID, string(k), mapping, now)
	return err
}
