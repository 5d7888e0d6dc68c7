package store

import (
	"context"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Bounds of a page of LatestResponses.
const (
	DefaultResponsePage = 50
	MaxResponsePage     = 500
)

// ResponseFilter chooses the responses LatestResponses returns.
type ResponseFilter struct {
	// WaveID is the wave whose responses are listed; required.
	WaveID int64
	// OwnerID, when set, keeps only responses of accounts that this user
	// owns: what a member (an account manager) may see.
	OwnerID int64
	// After is the cursor of the last response of the previous page; zero
	// for the first page.
	After ResponseCursor
	// Limit is the page size, DefaultResponsePage when 0, at most
	// MaxResponsePage.
	Limit int
}

// ResponseCursor is a position in the newest-first order of responses:
// the first answer's time and the ID, which breaks ties. Paging by it
// (keyset pagination) reads one index range per page however deep the
// page, where an OFFSET would read and skip every earlier row, and it
// neither repeats nor skips a response when new ones arrive meanwhile.
type ResponseCursor struct {
	CreatedAt time.Time
	ID        int64
}

// IsZero reports whether c is the start of the list.
func (c ResponseCursor) IsZero() bool { return c.ID == 0 }

// ListedResponse is a response with the names of whom it came from, as a
// list shows it; the names are empty for anonymous responses.
type ListedResponse struct {
	nps.Response
	ContactName  string
	ContactEmail string
	AccountName  string
}

// ResponsePage is one page of LatestResponses.
type ResponsePage struct {
	Responses []ListedResponse
	// Next is the cursor of the following page; zero on the last page.
	Next ResponseCursor
}

// LatestResponses returns a page of the responses of one of the
// workspace's waves, newest first (by the first answer's time, then ID),
// with contact and account names. A wave not in the workspace has no
// responses here; callers check the wave when they must tell.
func (db *DB) LatestResponses(ctx context.Context, workspaceID int64, f ResponseFilter) (ResponsePage, error) {
	if f.WaveID <= 0 {
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", &nps.ValidationError{Field: "wave_id", Message: "must be set"})
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultResponsePage
	case f.Limit < 0 || f.Limit > MaxResponsePage:
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", &nps.ValidationError{
			Field: "limit", Message: fmt.Sprintf("must be from 1 to %d, got %d", MaxResponsePage, f.Limit)})
	}
	var w where
	w.and("r.workspace_id = " + w.arg(workspaceID))
	w.and("r.wave_id = " + w.arg(f.WaveID))
	if f.OwnerID != 0 {
		w.and("a.owner_id = " + w.arg(f.OwnerID))
	}
	if !f.After.IsZero() {
		// Spelled out rather than as a row value, (r.created_at, r.id) <
		// (…), which PostgreSQL plans as an index range only sometimes.
		at, id := w.arg(normTime(f.After.CreatedAt)), w.arg(f.After.ID)
		w.and("(r.created_at < " + at + " OR (r.created_at = " + at + " AND r.id < " + id + "))")
	}
	// The joins repeat the workspace so that a name can only come from
	// the response's own workspace.
	rows, err := db.read.QueryContext(ctx, `
		SELECT r.id, r.workspace_id, r.survey_id, r.wave_id, r.invitation_id, r.contact_id, r.account_id,
			r.score, r.comment, r.answers, r.language, r.channel, r.revision, r.created_at, r.updated_at,
			COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(a.name, '')
		FROM responses r
		LEFT JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id
		LEFT JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id`+
		w.String()+`
		ORDER BY r.created_at DESC, r.id DESC
		LIMIT `+w.arg(f.Limit+1), w.args...)
	if err != nil {
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", err)
	}
	list, err := collect(rows, func(row rowScanner) (ListedResponse, error) {
		var l ListedResponse
		r := &l.Response
		err := row.Scan(&r.ID, &r.WorkspaceID, &r.SurveyID, &r.WaveID, idCol{&r.InvitationID},
			idCol{&r.ContactID}, idCol{&r.AccountID}, &r.Score, &r.Comment, jsonCol{&r.Answers},
			&r.Language, &r.Channel, &r.Revision, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt},
			&l.ContactName, &l.ContactEmail, &l.AccountName)
		return l, err
	})
	if err != nil {
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", err)
	}
	page := ResponsePage{Responses: list}
	if len(list) > f.Limit {
		page.Responses = list[:f.Limit]
		last := page.Responses[f.Limit-1]
		page.Next = ResponseCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	return page, nil
}
