package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The dashboard's reads besides the histograms (histogram.go) and the
// responses feed (responselist.go): per-account figures, coverage, tags,
// benchmarks and the user's language.

// AccountFigures is an account with its histograms in a wave and in the
// wave before it.
type AccountFigures struct {
	Account   nps.Account
	Histogram nps.Histogram
	Previous  nps.Histogram
}

// AccountFigureFilter chooses the accounts and waves of AccountFigures.
type AccountFigureFilter struct {
	SurveyID, WaveID int64
	// PreviousWaveID is the wave Previous is read from; 0 for none.
	PreviousWaveID int64
	// OwnerID keeps the accounts this user owns.
	OwnerID int64
}

// AccountFigures returns every account of the workspace that answered in
// the wave or in the previous one (or, with OwnerID, those of that owner),
// by name, with its histograms, read from score_accounts: a few thousand
// rows however many responses there are.
func (db *DB) AccountFigures(ctx context.Context, workspaceID int64, f AccountFigureFilter) ([]AccountFigures, error) {
	var w where
	ws, survey := w.arg(workspaceID), w.arg(f.SurveyID)
	waves := w.arg(f.WaveID) + ", " + w.arg(f.PreviousWaveID)
	cond := ""
	if f.OwnerID != 0 {
		cond = " AND a.owner_id = " + w.arg(f.OwnerID)
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT r.wave_id, `+prefixed("a", accountColumns)+`, `+scoreList("r.%[1]s", 0)+`
		FROM score_accounts r
		JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
		WHERE r.workspace_id = `+ws+` AND r.survey_id = `+survey+` AND r.wave_id IN (`+waves+`)`+cond+`
		ORDER BY a.name, a.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: account figures: %w", err)
	}
	var list []AccountFigures
	index := map[int64]int{}
	err = eachRow(rows, err, func(row rowScanner) error {
		var waveID int64
		var h nps.Histogram
		a, err := scanAccountWith(row, append([]any{&waveID}, histogramDest(&h)...))
		if err != nil {
			return err
		}
		i, ok := index[a.ID]
		if !ok {
			i = len(list)
			index[a.ID] = i
			list = append(list, AccountFigures{Account: a})
		}
		if waveID == f.WaveID {
			list[i].Histogram = h
		} else {
			list[i].Previous = h
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: account figures: %w", err)
	}
	return list, nil
}

// LastAnswers returns the time of the latest answer of each of the
// accounts in any wave; accounts that never answered are missing. Each is
// one seek in the index of responses by account and time.
func (db *DB) LastAnswers(ctx context.Context, workspaceID int64, accountIDs []int64) (map[int64]time.Time, error) {
	last := make(map[int64]time.Time, len(accountIDs))
	for chunk := range slices.Chunk(accountIDs, 500) {
		var w where
		ws := w.arg(workspaceID)
		ids := make([]string, len(chunk))
		for i, id := range chunk {
			ids[i] = w.arg(id)
		}
		in := strings.Join(ids, ", ")
		rows, err := db.read.QueryContext(ctx, `
			SELECT a.id, (SELECT MAX(r.created_at) FROM responses r WHERE r.workspace_id = a.workspace_id AND r.account_id = a.id)
			FROM accounts a WHERE a.workspace_id = `+ws+` AND a.id IN (`+in+`)`, w.args...)
		if err != nil {
			return nil, fmt.Errorf("store: last answers: %w", err)
		}
		err = eachRow(rows, err, func(row rowScanner) error {
			var id int64
			var t time.Time
			if err := row.Scan(&id, timeCol{&t}); err != nil {
				return err
			}
			if !t.IsZero() {
				last[id] = t
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: last answers: %w", err)
		}
	}
	return last, nil
}

// Coverage is how much of what a wave reached answered: contacts,
// accounts and revenue.
type Coverage struct {
	// Invited counts the wave's invitations; 0 when it was not sent
	// through Promotor (imported history), and then the accounts of the
	// workspace are the base.
	Invited, Answered int64
	// Accounts is the number of accounts in the base (invited, or all);
	// AnsweredAccounts those of them with a response in the wave; the
	// revenue is theirs, in cents.
	Accounts, AnsweredAccounts         int64
	RevenueCents, AnsweredRevenueCents int64
	// Silent lists accounts of the base without a response, by revenue,
	// at most the limit asked for; SilentCount counts them all.
	Silent      []nps.Account
	SilentCount int64
}

// WaveCoverage returns the coverage of a wave, of the accounts of ownerID
// when it is set, with up to silentLimit silent accounts.
func (db *DB) WaveCoverage(ctx context.Context, workspaceID, waveID, ownerID int64, silentLimit int) (Coverage, error) {
	var c Coverage
	var w where
	ws, wave := w.arg(workspaceID), w.arg(waveID)
	owner := ""
	if ownerID != 0 {
		owner = " AND a.owner_id = " + w.arg(ownerID)
	}
	err := db.read.QueryRowContext(ctx, `
		SELECT COUNT(*), COUNT(r.id) FROM invitations i
		JOIN contacts ct ON ct.workspace_id = i.workspace_id AND ct.id = i.contact_id
		LEFT JOIN accounts a ON a.workspace_id = ct.workspace_id AND a.id = ct.account_id
		LEFT JOIN responses r ON r.invitation_id = i.id
		WHERE i.workspace_id = `+ws+` AND i.wave_id = `+wave+owner, w.args...).Scan(&c.Invited, &c.Answered)
	if err != nil {
		return c, fmt.Errorf("store: coverage: %w", err)
	}
	// The base: the accounts of the invited contacts, or all accounts.
	base := `SELECT a.* FROM accounts a WHERE a.workspace_id = ` + ws + owner
	if c.Invited > 0 {
		base += ` AND a.id IN (SELECT ct.account_id FROM invitations i JOIN contacts ct ON ct.workspace_id = i.workspace_id AND ct.id = i.contact_id
			WHERE i.workspace_id = ` + ws + ` AND i.wave_id = ` + wave + `)`
	} else {
		base += ` AND a.status = 'active'`
	}
	answered := `EXISTS (SELECT 1 FROM score_accounts s WHERE s.workspace_id = b.workspace_id AND s.survey_id = (SELECT survey_id FROM waves WHERE workspace_id = ` + ws + ` AND id = ` + wave + `)
		AND s.wave_id = ` + wave + ` AND s.account_id = b.id AND ` + scoreSum("s.") + ` > 0)`
	err = db.read.QueryRowContext(ctx, `
		SELECT COUNT(*), COALESCE(SUM(b.annual_revenue_cents), 0),
			COALESCE(SUM(CASE WHEN `+answered+` THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN `+answered+` THEN b.annual_revenue_cents ELSE 0 END), 0)
		FROM (`+base+`) b`, w.args...).Scan(&c.Accounts, &c.RevenueCents, &c.AnsweredAccounts, &c.AnsweredRevenueCents)
	if err != nil {
		return c, fmt.Errorf("store: coverage: %w", err)
	}
	c.SilentCount = c.Accounts - c.AnsweredAccounts
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("b", accountColumns)+` FROM (`+base+`) b WHERE NOT `+answered+`
		ORDER BY b.annual_revenue_cents DESC, b.name, b.id LIMIT `+w.arg(silentLimit), w.args...)
	if err != nil {
		return c, fmt.Errorf("store: coverage: %w", err)
	}
	if c.Silent, err = collect(rows, scanAccount); err != nil {
		return c, fmt.Errorf("store: coverage: %w", err)
	}
	return c, nil
}

// scoreSum returns the sum of the eleven counts of the rollup row aliased
// by prefix ("s.").
func scoreSum(prefix string) string {
	sum := ""
	for i := nps.MinScore; i <= nps.MaxScore; i++ {
		if i > 0 {
			sum += " + "
		}
		sum += fmt.Sprintf("%ss%d", prefix, i)
	}
	return sum
}

// SetUserLanguage stores the language of the signed-in pages a user
// chose; "" follows the browser again.
func (db *DB) SetUserLanguage(ctx context.Context, userID int64, lang string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, lang, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, fmt.Errorf("user %d: %w", userID, nps.ErrNotFound))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set language: %w", err)
	}
	return nil
}
