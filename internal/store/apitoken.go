package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// lastUsedResolution is how stale an API token's last_used_at may get:
// it is written at most once a minute per token, not on every request,
// so that authenticating stays a read.
const lastUsedResolution = time.Minute

const apiTokenColumns = `id, workspace_id, name, prefix, created_by, created_at, last_used_at, revoked_at`

func scanAPIToken(row rowScanner) (nps.APIToken, error) {
	var t nps.APIToken
	err := row.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Prefix, idCol{&t.CreatedBy},
		timeCol{&t.CreatedAt}, timeCol{&t.LastUsedAt}, timeCol{&t.RevokedAt})
	return t, err
}

// CreateAPIToken makes a new API token for the workspace and returns it
// with its secret, which is not stored and cannot be shown again.
// createdBy is the user who asked for it, who must be a member of the
// workspace, or 0 for the CLI.
func (db *DB) CreateAPIToken(ctx context.Context, workspaceID int64, name string, createdBy int64) (nps.APIToken, string, error) {
	secret, prefix := nps.NewAPISecret()
	t := nps.APIToken{WorkspaceID: workspaceID, Name: name, Prefix: prefix, CreatedBy: createdBy, CreatedAt: db.now()}
	if err := t.Validate(); err != nil {
		return nps.APIToken{}, "", fmt.Errorf("store: create API token: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := workspace(ctx, tx, workspaceID); err != nil {
			return err
		}
		if createdBy != 0 {
			if _, err := membership(ctx, tx, workspaceID, createdBy); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO api_tokens (workspace_id, name, prefix, secret_hash, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			t.WorkspaceID, t.Name, t.Prefix, nps.HashAPISecret(secret), nullID(t.CreatedBy), t.CreatedAt).Scan(&t.ID); err != nil {
			return err
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditTokenCreate, quoted("token", t.Name), t.Prefix+"…")
	})
	if err != nil {
		return nps.APIToken{}, "", fmt.Errorf("store: create API token: %w", err)
	}
	return t, secret, nil
}

// APITokenBySecret returns the valid token whose secret is given; an
// unknown, malformed or revoked secret is nps.ErrNotFound, alike, so that
// the answer tells a guesser nothing. The lookup is by the secret's hash
// (see nps.HashAPISecret), so it compares no secret byte by byte.
//
// It records the use in LastUsedAt when the last record is older than a
// minute.
func (db *DB) APITokenBySecret(ctx context.Context, secret string) (nps.APIToken, error) {
	if !nps.PlausibleAPISecret(secret) {
		return nps.APIToken{}, fmt.Errorf("store: API token: %w", nps.ErrNotFound)
	}
	t, err := scanAPIToken(db.read.QueryRowContext(ctx,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE secret_hash = $1 AND revoked_at IS NULL`,
		nps.HashAPISecret(secret)))
	if err != nil {
		return nps.APIToken{}, fmt.Errorf("store: API token: %w", notFound(err, "API token", "with this secret"))
	}
	now := db.now()
	if now.Sub(t.LastUsedAt) < lastUsedResolution {
		return t, nil
	}
	// The condition repeats the check in SQL, so that of concurrent
	// requests only the first writes; the others update no row.
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE api_tokens SET last_used_at = $3
			WHERE workspace_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at <= $4)`,
			t.WorkspaceID, t.ID, now, now.Add(-lastUsedResolution))
		return err
	})
	if err != nil {
		return nps.APIToken{}, fmt.Errorf("store: API token: record use: %w", err)
	}
	t.LastUsedAt = now
	return t, nil
}

// APITokens returns the workspace's API tokens, revoked ones included,
// oldest first.
func (db *DB) APITokens(ctx context.Context, workspaceID int64) ([]nps.APIToken, error) {
	rows, err := db.read.QueryContext(ctx,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE workspace_id = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: API tokens: %w", err)
	}
	tokens, err := collect(rows, scanAPIToken)
	if err != nil {
		return nil, fmt.Errorf("store: API tokens: %w", err)
	}
	return tokens, nil
}

// RevokeAPIToken revokes one of the workspace's API tokens for good and
// returns it. Revoking a revoked token keeps the first time.
func (db *DB) RevokeAPIToken(ctx context.Context, workspaceID, id int64) (nps.APIToken, error) {
	var t nps.APIToken
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanAPIToken(tx.QueryRowContext(ctx, `
			UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3)
			WHERE workspace_id = $1 AND id = $2
			RETURNING `+apiTokenColumns, workspaceID, id, db.now()))
		if err != nil {
			return notFound(err, "API token", id)
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditTokenRevoke, quoted("token", t.Name), t.Prefix+"…")
	})
	if err != nil {
		return nps.APIToken{}, fmt.Errorf("store: revoke API token: %w", err)
	}
	return t, nil
}
