package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// yearsOf returns an account's stored years as year: cents.
func yearsOf(t *testing.T, db *store.DB, workspaceID, accountID int64) map[int]int64 {
	t.Helper()
	m := map[int]int64{}
	for _, r := range must(db.AccountRevenue(context.Background(), workspaceID, accountID))(t) {
		m[r.Year] = r.RevenueCents
	}
	return m
}

// TestImportRevenue imports revenue per year: a dry run, the apply, the
// same file again, a correction; the annual revenue follows the latest
// year, and another workspace's account of the same external ID is
// untouched.
func TestImportRevenue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		other := newFixture(t, db, "other") // its account is CRM-1 too
		ws, acme := f.ws.ID, f.account.ID
		beta := must(db.CreateAccount(ctx, ws, nps.Account{ExternalID: "CRM-2", Name: "Beta"}))(t)
		file := "Klantnummer;Jaar;Omzet\n" +
			"CRM-1;2023;\"1.000.000,00\"\n" +
			"CRM-1;2024;\"1.200.000,50\"\n" +
			"CRM-2;2024;500\n"

		before := snapshot(t, db)
		dry := importFile(t, db, ws, importer.Revenue, file, store.ImportOptions{DryRun: true})
		want := store.ImportReport{Kind: importer.Revenue, Accounts: store.ImportCounts{Update: 2}, Revenue: store.ImportCounts{Create: 3}}
		if !reflect.DeepEqual(dry, want) {
			t.Errorf("dry run: got %+v, want %+v", dry, want)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("the dry run wrote:\n%s", after)
		}

		applied := importFile(t, db, ws, importer.Revenue, file, store.ImportOptions{})
		want.Applied = true
		if !reflect.DeepEqual(applied, want) {
			t.Errorf("apply: got %+v, want %+v", applied, want)
		}
		if got := yearsOf(t, db, ws, acme); !reflect.DeepEqual(got, map[int]int64{2023: 1_000_000_00, 2024: 1_200_000_50}) {
			t.Errorf("Acme's years: got %v", got)
		}
		// The fixture's 12,500,000.00 gives way to 2024's 1,200,000.50.
		if a := must(db.Account(ctx, ws, acme))(t); a.AnnualRevenueCents != 1_200_000_50 {
			t.Errorf("Acme's annual revenue: got %d, want 120000050", a.AnnualRevenueCents)
		}
		if a := must(db.Account(ctx, ws, beta.ID))(t); a.AnnualRevenueCents != 500_00 {
			t.Errorf("Beta's annual revenue: got %d, want 50000", a.AnnualRevenueCents)
		}
		if o := must(db.Account(ctx, other.ws.ID, other.account.ID))(t); o.AnnualRevenueCents != 12_500_000_00 || len(yearsOf(t, db, other.ws.ID, o.ID)) != 0 {
			t.Errorf("the other workspace's CRM-1 changed: %+v", o)
		}
		// The schema keeps no mapping of revenue imports.
		if _, err := db.ImportMapping(ctx, ws, importer.Revenue); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("ImportMapping of revenue: got %v, want ErrNotFound", err)
		}
		var ve *nps.ValidationError
		if err := db.SaveImportMapping(ctx, ws, importer.Revenue, importer.Mapping{"year": "Jaar"}); !errors.As(err, &ve) {
			t.Errorf("SaveImportMapping of revenue: got %v, want a validation error", err)
		}

		before = snapshot(t, db)
		again := importFile(t, db, ws, importer.Revenue, file, store.ImportOptions{})
		if again.Revenue != (store.ImportCounts{Unchanged: 3}) || again.Accounts != (store.ImportCounts{}) || !again.Applied {
			t.Errorf("the same file again: got %+v, want 3 years unchanged", again)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("the same file again changed the database")
		}

		// A corrected 2024 and an earlier year: the annual revenue is the
		// corrected 2024's.
		fix := importFile(t, db, ws, importer.Revenue, "account,year,revenue\nCRM-1,2024,1300000\nCRM-1,2022,5\n", store.ImportOptions{})
		if fix.Revenue != (store.ImportCounts{Create: 1, Update: 1}) || fix.Accounts != (store.ImportCounts{Update: 1}) || !fix.Applied {
			t.Errorf("correction: got %+v", fix)
		}
		if a := must(db.Account(ctx, ws, acme))(t); a.AnnualRevenueCents != 1_300_000_00 {
			t.Errorf("Acme's annual revenue after the correction: got %d, want 130000000", a.AnnualRevenueCents)
		}
		if got := yearsOf(t, db, ws, acme); len(got) != 3 || got[2022] != 500 || got[2024] != 1_300_000_00 {
			t.Errorf("Acme's years after the correction: got %v", got)
		}
	})
}

