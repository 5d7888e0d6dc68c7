package chart

import (
	"flag"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	english = Labels{Detractors: "Detractors", Passives: "Passives", Promoters: "Promoters",
		Interval: "95% interval", SmallN: "small sample", N: "n"}
	dutch = Labels{Detractors: "Criticasters", Passives: "Passieven", Promoters: "Promotors",
		Interval: "95%-interval", SmallN: "kleine steekproef", N: "n"}
)

// pt is a point with an interval of ±w.
func pt(label string, v, w float64, n int64) Point {
	return Point{Label: label, Value: v, Low: v - w, High: v + w, N: n}
}

func years() []Point {
	pts := []Point{
		pt("2018", 12, 9, 210), pt("2019", 18, 8, 260), pt("2020", 9, 7, 330),
		pt("2021", 21, 7, 350), pt("2022", 27, 6, 410), pt("2023", 24, 6, 420),
		pt("2024", 31, 18, 28), pt("2025", 35, 5, 520),
	}
	pts[6].Warn = true
	return pts
}

func months(n int) []Point {
	pts := make([]Point, n)
	for i := range pts {
		v := 20 + 25*math.Sin(float64(i)/6)
		pts[i] = pt(fmt.Sprintf("%d-%02d", 2021+i/12, i%12+1), math.Round(v), 10+float64(i%4), int64(80+i*3))
		pts[i].Warn = i%17 == 5
	}
	return pts
}

func segments() []Point {
	rows := []Point{
		pt("Retail", 12, 6, 340), pt("Zorg & Welzijn", 38, 9, 180), pt("Overheid", -14, 11, 120),
		pt("Onderwijs en wetenschappelijk onderzoek", 5, 13, 95), pt("één", 60, 30, 12),
	}
	rows[4].Warn = true
	return rows
}

var scores = [11]int64{14, 6, 9, 12, 18, 25, 41, 88, 120, 96, 71}

// goldenCases are the charts of the golden files, one or more of each kind.
func goldenCases() []goldenCase {
	return []goldenCase{
		{"trend.svg", Trend("NPS per year", "NPS per year from 2018 (+12) to 2025 (+35).", years(), english)},
		{"trend_many.svg", Trend("NPS per month", "Sixty months of NPS.", months(60), english)},
		{"trend_one.svg", Trend("NPS dit jaar", "Eén meting.", []Point{{Label: "2025", Value: -4, Low: -31, High: 23, N: 19, Warn: true}}, dutch)},
		{"trend_gap.svg", Trend("NPS per quarter", "No responses in 2024-Q3.", []Point{
			pt("2024-Q1", 96, 6, 40), pt("2024-Q2", 99, 4, 38), {Label: "2024-Q3", Value: math.NaN()},
			pt("2024-Q4", -20, 15, 30), pt("2025-Q1", -140, 10, 30), pt("2025-Q2 with a very long label", -60, 12, 25)}, english)},
		{"trend_edges.svg", Trend("NPS per wave", "Four small waves.", []Point{
			{Label: "Wave 1", Value: 11.1, Low: -30, High: 48, N: 9, Warn: true}, {Label: "Wave 2", Value: -16.7, Low: -55, High: 25, N: 6, Warn: true},
			{Label: "Wave 3", Value: 100, Low: 60, High: 100, N: 4, Warn: true}, {Label: "Wave 4", Value: 0, Low: -45, High: 45, N: 5, Warn: true}}, english)},
		{"intervals_long.svg", Intervals("NPS per sector", "Long figures.", []Point{
			{Label: "Onderwijs en wetenschappelijk onderzoek", Value: -16.7, Low: -40, High: 8, N: 1234, Warn: true},
			pt("Retail", 12, 6, 340), {Label: "Zorg", Value: 100, Low: 88, High: 100, N: 12, Warn: true}}, dutch)},
		{"empty.svg", Distribution("Scores", "No responses yet.", [11]int64{}, english)},
		{"intervals.svg", Intervals("NPS per sector", "NPS per sector with 95% intervals.", segments(), dutch)},
		{"distribution.svg", Distribution("Scores", "How many respondents gave each score.", scores, english)},
		{"categories.svg", Categories("Categories", "Detractors 23%, passives 37%, promoters 40%.", 230, 370, 400, english)},
	}
}

