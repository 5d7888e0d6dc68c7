package store

import (
	"context"
	"database/sql"
)

// RawSQL gives tests the underlying handle, to check stored rows against
// what the store's methods report.
func RawSQL(db *DB) *sql.DB { return db.sql }

// SetSearchWalk makes PostgreSQL searches walk n responses before they
// read the index, until the returned function restores it.
func SetSearchWalk(n int) (restore func()) {
	old := searchWalk
	searchWalk = n
	return func() { searchWalk = old }
}

// ScanInsight counts, from the responses themselves, the themes of a wave
// by score and its responses by account and score: the plain-SQL baseline
// of BenchmarkInsightWorkload. It returns the numbers of cells.
func ScanInsight(ctx context.Context, db *DB, workspaceID, waveID int64) (themes, accounts int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT t.theme, r.score, COUNT(*) FROM response_themes t
		JOIN responses r ON r.workspace_id = t.workspace_id AND r.id = t.response_id
		WHERE t.workspace_id = $1 AND r.wave_id = $2 GROUP BY t.theme, r.score) AS c`, workspaceID, waveID).Scan(&themes)
	if err != nil {
		return 0, 0, err
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT account_id, score, COUNT(*) FROM responses
		WHERE workspace_id = $1 AND wave_id = $2 GROUP BY account_id, score) AS c`, workspaceID, waveID).Scan(&accounts)
	return themes, accounts, err
}
