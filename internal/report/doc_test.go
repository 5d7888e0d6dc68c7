package report

import (
	"bytes"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
)

// TestValidate refuses reports that contradict themselves, and writes
// nothing for them in either format.
func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Report)
		want   string
	}{
		{"language", func(r *Report) { r.Lang = "de" }, `language "de"`},
		{"no language", func(r *Report) { r.Lang = "" }, `language ""`},
		{"histogram", func(r *Report) { r.Score.Histogram[10]++ }, "the histogram counts 121 responses"},
		{"negative count", func(r *Report) { r.Score.Histogram[3] = -1 }, "negative count -1 for score 3"},
		{"verbatim score", func(r *Report) { r.Verbatims[0].Score = 11 }, "verbatim 1: score 11"},
		{"risk score", func(r *Report) { r.AtRisk[2].Score = -1 }, "account at risk 3: score -1"},
		{"invited", func(r *Report) { r.Score.Invited = -5 }, "must not be negative"},
		{"chart", func(r *Report) { r.Charts.Trend = "<script>alert(1)</script>" }, "the trend chart is not an SVG"},
		{"calculator", func(r *Report) { r.Money.Calculator.Steps = r.Money.Calculator.Steps[:2] }, "the calculator has 2 steps, want 4"},
		{"growth", func(r *Report) { r.Money.Growth.Steps = nil }, "earned growth has 0 steps, want 4"},
	}
	for _, tt := range tests {
		r := fixture(t, "en")
		tt.change(&r)
		for format, write := range map[string]func(*bytes.Buffer, Report) error{
			"HTML": func(b *bytes.Buffer, r Report) error { return HTML(b, r) },
			"PDF":  func(b *bytes.Buffer, r Report) error { return PDF(b, r) },
		} {
			var b bytes.Buffer
			err := write(&b, r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s %s: got error %v, want one saying %q", format, tt.name, err, tt.want)
			}
			if b.Len() > 0 {
				t.Errorf("%s %s: wrote %d bytes of a report it refused", format, tt.name, b.Len())
			}
		}
	}
}

// TestTablesShape checks every table of every fixture: a header cell,
// an alignment and a width per column, and each row as wide as the
// header; and no section without a block.
func TestTablesShape(t *testing.T) {
	for name, r := range map[string]Report{
		"en": fixture(t, "en"), "nl": fixture(t, "nl"), "empty": emptyFixture("en"), "hostile": hostileFixture(t),
	} {
		d, err := build(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Sections) != 12 {
			t.Errorf("%s: %d sections, want 12", name, len(d.Sections))
		}
		for _, s := range d.Sections {
			if len(s.Blocks) == 0 {
				t.Errorf("%s: section %d %q is empty", name, s.Number, s.Title)
			}
			for _, b := range s.Blocks {
				tb := b.Table
				if tb == nil {
					continue
				}
				cols := len(tb.Head)
				if len(tb.Num) != cols || len(tb.Widths) != cols || tb.Caption == "" || len(tb.Rows) == 0 {
					t.Errorf("%s: table %q: %d columns, %d alignments, %d widths, %d rows", name, tb.Caption, cols, len(tb.Num), len(tb.Widths), len(tb.Rows))
				}
				for i, row := range append(tb.Rows, tb.Total) {
					if (i < len(tb.Rows) || tb.Total != nil) && len(row) != cols {
						t.Errorf("%s: table %q row %d has %d cells, want %d", name, tb.Caption, i+1, len(row), cols)
					}
				}
			}
		}
	}
}

// TestEmptyReport checks that a wave without responses says so, and
// never shows an NPS of 0.
func TestEmptyReport(t *testing.T) {
	d, err := build(emptyFixture("en"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(docText(d), "\n")
	for _, want := range []string{"no responses", "Nobody answered in this wave", "The survey's first wave", "No revenue was imported", "nothing to calculate"} {
		if !strings.Contains(text, want) {
			t.Errorf("the empty report lacks %q", want)
		}
	}
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			for _, c := range b.Cards {
				if c.Value == "0" || c.Value == "+0" {
					t.Errorf("the summary's %q shows %q for no responses", c.Label, c.Value)
				}
			}
			if b.Kind == kindTable {
				t.Errorf("section %d of the empty report has the table %q", s.Number, b.Table.Caption)
			}
		}
	}
}

