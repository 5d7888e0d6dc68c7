package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Planning and writing imported accounts and contacts. A mapped column
// replaces the stored value (an empty cell clears it); an unmapped field
// keeps what is stored; mapped attributes are set or, when empty,
// removed, and the others kept. An opt-out is never cleared. A mapped
// revenue is also the revenue of its year (import_revenue.go), and the
// annual revenue that of the account's latest year: an empty cell stores
// no year and leaves the latest stored one, or 0 when there is none.

// The columns behind the nps fields that validation names.
var (
	importAccountFields = map[string]string{"name": "name", "external_id": "external_id", "industry": "industry",
		"region": "region", "size": "size", "annual_revenue": "revenue", "status": "status", "churned_at": "churned_at",
		"owner_id": "owner_email"}
	importContactFields = map[string]string{"email": "email", "external_id": "external_id", "name": "name",
		"language": "language"}
)

func (p *importPlan) planAccounts(ctx context.Context) error {
	keys := newAccountKeys()
	for _, r := range p.rs.Accounts {
		keys.add(r.Account.ExternalID, r.Account.Name)
	}
	if err := p.loadAccountRefs(ctx, keys); err != nil {
		return err
	}
	mapped := p.rs.Mapped
	if mapped["revenue"] {
		if err := p.loadRevenue(ctx); err != nil {
			return err
		}
	}
	owners, err := members(ctx, p.q, p.workspaceID)
	if err != nil {
		return err
	}
	for _, r := range p.rs.Accounts {
		year := p.revenueYear(r.RevenueYear)
		var owner int64
		if r.OwnerEmail != "" {
			if owner = owners[r.OwnerEmail]; owner == 0 {
				p.reject(r.Line, "owner_email", "%q is not a member of the workspace; add them first, or leave the owner empty", r.OwnerEmail)
				continue
			}
		}
		var stored *nps.Account
		if r.Account.ExternalID != "" {
			stored = p.refs.byExt[r.Account.ExternalID]
		} else if found := p.refs.byName[r.Account.Name]; len(found) > 1 {
			p.reject(r.Line, "name", "%d accounts are named %q; add an external id column to tell them apart", len(found), r.Account.Name)
			continue
		} else if len(found) == 1 {
			stored = found[0]
		}
		if stored == nil {
			a := r.Account
			a.OwnerID = owner
			if a.Name == "" {
				p.reject(r.Line, "external_id", "there is no account with external id %q, and the file maps no name to create it with", a.ExternalID)
				continue
			}
			if err := a.Validate(); err != nil {
				p.rejectInvalid(r.Line, err, importAccountFields)
				continue
			}
			created := p.newAccount(a)
			p.refs.add(created)
			if r.HasRevenue {
				p.planYear(created, year, a.AnnualRevenueCents)
			}
			continue
		}
		a := *stored
		set := func(field string, dst *string, v string) {
			if mapped[field] {
				*dst = v
			}
		}
		set("external_id", &a.ExternalID, r.Account.ExternalID)
		set("name", &a.Name, r.Account.Name)
		set("industry", &a.Industry, r.Account.Industry)
		set("region", &a.Region, r.Account.Region)
		set("size", &a.Size, r.Account.Size)
		if mapped["owner_email"] {
			a.OwnerID = owner
		}
		if mapped["revenue"] {
			var given map[int]int64
			if r.HasRevenue {
				given = map[int]int64{year: r.Account.AnnualRevenueCents}
			}
			a.AnnualRevenueCents, _ = latestRevenue(p.storedYears[stored.ID], given)
		}
		if mapped["status"] || mapped["churned_at"] {
			a.Status, a.ChurnedAt = r.Account.Status, normTime(r.Account.ChurnedAt)
		}
		a.Attributes = mergeAttributes(a.Attributes, r.Account.Attributes, r.ClearAttributes)
		if err := a.Validate(); err != nil {
			p.rejectInvalid(r.Line, err, importAccountFields)
			continue
		}
		if r.HasRevenue {
			p.planYear(stored, year, r.Account.AnnualRevenueCents)
		}
		if sameAccount(*stored, a) {
			p.report.Accounts.Unchanged++
			continue
		}
		a.UpdatedAt = p.now
		*stored = a
		p.changedAccounts = append(p.changedAccounts, stored)
	}
	return nil
}

