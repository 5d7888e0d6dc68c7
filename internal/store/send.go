package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

const sendColumns = `id, workspace_id, wave_id, audience, audience_field, audience_value, audience_months,
	scheduled_at, per_minute, reminder_days, max_reminders, state, recipients, skipped_opted_out,
	skipped_fatigue, skipped_invited, skipped_no_email, created_by, created_at, started_at`

func scanSend(row rowScanner) (nps.Send, error) {
	var s nps.Send
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.WaveID, &s.Audience.Kind, &s.Audience.Field, &s.Audience.Value,
		&s.Audience.Months, timeCol{&s.ScheduledAt}, &s.PerMinute, &s.ReminderDays, &s.MaxReminders, &s.State,
		&s.Recipients, &s.SkippedOptedOut, &s.SkippedFatigue, &s.SkippedInvited, &s.SkippedNoEmail,
		idCol{&s.CreatedBy}, timeCol{&s.CreatedAt}, timeCol{&s.StartedAt})
	return s, err
}

// CreateSend schedules a send of the wave's invitations. Its recipients
// are chosen when it starts (see StartDueSends), so that contacts added
// until then are included.
func (db *DB) CreateSend(ctx context.Context, workspaceID int64, s nps.Send) (nps.Send, error) {
	s.WorkspaceID = workspaceID
	s.State = nps.SendScheduled
	s.ScheduledAt = normTime(s.ScheduledAt)
	s.CreatedAt = db.now()
	if err := s.Validate(); err != nil {
		return nps.Send{}, fmt.Errorf("store: create send: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		w, err := wave(ctx, tx, workspaceID, s.WaveID)
		if err != nil {
			return err
		}
		if !w.ClosesAt.IsZero() && !w.ClosesAt.After(s.ScheduledAt) {
			return nps.ErrWaveClosed
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO sends (workspace_id, wave_id, audience, audience_field, audience_value, audience_months,
				scheduled_at, per_minute, reminder_days, max_reminders, state, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			s.WorkspaceID, s.WaveID, s.Audience.Kind, s.Audience.Field, s.Audience.Value, s.Audience.Months,
			s.ScheduledAt, s.PerMinute, s.ReminderDays, s.MaxReminders, s.State, nullID(s.CreatedBy), s.CreatedAt,
		).Scan(&s.ID)
	})
	if err != nil {
		return nps.Send{}, fmt.Errorf("store: create send: %w", err)
	}
	return s, nil
}

// Send returns the workspace's send with the given ID.
func (db *DB) Send(ctx context.Context, workspaceID, id int64) (nps.Send, error) {
	s, err := send(ctx, db.read, workspaceID, id, "")
	if err != nil {
		return nps.Send{}, fmt.Errorf("store: %w", err)
	}
	return s, nil
}

func send(ctx context.Context, q querier, workspaceID, id int64, lock string) (nps.Send, error) {
	s, err := scanSend(q.QueryRowContext(ctx,
		`SELECT `+sendColumns+` FROM sends WHERE workspace_id = $1 AND id = $2`+lock, workspaceID, id))
	return s, notFound(err, "send", id)
}

// Sends returns the sends of a wave of the workspace, newest first.
func (db *DB) Sends(ctx context.Context, workspaceID, waveID int64) ([]nps.Send, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sendColumns+` FROM sends
		WHERE workspace_id = $1 AND wave_id = $2 ORDER BY id DESC`, workspaceID, waveID)
	if err != nil {
		return nil, fmt.Errorf("store: sends: %w", err)
	}
	sends, err := collect(rows, scanSend)
	if err != nil {
		return nil, fmt.Errorf("store: sends: %w", err)
	}
	return sends, nil
}

// CancelSend stops a send: a scheduled one never starts, and the queued
// messages of a started one are not sent. What went out stays as it is.
func (db *DB) CancelSend(ctx context.Context, workspaceID, id int64) (nps.Send, error) {
	var s nps.Send
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		if s, err = send(ctx, tx, workspaceID, id, db.dialect.forUpdate()); err != nil {
			return err
		}
		now := db.now()
		s.State = nps.SendCancelled
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET state = $3 WHERE workspace_id = $1 AND id = $2`,
			workspaceID, id, s.State); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET state = $3, updated_at = $4
			WHERE workspace_id = $1 AND send_id = $2 AND state = $5`,
			workspaceID, id, nps.MessageCancelled, now, nps.MessageQueued)
		return err
	})
	if err != nil {
		return nps.Send{}, fmt.Errorf("store: cancel send: %w", err)
	}
	return s, nil
}

