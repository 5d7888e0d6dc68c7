package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The loop's own figures per wave of a survey (nps.LoopCounts): the
// wave's detractors and how fast their follow-ups reached them, the
// improvement plans that followed the wave, and the NPS of the accounts
// that had a plan before the wave opened against the others. Everything
// is counted in SQL from the rollup, the alerts and the plans, so that
// no query reads the responses of a wave one by one: only the contacted
// follow-ups come back as rows, for their median.
//
// The plans that "followed" a wave are those of accounts that answered
// in it, made from the day the wave opened until the next wave of the
// survey opened (for the last wave: until now), counted by their state
// now. A member's figures count the accounts they own only.

// LoopWave is one wave's counts.
type LoopWave struct {
	Wave nps.Wave
	nps.LoopCounts
}

// LoopFigures returns the loop counts of each wave of the survey, in the
// order the waves opened. With ownerID set, only the accounts that user
// owns count. A survey of another workspace has no waves here.
func (db *DB) LoopFigures(ctx context.Context, workspaceID, surveyID, ownerID int64) ([]LoopWave, error) {
	if surveyID == 0 {
		return nil, nil
	}
	waves, err := db.Waves(ctx, workspaceID, surveyID)
	if err != nil || len(waves) == 0 {
		return nil, err
	}
	out := make([]LoopWave, len(waves))
	byID := map[int64]*LoopWave{}
	for i, w := range waves {
		out[i].Wave = w
		byID[w.ID] = &out[i]
	}
	if err := db.loopHistograms(ctx, workspaceID, surveyID, ownerID, byID); err != nil {
		return nil, fmt.Errorf("store: loop figures: %w", err)
	}
	if err := db.loopFollowUps(ctx, workspaceID, surveyID, ownerID, byID); err != nil {
		return nil, fmt.Errorf("store: loop figures: %w", err)
	}
	for i := range out {
		until := time.Time{}
		if i+1 < len(out) {
			until = out[i+1].Wave.OpensAt
		}
		if err := db.loopPlans(ctx, workspaceID, ownerID, &out[i], until); err != nil {
			return nil, fmt.Errorf("store: loop figures: %w", err)
		}
	}
	return out, nil
}

// ownedAccount is the condition on an account alias of a member's own
// accounts, or nothing.
func ownedAccount(w *where, alias string, ownerID int64) string {
	if ownerID == 0 {
		return ""
	}
	return ` JOIN accounts a ON a.workspace_id = ` + alias + `.workspace_id AND a.id = ` + alias + `.account_id AND a.owner_id = ` + w.arg(ownerID)
}

// loopHistograms sums the survey's per-account histograms per wave, split
// by whether the account had a plan before the wave opened; the
// detractors are the buckets 0 to 6 of both.
func (db *DB) loopHistograms(ctx context.Context, workspaceID, surveyID, ownerID int64, byID map[int64]*LoopWave) error {
	w := &where{}
	w.and("sa.workspace_id = " + w.arg(workspaceID))
	w.and("sa.survey_id = " + w.arg(surveyID))
	join := ownedAccount(w, "sa", ownerID)
	buckets, sums := make([]string, 11), make([]string, 11)
	for s := range buckets {
		buckets[s] = fmt.Sprintf("sa.s%d", s)
		sums[s] = fmt.Sprintf("SUM(s%d)", s)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT wave_id, with_plan, `+strings.Join(sums, ", ")+` FROM (
		SELECT sa.wave_id,
			CASE WHEN EXISTS (SELECT 1 FROM plans p WHERE p.workspace_id = sa.workspace_id AND p.account_id = sa.account_id
				AND p.created_at < wv.opens_at) THEN 1 ELSE 0 END AS with_plan, `+strings.Join(buckets, ", ")+`
		FROM score_accounts sa
		JOIN waves wv ON wv.workspace_id = sa.workspace_id AND wv.id = sa.wave_id`+join+w.String()+`
	) t GROUP BY wave_id, with_plan`, w.args...)
	return eachRow(rows, err, func(row rowScanner) error {
		var waveID int64
		var withPlan int
		var h nps.Histogram
		dest := []any{&waveID, &withPlan}
		for s := range h {
			dest = append(dest, &h[s])
		}
		if err := row.Scan(dest...); err != nil {
			return err
		}
		lw := byID[waveID]
		if lw == nil {
			return nil
		}
		if withPlan == 1 {
			lw.WithPlan.Merge(h)
		} else {
			lw.WithoutPlan.Merge(h)
		}
		lw.Detractors += h.Detractors()
		return nil
	})
}

// loopFollowUps reads the contacted follow-ups of the survey's
// detractors: their alert's times, per wave.
func (db *DB) loopFollowUps(ctx context.Context, workspaceID, surveyID, ownerID int64, byID map[int64]*LoopWave) error {
	w := &where{}
	w.and("al.workspace_id = " + w.arg(workspaceID))
	w.and("r.survey_id = " + w.arg(surveyID))
	w.and("r.score <= 6")
	w.and("al.contacted_at IS NOT NULL")
	join := ownedAccount(w, "r", ownerID)
	rows, err := db.read.QueryContext(ctx, `SELECT r.wave_id, al.created_at, al.due_at, al.contacted_at
		FROM alerts al JOIN responses r ON r.workspace_id = al.workspace_id AND r.id = al.response_id`+join+w.String(), w.args...)
	return eachRow(rows, err, func(row rowScanner) error {
		var waveID int64
		var f nps.FollowUpTimes
		if err := row.Scan(&waveID, timeCol{&f.CreatedAt}, timeCol{&f.DueAt}, timeCol{&f.ContactedAt}); err != nil {
			return err
		}
		if lw := byID[waveID]; lw != nil {
			lw.Contacted = append(lw.Contacted, f)
		}
		return nil
	})
}

// loopPlans counts the plans that followed the wave (see the top of the
// file), until the next wave opened (zero: until now).
func (db *DB) loopPlans(ctx context.Context, workspaceID, ownerID int64, lw *LoopWave, until time.Time) error {
	w := &where{}
	w.and("p.workspace_id = " + w.arg(workspaceID))
	w.and("p.created_at >= " + w.arg(lw.Wave.OpensAt))
	if !until.IsZero() {
		w.and("p.created_at < " + w.arg(until))
	}
	w.and(`EXISTS (SELECT 1 FROM score_accounts sa WHERE sa.workspace_id = p.workspace_id AND sa.survey_id = ` + w.arg(lw.Wave.SurveyID) +
		` AND sa.wave_id = ` + w.arg(lw.Wave.ID) + ` AND sa.account_id = p.account_id)`)
	join := ownedAccount(w, "p", ownerID)
	rows, err := db.read.QueryContext(ctx, `SELECT p.state, COUNT(*) FROM plans p`+join+w.String()+` GROUP BY p.state`, w.args...)
	return eachRow(rows, err, func(row rowScanner) error {
		var state string
		var n int64
		if err := row.Scan(&state, &n); err != nil {
			return err
		}
		switch state {
		case "open":
			lw.PlansOpen += n
		case "done":
			lw.PlansDone += n
		}
		return nil
	})
}
