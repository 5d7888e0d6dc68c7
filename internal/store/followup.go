package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
)

// Follow-ups: the alerts with a deadline, as account owners work them.
// An open follow-up waits for the first contact with the customer
// (RecordContact) or is closed without one (CloseAlert); either may be
// undone (ReopenAlert). What people did is kept in the alert's history.

// maxAlertNote bounds the note of a contact or a closing.
const maxAlertNote = 2000

// AlertItem is an alert with what the follow-up pages show of it: the
// account, the contact, the answer that raised it and its owner (the
// alert's, else the account's).
type AlertItem struct {
	nps.Alert
	RuleName       string
	AccountName    string
	AccountOwnerID int64
	ContactName    string
	ContactEmail   string
	// Score is the answer's score, -1 when the alert has no answer (a
	// silent key account).
	Score      int
	Comment    string
	OwnerName  string
	OwnerEmail string
	// History is what happened to the follow-up, oldest first: raised,
	// escalated, and what people did (Alert fills it; Alerts does not).
	History []AlertHistory
}

// ResponderName is the contact's name, else their email.
func (a AlertItem) ResponderName() string { return cmp.Or(a.ContactName, a.ContactEmail) }

// The actions of a follow-up's history.
const (
	AlertRaised    = "raised"
	AlertEscalated = "escalated"
	AlertContact   = "contacted"
	AlertClose     = "closed"
	AlertReopen    = "reopened"
)

// AlertHistory is one step of a follow-up's history.
type AlertHistory struct {
	At       time.Time `json:"at"`
	Action   string    `json:"action"`
	UserID   int64     `json:"user_id,omitempty"`
	UserName string    `json:"user_name,omitempty"`
	Note     string    `json:"note,omitempty"`
}

// AlertFilter selects alerts. The zero filter selects all of them.
type AlertFilter struct {
	// State selects one state; empty selects every state.
	State nps.AlertState
	// Overdue selects open follow-ups past their deadline at the DB's
	// clock.
	Overdue   bool
	AccountID int64
	// OwnerID selects the alerts of one person: those assigned to them
	// and those of the accounts they own.
	OwnerID int64
	// Limit bounds the answer (default 100, at most 500); Before, when
	// set, returns the alerts older than the alert of that ID only, the
	// next page.
	Limit  int
	Before int64
}

// alertItemQuery reads AlertItems; scanAlertItem scans its rows.
var alertItemQuery = `SELECT ` + prefixed("al", alertColumns) + `,
		COALESCE(ru.name, ''), COALESCE(acc.name, ''), acc.owner_id, COALESCE(c.name, ''), COALESCE(c.email, ''),
		COALESCE(r.score, -1), COALESCE(r.comment, ''), COALESCE(u.name, ''), COALESCE(u.email, ''), al.history
	FROM alerts al
	LEFT JOIN alert_rules ru ON ru.workspace_id = al.workspace_id AND ru.id = al.rule_id
	LEFT JOIN accounts acc ON acc.workspace_id = al.workspace_id AND acc.id = al.account_id
	LEFT JOIN responses r ON r.workspace_id = al.workspace_id AND r.id = al.response_id
	LEFT JOIN contacts c ON c.workspace_id = al.workspace_id AND c.id = COALESCE(al.contact_id, r.contact_id)
	LEFT JOIN users u ON u.id = COALESCE(al.owner_id, acc.owner_id)`

func scanAlertItem(row rowScanner) (AlertItem, error) {
	var it AlertItem
	a := &it.Alert
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.RuleID, &a.Kind, &a.Reason, idCol{&a.ResponseID}, idCol{&a.AccountID},
		idCol{&a.ContactID}, idCol{&a.OwnerID}, &a.State, timeCol{&a.DueAt}, timeCol{&a.ContactedAt},
		idCol{&a.ContactedBy}, &a.Note, timeCol{&a.EscalatedAt}, timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt},
		&it.RuleName, &it.AccountName, idCol{&it.AccountOwnerID}, &it.ContactName, &it.ContactEmail,
		&it.Score, &it.Comment, &it.OwnerName, &it.OwnerEmail, jsonCol{&it.History})
	if err != nil {
		return it, err
	}
	// The stored history holds what people did; raising and escalating
	// are the alert's own columns.
	it.History = append(it.History, AlertHistory{At: a.CreatedAt, Action: AlertRaised, Note: a.Reason})
	if !a.EscalatedAt.IsZero() {
		it.History = append(it.History, AlertHistory{At: a.EscalatedAt, Action: AlertEscalated})
	}
	slices.SortStableFunc(it.History, func(x, y AlertHistory) int { return x.At.Compare(y.At) })
	return it, nil
}

