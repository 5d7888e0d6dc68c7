package store

import "database/sql"

// RawSQL gives tests the underlying handle, to check stored rows against
// what the store's methods report.
func RawSQL(db *DB) *sql.DB { return db.sql }
