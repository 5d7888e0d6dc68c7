package importer

import (
	"testing"
	"time"
)

func TestParseCents(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // -1: refused
	}{
		{"1234", 123400}, {"1234,5", 123450}, {"1234.5", 123450}, {"1.234,56", 123456}, {"1,234.56", 123456},
		{"1.234.567", 123456700}, {"1,234,567", 123456700}, {"1.500", 150000}, {"1,500", 150000},
		{"€ 1.234,56", 123456}, {"1 234,56", 123456}, {"EUR 12", 1200}, {"0", 0}, {"12,05", 1205},
		{"-5", -1}, {"1,2345", -1}, {"1.23.456", -1}, {"12a", -1}, {"", -1}, {"1.234.56", -1}, {"1,234,56", -1},
		{"99999999999999999", -1}, {",5", -1},
	}
	for _, tt := range tests {
		got, err := parseCents(tt.in, false)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("parseCents(%q): got %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseCents(%q): got %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	if got, err := parseCents("1234.5", true); err != nil || got != 123450 {
		t.Errorf("spreadsheet number: got %d, %v", got, err)
	}
}

func TestParseDate(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2025, 3, 1, 14, 30, 0, 0, time.UTC)
	tests := []struct {
		in          string
		spreadsheet bool
		want        time.Time
	}{
		{"2025-03-01", false, day},
		{"1-3-2025", false, day},
		{"01-03-2025", false, day},
		{"1/3/2025", false, day},
		{"2025-03-01T14:30:00Z", false, at},
		{"2025-03-01T16:30:00+02:00", false, at},
		{"2025-03-01 14:30", false, at},
		{"2025-03-01 14:30:00 UTC", false, at},
		{"2025-03-01 06:30:00 -0800", false, at},
		{"1-3-2025 14:30", false, at},
		{"1740839400", false, at},
		{"45717", true, day},
		{"45717.6041666667", true, at},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in, tt.spreadsheet)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q): got %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"13/13/2025", "2025-02-30", "yesterday", "45717", "3/1/25", "2025-03-01 14:30 CET"} {
		if got, err := parseDate(in, false); err == nil {
			t.Errorf("parseDate(%q): got %v, want an error", in, got)
		}
	}
}

func TestIsFormula(t *testing.T) {
	for _, s := range []string{"=1+1", "=", "+SUM(A1:A2)", "-A1", "@SUM(1)", "+=1", "-cmd|' /C calc'!A0", "- HYPERLINK(\"x\")", "+$B$2"} {
		if !isFormula(s) {
			t.Errorf("isFormula(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"-", "--", "-5", "-1.234,56", "+31 6 1234 5678", "+31 (0)20-123 4567", "- too expensive", "@home", "-Jan was great", "Anna", "", "a=b"} {
		if isFormula(s) {
			t.Errorf("isFormula(%q) = true, want false", s)
		}
	}
}
