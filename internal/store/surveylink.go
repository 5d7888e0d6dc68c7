package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// What the survey pages read and write beyond RecordResponse: the
// anonymous public link of a survey, the wave it answers, the current
// answer of an invitation, and the two ways of answering that need a
// check and a write in one transaction (the automatic one-click answer
// and the once-only answer to an anonymous survey by invitation).

// SurveyLink returns the token of the survey's anonymous public link
// (/p/{token}), creating it on first use. The token is as random as an
// invitation's and stays the same once made.
func (db *DB) SurveyLink(ctx context.Context, workspaceID, surveyID int64) (string, error) {
	var token sql.NullString
	err := db.read.QueryRowContext(ctx,
		`SELECT public_token FROM surveys WHERE workspace_id = $1 AND id = $2`, workspaceID, surveyID).Scan(&token)
	if err != nil {
		return "", fmt.Errorf("store: survey link: %w", notFound(err, "survey", surveyID))
	}
	if token.Valid {
		return token.String, nil
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		// COALESCE keeps the token of a concurrent first use.
		err := tx.QueryRowContext(ctx, `
			UPDATE surveys SET public_token = COALESCE(public_token, $3)
			WHERE workspace_id = $1 AND id = $2 RETURNING public_token`,
			workspaceID, surveyID, newToken()).Scan(&token)
		return notFound(err, "survey", surveyID)
	})
	if err != nil {
		return "", fmt.Errorf("store: survey link: %w", err)
	}
	return token.String, nil
}

// SurveyByPublicToken returns the survey whose public link carries token.
// Like InvitationByToken it is a lookup without a workspace: the token
// decides it, and an unknown token is nps.ErrNotFound.
func (db *DB) SurveyByPublicToken(ctx context.Context, token string) (nps.Survey, error) {
	if !plausibleToken(token) {
		return nps.Survey{}, fmt.Errorf("store: survey by public token: %w", nps.ErrNotFound)
	}
	s, err := scanSurvey(db.read.QueryRowContext(ctx,
		`SELECT `+surveyColumns+` FROM surveys WHERE public_token = $1`, token))
	if err != nil {
		return nps.Survey{}, fmt.Errorf("store: survey by public token: %w", notFound(err, "survey", "with this token"))
	}
	return s, nil
}

// OpenWaveOf returns the wave of one of the workspace's surveys that is
// open at time at, the latest opened if several are; nps.ErrNotFound
// when none is.
func (db *DB) OpenWaveOf(ctx context.Context, workspaceID, surveyID int64, at time.Time) (nps.Wave, error) {
	at = normTime(at)
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+waveColumns+` FROM waves
		WHERE workspace_id = $1 AND survey_id = $2 AND opens_at <= $3 AND (closes_at IS NULL OR closes_at > $3)
		ORDER BY opens_at DESC, id DESC LIMIT 1`,
		workspaceID, surveyID, at)
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: open wave: %w", err)
	}
	waves, err := collect(rows, scanWave)
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: open wave: %w", err)
	}
	if len(waves) == 0 {
		return nps.Wave{}, fmt.Errorf("store: open wave of survey %d: %w", surveyID, nps.ErrNotFound)
	}
	return waves[0], nil
}

// ResponseOfInvitation returns the current answer of the invitation's
// contact in the invitation's wave, whichever channel it came by;
// nps.ErrNotFound when there is none. An anonymous survey keeps no link
// from an invitation to its answer, so there it is always not found.
func (db *DB) ResponseOfInvitation(ctx context.Context, workspaceID, invitationID int64) (nps.Response, error) {
	r, err := scanResponse(db.read.QueryRowContext(ctx, `
		SELECT `+responseColumns+` FROM responses
		WHERE workspace_id = $1
			AND wave_id = (SELECT wave_id FROM invitations WHERE workspace_id = $1 AND id = $2)
			AND contact_id = (SELECT contact_id FROM invitations WHERE workspace_id = $1 AND id = $2)`,
		workspaceID, invitationID))
	if err != nil {
		return nps.Response{}, fmt.Errorf("store: response of invitation: %w", notFound(err, "response of invitation", invitationID))
	}
	return r, nil
}

// RecordOneClick records the score of an invitation's one-click link, as
// the survey page's script sends it on its own, and returns the answer
// stored afterwards and whether this call wrote it.
//
// Since a link scanner may send it too, it is weaker than an answer the
// respondent submits: it creates the answer, or changes the score of an
// answer that has only a score and was itself written by RecordOneClick
// (invitations.one_click_revision names that revision; any other write
// bumps the revision past it), and otherwise changes nothing. An answer
// with a comment or other answers is never overwritten, and the same
// score already stored is left as it is. The check and the write share
// one transaction, with the invitation locked, so a concurrent
// submission cannot slip between them.
//
// It refuses what a submission would: a closed wave (nps.ErrWaveClosed),
// a contact who opted out (nps.ErrOptedOut); and an anonymous survey
// (nps.ErrConflict), whose answers are not linked to the invitation, so
// that a one-click answer could never be completed or corrected.
func (db *DB) RecordOneClick(ctx context.Context, workspaceID, invitationID int64, score int, lang string) (nps.Response, bool, error) {
	if !nps.ValidScore(score) {
		return nps.Response{}, false, fmt.Errorf("store: record one-click answer: %w",
			&nps.ValidationError{Field: "score", Message: fmt.Sprintf("must be a whole number from %d to %d, got %d", nps.MinScore, nps.MaxScore, score)})
	}
	var stored nps.Response
	var wrote bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		inv, marker, err := oneClickInvitation(ctx, tx, db.dialect, workspaceID, invitationID)
		if err != nil {
			return err
		}
		s, err := checkAnswerable(ctx, tx, inv, now)
		if err != nil {
			return err
		}
		if s.Anonymous {
			return fmt.Errorf("one-click answers to an anonymous survey: %w", nps.ErrConflict)
		}
		prev, err := responseOfContact(ctx, tx, db.dialect, workspaceID, inv.WaveID, inv.ContactID)
		switch {
		case errors.Is(err, nps.ErrNotFound):
		case err != nil:
			return err
		case prev.Score == score, prev.Comment != "", !prev.Answers.Equal(nps.Answers{}),
			!marker.Valid || marker.Int64 != int64(prev.Revision) || prev.InvitationID != inv.ID:
			stored = prev
			return nil
		}
		r := nps.Response{WaveID: inv.WaveID, InvitationID: inv.ID, Score: score, Language: lang, Channel: nps.ChannelEmail}
		if stored, err = recordOne(ctx, tx, db.dialect, workspaceID, r, now); err != nil {
			return err
		}
		wrote = true
		_, err = tx.ExecContext(ctx, `UPDATE invitations SET one_click_revision = $3 WHERE workspace_id = $1 AND id = $2`,
			workspaceID, inv.ID, stored.Revision)
		return err
	})
	if err != nil {
		return nps.Response{}, false, fmt.Errorf("store: record one-click answer: %w", err)
	}
	return stored, wrote, nil
}

