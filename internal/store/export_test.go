package store

import "database/sql"

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
