package chartpdf

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/promotor/promotor/internal/chart"
)

// requireEnv makes a missing poppler a failure rather than a skip.
const requireEnv = "PROMOTOR_REQUIRE_INTEGRATION"

var dutch = chart.Labels{Detractors: "Detractoren", Passives: "Passieven", Promoters: "Promotors",
	Interval: "95%-interval", SmallN: "kleine steekproef", N: "n"}

func pt(label string, v, w float64, n int64) chart.Point {
	return chart.Point{Label: label, Value: v, Low: v - w, High: v + w, N: n}
}

// charts are one or more of every kind and state.
func charts() map[string]template.HTML {
	years := []chart.Point{pt("2021", 12, 9, 210), pt("2022", 18, 8, 260), pt("2023", 9, 7, 330),
		{Label: "2024", Value: 31, Low: 13, High: 49, N: 28, Warn: true}, pt("2025", 35, 5, 520)}
	months := make([]chart.Point, 60)
	for i := range months {
		months[i] = pt(time.Date(2021, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"),
			math.Round(20+25*math.Sin(float64(i)/6)), 10, int64(80+i))
		months[i].Warn = i%17 == 5
	}
	return map[string]template.HTML{
		"trend":        chart.Trend("NPS per jaar van geënquêteerden", "d", years, dutch),
		"trend many":   chart.Trend("NPS per maand", "d", months, dutch),
		"trend one":    chart.Trend("NPS dit jaar", "d", []chart.Point{{Label: "2025", Value: -4, Low: -31, High: 23, N: 19, Warn: true}}, dutch),
		"trend empty":  chart.Trend("Geen metingen", "Nog geen antwoorden.", nil, dutch),
		"distribution": chart.Distribution("Scores", "d", [11]int64{14, 6, 9, 12, 18, 25, 41, 88, 120, 96, 71}, dutch),
		"categories":   chart.Categories("Categorieën", "d", 230, 370, 400, dutch),
		"intervals": chart.Intervals("NPS per sector", "d", []chart.Point{pt("Retail", 12, 6, 340),
			{Label: "Coöperatie en wetenschappelijk onderzoek", Value: 60, Low: 30, High: 90, N: 12, Warn: true},
			{Label: "Zorg", Value: math.NaN(), N: math.MaxInt64}}, dutch),
	}
}

// newPDF is an A4 document in mm whose bytes depend on its content only.
func newPDF() *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetModificationDate(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetAutoPageBreak(false, 0)
	AddFonts(pdf)
	return pdf
}

func output(t *testing.T, pdf *fpdf.Fpdf) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatalf("Output: %v", err)
	}
	return b.Bytes()
}

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

