package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The promoter programme: the contacts whose latest answer is a 9 or 10,
// what was done for them (one of the eight tips, a request for a
// referral or review) and the thank-you emails. A promoter belongs to
// the account the contact is at now; a member (an account manager) sees
// and acts on the contacts of the accounts they own only.

// Bounds of a page of Promoters.
const (
	DefaultPromoterPage = 100
	MaxPromoterPage     = 500
)

// PromoterFilter chooses the promoters Promoters lists.
type PromoterFilter struct {
	// SurveyID is the survey; WaveID one of its waves, or 0 for the
	// survey's waves together, where each contact's answer in the latest
	// wave they answered counts.
	SurveyID, WaveID int64
	// OwnerID keeps the contacts of the accounts this user owns.
	OwnerID int64
	// Sort is "date" (of the answer; the default) or "account" (by name);
	// Desc reverses it. Newest first is date with Desc.
	Sort string
	Desc bool
	// Limit is the page size, DefaultPromoterPage when 0, at most
	// MaxPromoterPage; Offset skips that many rows.
	Limit, Offset int
}

// Promoter is a row of the promoters list: the contact, their account
// and the promoter answer, with what was done for that answer.
type Promoter struct {
	ContactID    int64
	ContactName  string
	ContactEmail string
	OptedOut     bool
	AccountID    int64
	AccountName  string
	ResponseID   int64
	WaveID       int64
	Score        int
	Comment      string
	AnsweredAt   time.Time
	// Done are the kinds of action recorded for the answer, in the order
	// of nps.PromoterActionKinds; Thanked is set when one is a thank-you.
	Done    []nps.PromoterActionKind
	Thanked bool
}

// PromoterPage is a page of Promoters and the number of rows of all pages.
type PromoterPage struct {
	Promoters []Promoter
	Total     int
}

