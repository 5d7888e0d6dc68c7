package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
)

// Session is a signed-in browser of a user. Its secret lives only in the
// browser's cookie; the database knows its hash.
type Session struct {
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end; the session ends earlier when it is
	// idle for auth.SessionIdleTimeout.
	ExpiresAt time.Time
}

// CreateSession signs the user in: it stores a new session and returns
// its secret, the cookie value, which is not stored and cannot be read
// back. method says how the user proved who they are ("password",
// "sso login.example.com"), the detail of the sign-in's audit entry. It
// also removes ended sessions of every user, which keeps the table as
// small as the number of live sessions without a separate job.
func (db *DB) CreateSession(ctx context.Context, userID int64, method string) (string, Session, error) {
	now := db.now()
	secret := auth.NewSessionSecret()
	s := Session{UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(auth.SessionLifetime)}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := user(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`,
			now, now.Add(-auth.SessionIdleTimeout)); err != nil {
			return err
		}
		if err := insertSession(ctx, tx, secret, s); err != nil {
			return err
		}
		return db.audit(ctx, tx, nps.AuditEntry{UserID: userID, Action: nps.AuditSignIn, Detail: method})
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	return secret, s, nil
}

func insertSession(ctx context.Context, tx *sql.Tx, secret string, s Session) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO sessions (secret_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $3, $4)`,
		auth.HashSessionSecret(secret), s.UserID, s.CreatedAt, s.ExpiresAt)
	return err
}

// ChangePassword replaces the user's password hash oldHash with newHash,
// as the user asks after proving the old password, and in the same
// transaction ends every session of the user and starts one new session,
// whose secret it returns for the browser that asked: whoever else was
// signed in, with a stolen cookie or on a forgotten computer, is signed
// out at their next request, and the asking browser's old secret is worth
// nothing either. When the hash is no longer oldHash (changed or reset
// meanwhile) it changes nothing and returns nps.ErrConflict.
func (db *DB) ChangePassword(ctx context.Context, userID int64, oldHash, newHash string) (string, Session, error) {
	now := db.now()
	secret := auth.NewSessionSecret()
	s := Session{UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(auth.SessionLifetime)}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`,
			newHash, userID, oldHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("the password of user %d changed meanwhile: %w", userID, nps.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if err := insertSession(ctx, tx, secret, s); err != nil {
			return err
		}
		return db.audit(ctx, tx, nps.AuditEntry{UserID: userID, Action: nps.AuditPasswordChange, Detail: "other sessions ended"})
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("store: change password: %w", err)
	}
	return secret, s, nil
}

// SessionUser returns the user signed in with the session secret. An
// unknown, malformed, expired or idle session is nps.ErrNotFound, alike.
// It records the use in the session's last-seen time when that is older
// than auth.SessionTouchInterval, so that a session in use stays alive
// while most requests only read.
func (db *DB) SessionUser(ctx context.Context, secret string) (nps.User, error) {
	if !auth.PlausibleSessionSecret(secret) {
		return nps.User{}, fmt.Errorf("store: session: %w", nps.ErrNotFound)
	}
	now := db.now()
	hash := auth.HashSessionSecret(secret)
	var lastSeen time.Time
	u, err := scanUserSeen(db.read.QueryRowContext(ctx, `
		SELECT u.id, u.email, u.name, u.password_hash, u.language, u.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.secret_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3`,
		hash, now, now.Add(-auth.SessionIdleTimeout)), &lastSeen)
	if err != nil {
		return nps.User{}, fmt.Errorf("store: %w", notFound(err, "session", "of this cookie"))
	}
	if now.Sub(lastSeen) >= auth.SessionTouchInterval {
		err := db.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE secret_hash = $2 AND last_seen_at < $1`, now, hash)
			return err
		})
		if err != nil {
			return nps.User{}, fmt.Errorf("store: touch session: %w", err)
		}
	}
	return u, nil
}

func scanUserSeen(row rowScanner, lastSeen *time.Time) (nps.User, error) {
	var u nps.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Language, timeCol{&u.CreatedAt}, timeCol{lastSeen})
	return u, err
}

// DeleteSession ends the session with the given secret (signing out),
// which the audit log records. A session that does not exist is no
// error: the browser is signed out either way.
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE secret_hash = $1 RETURNING user_id`,
			auth.HashSessionSecret(secret)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, nps.AuditEntry{UserID: userID, Action: nps.AuditSignOut})
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user, signing them out of
// every browser.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// ResetPassword replaces the user's password hash and ends all the user's
// sessions in the same transaction, so that whoever knew the old password
// is signed out the moment the new one counts.
func (db *DB) ResetPassword(ctx context.Context, userID int64, hash string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
		if err := oneRow(res, err, "user", userID); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return db.audit(ctx, tx, nps.AuditEntry{UserID: userID, Action: nps.AuditPasswordReset, Detail: "all sessions ended"})
	})
	if err != nil {
		return fmt.Errorf("store: reset password: %w", err)
	}
	return nil
}

// RehashPassword replaces the user's password hash oldHash with newHash,
// made with raised parameters at sign-in, and keeps the sessions. It
// changes nothing when the hash is no longer oldHash, so that a password
// reset at the same moment is never undone.
func (db *DB) RehashPassword(ctx context.Context, userID int64, oldHash, newHash string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`,
			newHash, userID, oldHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: rehash password: %w", err)
	}
	return nil
}

// WorkspaceRole is a workspace a user is a member of, with the role there.
type WorkspaceRole struct {
	Workspace nps.Workspace
	Role      nps.Role
}

// Memberships returns the workspaces the user is a member of, with the
// roles, in order of name, for the workspace switcher.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]WorkspaceRole, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+prefixed("w", workspaceColumns)+`, m.role
		FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.user_id = $1
		ORDER BY w.name, w.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	all, err := collect(rows, func(row rowScanner) (WorkspaceRole, error) {
		var m WorkspaceRole
		err := row.Scan(append(workspaceDest(&m.Workspace), &m.Role)...)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	return all, nil
}
