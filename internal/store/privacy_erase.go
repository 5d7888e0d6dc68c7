package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// contactTables is how the export and the erasure of a contact handle
// every table that has a contact_id (or referrer_contact_id) or an email
// column, the columns that hold a person. TestContactTablesHandled reads
// the schema and fails when a table is missing here, so that a new table
// of personal data cannot be forgotten by both.
var contactTables = map[string]string{
	"contacts":         "exported; email, name, external id, language and attributes erased, erased_at set",
	"invitations":      "exported; token replaced by an unknown one, so old links stop working",
	"responses":        "exported; comment erased (and with it the search index), score and answers kept",
	"alerts":           "exported as follow-ups; note and history erased",
	"promoter_actions": "exported; note erased",
	"referrals":        "exported; note erased",
	"notifications":    "exported when sent to the contact; addresses, subject and bodies erased",
	"suppressions":     "holds a hash of the email of an erased contact who had opted out",
	"users":            "not a contact: the people who sign in",
	"sends":            "no person: skipped_no_email counts contacts",
}

// emailHash is the one-way hash of an email that the suppression list
// keeps: SHA-256 of the normalised address, salted with nothing so that
// the same address always finds its entry.
func emailHash(email string) string {
	sum := sha256.Sum256([]byte(nps.NormalizeEmail(email)))
	return hex.EncodeToString(sum[:])
}

// Erasure counts what erasing took away: the contacts erased and the
// comments of their responses (the scores stay).
type Erasure struct {
	Contacts int
	Comments int
}

// Add adds the counts of o to e.
func (e *Erasure) Add(o Erasure) {
	e.Contacts += o.Contacts
	e.Comments += o.Comments
}

// String says the counts in the audit log's detail.
func (e Erasure) String() string {
	return fmt.Sprintf("%d contacts, %d comments", e.Contacts, e.Comments)
}

// EraseContact removes the personal data of one of the workspace's
// contacts in one transaction, with its audit entry: what the contact is
// (email, name, external ID, attributes, language), their comments, the
// notes written about them, the emails to them and about their answers,
// the quotes of their comments and the tokens of their invitations. The
// scores stay, with their wave, account and time, so that every NPS
// figure and its history stay the same. A contact who had opted out
// leaves a hash of their email in the suppression list. Erasing an
// erased contact changes nothing.
func (db *DB) EraseContact(ctx context.Context, workspaceID, contactID int64) (Erasure, error) {
	var e Erasure
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		if e, err = db.eraseContact(ctx, tx, workspaceID, contactID); err != nil {
			return err
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditContactErase, "contact "+strconv.FormatInt(contactID, 10), e.String())
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("store: erase contact: %w", err)
	}
	return e, nil
}

