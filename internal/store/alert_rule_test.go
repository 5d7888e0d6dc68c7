package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestAlertRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "rules")
		if rules := must(db.AlertRules(ctx, f.ws.ID))(t); len(rules) != 0 {
			t.Fatalf("a new workspace's rules: got %v, want none", rules)
		}
		kw := must(nps.ParseKeywords("Opzeg*\nslechte service, OPZEG*"))(t)
		created := map[nps.RuleKind]nps.AlertRule{}
		for _, r := range []nps.AlertRule{
			{Name: "Detractor", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 2, Active: true, MinDrop: 5},
			{Name: "Drop", Kind: nps.RuleDrop, MinDrop: 3, FollowUpDays: 1, Active: true},
			{Name: "Churn words", Kind: nps.RuleKeyword, Keywords: kw, FollowUpDays: 0, Active: true},
			{Name: "Silent key account", Kind: nps.RuleSilent, SilentMonths: 6, MinRevenueCents: 100_000_00, FollowUpDays: 5},
		} {
			got := must(db.CreateAlertRule(ctx, f.ws.ID, r))(t)
			if got.ID == 0 || got.WorkspaceID != f.ws.ID || got.Name != r.Name || got.FollowUpDays != r.FollowUpDays || got.Active != r.Active {
				t.Errorf("CreateAlertRule(%s) = %+v", r.Name, got)
			}
			if again := must(db.AlertRule(ctx, f.ws.ID, got.ID))(t); !reflect.DeepEqual(again, got) {
				t.Errorf("AlertRule(%d) = %+v, want %+v", got.ID, again, got)
			}
			created[r.Kind] = got
		}
		if got := created[nps.RuleScore]; got.MaxScore != 6 || got.MinDrop != 0 {
			t.Errorf("score rule: got max %d drop %d, want 6 and no drop kept", got.MaxScore, got.MinDrop)
		}
		if got := created[nps.RuleKeyword].Keywords; !reflect.DeepEqual(got, []string{"opzeg*", "slechte service"}) {
			t.Errorf("keywords: got %q", got)
		}
		if got := created[nps.RuleSilent]; got.SilentMonths != 6 || got.MinRevenueCents != 100_000_00 || got.Active {
			t.Errorf("silent rule: got %+v", got)
		}
		if n := len(must(db.AlertRules(ctx, f.ws.ID))(t)); n != 4 {
			t.Errorf("AlertRules: got %d, want 4", n)
		}

		// Invalid rules are refused and nothing is written.
		for name, r := range map[string]nps.AlertRule{
			"no name":      {Kind: nps.RuleScore, MaxScore: 6},
			"score 10":     {Name: "x", Kind: nps.RuleScore, MaxScore: 10},
			"drop 0":       {Name: "x", Kind: nps.RuleDrop},
			"no keywords":  {Name: "x", Kind: nps.RuleKeyword},
			"no months":    {Name: "x", Kind: nps.RuleSilent},
			"31 days":      {Name: "x", Kind: nps.RuleScore, MaxScore: 6, FollowUpDays: 31},
			"unknown kind": {Name: "x", Kind: "mood"},
		} {
			var ve *nps.ValidationError
			if _, err := db.CreateAlertRule(ctx, f.ws.ID, r); !errors.As(err, &ve) {
				t.Errorf("CreateAlertRule(%s): got %v, want a validation error", name, err)
			}
			if _, err := db.UpdateAlertRule(ctx, f.ws.ID, created[nps.RuleScore].ID, r); !errors.As(err, &ve) {
				t.Errorf("UpdateAlertRule(%s): got %v, want a validation error", name, err)
			}
		}
		if n := len(must(db.AlertRules(ctx, f.ws.ID))(t)); n != 4 {
			t.Errorf("AlertRules after invalid ones: got %d, want 4", n)
		}
		if got := must(db.AlertRule(ctx, f.ws.ID, created[nps.RuleScore].ID))(t); got.MaxScore != 6 {
			t.Errorf("score rule after invalid updates: got %+v", got)
		}

		// An update may change the kind; the old kind's fields go.
		up := must(db.UpdateAlertRule(ctx, f.ws.ID, created[nps.RuleScore].ID,
			nps.AlertRule{Name: "Big drop", Kind: nps.RuleDrop, MinDrop: 4, MaxScore: 6, FollowUpDays: 3}))(t)
		if up.Kind != nps.RuleDrop || up.MinDrop != 4 || up.MaxScore != 0 || up.Active || up.Name != "Big drop" {
			t.Errorf("UpdateAlertRule: got %+v", up)
		}
		if _, err := db.UpdateAlertRule(ctx, f.ws.ID, 999999, up); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("UpdateAlertRule of no rule: got %v, want not found", err)
		}

		// A rule without alerts is deleted; one with alerts deactivated.
		if ok := must(db.DeleteAlertRule(ctx, f.ws.ID, created[nps.RuleDrop].ID))(t); !ok {
			t.Errorf("DeleteAlertRule of an unused rule: got kept, want deleted")
		}
		if _, err := db.AlertRule(ctx, f.ws.ID, created[nps.RuleDrop].ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("deleted rule: got %v, want not found", err)
		}
		kwRule := created[nps.RuleKeyword]
		insertAlert(t, f, kwRule.ID, testAlert{})
		if ok := must(db.DeleteAlertRule(ctx, f.ws.ID, kwRule.ID))(t); ok {
			t.Errorf("DeleteAlertRule of a rule with alerts: got deleted, want kept")
		}
		if got := must(db.AlertRule(ctx, f.ws.ID, kwRule.ID))(t); got.Active {
			t.Errorf("rule with alerts after delete: got active, want deactivated")
		}
		if _, err := db.DeleteAlertRule(ctx, f.ws.ID, 999999); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("DeleteAlertRule of no rule: got %v, want not found", err)
		}
	})
}
