package nps

import (
	"fmt"
	"time"
)

// Month is a calendar month in UTC written as yyyymm (202503 is March
// 2025): the unit of monthly trends and of the stored score rollup.
type Month int

// MonthOf returns the month of t in UTC.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month(t.Year()*100 + int(t.Month()))
}

// ParseMonth accepts "2025-03".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0, fieldError("month", "%q is not a month like 2025-03", s)
	}
	return MonthOf(t), nil
}

// Valid reports whether m is a month of the years 1 to 9999.
func (m Month) Valid() bool {
	y, mo := int(m)/100, int(m)%100
	return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12
}

// String returns m as "2025-03".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/100, int(m)%100) }
