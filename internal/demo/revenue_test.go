package demo

import (
	"context"
	"testing"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// checkMoney checks the story the demo's revenue tells on the value
// pages: the first wave's detractor accounts left more often and kept
// less of their revenue than its promoters, and some of the new revenue
// came by referral.
func checkMoney(t *testing.T, db *store.DB, plan Plan, res Result) {
	t.Helper()
	ctx := context.Background()
	ws := res.Workspace.ID
	first := res.Waves[0]
	years, err := db.AccountYears(ctx, ws, first.ID, insight.Year(first), 0)
	if err != nil {
		t.Fatal(err)
	}
	o := nps.ObserveOutcomes(insight.OutcomesOf(insight.Accounts(years, first)))
	pro, pas, det := o.ByCategory[0], o.ByCategory[1], o.ByCategory[2]
	t.Logf("wave %s: promoters %d accounts, churn %.2f, retention %.3f; passives %d, %.2f, %.3f; detractors %d, %.2f, %.3f",
		first.Name, pro.Accounts, pro.ChurnRate, pro.Retention, pas.Accounts, pas.ChurnRate, pas.Retention,
		det.Accounts, det.ChurnRate, det.Retention)
	if !(det.ChurnRate > pro.ChurnRate) || !(det.Retention < pas.Retention && pas.Retention < pro.Retention) {
		t.Errorf("observed outcomes do not tell the story: %+v", o)
	}
	if !insight.Observed(first, plan.At(db.Now()).Today) {
		t.Errorf("the first wave's follow-up has not passed by the demo's today")
	}
	growth, err := db.GrowthYears(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	referred := int64(0)
	for _, g := range growth {
		referred += g.Referred
	}
	if len(growth) < 2 || referred == 0 || res.Referrals == 0 {
		t.Errorf("earned growth years %+v with %d referrals: want at least two years and referred revenue", growth, res.Referrals)
	}
}
