package importer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The readers of single cells. Each returns a message without the line
// and column, which the caller adds; the message quotes the value.

// formulaPattern is what follows a leading + - or @ in a cell that a
// spreadsheet would run as a formula: another operator, a function call
// (SUM(, HYPERLINK(), a cell reference (A1, $B$2) or a DDE pipe.
var formulaPattern = regexp.MustCompile(`^([=+\-@]\S|[A-Za-z_][A-Za-z0-9_.]*\s*\(|\$?[A-Za-z]{1,3}\$?[0-9]+)|\|`)

// isFormula reports a cell that a spreadsheet would run as a formula if
// the value were exported again: one that starts with =, or with + - @
// followed by something formula-like. Plain numbers ("-5", "+31 6 1234
// 5678"), a lone dash and text such as "- too expensive" or "@home" are
// not formulas.
func isFormula(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=':
		return true
	case '+', '-', '@':
		rest := strings.TrimSpace(s[1:])
		return rest != "" && !numberLike(rest) && formulaPattern.MatchString(rest)
	}
	return false
}

// numberLike reports digits with the punctuation of amounts and phone
// numbers.
func numberLike(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" .,()/-", r):
		default:
			return false
		}
	}
	return digit
}

// parseScore reads a score: a whole number from 0 to 10, nothing else
// ("10,5", "9.0" and "nine" are refused, so no score is ever guessed).
func parseScore(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10 || len(s) > 2 {
		return 0, fmt.Errorf("%q is not a score: use a whole number from 0 to 10", s)
	}
	return n, nil
}

// parseYear reads a calendar year: four digits, nothing else, so that
// neither a date nor "25" is taken for one.
func parseYear(s string) (int, error) {
	if len(s) != 4 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a year: write it with four digits, like 2025", s)
	}
	return strconv.Atoi(s)
}

// maxCents bounds an amount: ten trillion in the workspace's currency.
const maxCents = 1e15

// ParseAmount reads an amount of money typed in a form as cents, in
// either decimal style (see parseCents).
func ParseAmount(s string) (int64, error) { return parseCents(strings.TrimSpace(s), false) }

// parseCents reads an amount of money as cents. Either a comma or a point
// may be the decimal separator, and the other groups thousands:
// "1.234,56", "1,234.56", "1234,5" and "1234.5" all work. A single
// separator followed by exactly three digits groups thousands ("1.500"
// is 1500), since money has no third decimal. A currency sign and spaces
// are ignored; a negative amount is refused. In a spreadsheet a cell
// holding a number is read as the number it is.
func parseCents(s string, spreadsheet bool) (int64, error) {
	orig := s
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%q is not an amount%s; write it like 1234,56 or 1.234.567", orig, why)
	}
	if spreadsheet {
		if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, ",") {
			if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || f*100 > maxCents {
				return bad(" of revenue")
			}
			return int64(math.Round(f * 100)), nil
		}
	}
	for _, sign := range []string{"€", "EUR", "$", "USD", "£", "GBP"} {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, sign), sign))
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	if strings.HasPrefix(s, "-") {
		return bad(" of revenue: it must not be negative")
	}
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return bad("")
	}
	dec, thou := decimalSeparator(s)
	whole, frac := s, ""
	if dec != "" {
		whole, frac, _ = strings.Cut(s, dec)
	}
	if strings.ContainsAny(frac, ".,") {
		return bad("")
	}
	if len(frac) > 2 {
		return bad(" in cents: it has more than two decimals")
	}
	if thou != "" && strings.Contains(whole, thou) {
		groups := strings.Split(whole, thou)
		for i, g := range groups {
			if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return bad(" (its thousands are not grouped by three)")
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" || strings.ContainsAny(whole, ".,") || len(whole) > 13 {
		return bad("")
	}
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return bad("")
	}
	cents, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return units*100 + cents, nil
}

// decimalSeparator returns the decimal and the thousands separator of an
// amount; either may be "".
func decimalSeparator(s string) (dec, thou string) {
	dot, comma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
	switch {
	case dot >= 0 && comma >= 0:
		if dot > comma {
			return ".", ","
		}
		return ",", "."
	case dot < 0 && comma < 0:
		return "", ""
	}
	sep := "."
	if comma >= 0 {
		sep = ","
	}
	if strings.Count(s, sep) > 1 || len(s)-strings.LastIndex(s, sep)-1 == 3 {
		return "", sep
	}
	return sep, ""
}

// dateLayouts are the dates read, tried in order: ISO 8601 with or
// without a time and zone, Delighted's export ("2024-04-18 05:34:20
// -0700"), and the Dutch day-month-year with - or /. A time without a
// zone is UTC.
var dateLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2-1-2006 15:04:05",
	"2-1-2006 15:04",
	"2-1-2006",
	"2/1/2006 15:04:05",
	"2/1/2006 15:04",
	"2/1/2006",
}

var serialPattern = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]+)?$`)

// parseDate reads a date or a time, in UTC. In a spreadsheet a number is
// a serial day (Excel's 1900 system); a number of ten digits is a Unix
// time in seconds, as APIs give it.
func parseDate(s string, spreadsheet bool) (time.Time, error) {
	if len(s) == 10 && strings.Trim(s, "0123456789") == "" {
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.Unix(n, 0).UTC(), nil
	}
	if spreadsheet && serialPattern.MatchString(s) {
		f, _ := strconv.ParseFloat(s, 64)
		if t, err := excelize.ExcelDateToTime(f, false); err == nil && f >= 1 {
			return t.UTC().Truncate(time.Second), nil
		}
	}
	v := s
	for _, utc := range []string{" UTC", " GMT"} {
		v = strings.TrimSuffix(v, utc)
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			if t.Year() < 1900 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date like 2025-03-01, 2025-03-01 14:30, 1-3-2025 or 1/3/2025 (day first)", s)
}

// parseOptOut reads an opted-out cell: yes or no in English or Dutch, or
// the date of the opt-out. It reports whether the contact opted out and,
// when the cell gives it, when.
func parseOptOut(s string, spreadsheet bool) (bool, time.Time, error) {
	switch strings.ToLower(s) {
	case "", "no", "nee", "n", "false", "onwaar", "0":
		return false, time.Time{}, nil
	case "yes", "ja", "y", "j", "true", "waar", "1", "x", "opted out", "opted-out", "unsubscribed", "afgemeld", "uitgeschreven":
		return true, time.Time{}, nil
	}
	t, err := parseDate(s, spreadsheet)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("%q is neither yes/no (ja/nee) nor the date of the opt-out", s)
	}
	return true, t, nil
}
