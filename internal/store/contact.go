package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/promotor/promotor/internal/nps"
)

const contactColumns = `id, workspace_id, account_id, external_id, email, name, language,
	attributes, consent_at, opted_out_at, created_at, updated_at`

func scanContact(row rowScanner) (nps.Contact, error) {
	var c nps.Contact
	err := row.Scan(contactDest(&c)...)
	if len(c.Attributes) == 0 {
		c.Attributes = nil
	}
	return c, err
}

// contactDest is where the columns of contactColumns scan to.
func contactDest(c *nps.Contact) []any {
	return []any{&c.ID, &c.WorkspaceID, idCol{&c.AccountID}, &c.ExternalID, &c.Email, &c.Name,
		&c.Language, jsonCol{&c.Attributes}, timeCol{&c.ConsentAt}, timeCol{&c.OptedOutAt},
		timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}}
}

// prepareContact validates c and brings it to its stored form.
func (db *DB) prepareContact(workspaceID int64, c nps.Contact) (nps.Contact, error) {
	c.WorkspaceID = workspaceID
	c.Email = nps.NormalizeEmail(c.Email)
	c.ConsentAt = normTime(c.ConsentAt)
	c.OptedOutAt = normTime(c.OptedOutAt)
	if len(c.Attributes) == 0 {
		c.Attributes = nil
	}
	c.UpdatedAt = db.now()
	c.CreatedAt = c.UpdatedAt
	return c, c.Validate()
}

// CreateContact stores a new contact in the workspace, with the email
// lower-cased, and returns it with its ID. A taken email or external ID is
// nps.ErrConflict; an account not in the workspace is nps.ErrNotFound.
func (db *DB) CreateContact(ctx context.Context, workspaceID int64, c nps.Contact) (nps.Contact, error) {
	c, err := db.prepareContact(workspaceID, c)
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: create contact: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		return writeContact(ctx, tx, &c, "")
	})
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: create contact: %w", err)
	}
	return c, nil
}

// UpsertContact creates the contact with c's email, or replaces the fields
// of the one that exists, keeping its ID and creation time. Consent and
// opt-out are never cleared by an upsert: a recorded consent stays unless
// c brings a new one, and an opt-out is honoured forever.
func (db *DB) UpsertContact(ctx context.Context, workspaceID int64, c nps.Contact) (nps.Contact, error) {
	c, err := db.prepareContact(workspaceID, c)
	if err == nil && c.Email == "" {
		err = &nps.ValidationError{Field: "email", Message: "is required to update a contact by it"}
	}
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: upsert contact: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		return writeContact(ctx, tx, &c, `
			ON CONFLICT (workspace_id, email) WHERE email <> '' DO UPDATE SET
				account_id = excluded.account_id, external_id = excluded.external_id,
				name = excluded.name, language = excluded.language, attributes = excluded.attributes,
				consent_at = COALESCE(excluded.consent_at, contacts.consent_at),
				opted_out_at = COALESCE(contacts.opted_out_at, excluded.opted_out_at),
				updated_at = excluded.updated_at`)
	})
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: upsert contact: %w", err)
	}
	return c, nil
}

// writeContact inserts c, with onConflict appended to the INSERT, and sets
// the fields that the stored row decides.
func writeContact(ctx context.Context, tx *sql.Tx, c *nps.Contact, onConflict string) error {
	if c.AccountID != 0 {
		if _, err := account(ctx, tx, c.WorkspaceID, c.AccountID); err != nil {
			return err
		}
	}
	if c.Email != "" && c.OptedOutAt.IsZero() {
		// An erased contact who had opted out stays opted out when the
		// address comes back, by import or otherwise.
		var suppressed bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM suppressions WHERE workspace_id = $1 AND email_hash = $2)`,
			c.WorkspaceID, emailHash(c.Email)).Scan(&suppressed); err != nil {
			return err
		}
		if suppressed {
			c.OptedOutAt = c.UpdatedAt
		}
	}
	attrs := "{}"
	if c.Attributes != nil {
		var err error
		if attrs, err = jsonArg(c.Attributes); err != nil {
			return err
		}
	}
	err := tx.QueryRowContext(ctx, `
		INSERT INTO contacts (workspace_id, account_id, external_id, email, name, language,
			attributes, consent_at, opted_out_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`+onConflict+`
		RETURNING id, consent_at, opted_out_at, created_at`,
		c.WorkspaceID, nullID(c.AccountID), c.ExternalID, c.Email, c.Name, c.Language,
		attrs, nullTime(c.ConsentAt), nullTime(c.OptedOutAt), c.UpdatedAt,
	).Scan(&c.ID, timeCol{&c.ConsentAt}, timeCol{&c.OptedOutAt}, timeCol{&c.CreatedAt})
	return conflict(err, "a contact with this email or external id")
}

// Contact returns the workspace's contact with the given ID.
func (db *DB) Contact(ctx context.Context, workspaceID, id int64) (nps.Contact, error) {
	c, err := contact(ctx, db.read, workspaceID, id)
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: %w", err)
	}
	return c, nil
}

func contact(ctx context.Context, q querier, workspaceID, id int64) (nps.Contact, error) {
	c, err := scanContact(q.QueryRowContext(ctx,
		`SELECT `+contactColumns+` FROM contacts WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return c, notFound(err, "contact", id)
}

// OptOutContact records that the contact does not want to be surveyed
// again, withdraws their invitations not yet answered and cancels their
// messages not yet sent. Opting out twice keeps the first time.
func (db *DB) OptOutContact(ctx context.Context, workspaceID, id int64) (nps.Contact, error) {
	now := db.now()
	var c nps.Contact
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanContact(tx.QueryRowContext(ctx, `
			UPDATE contacts SET opted_out_at = COALESCE(opted_out_at, $3), updated_at = $3
			WHERE workspace_id = $1 AND id = $2
			RETURNING `+contactColumns, workspaceID, id, now))
		if err != nil {
			return notFound(err, "contact", id)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE invitations SET status = $3, opted_out_at = $4, updated_at = $4
			WHERE workspace_id = $1 AND contact_id = $2 AND status IN ($5, $6, $7, $8)`,
			workspaceID, id, nps.InvitationOptedOut, now,
			nps.InvitationQueued, nps.InvitationSent, nps.InvitationDelivered, nps.InvitationOpened)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE messages SET state = $3, updated_at = $4
			WHERE workspace_id = $1 AND state = $5
				AND invitation_id IN (SELECT id FROM invitations WHERE workspace_id = $1 AND contact_id = $2)`,
			workspaceID, id, nps.MessageCancelled, now, nps.MessageQueued)
		return err
	})
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: opt out contact: %w", err)
	}
	return c, nil
}