// Promoters returns a page of the contacts whose latest answer in f's
// wave (or survey) is a 9 or 10. The page is cut in SQL: a wave may have
// hundreds of thousands of answers.
func (db *DB) Promoters(ctx context.Context, workspaceID int64, f PromoterFilter) (PromoterPage, error) {
	switch {
	case f.Limit == 0:
		f.Limit = DefaultPromoterPage
	case f.Limit < 0 || f.Limit > MaxPromoterPage:
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", &nps.ValidationError{
			Field: "limit", Message: fmt.Sprintf("must be from 1 to %d, got %d", MaxPromoterPage, f.Limit)})
	}
	if f.Offset < 0 {
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", &nps.ValidationError{Field: "offset", Message: "must not be negative"})
	}
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	var order string
	switch f.Sort {
	case "", "date":
		order = "p.created_at " + dir + ", p.id " + dir
	case "account":
		order = "COALESCE(a.name, '') " + dir + ", p.created_at DESC, p.id DESC"
	default:
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", &nps.ValidationError{Field: "sort", Message: "sort by date or account"})
	}
	w := &where{}
	answers, err := db.promoterAnswers(ctx, w, workspaceID, f)
	if err != nil {
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", err)
	}
	var page PromoterPage
	if answers == "" {
		return page, nil
	}
	countArgs := w.args
	// The answers come first (CROSS JOIN keeps SQLite from starting at
	// the contacts), then their contact and the contact's account.
	from := ` FROM (` + answers + `) p
		CROSS JOIN contacts c
		LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.id = c.account_id
		WHERE c.workspace_id = ` + w.arg(workspaceID) + ` AND c.id = p.contact_id`
	count := `SELECT COUNT(*) FROM (` + answers + `) p`
	if f.OwnerID != 0 {
		from += ` AND a.owner_id = ` + w.arg(f.OwnerID)
		count, countArgs = `SELECT COUNT(*)`+from, w.args
	}
	if err := db.read.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total); err != nil {
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", err)
	}
	if page.Total == 0 || f.Offset >= page.Total {
		return page, nil
	}
	limit, offset := w.arg(f.Limit), w.arg(f.Offset)
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.name, c.email, c.opted_out_at, COALESCE(a.id, 0), COALESCE(a.name, ''),
			p.id, p.wave_id, p.score, p.comment, p.created_at`+from+`
		ORDER BY `+order+` LIMIT `+limit+` OFFSET `+offset, w.args...)
	if err != nil {
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", err)
	}
	page.Promoters, err = collect(rows, func(row rowScanner) (Promoter, error) {
		var p Promoter
		var optedOut time.Time
		err := row.Scan(&p.ContactID, &p.ContactName, &p.ContactEmail, timeCol{&optedOut}, &p.AccountID, &p.AccountName,
			&p.ResponseID, &p.WaveID, &p.Score, &p.Comment, timeCol{&p.AnsweredAt})
		p.OptedOut = !optedOut.IsZero()
		return p, err
	})
	if err != nil {
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", err)
	}
	if err := db.markDone(ctx, workspaceID, page.Promoters); err != nil {
		return PromoterPage{}, fmt.Errorf("store: promoters: %w", err)
	}
	return page, nil
}

// promoterAnswers is the query of the promoter answers f selects: the
// answers of 9 or 10 of a wave, or, for a survey, each contact's answer
// in the latest wave they answered (by the waves' opening) when it is a
// 9 or 10. The survey's is a UNION ALL of one query per wave, each of
// which asks the index of the later waves' contacts whether the contact
// answered again: index seeks only, where a query over the contact's
// answers would read every one of them. "" means there are none.
func (db *DB) promoterAnswers(ctx context.Context, w *where, workspaceID int64, f PromoterFilter) (string, error) {
	waveIDs := []int64{f.WaveID}
	if f.WaveID == 0 {
		waves, err := db.Waves(ctx, workspaceID, f.SurveyID)
		if err != nil || len(waves) == 0 || f.SurveyID == 0 {
			return "", err
		}
		waveIDs = waveIDs[:0]
		for _, wv := range waves {
			waveIDs = append(waveIDs, wv.ID)
		}
	}
	ws := w.arg(workspaceID)
	parts := make([]string, len(waveIDs))
	for i, id := range waveIDs {
		part := `SELECT r.id, r.contact_id, r.wave_id, r.score, r.comment, r.created_at FROM responses r
			WHERE r.workspace_id = ` + ws + ` AND r.wave_id = ` + w.arg(id) + ` AND r.contact_id IS NOT NULL AND r.score >= 9`
		if later := waveIDs[i+1:]; len(later) > 0 {
			in := make([]string, len(later))
			for j, l := range later {
				in[j] = w.arg(l)
			}
			part += ` AND NOT EXISTS (SELECT 1 FROM responses l WHERE l.workspace_id = ` + ws + ` AND l.wave_id IN (` +
				strings.Join(in, ", ") + `) AND l.contact_id = r.contact_id)`
		}
		parts[i] = part
	}
	return strings.Join(parts, " UNION ALL "), nil
}

// markDone fills in the actions recorded for each row's answer.
func (db *DB) markDone(ctx context.Context, workspaceID int64, list []Promoter) error {
	if len(list) == 0 {
		return nil
	}
	w := &where{}
	w.and("workspace_id = " + w.arg(workspaceID))
	ids := make([]string, 0, len(list))
	for _, p := range list {
		ids = append(ids, w.arg(p.ContactID))
	}
	w.and("contact_id IN (" + strings.Join(ids, ", ") + ")")
	w.and("response_id IS NOT NULL")
	done := map[int64][]nps.PromoterActionKind{}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT response_id, kind FROM promoter_actions`+w.String(), w.args...)
	err = eachRow(rows, err,
		func(row rowScanner) error {
			var id int64
			var kind nps.PromoterActionKind
			if err := row.Scan(&id, &kind); err != nil {
				return err
			}
			done[id] = append(done[id], kind)
			return nil
		})
	if err != nil {
		return err
	}
	for i := range list {
		kinds := done[list[i].ResponseID]
		slices.SortFunc(kinds, func(a, b nps.PromoterActionKind) int {
			return slices.Index(nps.PromoterActionKinds, a) - slices.Index(nps.PromoterActionKinds, b)
		})
		list[i].Done = kinds
		list[i].Thanked = slices.Contains(kinds, nps.PromoterThank)
	}
	return nil
}

// PromoterAnswer is one of a contact's answers, with the names of its
// survey and wave.
type PromoterAnswer struct {
	nps.Response
	SurveyName, WaveName string
}

// RecordedAction is a promoter action with the name of who recorded it.
type RecordedAction struct {
	nps.PromoterAction
	ByName string
}

// PromoterDetail is what the promoter page shows of a contact.
type PromoterDetail struct {
	Contact nps.Contact
	// Account is the contact's account; zero when none.
	Account nps.Account
	// Answers are the contact's latest answers, newest first, at most
	// maxPromoterAnswers.
	Answers []PromoterAnswer
	// Current is the latest answer of 9 or 10, which actions are
	// recorded for; zero when the contact never gave one.
	Current PromoterAnswer
	// Actions are everything recorded for the contact, newest first.
	Actions []RecordedAction
}

// maxPromoterAnswers bounds the answers a promoter page lists.
const maxPromoterAnswers = 50

