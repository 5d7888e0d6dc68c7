package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The report's own data: the workspace's branding, the comments chosen for
// a wave's report, its share links, and the counts of the promoter
// programme it shows.

// Brand returns the workspace's colours and logo.
func (db *DB) Brand(ctx context.Context, workspaceID int64) (nps.Brand, error) {
	var b nps.Brand
	err := db.read.QueryRowContext(ctx, `SELECT w.brand_colour, w.accent_colour, COALESCE(l.content_type, ''), l.data
		FROM workspaces w LEFT JOIN workspace_logos l ON l.workspace_id = w.id WHERE w.id = $1`, workspaceID).
		Scan(&b.Colour, &b.Accent, &b.LogoType, &b.Logo)
	if err != nil {
		return nps.Brand{}, fmt.Errorf("store: brand: %w", notFound(err, "workspace", workspaceID))
	}
	return b, nil
}

// BrandUpdate changes a workspace's brand: its colours ("" for
// Promotor's own) always, its logo when Logo is set (a PNG or JPEG within
// nps.MaxLogoBytes) or RemoveLogo is.
type BrandUpdate struct {
	Colour, Accent string
	Logo           []byte
	RemoveLogo     bool
}

// UpdateBrand changes the workspace's colours and logo together, or
// nothing when either is refused.
func (db *DB) UpdateBrand(ctx context.Context, workspaceID int64, u BrandUpdate) error {
	if err := (nps.Brand{Colour: u.Colour, Accent: u.Accent}).ValidateColours(); err != nil {
		return fmt.Errorf("store: brand: %w", err)
	}
	var contentType string
	if len(u.Logo) > 0 {
		var err error
		if contentType, err = nps.LogoType(u.Logo); err != nil {
			return fmt.Errorf("store: brand: %w", err)
		}
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workspaces SET brand_colour = $2, accent_colour = $3 WHERE id = $1`, workspaceID, u.Colour, u.Accent)
		if err := oneRow(res, err, "workspace", workspaceID); err != nil {
			return err
		}
		switch {
		case len(u.Logo) > 0:
			_, err = tx.ExecContext(ctx, `INSERT INTO workspace_logos (workspace_id, content_type, data, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (workspace_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
				workspaceID, contentType, u.Logo, db.now())
		case u.RemoveLogo:
			_, err = tx.ExecContext(ctx, `DELETE FROM workspace_logos WHERE workspace_id = $1`, workspaceID)
		}
		if err != nil {
			return err
		}
		detail := "colours " + u.Colour + " " + u.Accent
		switch {
		case len(u.Logo) > 0:
			detail += ", new logo"
		case u.RemoveLogo:
			detail += ", logo removed"
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditSettingsUpdate, "brand", detail)
	})
	if err != nil {
		return fmt.Errorf("store: brand: %w", err)
	}
	return nil
}

// MaxReportVerbatims bounds the comments one wave's report quotes.
const MaxReportVerbatims = 30

// Verbatim is a comment chosen for a wave's report, with who wrote it.
type Verbatim struct {
	ResponseID  int64
	Score       int
	Comment     string
	ContactName string
	AccountName string
	// AccountOwnerID is the owner of the response's account, 0 for none.
	AccountOwnerID int64
	AnsweredAt     time.Time
}

// ReportVerbatims returns the comments chosen for the wave's report, in
// the order they were chosen.
func (db *DB) ReportVerbatims(ctx context.Context, workspaceID, waveID int64) ([]Verbatim, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.score, r.comment, COALESCE(c.name, ''), COALESCE(a.name, ''), a.owner_id, r.created_at
		FROM report_verbatims v
		JOIN responses r ON r.workspace_id = v.workspace_id AND r.id = v.response_id
		LEFT JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id
		LEFT JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
		WHERE v.workspace_id = $1 AND v.wave_id = $2
		ORDER BY v.position, v.response_id`, workspaceID, waveID)
	list, err := collectOr(rows, err, func(row rowScanner) (Verbatim, error) {
		var v Verbatim
		err := row.Scan(&v.ResponseID, &v.Score, &v.Comment, &v.ContactName, &v.AccountName, idCol{&v.AccountOwnerID}, timeCol{&v.AnsweredAt})
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: report verbatims: %w", err)
	}
	return list, nil
}

// ChooseVerbatim adds a response's comment to its wave's report, after the
// ones chosen before; choosing it again changes nothing. A response
// without a comment is refused, and so is one more than
// MaxReportVerbatims.
func (db *DB) ChooseVerbatim(ctx context.Context, workspaceID, responseID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := response(ctx, tx, workspaceID, responseID)
		if err != nil {
			return err
		}
		if strings.TrimSpace(r.Comment) == "" {
			return &nps.ValidationError{Field: "response", Message: "has no comment to quote"}
		}
		var n, next int64
		var chosen bool
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(position) + 1, 0), COUNT(CASE WHEN response_id = $3 THEN 1 END) > 0
			FROM report_verbatims WHERE workspace_id = $1 AND wave_id = $2`, workspaceID, r.WaveID, responseID).Scan(&n, &next, &chosen)
		switch {
		case err != nil || chosen:
			return err
		case n >= MaxReportVerbatims:
			return &nps.ValidationError{Field: "response", Message: fmt.Sprintf("a report quotes at most %d comments", MaxReportVerbatims)}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO report_verbatims (workspace_id, wave_id, response_id, position, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, workspaceID, r.WaveID, responseID, next, db.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: choose verbatim: %w", err)
	}
	return nil
}