func (db *DB) eraseContact(ctx context.Context, tx *sql.Tx, workspaceID, contactID int64) (Erasure, error) {
	var email, name string
	var optedOut, erased sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT email, name, CAST(opted_out_at AS TEXT), CAST(erased_at AS TEXT) FROM contacts
		WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(), workspaceID, contactID).Scan(&email, &name, &optedOut, &erased)
	if err != nil {
		return Erasure{}, notFound(err, "contact", contactID)
	}
	now := db.now()
	if optedOut.Valid && email != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO suppressions (workspace_id, email_hash, created_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, workspaceID, emailHash(email), now); err != nil {
			return Erasure{}, fmt.Errorf("suppress: %w", err)
		}
	}
	e := Erasure{}
	if !erased.Valid {
		e.Contacts = 1
	}
	if _, err := tx.ExecContext(ctx, `UPDATE contacts SET email = '', name = '', external_id = '', language = '',
			attributes = '{}', erased_at = COALESCE(erased_at, $3), updated_at = $3
		WHERE workspace_id = $1 AND id = $2`, workspaceID, contactID, now); err != nil {
		return Erasure{}, fmt.Errorf("contact: %w", err)
	}
	invitations, err := queryIDs(ctx, tx, `SELECT id FROM invitations WHERE workspace_id = $1 AND contact_id = $2`, []any{workspaceID, contactID})
	if err != nil {
		return Erasure{}, err
	}
	for _, id := range invitations {
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET token = $3 WHERE workspace_id = $1 AND id = $2`,
			workspaceID, id, newToken()); err != nil {
			return Erasure{}, fmt.Errorf("invitation token: %w", err)
		}
	}
	// Invitation emails not sent yet would go to nobody: they are called
	// off. An SMTP server's refusal, kept as the error, quotes the address.
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
			error = '', updated_at = $2
		WHERE workspace_id = $1 AND (state = 'queued' OR error <> '')
			AND invitation_id IN (SELECT id FROM invitations WHERE workspace_id = $1 AND contact_id = $3)`,
		workspaceID, now, contactID); err != nil {
		return Erasure{}, fmt.Errorf("messages: %w", err)
	}
	responses, err := queryIDs(ctx, tx, `SELECT id FROM responses WHERE workspace_id = $1 AND (contact_id = $2
		OR invitation_id IN (SELECT id FROM invitations WHERE workspace_id = $1 AND contact_id = $2))`, []any{workspaceID, contactID})
	if err != nil {
		return Erasure{}, err
	}
	n, err := db.eraseResponses(ctx, tx, workspaceID, responses)
	if err != nil {
		return Erasure{}, err
	}
	e.Comments = n
	for _, q := range []string{
		`UPDATE alerts SET note = '', history = '[]' WHERE workspace_id = $1 AND contact_id = $2`,
		`UPDATE promoter_actions SET note = '' WHERE workspace_id = $1 AND contact_id = $2`,
		`UPDATE referrals SET note = '' WHERE workspace_id = $1 AND referrer_contact_id = $2`,
		// Alerts about the contact with no answer of theirs (an account
		// gone silent) name them in their webhook payloads.
		`UPDATE webhook_deliveries SET ` + erasedPayload + ` WHERE workspace_id = $1 AND payload <> '{"erased":true}'
			AND kind IN ('alert.created', 'followup.overdue')
			AND subject_id IN (SELECT id FROM alerts WHERE workspace_id = $1 AND contact_id = $2)`,
		`UPDATE webhook_attempts SET response = '' WHERE workspace_id = $1 AND response <> '' AND delivery_id IN (
			SELECT id FROM webhook_deliveries WHERE workspace_id = $1 AND kind IN ('alert.created', 'followup.overdue')
				AND subject_id IN (SELECT id FROM alerts WHERE workspace_id = $1 AND contact_id = $2))`,
	} {
		if _, err := tx.ExecContext(ctx, q, workspaceID, contactID); err != nil {
			return Erasure{}, fmt.Errorf("notes: %w", err)
		}
	}
	// The emails to the contact: thank-yous (of their promoter actions)
	// and any other sent to their address.
	if _, err := tx.ExecContext(ctx, `UPDATE notifications SET `+erasedNotification+`
		WHERE workspace_id = $1 AND ((kind = 'thanks' AND subject_id IN (SELECT id FROM promoter_actions WHERE workspace_id = $1 AND contact_id = $2))
			OR (to_email <> '' AND to_email = $3))`, workspaceID, contactID, email); err != nil {
		return Erasure{}, fmt.Errorf("notifications: %w", err)
	}
	// Digests to the staff name the contact (their comments are found by
	// eraseResponses).
	if err := eraseDigests(ctx, tx, workspaceID, []string{email, name}); err != nil {
		return Erasure{}, err
	}
	return e, nil
}

// eraseDigests empties the bodies of the workspace's digest emails that
// hold one of needles (a name, an email, a quote of a comment), and
// calls off one not sent yet. A digest writes a comment's lines each
// with its white space collapsed, so the bodies are matched so too.
func eraseDigests(ctx context.Context, tx *sql.Tx, workspaceID int64, needles []string) error {
	var find []string
	for _, n := range needles {
		if n = strings.Join(strings.Fields(n), " "); n != "" && n != ">" {
			find = append(find, n)
		}
	}
	if len(find) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, text_body FROM notifications WHERE workspace_id = $1 AND kind = 'digest' AND text_body <> ''`, workspaceID)
	type digest struct {
		id   int64
		body string
	}
	all, err := collectOr(rows, err, func(r rowScanner) (digest, error) {
		var d digest
		err := r.Scan(&d.id, &d.body)
		return d, err
	})
	if err != nil {
		return fmt.Errorf("digests: %w", err)
	}
	for _, d := range all {
		body := strings.Join(strings.Fields(d.body), " ")
		if !slices.ContainsFunc(find, func(n string) bool { return strings.Contains(body, n) }) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET text_body = '', html_body = '',
				state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END,
				error = CASE WHEN state = 'queued' THEN 'erased before it was sent' ELSE error END
			WHERE workspace_id = $1 AND id = $2`, workspaceID, d.id); err != nil {
			return fmt.Errorf("digests: %w", err)
		}
	}
	return nil
}