// Promoter returns a contact as the promoter page shows it. With ownerID
// set, a contact whose account that user does not own is not found.
func (db *DB) Promoter(ctx context.Context, workspaceID, contactID, ownerID int64) (PromoterDetail, error) {
	var d PromoterDetail
	var err error
	if d.Contact, d.Account, err = promoterContact(ctx, db.read, workspaceID, contactID, ownerID); err != nil {
		return d, fmt.Errorf("store: promoter: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.workspace_id, r.survey_id, r.wave_id, r.invitation_id, r.contact_id,
			r.account_id, r.score, r.comment, r.language, r.channel, r.revision, r.created_at, r.updated_at, s.name, w.name
		FROM responses r
		JOIN surveys s ON s.workspace_id = r.workspace_id AND s.id = r.survey_id
		JOIN waves w ON w.workspace_id = r.workspace_id AND w.id = r.wave_id
		WHERE r.workspace_id = $1 AND r.contact_id = $2
		ORDER BY r.created_at DESC, r.id DESC LIMIT $3`, workspaceID, contactID, maxPromoterAnswers)
	if err != nil {
		return d, fmt.Errorf("store: promoter: %w", err)
	}
	if d.Answers, err = collect(rows, scanPromoterAnswer); err != nil {
		return d, fmt.Errorf("store: promoter: %w", err)
	}
	if d.Current, err = currentPromoterAnswer(ctx, db.read, workspaceID, contactID); err != nil {
		return d, fmt.Errorf("store: promoter: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT p.id, p.workspace_id, p.contact_id, p.account_id, p.response_id, p.kind, p.note,
			p.created_by, p.created_at, COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM promoter_actions p LEFT JOIN users u ON u.id = p.created_by
		WHERE p.workspace_id = $1 AND p.contact_id = $2
		ORDER BY p.created_at DESC, p.id DESC`, workspaceID, contactID)
	if err != nil {
		return d, fmt.Errorf("store: promoter: %w", err)
	}
	d.Actions, err = collect(rows, func(row rowScanner) (RecordedAction, error) {
		var r RecordedAction
		var email string
		a := &r.PromoterAction
		err := row.Scan(&a.ID, &a.WorkspaceID, &a.ContactID, idCol{&a.AccountID}, idCol{&a.ResponseID}, &a.Kind, &a.Note,
			idCol{&a.CreatedBy}, timeCol{&a.CreatedAt}, &r.ByName, &email)
		if r.ByName == "" {
			r.ByName = email
		}
		return r, err
	})
	if err != nil {
		return d, fmt.Errorf("store: promoter: %w", err)
	}
	return d, nil
}

func scanPromoterAnswer(row rowScanner) (PromoterAnswer, error) {
	var p PromoterAnswer
	r := &p.Response
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.SurveyID, &r.WaveID, idCol{&r.InvitationID}, idCol{&r.ContactID},
		idCol{&r.AccountID}, &r.Score, &r.Comment, &r.Language, &r.Channel, &r.Revision, timeCol{&r.CreatedAt},
		timeCol{&r.UpdatedAt}, &p.SurveyName, &p.WaveName)
	return p, err
}

// currentPromoterAnswer is the contact's latest answer of 9 or 10; zero
// when there is none.
func currentPromoterAnswer(ctx context.Context, q querier, workspaceID, contactID int64) (PromoterAnswer, error) {
	p, err := scanPromoterAnswer(q.QueryRowContext(ctx, `SELECT r.id, r.workspace_id, r.survey_id, r.wave_id, r.invitation_id,
			r.contact_id, r.account_id, r.score, r.comment, r.language, r.channel, r.revision, r.created_at, r.updated_at, s.name, w.name
		FROM responses r
		JOIN surveys s ON s.workspace_id = r.workspace_id AND s.id = r.survey_id
		JOIN waves w ON w.workspace_id = r.workspace_id AND w.id = r.wave_id
		WHERE r.workspace_id = $1 AND r.contact_id = $2 AND r.score >= 9
		ORDER BY r.created_at DESC, r.id DESC LIMIT 1`, workspaceID, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return PromoterAnswer{}, nil
	}
	return p, err
}

// promoterContact reads a contact and its account; with ownerID set, a
// contact of an account that user does not own is not found, as one of
// another workspace is.
func promoterContact(ctx context.Context, q querier, workspaceID, contactID, ownerID int64) (nps.Contact, nps.Account, error) {
	c, err := contact(ctx, q, workspaceID, contactID)
	if err != nil {
		return c, nps.Account{}, err
	}
	var a nps.Account
	if c.AccountID != 0 {
		if a, err = account(ctx, q, workspaceID, c.AccountID); err != nil {
			return c, a, err
		}
	}
	if ownerID != 0 && (a.ID == 0 || a.OwnerID != ownerID) {
		return nps.Contact{}, nps.Account{}, fmt.Errorf("contact %d: %w", contactID, nps.ErrNotFound)
	}
	return c, a, nil
}

// RecordPromoterAction records what was done for a promoter: one of the
// tips, or a request for a referral or review. The action is for the
// contact's account; its ResponseID, when set, must be one of the
// contact's answers. With ownerID set, only a contact of that user's
// accounts is found.
func (db *DB) RecordPromoterAction(ctx context.Context, workspaceID int64, a nps.PromoterAction, ownerID int64) (nps.PromoterAction, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = insertPromoterAction(ctx, tx, db.now(), workspaceID, a, ownerID)
		return err
	})
	if err != nil {
		return nps.PromoterAction{}, fmt.Errorf("store: record promoter action: %w", err)
	}
	return a, nil
}

