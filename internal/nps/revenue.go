package nps

// The bounds of an account's revenue in a year. The years are those the
// database accepts; the amount is ten trillion in the workspace's
// currency, far above any company's revenue and far below what int64
// cents hold, so that sums of many accounts stay exact.
const (
	MinRevenueYear  = 1900
	MaxRevenueYear  = 2200
	MaxRevenueCents = 1_000_000_000_000_000
)

// AccountRevenue is an account's revenue in one calendar year, in cents
// of the workspace's currency. The revenue of the following years is what
// shows whether an account that scored an NPS category stayed, grew or
// left; the account's AnnualRevenueCents is that of its latest year.
type AccountRevenue struct {
	AccountID    int64
	Year         int
	RevenueCents int64
}

// Validate reports the first problem with r's fields.
func (r AccountRevenue) Validate() error {
	if r.AccountID <= 0 {
		return fieldError("account_id", "is required")
	}
	if r.Year < MinRevenueYear || r.Year > MaxRevenueYear {
		return fieldError("year", "%d is not a year from %d to %d", r.Year, MinRevenueYear, MaxRevenueYear)
	}
	if r.RevenueCents < 0 {
		return fieldError("revenue", "must not be negative")
	}
	if r.RevenueCents > MaxRevenueCents {
		return fieldError("revenue", "must be at most 10,000,000,000,000 (ten trillion) in the workspace's currency")
	}
	return nil
}
