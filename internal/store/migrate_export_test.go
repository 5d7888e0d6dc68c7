package store

import "context"

// MigrateTo applies the pending migrations up to and including version,
// so that a test can put rows into an older schema and migrate them.
func MigrateTo(ctx context.Context, db *DB, version int64) error {
	p, err := db.migrator(ctx)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
