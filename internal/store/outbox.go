package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
)

// The outbox: the messages table that senders claim work from. Every
// process may run a sender; claims take different rows (SKIP LOCKED on
// PostgreSQL, the single writer on SQLite), and a lease bounds how long a
// claimed message waits for a sender that died.

// Outgoing is a claimed message with what it takes to write it.
type Outgoing struct {
	ID    int64
	Claim string
	// Seq is 0 for the invitation, n for its nth reminder.
	Seq int
	// Attempts counts the claims of the message, this one included.
	Attempts      int
	SendID        int64
	Invitation    nps.Invitation
	Contact       nps.Contact
	AccountName   string
	WorkspaceName string
	SurveyID      int64
}

// ClaimMessages claims up to limit messages that are due, and those whose
// lease ran out, for claim (a random string of the caller's) until lease
// has passed. Messages that should no longer go out — the contact opted
// out, answered or bounced, or the send was cancelled — are cancelled
// instead of returned.
func (db *DB) ClaimMessages(ctx context.Context, claim string, lease time.Duration, limit int) ([]Outgoing, error) {
	var out []Outgoing
	err := db.writeRetry(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		now := db.now()
		var ids []any
		for _, pick := range []string{
			`state = 'sending' AND lease_until < $1 ORDER BY lease_until`,
			`state = 'queued' AND not_before <= $1 ORDER BY not_before`,
		} {
			if len(ids) >= limit {
				break
			}
			rows, err := tx.QueryContext(ctx, `SELECT id FROM messages WHERE `+pick+` LIMIT $2`+db.dialect.skipLocked(),
				now, limit-len(ids))
			if err != nil {
				return err
			}
			picked, err := collect(rows, func(row rowScanner) (any, error) {
				var id int64
				return id, row.Scan(&id)
			})
			if err != nil {
				return err
			}
			ids = append(ids, picked...)
		}
		if len(ids) == 0 {
			return nil
		}
		in := placeholders(5, len(ids))
		args := append([]any{nps.MessageSending, claim, normTime(now.Add(lease)), now}, ids...)
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET state = $1, claim = $2, lease_until = $3,
			attempts = attempts + 1, updated_at = $4 WHERE id IN (`+in+`)`, args...); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT m.id, m.seq, m.attempts, m.send_id, s.state, `+prefixed("i", invitationColumns)+`,
				`+prefixed("c", contactColumns)+`, COALESCE(a.name, ''), w.name, v.survey_id, v.closes_at
			FROM messages m
			JOIN sends s ON s.workspace_id = m.workspace_id AND s.id = m.send_id
			JOIN invitations i ON i.workspace_id = m.workspace_id AND i.id = m.invitation_id
			JOIN contacts c ON c.workspace_id = i.workspace_id AND c.id = i.contact_id
			LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.id = c.account_id
			JOIN workspaces w ON w.id = m.workspace_id
			JOIN waves v ON v.workspace_id = i.workspace_id AND v.id = i.wave_id
			WHERE m.id IN (`+placeholders(1, len(ids))+`) ORDER BY m.not_before, m.id`, ids...)
		if err != nil {
			return err
		}
		var cancel []any
		claimed, err := collect(rows, func(row rowScanner) (Outgoing, error) {
			o := Outgoing{Claim: claim}
			var state nps.SendState
			dest := []any{&o.ID, &o.Seq, &o.Attempts, &o.SendID, &state}
			var inv nps.Invitation
			var c nps.Contact
			dest = append(dest, invitationDest(&inv)...)
			dest = append(dest, contactDest(&c)...)
			var closesAt sql.NullTime
			dest = append(dest, &o.AccountName, &o.WorkspaceName, &o.SurveyID, &closesAt)
			if err := row.Scan(dest...); err != nil {
				return o, err
			}
			o.Invitation, o.Contact = inv, c
			closed := closesAt.Valid && !closesAt.Time.After(now)
			if closed || state == nps.SendCancelled || !c.OptedOutAt.IsZero() || stopsMessages(inv.Status) {
				cancel = append(cancel, o.ID)
				o.ID = 0
			}
			return o, nil
		})
		if err != nil {
			return err
		}
		for _, o := range claimed {
			if o.ID != 0 {
				out = append(out, o)
			}
		}
		if len(cancel) > 0 {
			args := append([]any{nps.MessageCancelled, now}, cancel...)
			_, err = tx.ExecContext(ctx, `UPDATE messages SET state = $1, lease_until = NULL, updated_at = $2
				WHERE id IN (`+placeholders(3, len(cancel))+`)`, args...)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim messages: %w", err)
	}
	return out, nil
}

