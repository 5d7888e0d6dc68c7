package chartpng

import (
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/chart"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

var dutch = chart.Labels{Detractors: "Detractoren", Passives: "Passieven", Promoters: "Promotors",
	Interval: "95%-interval", SmallN: "kleine steekproef", N: "n"}

func point(label string, v, w float64, n int64) chart.Point {
	return chart.Point{Label: label, Value: v, Low: v - w, High: v + w, N: n}
}

func years() []chart.Point {
	return []chart.Point{point("2021", 12, 9, 210), point("2022", 18, 8, 260), point("2023", 9, 7, 330),
		{Label: "2024", Value: 31, Low: 13, High: 49, N: 28, Warn: true}, point("2025", 35, 5, 520)}
}

func months(n int) []chart.Point {
	pts := make([]chart.Point, n)
	for i := range pts {
		pts[i] = point(fmt.Sprintf("%d-%02d", 2021+i/12, i%12+1), math.Round(20+25*math.Sin(float64(i)/6)), 10, int64(80+i))
		pts[i].Warn = i%17 == 5
	}
	return pts
}

var scores = [11]int64{14, 6, 9, 12, 18, 25, 41, 88, 120, 96, 71}

// charts are one or more of every kind and state, by name.
func charts() map[string]template.HTML {
	return map[string]template.HTML{
		"trend":        chart.Trend("NPS per jaar van geënquêteerden", "d", years(), dutch),
		"trend many":   chart.Trend("NPS per maand", "d", months(60), dutch),
		"trend one":    chart.Trend("NPS dit jaar", "d", []chart.Point{{Label: "2025", Value: -4, Low: -31, High: 23, N: 19, Warn: true}}, dutch),
		"trend empty":  chart.Trend("Geen metingen", "Nog geen antwoorden.", nil, dutch),
		"distribution": chart.Distribution("Scores", "d", scores, dutch),
		"categories":   chart.Categories("Categorieën", "d", 230, 370, 400, dutch),
		"intervals": chart.Intervals("NPS per sector", "d", []chart.Point{point("Retail", 12, 6, 340),
			{Label: "Coöperatie en wetenschappelijk onderzoek", Value: 60, Low: 30, High: 90, N: 12, Warn: true},
			{Label: "Zorg", Value: math.NaN(), N: math.MaxInt64}}, dutch),
	}
}

// viewBoxHeight reads the height of a chart's viewBox.
func viewBoxHeight(t *testing.T, svg template.HTML) float64 {
	t.Helper()
	var w, h float64
	s := string(svg)
	i := strings.Index(s, `viewBox="`)
	if _, err := fmt.Sscanf(s[i+len(`viewBox="0 0 `):], "%g %g", &w, &h); err != nil {
		t.Fatalf("viewBox: %v", err)
	}
	return h
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return img
}

func rgb(c color.Color) (r, g, b int) {
	r32, g32, b32, _ := c.RGBA()
	return int(r32 >> 8), int(g32 >> 8), int(b32 >> 8)
}

// TestPNG draws every chart at email width and checks the image's size,
// that it is drawn, and that it is the same every time.
func TestPNG(t *testing.T) {
	for name, svg := range charts() {
		t.Run(name, func(t *testing.T) {
			b, err := PNG(svg, 600)
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, b)
			wantH := int(math.Round(viewBoxHeight(t, svg) * 600 / 480))
			if got := img.Bounds().Size(); got != (image.Point{600, wantH}) {
				t.Errorf("got %v px, want 600×%d", got, wantH)
			}
			inked := 0
			bd := img.Bounds()
			for y := bd.Min.Y; y < bd.Max.Y; y++ {
				for x := bd.Min.X; x < bd.Max.X; x++ {
					if r, g, b := rgb(img.At(x, y)); r < 240 || g < 240 || b < 240 {
						inked++
					}
				}
			}
			// A chart inks 4% (one point) to 35% (bars), the empty one (its
			// title, a dash and its reason) about 1%.
			least := 0.02
			if name == "trend empty" {
				least = 0.005
			}
			if share := float64(inked) / float64(bd.Dx()*bd.Dy()); share < least {
				t.Errorf("got %.2f%% of the pixels inked, want at least %.1f%%", 100*share, 100*least)
			}
			if again, _ := PNG(svg, 600); !bytes.Equal(again, b) {
				t.Errorf("got different bytes for the same chart")
			}
		})
	}
}

