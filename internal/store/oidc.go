package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/promotor/promotor/internal/nps"
)

// UserByOIDC returns the user linked to the subject of an OpenID Connect
// issuer (LinkOIDC); one not linked is nps.ErrNotFound.
func (db *DB) UserByOIDC(ctx context.Context, issuer, subject string) (nps.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `
		SELECT `+prefixed("u", userColumns)+`
		FROM oidc_identities i JOIN users u ON u.id = i.user_id
		WHERE i.issuer = $1 AND i.subject = $2`, issuer, subject))
	if err != nil {
		return nps.User{}, fmt.Errorf("store: %w", notFound(err, "user", "of this single sign-on identity"))
	}
	return u, nil
}

// LinkOIDC links the user to the subject of an OpenID Connect issuer, so
// that later sign-ins find the user by it whatever email the provider
// then sends. Linking a pair that is linked already is no error. The
// subject linked to another user, or the user linked to another subject
// of the issuer, is nps.ErrConflict: the first link stands. A missing
// user is nps.ErrNotFound. A new link is audited (auth.sso_link) in its
// transaction, by the actor of ctx.
func (db *DB) LinkOIDC(ctx context.Context, userID int64, issuer, subject string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := user(ctx, tx, userID); err != nil {
			return err
		}
		var linked int64
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2`,
			issuer, subject).Scan(&linked)
		switch {
		case err == nil && linked == userID:
			return nil
		case err == nil:
			return fmt.Errorf("the identity is linked to user %d: %w", linked, nps.ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)`,
			issuer, subject, userID, db.now())
		if isUniqueViolation(err) {
			return fmt.Errorf("user %d is linked to another subject of %s: %w", userID, issuer, nps.ErrConflict)
		} else if err != nil {
			return err
		}
		return db.audit(ctx, tx, nps.AuditEntry{UserID: userID, Action: nps.AuditSSOLink,
			Subject: quoted("subject", subject), Detail: issuer})
	})
	if err != nil {
		return fmt.Errorf("store: link single sign-on identity: %w", err)
	}
	return nil
}
