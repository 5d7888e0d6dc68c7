package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"testing"
)

// box is the estimated bounds of a <text>, by textWidth and the font size,
// or its textLength where it has one.
type box struct {
	text                     string
	left, right, top, bottom float64
}

func textBox(t *testing.T, n *node) box {
	t.Helper()
	f := func(name string) float64 {
		v, err := strconv.ParseFloat(n.attr[name], 64)
		if err != nil {
			t.Fatalf("<text %s=%q> of %q: %v", name, n.attr[name], n.text, err)
		}
		return v
	}
	x, y, size := f("x"), f("y"), f("font-size")
	w := textWidth(n.text, size)
	if n.attr["textLength"] != "" {
		w = f("textLength")
	}
	b := box{text: n.text, left: x, right: x + w, top: y - size*textAscent, bottom: y + size*textDescent}
	switch n.attr["text-anchor"] {
	case "middle":
		b.left, b.right = x-w/2, x+w/2
	case "end":
		b.left, b.right = x-w, x
	}
	return b
}

func (a box) overlaps(b box) bool {
	return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
}

// viewBox returns the width and height of a chart's viewBox.
func viewBox(t *testing.T, root *node) (w, h float64) {
	t.Helper()
	f := strings.Fields(root.attr["viewBox"])
	if len(f) != 4 {
		t.Fatalf("got viewBox %q, want 0 0 w h", root.attr["viewBox"])
	}
	w, _ = strconv.ParseFloat(f[2], 64)
	h, _ = strconv.ParseFloat(f[3], 64)
	return w, h
}

// TestTrendValueLabels checks, for trends of 5 and of 60 points whose values
// reach both ends of the axis and zero, that every value stays inside the
// plot and clear of its marker and that no two values overlap.
func TestTrendValueLabels(t *testing.T) {
	values := []float64{100, -16.7, 0, 11.1, -100, 99.4, 0.3, -98.6}
	for _, n := range []int{5, 60} {
		pts := make([]Point, n)
		for i := range pts {
			v := values[i%len(values)]
			pts[i] = Point{Label: fmt.Sprintf("W%d", i+1), Value: v, Low: v - 20, High: v + 20, N: 20, Warn: i%2 == 0}
		}
		root, err := parse(Trend("NPS", "", pts, english))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := viewBox(t, root)
		var labels []box
		for _, e := range root.all("text") {
			if e.attr["font-weight"] == "bold" && e.attr["fill"] == colLine {
				labels = append(labels, textBox(t, e))
			}
		}
		var markers []box
		for _, e := range root.all("circle") {
			cx, _ := strconv.ParseFloat(e.attr["cx"], 64)
			cy, _ := strconv.ParseFloat(e.attr["cy"], 64)
			r, _ := strconv.ParseFloat(e.attr["r"], 64)
			markers = append(markers, box{left: cx - r, right: cx + r, top: cy - r, bottom: cy + r})
		}
		if len(labels) < 3 {
			t.Fatalf("%d points: got %d value labels, want at least 3", n, len(labels))
		}
		if want := valueText(spanOf(pts[n-1])) + star(pts[n-1].Warn); labels[len(labels)-1].text != want {
			t.Errorf("%d points: got last value %q, want %q", n, labels[len(labels)-1].text, want)
		}
		for i, a := range labels {
			if a.left < 0 || a.right > w || a.left < trendLeft || a.right > trendRight {
				t.Errorf("%d points: value %q reaches %.1f..%.1f, outside the plot %v..%v and viewBox 0..%v",
					n, a.text, a.left, a.right, trendLeft, trendRight, w)
			}
			if a.top < trendTop-valueTopRoom || a.bottom > trendBottom+valueBottom {
				t.Errorf("%d points: value %q reaches %.1f..%.1f in height, outside %v..%v",
					n, a.text, a.top, a.bottom, trendTop-valueTopRoom, trendBottom+valueBottom)
			}
			for _, b := range labels[i+1:] {
				if a.overlaps(b) {
					t.Errorf("%d points: values %q %+v and %q %+v overlap", n, a.text, a, b.text, b)
				}
			}
		}
		// With few points each value is at its own marker: none may cover it.
		if n == 5 {
			for i, a := range labels {
				if a.overlaps(markers[i]) {
					t.Errorf("%d points: value %q covers its marker %+v", n, a.text, markers[i])
				}
			}
		}
	}
}