// insertPromoterAction checks and inserts an action, returning it as
// stored.
func insertPromoterAction(ctx context.Context, q querier, now time.Time, workspaceID int64, a nps.PromoterAction, ownerID int64) (nps.PromoterAction, error) {
	a.WorkspaceID, a.CreatedAt = workspaceID, now
	if err := a.Validate(); err != nil {
		return a, err
	}
	c, _, err := promoterContact(ctx, q, workspaceID, a.ContactID, ownerID)
	if err != nil {
		return a, err
	}
	a.AccountID = c.AccountID
	if a.ResponseID != 0 {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM responses WHERE workspace_id = $1 AND id = $2 AND contact_id = $3`,
			workspaceID, a.ResponseID, a.ContactID).Scan(&id)
		if err != nil {
			return a, notFound(err, "response", a.ResponseID)
		}
	}
	err = q.QueryRowContext(ctx, `INSERT INTO promoter_actions (workspace_id, contact_id, account_id, response_id, kind, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		workspaceID, a.ContactID, nullID(a.AccountID), nullID(a.ResponseID), a.Kind, a.Note, nullID(a.CreatedBy), now).Scan(&a.ID)
	return a, err
}

// Thanks is a recorded thank-you with its queued email.
type Thanks struct {
	Action         nps.PromoterAction
	NotificationID int64
}

// ThankPromoter records a thank-you for a promoter (a, its Kind set to
// thank) and queues the thank-you email n in the same transaction, to
// the contact's address: both are written, or neither. A contact without
// an email address is nps.ErrNoEmail, one who opted out nps.ErrOptedOut.
// A second thank-you for the same answer is nps.ErrThankedBefore unless
// confirm is set.
func (db *DB) ThankPromoter(ctx context.Context, workspaceID int64, a nps.PromoterAction, ownerID int64, n nps.Notification, confirm bool) (Thanks, error) {
	var t Thanks
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = thank(ctx, tx, db.now(), workspaceID, a, ownerID, n, confirm)
		return err
	})
	if err != nil {
		return Thanks{}, fmt.Errorf("store: thank promoter: %w", err)
	}
	return t, nil
}

// thank checks the contact can be emailed and writes the thank action and
// its notification.
func thank(ctx context.Context, q querier, now time.Time, workspaceID int64, a nps.PromoterAction, ownerID int64, n nps.Notification, confirm bool) (Thanks, error) {
	a.Kind = nps.PromoterThank
	c, _, err := promoterContact(ctx, q, workspaceID, a.ContactID, ownerID)
	if err != nil {
		return Thanks{}, err
	}
	switch {
	case c.Email == "":
		return Thanks{}, nps.ErrNoEmail
	case !c.OptedOutAt.IsZero():
		return Thanks{}, nps.ErrOptedOut
	}
	if a.ResponseID != 0 && !confirm {
		var before int
		err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM promoter_actions
			WHERE workspace_id = $1 AND contact_id = $2 AND response_id = $3 AND kind = $4`,
			workspaceID, a.ContactID, a.ResponseID, nps.PromoterThank).Scan(&before)
		if err != nil {
			return Thanks{}, err
		}
		if before > 0 {
			return Thanks{}, nps.ErrThankedBefore
		}
	}
	if a, err = insertPromoterAction(ctx, q, now, workspaceID, a, ownerID); err != nil {
		return Thanks{}, err
	}
	n.WorkspaceID, n.Kind, n.SubjectID, n.AccountID = workspaceID, nps.NotifyThanks, a.ID, c.AccountID
	n.ToEmail, n.ToName = c.Email, c.Name
	id, err := insertNotification(ctx, q, now, n)
	if err != nil {
		return Thanks{}, err
	}
	return Thanks{Action: a, NotificationID: id}, nil
}