// TestDraw draws every chart, one a page, and reads the PDF back with
// poppler: its texts, and pixels.
func TestDraw(t *testing.T) {
	pdftotext, pdftoppm := poppler(t, "pdftotext"), poppler(t, "pdftoppm")
	cs := charts()
	names := []string{"trend", "trend many", "trend one", "trend empty", "distribution", "categories", "intervals"}
	pdf := newPDF()
	for _, name := range names {
		pdf.AddPage()
		h, err := Draw(pdf, cs[name], 15, 20, 180)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h < 40 || h > 180 {
			t.Errorf("%s: got height %.1f mm for 180 mm wide, want a chart's", name, h)
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "charts.pdf")
	if err := os.WriteFile(file, output(t, pdf), 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(pdftotext, "-layout", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	pages := strings.Split(string(out), "\f")
	want := map[string][]string{
		"trend":        {"NPS per jaar van geënquêteerden", "+100", "-100", "2021", "2025", "+31*", "+35", "95%-interval", "* kleine steekproef"},
		"trend many":   {"NPS per maand", "2025-12"},
		"trend one":    {"NPS dit jaar", "-4*"},
		"trend empty":  {"Geen metingen", "—", "Nog geen antwoorden."},
		"distribution": {"Scores", "Detractoren", "Passieven", "Promotors", "120", "10"},
		"categories":   {"Categorieën", "23% (n 230)", "40% (n 400)", "Promotors"},
		"intervals":    {"NPS per sector", "Retail", "NPS +12 (n 340)", "Coöperatie en …", "kleine steekproef", "NPS — (n 9223372036854775807)"},
	}
	for i, name := range names {
		if i >= len(pages) {
			t.Fatalf("got %d pages of text, want %d", len(pages), len(names))
		}
		for _, s := range want[name] {
			if !strings.Contains(pages[i], s) {
				t.Errorf("%s: got no %q in the text of page %d:\n%s", name, s, i+1, pages[i])
			}
		}
	}

	if out, err := exec.Command(pdftoppm, "-png", "-r", "50", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	for i, name := range names {
		img := readPNG(t, filepath.Join(dir, pageName(i+1, len(names))))
		inked, red := 0, 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
					inked++
				}
				// The detractor colour, #c0392b, give or take the blending.
				if near(r>>8, 0xc0) && near(g>>8, 0x39) && near(bl>>8, 0x2b) {
					red++
				}
			}
		}
		// A chart inks 1-5% of an A4 page, an empty one (its title and a
		// dash) about 0.3%.
		least := 0.01
		if name == "trend empty" {
			least = 0.002
		}
		if share := float64(inked) / float64(b.Dx()*b.Dy()); share < least {
			t.Errorf("%s: got %.2f%% of the page inked, want at least %.1f%%", name, 100*share, 100*least)
		}
		if wantRed := name == "distribution" || name == "categories"; wantRed != (red > 20) {
			t.Errorf("%s: got %d pixels of the detractor colour, want them only where detractors are drawn", name, red)
		}
	}
}

func near(v, want uint32) bool { return v+24 >= want && v <= want+24 }

// pageName is pdftoppm's name of page i of n: its number padded to the
// width of n.
func pageName(i, n int) string { return fmt.Sprintf("page-%0*d.png", len(strconv.Itoa(n)), i) }

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// TestDrawState checks the height returned and that the document's state
// comes back as it was.
func TestDrawState(t *testing.T) {
	pdf := newPDF()
	pdf.AddPage()
	pdf.SetFont(Family, "I", 11)
	pdf.SetDrawColor(1, 2, 3)
	pdf.SetFillColor(4, 5, 6)
	pdf.SetTextColor(7, 8, 9)
	pdf.SetLineWidth(0.7)
	before := save(pdf)
	svg := charts()["trend"]
	h, err := Draw(pdf, svg, 10, 10, 96)
	if err != nil {
		t.Fatal(err)
	}
	// The trend's viewBox is 480 by 268.
	if want := 96 * 268.0 / 480; math.Abs(h-want) > 1e-9 {
		t.Errorf("got height %v, want %v", h, want)
	}
	if after := save(pdf); after != before {
		t.Errorf("got state %+v after Draw, want %+v", after, before)
	}
}

// TestDrawRefuses checks that a chart Walk refuses, a bad width or a failed
// document is an error and leaves the document as it was.
func TestDrawRefuses(t *testing.T) {
	clean := newPDF()
	clean.AddPage()
	want := output(t, clean)

	good := charts()["distribution"]
	bad := template.HTML(strings.Replace(string(good), "<text ", `<text opacity="0.5" `, 1))
	for name, tc := range map[string]struct {
		svg   template.HTML
		width float64
	}{
		"unknown attribute": {bad, 100},
		"not SVG":           {"<p>hello</p>", 100},
		"zero width":        {good, 0},
		"NaN width":         {good, math.NaN()},
	} {
		pdf := newPDF()
		pdf.AddPage()
		if _, err := Draw(pdf, tc.svg, 10, 10, tc.width); err == nil || !strings.HasPrefix(err.Error(), "chartpdf: draw: ") {
			t.Errorf("%s: got error %v, want one from chartpdf", name, err)
		}
		if got := output(t, pdf); !bytes.Equal(got, want) {
			t.Errorf("%s: got a document changed by a refused Draw", name)
		}
	}

	if _, err := Draw(newPDF(), good, 10, 10, 100); err == nil {
		t.Errorf("got no error drawing on a document without a page")
	}

	failed := newPDF()
	failed.AddPage()
	failed.SetError(errors.New("earlier failure"))
	if _, err := Draw(failed, good, 10, 10, 100); err == nil || !strings.Contains(err.Error(), "earlier failure") {
		t.Errorf("got error %v on a failed document, want its failure", err)
	}
}

// TestDrawUnicode checks that text the Go fonts lack (CJK, the
// replacement of invalid UTF-8) is drawn without failing.
func TestDrawUnicode(t *testing.T) {
	pdf := newPDF()
	pdf.AddPage()
	svg := chart.Trend("日本語 \xff", "", []chart.Point{{Label: "日本語のラベル", Value: 1, N: 1}, {Label: "\xc3", Value: 2}}, dutch)
	if _, err := Draw(pdf, svg, 10, 10, 100); err != nil {
		t.Fatal(err)
	}
	// The document is whole, and the texts the fonts can draw come through.
	file := filepath.Join(t.TempDir(), "unicode.pdf")
	if err := os.WriteFile(file, output(t, pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(poppler(t, "pdftotext"), file, "-").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "+100") {
		t.Errorf("pdftotext of the chart: %v, %q; want its axis", err, out)
	}
}

func BenchmarkDraw(b *testing.B) {
	svg := charts()["trend many"]
	pdf := newPDF()
	pdf.AddPage()
	for b.Loop() {
		if _, err := Draw(pdf, svg, 10, 10, 180); err != nil {
			b.Fatal(err)
		}
	}
}
