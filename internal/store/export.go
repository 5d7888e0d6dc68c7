package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The exports' reads: responses and accounts are streamed, one call of
// the caller's function per row while the rows are read, so that an
// export of millions of rows never holds them all; the aggregates are
// summed from the score rollup (histogram.go), never from the responses.
// A slow reader holds a connection (and on SQLite a read snapshot) for as
// long as it reads.

// ExportedResponse is a response as the responses export has it: with the
// names of its survey, wave, contact, account and owner, and what the
// comment analysis found in it.
type ExportedResponse struct {
	ID               int64
	SurveyID, WaveID int64
	Survey, Wave     string
	// AnsweredAt is when the first answer came in (a changed answer keeps
	// it); it decides the response's month, as in the feed.
	AnsweredAt time.Time
	Score      int
	Comment    string
	// ContactEmail and ContactName are empty for anonymous surveys and
	// answers without a contact.
	ContactEmail, ContactName string
	// AccountExternalID, AccountName and Owner (the name, else the email,
	// of the account's owner) are empty without an account.
	AccountExternalID, AccountName string
	Owner                          string
	SwitchIntent                   nps.SwitchIntent
	// Themes are the theme keys the analysis found, sorted; Sentiment is
	// empty for an answer without a comment or not analysed yet.
	Themes    []string
	Sentiment nps.Sentiment
	Language  string
}

// Category is the response's NPS category.
func (r ExportedResponse) Category() nps.Category { return nps.CategoryOf(r.Score) }

// ExportResponses calls each with every response of the workspace that f
// selects, oldest first (by the first answer's time, then ID), as it reads
// them. It honours every filter of the feed (LatestResponses) and ignores
// f.After and f.Limit. An error of each stops the export and is returned,
// wrapped.
func (db *DB) ExportResponses(ctx context.Context, workspaceID int64, f ResponseFilter, each func(ExportedResponse) error) error {
	w, err := f.where(db.dialect, workspaceID)
	if err != nil {
		return fmt.Errorf("store: export responses: %w", err)
	}
	from := "responses r"
	if f.Search != "" && db.dialect == SQLite {
		from = "response_search s JOIN responses r ON r.id = s.rowid"
	}
	// One row per theme of a response (or one without), so that a
	// response's rows come together in this order and are joined here.
	// The joins repeat the workspace, so that a name can only come from
	// the response's own workspace; the order is an index's, so rows come
	// as they are read, without a sort. The unary plus keeps SQLite to the
	// themes' key by response (without statistics it would take the
	// index by workspace and theme, and read every theme per response).
	rows, err := db.read.QueryContext(ctx, `
		SELECT r.id, r.survey_id, sv.name, r.wave_id, wv.name, r.created_at, r.score, r.comment, r.answers, r.language,
			CASE WHEN sv.anonymous THEN '' ELSE COALESCE(c.email, '') END,
			CASE WHEN sv.anonymous THEN '' ELSE COALESCE(c.name, '') END,
			COALESCE(a.external_id, ''), COALESCE(a.name, ''), COALESCE(NULLIF(u.name, ''), u.email, ''),
			COALESCE(i.sentiment, ''), COALESCE(t.theme, '')
		FROM `+from+`
		JOIN surveys sv ON sv.workspace_id = r.workspace_id AND sv.id = r.survey_id
		JOIN waves wv ON wv.workspace_id = r.workspace_id AND wv.id = r.wave_id
		LEFT JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id
		LEFT JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id
		LEFT JOIN users u ON u.id = a.owner_id
		LEFT JOIN response_insight i ON i.workspace_id = r.workspace_id AND i.response_id = r.id
		LEFT JOIN response_themes t ON t.response_id = r.id AND +t.workspace_id = r.workspace_id`+
		w.String()+`
		ORDER BY r.created_at, r.id`, w.args...)
	var cur ExportedResponse
	have := false
	err = eachRow(rows, err, func(row rowScanner) error {
		var e ExportedResponse
		var answers nps.Answers
		var theme string
		err := row.Scan(&e.ID, &e.SurveyID, &e.Survey, &e.WaveID, &e.Wave, timeCol{&e.AnsweredAt}, &e.Score, &e.Comment,
			jsonCol{&answers}, &e.Language, &e.ContactEmail, &e.ContactName, &e.AccountExternalID, &e.AccountName,
			&e.Owner, &e.Sentiment, &theme)
		if err != nil {
			return err
		}
		if have && e.ID == cur.ID {
			cur.Themes = append(cur.Themes, theme)
			return nil
		}
		if have {
			if err := each(cur.sorted()); err != nil {
				return err
			}
		}
		e.SwitchIntent = answers.SwitchIntent
		if theme != "" {
			e.Themes = []string{theme}
		}
		cur, have = e, true
		return nil
	})
	if err == nil && have {
		err = each(cur.sorted())
	}
	if err != nil {
		return fmt.Errorf("store: export responses: %w", err)
	}
	return nil
}