// TestSummary checks the figures and readings of the management summary.
func TestSummary(t *testing.T) {
	d, err := build(fixture(t, "en"))
	if err != nil {
		t.Fatal(err)
	}
	cards := d.Sections[0].Blocks[0].Cards
	want := []struct{ label, value, reading string }{
		{"Net Promoter Score", "+18", "Positive beyond chance"},
		{"Change versus last wave", "+28", "A real rise"},
		{"Response rate", "40 %", "Accounts that answered: 76.9 %"},
		{"Pulls the score down most", "Price", "In 27 % of the comments"},
		{"Pulls the score down next", "Response time", "their NPS is -58"},
		{"Lifts the score most", "Customer service", "their NPS is +69"},
		{"Revenue at risk", "EUR 8,275,000", "Detractor accounts"},
		{"Improvement plans", "6 of 10 done", "3 actions are overdue."},
	}
	if len(cards) != len(want) {
		t.Fatalf("%d cards, want %d", len(cards), len(want))
	}
	for i, w := range want {
		c := cards[i]
		if c.Label != w.label || c.Value != w.value || !strings.Contains(c.Reading, w.reading) {
			t.Errorf("card %d: got %q %q %q, want %q %q %q…", i+1, c.Label, c.Value, c.Reading, w.label, w.value, w.reading)
		}
	}

	r := fixture(t, "en")
	r.Score.ChangeSmall, r.Score.Change.Significant = true, true
	d, _ = build(r)
	if got := d.Sections[0].Blocks[0].Cards[1].Reading; got != "Too few responses to test the change." {
		t.Errorf("a small change reads %q, want it not tested", got)
	}
}

// TestAppendixInterval checks that the appendix's arithmetic ends where
// the statistics did, for each interval method and with and without a
// known population.
func TestAppendixInterval(t *testing.T) {
	for _, o := range []nps.Options{{}, {Method: nps.Wald}, {Population: 300}, {Method: nps.Wald, Population: 130}, {Confidence: 0.9}} {
		r := fixture(t, "en")
		res, err := nps.Estimate(wave2025, o)
		if err != nil {
			t.Fatal(err)
		}
		r.Score.Result = res
		b := builder{r: r, w: must(newWords("en"))}
		f := b.formulas()
		f.scoreRows()
		want := span(b.w.fixed(res.Low, 2), b.w.fixed(res.High, 2))
		found := false
		for _, row := range f.t.Rows {
			if row[0] == "Interval" {
				found = true
				// The result column is the interval as the dashboard shows it:
				// whole points with their sign, independent of the words.
				shown := nps.Signed(nps.RoundHalfAway(res.Low)) + "\u00a0…\u00a0" + nps.Signed(nps.RoundHalfAway(res.High))
				if !strings.HasSuffix(row[2], "= "+want) || row[3] != shown {
					t.Errorf("%+v: the interval row reads %q → %q, want it to end in %q → %q", o, row[2], row[3], want, shown)
				}
			}
		}
		if !found {
			t.Errorf("%+v: no interval row", o)
		}
	}
}

// TestAppendixTheme checks the worked theme effect against nps: the
// example of docs/STATISTICS.md.
func TestAppendixTheme(t *testing.T) {
	all := nps.Histogram{0, 0, 0, 0, 0, 10, 12, 18, 20, 20, 20}
	commented := nps.Histogram{0, 0, 0, 0, 0, 10, 10, 5, 5, 10, 10}
	price := nps.Histogram{0, 0, 0, 0, 0, 5, 5, 1, 2, 1, 1}
	ti := must(nps.ThemeEffect(all, commented, price, nps.Options{}))
	r := fixture(t, "en")
	r.Score.Histogram = all
	r.Score.Result = must(nps.Estimate(all, nps.Options{}))
	r.Themes = []Theme{{Name: "Price", Impact: ti}}
	b := builder{r: r, w: must(newWords("en"))}
	f := b.formulas()
	f.themeRows()
	got := map[string][]string{}
	for _, row := range f.t.Rows {
		got[row[0]] = row
	}
	for figure, want := range map[string]string{
		"NPS with “Price”":       "100 · (2 − 10) / 15 = -53.33",
		"NPS without “Price”":    "100 · (38 − 12) / 85 = 30.59",
		"Effect of “Price”":      "18.00 − 30.59 = -12.59",
		"SE of the effect":       "100 · (15 / 100) · √(0.5525 / 18 + 0.4979 / 88)",
		"Interval of the effect": "-12.59 ± 1.960 · 2.86",
	} {
		if row := got[figure]; row == nil || row[2] != want {
			t.Errorf("%s: got %q, want %q", figure, row, want)
		}
	}
	if row := got["SE of the effect"]; row == nil || row[3] != "2.86" {
		t.Errorf("SE of the effect: got %q, want 2.86 (docs/STATISTICS.md)", row)
	}
}

