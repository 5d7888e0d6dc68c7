package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// WaveInsight is what the themes and loyalty pages read for one wave of a
// survey, all from rollups: every response, the commented ones, those
// per theme, per sentiment and per switching answer.
type WaveInsight struct {
	Wave      nps.Wave
	All       nps.Histogram
	Commented nps.Histogram
	Themes    map[string]nps.Histogram
	Sentiment map[nps.Sentiment]nps.Histogram
	// Intent holds the answers to the switching question; "" counts the
	// responses that did not answer it.
	Intent map[nps.SwitchIntent]nps.Histogram

	analysed nps.Histogram // the responses the insight rollups count
}

// Insight returns the insight of every wave of the workspace's survey, in
// wave order; with an ownerID, of the accounts that user owns only (what
// a member sees).
func (db *DB) Insight(ctx context.Context, workspaceID, surveyID, ownerID int64) ([]WaveInsight, error) {
	waves, err := db.Waves(ctx, workspaceID, surveyID)
	if err != nil {
		return nil, fmt.Errorf("store: insight: %w", err)
	}
	out := make([]WaveInsight, len(waves))
	byWave := map[int64]*WaveInsight{}
	for i, w := range waves {
		out[i] = WaveInsight{Wave: w, Themes: map[string]nps.Histogram{}, Sentiment: map[nps.Sentiment]nps.Histogram{},
			Intent: map[nps.SwitchIntent]nps.Histogram{}}
		byWave[w.ID] = &out[i]
	}
	sums := scoreList("SUM(%[1]s)", 0)
	// The workspace's figures come from the totals; a member's from the
	// per-account tables, of the member's accounts.
	all, cells, themes, owned := "score_totals", "insight_totals", "theme_totals", ""
	if ownerID != 0 {
		all, cells, themes = "score_accounts", "insight_rollup", "theme_rollup"
		owned = ` AND account_id IN (SELECT id FROM accounts WHERE workspace_id = $1 AND owner_id = ` + strconv.FormatInt(ownerID, 10) + `)`
	}
	rows, err := db.read.QueryContext(ctx, `SELECT wave_id, `+sums+` FROM `+all+`
		WHERE workspace_id = $1 AND survey_id = $2`+owned+` GROUP BY wave_id`, workspaceID, surveyID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var wave int64
		var h nps.Histogram
		if err := row.Scan(append([]any{&wave}, histogramDest(&h)...)...); err != nil {
			return err
		}
		if w := byWave[wave]; w != nil {
			w.All = h
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: insight: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT wave_id, intent, sentiment, `+sums+` FROM `+cells+`
		WHERE workspace_id = $1 AND survey_id = $2`+owned+` GROUP BY wave_id, intent, sentiment`, workspaceID, surveyID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var wave int64
		var intent nps.SwitchIntent
		var sentiment nps.Sentiment
		var h nps.Histogram
		if err := row.Scan(append([]any{&wave, &intent, &sentiment}, histogramDest(&h)...)...); err != nil {
			return err
		}
		w := byWave[wave]
		if w == nil {
			return nil
		}
		w.analysed.Merge(h)
		if sentiment != "" {
			w.Commented.Merge(h)
			merge(w.Sentiment, sentiment, h)
		}
		if intent != "" {
			merge(w.Intent, intent, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: insight: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT wave_id, theme, `+sums+` FROM `+themes+`
		WHERE workspace_id = $1 AND survey_id = $2`+owned+` GROUP BY wave_id, theme`, workspaceID, surveyID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var wave int64
		var theme string
		var h nps.Histogram
		if err := row.Scan(append([]any{&wave, &theme}, histogramDest(&h)...)...); err != nil {
			return err
		}
		if w := byWave[wave]; w != nil && h.N() > 0 {
			w.Themes[theme] = h
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: insight: %w", err)
	}
	for i := range out {
		w := &out[i]
		// The rollups of the analysis lag behind the answers by the
		// backlog: an answer whose score changed counts at its new score in
		// All and at its old one in the analysis until it is analysed
		// again. All takes, score by score, at least what the analysis
		// counts, so that the commented and switching answers stay a part
		// of it; the figures are exact again when the backlog is empty.
		for s := range w.All {
			w.All[s] = max(w.All[s], w.analysed[s])
		}
		unanswered := w.All
		for _, h := range w.Intent {
			for s := range h {
				unanswered[s] -= h[s]
			}
		}
		if unanswered.N() > 0 {
			w.Intent[""] = unanswered
		}
	}
	return out, nil
}

func merge[K comparable](m map[K]nps.Histogram, k K, h nps.Histogram) {
	t := m[k]
	t.Merge(h)
	m[k] = t
}

// AccountYear is an account that answered in a wave, with what the money
// figures need: its histogram in the wave, its strongest switching
// answer, its status, and its revenue in the wave's year and the next.
type AccountYear struct {
	AccountID int64
	Name      string
	// OwnerID is the account owner, 0 for none.
	OwnerID   int64
	Histogram nps.Histogram
	Intent    nps.SwitchIntent
	Status    nps.AccountStatus
	ChurnedAt time.Time
	// Revenue is the current annual revenue (accounts.annual_revenue_cents).
	Revenue int64
	// RevenueYear and RevenueNext are the imported revenues of the wave's
	// year and the year after; Has… says whether one was imported.
	RevenueYear, RevenueNext       int64
	HasRevenueYear, HasRevenueNext bool
}

// AccountYears returns the workspace's accounts that answered in the wave
// (with an ownerID, those that user owns), with their revenue in year and
// year + 1, by account ID. It reads the per-account rollup and the
// imports, never the responses.
func (db *DB) AccountYears(ctx context.Context, workspaceID, waveID int64, year int, ownerID int64) ([]AccountYear, error) {
	owned := ""
	if ownerID != 0 {
		owned = " AND a.owner_id = " + strconv.FormatInt(ownerID, 10)
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT a.id, a.name, a.owner_id, a.status, a.churned_at, a.annual_revenue_cents, ry.revenue_cents, rn.revenue_cents, `+scoreList("sa.%[1]s", 0)+`
		FROM (SELECT account_id, `+scoreList("SUM(%[1]s) AS %[1]s", 0)+` FROM score_accounts
			WHERE workspace_id = $1 AND wave_id = $2 AND account_id <> 0 GROUP BY account_id) sa
		JOIN accounts a ON a.workspace_id = $1 AND a.id = sa.account_id
		LEFT JOIN account_revenue ry ON ry.workspace_id = $1 AND ry.account_id = a.id AND ry.year = $3
		LEFT JOIN account_revenue rn ON rn.workspace_id = $1 AND rn.account_id = a.id AND rn.year = $4
		WHERE TRUE`+owned+` ORDER BY a.id`, workspaceID, waveID, year, year+1)
	accounts, err := collectOr(rows, err, func(row rowScanner) (AccountYear, error) {
		var a AccountYear
		var ry, rn sql.NullInt64
		err := row.Scan(append([]any{&a.AccountID, &a.Name, idCol{&a.OwnerID}, &a.Status, timeCol{&a.ChurnedAt}, &a.Revenue, &ry, &rn},
			histogramDest(&a.Histogram)...)...)
		a.RevenueYear, a.HasRevenueYear = ry.Int64, ry.Valid
		a.RevenueNext, a.HasRevenueNext = rn.Int64, rn.Valid
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: account years: %w", err)
	}
	intents := map[int64]nps.SwitchIntent{}
	rows, err = db.read.QueryContext(ctx, `SELECT DISTINCT account_id, intent FROM insight_rollup
		WHERE workspace_id = $1 AND wave_id = $2 AND account_id <> 0 AND intent <> ''
		AND `+scoreSum("")+` > 0`, workspaceID, waveID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var id int64
		var intent nps.SwitchIntent
		if err := row.Scan(&id, &intent); err != nil {
			return err
		}
		intents[id] = nps.StrongerIntent(intents[id], intent)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: account years: %w", err)
	}
	for i := range accounts {
		accounts[i].Intent = intents[accounts[i].AccountID]
	}
	return accounts, nil
}

// GrowthYear is the revenue of one calendar year against the year before,
// for earned growth.
type GrowthYear struct {
	Year int
	// Prior is the revenue in Year − 1 of the accounts that had revenue
	// then; Retained is what those accounts brought in Year; New is the
	// revenue in Year of accounts without revenue in Year − 1, and
	// Referred the part of New from accounts that came by referral.
	Prior, Retained, New, Referred int64
}

// GrowthYears returns, for every year with imported revenue whose previous
// year has revenue too, the sums for earned growth, oldest first.
func (db *DB) GrowthYears(ctx context.Context, workspaceID int64) ([]GrowthYear, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT year FROM account_revenue WHERE workspace_id = $1 ORDER BY year`, workspaceID)
	years, err := collectOr(rows, err, func(row rowScanner) (int, error) {
		var y int
		return y, row.Scan(&y)
	})
	if err != nil {
		return nil, fmt.Errorf("store: growth years: %w", err)
	}
	var out []GrowthYear
	for i := 1; i < len(years); i++ {
		if years[i-1] != years[i]-1 {
			continue
		}
		g := GrowthYear{Year: years[i]}
		err := db.read.QueryRowContext(ctx, `
			SELECT COALESCE(SUM(CASE WHEN p.revenue_cents > 0 THEN p.revenue_cents END), 0),
			       COALESCE(SUM(CASE WHEN p.revenue_cents > 0 THEN c.revenue_cents END), 0),
			       COALESCE(SUM(CASE WHEN COALESCE(p.revenue_cents, 0) = 0 THEN c.revenue_cents END), 0),
			       COALESCE(SUM(CASE WHEN COALESCE(p.revenue_cents, 0) = 0 AND r.id IS NOT NULL THEN c.revenue_cents END), 0)
			FROM accounts a
			LEFT JOIN account_revenue p ON p.workspace_id = $1 AND p.account_id = a.id AND p.year = $2
			LEFT JOIN account_revenue c ON c.workspace_id = $1 AND c.account_id = a.id AND c.year = $3
			LEFT JOIN referrals r ON r.workspace_id = $1 AND r.referred_account_id = a.id
			WHERE a.workspace_id = $1`, workspaceID, g.Year-1, g.Year).Scan(&g.Prior, &g.Retained, &g.New, &g.Referred)
		if err != nil {
			return nil, fmt.Errorf("store: growth years: %w", err)
		}
		out = append(out, g)
	}
	return out, nil
}

// CommentInsight is what the analysis found in one response's comment.
type CommentInsight struct {
	Themes    []string
	Sentiment nps.Sentiment
}

// InsightOf returns the themes and sentiment of the workspace's responses
// among ids that have been analysed, by response ID.
func (db *DB) InsightOf(ctx context.Context, workspaceID int64, ids []int64) (map[int64]CommentInsight, error) {
	out := map[int64]CommentInsight{}
	if len(ids) == 0 {
		return out, nil
	}
	in := idList(ids)
	rows, err := db.read.QueryContext(ctx, `SELECT response_id, sentiment FROM response_insight
		WHERE +workspace_id = $1 AND response_id IN (`+in+`)`, workspaceID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var id int64
		var c CommentInsight
		err := row.Scan(&id, &c.Sentiment)
		out[id] = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: insight of responses: %w", err)
	}
	rows, err = db.read.QueryContext(ctx, `SELECT response_id, theme FROM response_themes
		WHERE +workspace_id = $1 AND response_id IN (`+in+`) ORDER BY response_id, theme`, workspaceID)
	err = eachRow(rows, err, func(row rowScanner) error {
		var id int64
		var theme string
		if err := row.Scan(&id, &theme); err != nil {
			return err
		}
		c := out[id]
		c.Themes = append(c.Themes, theme)
		out[id] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: insight of responses: %w", err)
	}
	return out, nil
}

// Unmatched returns up to limit of the newest comments in the wave that
// the taxonomy matched no theme in: the material of automatic themes.
func (db *DB) Unmatched(ctx context.Context, workspaceID, waveID int64, limit int) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.comment FROM response_insight i
		JOIN responses r ON r.workspace_id = i.workspace_id AND r.id = i.response_id
		WHERE i.workspace_id = $1 AND i.wave_id = $2 AND i.sentiment <> ''
		AND NOT EXISTS (SELECT 1 FROM response_themes t WHERE +t.workspace_id = $1 AND t.response_id = i.response_id)
		ORDER BY i.response_id DESC LIMIT $3`, workspaceID, waveID, limit)
	comments, err := collectOr(rows, err, scanText)
	if err != nil {
		return nil, fmt.Errorf("store: comments without theme: %w", err)
	}
	return comments, nil
}