// quoteNeedle is what a digest's quote of comment surely holds: its
// start, each line after "> " as the digest quotes it.
func quoteNeedle(comment string) string {
	lines := strings.Split(strings.TrimSpace(comment), "\n")
	quote := "> " + strings.Join(strings.Fields(strings.Join(lines, " > ")), " ")
	if r := []rune(quote); len(r) > quoteNeedleRunes {
		quote = string(r[:quoteNeedleRunes])
	}
	return quote
}

// quoteNeedleRunes is how much of a comment quoteNeedle takes: long
// enough not to match another comment by chance, and well within the
// part of a comment a digest quotes.
const quoteNeedleRunes = 40

// erasedNotification empties an email's addresses, subject, bodies and
// error (an SMTP server's refusal quotes the address) and calls off one
// not sent yet, which would otherwise go out empty.
const erasedNotification = `to_email = '', to_name = '', subject = '', text_body = '', html_body = '',
	state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END,
	error = CASE WHEN state = 'queued' THEN 'erased before it was sent' ELSE '' END`

// erasedPayload replaces a webhook delivery's payload, which holds the
// comment, name and email of whom it is about; a replay sends this.
const erasedPayload = `payload = '{"erased":true}'`

// eraseResponses erases the comments of the responses and all copies of
// them: revisions, report quotes, the alert emails about them (to the
// account owner, which quote the comment), the webhook payloads of their
// events and the API's stored answers. Scores, answers, themes and
// sentiment stay. It returns how many had a comment.
func (db *DB) eraseResponses(ctx context.Context, tx *sql.Tx, workspaceID int64, responses []int64) (int, error) {
	total := 0
	for len(responses) > 0 {
		chunk := responses[:min(len(responses), 500)]
		responses = responses[len(chunk):]
		in := placeholders(2, len(chunk))
		args := append([]any{workspaceID}, ids(chunk)...)
		// The digests that quote these comments are found by them before
		// they go.
		rows, err := tx.QueryContext(ctx, `SELECT comment FROM responses WHERE workspace_id = $1 AND comment <> '' AND id IN (`+in+`)
			UNION SELECT comment FROM response_revisions WHERE workspace_id = $1 AND comment <> '' AND response_id IN (`+in+`)`, args...)
		comments, err := collectOr(rows, err, func(r rowScanner) (string, error) {
			var c string
			err := r.Scan(&c)
			return c, err
		})
		if err != nil {
			return 0, fmt.Errorf("comments: %w", err)
		}
		var quotes []string
		for _, c := range comments {
			quotes = append(quotes, quoteNeedle(c))
		}
		if err := eraseDigests(ctx, tx, workspaceID, quotes); err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE responses SET comment = '' WHERE workspace_id = $1 AND comment <> '' AND id IN (`+in+`)`, args...)
		if err != nil {
			return 0, fmt.Errorf("comments: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		total += int(n)
		alerts := `SELECT id FROM alerts WHERE workspace_id = $1 AND response_id IN (` + in + `)`
		about := `((kind IN ('response.created', 'response.updated') AND subject_id IN (` + in + `))
			OR (kind IN ('alert.created', 'followup.overdue') AND subject_id IN (` + alerts + `)))`
		for _, q := range []string{
			`UPDATE response_revisions SET comment = '' WHERE workspace_id = $1 AND comment <> '' AND response_id IN (` + in + `)`,
			`DELETE FROM report_verbatims WHERE workspace_id = $1 AND response_id IN (` + in + `)`,
			`UPDATE notifications SET subject = '', text_body = '', html_body = '',
				state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END,
				error = CASE WHEN state = 'queued' THEN 'erased before it was sent' ELSE error END
			WHERE workspace_id = $1 AND kind IN ('alert', 'escalation') AND subject_id IN (` + alerts + `)`,
			`UPDATE webhook_deliveries SET ` + erasedPayload + ` WHERE workspace_id = $1 AND payload <> '{"erased":true}' AND ` + about,
			// A receiver's answer, kept with each attempt, may echo the
			// payload.
			`UPDATE webhook_attempts SET response = '' WHERE workspace_id = $1 AND response <> ''
				AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE workspace_id = $1 AND ` + about + `)`,
		} {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return 0, fmt.Errorf("copies of comments: %w", err)
			}
		}
		if err := eraseStoredAnswers(ctx, tx, workspaceID, chunk); err != nil {
			return 0, err
		}
	}
	return total, nil
}
