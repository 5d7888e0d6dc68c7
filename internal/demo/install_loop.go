package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// loop records what the company did with the feedback: the recommended
// alert rule, and the improvement plans made with the middle wave's
// critical customers, linked to their answers, with their actions and
// shared updates. Each row is written at the moment it happened: the
// store's clock is set to it, which Install may do since it has the
// database to itself until it returns.
func (in *installer) loop(ctx context.Context) error {
	db, ws := in.db, in.res.Workspace.ID
	rule := nps.AlertRule{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: nps.DefaultFollowUpDays, Active: true}
	if _, err := db.CreateAlertRule(ctx, ws, rule); err != nil {
		return err
	}
	clock := db.Now
	defer func() { db.Now = clock }()
	for _, pl := range in.plan.Plans {
		at := func(t time.Time) { db.Now = func() time.Time { return t } }
		page, err := db.LatestResponses(ctx, ws, store.ResponseFilter{WaveID: in.res.Waves[pl.Wave].ID,
			AccountID: in.accounts[pl.Account], Category: "detractor", Limit: 20})
		if err != nil {
			return err
		}
		var answers []int64
		for _, r := range page.Responses {
			answers = append(answers, r.ID)
		}
		owner := in.users[in.plan.Accounts[pl.Account].Owner]
		at(pl.Made)
		p, err := db.CreatePlan(ctx, ws, nps.Plan{AccountID: in.accounts[pl.Account], Title: pl.Title, Problem: pl.Problem,
			State: nps.PlanOpen, CreatedBy: owner}, answers)
		if err != nil {
			return fmt.Errorf("plan of %s: %w", pl.Title, err)
		}
		for _, a := range pl.Actions {
			item := nps.PlanItem{PlanID: p.ID, Kind: nps.ItemAction, Body: a.Text, OwnerID: owner, Status: nps.StatusDone, Shareable: true}
			if a.Done.IsZero() {
				item.Status = nps.StatusDoing
			} else {
				at(a.Done)
			}
			if _, err := db.AddPlanItem(ctx, ws, item, nil); err != nil {
				return err
			}
		}
		at(pl.UpdateAt)
		if _, err := db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: p.ID, Kind: nps.ItemUpdate, Body: pl.Update, Shareable: true}, nil); err != nil {
			return err
		}
		if !pl.Done.IsZero() {
			at(pl.Done)
			done := nps.PlanDone
			if _, err := db.UpdatePlan(ctx, ws, p.ID, nps.PlanUpdate{State: &done}); err != nil {
				return err
			}
		}
		in.res.Plans++
	}
	return nil
}