type goldenCase struct {
	file string
	svg  template.HTML
}

// TestGolden compares each kind of chart with its file in testdata; run
// with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, []byte(tc.svg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if string(tc.svg) != string(want) {
				t.Errorf("%s: output differs from the golden file; run go test -update and look at the diff", tc.file)
			}
			if _, err := parse(tc.svg); err != nil {
				t.Errorf("%s: %v", tc.file, err)
			}
		})
	}
}

// hardCases are charts of every kind drawn from hard inputs.
func hardCases() map[string]template.HTML {
	nan, inf := math.NaN(), math.Inf(1)
	huge := int64(math.MaxInt64)
	return map[string]template.HTML{
		"trend empty":         Trend("Empty", "", nil, english),
		"trend one":           Trend("One", "One wave.", []Point{pt("2025", 12, 5, 340)}, english),
		"trend one small":     Trend("One", "", []Point{{Label: "2025", Value: 12, Low: -30, High: 50, N: 4, Warn: true}}, english),
		"trend two":           Trend("Two", "", []Point{pt("2024", -5, 8, 100), pt("2025", 5, 8, 100)}, dutch),
		"trend sixty":         Trend("Sixty", "", months(60), english),
		"trend five hundred":  Trend("Many", "", months(500), english),
		"trend NaN value":     Trend("NaN", "", []Point{pt("a", 1, 1, 1), {Label: "b", Value: nan}, pt("c", 3, 1, 1), pt("d", 4, 1, 1)}, english),
		"trend NaN interval":  Trend("NaN", "", []Point{{Label: "a", Value: 1, Low: nan, High: 5}, {Label: "b", Value: 2, Low: inf, High: -inf}}, english),
		"trend all NaN":       Trend("NaN", "", []Point{{Label: "a", Value: nan}, {Label: "b", Value: nan}}, english),
		"trend Inf":           Trend("Inf", "", []Point{{Label: "a", Value: inf}, {Label: "b", Value: -inf, Warn: true}}, english),
		"trend huge n":        Trend("Huge", "", []Point{{Label: "a", Value: 1, N: huge}}, english),
		"trend unicode":       Trend("Zorg & Welzijn", "één", []Point{pt("één", 10, 2, 5), pt("Zorg & Welzijn", 20, 2, 5), pt("日本語のラベル", 30, 2, 5)}, dutch),
		"trend bad UTF-8":     Trend("bad \xff\xfe", "\x00\x01", []Point{pt("\xc3", 1, 1, 1), pt("a\x1fb", 2, 1, 1)}, english),
		"trend empty labels":  Trend("", "", months(3), Labels{}),
		"intervals empty":     Intervals("Empty", "", nil, english),
		"intervals one":       Intervals("One", "", []Point{pt("Retail", 12, 6, 340)}, english),
		"intervals NaN":       Intervals("NaN", "", []Point{{Label: "a", Value: nan, N: 3}, {Label: "b", Value: 1, Low: nan, High: nan}}, english),
		"intervals Inf":       Intervals("Inf", "", []Point{{Label: "a", Value: inf, Low: -inf, High: inf, N: huge, Warn: true}}, english),
		"intervals many":      Intervals("Many", "", months(40), dutch),
		"intervals no labels": Intervals("", "", segments(), Labels{}),
		"distribution empty":  Distribution("Empty", "", [11]int64{}, english),
		"distribution one":    Distribution("One", "", [11]int64{10: 1}, english),
		"distribution huge":   Distribution("Huge", "", [11]int64{huge, 0, 1, huge / 2, 5, 6, 7, 8, 9, 10, huge}, dutch),
		"distribution neg":    Distribution("Negative", "", [11]int64{-5, 3, -1}, english),
		"categories empty":    Categories("Empty", "", 0, 0, 0, english),
		"categories one":      Categories("One", "", 0, 0, 1, english),
		"categories huge":     Categories("Huge", "", huge, huge, huge, dutch),
		"categories neg":      Categories("Negative", "", -3, 2, 5, english),
		"categories long":     Categories("Long", "", 1, 1, 1, Labels{Detractors: strings.Repeat("d", 60), Passives: strings.Repeat("p", 60), Promoters: "Promotors"}),
	}
}

