package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// Reading the stored rows an import refers to, by their natural keys, in
// chunks of maxKeysPerQuery.

// loadAccounts returns the workspace's accounts whose column (external_id
// or name) is one of keys.
func loadAccounts(ctx context.Context, q querier, workspaceID int64, column string, keys map[string]bool) ([]nps.Account, error) {
	var all []nps.Account
	err := loadByKeys(ctx, q, workspaceID, "SELECT "+accountColumns+" FROM accounts", column, keys, func(rows rowScanner) error {
		a, err := scanAccount(rows)
		all = append(all, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find accounts by %s: %w", column, err)
	}
	return all, nil
}

// loadContacts returns the workspace's contacts whose column (email or
// external_id) is one of keys.
func loadContacts(ctx context.Context, q querier, workspaceID int64, column string, keys map[string]bool) ([]nps.Contact, error) {
	var all []nps.Contact
	err := loadByKeys(ctx, q, workspaceID, "SELECT "+contactColumns+" FROM contacts", column, keys, func(rows rowScanner) error {
		c, err := scanContact(rows)
		all = append(all, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find contacts by %s: %w", column, err)
	}
	return all, nil
}

// loadByKeys runs query (a SELECT … FROM without WHERE) for the rows of
// the workspace whose column is one of keys, and scans each.
func loadByKeys(ctx context.Context, q querier, workspaceID int64, query, column string, keys map[string]bool, scan func(rowScanner) error) error {
	delete(keys, "")
	for chunk := range slices.Chunk(slices.Sorted(maps.Keys(keys)), maxKeysPerQuery) {
		w := &where{}
		w.and("workspace_id = " + w.arg(workspaceID))
		marks := make([]string, len(chunk))
		for i, k := range chunk {
			marks[i] = w.arg(k)
		}
		w.and(column + " IN (" + strings.Join(marks, ", ") + ")")
		rows, err := q.QueryContext(ctx, query+w.String(), w.args...)
		if err := eachRow(rows, err, scan); err != nil {
			return err
		}
	}
	return nil
}

// members returns the user ID of each member of the workspace by email.
func members(ctx context.Context, q querier, workspaceID int64) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT u.email, m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	type member struct {
		email string
		id    int64
	}
	list, err := collect(rows, func(row rowScanner) (member, error) {
		var m member
		return m, row.Scan(&m.email, &m.id)
	})
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	byEmail := make(map[string]int64, len(list))
	for _, m := range list {
		byEmail[m.email] = m.id
	}
	return byEmail, nil
}

// accountRefs finds and creates the accounts that contacts and responses
// name, by external ID and by name, so that each is read once and created
// once however many rows name it.
type accountRefs struct {
	p      *importPlan
	byExt  map[string]*nps.Account
	byName map[string][]*nps.Account
}

// accountKeys are the accounts that lines refer to: by external ID where
// a line gives one, else by name.
type accountKeys struct{ exts, names map[string]bool }

func newAccountKeys() accountKeys {
	return accountKeys{exts: map[string]bool{}, names: map[string]bool{}}
}

// add notes a line's reference.
func (k accountKeys) add(externalID, name string) {
	switch {
	case externalID != "":
		k.exts[externalID] = true
	case name != "":
		k.names[name] = true
	}
}

// loadAccountRefs reads the accounts that keys refer to.
func (p *importPlan) loadAccountRefs(ctx context.Context, keys accountKeys) error {
	r := &accountRefs{p: p, byExt: map[string]*nps.Account{}, byName: map[string][]*nps.Account{}}
	for _, by := range []struct {
		column string
		keys   map[string]bool
	}{{"external_id", keys.exts}, {"name", keys.names}} {
		found, err := loadAccounts(ctx, p.q, p.workspaceID, by.column, by.keys)
		if err != nil {
			return err
		}
		for i := range found {
			r.add(&found[i])
		}
	}
	p.refs = r
	return nil
}

func (r *accountRefs) add(a *nps.Account) {
	if a.ExternalID != "" {
		if _, ok := r.byExt[a.ExternalID]; ok {
			return
		}
		r.byExt[a.ExternalID] = a
	}
	if !slices.ContainsFunc(r.byName[a.Name], func(b *nps.Account) bool { return b.ID == a.ID && a.ID != 0 }) {
		r.byName[a.Name] = append(r.byName[a.Name], a)
	}
}

// resolve returns the account a row names, creating it when missing and
// renaming it when the row gives it another name; nil with no reference.
// A row that cannot be resolved is rejected, and ok is false.
func (r *accountRefs) resolve(line int, ext, name string) (a *nps.Account, ok bool) {
	p := r.p
	switch {
	case ext == "" && name == "":
		return nil, true
	case ext != "":
		a = r.byExt[ext]
		if a == nil && name == "" {
			p.reject(line, "account_external_id", "there is no account with external id %q; import the accounts first, or map a company name column to create it", ext)
			return nil, false
		}
		if a == nil {
			a = p.newAccount(nps.Account{ExternalID: ext, Name: name})
			r.add(a)
		} else if name != "" && a.Name != name {
			if a.ID != 0 && !slices.Contains(p.changedAccounts, a) {
				p.changedAccounts = append(p.changedAccounts, a)
			}
			a.Name, a.UpdatedAt = name, p.now
		}
		return a, true
	}
	switch found := r.byName[name]; len(found) {
	case 0:
		a = p.newAccount(nps.Account{Name: name})
		r.add(a)
		return a, true
	case 1:
		return found[0], true
	default:
		p.reject(line, "account_name", "%d accounts are named %q; map an account external id column to tell them apart", len(found), name)
		return nil, false
	}
}

// newAccount plans the insert of a.
func (p *importPlan) newAccount(a nps.Account) *nps.Account {
	a.WorkspaceID, a.CreatedAt, a.UpdatedAt = p.workspaceID, p.now, p.now
	a.ChurnedAt = normTime(a.ChurnedAt)
	if a.Status == "" {
		a.Status = nps.AccountActive
	}
	p.newAccounts = append(p.newAccounts, &a)
	return &a
}