// sorted returns r with its themes in order, whatever order the join gave.
func (r ExportedResponse) sorted() ExportedResponse {
	slices.Sort(r.Themes)
	return r
}

// AccountExportFilter chooses the accounts of ExportAccounts; its zero
// value chooses all of a workspace's accounts, whether they answered or
// not.
type AccountExportFilter struct {
	// OwnerID keeps the accounts of one owner: what a member sees.
	OwnerID int64
	// Segment keeps the accounts with an attribute's value.
	Segment Segment
	// SurveyID, when set, takes each account's last answer from this
	// survey's responses only.
	SurveyID int64
}

// where returns the conditions of f on the accounts a.
func (f AccountExportFilter) where(workspaceID int64) (*where, error) {
	if err := f.Segment.check(); err != nil {
		return nil, err
	}
	w := &where{}
	w.and("a.workspace_id = " + w.arg(workspaceID))
	if f.OwnerID != 0 {
		w.and("a.owner_id = " + w.arg(f.OwnerID))
	}
	if !f.Segment.IsZero() {
		w.and(f.Segment.condition(w))
	}
	return w, nil
}

// AccountColumns are the variable columns of an accounts export: the
// custom attributes in use in the workspace and the years that the chosen
// accounts have revenue for, both sorted.
type AccountColumns struct {
	Attributes []string
	Years      []int
}

