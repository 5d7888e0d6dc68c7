package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// requireEnv makes the tests that need poppler fail rather than skip.
const requireEnv = "PROMOTOR_REQUIRE_INTEGRATION"

// poppler returns the path of a poppler tool, skipping the test without it.
func poppler(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s not found (%v), and %s=1 requires it", name, err, requireEnv)
		}
		t.Skipf("%s not found (%v): skipping; install poppler-utils", name, err)
	}
	return path
}

// writePDF renders r into a file of dir and returns its path.
func writePDF(t *testing.T, dir, name string, r Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := PDF(&b, r); err != nil {
		t.Fatalf("PDF(%s): %v", name, err)
	}
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfText is the PDF's text as pdftotext reads it, its lines joined by
// spaces so that a phrase broken over two lines is still found.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(poppler(t, "pdftotext"), "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// pages renders the PDF's pages as PNG at a low resolution and returns,
// per page, the share of its pixels that are not white.
func pages(t *testing.T, path string) []float64 {
	t.Helper()
	prefix := strings.TrimSuffix(path, ".pdf")
	if out, err := exec.Command(poppler(t, "pdftoppm"), "-png", "-r", "30", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v: %s", path, err, out)
	}
	files, err := filepath.Glob(prefix + "-*.png")
	if err != nil {
		t.Fatal(err)
	}
	var ink []float64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		bounds, dark := img.Bounds(), 0
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			for x := bounds.Min.X; x < bounds.Max.X; x++ {
				if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0xf000 {
					dark++
				}
			}
		}
		ink = append(ink, float64(dark)/float64(bounds.Dx()*bounds.Dy()))
	}
	return ink
}

// messageKey matches a message key shown in place of its text.
var messageKey = regexp.MustCompile(`report\.[a-z0-9_]`)

// TestPDF renders the full reports and the empty one and reads them
// back: every section's heading and the key figures are in the text, and
// every page has something on it.
func TestPDF(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		r     Report
		want  []string
		pages int
	}{
		{"full-en", fixture(t, "en"), []string{
			"1 Management summary", "2 Net Promoter Score", "3 Change and trend", "4 Distribution of scores",
			"5 Segments and account owners", "6 Themes and their impact", "7 Selected comments", "8 Accounts at risk",
			"9 Improvement plans", "10 Promoter programme", "11 Financial impact", "12 Appendix: the calculation",
			"NPS report 2025", "Van Dijk Zakelijke Diensten BV", "+18", "+7 … +29", "n = 120", "+28", "p = 0.003",
			"40 %", "Price", "Customer service", "EUR 8,275,000", "6 of 10 done", "significant at 95 %",
			"100 · (50 − 28) / 120 = 18.33", "(50 + 0.75) / 123", "Noël at the help desk", "Zoë Janssen",
			"Page 1 of", "NPS per wave", "Detractors",
		}, 12},
		{"full-nl", fixture(t, "nl"), []string{
			"1 Managementsamenvatting", "2 Net Promoter Score", "3 Verandering en verloop", "4 Verdeling van de scores",
			"5 Segmenten en accountmanagers", "6 Thema's en hun invloed", "7 Gekozen reacties", "8 Klanten in gevaar",
			"9 Verbeterplannen", "10 Promotorprogramma", "11 Financiële impact", "12 Bijlage: de berekening",
			"NPS-rapport 2025", "+18", "+7 … +29", "p = 0,003", "40 %", "Prijs", "EUR 8.275.000",
			"6 van 10 afgerond", "significant bij 95 %", "100 · (50 − 28) / 120 = 18,33", "Criticasten",
			"Pagina 1 van",
		}, 12},
		{"empty-en", emptyFixture("en"), []string{
			"1 Management summary", "12 Appendix: the calculation", "no responses", "Nobody answered in this wave",
			"The survey's first wave", "No revenue was imported",
		}, 12},
	} {
		path := writePDF(t, dir, tt.name, tt.r)
		text := pdfText(t, path)
		for _, want := range tt.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the text lacks %q", tt.name, want)
			}
		}
		if messageKey.MatchString(text) {
			t.Errorf("%s: a message key shows instead of its text", tt.name)
		}
		ink := pages(t, path)
		if len(ink) < tt.pages {
			t.Errorf("%s: %d pages, want at least %d (the cover and a page per section)", tt.name, len(ink), tt.pages)
		}
		for i, v := range ink {
			if v < 0.002 {
				t.Errorf("%s: page %d is blank (%.4f of its pixels inked)", tt.name, i+1, v)
			}
		}
	}
}