// RecordAnonymousAnswer records the answer r given through an invitation
// to an anonymous survey. Such an answer keeps no link to the invitation,
// so it cannot be changed later, and the invitation may answer once: a
// second answer is nps.ErrConflict. The invitation is marked responded
// (so that reminders skip it) at the start of the day, not at the moment
// of the answer, so that its time does not point at the response.
func (db *DB) RecordAnonymousAnswer(ctx context.Context, workspaceID, invitationID int64, r nps.Response) (nps.Response, error) {
	var stored nps.Response
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		inv, err := invitation(ctx, tx, workspaceID, invitationID, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		if !inv.RespondedAt.IsZero() {
			return fmt.Errorf("the invitation has answered already: %w", nps.ErrConflict)
		}
		s, err := checkAnswerable(ctx, tx, inv, now)
		if err != nil {
			return err
		}
		if !s.Anonymous {
			return &nps.ValidationError{Field: "invitation_id", Message: "is an invitation to a named survey; record its answer with RecordResponse"}
		}
		r.WaveID, r.InvitationID, r.ContactID, r.AccountID = inv.WaveID, 0, 0, 0
		if stored, err = recordOne(ctx, tx, db.dialect, workspaceID, r, now); err != nil {
			return err
		}
		status := inv.Status
		if status.Precedes(nps.InvitationResponded) {
			status = nps.InvitationResponded
		}
		day := now.Truncate(24 * time.Hour)
		_, err = tx.ExecContext(ctx, `
			UPDATE invitations SET status = $3, responded_at = $4, updated_at = $4
			WHERE workspace_id = $1 AND id = $2`,
			workspaceID, inv.ID, status, day)
		return err
	})
	if err != nil {
		return nps.Response{}, fmt.Errorf("store: record anonymous answer: %w", err)
	}
	return stored, nil
}

// oneClickInvitation reads and locks an invitation with the revision of
// its one-click answer.
func oneClickInvitation(ctx context.Context, tx *sql.Tx, d Dialect, workspaceID, id int64) (nps.Invitation, sql.NullInt64, error) {
	inv, err := invitation(ctx, tx, workspaceID, id, d.forUpdate())
	if err != nil {
		return inv, sql.NullInt64{}, err
	}
	var marker sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT one_click_revision FROM invitations WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id).Scan(&marker)
	return inv, marker, err
}

// checkAnswerable returns the survey of the invitation's wave when the
// wave is open at now and the contact has not opted out.
func checkAnswerable(ctx context.Context, tx *sql.Tx, inv nps.Invitation, now time.Time) (nps.Survey, error) {
	w, err := wave(ctx, tx, inv.WorkspaceID, inv.WaveID)
	if err != nil {
		return nps.Survey{}, err
	}
	if !w.OpenAt(now) {
		return nps.Survey{}, nps.ErrWaveClosed
	}
	c, err := contact(ctx, tx, inv.WorkspaceID, inv.ContactID)
	if err != nil {
		return nps.Survey{}, err
	}
	if c.OptedOut() {
		return nps.Survey{}, nps.ErrOptedOut
	}
	return survey(ctx, tx, inv.WorkspaceID, w.SurveyID)
}

// responseOfContact reads, locked, the contact's response in the wave.
func responseOfContact(ctx context.Context, tx *sql.Tx, d Dialect, workspaceID, waveID, contactID int64) (nps.Response, error) {
	r, err := scanResponse(tx.QueryRowContext(ctx, `
		SELECT `+responseColumns+` FROM responses
		WHERE workspace_id = $1 AND wave_id = $2 AND contact_id = $3`+d.forUpdate(),
		workspaceID, waveID, contactID))
	return r, notFound(err, "response of contact", contactID)
}

// recordOne records one answer inside tx, with the domain error of a
// refused answer rather than a one-item *BatchError.
func recordOne(ctx context.Context, tx *sql.Tx, d Dialect, workspaceID int64, r nps.Response, now time.Time) (nps.Response, error) {
	out, err := recordBatch(ctx, tx, d, workspaceID, []nps.Response{r}, now)
	var be *BatchError
	if errors.As(err, &be) && len(be.Items) == 1 {
		return nps.Response{}, be.Items[0].Err
	}
	if err != nil {
		return nps.Response{}, err
	}
	return out[0], nil
}
