package i18n

import "testing"

func TestNumbers(t *testing.T) {
	en, nl := NewNumbers("en"), NewNumbers("nl")
	tests := []struct {
		name   string
		got    func(Numbers) string
		en, nl string
	}{
		{"grouped", func(v Numbers) string { return v.Grouped(30_000_000) }, "30,000,000", "30.000.000"},
		{"grouped negative", func(v Numbers) string { return v.Grouped(-1234) }, "-1,234", "-1.234"},
		{"grouped small", func(v Numbers) string { return v.Grouped(999) }, "999", "999"},
		{"decimal", func(v Numbers) string { return v.Decimal(2.50, 2) }, "2.5", "2,5"},
		{"decimal whole", func(v Numbers) string { return v.Decimal(3.0004, 2) }, "3", "3"},
		{"decimal minus zero", func(v Numbers) string { return v.Decimal(-0.001, 2) }, "0", "0"},
		{"fixed", func(v Numbers) string { return v.Fixed(0.42886, 4) }, "0.4289", "0,4289"},
		{"fixed minus zero", func(v Numbers) string { return v.Fixed(-0.00001, 3) }, "0.000", "0,000"},
		{"fixed negative", func(v Numbers) string { return v.Fixed(-1.5, 1) }, "-1.5", "-1,5"},
		{"EUR", func(v Numbers) string { return v.EUR(3_000_000_000) }, "EUR 30,000,000", "EUR 30.000.000"},
		{"EUR cents", func(v Numbers) string { return v.EURAmount(123450) }, "EUR 1,234.50", "EUR 1.234,50"},
		{"EUR half cent", func(v Numbers) string { return v.EURAmount(-0.5) }, "EUR -0.01", "EUR -0,01"},
		{"EUR range", func(v Numbers) string { return v.EURRange(210_000_000, 270_000_000) }, "EUR 2,100,000 – 2,700,000", "EUR 2.100.000 – 2.700.000"},
		{"EUR range equal", func(v Numbers) string { return v.EURRange(100, 100.2) }, "EUR 1", "EUR 1"},
		{"pct", func(v Numbers) string { return v.Pct(0.125) }, "12.5 %", "12,5 %"},
		{"signed pct", func(v Numbers) string { return v.SignedPct(0.07) }, "+7 %", "+7 %"},
		{"signed pct zero", func(v Numbers) string { return v.SignedPct(0) }, "0 %", "0 %"},
		{"pct range", func(v Numbers) string { return v.PctRange(0.018, 0.404) }, "1.8–40.4 %", "1,8–40,4 %"},
		{"formula pct", func(v Numbers) string { return v.FormulaPct(0.04167) }, "4.17 %", "4,17 %"},
		{"formula pct range", func(v Numbers) string { return v.FormulaPctRange(0.1, 0.15) }, "10–15 %", "10–15 %"},
		{"formula pct range equal", func(v Numbers) string { return v.FormulaPctRange(0.03, 0.03) }, "3 %", "3 %"},
		{"factor", func(v Numbers) string { return v.Factor(1) }, "1.0", "1,0"},
		{"factor decimals", func(v Numbers) string { return v.Factor(0.45) }, "0.45", "0,45"},
		{"reduction", func(v Numbers) string { return v.ReductionTerm(0.1, 0.15, 1) }, "10–15 % × 1.0", "10–15 % × 1,0"},
		{"reduction capped", func(v Numbers) string { return v.ReductionTerm(0.1, 0.15, 8) }, "min(100 %, 10–15 % × 8.0)", "min(100 %, 10–15 % × 8,0)"},
	}
	for _, tt := range tests {
		if got := tt.got(en); got != tt.en {
			t.Errorf("%s in English: got %q, want %q", tt.name, got, tt.en)
		}
		if got := tt.got(nl); got != tt.nl {
			t.Errorf("%s in Dutch: got %q, want %q", tt.name, got, tt.nl)
		}
	}
}