// TestPDFHostileText feeds the PDF comments and names no font can show
// whole: it must not fail or panic, keep the text it can show, and keep
// every word inside the page's margins.
func TestPDFHostileText(t *testing.T) {
	r := hostileFixture(t)
	dir := t.TempDir()
	path := writePDF(t, dir, "hostile", r)
	text := pdfText(t, path)
	for _, want := range []string{"Slecht", "end", "next line", "tab {nb} stays", "Long Comment", "invalid bytes end", "Ünïcödé Ñame", "Emoji"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	if n := strings.Count(text, "lorem ipsum"); n < 350 {
		t.Errorf("the 10,000-character comment shows %d times %q, want it all (about 370)", n, "lorem ipsum")
	}
	inMargins(t, path)
}

// hostileFixture is the full report with comments and names in scripts
// the PDF's font lacks, control characters, invalid UTF-8, a comment of
// 10,000 characters and words longer than any column.
func hostileFixture(t testing.TB) Report {
	long := strings.Repeat("lorem ipsum dolor sit amet ", 400)[:10_000]
	word := strings.Repeat("x", 10_000)
	r := fixture(t, "en")
	r.Workspace = "Emoji 😀 Workspace\x00\x1b[31m"
	r.Verbatims = []Verbatim{
		{Score: 2, Comment: "Slecht 😡😡 " + "שלום עולם" + " مرحبا " + "\u202eevil\u202c end", Who: "Ünïcödé Ñame"},
		{Score: 5, Comment: "ctrl\x00\x01\x07\x1b chars\r\nnext line\ttab {nb} stays", Who: "a\x00b"},
		{Score: 7, Comment: long, Who: "Long Comment"},
		{Score: 9, Comment: word, Who: "One Word"},
		{Score: 10, Comment: "\xff\xfe invalid bytes end", Who: strings.Repeat("Name ", 500)},
	}
	r.AtRisk = append(r.AtRisk, AccountRisk{Account: strings.Repeat("Very Long Account Name ", 300), Owner: word, Category: 0, Score: 7})
	r.Segments[0].Groups[0].Name = "👩‍👩‍👧 " + word
	return r
}

// inMargins checks with pdftotext -bbox that every word of the PDF lies
// within the page's margins.
func inMargins(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(poppler(t, "pdftotext"), "-bbox", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	type page struct {
		Words []struct {
			XMin string `xml:"xMin,attr"`
			XMax string `xml:"xMax,attr"`
			YMax string `xml:"yMax,attr"`
			Text string `xml:",chardata"`
		} `xml:"word"`
	}
	var doc struct {
		Pages []page `xml:"body>doc>page"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("pdftotext -bbox output: %v", err)
	}
	const pt = 72 / 25.4 // points per millimetre
	left, right, bottom := (marginX-1)*pt, (pageW-marginX+1)*pt, (pageH-5)*pt
	bad := 0
	for i, p := range doc.Pages {
		for _, w := range p.Words {
			x0, _ := strconv.ParseFloat(w.XMin, 64)
			x1, _ := strconv.ParseFloat(w.XMax, 64)
			y1, _ := strconv.ParseFloat(w.YMax, 64)
			if x0 < left || x1 > right || y1 > bottom {
				if bad++; bad <= 5 {
					t.Errorf("page %d: %q at x %.0f–%.0f, y %.0f pt lies outside the margins (%.0f–%.0f, %.0f)", i+1, w.Text, x0, x1, y1, left, right, bottom)
				}
			}
		}
	}
	if len(doc.Pages) == 0 {
		t.Error("pdftotext -bbox found no pages")
	}
	if bad > 5 {
		t.Errorf("… and %d more words outside the margins", bad-5)
	}
}

// TestPDFFontCovers checks that the report's own words and formulas, in
// both languages, are all in the PDF's font: only a caller's text may
// ever need the replacement character.
func TestPDFFontCovers(t *testing.T) {
	f, err := font()
	if err != nil {
		t.Fatal(err)
	}
	p := &pdfDoc{font: f, glyph: map[rune]bool{}}
	for _, lang := range []string{"en", "nl"} {
		d, err := build(fixture(t, lang))
		if err != nil {
			t.Fatal(err)
		}
		missing := map[rune]string{}
		for _, s := range docText(d) {
			for _, r := range s {
				if r != '\n' && !p.has(r) {
					missing[r] = s
				}
			}
		}
		for r, s := range missing {
			t.Errorf("%s: %q (%U) is not in the font, in %q", lang, r, r, s)
		}
	}
}

// docText lists every text of a document.
func docText(d document) []string {
	ss := []string{d.Title, d.Workspace, d.Survey, d.Period, d.Generated, d.Anonymised, d.Page, d.Continued}
	for _, s := range d.Sections {
		ss = append(ss, s.Title)
		for _, b := range s.Blocks {
			ss = append(ss, b.Text)
			for _, f := range b.Facts {
				ss = append(ss, f.Label, f.Value)
			}
			for _, c := range b.Cards {
				ss = append(ss, c.Label, c.Value, c.Detail, c.Reading)
			}
			if t := b.Table; t != nil {
				ss = append(ss, t.Caption)
				ss = append(ss, t.Head...)
				ss = append(ss, t.Total...)
				for _, r := range t.Rows {
					ss = append(ss, r...)
				}
			}
			for _, q := range b.Quotes {
				ss = append(ss, q.ScoreLabel, q.Text, q.Who, q.Themes)
			}
		}
	}
	return ss
}

// TestPDFText checks the replacement of what the font cannot show.
func TestPDFText(t *testing.T) {
	f, err := font()
	if err != nil {
		t.Fatal(err)
	}
	p := &pdfDoc{font: f, glyph: map[rune]bool{}}
	for _, tt := range []struct{ in, want string }{
		{"plain ë é – …", "plain ë é – …"},
		{"emoji 😀😀 twice", "emoji \uFFFD twice"},
		{"שלום עולם", "\uFFFD \uFFFD"},
		{"a\x00b\tc\nd", "ab c\nd"},
		{"\u202eevil", "evil"},
		{pagesAlias, "nb"},
	} {
		got := p.txt(tt.in)
		if got != tt.want {
			t.Errorf("txt(%q): got %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("txt(%q): invalid UTF-8", tt.in)
		}
	}
}

// TestPDFLongTable checks that a table running over pages goes on under
// its caption, marked as continued, and its header row.
func TestPDFLongTable(t *testing.T) {
	r := fixture(t, "en")
	r.AtRisk = nil
	for i := range 120 {
		r.AtRisk = append(r.AtRisk, AccountRisk{Account: fmt.Sprintf("Account %03d", i+1), Owner: "Joost Bakker", Category: -1, Score: i % 7, Revenue: int64(i+1) * 1_000_000})
	}
	path := writePDF(t, t.TempDir(), "long", r)
	text := pdfText(t, path)
	if n := strings.Count(text, "Accounts at risk (continued)"); n < 2 {
		t.Errorf("the 120 accounts at risk go on under %d continued captions, want at least 2", n)
	}
	if n := strings.Count(text, "Account Owner Category"); n < 3 {
		t.Errorf("the header row shows %d times, want it on each of at least 3 pages", n)
	}
	for _, want := range []string{"Account 001", "Account 120", "EUR 72,600,000"} {
		if !strings.Contains(text, want) {
			t.Errorf("the long table lacks %q", want)
		}
	}
	inMargins(t, path)
}