// stopsMessages reports whether an invitation in status s gets no more
// mail: its contact answered, opted out or the address bounced.
func stopsMessages(s nps.InvitationStatus) bool {
	return s == nps.InvitationResponded || s == nps.InvitationOptedOut || s == nps.InvitationBounced
}

// Outcome is what became of a claimed message.
type Outcome struct {
	ID    int64
	Claim string
	// MessageID is the Message-ID header of what was sent.
	MessageID string
	// Err is empty when the server accepted the message, else its answer.
	Err string
	// RetryAt, for a failure, is when to try again; zero fails the message
	// for good.
	RetryAt time.Time
}

// FinishMessages records what became of claimed messages, in one
// transaction: a sent message moves its invitation to sent (and counts a
// reminder), a failure is kept with the server's words, and a retry waits
// for its time. An outcome whose claim is no longer the message's (its
// lease ran out and another sender took it) changes nothing.
func (db *DB) FinishMessages(ctx context.Context, outcomes []Outcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	err := db.writeRetry(ctx, func(tx *sql.Tx) error {
		now := db.now()
		q := db.hot(tx)
		for _, o := range outcomes {
			var err error
			switch {
			case o.Err == "":
				var workspaceID, invitationID int64
				var seq int
				err = q.QueryRowContext(ctx, `UPDATE messages SET state = $1, message_id = $2, sent_at = $3,
					lease_until = NULL, error = '', updated_at = $3
					WHERE id = $4 AND claim = $5 AND state = $6 RETURNING workspace_id, invitation_id, seq`,
					nps.MessageSent, o.MessageID, now, o.ID, o.Claim, nps.MessageSending,
				).Scan(&workspaceID, &invitationID, &seq)
				if err == sql.ErrNoRows {
					continue
				}
				if err != nil {
					return err
				}
				_, err = q.ExecContext(ctx, `UPDATE invitations SET
					status = CASE WHEN status = $3 THEN $4 ELSE status END,
					sent_at = COALESCE(sent_at, $5),
					reminder_count = CASE WHEN reminder_count < $6 THEN $6 ELSE reminder_count END,
					reminded_at = CASE WHEN $6 > 0 THEN $5 ELSE reminded_at END,
					updated_at = $5
					WHERE workspace_id = $1 AND id = $2`,
					workspaceID, invitationID, nps.InvitationQueued, nps.InvitationSent, now, seq)
			case o.RetryAt.IsZero():
				_, err = q.ExecContext(ctx, `UPDATE messages SET state = $1, error = $2, lease_until = NULL, updated_at = $3
					WHERE id = $4 AND claim = $5 AND state = $6`,
					nps.MessageFailed, truncate(o.Err, 1000), now, o.ID, o.Claim, nps.MessageSending)
			default:
				_, err = q.ExecContext(ctx, `UPDATE messages SET state = $1, error = $2, lease_until = NULL,
					not_before = $3, updated_at = $4 WHERE id = $5 AND claim = $6 AND state = $7`,
					nps.MessageQueued, truncate(o.Err, 1000), normTime(o.RetryAt), now, o.ID, o.Claim, nps.MessageSending)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: finish messages: %w", err)
	}
	return nil
}

// QueueReminders queues the next reminder of every invitation of a
// running send to a wave still open that has had no answer, opt-out or bounce, has had fewer
// reminders than the send allows, and whose last message went out at
// least the send's reminder days ago. It returns how many it queued.
func (db *DB) QueueReminders(ctx context.Context) (int, error) {
	queued := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		// One pass at a time, so that a reminder is queued once.
		if err := db.dialect.lock(ctx, tx, lockClassReminders, 0); err != nil {
			return err
		}
		now := db.now()
		rows, err := tx.QueryContext(ctx, `SELECT `+sendColumns+` FROM sends WHERE state = $1 AND max_reminders > 0`,
			nps.SendSending)
		if err != nil {
			return err
		}
		sends, err := collect(rows, scanSend)
		if err != nil {
			return err
		}
		for _, s := range sends {
			// The last message of each invitation is its latest sent one;
			// a reminder is due when it is old enough and no later one
			// exists yet.
			rows, err := tx.QueryContext(ctx, `
				SELECT m.invitation_id, m.seq + 1 FROM messages m
				JOIN invitations i ON i.workspace_id = m.workspace_id AND i.id = m.invitation_id
				JOIN contacts c ON c.workspace_id = i.workspace_id AND c.id = i.contact_id
				JOIN waves v ON v.workspace_id = i.workspace_id AND v.id = i.wave_id
				WHERE (v.closes_at IS NULL OR v.closes_at > $8) AND m.send_id = $1 AND m.state = $2 AND m.seq < $3 AND m.sent_at <= $4
					AND i.status IN ($5, $6, $7) AND c.opted_out_at IS NULL
					AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.invitation_id = m.invitation_id AND n.seq > m.seq)
				ORDER BY m.sent_at, m.id`,
				s.ID, nps.MessageSent, s.MaxReminders, now.AddDate(0, 0, -s.ReminderDays),
				nps.InvitationSent, nps.InvitationDelivered, nps.InvitationOpened, now)
			if err != nil {
				return err
			}
			var reminders [][]any
			err = eachRow(rows, nil, func(row rowScanner) error {
				var invitationID int64
				var seq int
				if err := row.Scan(&invitationID, &seq); err != nil {
					return err
				}
				at := now.Add(time.Duration(len(reminders)) * s.Spacing())
				reminders = append(reminders, messageRow(s, invitationID, seq, at, now))
				return nil
			})
			if err != nil {
				return err
			}
			if _, err := messagesInsert.insert(ctx, tx, db.dialect, reminders); err != nil {
				return err
			}
			queued += len(reminders)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: queue reminders: %w", err)
	}
	return queued, nil
}

// RecordBounce records that the invitation's email bounced for good:
// the invitation is bounced and none of its messages still queued goes
// out. The token is the invitation's, and must be of the workspace.
func (db *DB) RecordBounce(ctx context.Context, workspaceID int64, token string) (nps.Invitation, error) {
	var inv nps.Invitation
	err := db.write(ctx, func(tx *sql.Tx) error {
		if !plausibleToken(token) {
			return fmt.Errorf("invitation with this token: %w", nps.ErrNotFound)
		}
		var err error
		inv, err = scanInvitation(tx.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations
			WHERE workspace_id = $1 AND token = $2`+db.dialect.forUpdate(), workspaceID, token))
		if err != nil {
			return notFound(err, "invitation", "with this token")
		}
		now := db.now()
		if err := setInvitationStatus(ctx, tx, &inv, nps.InvitationBounced, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET state = $3, updated_at = $4
			WHERE workspace_id = $1 AND invitation_id = $2 AND state = $5`,
			workspaceID, inv.ID, nps.MessageCancelled, now, nps.MessageQueued)
		return err
	})
	if err != nil {
		return nps.Invitation{}, fmt.Errorf("store: record bounce: %w", err)
	}
	return inv, nil
}

// placeholders returns n numbered placeholders from $first on.
func placeholders(first, n int) string {
	var w where
	w.args = make([]any, first-1, first-1+n)
	p := make([]string, n)
	for i := range p {
		p[i] = w.arg(nil)
	}
	return strings.Join(p, ", ")
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// truncate shortens s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
