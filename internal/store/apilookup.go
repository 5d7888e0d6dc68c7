package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// Refs names rows a batch of incoming responses refers to, by ID or by
// natural key, so that the API can check them all against the workspace
// in a query per kind and name each item's unknown reference by its field,
// before anything is written.
type Refs struct {
	WaveIDs, ContactIDs, AccountIDs []int64
	// ContactEmails are matched as nps.NormalizeEmail leaves them.
	ContactEmails      []string
	AccountExternalIDs []string
}

// Found is what of a Refs exists in the workspace: the IDs that exist, and
// the ID of each natural key found.
type Found struct {
	Waves, Contacts, Accounts map[int64]bool
	ContactByEmail            map[string]int64
	AccountByExternalID       map[string]int64
}

// FindRefs looks up refs in the workspace. Rows of another workspace are
// not found.
func (db *DB) FindRefs(ctx context.Context, workspaceID int64, refs Refs) (Found, error) {
	f := Found{Waves: map[int64]bool{}, Contacts: map[int64]bool{}, Accounts: map[int64]bool{},
		ContactByEmail: map[string]int64{}, AccountByExternalID: map[string]int64{}}
	emails := make([]string, len(refs.ContactEmails))
	for i, e := range refs.ContactEmails {
		emails[i] = nps.NormalizeEmail(e)
	}
	lookups := []struct {
		table, column string
		keys          []any
		found         func(key any, id int64)
	}{
		{"waves", "id", ids(refs.WaveIDs), func(_ any, id int64) { f.Waves[id] = true }},
		{"contacts", "id", ids(refs.ContactIDs), func(_ any, id int64) { f.Contacts[id] = true }},
		{"accounts", "id", ids(refs.AccountIDs), func(_ any, id int64) { f.Accounts[id] = true }},
		{"contacts", "email", texts(emails), func(k any, id int64) { f.ContactByEmail[k.(string)] = id }},
		{"accounts", "external_id", texts(refs.AccountExternalIDs), func(k any, id int64) { f.AccountByExternalID[k.(string)] = id }},
	}
	for _, l := range lookups {
		for chunk := range slices.Chunk(l.keys, maxKeysPerQuery) {
			if err := findKeys(ctx, db, workspaceID, l.table, l.column, chunk, l.found); err != nil {
				return Found{}, fmt.Errorf("store: find %s by %s: %w", l.table, l.column, err)
			}
		}
	}
	return f, nil
}

// maxKeysPerQuery bounds the placeholders of one lookup, well under what
// either database allows in a statement.
const maxKeysPerQuery = 1000

// findKeys reads the IDs of the workspace's rows of table whose column is
// one of keys.
func findKeys(ctx context.Context, db *DB, workspaceID int64, table, column string, keys []any, found func(any, int64)) error {
	w := &where{}
	w.and("workspace_id = " + w.arg(workspaceID))
	marks := make([]string, len(keys))
	for i, k := range keys {
		marks[i] = w.arg(k)
	}
	w.and(column + " IN (" + strings.Join(marks, ", ") + ")")
	rows, err := db.read.QueryContext(ctx, `SELECT `+column+`, id FROM `+table+w.String(), w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if column == "id" {
			var key int64
			if err := rows.Scan(&key, &id); err != nil {
				return err
			}
			found(key, id)
			continue
		}
		var key string
		if err := rows.Scan(&key, &id); err != nil {
			return err
		}
		found(key, id)
	}
	return rows.Err()
}

// ids returns the distinct positive IDs as query arguments.
func ids(in []int64) []any {
	set := map[int64]bool{}
	for _, id := range in {
		if id > 0 {
			set[id] = true
		}
	}
	out := make([]any, 0, len(set))
	for _, id := range slices.Sorted(maps.Keys(set)) {
		out = append(out, id)
	}
	return out
}

// texts returns the distinct non-empty keys as query arguments.
func texts(in []string) []any {
	set := map[string]bool{}
	for _, s := range in {
		if s != "" {
			set[s] = true
		}
	}
	out := make([]any, 0, len(set))
	for _, s := range slices.Sorted(maps.Keys(set)) {
		out = append(out, s)
	}
	return out
}
