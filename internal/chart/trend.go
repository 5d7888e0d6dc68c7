package chart

import (
	"html/template"
	"math"
	"strings"
)

// Layout of a trend, in viewBox units.
const (
	trendW, trendH        = viewW, 268.0
	trendLeft, trendRight = 48.0, 468.0
	trendTop, trendBottom = 46.0, 206.0
	trendPad              = 16.0 // between the y axis and the first point
	trendLabelY           = trendBottom + 20
	trendLegendY          = 258.0
	trendLabelRunes       = 14
	trendEdge             = 4.0 // the least room between a label and the chart's edge
	trendLabelGap         = 8.0 // the least room between two labels under the axis
)

// npsTicks are the gridlines of an NPS axis.
var npsTicks = [...]float64{-100, -50, 0, 50, 100}

// Trend draws pts as a line over their labels, with the interval as a band
// (a whisker for a point without neighbours) and each point's value printed
// at it: over the point, or under it at the top of the plot, shifted inward
// at the ends, with a white halo over the band. The y axis is fixed at
// -100..100 so that trends compare at a glance. Small-sample points are
// hollow and dashed, their band hatched and their value marked with "*".
// With many points the labels and values are thinned so that none touch,
// always keeping the last point's.
func Trend(title, desc string, pts []Point, l Labels) template.HTML {
	h := newHasher("trend", title, desc, l)
	for _, p := range pts {
		h.point(p)
	}
	c := newCanvas("trend", h, trendW, trendH, title, desc, patSmallN)
	if len(pts) == 0 {
		return c.empty(trendW, trendH, desc)
	}
	n := len(pts)
	spans := make([]span, n)
	xs := make([]float64, n)
	step := trendRight - trendLeft - 2*trendPad
	if n > 1 {
		step /= float64(n - 1)
	}
	for i, p := range pts {
		spans[i] = spanOf(p)
		xs[i] = trendLeft + trendPad + float64(i)*step
		if n == 1 {
			xs[i] = (trendLeft + trendRight) / 2
		}
	}
	y := func(v float64) float64 { return trendTop + (100-v)/200*(trendBottom-trendTop) }

	c.gridY(trendLeft, trendRight, y)

	// Bands, one per run of points with a value, then the hatching of the
	// small samples' part of them.
	var anyInterval, anySmall bool
	runs := valueRuns(spans)
	for _, r := range runs {
		if len(r) == 1 {
			continue
		}
		var d strings.Builder
		for k, i := range r {
			d.WriteString(pathCmd(k == 0, xs[i], y(spans[i].hi)))
		}
		for k := len(r) - 1; k >= 0; k-- {
			d.WriteString(pathCmd(false, xs[r[k]], y(spans[r[k]].lo)))
		}
		d.WriteString("Z")
		c.tag("path", "d", d.String(), "fill", colBand)
	}
	for _, r := range runs {
		for k, i := range r {
			anyInterval = anyInterval || spans[i].interval
			if !pts[i].Warn {
				continue
			}
			anySmall = true
			if len(r) == 1 {
				continue // a lone point's whisker is dashed instead
			}
			// The zone of point i reaches halfway to its neighbours.
			var top, bottom []xy
			if k > 0 {
				j := r[k-1]
				top = append(top, mid(xs[j], y(spans[j].hi), xs[i], y(spans[i].hi)))
				bottom = append(bottom, mid(xs[j], y(spans[j].lo), xs[i], y(spans[i].lo)))
			}
			top = append(top, xy{xs[i], y(spans[i].hi)})
			bottom = append(bottom, xy{xs[i], y(spans[i].lo)})
			if k < len(r)-1 {
				j := r[k+1]
				top = append(top, mid(xs[i], y(spans[i].hi), xs[j], y(spans[j].hi)))
				bottom = append(bottom, mid(xs[i], y(spans[i].lo), xs[j], y(spans[j].lo)))
			}
			var d strings.Builder
			for m, p := range top {
				d.WriteString(pathCmd(m == 0, p.x, p.y))
			}
			for m := len(bottom) - 1; m >= 0; m-- {
				d.WriteString(pathCmd(false, bottom[m].x, bottom[m].y))
			}
			d.WriteString("Z")
			c.tag("path", "d", d.String(), "fill", c.ref(patSmallN))
		}
	}

	// The line: each segment's half at a small-sample point is dashed.
	solid, dashed := &pen{}, &pen{}
	for _, r := range runs {
		for k := 0; k+1 < len(r); k++ {
			i, j := r[k], r[k+1]
			a, b := xy{xs[i], y(spans[i].v)}, xy{xs[j], y(spans[j].v)}
			m := mid(a.x, a.y, b.x, b.y)
			penFor(pts[i].Warn, solid, dashed).line(a, m)
			penFor(pts[j].Warn, solid, dashed).line(m, b)
		}
	}
	if solid.d.Len() > 0 {
		c.tag("path", "d", solid.d.String(), "fill", "none", "stroke", colLine, "stroke-width", 2.0,
			"stroke-linejoin", "round", "stroke-linecap", "round")
	}
	if dashed.d.Len() > 0 {
		c.tag("path", "d", dashed.d.String(), "fill", "none", "stroke", colLine, "stroke-width", 2.0,
			"stroke-dasharray", "4 3")
	}

	// Whiskers of lone points, then the markers with their tooltips.
	for _, r := range runs {
		if i := r[0]; len(r) == 1 && spans[i].interval {
			c.whiskerV(xs[i], y(spans[i].lo), y(spans[i].hi), pts[i].Warn)
		}
	}
	radius := 4.0
	if n > 1 {
		radius = math.Max(1.5, math.Min(4, step/2.5))
	}
	for i, p := range pts {
		s := spans[i]
		if !s.ok {
			continue
		}
		kv := []any{"cx", xs[i], "cy", y(s.v), "r", radius, "fill", colLine, "stroke", "#fff", "stroke-width", 1.0}
		if p.Warn {
			kv = []any{"cx", xs[i], "cy", y(s.v), "r", radius, "fill", "#fff", "stroke", colLine, "stroke-width", 1.5, "stroke-dasharray", "2 1.5"}
		}
		c.open("circle", kv...)
		c.textEl("title", tooltip(p, s, l))
		c.close("circle")
	}

	// Labels under the axis and values at the points, each thinned to every
	// k-th point counted back from the last, so that neighbours do not touch.
	labels := make([]extent, n)
	for i, p := range pts {
		short, _ := truncate(p.Label, trendLabelRunes)
		labels[i] = centred(xs[i], textWidth(short, fontAxis), trendEdge, trendW-trendEdge)
	}
	labelEvery := thin(labels, trendLabelGap)
	values := make([]placed, n)
	for i, p := range pts {
		if s := spans[i]; s.ok {
			lone := n == 1 || len(runOf(runs, i)) == 1 && s.interval
			values[i] = placeValue(valueText(s)+star(p.Warn), xs[i], y(s.v), radius, lone)
		}
	}
	valueEvery := thinValues(values)
	var starred []int
	for i, p := range pts {
		if values[i].text != "" && (n-1-i)%valueEvery != 0 {
			values[i] = placed{}
			if p.Warn {
				starred = append(starred, i)
			}
		}
	}
	for _, i := range starred {
		values[i] = placeStar(xs[i], y(spans[i].v), radius, values)
	}
	for _, v := range values {
		if v.text != "" {
			c.text(v.x, v.y, v.text, "text-anchor", v.anchor, "font-size", fontValue, "font-weight", "bold",
				"fill", colLine, "stroke", "#fff", "stroke-width", 3.0, "stroke-linejoin", "round", "paint-order", "stroke")
		}
	}
	for i, p := range pts {
		if (n-1-i)%labelEvery == 0 {
			e := labels[i]
			c.label(e.x, trendLabelY, p.Label, trendLabelRunes, "text-anchor", e.anchor, "font-size", fontAxis, "fill", colText)
		}
	}

	var items []legendItem
	if anyInterval {
		items = append(items, legendItem{l.Interval, func(x, y float64) { c.bandSwatch(x, y-9, false) }, 18})
	}
	if anySmall {
		items = append(items, legendItem{"* " + l.SmallN, func(x, y float64) { c.bandSwatch(x, y-9, true) }, 18})
	}
	c.legend(trendLeft, trendLegendY, items)
	return c.html()
}