// DropVerbatim takes a response's comment out of its wave's report.
func (db *DB) DropVerbatim(ctx context.Context, workspaceID, responseID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM report_verbatims WHERE workspace_id = $1 AND response_id = $2`, workspaceID, responseID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: drop verbatim: %w", err)
	}
	return nil
}

// ChosenVerbatims returns which of the responses ids are chosen for their
// wave's report, for the feed's buttons.
func (db *DB) ChosenVerbatims(ctx context.Context, workspaceID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	w := &where{}
	w.and("workspace_id = " + w.arg(workspaceID))
	w.and(idsIn("response_id", ids))
	rows, err := db.read.QueryContext(ctx, `SELECT response_id FROM report_verbatims`+w.String(), w.args...)
	err = eachRow(rows, err, func(row rowScanner) error {
		var id int64
		err := row.Scan(&id)
		out[id] = true
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: chosen verbatims: %w", err)
	}
	return out, nil
}

const reportLinkColumns = `id, workspace_id, wave_id, lang, anonymise, created_by, created_at, expires_at, revoked_at`

func scanReportLink(row rowScanner) (nps.ReportLink, error) {
	var l nps.ReportLink
	err := row.Scan(&l.ID, &l.WorkspaceID, &l.WaveID, &l.Lang, &l.Anonymise, idCol{&l.CreatedBy},
		timeCol{&l.CreatedAt}, timeCol{&l.ExpiresAt}, timeCol{&l.RevokedAt})
	return l, err
}

// hashReportToken is what is stored of a link's token.
func hashReportToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateReportLink makes a read-only link to a wave's report and returns
// it with its token, which is not stored and cannot be shown again.
func (db *DB) CreateReportLink(ctx context.Context, l nps.ReportLink) (nps.ReportLink, string, error) {
	l.CreatedAt = db.now()
	l.ExpiresAt = normTime(l.ExpiresAt)
	if err := l.Validate(l.CreatedAt); err != nil {
		return nps.ReportLink{}, "", fmt.Errorf("store: create report link: %w", err)
	}
	token := newToken()
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := wave(ctx, tx, l.WorkspaceID, l.WaveID); err != nil {
			return err
		}
		if l.CreatedBy != 0 {
			if _, err := membership(ctx, tx, l.WorkspaceID, l.CreatedBy); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO report_links (workspace_id, wave_id, token_hash, lang, anonymise, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			l.WorkspaceID, l.WaveID, hashReportToken(token), l.Lang, l.Anonymise, nullID(l.CreatedBy), l.CreatedAt, l.ExpiresAt).Scan(&l.ID); err != nil {
			return err
		}
		return db.auditWorkspace(ctx, tx, l.WorkspaceID, nps.AuditReportLinkCreate, fmt.Sprintf("report link %d", l.ID),
			fmt.Sprintf("wave %d, %s, anonymised %t, expires %s", l.WaveID, l.Lang, l.Anonymise, l.ExpiresAt.Format(time.DateOnly)))
	})
	if err != nil {
		return nps.ReportLink{}, "", fmt.Errorf("store: create report link: %w", err)
	}
	return l, token, nil
}

// ReportLinks returns the links to the wave's report, newest first,
// expired and revoked ones included.
func (db *DB) ReportLinks(ctx context.Context, workspaceID, waveID int64) ([]nps.ReportLink, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportLinkColumns+` FROM report_links
		WHERE workspace_id = $1 AND wave_id = $2 ORDER BY id DESC`, workspaceID, waveID)
	list, err := collectOr(rows, err, scanReportLink)
	if err != nil {
		return nil, fmt.Errorf("store: report links: %w", err)
	}
	return list, nil
}

// RevokeReportLink stops one of the workspace's report links for good.
// Revoking a revoked link keeps the first time.
func (db *DB) RevokeReportLink(ctx context.Context, workspaceID, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE report_links SET revoked_at = COALESCE(revoked_at, $3)
			WHERE workspace_id = $1 AND id = $2`, workspaceID, id, db.now())
		if err := oneRow(res, err, "report link", id); err != nil {
			return err
		}
		return db.auditWorkspace(ctx, tx, workspaceID, nps.AuditReportLinkRevoke, fmt.Sprintf("report link %d", id), "")
	})
	if err != nil {
		return fmt.Errorf("store: revoke report link: %w", err)
	}
	return nil
}

