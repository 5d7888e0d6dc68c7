package chart

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"math"
	"strings"
	"testing"
)

// recorder is a Drawer that keeps the calls.
type recorder struct {
	w, h    float64
	sizes   int
	rects   []recRect
	lines   int
	circles []recCircle
	paths   []recPath
	texts   []Text
}

type recRect struct {
	x, y, w, h float64
	s          Style
}

type recCircle struct {
	cx, cy, r float64
	s         Style
}

type recPath struct {
	p []Subpath
	s Style
}

func (r *recorder) Size(w, h float64) { r.w, r.h = w, h; r.sizes++ }
func (r *recorder) Rect(x, y, w, h float64, s Style) {
	r.rects = append(r.rects, recRect{x, y, w, h, s})
}
func (r *recorder) Line(x1, y1, x2, y2 float64, s Style) { r.lines++ }
func (r *recorder) Circle(cx, cy, r0 float64, s Style) {
	r.circles = append(r.circles, recCircle{cx, cy, r0, s})
}
func (r *recorder) Path(p []Subpath, s Style) { r.paths = append(r.paths, recPath{p, s}) }
func (r *recorder) Text(t Text)               { r.texts = append(r.texts, t) }
func (r *recorder) text(s string) (Text, bool) {
	for _, t := range r.texts {
		if t.S == s {
			return t, true
		}
	}
	return Text{}, false
}

func walk(t *testing.T, svg template.HTML) *recorder {
	t.Helper()
	r := &recorder{}
	if err := Walk(svg, r); err != nil {
		t.Fatalf("Walk: %v\n%s", err, svg)
	}
	return r
}

// TestWalkAll walks every chart of the golden files and of the hard inputs,
// each kind and each state the package draws, and checks that every <text>
// and shape comes through.
func TestWalkAll(t *testing.T) {
	cases := hardCases()
	for _, g := range goldenCases() {
		cases[g.file] = g.svg
	}
	for name, svg := range cases {
		t.Run(name, func(t *testing.T) {
			r := walk(t, svg)
			root, err := parse(svg)
			if err != nil {
				t.Fatal(err)
			}
			if r.sizes != 1 || r.w != viewW {
				t.Errorf("got %d Size calls with width %v, want 1 with %v", r.sizes, r.w, viewW)
			}
			// Texts: every non-empty <text> but none of the tooltips.
			var want int
			for _, n := range root.all("text") {
				if collapse(n.text) != "" {
					want++
				}
			}
			if len(r.texts) != want {
				t.Errorf("got %d texts, want %d", len(r.texts), want)
			}
			if got, want := len(r.circles), len(root.all("circle"))-len(root.child("defs").all("circle")); got != want {
				t.Errorf("got %d circles, want %d", got, want)
			}
			if got, want := r.lines, len(root.all("line"))-len(root.child("defs").all("line")); got != want {
				t.Errorf("got %d lines, want %d", got, want)
			}
			if got, want := len(r.rects), len(root.all("rect"))-len(root.child("defs").all("rect")); got != want {
				t.Errorf("got %d rects, want %d", got, want)
			}
			if got, want := len(r.paths), len(root.all("path"))-len(root.child("defs").all("path")); got != want {
				t.Errorf("got %d paths, want %d", got, want)
			}
			for _, tx := range r.texts {
				if strings.Contains(tx.S, "NPS +") && strings.Contains(tx.S, "interval [") {
					t.Errorf("got tooltip %q drawn as text", tx.S)
				}
			}
		})
	}
}