// TestBrand checks the colours and the logo a workspace may set.
func TestBrand(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"#7B2D8E", "#7b2d8e"}, {"", defaultColour}, {"red", defaultColour}, {"#12345", defaultColour},
		{"#1234567", defaultColour}, {"#12345g", defaultColour}, {"#ffffff;}", defaultColour}, {"#0x1234", defaultColour},
	} {
		if got := brandOf(nps.Brand{Colour: tt.in}).Colour; got != tt.want {
			t.Errorf("colour %q: got %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, c := range []string{"#ffffff", "#f2a900", "#00ff00", "#1f4e79", "#000000", "#777777"} {
		b := brandOf(nps.Brand{Colour: c, Accent: c})
		for _, text := range []string{b.ColourText, b.AccentText} {
			if rgbOf(t, text).contrast() < 4.5 {
				t.Errorf("colour %s: the text colour %s has contrast %.2f, want at least 4.5", c, text, rgbOf(t, text).contrast())
			}
		}
		if c == "#1f4e79" && b.ColourText != c {
			t.Errorf("a readable colour %s was changed to %s", c, b.ColourText)
		}
	}

	png := logo(t)
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 30, 10)), nil); err != nil {
		t.Fatal(err)
	}
	huge := bytes.Clone(png)
	huge[16], huge[17] = 0x7f, 0xff // the header's width: 2 billion pixels
	for _, tt := range []struct {
		name     string
		logo     []byte
		typ      string
		kept     bool
		w, h     int
		uriStart string
	}{
		{"png", png, "image/png", true, 240, 80, "data:image/png;base64,iVBOR"},
		{"jpeg", jb.Bytes(), "image/jpeg", true, 30, 10, "data:image/jpeg;base64,/9j/"},
		{"wrong type", png, "image/jpeg", false, 0, 0, ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "image/svg+xml", false, 0, 0, ""},
		{"broken", png[:40], "image/png", false, 0, 0, ""},
		{"huge", huge, "image/png", false, 0, 0, ""},
	} {
		b := brandOf(nps.Brand{Logo: tt.logo, LogoType: tt.typ})
		if (b.Logo != nil) != tt.kept || b.LogoW != tt.w || b.LogoH != tt.h {
			t.Errorf("logo %s: kept %v %d×%d, want %v %d×%d", tt.name, b.Logo != nil, b.LogoW, b.LogoH, tt.kept, tt.w, tt.h)
		}
		if tt.kept && !strings.HasPrefix(string(b.LogoURI()), tt.uriStart) {
			t.Errorf("logo %s: URI %.40q, want it to start %q", tt.name, b.LogoURI(), tt.uriStart)
		}
	}
	// A report whose logo is refused still renders, without it.
	r := fixture(t, "en")
	r.Brand.Logo = png[:40]
	if page := render(t, r); strings.Contains(page, "<img") {
		t.Error("a broken logo is shown")
	}
	var pdf bytes.Buffer
	if err := PDF(&pdf, r); err != nil {
		t.Errorf("PDF with a broken logo: %v", err)
	}
}

func rgbOf(t *testing.T, s string) rgb {
	c, ok := parseColour(s)
	if !ok {
		t.Fatalf("%q is not a colour", s)
	}
	return c
}

func TestClean(t *testing.T) {
	for _, tt := range []struct{ in, line, para string }{
		{"  plain  text ", "plain text", "plain text"},
		{"a\r\nb\rc\nd", "a b c d", "a\nb\nc\nd"},
		{"a\n\n\n\nb", "a b", "a\n\nb"},
		{"\x00ctrl\x1b[0m\u0085", "ctrl[0m", "ctrl[0m"},
		{"tab\there", "tab here", "tab here"},
		{"bad \xff\xfe bytes", "bad \uFFFD bytes", "bad \uFFFD bytes"},
		{"\u202eevil\u202c \u2066iso\u2069", "evil iso", "evil iso"},
		{"emoji 👩‍👩‍👧 stays", "emoji 👩‍👩‍👧 stays", "emoji 👩‍👩‍👧 stays"},
		{"\n\nlead", "lead", "lead"},
	} {
		if got := clean(tt.in); got != tt.line {
			t.Errorf("clean(%q): got %q, want %q", tt.in, got, tt.line)
		}
		if got := cleanPara(tt.in); got != tt.para {
			t.Errorf("cleanPara(%q): got %q, want %q", tt.in, got, tt.para)
		}
	}
	long := strings.Repeat("é", maxText+10)
	if got := clean(long); len([]rune(got)) != maxText+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("clean of %d runes: got %d runes, want %d ending in …", maxText+10, len([]rune(got)), maxText+1)
	}
}

// TestWordsDutch checks the Dutch forms of the report's figures.
func TestWordsDutch(t *testing.T) {
	w := must(newWords("nl"))
	res := must(nps.Estimate(wave2025, nps.Options{}))
	for _, tt := range []struct{ got, want string }{
		{w.score(res), "+18"},
		{w.score(nps.Result{}), "geen reacties"},
		{w.interval(res), "+4\u00a0…\u00a0+32"},
		{w.signed1(-12.7349), "-12,7"},
		{w.signed1(0.04), "0"},
		{w.pct(0.4167), "41,7 %"},
		{w.pValue(0.0034), "p\u00a0=\u00a00,003"},
		{w.pValue(0.00001), "p\u00a0<\u00a00,001"},
		{w.money(827_500_000), "EUR 8.275.000"},
		{w.date(fixture(t, "nl").Opens), "3 maart 2025"},
		{w.plural("accounts", 1), "1 klant"},
		{w.plural("accounts", 1200), "1.200 klanten"},
		{w.share(3, 0), "—"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
