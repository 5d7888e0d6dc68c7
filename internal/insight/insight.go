// Package insight keeps the stored responses analysed: the themes and
// sentiment of their comments (package text) and the rollups the themes,
// loyalty and money pages read. It runs as a periodic task beside the
// answers, so that answering never waits on the analysis, and it analyses
// a workspace's responses again when its taxonomy changes.
package insight

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/text"
)

// Batch is how many responses one transaction analyses and saves.
const Batch = 2000

// Analyser analyses the responses of every workspace against its
// taxonomy.
type Analyser struct {
	DB  *store.DB
	Log *slog.Logger
	// Budget bounds one Run, so that the periodic task yields; 0 runs
	// until nothing is left.
	Budget time.Duration

	compiled map[int64]compiledTaxonomy
}

type compiledTaxonomy struct {
	version  int
	taxonomy *text.Taxonomy
}

// Themes returns the themes of a stored taxonomy: the default ones when
// the workspace has not changed them.
func Themes(t store.TaxonomyState) ([]text.Theme, error) {
	if t.Taxonomy == "" {
		return text.DefaultThemes(), nil
	}
	var themes []text.Theme
	if err := json.Unmarshal([]byte(t.Taxonomy), &themes); err != nil {
		return nil, fmt.Errorf("insight: the stored taxonomy: %w", err)
	}
	return themes, nil
}

// SaveTaxonomy validates themes and makes them the workspace's taxonomy,
// over version expect when it is not 0 (see store.SetTaxonomy); every
// response is then analysed against it. It returns the new version.
func SaveTaxonomy(ctx context.Context, db *store.DB, workspaceID int64, themes []text.Theme, expect int) (int, error) {
	if _, err := text.Compile(themes); err != nil {
		return 0, &nps.ValidationError{Field: "taxonomy", Message: err.Error()}
	}
	b, err := json.Marshal(themes)
	if err != nil {
		return 0, fmt.Errorf("insight: save taxonomy: %w", err)
	}
	return db.SetTaxonomy(ctx, workspaceID, string(b), expect)
}

// Run analyses the responses due in every workspace, a batch per
// transaction, until none is left or the budget is spent; it is the
// analyse-comments task.
func (a *Analyser) Run(ctx context.Context) error {
	_, err := a.RunCount(ctx)
	return err
}

// RunCount is Run that also returns how many responses it analysed. A
// workspace whose analysis fails is logged and left for the next run, so
// that it holds up no other; the errors are returned at the end.
func (a *Analyser) RunCount(ctx context.Context) (int, error) {
	start := time.Now()
	total := 0
	failed := map[int64]error{}
	for {
		due, err := a.DB.InsightDue(ctx)
		if err != nil {
			return total, fmt.Errorf("insight: %w", err)
		}
		due = slices.DeleteFunc(due, func(t store.TaxonomyState) bool { return failed[t.WorkspaceID] != nil })
		if len(due) == 0 {
			return total, errors.Join(slices.Collect(maps.Values(failed))...)
		}
		for _, t := range due {
			n, err := a.analyse(ctx, t)
			total += n
			if err != nil {
				if ctx.Err() != nil {
					return total, err
				}
				a.Log.Error("insight: the analysis of a workspace failed; it is tried again in the next run", "workspace_id", t.WorkspaceID, "err", err)
				failed[t.WorkspaceID] = err
			}
			if a.Budget > 0 && time.Since(start) > a.Budget {
				return total, errors.Join(slices.Collect(maps.Values(failed))...)
			}
		}
	}
}

// analyse analyses one batch of the workspace's queued or swept responses
// and returns how many it saved.
func (a *Analyser) analyse(ctx context.Context, t store.TaxonomyState) (int, error) {
	tax, err := a.taxonomy(t)
	if err != nil {
		return 0, err
	}
	b, err := a.DB.PendingInsight(ctx, t, Batch)
	if err != nil {
		return 0, fmt.Errorf("insight: %w", err)
	}
	for i := range b.Responses {
		Analyse(tax, &b.Responses[i])
	}
	n, err := a.DB.SaveInsight(ctx, t.WorkspaceID, b)
	if err != nil {
		return 0, fmt.Errorf("insight: workspace %d: %w", t.WorkspaceID, err)
	}
	return n, nil
}

// Analyse fills in what the taxonomy finds in r's comment.
func Analyse(tax *text.Taxonomy, r *nps.ResponseInsight) {
	r.Themes, r.Sentiment, r.SentimentScore, r.CommentLanguage = nil, "", 0, ""
	if r.Comment == "" {
		return
	}
	an := tax.Analyse(r.Comment, text.Lang(r.Language))
	r.Themes = an.Themes
	r.Sentiment = nps.Sentiment(an.Sentiment)
	r.SentimentScore = an.Score
	r.CommentLanguage = string(an.Lang)
}

// taxonomy returns the workspace's compiled taxonomy, compiling it once
// per version. A stored taxonomy that no longer compiles (it was valid
// when saved) falls back to the default, logged, rather than stopping
// the analysis of every workspace.
func (a *Analyser) taxonomy(t store.TaxonomyState) (*text.Taxonomy, error) {
	if c, ok := a.compiled[t.WorkspaceID]; ok && c.version == t.Version {
		return c.taxonomy, nil
	}
	themes, err := Themes(t)
	var tax *text.Taxonomy
	if err == nil {
		tax, err = text.Compile(themes)
	}
	if err != nil {
		a.Log.Error("insight: the workspace's taxonomy is unusable; analysing with the default", "workspace_id", t.WorkspaceID, "err", err)
		if tax, err = text.Compile(text.DefaultThemes()); err != nil {
			return nil, fmt.Errorf("insight: the default taxonomy: %w", err)
		}
	}
	if a.compiled == nil {
		a.compiled = map[int64]compiledTaxonomy{}
	}
	a.compiled[t.WorkspaceID] = compiledTaxonomy{t.Version, tax}
	return tax, nil
}
