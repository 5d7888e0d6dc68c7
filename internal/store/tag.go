package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// AddTag tags one of the workspace's responses (nps.NormalizeTag gives
// the stored form); tagging twice is no error. A response of another
// workspace is nps.ErrNotFound.
func (db *DB) AddTag(ctx context.Context, workspaceID, responseID int64, tag string, userID int64) error {
	tag, err := nps.NormalizeTag(tag)
	if err != nil {
		return fmt.Errorf("store: tag: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM responses WHERE workspace_id = $1 AND id = $2`, workspaceID, responseID).Scan(&id)
		if err != nil {
			return notFound(err, "response", responseID)
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO response_tags (workspace_id, response_id, tag, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (response_id, tag) DO NOTHING`,
			workspaceID, responseID, tag, nullID(userID), db.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: tag: %w", err)
	}
	return nil
}

// RemoveTag removes a tag from one of the workspace's responses; a tag
// that is not there is no error.
func (db *DB) RemoveTag(ctx context.Context, workspaceID, responseID int64, tag string) error {
	tag, err := nps.NormalizeTag(tag)
	if err != nil {
		return fmt.Errorf("store: untag: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM response_tags WHERE workspace_id = $1 AND response_id = $2 AND tag = $3`,
			workspaceID, responseID, tag)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: untag: %w", err)
	}
	return nil
}

// TagsOf returns the tags of the workspace's responses among ids, sorted.
func (db *DB) TagsOf(ctx context.Context, workspaceID int64, ids []int64) (map[int64][]string, error) {
	tags := map[int64][]string{}
	if len(ids) == 0 {
		return tags, nil
	}
	var w where
	ws := w.arg(workspaceID)
	places := make([]string, len(ids))
	for i, id := range ids {
		places[i] = w.arg(id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT response_id, tag FROM response_tags
		WHERE workspace_id = `+ws+` AND response_id IN (`+strings.Join(places, ", ")+`) ORDER BY response_id, tag`, w.args...)
	err = eachRow(rows, err, func(row rowScanner) error {
		var id int64
		var tag string
		if err := row.Scan(&id, &tag); err != nil {
			return err
		}
		tags[id] = append(tags[id], tag)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: tags: %w", err)
	}
	return tags, nil
}

// TagNames returns the tags in use in the workspace, sorted.
func (db *DB) TagNames(ctx context.Context, workspaceID int64) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT tag FROM response_tags WHERE workspace_id = $1 ORDER BY tag`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: tag names: %w", err)
	}
	names, err := collect(rows, scanText)
	if err != nil {
		return nil, fmt.Errorf("store: tag names: %w", err)
	}
	return names, nil
}

// CreateBenchmark stores a benchmark of the workspace.
func (db *DB) CreateBenchmark(ctx context.Context, workspaceID int64, b nps.Benchmark) (nps.Benchmark, error) {
	b.WorkspaceID, b.CreatedAt = workspaceID, db.now()
	b.Name, b.Source = strings.TrimSpace(b.Name), strings.TrimSpace(b.Source)
	if err := b.Validate(); err != nil {
		return nps.Benchmark{}, fmt.Errorf("store: create benchmark: %w", err)
	}
	var low, high, n any
	if b.HasInterval {
		low, high = b.Low, b.High
	}
	if b.N > 0 {
		n = b.N
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO benchmarks (workspace_id, name, nps, low, high, n, source, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			workspaceID, b.Name, b.NPS, low, high, n, b.Source, b.CreatedAt).Scan(&b.ID)
	})
	if err != nil {
		return nps.Benchmark{}, fmt.Errorf("store: create benchmark: %w", err)
	}
	return b, nil
}

// Benchmarks returns the workspace's benchmarks by name.
func (db *DB) Benchmarks(ctx context.Context, workspaceID int64) ([]nps.Benchmark, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, workspace_id, name, nps, low, high, n, source, created_at
		FROM benchmarks WHERE workspace_id = $1 ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: benchmarks: %w", err)
	}
	list, err := collect(rows, func(row rowScanner) (nps.Benchmark, error) {
		var b nps.Benchmark
		var low, high sql.NullFloat64
		var n sql.NullInt64
		err := row.Scan(&b.ID, &b.WorkspaceID, &b.Name, &b.NPS, &low, &high, &n, &b.Source, timeCol{&b.CreatedAt})
		b.Low, b.High, b.HasInterval, b.N = low.Float64, high.Float64, low.Valid && high.Valid, n.Int64
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: benchmarks: %w", err)
	}
	return list, nil
}

// DeleteBenchmark removes one of the workspace's benchmarks; one of
// another workspace is nps.ErrNotFound.
func (db *DB) DeleteBenchmark(ctx context.Context, workspaceID, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM benchmarks WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
		return oneRow(res, err, "benchmark", id)
	})
	if err != nil {
		return fmt.Errorf("store: delete benchmark: %w", err)
	}
	return nil
}