// TestImportAccountRevenueYear imports accounts with revenue: the revenue
// is also stored for its year (the year column, else the clock's, 2025),
// and the annual revenue is the latest year's.
func TestImportAccountRevenueYear(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		ws, acme := f.ws.ID, f.account.ID
		beta := must(db.CreateAccount(ctx, ws, nps.Account{ExternalID: "CRM-2", Name: "Beta"}))(t)
		if err := db.UpsertAccountRevenue(ctx, ws, []nps.AccountRevenue{{AccountID: acme, Year: 2024, RevenueCents: 1_300_000_00},
			{AccountID: beta.ID, Year: 2024, RevenueCents: 500_00}}); err != nil {
			t.Fatal(err)
		}

		report := importFile(t, db, ws, importer.Accounts, "Klantnummer;Naam;Omzet;Omzetjaar\n"+
			"CRM-1;Acme;\"1.400.000\";2025\n"+
			"CRM-2;Beta;600;\n"+
			"CRM-9;Nieuw;700;2019\n", store.ImportOptions{})
		want := store.ImportReport{Kind: importer.Accounts, Applied: true, Accounts: store.ImportCounts{Create: 1, Update: 2},
			Revenue: store.ImportCounts{Create: 3}}
		if !reflect.DeepEqual(report, want) {
			t.Fatalf("got %+v, want %+v", report, want)
		}
		nieuw := must(db.FindRefs(ctx, ws, store.Refs{AccountExternalIDs: []string{"CRM-9"}}))(t).AccountByExternalID["CRM-9"]
		for _, c := range []struct {
			name   string
			id     int64
			years  map[int]int64
			annual int64
		}{
			{"Acme", acme, map[int]int64{2024: 1_300_000_00, 2025: 1_400_000_00}, 1_400_000_00},
			{"Beta", beta.ID, map[int]int64{2024: 500_00, 2025: 600_00}, 600_00},
			{"Nieuw", nieuw, map[int]int64{2019: 700_00}, 700_00},
		} {
			if got := yearsOf(t, db, ws, c.id); !reflect.DeepEqual(got, c.years) {
				t.Errorf("%s's years: got %v, want %v", c.name, got, c.years)
			}
			if a := must(db.Account(ctx, ws, c.id))(t); a.AnnualRevenueCents != c.annual {
				t.Errorf("%s's annual revenue: got %d, want %d", c.name, a.AnnualRevenueCents, c.annual)
			}
		}

		// An earlier year is history and an empty cell stores none: both
		// accounts keep their annual revenue, 2025's.
		report = importFile(t, db, ws, importer.Accounts, "Klantnummer;Omzet;Omzetjaar\nCRM-1;1;2020\nCRM-2;;\n", store.ImportOptions{})
		if report.Accounts != (store.ImportCounts{Unchanged: 2}) || report.Revenue != (store.ImportCounts{Create: 1}) {
			t.Errorf("an earlier year and an empty cell: got %+v", report)
		}
		if a := must(db.Account(ctx, ws, acme))(t); a.AnnualRevenueCents != 1_400_000_00 || yearsOf(t, db, ws, acme)[2020] != 100 {
			t.Errorf("Acme after an earlier year: annual %d, years %v", a.AnnualRevenueCents, yearsOf(t, db, ws, acme))
		}

		// Without a year column the revenue is the clock's year's.
		report = importFile(t, db, ws, importer.Accounts, "id;omzet\nCRM-2;650\n", store.ImportOptions{})
		if report.Accounts != (store.ImportCounts{Update: 1}) || report.Revenue != (store.ImportCounts{Update: 1}) {
			t.Errorf("this year's revenue: got %+v", report)
		}
		if got := yearsOf(t, db, ws, beta.ID); got[2025] != 650_00 || len(got) != 2 {
			t.Errorf("Beta's years: got %v, want 2025 corrected to 65000", got)
		}
	})
}