// ReportLinkByToken returns the working link with the given token; an
// unknown, malformed, expired or revoked token is nps.ErrNotFound alike,
// so that the answer tells a guesser nothing. It is the one lookup not
// scoped to a workspace: the token is what names it.
func (db *DB) ReportLinkByToken(ctx context.Context, token string) (nps.ReportLink, error) {
	if !plausibleToken(token) {
		return nps.ReportLink{}, fmt.Errorf("store: report link: %w", nps.ErrNotFound)
	}
	l, err := scanReportLink(db.read.QueryRowContext(ctx, `SELECT `+reportLinkColumns+` FROM report_links WHERE token_hash = $1`,
		hashReportToken(token)))
	if err == nil && !l.Works(db.now()) {
		err = sql.ErrNoRows
	}
	if err != nil {
		return nps.ReportLink{}, fmt.Errorf("store: report link: %w", notFound(err, "report link", "with this token"))
	}
	return l, nil
}

// Programme counts what was done in the promoter programme for a wave's
// answers, and the referrals recorded in a period.
type Programme struct {
	// Thanked counts the wave's answers thanked for; Actions counts the
	// actions recorded for the wave's answers per kind.
	Thanked int64
	Actions map[nps.PromoterActionKind]int64
	// Referrals counts the referrals recorded in the period, ThankedReferrals
	// those whose referrer was thanked.
	Referrals, ThankedReferrals int64
}

// ProgrammeFilter chooses what PromoterProgramme counts: the actions for
// the answers of a wave, and the referrals recorded from From until Until
// (no end when Until is zero); with an OwnerID, of the accounts that user
// owns only.
type ProgrammeFilter struct {
	WaveID      int64
	From, Until time.Time
	OwnerID     int64
}

// PromoterProgramme counts the promoter programme of a wave.
func (db *DB) PromoterProgramme(ctx context.Context, workspaceID int64, f ProgrammeFilter) (Programme, error) {
	p := Programme{Actions: map[nps.PromoterActionKind]int64{}}
	owned := ""
	if f.OwnerID != 0 {
		owned = " AND pa.account_id IN (SELECT id FROM accounts WHERE workspace_id = $1 AND owner_id = " + strconv.FormatInt(f.OwnerID, 10) + ")"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT pa.kind, COUNT(*) FROM promoter_actions pa
		JOIN responses r ON r.workspace_id = pa.workspace_id AND r.id = pa.response_id
		WHERE pa.workspace_id = $1 AND r.wave_id = $2`+owned+` GROUP BY pa.kind`, workspaceID, f.WaveID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var kind nps.PromoterActionKind
		var n int64
		err := row.Scan(&kind, &n)
		p.Actions[kind] = n
		return err
	})
	if err != nil {
		return p, fmt.Errorf("store: promoter programme: %w", err)
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT pa.response_id) FROM promoter_actions pa
		JOIN responses r ON r.workspace_id = pa.workspace_id AND r.id = pa.response_id
		WHERE pa.workspace_id = $1 AND r.wave_id = $2 AND pa.kind = 'thank'`+owned, workspaceID, f.WaveID).Scan(&p.Thanked)
	if err != nil {
		return p, fmt.Errorf("store: promoter programme: %w", err)
	}
	w := &where{}
	w.and("workspace_id = " + w.arg(workspaceID))
	w.and("created_at >= " + w.arg(f.From))
	if !f.Until.IsZero() {
		w.and("created_at < " + w.arg(f.Until))
	}
	if f.OwnerID != 0 {
		w.and("referrer_account_id IN (SELECT id FROM accounts WHERE workspace_id = $1 AND owner_id = " + w.arg(f.OwnerID) + ")")
	}
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(thanked_at) FROM referrals`+w.String(), w.args...).
		Scan(&p.Referrals, &p.ThankedReferrals)
	if err != nil {
		return p, fmt.Errorf("store: promoter programme: %w", err)
	}
	return p, nil
}