// SendProgress counts the messages of a send and what their contacts did.
func (db *DB) SendProgress(ctx context.Context, workspaceID, id int64) (nps.SendProgress, error) {
	p := nps.SendProgress{Messages: map[nps.MessageState]int{}}
	if _, err := send(ctx, db.read, workspaceID, id, ""); err != nil {
		return p, fmt.Errorf("store: send progress: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT state, COUNT(*) FROM messages
		WHERE workspace_id = $1 AND send_id = $2 GROUP BY state`, workspaceID, id)
	if err != nil {
		return p, fmt.Errorf("store: send progress: %w", err)
	}
	_, err = collect(rows, func(row rowScanner) (struct{}, error) {
		var st nps.MessageState
		var n int
		err := row.Scan(&st, &n)
		p.Messages[st] = n
		return struct{}{}, err
	})
	if err != nil {
		return p, fmt.Errorf("store: send progress: %w", err)
	}
	err = db.read.QueryRowContext(ctx, `
		SELECT COALESCE(SUM(CASE WHEN i.status = $3 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN i.status = $4 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN i.status = $5 THEN 1 ELSE 0 END), 0)
		FROM messages m JOIN invitations i ON i.workspace_id = m.workspace_id AND i.id = m.invitation_id
		WHERE m.workspace_id = $1 AND m.send_id = $2 AND m.seq = 0`,
		workspaceID, id, nps.InvitationResponded, nps.InvitationBounced, nps.InvitationOptedOut,
	).Scan(&p.Responded, &p.Bounced, &p.OptedOut)
	if err != nil {
		return p, fmt.Errorf("store: send progress: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `
		SELECT c.email, m.error, m.updated_at FROM messages m
		JOIN invitations i ON i.workspace_id = m.workspace_id AND i.id = m.invitation_id
		JOIN contacts c ON c.workspace_id = i.workspace_id AND c.id = i.contact_id
		WHERE m.workspace_id = $1 AND m.send_id = $2 AND m.state = $3
		ORDER BY m.updated_at DESC, m.id DESC LIMIT 10`, workspaceID, id, nps.MessageFailed)
	if err != nil {
		return p, fmt.Errorf("store: send progress: %w", err)
	}
	p.LastErrors, err = collect(rows, func(row rowScanner) (nps.MessageFailure, error) {
		var f nps.MessageFailure
		return f, row.Scan(&f.Email, &f.Error, timeCol{&f.At})
	})
	if err != nil {
		return p, fmt.Errorf("store: send progress: %w", err)
	}
	return p, nil
}

// StartDueSends starts the sends whose time has come: each chooses its
// recipients, creates their invitations and queues their messages at the
// send's pace, in one transaction. It returns how many started.
func (db *DB) StartDueSends(ctx context.Context) (int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT workspace_id, id FROM sends
		WHERE state = $1 AND scheduled_at <= $2 ORDER BY scheduled_at LIMIT 20`, nps.SendScheduled, db.now())
	if err != nil {
		return 0, fmt.Errorf("store: start sends: %w", err)
	}
	due, err := collect(rows, func(row rowScanner) ([2]int64, error) {
		var k [2]int64
		return k, row.Scan(&k[0], &k[1])
	})
	if err != nil {
		return 0, fmt.Errorf("store: start sends: %w", err)
	}
	started := 0
	for _, k := range due {
		ok := false
		err := db.write(ctx, func(tx *sql.Tx) error {
			var err error
			ok, err = db.startSend(ctx, tx, k[0], k[1])
			return err
		})
		if err != nil {
			return started, fmt.Errorf("store: start send %d: %w", k[1], err)
		}
		if ok {
			started++
		}
	}
	return started, nil
}

// recipient is a contact the audience of a send selected, with what may
// leave them out.
type recipient struct {
	contactID         int64
	email             string
	optedOut, invited bool
	fatigued          bool
}

// startSend starts one send, unless another process did so first. On
// PostgreSQL it holds the workspace's lock for sends, so that two sends
// starting at once cannot both invite a contact the fatigue rule allows
// only one invitation.
func (db *DB) startSend(ctx context.Context, tx *sql.Tx, workspaceID, id int64) (bool, error) {
	if err := db.dialect.lock(ctx, tx, lockClassSends, workspaceID); err != nil {
		return false, err
	}
	s, err := send(ctx, tx, workspaceID, id, db.dialect.forUpdate())
	if err != nil || s.State != nps.SendScheduled {
		return false, err
	}
	ws, err := workspace(ctx, tx, workspaceID)
	if err != nil {
		return false, err
	}
	now := db.now()
	recipients, err := audience(ctx, tx, s, ws.FatigueDays, now)
	if err != nil {
		return false, err
	}
	var invitations [][]any
	for _, r := range recipients {
		switch {
		case r.email == "":
			s.SkippedNoEmail++
		case r.optedOut:
			s.SkippedOptedOut++
		case r.invited:
			s.SkippedInvited++
		case r.fatigued:
			s.SkippedFatigue++
		default:
			s.Recipients++
			invitations = append(invitations, []any{workspaceID, s.WaveID, r.contactID, newToken(),
				string(nps.InvitationQueued), now, now})
		}
	}
	// The invitations, then one message each, spaced at the send's pace in
	// the order of the contacts.
	ids, err := invitationsInsert.insert(ctx, tx, db.dialect, invitations)
	if err != nil {
		return false, err
	}
	start := s.ScheduledAt
	if start.Before(now) {
		start = now
	}
	messages := make([][]any, len(ids))
	for i, invID := range ids {
		messages[i] = messageRow(s, invID, 0, start.Add(time.Duration(i)*s.Spacing()), now)
	}
	if _, err := messagesInsert.insert(ctx, tx, db.dialect, messages); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE sends SET state = $3, started_at = $4, recipients = $5,
		skipped_opted_out = $6, skipped_fatigue = $7, skipped_invited = $8, skipped_no_email = $9
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id, nps.SendSending, now, s.Recipients,
		s.SkippedOptedOut, s.SkippedFatigue, s.SkippedInvited, s.SkippedNoEmail)
	return err == nil, err
}