// AccountExportColumns returns the custom attributes and revenue years of
// the accounts that f chooses, for the header of an accounts export.
func (db *DB) AccountExportColumns(ctx context.Context, workspaceID int64, f AccountExportFilter) (AccountColumns, error) {
	var c AccountColumns
	w, err := f.where(workspaceID)
	if err != nil {
		return c, fmt.Errorf("store: account export columns: %w", err)
	}
	if c.Attributes, err = db.AttributeNames(ctx, workspaceID, "accounts"); err != nil {
		return c, fmt.Errorf("store: account export columns: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT rv.year FROM account_revenue rv
		JOIN accounts a ON a.workspace_id = rv.workspace_id AND a.id = rv.account_id`+w.String()+` ORDER BY 1`, w.args...)
	c.Years, err = collectOr(rows, err, func(row rowScanner) (int, error) {
		var y int
		return y, row.Scan(&y)
	})
	if err != nil {
		return c, fmt.Errorf("store: account export columns: %w", err)
	}
	return c, nil
}

// ExportedAccount is an account as the accounts export has it.
type ExportedAccount struct {
	nps.Account
	// Owner is the name, else the email, of the account's owner; "" for
	// none.
	Owner string
	// Revenue is the stored revenue per calendar year, in cents.
	Revenue map[int]int64
	// LastAnswer is the time of the account's latest answer (the first
	// answer's time of its newest response); zero when it never answered.
	// LatestScore is that response's score.
	LastAnswer  time.Time
	LatestScore int
}

// Answered reports whether the account has an answer.
func (a ExportedAccount) Answered() bool { return !a.LastAnswer.IsZero() }

// ExportAccounts calls each with every account that f chooses, by name,
// with its owner, its revenue per year and its latest answer, as it reads
// them. An error of each stops the export and is returned, wrapped.
func (db *DB) ExportAccounts(ctx context.Context, workspaceID int64, f AccountExportFilter, each func(ExportedAccount) error) error {
	w, err := f.where(workspaceID)
	if err != nil {
		return fmt.Errorf("store: export accounts: %w", err)
	}
	survey := ""
	if f.SurveyID != 0 {
		survey = " AND r.survey_id = " + w.arg(f.SurveyID)
	}
	// The latest response is found per account first, by the index of
	// responses by account and time, so that the join to it is by ID; the
	// rows of an account's years come together and are joined here.
	rows, err := db.read.QueryContext(ctx, `
		SELECT COALESCE(NULLIF(u.name, ''), u.email, ''), lr.created_at, COALESCE(lr.score, 0),
			rv.year, COALESCE(rv.revenue_cents, 0), `+prefixed("a", accountColumns)+`
		FROM (SELECT `+prefixed("a", accountColumns)+`,
				(SELECT r.id FROM responses r WHERE r.workspace_id = a.workspace_id AND r.account_id = a.id`+survey+`
					ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS latest_id
			FROM accounts a`+w.String()+`) a
		LEFT JOIN users u ON u.id = a.owner_id
		LEFT JOIN responses lr ON lr.workspace_id = a.workspace_id AND lr.id = a.latest_id
		LEFT JOIN account_revenue rv ON rv.workspace_id = a.workspace_id AND rv.account_id = a.id
		ORDER BY a.name, a.id`, w.args...)
	var cur ExportedAccount
	have := false
	err = eachRow(rows, err, func(row rowScanner) error {
		var e ExportedAccount
		var year sql.NullInt64
		var cents int64
		acc, err := scanAccountWith(row, []any{&e.Owner, timeCol{&e.LastAnswer}, &e.LatestScore, &year, &cents})
		if err != nil {
			return err
		}
		if !have || acc.ID != cur.ID {
			if have {
				if err := each(cur); err != nil {
					return err
				}
			}
			e.Account, e.Revenue = acc, map[int]int64{}
			cur, have = e, true
		}
		if year.Valid {
			cur.Revenue[int(year.Int64)] = cents
		}
		return nil
	})
	if err == nil && have {
		err = each(cur)
	}
	if err != nil {
		return fmt.Errorf("store: export accounts: %w", err)
	}
	return nil
}

// AggregateFilter chooses the figures of ExportAggregates.
type AggregateFilter struct {
	// SurveyID and WaveID keep a survey's or one wave's figures; zero for
	// every survey's waves.
	SurveyID, WaveID int64
	// OwnerID and Segment keep the responses of one owner's accounts (a
	// member's own) or of a segment's.
	OwnerID int64
	Segment Segment
	// By splits each wave's figures by owner (GroupOwner) or by an
	// account attribute (GroupSegment); zero for one row per wave.
	By GroupBy
}

// ExportedAggregate is the figure of one wave, or of one group of a wave.
type ExportedAggregate struct {
	SurveyID, WaveID int64
	Survey, Wave     string
	// Group is the attribute's value or the owner's name (else email);
	// "" for responses without an account, accounts without the
	// attribute or owner, and for figures not split.
	Group     string
	Histogram nps.Histogram
	// Result is the NPS with its 95 % adjusted Wald interval, with the
	// finite population correction for a whole wave whose population is
	// known; empty without responses.
	Result nps.Result
}

// ExportAggregates calls each with the figures of every wave that f
// chooses (by survey, then in the order the waves open), split as f.By
// asks, from the score rollup. Unsplit, a wave without responses has an
// empty figure; split, only groups with responses are given.
func (db *DB) ExportAggregates(ctx context.Context, workspaceID int64, f AggregateFilter, each func(ExportedAggregate) error) error {
	if err := db.exportAggregates(ctx, workspaceID, f, each); err != nil {
		return fmt.Errorf("store: export aggregates: %w", err)
	}
	return nil
}

func (db *DB) exportAggregates(ctx context.Context, workspaceID int64, f AggregateFilter, each func(ExportedAggregate) error) error {
	hf := HistogramFilter{SurveyID: f.SurveyID, WaveID: f.WaveID, OwnerID: f.OwnerID, Segment: f.Segment}
	if err := hf.validate(); err != nil {
		return err
	}
	switch f.By.Dimension {
	case "", GroupOwner:
	case GroupSegment:
		if !validAttribute(f.By.Attribute) {
			return &nps.ValidationError{Field: "attribute", Message: "must name the account attribute to split by"}
		}
	default:
		return &nps.ValidationError{Field: "by", Message: fmt.Sprintf("%q is not a split; use owner or an account attribute", string(f.By.Dimension))}
	}
	waves, err := db.aggregateWaves(ctx, workspaceID, f)
	if err != nil {
		return err
	}
	owners := map[string]string{}
	if f.By.Dimension == GroupOwner {
		members, err := db.Members(ctx, workspaceID)
		if err != nil {
			return err
		}
		for _, m := range members {
			owners[fmt.Sprint(m.User.ID)] = cmp.Or(m.User.Name, m.User.Email)
		}
	}
	if f.By.Dimension == "" {
		groups, err := db.Histograms(ctx, workspaceID, hf, GroupBy{Dimension: GroupWave})
		if err != nil {
			return err
		}
		byWave := map[string]nps.Histogram{}
		for _, g := range groups {
			byWave[g.Key] = g.Histogram
		}
		// The population is the wave's, so it holds for the whole wave
		// only, as on the dashboard.
		whole := f.OwnerID == 0 && f.Segment.IsZero()
		for _, wv := range waves {
			wv.Histogram = byWave[fmt.Sprint(wv.WaveID)]
			if err := each(wv.estimate(whole)); err != nil {
				return err
			}
		}
		return nil
	}
	for _, wv := range waves {
		hf.WaveID = wv.WaveID
		groups, err := db.Histograms(ctx, workspaceID, hf, f.By)
		if err != nil {
			return err
		}
		for _, g := range groups {
			row := wv
			row.Histogram, row.Group = g.Histogram, g.Key
			if f.By.Dimension == GroupOwner {
				row.Group = owners[g.Key]
			}
			if err := each(row.estimate(false)); err != nil {
				return err
			}
		}
	}
	return nil
}

// aggregateWave is a wave of an aggregates export with its population.
type aggregateWave struct {
	ExportedAggregate
	population int64
}

// estimate computes the wave's result; with whole, for the wave's known
// population.
func (a aggregateWave) estimate(whole bool) ExportedAggregate {
	population := int64(0)
	if whole {
		population = a.population
	}
	a.Result = nps.EstimateOf(a.Histogram, population)
	return a.ExportedAggregate
}

// aggregateWaves returns the waves that f chooses, by survey and opening.
func (db *DB) aggregateWaves(ctx context.Context, workspaceID int64, f AggregateFilter) ([]aggregateWave, error) {
	var w where
	w.and("wv.workspace_id = " + w.arg(workspaceID))
	if f.SurveyID != 0 {
		w.and("wv.survey_id = " + w.arg(f.SurveyID))
	}
	if f.WaveID != 0 {
		w.and("wv.id = " + w.arg(f.WaveID))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT wv.survey_id, sv.name, wv.id, wv.name, COALESCE(wv.population, 0)
		FROM waves wv JOIN surveys sv ON sv.workspace_id = wv.workspace_id AND sv.id = wv.survey_id`+w.String()+`
		ORDER BY wv.survey_id, wv.opens_at, wv.id`, w.args...)
	return collectOr(rows, err, func(row rowScanner) (aggregateWave, error) {
		var a aggregateWave
		return a, row.Scan(&a.SurveyID, &a.Survey, &a.WaveID, &a.Wave, &a.population)
	})
}
