package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

const responseColumns = `id, workspace_id, survey_id, wave_id, invitation_id, contact_id, account_id,
	score, comment, answers, language, channel, revision, created_at, updated_at`

func scanResponse(row rowScanner) (nps.Response, error) {
	var r nps.Response
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.SurveyID, &r.WaveID, idCol{&r.InvitationID},
		idCol{&r.ContactID}, idCol{&r.AccountID}, &r.Score, &r.Comment, jsonCol{&r.Answers},
		&r.Language, &r.Channel, &r.Revision, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt})
	return r, err
}

// record records one answer in the recorder's transaction and sets r to
// it as stored; RecordResponse says what that means. A first answer
// without a contact gets its ID at flush. Its rollup change is
// collected in the recorder and written by flush before the commit.
//
// Every domain error (validation, not found, closed wave) is returned
// before the first write, so that a batch can drop the item and go on in
// the same transaction; any other error leaves the transaction unusable.
func (rec *recorder) record(ctx context.Context, workspaceID int64, r *nps.Response) error {
	if err := r.Validate(); err != nil {
		return err
	}
	tx, d, now := rec.tx, rec.dialect, rec.now
	r.WorkspaceID = workspaceID
	w, s, err := rec.waveSurvey(ctx, workspaceID, r.WaveID)
	if err != nil {
		return err
	}
	if r.SurveyID != 0 && r.SurveyID != w.SurveyID {
		return &nps.ValidationError{Field: "survey_id", Message: "is not the survey of the wave"}
	}
	r.SurveyID = w.SurveyID
	if r.Language == "" {
		r.Language = s.DefaultLanguage
	}
	if err := s.ValidateResponse(*r); err != nil {
		return err
	}
	if s.Anonymous {
		r.InvitationID, r.ContactID, r.AccountID = 0, 0, 0
	}
	inv, err := rec.resolveRespondent(ctx, r)
	if err != nil {
		return err
	}
	if r.CreatedAt = normTime(r.CreatedAt); r.Channel != nps.ChannelImport || r.CreatedAt.IsZero() {
		r.CreatedAt = now
	} else if r.CreatedAt.After(now) {
		return &nps.ValidationError{Field: "created_at", Message: "must not be in the future"}
	}
	r.UpdatedAt, r.Revision = now, 1
	open := w.OpenAt(now)

	prev, err := previousResponse(ctx, tx, d, *r)
	if errors.Is(err, nps.ErrNotFound) {
		if !open && r.Channel != nps.ChannelImport {
			return nps.ErrWaveClosed
		}
		if r.ContactID == 0 {
			// Nobody else can hold this answer's place: insert it with
			// the others at flush.
			rec.inserts = append(rec.inserts, r)
			rec.change(workspaceID).add(keyOf(*r), r.Score, 1)
			rec.event(nps.EventResponseCreated, r)
			return nil
		}
		var inserted bool
		if inserted, err = insertResponse(ctx, tx, r); err != nil {
			return err
		}
		if inserted {
			rec.change(workspaceID).add(keyOf(*r), r.Score, 1)
			rec.event(nps.EventResponseCreated, r)
			return markResponded(ctx, tx, inv, now)
		}
		// A concurrent first answer of the same contact committed after
		// the lookup (PostgreSQL): this answer replaces it.
		prev, err = previousResponse(ctx, tx, d, *r)
	}
	if err != nil {
		return err
	}
	if !open {
		return nps.ErrWaveClosed
	}
	if *r, err = replaceResponse(ctx, tx, prev, *r, now, rec.change(workspaceID)); err != nil {
		return err
	}
	if r.Revision > prev.Revision {
		rec.event(nps.EventResponseUpdated, r)
	}
	return markResponded(ctx, tx, inv, now)
}

// resolveRespondent checks the respondent's identity against the
// workspace and fills in what follows from it: the contact from the
// invitation, the account from the contact. It returns the invitation,
// locked, or nil. Contacts and accounts are read once per transaction.
func (rec *recorder) resolveRespondent(ctx context.Context, r *nps.Response) (*nps.Invitation, error) {
	var inv *nps.Invitation
	if r.InvitationID != 0 {
		i, err := invitation(ctx, rec.tx, r.WorkspaceID, r.InvitationID, rec.dialect.forUpdate())
		if err != nil {
			return nil, err
		}
		if i.WaveID != r.WaveID {
			return nil, &nps.ValidationError{Field: "invitation_id", Message: "is an invitation to another wave"}
		}
		if r.ContactID != 0 && r.ContactID != i.ContactID {
			return nil, &nps.ValidationError{Field: "contact_id", Message: "is not the invited contact"}
		}
		r.ContactID, inv = i.ContactID, &i
	}
	if r.ContactID != 0 {
		k := [2]int64{r.WorkspaceID, r.ContactID}
		accountID, ok := rec.contacts[k]
		if !ok {
			c, err := contact(ctx, rec.tx, r.WorkspaceID, r.ContactID)
			if err != nil {
				return nil, err
			}
			accountID, rec.contacts[k] = c.AccountID, c.AccountID
		}
		if r.AccountID == 0 {
			r.AccountID = accountID
		} else if accountID != 0 && accountID != r.AccountID {
			return nil, &nps.ValidationError{Field: "account_id", Message: "is not the contact's account"}
		}
	}
	if k := [2]int64{r.WorkspaceID, r.AccountID}; r.AccountID != 0 && !rec.accounts[k] {
		if _, err := account(ctx, rec.tx, r.WorkspaceID, r.AccountID); err != nil {
			return nil, err
		}
		rec.accounts[k] = true
	}
	return inv, nil
}

