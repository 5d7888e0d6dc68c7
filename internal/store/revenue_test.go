package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

func TestAccountRevenue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		other := newFixture(t, db, "other")
		f.clock = other.clock // newFixture set db's clock to other's
		ws, acme := f.ws.ID, f.account.ID
		beta := must(db.CreateAccount(ctx, ws, nps.Account{Name: "Beta", AnnualRevenueCents: 7}))(t)
		quiet := must(db.CreateAccount(ctx, ws, nps.Account{Name: "Quiet", AnnualRevenueCents: 3}))(t)
		years := func(id int64) []nps.AccountRevenue { return must(db.AccountRevenue(ctx, ws, id))(t) }
		annual := func(id int64) nps.Account { return must(db.Account(ctx, ws, id))(t) }

		// Acme's two years and Beta's one: each account's annual revenue
		// becomes its latest year's.
		f.clock.add(time.Hour)
		upsert(t, db.UpsertAccountRevenue(ctx, ws, []nps.AccountRevenue{
			{AccountID: acme, Year: 2023, RevenueCents: 100_000_00},
			{AccountID: acme, Year: 2024, RevenueCents: 200_000_00},
			{AccountID: beta.ID, Year: 2024, RevenueCents: 0},
		}))
		want := []nps.AccountRevenue{{AccountID: acme, Year: 2024, RevenueCents: 200_000_00}, {AccountID: acme, Year: 2023, RevenueCents: 100_000_00}}
		if got := years(acme); !reflect.DeepEqual(got, want) {
			t.Errorf("Acme's years: got %+v, want %+v", got, want)
		}
		if a := annual(acme); a.AnnualRevenueCents != 200_000_00 || !a.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("Acme: annual revenue %d updated %v, want 20000000 at %v", a.AnnualRevenueCents, a.UpdatedAt, t0.Add(time.Hour))
		}
		if a := annual(beta.ID); a.AnnualRevenueCents != 0 {
			t.Errorf("Beta: annual revenue %d, want 0 (its 2024)", a.AnnualRevenueCents)
		}
		if got := years(quiet.ID); len(got) != 0 {
			t.Errorf("an account without years: got %+v", got)
		}
		if a := annual(quiet.ID); a.AnnualRevenueCents != 3 {
			t.Errorf("an account not written: annual revenue %d, want its own 3", a.AnnualRevenueCents)
		}

		// An earlier year is history: the annual revenue stays 2024's,
		// and the account is not touched.
		f.clock.add(time.Hour)
		upsert(t, db.UpsertAccountRevenue(ctx, ws, []nps.AccountRevenue{{AccountID: acme, Year: 2022, RevenueCents: 999}}))
		if a := annual(acme); a.AnnualRevenueCents != 200_000_00 || !a.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("after an earlier year: annual revenue %d updated %v, want 20000000 at %v", a.AnnualRevenueCents, a.UpdatedAt, t0.Add(time.Hour))
		}
		// A corrected latest year replaces it, and so the annual revenue.
		upsert(t, db.UpsertAccountRevenue(ctx, ws, []nps.AccountRevenue{{AccountID: acme, Year: 2024, RevenueCents: 150_000_00}}))
		if a := annual(acme); a.AnnualRevenueCents != 150_000_00 || !a.UpdatedAt.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("after correcting 2024: annual revenue %d updated %v, want 15000000 at %v", a.AnnualRevenueCents, a.UpdatedAt, t0.Add(2*time.Hour))
		}
		want = []nps.AccountRevenue{{AccountID: acme, Year: 2024, RevenueCents: 150_000_00},
			{AccountID: acme, Year: 2023, RevenueCents: 100_000_00}, {AccountID: acme, Year: 2022, RevenueCents: 999}}
		if got := years(acme); !reflect.DeepEqual(got, want) {
			t.Errorf("Acme's years after the corrections: got %+v, want %+v", got, want)
		}

		// Refused as a whole: nothing of a batch with one bad item is
		// written.
		var ve *nps.ValidationError
		good := nps.AccountRevenue{AccountID: acme, Year: 2025, RevenueCents: 1}
		for _, c := range []struct {
			name  string
			rs    []nps.AccountRevenue
			check func(error) bool
		}{
			{"another workspace's account", []nps.AccountRevenue{good, {AccountID: other.account.ID, Year: 2025, RevenueCents: 1}},
				func(err error) bool { return errors.Is(err, nps.ErrNotFound) }},
			{"an unknown account", []nps.AccountRevenue{good, {AccountID: 999_999, Year: 2025}},
				func(err error) bool { return errors.Is(err, nps.ErrNotFound) }},
			{"a year twice", []nps.AccountRevenue{good, {AccountID: beta.ID, Year: 2025}, {AccountID: acme, Year: 2025, RevenueCents: 2}},
				func(err error) bool { return errors.As(err, &ve) && ve.Field == "year" }},
			{"a year out of range", []nps.AccountRevenue{good, {AccountID: acme, Year: 1899}},
				func(err error) bool { return errors.As(err, &ve) && ve.Field == "year" }},
			{"a negative revenue", []nps.AccountRevenue{good, {AccountID: acme, Year: 2026, RevenueCents: -1}},
				func(err error) bool { return errors.As(err, &ve) && ve.Field == "revenue" }},
		} {
			if err := db.UpsertAccountRevenue(ctx, ws, c.rs); !c.check(err) {
				t.Errorf("%s: got %v", c.name, err)
			}
		}
		if got := years(acme); len(got) != 3 || got[0].Year != 2024 {
			t.Errorf("after the refused batches: Acme's years %+v, want 2024, 2023 and 2022 only", got)
		}
		if got := must(db.AccountRevenue(ctx, other.ws.ID, other.account.ID))(t); len(got) != 0 {
			t.Errorf("the other workspace's account: got years %+v", got)
		}
		if _, err := db.AccountRevenue(ctx, ws, other.account.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("AccountRevenue of another workspace's account: got %v, want ErrNotFound", err)
		}
		upsert(t, db.UpsertAccountRevenue(ctx, ws, nil))
	})
}

// More rows than one statement holds (256 + 4 + 1 of bulkGroups) are
// written in groups, in one transaction.
func TestAccountRevenueGroups(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "acme")
		var rs []nps.AccountRevenue
		for y := 1900; y < 1900+261; y++ {
			rs = append(rs, nps.AccountRevenue{AccountID: f.account.ID, Year: y, RevenueCents: int64(y) * 100})
		}
		upsert(t, db.UpsertAccountRevenue(ctx, f.ws.ID, rs))
		got := must(db.AccountRevenue(ctx, f.ws.ID, f.account.ID))(t)
		if len(got) != 261 || got[0].Year != 2160 || got[260].Year != 1900 || got[0].RevenueCents != 216_000 {
			t.Errorf("got %d years from %+v to %+v, want 261 from 2160 (216000) to 1900", len(got), got[0], got[len(got)-1])
		}
		if a := must(db.Account(ctx, f.ws.ID, f.account.ID))(t); a.AnnualRevenueCents != 216_000 {
			t.Errorf("annual revenue: got %d, want 2160's 216000", a.AnnualRevenueCents)
		}
	})
}

// upsert fails the test when an UpsertAccountRevenue that must succeed
// did not.
func upsert(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("UpsertAccountRevenue: got %v, want none", err)
	}
}