// runOf returns the run that holds point i.
func runOf(runs [][]int, i int) []int {
	for _, r := range runs {
		if len(r) > 0 && r[0] <= i && i <= r[len(r)-1] {
			return r
		}
	}
	return nil
}

// valueRuns splits the indexes of the points that have a value into runs of
// neighbours; a point without a value breaks the line.
func valueRuns(spans []span) [][]int {
	var runs [][]int
	var cur []int
	for i, s := range spans {
		if !s.ok {
			if len(cur) > 0 {
				runs = append(runs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, i)
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// gridY draws the gridlines from x0 to x1 and the tick labels left of x0 of
// a vertical NPS axis, y mapping an NPS to its height.
func (c *canvas) gridY(x0, x1 float64, y func(float64) float64) {
	for _, t := range npsTicks {
		if t != 0 {
			c.tag("line", "x1", x0, "y1", y(t), "x2", x1, "y2", y(t), "stroke", colGrid, "stroke-width", 1.0)
		}
		c.text(x0-6, y(t)+5, signed(t), "text-anchor", "end", "font-size", fontAxis, "fill", colMuted)
	}
	// The zero line last, over the others, emphasised.
	c.tag("line", "x1", x0, "y1", y(0), "x2", x1, "y2", y(0), "stroke", colZero, "stroke-width", 1.5)
}

// whiskerV draws a vertical whisker from y0 to y1 at x.
func (c *canvas) whiskerV(x, y0, y1 float64, small bool) {
	kv := []any{"fill", "none", "stroke", colLine, "stroke-width", 1.5}
	if small {
		kv = append(kv, "stroke-dasharray", "3 2")
	}
	d := pathCmd(true, x, y0) + pathCmd(false, x, y1) +
		pathCmd(true, x-5, y0) + pathCmd(false, x+5, y0) +
		pathCmd(true, x-5, y1) + pathCmd(false, x+5, y1)
	c.tag("path", append([]any{"d", d}, kv...)...)
}

type xy struct{ x, y float64 }

func mid(x0, y0, x1, y1 float64) xy { return xy{(x0 + x1) / 2, (y0 + y1) / 2} }

// pathCmd is a move (M) or line (L) command of path data.
func pathCmd(move bool, x, y float64) string {
	cmd := "L"
	if move {
		cmd = "M"
	}
	return cmd + num(x) + " " + num(y)
}

// pen builds path data of line pieces, joining a piece that starts where the
// last one ended.
type pen struct {
	d    strings.Builder
	last xy
}

func (p *pen) line(a, b xy) {
	if p.d.Len() == 0 || num(a.x) != num(p.last.x) || num(a.y) != num(p.last.y) {
		p.d.WriteString(pathCmd(true, a.x, a.y))
	}
	p.d.WriteString(pathCmd(false, b.x, b.y))
	p.last = b
}

func penFor(small bool, solid, dashed *pen) *pen {
	if small {
		return dashed
	}
	return solid
}
