package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/promotor/promotor/internal/nps"
)

const workspaceColumns = `id, slug, name, retention_months, fatigue_days, created_at`

func scanWorkspace(row rowScanner) (nps.Workspace, error) {
	var w nps.Workspace
	err := row.Scan(workspaceDest(&w)...)
	return w, err
}

// workspaceDest is where the columns of workspaceColumns scan to.
func workspaceDest(w *nps.Workspace) []any {
	return []any{&w.ID, &w.Slug, &w.Name, &w.RetentionMonths, &w.FatigueDays, timeCol{&w.CreatedAt}}
}

// CreateWorkspace stores a new workspace and returns it with its ID. A
// taken slug is nps.ErrConflict.
func (db *DB) CreateWorkspace(ctx context.Context, w nps.Workspace) (nps.Workspace, error) {
	if err := w.Validate(); err != nil {
		return nps.Workspace{}, fmt.Errorf("store: create workspace: %w", err)
	}
	w.CreatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO workspaces (slug, name, retention_months, fatigue_days, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			w.Slug, w.Name, w.RetentionMonths, w.FatigueDays, w.CreatedAt).Scan(&w.ID)
	})
	if err != nil {
		return nps.Workspace{}, fmt.Errorf("store: create workspace: %w", conflict(err, "a workspace with slug "+w.Slug))
	}
	return w, nil
}

// Workspace returns the workspace with the given ID.
func (db *DB) Workspace(ctx context.Context, id int64) (nps.Workspace, error) {
	w, err := workspace(ctx, db.read, id)
	if err != nil {
		return nps.Workspace{}, fmt.Errorf("store: %w", err)
	}
	return w, nil
}

// WorkspaceBySlug returns the workspace with the given slug.
func (db *DB) WorkspaceBySlug(ctx context.Context, slug string) (nps.Workspace, error) {
	w, err := scanWorkspace(db.read.QueryRowContext(ctx,
		`SELECT `+workspaceColumns+` FROM workspaces WHERE slug = $1`, slug))
	if err != nil {
		return nps.Workspace{}, fmt.Errorf("store: %w", notFound(err, "workspace", fmt.Sprintf("%q", slug)))
	}
	return w, nil
}

const userColumns = `id, email, name, password_hash, language, created_at`

func scanUser(row rowScanner) (nps.User, error) {
	var u nps.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Language, timeCol{&u.CreatedAt})
	return u, err
}

// CreateUser stores a new user, with the email lower-cased, and returns it
// with its ID. A taken email is nps.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u nps.User) (nps.User, error) {
	u.Email = nps.NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return nps.User{}, fmt.Errorf("store: create user: %w", err)
	}
	u.CreatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO users (email, name, password_hash, language, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.Email, u.Name, u.PasswordHash, u.Language, u.CreatedAt).Scan(&u.ID)
	})
	if err != nil {
		return nps.User{}, fmt.Errorf("store: create user: %w", conflict(err, "a user with this email"))
	}
	return u, nil
}

// User returns the user with the given ID. Users are not part of a
// workspace; use Membership to learn their role in one.
func (db *DB) User(ctx context.Context, id int64) (nps.User, error) {
	u, err := user(ctx, db.read, id)
	if err != nil {
		return nps.User{}, fmt.Errorf("store: %w", err)
	}
	return u, nil
}

// UserByEmail returns the user with the given email, in any case, for
// signing in.
func (db *DB) UserByEmail(ctx context.Context, email string) (nps.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE email = $1`, nps.NormalizeEmail(email)))
	if err != nil {
		return nps.User{}, fmt.Errorf("store: %w", notFound(err, "user", "with this email"))
	}
	return u, nil
}

// AddMember gives a user a role in a workspace. A user who is a member
// already is nps.ErrConflict; a missing workspace or user is
// nps.ErrNotFound.
func (db *DB) AddMember(ctx context.Context, workspaceID, userID int64, role nps.Role) (nps.Membership, error) {
	m := nps.Membership{WorkspaceID: workspaceID, UserID: userID, Role: role, CreatedAt: db.now()}
	if err := m.Validate(); err != nil {
		return nps.Membership{}, fmt.Errorf("store: add member: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := workspace(ctx, tx, workspaceID); err != nil {
			return err
		}
		u, err := user(ctx, tx, userID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO memberships (workspace_id, user_id, role, created_at)
			VALUES ($1, $2, $3, $4)`,
			m.WorkspaceID, m.UserID, m.Role, m.CreatedAt)
		if err != nil {
			return conflict(err, "this membership")
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditMemberAdd, "user "+u.Email, "role "+string(role))
	})
	if err != nil {
		return nps.Membership{}, fmt.Errorf("store: add member: %w", err)
	}
	return m, nil
}

