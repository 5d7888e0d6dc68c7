package store

import (
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
	// OwnerID keeps the accounts this user owns, Segment those with an
	// attribute's value.
	OwnerID int64
	Segment Segment
}

// AccountFigures returns every account of the workspace that answered in
// the wave or in the previous one (or, with OwnerID and Segment, those of
// that owner and segment),
// by name, with its histograms, read from score_accounts: a few thousand
// rows however many responses there are.
func (db *DB) AccountFigures(ctx context.Context, workspaceID int64, f AccountFigureFilter) ([]AccountFigures, error) {
	var w where
	ws, survey := w.arg(workspaceID), w.arg(f.SurveyID)
	waves := w.arg(f.WaveID) + ", " + w.arg(f.PreviousWaveID)
	cond := ""
	if f.OwnerID != 0 {
		cond += " AND a.owner_id = " + w.arg(f.OwnerID)
	}
	if err := f.Segment.check(); err != nil {
		return nil, fmt.Errorf("store: account figures: %w", err)
	}
	if !f.Segment.IsZero() {
		cond += " AND " + f.Segment.condition(&w)
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT r.wave_id, `+scoreList("r.%[1]s", 0)+`, `+prefixed("a", accountColumns)+`
		FROM score_accounts r
		JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
		WHERE r.workspace_id = `+ws+` AND r.survey_id = `+survey+` AND r.wave_id IN (`+waves+`)`+cond+`
		ORDER BY a.name, a.id`, w.args...)
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
		return oneRow(res, err, "user", userID)
	})
	if err != nil {
		return fmt.Errorf("store: set language: %w", err)
	}
	return nil
}

// Member is a user of a workspace with their role.
type Member struct {
	User nps.User
	Role nps.Role
}

// Members returns the workspace's users, by name and email.
func (db *DB) Members(ctx context.Context, workspaceID int64) ([]Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("u", userColumns)+`, m.role
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 ORDER BY u.name, u.email`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	list, err := collect(rows, func(row rowScanner) (Member, error) {
		var m Member
		u := &m.User
		err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Language, timeCol{&u.CreatedAt}, &m.Role)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	return list, nil
}

// AttributeNames returns the names of the custom attributes that the
// workspace's accounts ("accounts") or contacts ("contacts") carry, sorted.
func (db *DB) AttributeNames(ctx context.Context, workspaceID int64, table string) ([]string, error) {
	if table != "accounts" && table != "contacts" {
		return nil, fmt.Errorf("store: attribute names: no table %q", table)
	}
	// Rows without attributes, most of them, are skipped before their
	// JSON is read.
	query := `SELECT DISTINCT j.key FROM ` + table + ` t, json_each(t.attributes) j WHERE t.workspace_id = $1 AND t.attributes <> '{}' ORDER BY 1`
	if db.dialect == Postgres {
		query = `SELECT DISTINCT jsonb_object_keys(t.attributes) FROM ` + table + ` t WHERE t.workspace_id = $1 AND t.attributes <> '{}' ORDER BY 1`
	}
	rows, err := db.read.QueryContext(ctx, query, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: attribute names: %w", err)
	}
	names, err := collect(rows, scanText)
	if err != nil {
		return nil, fmt.Errorf("store: attribute names: %w", err)
	}
	return names, nil
}

// SegmentValues returns the values an account attribute takes in the
// workspace, sorted, at most 500.
func (db *DB) SegmentValues(ctx context.Context, workspaceID int64, attribute string) ([]string, error) {
	if !validAttribute(attribute) {
		return nil, fmt.Errorf("store: segment values: %w", &nps.ValidationError{Field: "attribute", Message: "must name an account attribute"})
	}
	var w where
	ws := w.arg(workspaceID)
	key := accountAttribute(&w, attribute)
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT `+key+` FROM accounts a WHERE a.workspace_id = `+ws+` AND `+key+` <> '' ORDER BY 1 LIMIT 500`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: segment values: %w", err)
	}
	values, err := collect(rows, scanText)
	if err != nil {
		return nil, fmt.Errorf("store: segment values: %w", err)
	}
	return values, nil
}