// The bulk inserts of a send's invitations and messages.
var (
	invitationsInsert = newBulkTable("invitations", bulkWorkspace, bulkCol{"wave_id", "bigint", false},
		bulkCol{"contact_id", "bigint", false}, bulkCol{"token", "text", false}, bulkCol{"status", "text", false},
		bulkCreated, bulkCol{"updated_at", "timestamptz", false})
	messagesInsert = newBulkTable("messages", bulkWorkspace, bulkCol{"send_id", "bigint", false},
		bulkCol{"invitation_id", "bigint", false}, bulkCol{"seq", "integer", false}, bulkCol{"state", "text", false},
		bulkCol{"not_before", "timestamptz", false}, bulkCreated, bulkCol{"updated_at", "timestamptz", false})
)

// messageRow is the messagesInsert row of message seq of an invitation of
// send s, queued for notBefore.
func messageRow(s nps.Send, invitationID int64, seq int, notBefore, now time.Time) []any {
	return []any{s.WorkspaceID, s.ID, invitationID, int64(seq), string(nps.MessageQueued), normTime(notBefore), now, now}
}

// audience reads the contacts a send's audience selects, in ID order,
// leaving out those of churned accounts.
func audience(ctx context.Context, tx *sql.Tx, s nps.Send, fatigueDays int, now time.Time) ([]recipient, error) {
	var w where
	w.and("c.workspace_id = " + w.arg(s.WorkspaceID))
	w.and("(c.account_id IS NULL OR a.status = " + w.arg(nps.AccountActive) + ")")
	switch s.Audience.Kind {
	case nps.AudienceSegment:
		col := "a.attributes ->> CAST(" + w.arg(s.Audience.Field) + " AS text)"
		if nps.IsSegmentField(s.Audience.Field) {
			col = "a." + s.Audience.Field
		}
		w.and(col + " = " + w.arg(s.Audience.Value))
	case nps.AudienceSilent:
		since := w.arg(now.AddDate(0, -s.Audience.Months, 0))
		w.and(`CASE WHEN c.account_id IS NULL
			THEN NOT EXISTS (SELECT 1 FROM responses r WHERE r.workspace_id = c.workspace_id
				AND r.contact_id = c.id AND r.created_at >= ` + since + `)
			ELSE NOT EXISTS (SELECT 1 FROM responses r WHERE r.workspace_id = c.workspace_id
				AND r.account_id = c.account_id AND r.created_at >= ` + since + `) END`)
	}
	fatigue := "FALSE"
	if fatigueDays > 0 {
		fatigue = `EXISTS (SELECT 1 FROM invitations f WHERE f.workspace_id = c.workspace_id AND f.contact_id = c.id
			AND f.created_at > ` + w.arg(now.AddDate(0, 0, -fatigueDays)) + `)`
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT c.id, c.email, c.opted_out_at IS NOT NULL,
			EXISTS (SELECT 1 FROM invitations i WHERE i.wave_id = `+w.arg(s.WaveID)+` AND i.contact_id = c.id),
			`+fatigue+`
		FROM contacts c LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.id = c.account_id`+
		w.String()+` ORDER BY c.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("choose recipients: %w", err)
	}
	recipients, err := collect(rows, func(row rowScanner) (recipient, error) {
		var r recipient
		return r, row.Scan(&r.contactID, &r.email, &r.optedOut, &r.invited, &r.fatigued)
	})
	if err != nil {
		return nil, fmt.Errorf("choose recipients: %w", err)
	}
	return recipients, nil
}