// TestWalkDistribution checks the bars' paints: striped detractors, dotted
// passives, solid promoters, and a count at its place.
func TestWalkDistribution(t *testing.T) {
	r := walk(t, Distribution("Scores", "", scores, english))
	var bars []recRect
	for _, b := range r.rects {
		if b.w == distBarW {
			bars = append(bars, b)
		}
	}
	if len(bars) != 11 {
		t.Fatalf("got %d bars, want 11", len(bars))
	}
	det, pas, pro := mustColour(colDetractor), mustColour(colPassive), mustColour(colPromoter)
	for score, b := range bars {
		p := b.s.Fill.Pattern
		switch {
		case score <= 6:
			if p == nil || p.Kind != Stripes || p.Background.Colour != det || p.Ink != (Colour{255, 255, 255}) || p.Angle != 45 || p.W != 6 || p.X != 3 || p.Size != 2 {
				t.Errorf("score %d: got fill %+v pattern %+v, want white stripes at 45° on %v", score, b.s.Fill, p, det)
			}
		case score <= 8:
			if p == nil || p.Kind != Dots || p.Background.Colour != pas || p.Size != 1.4 || p.X != 3 || p.Y != 3 {
				t.Errorf("score %d: got pattern %+v, want white dots on %v", score, p, pas)
			}
		default:
			if p != nil || b.s.Fill.Colour != pro {
				t.Errorf("score %d: got fill %+v, want solid %v", score, b.s.Fill, pro)
			}
		}
		if b.s.Stroke.Colour != []Colour{det, pas, pro}[min(score/7+score/9, 2)] {
			t.Errorf("score %d: got stroke %v", score, b.s.Stroke.Colour)
		}
	}
	slot := (distRight - distLeft) / 11
	tx, ok := r.text("14")
	if !ok || math.Abs(tx.X-(distLeft+slot/2)) > 0.06 || tx.Anchor != AnchorMiddle {
		t.Errorf("got count of score 0 %+v, want 14 centred at %.1f", tx, distLeft+slot/2)
	}
	if tx, ok := r.text("Scores"); !ok || tx.X != 12 || tx.Y != 24 || !tx.Bold || tx.Size != fontTitle {
		t.Errorf("got title %+v, want bold at 12, 24", tx)
	}
	for _, s := range []string{"Detractors", "Passives", "Promoters", "0", "10"} {
		if _, ok := r.text(s); !ok {
			t.Errorf("got no text %q", s)
		}
	}
}

// TestWalkTrend checks the band, the hatching, the dashed line and the
// halo of the values.
func TestWalkTrend(t *testing.T) {
	r := walk(t, Trend("NPS per year", "", years(), english))
	if r.w != trendW || r.h != trendH {
		t.Errorf("got size %v×%v, want %v×%v", r.w, r.h, trendW, trendH)
	}
	if len(r.circles) != 8 {
		t.Errorf("got %d markers, want 8", len(r.circles))
	}
	var band, hatch, solid, dashed int
	for _, p := range r.paths {
		switch {
		case p.s.Fill.Pattern != nil:
			pat := p.s.Fill.Pattern
			if pat.Kind != Stripes || pat.Background.Set || pat.Angle != -45 || pat.Ink != mustColour(colLine) {
				t.Errorf("got hatch %+v, want line-coloured stripes at -45° without background", pat)
			}
			if !p.p[0].Closed {
				t.Errorf("got an open hatch")
			}
			hatch++
		case p.s.Fill.Set:
			band++
		case len(p.s.Dash) > 0:
			if fmt.Sprint(p.s.Dash) != "[4 3]" {
				t.Errorf("got dashes %v, want [4 3]", p.s.Dash)
			}
			dashed++
		default:
			if !p.s.RoundJoin || !p.s.RoundCap || p.s.Width != 2 {
				t.Errorf("got line style %+v, want round, 2 wide", p.s)
			}
			solid++
			if len(p.p) != 2 {
				t.Errorf("got %d subpaths of the solid line, want 2 (broken by the small sample)", len(p.p))
			}
		}
	}
	if band != 1 || hatch != 1 || solid != 1 || dashed != 1 {
		t.Errorf("got %d bands, %d hatches, %d solid and %d dashed lines, want 1 each", band, hatch, solid, dashed)
	}
	tx, ok := r.text("+31*")
	if !ok || !tx.Bold || !tx.Halo.Set || tx.Halo.Colour != (Colour{255, 255, 255}) || tx.HaloWidth != 3 {
		t.Errorf("got value %+v, want +31* bold with a white halo 3 wide", tx)
	}
	if tx, ok := r.text("+100"); !ok || tx.Anchor != AnchorEnd || tx.X != 42 {
		t.Errorf("got tick %+v, want +100 ending at 42", tx)
	}
}

// TestWalkIntervalsCategories checks the italic note, squeezed text and the
// segments of the category bar.
func TestWalkIntervalsCategories(t *testing.T) {
	r := walk(t, Intervals("NPS", "", segments(), dutch))
	if tx, ok := r.text("kleine steekproef"); !ok || !tx.Italic || tx.Anchor != AnchorEnd {
		t.Errorf("got note %+v, want italic and end-anchored", tx)
	}
	if _, ok := r.text("Onderwijs en w…"); !ok {
		t.Errorf("got no cut label")
	}
	r = walk(t, Intervals("NPS", "", []Point{{Label: "a", Value: 1, N: math.MaxInt64}}, dutch))
	if tx, ok := r.text("NPS +1 (n 9223372036854775807)"); !ok || tx.Length != ivTextRight-ivTextLeft {
		t.Errorf("got %+v, want squeezed to %v", tx, ivTextRight-ivTextLeft)
	}

	r = walk(t, Categories("C", "", 230, 370, 400, english))
	var segs []recRect
	for _, b := range r.rects {
		if b.y == catBarTop && b.h == catBarH && b.s.Fill.Set {
			segs = append(segs, b)
		}
	}
	if len(segs) != 3 || segs[0].s.Fill.Pattern == nil || segs[1].s.Fill.Pattern.Kind != Dots || segs[2].s.Fill.Pattern != nil {
		t.Fatalf("got segments %+v, want striped, dotted, solid", segs)
	}
	if got, want := segs[0].w, 0.23*(catRight-catLeft); math.Abs(got-want) > 0.06 {
		t.Errorf("got detractor segment %v wide, want %v", got, want)
	}
	for _, s := range []string{"23% (n 230)", "Promoters"} {
		if _, ok := r.text(s); !ok {
			t.Errorf("got no text %q", s)
		}
	}
}