// share returns the part of the pixels of r, a box in viewBox units at
// 600 px, whose colour is within 12 of want in each channel.
func share(img image.Image, x0, y0, x1, y1 float64, want color.RGBA) float64 {
	const k = 600.0 / 480
	r := image.Rect(int(math.Ceil(x0*k)), int(math.Ceil(y0*k)), int(x1*k), int(y1*k))
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb := rgb(img.At(x, y))
			if abs(cr-int(want.R)) <= 12 && abs(cg-int(want.G)) <= 12 && abs(cb-int(want.B)) <= 12 {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

func abs(v int) int { return max(v, -v) }

// TestPNGBars checks the bars' paints in pixels: a detractor bar red with
// white stripes, a passive one ochre with white dots, a promoter one solid
// green.
func TestPNGBars(t *testing.T) {
	b, err := PNG(charts()["distribution"], 600)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	// The layout of a distribution: bars 28 wide in slots of 456/11 from
	// x 12, on the base line at y 214; score 6's bar is 44 high.
	slot := 456.0 / 11
	bar := func(score int) (x0, y0, x1, y1 float64) {
		cx := 12 + slot*(float64(score)+0.5)
		return cx - 12, 214 - 40, cx + 12, 214 - 3
	}
	white := color.RGBA{255, 255, 255, 255}
	for _, tc := range []struct {
		score              int
		colour             color.RGBA
		least, most, light float64
	}{
		{6, color.RGBA{0xc0, 0x39, 0x2b, 255}, 0.45, 0.8, 0.15}, // stripes 2 of 6 wide
		{8, color.RGBA{0x9a, 0x7d, 0x0a, 255}, 0.6, 0.95, 0.03}, // dots of radius 1.4 every 6
		{9, color.RGBA{0x1e, 0x84, 0x49, 255}, 0.99, 1, 0},
	} {
		x0, y0, x1, y1 := bar(tc.score)
		if got := share(img, x0, y0, x1, y1, tc.colour); got < tc.least || got > tc.most {
			t.Errorf("score %d: got %.0f%% of the bar in %v, want %.0f%% to %.0f%%", tc.score, 100*got, tc.colour, 100*tc.least, 100*tc.most)
		}
		if got := share(img, x0, y0, x1, y1, white); got < tc.light {
			t.Errorf("score %d: got %.0f%% of the bar white, want at least %.0f%% (its pattern)", tc.score, 100*got, 100*tc.light)
		}
	}
}

// TestPNGGolden compares the trend at 600 px with the image in testdata,
// which was looked at; run with -update to rewrite it after a deliberate
// change. The comparison allows a little difference per pixel, so that
// floating point that differs between processors does not fail it.
func TestPNGGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		svg  template.HTML
	}{
		{"trend.png", charts()["trend"]},
		{"distribution.png", charts()["distribution"]},
	} {
		got, err := PNG(tc.svg, 600)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tc.file)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		a, b := decode(t, got), decode(t, want)
		if a.Bounds() != b.Bounds() {
			t.Fatalf("%s: got %v px, want %v", tc.file, a.Bounds(), b.Bounds())
		}
		off := 0
		for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
			for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
				r0, g0, b0 := rgb(a.At(x, y))
				r1, g1, b1 := rgb(b.At(x, y))
				if max(abs(r0-r1), abs(g0-g1), abs(b0-b1)) > 8 {
					off++
				}
			}
		}
		if total := a.Bounds().Dx() * a.Bounds().Dy(); off > total/1000 {
			t.Errorf("%s: got %d of %d pixels off by more than 8, want at most %d; look at it with -update and git diff", tc.file, off, total, total/1000)
		}
	}
}

// TestPNGRefuses checks the errors.
func TestPNGRefuses(t *testing.T) {
	good := charts()["trend"]
	for name, tc := range map[string]struct {
		svg   template.HTML
		width int
	}{
		"too narrow":   {good, MinWidth - 1},
		"too wide":     {good, MaxWidth + 1},
		"unknown attr": {template.HTML(strings.Replace(string(good), "<path ", `<path opacity="1" `, 1)), 600},
		"not SVG":      {"<p>hello</p>", 600},
		"too high":     {`<svg viewBox="0 0 100 1000"></svg>`, 4096},
	} {
		if b, err := PNG(tc.svg, tc.width); err == nil || b != nil || !strings.HasPrefix(err.Error(), "chartpng: ") {
			t.Errorf("%s: got %d bytes and error %v, want none and an error from chartpng", name, len(b), err)
		}
	}
}

// TestPNGUnicode checks that text the Go fonts lack (CJK, the replacement
// of invalid UTF-8) is drawn without failing.
func TestPNGUnicode(t *testing.T) {
	svg := chart.Trend("日本語 \xff", "", []chart.Point{{Label: "日本語のラベル", Value: 1, N: 1}, {Label: "\xc3", Value: 2}}, dutch)
	if _, err := PNG(svg, 300); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkPNGTrend(b *testing.B) {
	svg := chart.Trend("NPS per month", "Sixty months.", months(60), dutch)
	for b.Loop() {
		if _, err := PNG(svg, 600); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzPNG checks that no chart Walk accepts makes PNG panic or run away.
func FuzzPNG(f *testing.F) {
	for _, svg := range charts() {
		f.Add(string(svg), 120)
	}
	f.Add(`<svg viewBox="0 0 0.001 0.001"><rect width="1000000" height="1000000" stroke="#000" stroke-dasharray="1 1"/></svg>`, 64)
	f.Fuzz(func(t *testing.T, svg string, width int) {
		b, err := PNG(template.HTML(svg), min(max(width, MinWidth), 300))
		if err == nil && len(b) == 0 {
			t.Fatalf("got no bytes and no error")
		}
	})
}