// ContactHistograms groups the responses that f selects by an attribute
// of their contacts as they are now: "language" or a custom attribute;
// Key "" holds anonymous responses and contacts without it. Contacts are
// not in the rollup: the named answers are read from the index
// responses_wave_contacts, and the anonymous ones are what the rollup
// counts beyond them. f's months are not used.
func (db *DB) ContactHistograms(ctx context.Context, workspaceID int64, f HistogramFilter, attribute string) ([]Group, error) {
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("store: contact histograms: %w", err)
	}
	if !validAttribute(attribute) {
		return nil, fmt.Errorf("store: contact histograms: %w", &nps.ValidationError{Field: "attribute", Message: "must name a contact attribute"})
	}
	f.FromMonth, f.ToMonth = 0, 0
	var w where
	ws := w.arg(workspaceID)
	w.and("r.workspace_id = " + ws)
	w.and("r.contact_id IS NOT NULL")
	switch {
	case f.WaveID != 0: // the wave names its survey
		w.and("r.wave_id = " + w.arg(f.WaveID))
	case f.SurveyID != 0:
		w.and("r.survey_id = " + w.arg(f.SurveyID))
	}
	if f.AccountID != 0 {
		w.and("r.account_id = " + w.arg(f.AccountID))
	}
	f.andAccounts(&w, ws)
	key := "c.language"
	if attribute != "language" {
		key = "c.attributes ->> CAST(" + w.arg(attribute) + " AS text)"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT COALESCE(`+key+`, '') AS group_key, `+
		scoreList("CAST(SUM(CASE WHEN r.score = %[2]d THEN 1 ELSE 0 END) AS bigint)", 0)+`
		FROM responses r JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id`+w.String()+`
		GROUP BY group_key ORDER BY group_key`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: contact histograms: %w", err)
	}
	groups, err := collect(rows, func(row rowScanner) (Group, error) {
		var g Group
		err := row.Scan(append([]any{&g.Key}, histogramDest(&g.Histogram)...)...)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: contact histograms: %w", err)
	}
	anonymous, err := db.Histogram(ctx, workspaceID, f)
	if err != nil {
		return nil, fmt.Errorf("store: contact histograms: %w", err)
	}
	for _, g := range groups {
		for s := range anonymous {
			anonymous[s] -= g.Histogram[s]
		}
	}
	if anonymous.N() > 0 {
		if len(groups) == 0 || groups[0].Key != "" {
			groups = append([]Group{{}}, groups...)
		}
		groups[0].Histogram.Merge(anonymous)
	}
	return groups, nil
}

// ContactAnswers are a contact's answers in a survey's waves.
type ContactAnswers struct {
	Contact nps.Contact
	Answers []ContactAnswer
}

// ContactAnswer is one answer of a contact.
type ContactAnswer struct {
	ResponseID, WaveID int64
	Score              int
	Comment            string
}

// AccountContactAnswers returns the account's contacts that answered the
// survey, by name, at most limit, each with its answers (one per wave).
// It reads each contact's responses by the index on contacts, so an
// account's anonymous responses cost nothing here.
func (db *DB) AccountContactAnswers(ctx context.Context, workspaceID, accountID, surveyID int64, limit int) ([]ContactAnswers, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+prefixed("c", contactColumns)+`, r.id, r.wave_id, r.score, r.comment
		FROM contacts c
		JOIN responses r ON r.workspace_id = c.workspace_id AND r.contact_id = c.id AND r.survey_id = $3
		WHERE c.workspace_id = $1 AND c.account_id = $2
		AND c.id IN (SELECT c2.id FROM contacts c2 WHERE c2.workspace_id = $1 AND c2.account_id = $2
			AND EXISTS (SELECT 1 FROM responses r2 WHERE r2.workspace_id = c2.workspace_id AND r2.contact_id = c2.id AND r2.survey_id = $3)
			ORDER BY c2.name, c2.email, c2.id LIMIT $4)
		ORDER BY c.name, c.email, c.id, r.created_at`, workspaceID, accountID, surveyID, limit)
	var list []ContactAnswers
	err = eachRow(rows, err, func(row rowScanner) error {
		var ans ContactAnswer
		var c nps.Contact
		if err := row.Scan(append(contactDest(&c), &ans.ResponseID, &ans.WaveID, &ans.Score, &ans.Comment)...); err != nil {
			return err
		}
		if n := len(list); n == 0 || list[n-1].Contact.ID != c.ID {
			list = append(list, ContactAnswers{Contact: c})
		}
		list[len(list)-1].Answers = append(list[len(list)-1].Answers, ans)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: contact answers: %w", err)
	}
	return list, nil
}