// mustColour parses one of the package's colours.
func mustColour(s string) Colour {
	c, err := newTestWalker().colour("fill", s)
	if err != nil {
		panic(err)
	}
	return c
}

func newTestWalker() *walker { return &walker{dec: xml.NewDecoder(strings.NewReader(""))} }

// TestWalkRefuses checks that what the package does not write is an error,
// never a drawing that leaves it out.
func TestWalkRefuses(t *testing.T) {
	const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 100" width="100%">`
	const defs = `<defs><pattern id="p" width="6" height="6" patternUnits="userSpaceOnUse">`
	cases := map[string]string{
		"not svg":          `<html></html>`,
		"not XML":          head + `<rect`,
		"unknown element":  head + `<g></g></svg>`,
		"unknown attr":     head + `<rect width="1" height="1" opacity="0.5"/></svg>`,
		"named colour":     head + `<rect width="1" height="1" fill="red"/></svg>`,
		"bad number":       head + `<rect width="1" height="NaN"/></svg>`,
		"negative size":    head + `<rect width="-1" height="1"/></svg>`,
		"arc":              head + `<path d="M0 0A5 5 0 0 1 10 10"/></svg>`,
		"relative line":    head + `<path d="M0 0l10 10"/></svg>`,
		"L before M":       head + `<path d="L0 0"/></svg>`,
		"half a pair":      head + `<path d="M0 0L10"/></svg>`,
		"missing pattern":  head + `<rect width="1" height="1" fill="url(#x)"/></svg>`,
		"pattern stroke":   head + defs + `<circle cx="3" cy="3" r="1"/></pattern></defs><line x2="1" stroke="url(#p)"/></svg>`,
		"pattern two dots": head + defs + `<circle cx="3" cy="3" r="1"/><circle cx="1" cy="1" r="1"/></pattern></defs></svg>`,
		"pattern empty":    head + defs + `</pattern></defs></svg>`,
		"pattern skew":     head + `<defs><pattern id="p" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="skewX(3)"><circle cx="3" cy="3" r="1"/></pattern></defs></svg>`,
		"pattern units":    head + `<defs><pattern id="p" width="6" height="6"><circle cx="3" cy="3" r="1"/></pattern></defs></svg>`,
		"dot off the tile": head + defs + `<circle cx="5.5" cy="3" r="1"/></pattern></defs></svg>`,
		"slanted stripe":   head + defs + `<line x1="0" y1="0" x2="6" y2="6" stroke="#fff"/></pattern></defs></svg>`,
		"text stroke":      head + `<text x="1" y="1" fill="#000" stroke="#fff">a</text></svg>`,
		"text in text":     head + `<text x="1" y="1"><tspan>a</tspan></text></svg>`,
		"text font weight": head + `<text x="1" y="1" font-weight="600">a</text></svg>`,
		"text squeeze":     head + `<text x="1" y="1" textLength="10" lengthAdjust="spacing">a</text></svg>`,
		"text pattern":     head + defs + `<circle cx="3" cy="3" r="1"/></pattern></defs><text fill="url(#p)">a</text></svg>`,
		"linejoin bevel":   head + `<path d="M0 0L1 1" stroke-linejoin="bevel"/></svg>`,
		"bare text":        head + `hello</svg>`,
		"after root":       head + `</svg><svg></svg>`,
		"huge number":      head + `<rect width="1e7" height="1"/></svg>`,
		"tiny tile":        head + `<defs><pattern id="p" width="0.5" height="6" patternUnits="userSpaceOnUse"><circle cx="0.25" cy="3" r="0.1"/></pattern></defs></svg>`,
		"viewBox offset":   `<svg viewBox="1 0 480 100"></svg>`,
		"fixed width":      `<svg viewBox="0 0 480 100" width="480"></svg>`,
		"shape in rect":    head + `<rect width="1" height="1"><rect/></rect></svg>`,
	}
	for name, svg := range cases {
		if err := Walk(template.HTML(svg), &recorder{}); err == nil {
			t.Errorf("%s: got no error for %s", name, svg)
		} else if !strings.HasPrefix(err.Error(), "chart: walk: ") {
			t.Errorf("%s: got error %q, want it to begin with chart: walk:", name, err)
		}
	}
}

