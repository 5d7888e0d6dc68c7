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

// ContactExportSchema names the version of ContactExport's JSON, which
// docs/PRIVACY.md describes; a change that is not an addition gets a new
// version.
const ContactExportSchema = "promotor.contact-export/1"

// ContactExport is everything the workspace holds about one contact, for
// a data subject's request of access: what EraseContact erases and what
// it keeps.
type ContactExport struct {
	Schema          string            `json:"schema"`
	HeldAt          time.Time         `json:"exported_at"`
	Workspace       string            `json:"workspace"`
	Contact         HeldContact       `json:"contact"`
	Account         *HeldAccount      `json:"account,omitempty"`
	Invitations     []HeldInvitation  `json:"invitations"`
	Responses       []HeldResponse    `json:"responses"`
	FollowUps       []HeldFollowUp    `json:"follow_ups"`
	PromoterActions []HeldAction      `json:"promoter_actions"`
	Referrals       []HeldReferral    `json:"referrals"`
	Emails          []HeldEmail       `json:"emails"`
	PlanLinks       []HeldPlanLink    `json:"plan_links"`
	ReportQuotes    []HeldReportQuote `json:"report_quotes"`
}

// HeldContact is the contact's own row.
type HeldContact struct {
	ID         int64             `json:"id"`
	ExternalID string            `json:"external_id"`
	Email      string            `json:"email"`
	Name       string            `json:"name"`
	Language   string            `json:"language"`
	Attributes map[string]string `json:"attributes"`
	ConsentAt  *time.Time        `json:"consent_at"`
	OptedOutAt *time.Time        `json:"opted_out_at"`
	ErasedAt   *time.Time        `json:"erased_at"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// HeldAccount is the company the contact is at.
type HeldAccount struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// HeldInvitation is one invitation to a wave.
type HeldInvitation struct {
	ID            int64      `json:"id"`
	Wave          string     `json:"wave"`
	Status        string     `json:"status"`
	ReminderCount int        `json:"reminder_count"`
	SentAt        *time.Time `json:"sent_at"`
	OpenedAt      *time.Time `json:"opened_at"`
	RespondedAt   *time.Time `json:"responded_at"`
	OptedOutAt    *time.Time `json:"opted_out_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// HeldResponse is one answer, with what was derived from it and its
// earlier versions.
type HeldResponse struct {
	ID        int64          `json:"id"`
	Wave      string         `json:"wave"`
	Score     int            `json:"score"`
	Comment   string         `json:"comment"`
	Answers   nps.Answers    `json:"answers"`
	Language  string         `json:"language"`
	Channel   string         `json:"channel"`
	Tags      []string       `json:"tags"`
	Themes    []string       `json:"themes"`
	Sentiment string         `json:"sentiment"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Revisions []HeldRevision `json:"revisions"`
}

// HeldRevision is an earlier version of a changed answer.
type HeldRevision struct {
	Revision   int       `json:"revision"`
	Score      int       `json:"score"`
	Comment    string    `json:"comment"`
	AnsweredAt time.Time `json:"answered_at"`
}

// HeldFollowUp is an alert about the contact or one of their answers.
type HeldFollowUp struct {
	ID          int64      `json:"id"`
	ResponseID  int64      `json:"response_id,omitempty"`
	Reason      string     `json:"reason"`
	State       string     `json:"state"`
	Note        string     `json:"note"`
	DueAt       *time.Time `json:"due_at"`
	ContactedAt *time.Time `json:"contacted_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

// HeldAction is a promoter action done for the contact.
type HeldAction struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// HeldReferral is a referral the contact made.
type HeldReferral struct {
	ID              int64      `json:"id"`
	ReferredAccount string     `json:"referred_account"`
	Note            string     `json:"note"`
	ThankedAt       *time.Time `json:"thanked_at"`
	CreatedAt       time.Time  `json:"created_at"`
}

// HeldEmail is an email to the contact: an invitation or a reminder
// (kind "invitation", whose text is written when sent and not kept) or a
// loop email such as a thank-you.
type HeldEmail struct {
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	State     string     `json:"state"`
	SentAt    *time.Time `json:"sent_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// HeldPlanLink is an improvement plan one of the contact's answers is
// linked to.
type HeldPlanLink struct {
	PlanID     int64  `json:"plan_id"`
	Plan       string `json:"plan"`
	ResponseID int64  `json:"response_id"`
}

// HeldReportQuote is a wave's report that quotes one of the
// contact's comments.
type HeldReportQuote struct {
	Wave       string `json:"wave"`
	ResponseID int64  `json:"response_id"`
}

// optTime is t, or nil for the zero time, which JSON writes as null.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ExportContact gathers everything held about one of the workspace's
// contacts, reading in one transaction that also writes its audit entry.
func (db *DB) ExportContact(ctx context.Context, workspaceID, contactID int64) (ContactExport, error) {
	var x ContactExport
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		if x, err = contactExport(ctx, tx, workspaceID, contactID); err != nil {
			return err
		}
		x.HeldAt = db.now()
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditContactExport, "contact "+strconv.FormatInt(contactID, 10), "")
	})
	if err != nil {
		return ContactExport{}, fmt.Errorf("store: export contact: %w", err)
	}
	return x, nil
}

func contactExport(ctx context.Context, q querier, workspaceID, contactID int64) (ContactExport, error) {
	x := ContactExport{Schema: ContactExportSchema}
	var c nps.Contact
	var erased time.Time
	err := q.QueryRowContext(ctx, `SELECT `+contactColumns+`, erased_at, (SELECT slug FROM workspaces WHERE id = $1) FROM contacts
		WHERE workspace_id = $1 AND id = $2`, workspaceID, contactID).Scan(append(contactDest(&c), timeCol{&erased}, &x.Workspace)...)
	if err != nil {
		return x, notFound(err, "contact", contactID)
	}
	x.Contact = HeldContact{ID: c.ID, ExternalID: c.ExternalID, Email: c.Email, Name: c.Name, Language: c.Language,
		Attributes: c.Attributes, ConsentAt: optTime(c.ConsentAt), OptedOutAt: optTime(c.OptedOutAt), ErasedAt: optTime(erased),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if x.Contact.Attributes == nil {
		x.Contact.Attributes = map[string]string{}
	}
	if c.AccountID != 0 {
		a := HeldAccount{ID: c.AccountID}
		if err := q.QueryRowContext(ctx, `SELECT name FROM accounts WHERE workspace_id = $1 AND id = $2`, workspaceID, c.AccountID).Scan(&a.Name); err != nil {
			return x, fmt.Errorf("account: %w", err)
		}
		x.Account = &a
	}
	args := []any{workspaceID, contactID}
	ofContact := `(SELECT id FROM responses WHERE workspace_id = $1 AND (contact_id = $2
		OR invitation_id IN (SELECT id FROM invitations WHERE workspace_id = $1 AND contact_id = $2)))`
	if x.Invitations, err = exportRows(ctx, q, `SELECT i.id, w.name, i.status, i.reminder_count, i.sent_at, i.opened_at, i.responded_at,
			i.opted_out_at, i.created_at
		FROM invitations i JOIN waves w ON w.id = i.wave_id WHERE i.workspace_id = $1 AND i.contact_id = $2 ORDER BY i.id`, args,
		func(r rowScanner) (HeldInvitation, error) {
			var v HeldInvitation
			var sent, opened, responded, optedOut time.Time
			err := r.Scan(&v.ID, &v.Wave, &v.Status, &v.ReminderCount, timeCol{&sent}, timeCol{&opened}, timeCol{&responded},
				timeCol{&optedOut}, timeCol{&v.CreatedAt})
			v.SentAt, v.OpenedAt, v.RespondedAt, v.OptedOutAt = optTime(sent), optTime(opened), optTime(responded), optTime(optedOut)
			return v, err
		}); err != nil {
		return x, fmt.Errorf("invitations: %w", err)
	}
	if x.Responses, err = exportRows(ctx, q, `SELECT r.id, w.name, r.score, r.comment, r.answers, r.language, r.channel,
			COALESCE(ri.sentiment, ''), r.created_at, r.updated_at
		FROM responses r JOIN waves w ON w.id = r.wave_id
		LEFT JOIN response_insight ri ON ri.workspace_id = r.workspace_id AND ri.response_id = r.id
		WHERE r.workspace_id = $1 AND r.id IN `+ofContact+` ORDER BY r.id`, args,
		func(r rowScanner) (HeldResponse, error) {
			v := HeldResponse{Tags: []string{}, Themes: []string{}, Revisions: []HeldRevision{}}
			err := r.Scan(&v.ID, &v.Wave, &v.Score, &v.Comment, jsonCol{&v.Answers}, &v.Language, &v.Channel, &v.Sentiment,
				timeCol{&v.CreatedAt}, timeCol{&v.UpdatedAt})
			return v, err
		}); err != nil {
		return x, fmt.Errorf("responses: %w", err)
	}
	for i := range x.Responses {
		v := &x.Responses[i]
		one := []any{workspaceID, v.ID}
		if v.Tags, err = exportRows(ctx, q, `SELECT tag FROM response_tags WHERE workspace_id = $1 AND response_id = $2 ORDER BY tag`, one, scanString); err != nil {
			return x, fmt.Errorf("tags: %w", err)
		}
		if v.Themes, err = exportRows(ctx, q, `SELECT theme FROM response_themes WHERE workspace_id = $1 AND response_id = $2 ORDER BY theme`, one, scanString); err != nil {
			return x, fmt.Errorf("themes: %w", err)
		}
		if v.Revisions, err = exportRows(ctx, q, `SELECT revision, score, comment, answered_at FROM response_revisions
			WHERE workspace_id = $1 AND response_id = $2 ORDER BY revision`, one, func(r rowScanner) (HeldRevision, error) {
			var e HeldRevision
			return e, r.Scan(&e.Revision, &e.Score, &e.Comment, timeCol{&e.AnsweredAt})
		}); err != nil {
			return x, fmt.Errorf("revisions: %w", err)
		}
	}
	if x.FollowUps, err = exportRows(ctx, q, `SELECT id, response_id, reason, state, note, due_at, contacted_at, created_at FROM alerts
		WHERE workspace_id = $1 AND (contact_id = $2 OR response_id IN `+ofContact+`) ORDER BY id`, args,
		func(r rowScanner) (HeldFollowUp, error) {
			var v HeldFollowUp
			var due, contacted time.Time
			err := r.Scan(&v.ID, idCol{&v.ResponseID}, &v.Reason, &v.State, &v.Note, timeCol{&due}, timeCol{&contacted}, timeCol{&v.CreatedAt})
			v.DueAt, v.ContactedAt = optTime(due), optTime(contacted)
			return v, err
		}); err != nil {
		return x, fmt.Errorf("follow-ups: %w", err)
	}
	if x.PromoterActions, err = exportRows(ctx, q, `SELECT id, kind, note, created_at FROM promoter_actions
		WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id`, args, func(r rowScanner) (HeldAction, error) {
		var v HeldAction
		return v, r.Scan(&v.ID, &v.Kind, &v.Note, timeCol{&v.CreatedAt})
	}); err != nil {
		return x, fmt.Errorf("promoter actions: %w", err)
	}
	if x.Referrals, err = exportRows(ctx, q, `SELECT r.id, a.name, r.note, r.thanked_at, r.created_at FROM referrals r
		JOIN accounts a ON a.id = r.referred_account_id WHERE r.workspace_id = $1 AND r.referrer_contact_id = $2 ORDER BY r.id`, args,
		func(r rowScanner) (HeldReferral, error) {
			var v HeldReferral
			var thanked time.Time
			err := r.Scan(&v.ID, &v.ReferredAccount, &v.Note, timeCol{&thanked}, timeCol{&v.CreatedAt})
			v.ThankedAt = optTime(thanked)
			return v, err
		}); err != nil {
		return x, fmt.Errorf("referrals: %w", err)
	}
	scanEmail := func(r rowScanner) (HeldEmail, error) {
		var v HeldEmail
		var sent time.Time
		err := r.Scan(&v.Kind, &v.Subject, &v.State, timeCol{&sent}, timeCol{&v.CreatedAt})
		v.SentAt = optTime(sent)
		return v, err
	}
	if x.Emails, err = exportRows(ctx, q, `SELECT 'invitation', '', m.state, m.sent_at, m.created_at FROM messages m
		JOIN invitations i ON i.id = m.invitation_id WHERE m.workspace_id = $1 AND i.contact_id = $2 ORDER BY m.id`, args, scanEmail); err != nil {
		return x, fmt.Errorf("invitation emails: %w", err)
	}
	loop, err := exportRows(ctx, q, `SELECT kind, subject, state, sent_at, created_at FROM notifications
		WHERE workspace_id = $1 AND ((kind = 'thanks' AND subject_id IN (SELECT id FROM promoter_actions WHERE workspace_id = $1 AND contact_id = $2))
			OR (to_email <> '' AND to_email = $3)) ORDER BY id`, []any{workspaceID, contactID, c.Email}, scanEmail)
	if err != nil {
		return x, fmt.Errorf("emails: %w", err)
	}
	x.Emails = append(x.Emails, loop...)
	if x.PlanLinks, err = exportRows(ctx, q, `SELECT p.id, p.title, pr.response_id FROM plan_responses pr JOIN plans p ON p.id = pr.plan_id
		WHERE pr.workspace_id = $1 AND pr.response_id IN `+ofContact+` ORDER BY p.id, pr.response_id`, args,
		func(r rowScanner) (HeldPlanLink, error) {
			var v HeldPlanLink
			return v, r.Scan(&v.PlanID, &v.Plan, &v.ResponseID)
		}); err != nil {
		return x, fmt.Errorf("plan links: %w", err)
	}
	if x.ReportQuotes, err = exportRows(ctx, q, `SELECT w.name, v.response_id FROM report_verbatims v JOIN waves w ON w.id = v.wave_id
		WHERE v.workspace_id = $1 AND v.response_id IN `+ofContact+` ORDER BY w.id, v.response_id`, args,
		func(r rowScanner) (HeldReportQuote, error) {
			var v HeldReportQuote
			return v, r.Scan(&v.Wave, &v.ResponseID)
		}); err != nil {
		return x, fmt.Errorf("report quotes: %w", err)
	}
	return x, nil
}

// exportRows runs a query and scans its rows; none is an empty list,
// which JSON writes as [] rather than null.
func exportRows[T any](ctx context.Context, q querier, query string, args []any, scan func(rowScanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	list, err := collectOr(rows, err, scan)
	if list == nil {
		list = []T{}
	}
	return list, err
}

func scanString(r rowScanner) (string, error) {
	var s string
	return s, r.Scan(&s)
}

// ContactMatch is a contact found for a data subject's request, with
// their account's name.
type ContactMatch struct {
	Contact     nps.Contact
	AccountName string
}

// FindContacts finds the workspace's contacts whose email, external ID
// or name contains q, in any case, at most limit of them. An erased
// contact has none of these left, so no search finds it.
func (db *DB) FindContacts(ctx context.Context, workspaceID int64, q string, limit int) ([]ContactMatch, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil, nil
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("c", contactColumns)+`, COALESCE(a.name, '')
		FROM contacts c LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.id = c.account_id
		WHERE c.workspace_id = $1 AND (c.email LIKE $2 ESCAPE '\' OR lower(c.external_id) LIKE $2 ESCAPE '\' OR lower(c.name) LIKE $2 ESCAPE '\')
		ORDER BY c.email, c.id LIMIT `+strconv.Itoa(limit), workspaceID, like)
	list, err := collectOr(rows, err, func(r rowScanner) (ContactMatch, error) {
		var m ContactMatch
		err := r.Scan(append(contactDest(&m.Contact), &m.AccountName)...)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: find contacts: %w", err)
	}
	return list, nil
}

// ContactByEmail returns the workspace's contact with the email, in any
// case; nps.ErrNotFound when there is none.
func (db *DB) ContactByEmail(ctx context.Context, workspaceID int64, email string) (nps.Contact, error) {
	email = nps.NormalizeEmail(email)
	if email == "" {
		return nps.Contact{}, fmt.Errorf("store: contact: %w", nps.ErrNotFound)
	}
	c, err := scanContact(db.read.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE workspace_id = $1 AND email = $2`, workspaceID, email))
	if err != nil {
		return nps.Contact{}, fmt.Errorf("store: %w", notFound(err, "contact", "with this email"))
	}
	return c, nil
}