// mergeAttributes returns stored with set added and clear removed; nil
// when none remain.
func mergeAttributes(stored, set map[string]string, clear []string) map[string]string {
	out := maps.Clone(stored)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, set)
	for _, k := range clear {
		delete(out, k)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sameAccount(a, b nps.Account) bool {
	return a.ExternalID == b.ExternalID && a.Name == b.Name && a.OwnerID == b.OwnerID && a.Industry == b.Industry &&
		a.Region == b.Region && a.Size == b.Size && maps.Equal(a.Attributes, b.Attributes) &&
		a.AnnualRevenueCents == b.AnnualRevenueCents && a.Status == b.Status && a.ChurnedAt.Equal(b.ChurnedAt)
}

func (p *importPlan) planContacts(ctx context.Context) error {
	emails, exts, accounts := map[string]bool{}, map[string]bool{}, newAccountKeys()
	for _, r := range p.rs.Contacts {
		emails[r.Contact.Email], exts[r.Contact.ExternalID] = true, true
		accounts.add(r.AccountExternalID, r.AccountName)
	}
	if err := p.loadAccountRefs(ctx, accounts); err != nil {
		return err
	}
	byEmail, byExt, err := p.loadContactKeys(ctx, emails, exts)
	if err != nil {
		return err
	}
	mapped := p.rs.Mapped
	accountMapped := mapped["account_external_id"] || mapped["account_name"]
	for _, r := range p.rs.Contacts {
		a, ok := p.refs.resolve(r.Line, r.AccountExternalID, r.AccountName)
		if !ok {
			continue
		}
		stored := byEmail[r.Contact.Email]
		if other := byExt[r.Contact.ExternalID]; other != nil && r.Contact.ExternalID != "" {
			if stored != nil && stored.ID != other.ID {
				p.reject(r.Line, "external_id", "external id %q belongs to contact %s, but the email address to another contact", r.Contact.ExternalID, other.Email)
				continue
			}
			stored = other
		}
		if stored == nil {
			c := r.Contact
			c.WorkspaceID, c.CreatedAt, c.UpdatedAt = p.workspaceID, p.now, p.now
			if r.OptedOut && c.OptedOutAt.IsZero() {
				c.OptedOutAt = p.now
			}
			c.OptedOutAt = normTime(c.OptedOutAt)
			p.newContacts = append(p.newContacts, plannedContact{c: &c, account: a})
			continue
		}
		c := *stored
		if r.Contact.Email != "" {
			c.Email = r.Contact.Email
		}
		if r.Contact.ExternalID != "" {
			c.ExternalID = r.Contact.ExternalID
		}
		if mapped["name"] {
			c.Name = r.Contact.Name
		}
		if mapped["language"] {
			c.Language = r.Contact.Language
		}
		c.Attributes = mergeAttributes(c.Attributes, r.Contact.Attributes, r.ClearAttributes)
		newlyOptedOut := r.OptedOut && c.OptedOutAt.IsZero()
		if newlyOptedOut {
			c.OptedOutAt = normTime(r.Contact.OptedOutAt)
			if c.OptedOutAt.IsZero() {
				c.OptedOutAt = p.now
			}
		}
		if err := c.Validate(); err != nil {
			p.rejectInvalid(r.Line, err, importContactFields)
			continue
		}
		keep := a
		if !accountMapped || a == nil {
			keep = nil // an empty account reference keeps the stored account
		}
		if sameContact(*stored, c) && (keep == nil || (keep.ID != 0 && keep.ID == c.AccountID)) {
			p.report.Contacts.Unchanged++
			continue
		}
		if newlyOptedOut {
			p.optedOut = append(p.optedOut, c.ID)
		}
		c.UpdatedAt = p.now
		*stored = c
		p.changedContacts = append(p.changedContacts, plannedContact{c: stored, account: keep})
	}
	p.report.Contacts.Create, p.report.Contacts.Update = len(p.newContacts), len(p.changedContacts)
	return nil
}

// loadContactKeys reads the contacts with the given emails and external
// IDs.
func (p *importPlan) loadContactKeys(ctx context.Context, emails, exts map[string]bool) (byEmail, byExt map[string]*nps.Contact, err error) {
	byEmail, byExt = map[string]*nps.Contact{}, map[string]*nps.Contact{}
	byID := map[int64]*nps.Contact{}
	for _, by := range []struct {
		column string
		keys   map[string]bool
	}{{"email", emails}, {"external_id", exts}} {
		found, err := loadContacts(ctx, p.q, p.workspaceID, by.column, by.keys)
		if err != nil {
			return nil, nil, err
		}
		for i := range found {
			c := byID[found[i].ID]
			if c == nil {
				c = &found[i]
				byID[c.ID] = c
			}
			if c.Email != "" {
				byEmail[c.Email] = c
			}
			if c.ExternalID != "" {
				byExt[c.ExternalID] = c
			}
		}
	}
	return byEmail, byExt, nil
}

func sameContact(a, b nps.Contact) bool {
	return a.Email == b.Email && a.ExternalID == b.ExternalID && a.Name == b.Name && a.Language == b.Language &&
		maps.Equal(a.Attributes, b.Attributes) && a.OptedOutAt.Equal(b.OptedOutAt) && a.AccountID == b.AccountID
}

var (
	accountCols = []bulkCol{{"external_id", "text", false}, {"name", "text", false}, {"owner_id", "bigint", true},
		{"industry", "text", false}, {"region", "text", false}, {"size", "text", false}, {"attributes", "jsonb", false},
		{"annual_revenue_cents", "bigint", false}, {"status", "text", false}, {"churned_at", "timestamptz", true},
		{"updated_at", "timestamptz", false}}
	contactCols = []bulkCol{{"account_id", "bigint", true}, {"external_id", "text", false}, {"email", "text", false},
		{"name", "text", false}, {"language", "text", false}, {"attributes", "jsonb", false},
		{"opted_out_at", "timestamptz", true}, {"updated_at", "timestamptz", false}}
	bulkID         = bulkCol{"id", "bigint", false}
	bulkWorkspace  = bulkCol{"workspace_id", "bigint", false}
	bulkCreated    = bulkCol{"created_at", "timestamptz", false}
	accountsInsert = newBulkTable("accounts", append([]bulkCol{bulkWorkspace, bulkCreated}, accountCols...)...)
	accountsUpdate = newBulkTable("accounts", append([]bulkCol{bulkID}, accountCols...)...)
	contactsInsert = newBulkTable("contacts", append([]bulkCol{bulkWorkspace, bulkCreated}, contactCols...)...)
	contactsUpdate = newBulkTable("contacts", append([]bulkCol{bulkID}, contactCols...)...)
)

func accountValues(a *nps.Account) []any {
	attrs := "{}"
	if len(a.Attributes) > 0 {
		attrs, _ = jsonArg(a.Attributes)
	}
	return []any{a.ExternalID, a.Name, a.OwnerID, a.Industry, a.Region, a.Size, attrs,
		a.AnnualRevenueCents, string(a.Status), a.ChurnedAt, a.UpdatedAt}
}

func contactValues(c *nps.Contact) []any {
	attrs := "{}"
	if len(c.Attributes) > 0 {
		attrs, _ = jsonArg(c.Attributes)
	}
	return []any{c.AccountID, c.ExternalID, c.Email, c.Name, c.Language, attrs, c.OptedOutAt, c.UpdatedAt}
}

// writeAccounts inserts and updates the planned accounts.
func (p *importPlan) writeAccounts(ctx context.Context, q querier, step func(int)) error {
	rows := make([][]any, len(p.newAccounts))
	for i, a := range p.newAccounts {
		rows[i] = append([]any{p.workspaceID, a.CreatedAt}, accountValues(a)...)
	}
	ids, err := accountsInsert.insert(ctx, q, p.dialect, rows)
	if err != nil {
		return conflict(err, "an account with this external id")
	}
	for i, a := range p.newAccounts {
		a.ID = ids[i]
	}
	step(len(rows))
	rows = rows[:0]
	for _, a := range p.changedAccounts {
		rows = append(rows, append([]any{a.ID}, accountValues(a)...))
	}
	if err := accountsUpdate.update(ctx, q, p.dialect, p.workspaceID, rows); err != nil {
		return conflict(err, "an account with this external id")
	}
	step(len(rows))
	return nil
}

// writeContacts inserts and updates the planned contacts, and withdraws
// the open invitations of those the import opted out.
func (p *importPlan) writeContacts(ctx context.Context, q querier, step func(int)) error {
	for _, set := range []struct {
		list   []plannedContact
		insert bool
	}{{p.newContacts, true}, {p.changedContacts, false}} {
		rows := make([][]any, len(set.list))
		for i, pc := range set.list {
			if pc.account != nil {
				pc.c.AccountID = pc.account.ID
			}
			if set.insert {
				rows[i] = append([]any{p.workspaceID, pc.c.CreatedAt}, contactValues(pc.c)...)
			} else {
				rows[i] = append([]any{pc.c.ID}, contactValues(pc.c)...)
			}
		}
		var err error
		if set.insert {
			var ids []int64
			if ids, err = contactsInsert.insert(ctx, q, p.dialect, rows); err == nil {
				for i, pc := range set.list {
					pc.c.ID = ids[i]
				}
			}
		} else {
			err = contactsUpdate.update(ctx, q, p.dialect, p.workspaceID, rows)
		}
		if err != nil {
			return conflict(err, "a contact with this email or external id")
		}
		step(len(rows))
	}
	for chunk := range slices.Chunk(p.optedOut, maxKeysPerQuery) {
		if err := withdrawInvitations(ctx, q, p.workspaceID, chunk, p.now); err != nil {
			return err
		}
	}
	return nil
}

// withdrawInvitations marks the open invitations of opted-out contacts
// opted out, as OptOutContact does for one.
func withdrawInvitations(ctx context.Context, q querier, workspaceID int64, contactIDs []int64, now time.Time) error {
	w := &where{}
	w.and("workspace_id = " + w.arg(workspaceID))
	marks := make([]string, len(contactIDs))
	for i, id := range contactIDs {
		marks[i] = w.arg(id)
	}
	w.and("contact_id IN (" + strings.Join(marks, ", ") + ")")
	open := []string{w.arg(nps.InvitationQueued), w.arg(nps.InvitationSent), w.arg(nps.InvitationDelivered), w.arg(nps.InvitationOpened)}
	w.and("status IN (" + strings.Join(open, ", ") + ")")
	st, at := w.arg(nps.InvitationOptedOut), w.arg(now)
	_, err := q.ExecContext(ctx, `UPDATE invitations SET status = `+st+`, opted_out_at = `+at+`, updated_at = `+at+w.String(), w.args...)
	if err != nil {
		return fmt.Errorf("withdraw invitations: %w", err)
	}
	return nil
}