// Membership returns the user's membership of the workspace;
// nps.ErrNotFound when the user is not a member.
func (db *DB) Membership(ctx context.Context, workspaceID, userID int64) (nps.Membership, error) {
	m, err := membership(ctx, db.read, workspaceID, userID)
	if err != nil {
		return nps.Membership{}, fmt.Errorf("store: %w", err)
	}
	return m, nil
}

func membership(ctx context.Context, q querier, workspaceID, userID int64) (nps.Membership, error) {
	m := nps.Membership{WorkspaceID: workspaceID, UserID: userID}
	err := q.QueryRowContext(ctx, `
		SELECT role, created_at FROM memberships WHERE workspace_id = $1 AND user_id = $2`,
		workspaceID, userID).Scan(&m.Role, timeCol{&m.CreatedAt})
	if err != nil {
		return nps.Membership{}, notFound(err, "membership of user", userID)
	}
	return m, nil
}

func workspace(ctx context.Context, q querier, id int64) (nps.Workspace, error) {
	w, err := scanWorkspace(q.QueryRowContext(ctx,
		`SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1`, id))
	return w, notFound(err, "workspace", id)
}

func user(ctx context.Context, q querier, id int64) (nps.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "user", id)
}

// SetFatigueDays sets the least number of days between two invitations
// of a contact in the workspace (0: no limit).
func (db *DB) SetFatigueDays(ctx context.Context, id int64, days int) error {
	return db.setSettings(ctx, id, setting{"fatigue_days", days, fatigueField})
}

// SetRetentionMonths sets how many months the workspace keeps personal
// data (0: forever); the retention task erases what is older.
func (db *DB) SetRetentionMonths(ctx context.Context, id int64, months int) error {
	return db.setSettings(ctx, id, setting{"retention_months", months, retentionField})
}

// SetSettings sets the settings page's values, fatigue days and retention
// period, in one transaction: both are saved or, when the workspace is
// invalid with them, neither.
func (db *DB) SetSettings(ctx context.Context, id int64, fatigueDays, retentionMonths int) error {
	return db.setSettings(ctx, id, setting{"fatigue_days", fatigueDays, fatigueField},
		setting{"retention_months", retentionMonths, retentionField})
}

func fatigueField(w *nps.Workspace) *int   { return &w.FatigueDays }
func retentionField(w *nps.Workspace) *int { return &w.RetentionMonths }

// setting is one whole-number setting of a workspace: its column, the
// value to set and the field of nps.Workspace it is.
type setting struct {
	column string
	value  int
	field  func(*nps.Workspace) *int
}

// setSettings sets whole-number settings of the workspace after
// validating the workspace with all of them; each change is recorded in
// the audit log, a save of the same value is not.
func (db *DB) setSettings(ctx context.Context, id int64, settings ...setting) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		w, err := workspace(ctx, tx, id)
		if err != nil {
			return err
		}
		var changed []setting
		old := map[string]int{}
		for _, st := range settings {
			if old[st.column] = *st.field(&w); old[st.column] != st.value {
				*st.field(&w) = st.value
				changed = append(changed, st)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		if err := w.Validate(); err != nil {
			return err
		}
		for _, st := range changed {
			if _, err = tx.ExecContext(ctx, `UPDATE workspaces SET `+st.column+` = $2 WHERE id = $1`, id, st.value); err != nil {
				return err
			}
			if err := db.auditWorkspace(ctx, tx, id, nps.AuditSettingsUpdate, st.column, fmt.Sprintf("%d → %d", old[st.column], st.value)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set settings: %w", err)
	}
	return nil
}
