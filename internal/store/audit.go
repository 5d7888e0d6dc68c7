package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// actorKey is the context key of the request's actor.
type actorKey struct{}

// WithActor returns ctx carrying the actor of the request: the signed-in
// user, the API token or the operator at the command line. Store methods
// that change what the audit log records write the actor with the change,
// in its transaction; without one the actor is nps.ActorSystem.
func WithActor(ctx context.Context, a nps.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor ctx carries, or the system.
func ActorOf(ctx context.Context) nps.Actor {
	if a, ok := ctx.Value(actorKey{}).(nps.Actor); ok && a.Kind != "" {
		return a
	}
	return nps.Actor{Kind: nps.ActorSystem}
}

// Bounds of what an entry keeps: a subject or detail longer than this is
// cut, never refused, so that auditing cannot fail the change it records.
const (
	maxAuditText = 500
	maxAuditName = 254
)

// audit writes an entry by the actor of ctx, on q: the transaction of the
// change it records. e's WorkspaceID (or, for an entry about a user,
// UserID), Action, Subject and Detail are set by the caller.
func (db *DB) audit(ctx context.Context, q querier, e nps.AuditEntry) error {
	a := ActorOf(ctx)
	_, err := q.ExecContext(ctx, `
		INSERT INTO audit_log (workspace_id, user_id, at, actor_kind, actor_user_id, actor_token_id, actor_name,
			action, subject, client_ip, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		nullID(e.WorkspaceID), nullID(e.UserID), db.now(), a.Kind, nullID(a.UserID), nullID(a.TokenID),
		cut(a.Name, maxAuditName), e.Action, cut(e.Subject, maxAuditText), cut(a.IP, 64), cut(e.Detail, maxAuditText))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// auditWorkspace is audit for an entry of a workspace.
func (db *DB) auditWorkspace(ctx context.Context, q querier, workspaceID int64, action nps.AuditAction, subject, detail string) error {
	return db.audit(ctx, q, nps.AuditEntry{WorkspaceID: workspaceID, Action: action, Subject: subject, Detail: detail})
}

// cut shortens s to at most n bytes, on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// quoted names a thing by its user-given name in an entry's subject:
// kind 'name'.
func quoted(kind, name string) string { return kind + " '" + name + "'" }

// RecordAudit writes an entry for an action that changes nothing in the
// database, such as a download of an export: there is no transaction of
// a change to share.
func (db *DB) RecordAudit(ctx context.Context, workspaceID int64, action nps.AuditAction, subject, detail string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		return db.auditWorkspace(ctx, tx, workspaceID, action, subject, detail)
	})
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// RecordSignInFailure writes the entry of a failed sign-in of a known
// user; method ("password", "sso") is its detail. Neither the password
// typed nor an email without an account is ever recorded.
func (db *DB) RecordSignInFailure(ctx context.Context, userID int64, method string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		return db.audit(ctx, tx, nps.AuditEntry{UserID: userID, Action: nps.AuditSignInFailed, Detail: method})
	})
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// AuditFilter chooses the entries of AuditLog.
type AuditFilter struct {
	// Action, when set, keeps that action's entries only.
	Action nps.AuditAction
	// Actor, when set, keeps the entries whose actor's name (an email, a
	// token's name, "cli") is this, in any case.
	Actor string
	// Before, when set, is the ID of the last entry of the previous page:
	// the page starts at the next older one.
	Before int64
	// Limit bounds the page; 0 means 50.
	Limit int
}

// AuditPage is a page of the audit log, newest first.
type AuditPage struct {
	Entries []nps.AuditEntry
	// Next is the Before of the next page; 0 when this is the last.
	Next int64
}

// AuditLog returns the workspace's audit log, newest first, a page at a
// time (keyset on the entry's ID, which grows with time): the workspace's
// entries and those about its members (their sign-ins) since they
// joined, which a user who leaves takes along.
func (db *DB) AuditLog(ctx context.Context, workspaceID int64, f AuditFilter) (AuditPage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var w where
	ws := w.arg(workspaceID)
	// A member's own entries count from when they joined: what they did
	// before is none of this workspace's owners' business.
	w.and(`(a.workspace_id = ` + ws + ` OR (a.workspace_id IS NULL AND EXISTS (SELECT 1 FROM memberships m
		WHERE m.workspace_id = ` + ws + ` AND m.user_id = a.user_id AND a.at >= m.created_at)))`)
	if f.Action != "" {
		w.and(`a.action = ` + w.arg(string(f.Action)))
	}
	if f.Actor != "" {
		w.and(`lower(a.actor_name) = ` + w.arg(strings.ToLower(f.Actor)))
	}
	if f.Before > 0 {
		w.and(`a.id < ` + w.arg(f.Before))
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT a.id, a.workspace_id, a.user_id, a.at, a.actor_kind, a.actor_user_id, a.actor_token_id, a.actor_name,
			a.action, a.subject, a.client_ip, a.detail
		FROM audit_log a`+w.String()+` ORDER BY a.id DESC LIMIT `+strconv.Itoa(limit+1), w.args...)
	if err != nil {
		return AuditPage{}, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var p AuditPage
	for rows.Next() {
		var e nps.AuditEntry
		if err := rows.Scan(&e.ID, idCol{&e.WorkspaceID}, idCol{&e.UserID}, timeCol{&e.At}, &e.Actor.Kind,
			idCol{&e.Actor.UserID}, idCol{&e.Actor.TokenID}, &e.Actor.Name, &e.Action, &e.Subject, &e.Actor.IP, &e.Detail); err != nil {
			return AuditPage{}, fmt.Errorf("store: audit log: %w", err)
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return AuditPage{}, fmt.Errorf("store: audit log: %w", err)
	}
	if len(p.Entries) > limit {
		p.Entries = p.Entries[:limit]
		p.Next = p.Entries[limit-1].ID
	}
	return p, nil
}

// auditKeep is how long entries about users (sign-ins) are kept, which
// belong to no workspace's retention period.
const auditKeep = 2 * 365 * 24 * time.Hour