// TestWalkPath checks the parsing of path data.
func TestWalkPath(t *testing.T) {
	w := newTestWalker()
	cases := map[string]string{
		"M0 0L10 0L10 10Z":        "[{[{0 0} {10 0} {10 10}] true}]",
		"M1,2 3,4":                "[{[{1 2} {3 4}] false}]",
		"M1-2L-3.5-4M5 5L6 6":     "[{[{1 -2} {-3.5 -4}] false} {[{5 5} {6 6}] false}]",
		"M0 0L1 1ZL2 2":           "[{[{0 0} {1 1}] true} {[{0 0} {2 2}] false}]",
		"M0 0":                    "[]",
		"M64 109.2L119.4 105.2Z ": "[{[{64 109.2} {119.4 105.2}] true}]",
	}
	for d, want := range cases {
		got, err := w.pathData(d)
		if err != nil {
			t.Errorf("pathData(%q): %v", d, err)
			continue
		}
		if s := fmt.Sprint(got); s != want {
			t.Errorf("pathData(%q): got %s, want %s", d, s, want)
		}
	}
}

// TestPatternMarks checks the stripes and dots over a box against SVG's
// tiling: a tile's stripe at its X, rotated about the origin.
func TestPatternMarks(t *testing.T) {
	marks := func(p *Pattern, x0, y0, x1, y1 float64) Marks {
		t.Helper()
		m, err := p.MarksIn(x0, y0, x1, y1)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	flat := &Pattern{Kind: Stripes, W: 6, H: 6, X: 3, Size: 2}
	// Stripes at x = 9, 15, 21 (and 27, past the box) cover 8-10, 14-16, 20-22.
	got := marks(flat, 10, 0, 22, 5).Stripes
	if len(got) != 3 || got[0][0].X != 8 || got[2][1].X != 22 || got[0][0].Y != 0 || got[0][2].Y != 5 {
		t.Errorf("stripes over 10, 0, 22, 5: got %v, want stripes from x 8 to 22 over y 0-5", got)
	}
	dots := marks(&Pattern{Kind: Dots, W: 6, H: 6, X: 3, Y: 3, Size: 1}, 0, 0, 12, 6).Dots
	if len(dots) != 2 || dots[0] != (XY{3, 3}) || dots[1] != (XY{9, 3}) {
		t.Errorf("dots over 0, 0, 12, 6: got %v, want 3,3 and 9,3", dots)
	}
	// Rotated by 45°, a point on a stripe's centre line maps back to X.
	diag := &Pattern{Kind: Stripes, W: 6, H: 6, X: 3, Size: 2, Angle: 45}
	for _, s := range marks(diag, 0, 0, 40, 40).Stripes {
		c := XY{(s[0].X + s[1].X) / 2, (s[0].Y + s[1].Y) / 2}
		u := (c.X + c.Y) / math.Sqrt2
		if r := math.Mod(u-3, 6); math.Abs(r) > 1e-9 && math.Abs(math.Abs(r)-6) > 1e-9 {
			t.Errorf("got a stripe centred at u=%.3f, want 3 + 6k", u)
		}
	}
	if _, err := (&Pattern{Kind: Dots, W: 1, H: 1, X: 0.5, Y: 0.5, Size: 0.2}).MarksIn(0, 0, 1e6, 1e6); err == nil {
		t.Errorf("got a trillion dots, want an error")
	}
}

// FuzzWalk checks that no input makes Walk panic, and that what it accepts
// comes with a size first.
func FuzzWalk(f *testing.F) {
	for _, g := range goldenCases() {
		f.Add(string(g.svg))
	}
	f.Add(`<svg viewBox="0 0 10 10"><path d="M0 0L1 1ZL2 2Z"/><text x="1" y="1"><title>t</title> a  b </text></svg>`)
	f.Fuzz(func(t *testing.T, svg string) {
		r := &recorder{}
		if err := Walk(template.HTML(svg), r); err != nil {
			return
		}
		if r.sizes != 1 || !(r.w > 0) || !(r.h > 0) {
			t.Fatalf("got %d sizes %v×%v for an accepted chart", r.sizes, r.w, r.h)
		}
	})
}