// TestTextSizes checks that every kind of chart has the same viewBox width
// and that, in a box of that width scaled to a phone's 360 px and to the
// dashboard's 640 px, no text is under 10 px and no title over 18 px.
func TestTextSizes(t *testing.T) {
	charts := map[string]template.HTML{
		"trend":        Trend("T", "D", years(), english),
		"intervals":    Intervals("T", "D", segments(), english),
		"distribution": Distribution("T", "D", scores, english),
		"categories":   Categories("T", "D", 1, 2, 3, english),
	}
	sizes := map[string]string{} // font size → the chart that first used it
	for name, svg := range charts {
		root, err := parse(svg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w, _ := viewBox(t, root)
		if w != viewW {
			t.Errorf("%s: got viewBox width %v, want %v", name, w, viewW)
		}
		for i, e := range root.all("text") {
			size, err := strconv.ParseFloat(e.attr["font-size"], 64)
			if err != nil {
				t.Fatalf("%s: <text> %q has font-size %q", name, e.text, e.attr["font-size"])
			}
			if px := size * phonePx / w; px < 9.95 {
				t.Errorf("%s: %q is %.1f px at %v px wide, want at least 10", name, e.text, px, phonePx)
			}
			if px := size * desktopPx / w; i == 0 && px > 18.05 {
				t.Errorf("%s: title %q is %.1f px at %v px wide, want at most 18", name, e.text, px, desktopPx)
			}
			if _, ok := sizes[e.attr["font-size"]]; !ok {
				sizes[e.attr["font-size"]] = name
			}
		}
	}
	if len(sizes) != 1 {
		t.Errorf("got font sizes %v, want one size for every text", sizes)
	}
}

// TestIntervalsLongText checks that long figures and a long small-sample
// text end inside the chart and that a long group label is cut with an
// ellipsis and keeps its whole text as a tooltip.
func TestIntervalsLongText(t *testing.T) {
	long := "Onderwijs en wetenschappelijk onderzoek"
	rows := []Point{
		{Label: long, Value: -16.7, Low: -40, High: 8, N: 1234567, Warn: true},
		{Label: "Retail", Value: 12, Low: 6, High: 18, N: 340},
		{Label: "Zorg", Value: 100, Low: 90, High: 100, N: math.MaxInt64, Warn: true},
	}
	l := dutch
	l.SmallN = "kleine steekproef, met voorzichtigheid te lezen"
	root, err := parse(Intervals("NPS per sector", "", rows, l))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := viewBox(t, root)
	cut := false
	for _, e := range root.all("text") {
		b := textBox(t, e)
		if b.left < 0 || b.right > w {
			t.Errorf("%q reaches %.1f..%.1f, outside the viewBox 0..%v", e.text, b.left, b.right, w)
		}
		// Right of the plot, a text wider than estimated must grow away
		// from the edge.
		if b.left > ivRight && e.attr["text-anchor"] != "end" {
			t.Errorf("%q: got text-anchor %q, want end, against the chart's edge", e.text, e.attr["text-anchor"])
		}
		if strings.HasSuffix(e.text, "…") && strings.HasPrefix(long, strings.TrimSuffix(e.text, "…")) {
			cut = true
			if got := e.child("title").text; got != long {
				t.Errorf("cut label %q: got tooltip %q, want %q", e.text, got, long)
			}
		}
	}
	if !cut {
		t.Errorf("got no label cut from %q", long)
	}
}
