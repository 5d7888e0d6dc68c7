package web

import (
	"context"
	"net/url"
	"reflect"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestAPIRevenue writes and reads an account's revenue per year: amounts
// as strings in either decimal style and as numbers, the annual revenue
// following the latest year, every refused year listed with nothing
// stored, and another workspace's account as not found.
func TestAPIRevenue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAPIFixture(t, db)
		odd := appMust(db.CreateAccount(ctx, f.ws.ID, nps.Account{ExternalID: "KL/7 ü", Name: "Slash BV"}))(t)
		path := "/api/v1/accounts/CRM-1/revenue"
		f.run(t, []apiScenario{
			{name: "no years yet", method: "GET", path: path, status: 200,
				want: []string{`"account_external_id": "CRM-1"`, `"annual_revenue": "0.00"`, `"revenue": []`}},
			{name: "store three years", method: "PUT", path: path, status: 200,
				body: `{"revenue": [{"year": 2024, "revenue": "1100000.50"}, {"year": 2025, "revenue": "1250000.00"}, {"year": 2023, "revenue": 999.5}]}`,
				want: []string{`"annual_revenue": "1250000.00"`, `"revenue": [
    {
      "year": 2025,
      "revenue": "1250000.00"
    },
    {
      "year": 2024,
      "revenue": "1100000.50"
    },
    {
      "year": 2023,
      "revenue": "999.50"
    }
  ]`}},
			// A JSON number's point is the decimal sign: 1.500 is 1.50.
			{name: "a number with three decimals, the last zero", method: "PUT", path: path, status: 200,
				body: `{"revenue": [{"year": 2022, "revenue": 1.500}]}`, want: []string{`"year": 2022,
      "revenue": "1.50"`, `"annual_revenue": "1250000.00"`}},
			// A string is read as plainly: no grouping is guessed.
			{name: "a string with a grouping point", method: "PUT", path: path, status: 422,
				body: `{"revenue": [{"year": 2022, "revenue": "1250.500"}]}`, want: []string{`is not an amount like 1250000.00`}},
			{name: "a correction of the latest year", method: "PUT", path: path, status: 200,
				body: `{"revenue": [{"year": 2025, "revenue": "1300000"}]}`, want: []string{`"annual_revenue": "1300000.00"`}},
			{name: "every bad year, nothing stored", method: "PUT", path: path, status: 422,
				body: `{"revenue": [{"year": 2026, "revenue": "5"}, {"year": 1850, "revenue": "1.234,567"}, {"year": 2027, "revenue": "-5"},
					{"year": "2028", "revenue": "5"}, {"year": 2029}, {"year": 2026, "revenue": 7}, {"year": 2030, "revenue": 1.234}, {"year": 2026, "revenue": 8},
					{"year": 2031, "revenue": "veel"}, {"year": 2032, "revenue": 1e3}, {"year": 2033, "revenue": "1", "currency": "EUR"}]}`,
				want: []string{`"detail": "10 of the years are not acceptable; none was stored"`,
					`"index": 1,
      "field": "year",
      "detail": "1850 is not a year from 1900 to 2200"
    },
    {
      "index": 1,
      "field": "revenue",
      "detail": "\"1.234,567\" is not an amount like 1250000.00`,
					`"index": 2,
      "field": "revenue",
      "detail": "\"-5\" is not an amount like 1250000.00`,
					`"index": 3,
      "field": "year",
      "detail": "must be a whole number, got string"`,
					`"index": 4,
      "field": "revenue",
      "detail": "is required`,
					`"index": 5,
      "field": "year",
      "detail": "2026 is given twice, also at index 0"`,
					`"index": 6,
      "field": "revenue",
      "detail": "\"1.234\" is not an amount like 1250000.00`,
					`"index": 7,
      "field": "year",
      "detail": "2026 is given twice, also at index 0"`,
					`"index": 8,
      "field": "revenue",
      "detail": "\"veel\" is not an amount`,
					`"index": 9,
      "field": "revenue",
      "detail": "\"1e3\" is not an amount like 1250000.00`,
					`"index": 10,
      "field": "currency",
      "detail": "is not a field of this request"`}},
			{name: "no years", method: "PUT", path: path, body: `{"revenue": []}`, status: 422,
				want: []string{`"field": "revenue"`, "must hold 1 to 301 years, got 0"}},
			{name: "not a list", method: "PUT", path: path, body: `{"revenue": {"year": 2025}}`, status: 422,
				want: []string{`"field": "revenue"`, "must be an array"}},
			{name: "another field", method: "PUT", path: path, body: `{"revenue": [{"year": 2025, "revenue": "1"}], "name": "x"}`, status: 422,
				want: []string{`"field": "name"`}},
			{name: "not JSON", method: "PUT", path: path, body: "year=2025", status: 415, reqHeader: []string{"Content-Type", "text/plain"}},
			{name: "an unknown account", method: "PUT", path: "/api/v1/accounts/NOPE/revenue", body: `{"revenue": []}`, status: 404,
				want: []string{`no account of this workspace has the external ID \"NOPE\"`}},
			{name: "an unknown account's years", method: "GET", path: "/api/v1/accounts/NOPE/revenue", status: 404},
			{name: "another workspace's token", method: "GET", path: path, token: "other", status: 404},
			{name: "another workspace's token writing", method: "PUT", path: path, token: "other", status: 404,
				body: `{"revenue": [{"year": 2025, "revenue": "1"}]}`},
			{name: "an external ID with a slash", method: "PUT", path: "/api/v1/accounts/" + url.PathEscape(odd.ExternalID) + "/revenue", status: 200,
				body: `{"revenue": [{"year": 2025, "revenue": "12.5"}]}`, want: []string{`"account_external_id": "KL/7 ü"`, `"revenue": "12.50"`}},
			{name: "method not allowed", method: "DELETE", path: path, status: 405, header: map[string]string{"Allow": "GET, PUT"}},
		})
		want := []nps.AccountRevenue{{AccountID: f.account.ID, Year: 2025, RevenueCents: 1_300_000_00}, {AccountID: f.account.ID, Year: 2024, RevenueCents: 1_100_000_50},
			{AccountID: f.account.ID, Year: 2023, RevenueCents: 999_50}, {AccountID: f.account.ID, Year: 2022, RevenueCents: 150}}
		if got := appMust(db.AccountRevenue(ctx, f.ws.ID, f.account.ID))(t); !reflect.DeepEqual(got, want) {
			t.Errorf("stored years: got %+v, want %+v", got, want)
		}
		if a := appMust(db.Account(ctx, f.ws.ID, f.account.ID))(t); a.AnnualRevenueCents != 1_300_000_00 {
			t.Errorf("annual revenue: got %d, want 130000000", a.AnnualRevenueCents)
		}
	})
}