// previousResponse returns, locked, the response of r's contact in r's
// wave; nps.ErrNotFound when there is none or r has no contact.
func previousResponse(ctx context.Context, tx querier, d Dialect, r nps.Response) (nps.Response, error) {
	if r.ContactID == 0 {
		return nps.Response{}, nps.ErrNotFound
	}
	prev, err := scanResponse(tx.QueryRowContext(ctx, `
		SELECT `+responseColumns+` FROM responses
		WHERE workspace_id = $1 AND wave_id = $2 AND contact_id = $3`+d.forUpdate(),
		r.WorkspaceID, r.WaveID, r.ContactID))
	return prev, notFound(err, "response of contact", r.ContactID)
}

// insertResponse inserts r unless a response of its respondent exists,
// and reports whether it did.
func insertResponse(ctx context.Context, tx querier, r *nps.Response) (bool, error) {
	answers, err := jsonArg(r.Answers)
	if err != nil {
		return false, err
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO responses (workspace_id, survey_id, wave_id, invitation_id, contact_id, account_id,
			score, comment, answers, language, channel, revision, month, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT DO NOTHING RETURNING id`,
		r.WorkspaceID, r.SurveyID, r.WaveID, nullID(r.InvitationID), nullID(r.ContactID), nullID(r.AccountID),
		r.Score, r.Comment, answers, r.Language, r.Channel, r.Revision, nps.MonthOf(r.CreatedAt),
		r.CreatedAt, r.UpdatedAt).Scan(&r.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// replaceResponse makes r the current version of prev: prev becomes a
// revision, and change moves the response from prev's cell and score to
// r's.
func replaceResponse(ctx context.Context, tx querier, prev, r nps.Response, now time.Time, change rollupChange) (nps.Response, error) {
	r.ID, r.CreatedAt, r.Revision = prev.ID, prev.CreatedAt, prev.Revision+1
	if r.InvitationID == 0 {
		r.InvitationID = prev.InvitationID
	}
	if sameAnswer(prev, r) {
		return prev, nil
	}
	answers, err := jsonArg(prev.Answers)
	if err != nil {
		return r, err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO response_revisions (workspace_id, response_id, revision, score, comment, answers,
			language, channel, answered_at, replaced_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		prev.WorkspaceID, prev.ID, prev.Revision, prev.Score, prev.Comment, answers,
		prev.Language, prev.Channel, prev.UpdatedAt, now)
	if err != nil {
		return r, err
	}
	if answers, err = jsonArg(r.Answers); err != nil {
		return r, err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE responses SET invitation_id = $3, account_id = $4, score = $5, comment = $6, answers = $7,
			language = $8, channel = $9, revision = $10, updated_at = $11
		WHERE workspace_id = $1 AND id = $2`,
		r.WorkspaceID, r.ID, nullID(r.InvitationID), nullID(r.AccountID), r.Score, r.Comment, answers,
		r.Language, r.Channel, r.Revision, r.UpdatedAt)
	if err != nil {
		return r, err
	}
	change.add(keyOf(prev), prev.Score, -1)
	change.add(keyOf(r), r.Score, 1)
	return r, nil
}

// sameAnswer reports whether r repeats prev, as a double click or a link
// scanner does: nothing to record.
func sameAnswer(prev, r nps.Response) bool {
	return prev.Score == r.Score && prev.Comment == r.Comment && prev.Answers.Equal(r.Answers) &&
		prev.Language == r.Language && prev.Channel == r.Channel &&
		prev.AccountID == r.AccountID && prev.InvitationID == r.InvitationID
}

// markResponded moves the answered invitation, if any, to responded.
func markResponded(ctx context.Context, tx querier, inv *nps.Invitation, now time.Time) error {
	if inv == nil {
		return nil
	}
	return setInvitationStatus(ctx, tx, inv, nps.InvitationResponded, now)
}

// Response returns the workspace's response with the given ID.
func (db *DB) Response(ctx context.Context, workspaceID, id int64) (nps.Response, error) {
	r, err := response(ctx, db.read, workspaceID, id)
	if err != nil {
		return nps.Response{}, fmt.Errorf("store: %w", err)
	}
	return r, nil
}

func response(ctx context.Context, q querier, workspaceID, id int64) (nps.Response, error) {
	r, err := scanResponse(q.QueryRowContext(ctx,
		`SELECT `+responseColumns+` FROM responses WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return r, notFound(err, "response", id)
}

// ResponseRevisions returns the earlier versions of one of the workspace's
// responses, oldest first; none when it was never changed.
func (db *DB) ResponseRevisions(ctx context.Context, workspaceID, responseID int64) ([]nps.ResponseRevision, error) {
	if _, err := response(ctx, db.read, workspaceID, responseID); err != nil {
		return nil, fmt.Errorf("store: response revisions: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT workspace_id, response_id, revision, score, comment, answers, language, channel,
			answered_at, replaced_at
		FROM response_revisions WHERE workspace_id = $1 AND response_id = $2 ORDER BY revision`,
		workspaceID, responseID)
	if err != nil {
		return nil, fmt.Errorf("store: response revisions: %w", err)
	}
	revs, err := collect(rows, func(row rowScanner) (nps.ResponseRevision, error) {
		var v nps.ResponseRevision
		err := row.Scan(&v.WorkspaceID, &v.ResponseID, &v.Revision, &v.Score, &v.Comment,
			jsonCol{&v.Answers}, &v.Language, &v.Channel, timeCol{&v.AnsweredAt}, timeCol{&v.ReplacedAt})
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: response revisions: %w", err)
	}
	return revs, nil
}
