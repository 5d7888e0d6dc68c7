package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// tokenBytes is the randomness of an invitation token: 192 bits, well over
// the 128 the product asks for, in 32 URL-safe characters.
const tokenBytes = 24

// newToken returns a fresh random invitation token.
func newToken() string {
	b := make([]byte, tokenBytes)
	rand.Read(b) // never fails, see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b)
}

// plausibleToken reports whether s can be a token at all, so that a probe
// with garbage costs no query.
func plausibleToken(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// statusTimes names the column that records when an invitation reached a
// status; queued is its creation time.
var statusTimes = map[nps.InvitationStatus]string{
	nps.InvitationSent:      "sent_at",
	nps.InvitationDelivered: "delivered_at",
	nps.InvitationBounced:   "bounced_at",
	nps.InvitationOpened:    "opened_at",
	nps.InvitationResponded: "responded_at",
	nps.InvitationOptedOut:  "opted_out_at",
}

const invitationColumns = `id, workspace_id, wave_id, contact_id, token, status, reminder_count,
	sent_at, delivered_at, bounced_at, opened_at, responded_at, opted_out_at, reminded_at,
	created_at, updated_at`

func scanInvitation(row rowScanner) (nps.Invitation, error) {
	var i nps.Invitation
	err := row.Scan(invitationDest(&i)...)
	return i, err
}

// invitationDest is where the columns of invitationColumns scan to.
func invitationDest(i *nps.Invitation) []any {
	return []any{&i.ID, &i.WorkspaceID, &i.WaveID, &i.ContactID, &i.Token, &i.Status, &i.ReminderCount,
		timeCol{&i.SentAt}, timeCol{&i.DeliveredAt}, timeCol{&i.BouncedAt}, timeCol{&i.OpenedAt},
		timeCol{&i.RespondedAt}, timeCol{&i.OptedOutAt}, timeCol{&i.RemindedAt},
		timeCol{&i.CreatedAt}, timeCol{&i.UpdatedAt}}
}

// CreateInvitation queues an invitation of a contact to a wave, both of
// the workspace, with a new random token. A contact invited to the wave
// already is nps.ErrConflict, one who opted out nps.ErrOptedOut.
func (db *DB) CreateInvitation(ctx context.Context, workspaceID, waveID, contactID int64) (nps.Invitation, error) {
	inv := nps.Invitation{
		WorkspaceID: workspaceID,
		WaveID:      waveID,
		ContactID:   contactID,
		Token:       newToken(),
		Status:      nps.InvitationQueued,
		CreatedAt:   db.now(),
	}
	inv.UpdatedAt = inv.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := wave(ctx, tx, workspaceID, waveID); err != nil {
			return err
		}
		c, err := contact(ctx, tx, workspaceID, contactID)
		if err != nil {
			return err
		}
		if c.OptedOut() {
			return nps.ErrOptedOut
		}
		err = tx.QueryRowContext(ctx, `
			INSERT INTO invitations (workspace_id, wave_id, contact_id, token, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			inv.WorkspaceID, inv.WaveID, inv.ContactID, inv.Token, inv.Status, inv.CreatedAt).Scan(&inv.ID)
		return conflict(err, "an invitation of this contact to this wave")
	})
	if err != nil {
		return nps.Invitation{}, fmt.Errorf("store: create invitation: %w", err)
	}
	return inv, nil
}

// Invitation returns the workspace's invitation with the given ID.
func (db *DB) Invitation(ctx context.Context, workspaceID, id int64) (nps.Invitation, error) {
	inv, err := invitation(ctx, db.read, workspaceID, id, "")
	if err != nil {
		return nps.Invitation{}, fmt.Errorf("store: %w", err)
	}
	return inv, nil
}

// invitation reads an invitation; lock is Dialect.forUpdate when the
// caller is about to change it.
func invitation(ctx context.Context, q querier, workspaceID, id int64, lock string) (nps.Invitation, error) {
	inv, err := scanInvitation(q.QueryRowContext(ctx,
		`SELECT `+invitationColumns+` FROM invitations WHERE workspace_id = $1 AND id = $2`+lock,
		workspaceID, id))
	return inv, notFound(err, "invitation", id)
}

// InvitationByToken returns the invitation a survey link carries. It is
// the one lookup without a workspace: the token decides the workspace, and
// an unknown token is nps.ErrNotFound.
func (db *DB) InvitationByToken(ctx context.Context, token string) (nps.Invitation, error) {
	if !plausibleToken(token) {
		return nps.Invitation{}, fmt.Errorf("store: invitation by token: %w", nps.ErrNotFound)
	}
	inv, err := scanInvitation(db.read.QueryRowContext(ctx,
		`SELECT `+invitationColumns+` FROM invitations WHERE token = $1`, token))
	if err != nil {
		return nps.Invitation{}, fmt.Errorf("store: invitation by token: %w", notFound(err, "invitation", "with this token"))
	}
	return inv, nil
}

// UpdateInvitationStatus records a mail or survey event of an invitation:
// the time of the event is kept (the first time, if it repeats), and the
// status moves to the new one only if that comes later in the order of
// nps.InvitationStatus, since events arrive out of order.
func (db *DB) UpdateInvitationStatus(ctx context.Context, workspaceID, id int64, status nps.InvitationStatus) (nps.Invitation, error) {
	if err := status.Validate(); err != nil {
		return nps.Invitation{}, fmt.Errorf("store: update invitation status: %w", err)
	}
	var inv nps.Invitation
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		inv, err = invitation(ctx, tx, workspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		return setInvitationStatus(ctx, tx, &inv, status, db.now())
	})
	if err != nil {
		return nps.Invitation{}, fmt.Errorf("store: update invitation status: %w", err)
	}
	return inv, nil
}

// setInvitationStatus applies an event to inv, which the transaction has
// read (and locked), and reads it back.
func setInvitationStatus(ctx context.Context, tx querier, inv *nps.Invitation, event nps.InvitationStatus, now time.Time) error {
	status := inv.Status
	if status.Precedes(event) {
		status = event
	}
	set := "status = $3, updated_at = $4"
	if col, ok := statusTimes[event]; ok {
		set += ", " + col + " = COALESCE(" + col + ", $4)"
	}
	var err error
	*inv, err = scanInvitation(tx.QueryRowContext(ctx,
		`UPDATE invitations SET `+set+` WHERE workspace_id = $1 AND id = $2 RETURNING `+invitationColumns,
		inv.WorkspaceID, inv.ID, status, now))
	return err
}

// RecordReminder counts a reminder sent for the invitation.
func (db *DB) RecordReminder(ctx context.Context, workspaceID, id int64) (nps.Invitation, error) {
	var inv nps.Invitation
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRowContext(ctx, `
			UPDATE invitations SET reminder_count = reminder_count + 1, reminded_at = $3, updated_at = $3
			WHERE workspace_id = $1 AND id = $2 RETURNING `+invitationColumns,
			workspaceID, id, db.now()))
		return notFound(err, "invitation", id)
	})
	if err != nil {
		return nps.Invitation{}, fmt.Errorf("store: record reminder: %w", err)
	}
	return inv, nil
}