// TestWellFormed feeds every kind of chart hard inputs and checks that the
// output is one well-formed SVG whose references resolve.
func TestWellFormed(t *testing.T) {
	for name, svg := range hardCases() {
		if _, err := parse(svg); err != nil {
			t.Errorf("%s: %v\n%s", name, err, svg)
		}
	}
}

// TestEscaping checks that caller text cannot inject markup anywhere and
// reads back unchanged.
func TestEscaping(t *testing.T) {
	const evil = `<script>&"'`
	l := Labels{Detractors: evil, Passives: evil, Promoters: evil, Interval: evil, SmallN: evil, N: evil}
	p := Point{Label: evil, Value: 10, Low: 0, High: 20, N: 5, Warn: true}
	cases := map[string]template.HTML{
		"trend":        Trend(evil, evil, []Point{p, p}, l),
		"intervals":    Intervals(evil, evil, []Point{p}, l),
		"distribution": Distribution(evil, evil, scores, l),
		"categories":   Categories(evil, evil, 1, 2, 3, l),
	}
	for name, svg := range cases {
		s := string(svg)
		if strings.Contains(s, "<script") || strings.Contains(s, `&"'`) {
			t.Errorf("%s: got the label unescaped in\n%s", name, s)
		}
		if !strings.Contains(s, "&lt;script&gt;&amp;&#34;&#39;") {
			t.Errorf("%s: got no escaped label, want &lt;script&gt;&amp;&#34;&#39;", name)
		}
		root, err := parse(svg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := root.child("title").text; got != evil {
			t.Errorf("%s: got title %q, want %q", name, got, evil)
		}
		if got := root.child("desc").text; got != evil {
			t.Errorf("%s: got desc %q, want %q", name, got, evil)
		}
		found := false
		for _, n := range root.all("text") {
			found = found || strings.Contains(n.text, evil)
		}
		if !found {
			t.Errorf("%s: no <text> reads back %q", name, evil)
		}
	}
}

// TestIDs checks that ids differ between charts of different data, so that
// two charts on one page do not collide, and that output is deterministic.
func TestIDs(t *testing.T) {
	pairs := map[string][2]template.HTML{
		"trend":        {Trend("NPS", "", years(), english), Trend("NPS", "", years()[1:], english)},
		"trend labels": {Trend("NPS", "", years(), english), Trend("NPS", "", years(), dutch)},
		"intervals":    {Intervals("NPS", "", segments(), english), Intervals("NPS", "", segments()[:2], english)},
		"distribution": {Distribution("Scores", "", scores, english), Distribution("Scores", "", [11]int64{1}, english)},
		"categories":   {Categories("Share", "", 1, 2, 3, english), Categories("Share", "", 3, 2, 1, english)},
		"kinds":        {Distribution("X", "", [11]int64{1, 2}, english), Categories("X", "", 1, 2, 0, english)},
	}
	for name, p := range pairs {
		a, b := ids(t, p[0]), ids(t, p[1])
		if len(a) == 0 {
			t.Fatalf("%s: got no ids", name)
		}
		for id := range a {
			if b[id] {
				t.Errorf("%s: both charts have id %q", name, id)
			}
		}
	}
	if a, b := Trend("NPS", "d", months(60), english), Trend("NPS", "d", months(60), english); a != b {
		t.Errorf("Trend: got different output for the same input")
	}
	if a, b := Categories("C", "", 1, 2, 3, dutch), Categories("C", "", 1, 2, 3, dutch); a != b {
		t.Errorf("Categories: got different output for the same input")
	}
}

// TestAccessible checks the root of every kind of chart.
func TestAccessible(t *testing.T) {
	for name, svg := range map[string]template.HTML{
		"trend":        Trend("T", "D", years(), english),
		"intervals":    Intervals("T", "D", segments(), english),
		"distribution": Distribution("T", "D", scores, english),
		"categories":   Categories("T", "D", 1, 2, 3, english),
	} {
		root, err := parse(svg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if root.attr["role"] != "img" || root.attr["width"] != "100%" || !strings.HasPrefix(root.attr["viewBox"], "0 0 ") {
			t.Errorf("%s: got role=%q width=%q viewBox=%q, want img, 100%%, 0 0 w h", name, root.attr["role"], root.attr["width"], root.attr["viewBox"])
		}
		want := root.child("title").attr["id"] + " " + root.child("desc").attr["id"]
		if got := root.attr["aria-labelledby"]; got != want {
			t.Errorf("%s: got aria-labelledby %q, want %q", name, got, want)
		}
		if len(root.all("text")) < 4 {
			t.Errorf("%s: got %d <text>, want real text labels", name, len(root.all("text")))
		}
	}
}

// TestEmpty checks that a chart without data shows its title and the
// no-data marker.
func TestEmpty(t *testing.T) {
	for name, svg := range map[string]template.HTML{
		"trend":           Trend("Leeg", "", nil, dutch),
		"intervals":       Intervals("Leeg", "", nil, dutch),
		"distribution":    Distribution("Leeg", "", [11]int64{}, dutch),
		"categories":      Categories("Leeg", "", 0, 0, 0, dutch),
		"categories zero": Categories("Leeg", "", -1, 0, -2, dutch),
	} {
		root, err := parse(svg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var texts []string
		for _, n := range root.all("text") {
			texts = append(texts, n.text)
		}
		if strings.Join(texts, "|") != "Leeg|"+noData {
			t.Errorf("%s: got texts %q, want the title and %q", name, texts, noData)
		}
	}
}

// TestTrendClamp checks that values beyond the axis, and infinities, are
// drawn at its ends, and that no number in the output is NaN or Inf.
func TestTrendClamp(t *testing.T) {
	svg := Trend("Clamp", "", []Point{
		{Label: "a", Value: 150, Low: 120, High: 180},
		{Label: "b", Value: math.Inf(-1)},
		{Label: "c", Value: math.NaN()},
		{Label: "d", Value: -300, Low: math.Inf(-1), High: math.NaN()},
	}, english)
	root, err := parse(svg)
	if err != nil {
		t.Fatal(err)
	}
	var cys []string
	for _, n := range root.all("circle") {
		cys = append(cys, n.attr["cy"])
	}
	want := []string{num(trendTop), num(trendBottom), num(trendBottom)}
	if strings.Join(cys, " ") != strings.Join(want, " ") {
		t.Errorf("got marker heights %v, want %v (c has no value)", cys, want)
	}
	if s := string(svg); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
		t.Errorf("got NaN or Inf in\n%s", s)
	}
	var values []string
	for _, n := range root.all("text") {
		if n.attr["font-weight"] == "bold" && n.attr["fill"] == colLine {
			values = append(values, n.text)
		}
	}
	if got := strings.Join(values, " "); got != "+100 -100 -100" {
		t.Errorf("got values %q, want +100 -100 -100", got)
	}
}

// TestTrendThinning checks that 60 labels are thinned so that none overlap
// and the last is kept.
func TestTrendThinning(t *testing.T) {
	pts := months(60)
	root, err := parse(Trend("NPS", "", pts, english))
	if err != nil {
		t.Fatal(err)
	}
	var labels []*node
	for _, n := range root.all("text") {
		if n.attr["y"] == num(trendLabelY) {
			labels = append(labels, n)
		}
	}
	if len(labels) < 5 || len(labels) > 30 {
		t.Fatalf("got %d x labels for 60 points, want between 5 and 30", len(labels))
	}
	if last := labels[len(labels)-1].text; last != pts[59].Label {
		t.Errorf("got last label %q, want %q", last, pts[59].Label)
	}
	for i := 1; i < len(labels); i++ {
		x0, _ := strconv.ParseFloat(labels[i-1].attr["x"], 64)
		x1, _ := strconv.ParseFloat(labels[i].attr["x"], 64)
		if gap := x1 - x0; gap < textWidth(labels[i].text, fontAxis) {
			t.Errorf("labels %q and %q are %.1f apart, narrower than a label", labels[i-1].text, labels[i].text, gap)
		}
	}
}

// TestSmallSample checks that a small sample differs in more than colour:
// a dashed marker, hatching and the SmallN text.
func TestSmallSample(t *testing.T) {
	for name, svg := range map[string]template.HTML{
		"trend":     Trend("T", "", years(), english),
		"intervals": Intervals("T", "", segments(), english),
	} {
		root, err := parse(svg)
		if err != nil {
			t.Fatal(err)
		}
		dashed := 0
		for _, n := range root.all("circle") {
			if n.attr["stroke-dasharray"] != "" && n.attr["fill"] == "#fff" {
				dashed++
			}
		}
		if dashed != 1 {
			t.Errorf("%s: got %d hollow dashed markers, want 1", name, dashed)
		}
		hatched := 0
		for _, n := range append(root.all("path"), root.all("rect")...) {
			if strings.HasSuffix(n.attr["fill"], "-"+string(patSmallN)+")") {
				hatched++
			}
		}
		if hatched < 1 {
			t.Errorf("%s: got no shape filled with the small-sample hatch", name)
		}
		if !strings.Contains(string(svg), english.SmallN) {
			t.Errorf("%s: got no %q text", name, english.SmallN)
		}
	}
}

// TestIntervalsRows checks the figures of each row and that the rows come
// in the caller's order.
func TestIntervalsRows(t *testing.T) {
	root, err := parse(Intervals("NPS", "", segments(), dutch))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, n := range root.all("text") {
		texts = append(texts, n.text)
	}
	got := strings.Join(texts, "|")
	for _, want := range []string{
		"Retail|NPS +12 (n 340)|Zorg & Welzijn|NPS +38 (n 180)|Overheid|NPS -14 (n 120)|Onderwijs en w…|NPS +5 (n 95)|één|NPS +60 (n 12)|kleine steekproef",
		"-100|-50|0|+50|+100",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got texts %q, want them to hold %q", got, want)
		}
	}
	circles := root.all("circle")
	if len(circles) != 5 {
		t.Fatalf("got %d dots, want 5", len(circles))
	}
	for i, c := range circles {
		if want := num(ivLeft + (segments()[i].Value+100)/200*(ivRight-ivLeft)); c.attr["cx"] != want {
			t.Errorf("row %d: got dot at x=%s, want %s", i, c.attr["cx"], want)
		}
	}
}

// TestCategoryFills checks that each category has its own pattern as well
// as its own colour.
func TestCategoryFills(t *testing.T) {
	root, err := parse(Distribution("S", "", scores, english))
	if err != nil {
		t.Fatal(err)
	}
	var bars []*node
	for _, n := range root.all("rect") {
		if n.attr["width"] == num(distBarW) {
			bars = append(bars, n)
		}
	}
	if len(bars) != 11 {
		t.Fatalf("got %d bars, want 11", len(bars))
	}
	for score, want := range map[int]string{0: "-det)", 6: "-det)", 7: "-pas)", 8: "-pas)", 9: colPromoter, 10: colPromoter} {
		if got := bars[score].attr["fill"]; !strings.HasSuffix(got, want) {
			t.Errorf("score %d: got fill %q, want …%s", score, got, want)
		}
	}
	text := string(Categories("C", "", 1, 2, 3, english))
	for _, want := range []string{">Detractors<", ">17% (n 1)<", ">Passives<", ">33% (n 2)<", ">Promoters<", ">50% (n 3)<", "-det)", "-pas)"} {
		if !strings.Contains(text, want) {
			t.Errorf("Categories(1, 2, 3): got no %q", want)
		}
	}
}

func TestPercentages(t *testing.T) {
	cases := []struct {
		counts [3]int64
		want   [3]int64
		text   string
	}{
		{[3]int64{1, 1, 1}, [3]int64{34, 33, 33}, "34% 33% 33%"},
		{[3]int64{0, 0, 5}, [3]int64{0, 0, 100}, "0% 0% 100%"},
		{[3]int64{1, 0, 999}, [3]int64{0, 0, 100}, "<1% 0% >99%"},
		{[3]int64{230, 370, 400}, [3]int64{23, 37, 40}, "23% 37% 40%"},
		{[3]int64{math.MaxInt64, math.MaxInt64, 0}, [3]int64{50, 50, 0}, "50% 50% 0%"},
	}
	for _, tc := range cases {
		got := percentages(tc.counts)
		if got != tc.want {
			t.Errorf("percentages(%v): got %v, want %v", tc.counts, got, tc.want)
		}
		var total float64
		for _, n := range tc.counts {
			total += float64(n)
		}
		var texts []string
		for i := range got {
			texts = append(texts, percentText(got[i], tc.counts[i], total))
		}
		if s := strings.Join(texts, " "); s != tc.text {
			t.Errorf("percentText(%v): got %q, want %q", tc.counts, s, tc.text)
		}
	}
}

func TestFormat(t *testing.T) {
	for v, want := range map[float64]string{0: "0", math.Copysign(0, -1): "0", -0.04: "0", 12: "12", 12.25: "12.3", -7.5: "-7.5", 1e6: "1000000", math.NaN(): "0"} {
		if got := num(v); got != want {
			t.Errorf("num(%v): got %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{0: "0", 12: "+12", -8: "-8", 0.04: "0", 12.5: "+12.5"} {
		if got := signed(v); got != want {
			t.Errorf("signed(%v): got %q, want %q", v, got, want)
		}
	}
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{{"Retail", 10, "Retail"}, {"Onderwijs", 5, "Onde…"}, {"één twee", 3, "éé…"}} {
		if got, _ := truncate(tc.s, tc.max); got != tc.want {
			t.Errorf("truncate(%q, %d): got %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}

// FuzzTrend checks that any labels and values give a well-formed SVG.
func FuzzTrend(f *testing.F) {
	f.Add("2024|2025", 12.0, 5.0, 20.0, int64(340), uint8(2), false)
	f.Add(`<script>&"'|één|Zorg & Welzijn`, math.NaN(), math.Inf(1), -1e308, int64(-1), uint8(60), true)
	f.Add("\xff\x00]]>", 150.0, -150.0, 0.0, int64(math.MaxInt64), uint8(1), true)
	f.Fuzz(func(t *testing.T, labels string, v, lo, hi float64, n int64, count uint8, warn bool) {
		parts := strings.Split(labels, "|")
		pts := make([]Point, int(count)%80)
		for i := range pts {
			d := float64(i)
			pts[i] = Point{Label: parts[i%len(parts)], Value: v + d, Low: lo - d, High: hi + d, N: n, Warn: warn && i%3 == 0}
		}
		title := parts[0]
		for name, svg := range map[string]template.HTML{
			"Trend":     Trend(title, labels, pts, Labels{SmallN: labels, Interval: title}),
			"Intervals": Intervals(title, labels, pts, Labels{SmallN: labels, N: title}),
		} {
			if _, err := parse(svg); err != nil {
				t.Fatalf("%s(%q, %v, %v, %v, %d): %v\n%s", name, labels, v, lo, hi, count, err, svg)
			}
			if s := string(svg); strings.Contains(s, "NaN") && !strings.Contains(labels, "NaN") {
				t.Fatalf("%s: got NaN in\n%s", name, s)
			}
		}
	})
}

func BenchmarkTrend(b *testing.B) {
	pts := months(60)
	for b.Loop() {
		Trend("NPS per month", "Sixty months.", pts, english)
	}
}

func BenchmarkDistribution(b *testing.B) {
	for b.Loop() {
		Distribution("Scores", "", scores, english)
	}
}
