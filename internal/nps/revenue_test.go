package nps

import (
	"errors"
	"testing"
)

func TestAccountRevenueValidate(t *testing.T) {
	tests := []struct {
		name  string
		r     AccountRevenue
		field string // "" when valid
	}{
		{"ordinary", AccountRevenue{AccountID: 1, Year: 2025, RevenueCents: 125_000_000}, ""},
		{"zero revenue", AccountRevenue{AccountID: 1, Year: 2025}, ""},
		{"first year", AccountRevenue{AccountID: 1, Year: 1900, RevenueCents: 1}, ""},
		{"last year", AccountRevenue{AccountID: 1, Year: 2200, RevenueCents: 1}, ""},
		{"largest amount", AccountRevenue{AccountID: 1, Year: 2025, RevenueCents: MaxRevenueCents}, ""},
		{"no account", AccountRevenue{Year: 2025}, "account_id"},
		{"year before 1900", AccountRevenue{AccountID: 1, Year: 1899}, "year"},
		{"year after 2200", AccountRevenue{AccountID: 1, Year: 2201}, "year"},
		{"two-digit year", AccountRevenue{AccountID: 1, Year: 25}, "year"},
		{"negative", AccountRevenue{AccountID: 1, Year: 2025, RevenueCents: -1}, "revenue"},
		{"above the bound", AccountRevenue{AccountID: 1, Year: 2025, RevenueCents: MaxRevenueCents + 1}, "revenue"},
	}
	for _, tt := range tests {
		err := tt.r.Validate()
		var ve *ValidationError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %+v: got %v, want valid", tt.name, tt.r, err)
		case tt.field != "" && (!errors.As(err, &ve) || ve.Field != tt.field):
			t.Errorf("%s: %+v: got %v, want a validation error of %s", tt.name, tt.r, err, tt.field)
		}
	}
	if got := (AccountRevenue{AccountID: 1, Year: 1850}).Validate().Error(); got != "year: 1850 is not a year from 1900 to 2200" {
		t.Errorf("message: got %q", got)
	}
}