// Delivery is where one invitation of a send stands: the invitation's
// status and its latest message.
type Delivery struct {
	InvitationID  int64
	Email, Name   string
	AccountName   string
	Status        nps.InvitationStatus
	ReminderCount int
	// Message is the state of the latest message, Error the server's words
	// when it failed, At when it last changed.
	Message nps.MessageState
	Error   string
	At      time.Time
}

// DeliveryFilter selects a page of a send's deliveries.
type DeliveryFilter struct {
	// After is the last invitation ID of the previous page.
	After int64
	// Message keeps the deliveries whose latest message is in this state.
	Message nps.MessageState
	// OwnerID keeps those of the accounts this user owns (a member's view).
	OwnerID int64
	Limit   int
}

// MaxDeliveryPage bounds a page of deliveries.
const MaxDeliveryPage = 200

// Deliveries returns a page of the send's invitations in ID order, each
// with its latest message.
func (db *DB) Deliveries(ctx context.Context, workspaceID, sendID int64, f DeliveryFilter) ([]Delivery, error) {
	if _, err := send(ctx, db.read, workspaceID, sendID, ""); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	var w where
	w.and("m.workspace_id = " + w.arg(workspaceID))
	w.and("m.send_id = " + w.arg(sendID))
	w.and("m.invitation_id > " + w.arg(f.After))
	w.and("m.seq = (SELECT MAX(x.seq) FROM messages x WHERE x.invitation_id = m.invitation_id)")
	if f.Message != "" {
		w.and("m.state = " + w.arg(f.Message))
	}
	if f.OwnerID != 0 {
		w.and("a.owner_id = " + w.arg(f.OwnerID))
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxDeliveryPage {
		limit = MaxDeliveryPage
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT i.id, c.email, c.name, COALESCE(a.name, ''), i.status, i.reminder_count, m.state, m.error, m.updated_at
		FROM messages m
		JOIN invitations i ON i.workspace_id = m.workspace_id AND i.id = m.invitation_id
		JOIN contacts c ON c.workspace_id = i.workspace_id AND c.id = i.contact_id
		LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.id = c.account_id`+
		w.String()+` ORDER BY m.invitation_id LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	ds, err := collect(rows, func(row rowScanner) (Delivery, error) {
		var d Delivery
		return d, row.Scan(&d.InvitationID, &d.Email, &d.Name, &d.AccountName, &d.Status, &d.ReminderCount,
			&d.Message, &d.Error, timeCol{&d.At})
	})
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return ds, nil
}