// Alerts returns the workspace's alerts that f selects, newest first.
func (db *DB) Alerts(ctx context.Context, workspaceID int64, f AlertFilter) ([]AlertItem, error) {
	var w where
	w.and("al.workspace_id = " + w.arg(workspaceID))
	if f.State != "" {
		w.and("al.state = " + w.arg(f.State))
	}
	if f.Overdue {
		w.and("al.state = 'open' AND al.due_at IS NOT NULL AND al.due_at < " + w.arg(db.now()))
	}
	if f.AccountID != 0 {
		w.and("al.account_id = " + w.arg(f.AccountID))
	}
	if f.OwnerID != 0 {
		p := w.arg(f.OwnerID)
		w.and("(al.owner_id = " + p + " OR acc.owner_id = " + p + ")")
	}
	if f.Before != 0 {
		w.and("al.id < " + w.arg(f.Before))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 500)
	rows, err := db.sql.QueryContext(ctx, alertItemQuery+w.String()+` ORDER BY al.id DESC LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	items, err := collect(rows, scanAlertItem)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	return items, nil
}

// Alert returns one of the workspace's alerts with its history.
func (db *DB) Alert(ctx context.Context, workspaceID, id int64) (AlertItem, error) {
	it, err := alertItem(ctx, db.sql, workspaceID, id)
	if err != nil {
		return AlertItem{}, fmt.Errorf("store: alert: %w", err)
	}
	return it, nil
}

func alertItem(ctx context.Context, q querier, workspaceID, id int64) (AlertItem, error) {
	it, err := scanAlertItem(q.QueryRowContext(ctx, alertItemQuery+` WHERE al.workspace_id = $1 AND al.id = $2`, workspaceID, id))
	return it, notFound(err, "alert", id)
}

// RecordContact records the first contact with the customer about an
// open follow-up: at (now when zero; neither in the future nor before the
// alert) by the user, with an optional note.
func (db *DB) RecordContact(ctx context.Context, workspaceID, id, userID int64, at time.Time, note string) (AlertItem, error) {
	now := db.now()
	at = normTime(cmp.Or(at, now))
	return db.changeAlert(ctx, "record contact", workspaceID, id, userID, note, func(a nps.Alert) (alertChange, error) {
		if a.State != nps.AlertOpen {
			return alertChange{}, fmt.Errorf("follow-up %d is %s, not open: %w", id, a.State, nps.ErrConflict)
		}
		if at.After(now) {
			return alertChange{}, &nps.ValidationError{Field: "contacted_at", Message: "must not be in the future"}
		}
		if at.Before(a.CreatedAt) {
			return alertChange{}, &nps.ValidationError{Field: "contacted_at", Message: "must not be before the alert was raised"}
		}
		return alertChange{AlertContact, `state = 'contacted', contacted_at = $1, contacted_by = $2, note = $3`,
			[]any{at, userID, strings.TrimSpace(note)}}, nil
	})
}

// CloseAlert closes an open follow-up without contact; note, which says
// why (a false alarm, a duplicate), is required.
func (db *DB) CloseAlert(ctx context.Context, workspaceID, id, userID int64, note string) (AlertItem, error) {
	return db.changeAlert(ctx, "close alert", workspaceID, id, userID, note, func(a nps.Alert) (alertChange, error) {
		if strings.TrimSpace(note) == "" {
			return alertChange{}, &nps.ValidationError{Field: "note", Message: "say why the follow-up needs no contact"}
		}
		if a.State != nps.AlertOpen {
			return alertChange{}, fmt.Errorf("follow-up %d is %s, not open: %w", id, a.State, nps.ErrConflict)
		}
		return alertChange{AlertClose, `state = 'closed', note = $1`, []any{strings.TrimSpace(note)}}, nil
	})
}

// ReopenAlert opens a contacted or closed follow-up again, its contact
// undone; its deadline stays, and an alert escalated once is not again.
func (db *DB) ReopenAlert(ctx context.Context, workspaceID, id, userID int64) (AlertItem, error) {
	return db.changeAlert(ctx, "reopen alert", workspaceID, id, userID, "", func(a nps.Alert) (alertChange, error) {
		if a.State == nps.AlertOpen {
			return alertChange{}, fmt.Errorf("follow-up %d is open already: %w", id, nps.ErrConflict)
		}
		return alertChange{AlertReopen, `state = 'open', contacted_at = NULL, contacted_by = NULL, note = $1`, []any{""}}, nil
	})
}

// alertChange is what a follow-up action does: its history action and
// the SET clause of the alert's columns, whose placeholders start at $1.
type alertChange struct {
	action string
	set    string
	args   []any
}

// changeAlert is the one path of the follow-up actions: it locks the
// alert, checks that the user is a member and that check allows the
// action, applies the change and adds it to the history.
func (db *DB) changeAlert(ctx context.Context, verb string, workspaceID, id, userID int64, note string,
	check func(nps.Alert) (alertChange, error)) (AlertItem, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxAlertNote {
		return AlertItem{}, fmt.Errorf("store: %s: %w", verb,
			&nps.ValidationError{Field: "note", Message: fmt.Sprintf("at most %d characters", maxAlertNote)})
	}
	now := db.now()
	var out AlertItem
	err := db.write(ctx, func(tx *sql.Tx) error {
		a, err := scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts
			WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(), workspaceID, id))
		if err != nil {
			return notFound(err, "alert", id)
		}
		var name, email string
		err = tx.QueryRowContext(ctx, `SELECT u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID).Scan(&name, &email)
		if err != nil {
			return notFound(err, "member", userID)
		}
		change, err := check(a)
		if err != nil {
			return err
		}
		var history []AlertHistory
		if err := tx.QueryRowContext(ctx, `SELECT history FROM alerts WHERE workspace_id = $1 AND id = $2`,
			workspaceID, id).Scan(jsonCol{&history}); err != nil {
			return err
		}
		history = append(history, AlertHistory{At: now, Action: change.action, UserID: userID, UserName: cmp.Or(name, email), Note: note})
		js, err := jsonArg(history)
		if err != nil {
			return err
		}
		n := len(change.args)
		args := append(change.args, js, now, workspaceID, id)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE alerts SET %s, history = $%d, updated_at = $%d
			WHERE workspace_id = $%d AND id = $%d`, change.set, n+1, n+2, n+3, n+4), args...); err != nil {
			return err
		}
		out, err = alertItem(ctx, tx, workspaceID, id)
		return err
	})
	if err != nil {
		return AlertItem{}, fmt.Errorf("store: %s: %w", verb, err)
	}
	return out, nil
}
