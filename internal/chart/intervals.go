package chart

import "html/template"

// Layout of an interval chart, in viewBox units: the labels right-aligned
// against the plot, the plot, then the figures right-aligned against the
// chart's edge, so that a text wider than estimated eats into the gutter
// beside the plot and never runs past the edge.
const (
	ivW          = viewW
	ivLabelRight = 140.0
	ivLeft       = 152.0
	ivRight      = 332.0
	ivTextLeft   = 344.0 // where the figures may begin
	ivTextRight  = ivW - 8
	ivTop        = 40.0
	ivRowH       = 36.0
	ivLabelRunes = 15 // (ivLabelRight - 12) / the width of a rune at fontAxis
)

// Intervals draws one row per group: its label at the left, a dot at its
// value with a whisker over its interval on an NPS axis from -100 to 100,
// and "NPS +12 (n 340)" at the right. A small-sample row has a hollow dot, a
// dashed whisker, a hatched band and the SmallN text under its figures.
func Intervals(title, desc string, rows []Point, l Labels) template.HTML {
	h := newHasher("intervals", title, desc, l)
	for _, p := range rows {
		h.point(p)
	}
	bottom := ivTop + float64(len(rows))*ivRowH
	height := bottom + 28
	spans := make([]span, len(rows))
	anyInterval := false
	for i, p := range rows {
		spans[i] = spanOf(p)
		anyInterval = anyInterval || spans[i].interval
	}
	if anyInterval && l.Interval != "" {
		height += 22
	}
	if len(rows) == 0 {
		height = 140
	}
	c := newCanvas("intervals", h, ivW, height, title, desc, patSmallN)
	if len(rows) == 0 {
		return c.empty(ivW, height, desc)
	}
	x := func(v float64) float64 { return ivLeft + (v+100)/200*(ivRight-ivLeft) }

	for i := range rows {
		if i%2 == 0 {
			c.tag("rect", "x", 0.0, "y", ivTop+float64(i)*ivRowH, "width", ivW, "height", ivRowH, "fill", colZebra)
		}
	}
	for _, t := range npsTicks {
		if t != 0 {
			c.tag("line", "x1", x(t), "y1", ivTop, "x2", x(t), "y2", bottom, "stroke", colGrid, "stroke-width", 1.0)
		}
		c.text(x(t), bottom+16, signed(t), "text-anchor", "middle", "font-size", fontAxis, "fill", colMuted)
	}
	c.tag("line", "x1", x(0), "y1", ivTop, "x2", x(0), "y2", bottom, "stroke", colZero, "stroke-width", 1.5)

	for i, p := range rows {
		s := spans[i]
		cy := ivTop + float64(i)*ivRowH + ivRowH/2
		c.label(ivLabelRight, cy+5, p.Label, ivLabelRunes, "text-anchor", "end", "font-size", fontAxis, "fill", colText)
		figures := "NPS " + valueText(s) + " (" + countText(p.N, l) + ")"
		width := ivTextRight - ivTextLeft
		if p.Warn {
			c.fitText(ivTextRight, cy-1, width, fontValue, figures, "text-anchor", "end", "fill", colText)
			small := l.SmallN
			if small == "" {
				small = "*"
			}
			// A translation may be long: squeezed by at most a tenth, then cut.
			c.fitLabel(ivTextRight, cy+14, width, fontNote, small, int(width/0.9/(fontNote*0.6)),
				"text-anchor", "end", "font-style", "italic", "fill", colMuted)
		} else {
			c.fitText(ivTextRight, cy+5, width, fontValue, figures, "text-anchor", "end", "fill", colText)
		}
		if !s.ok {
			continue
		}
		if s.interval {
			x0, x1 := x(s.lo), x(s.hi)
			c.tag("rect", "x", x0, "y", cy-6, "width", x1-x0, "height", 12.0, "fill", colBand)
			kv := []any{"fill", "none", "stroke", colLine, "stroke-width", 1.5}
			if p.Warn {
				c.tag("rect", "x", x0, "y", cy-6, "width", x1-x0, "height", 12.0, "fill", c.ref(patSmallN))
				kv = append(kv, "stroke-dasharray", "3 2")
			}
			d := pathCmd(true, x0, cy) + pathCmd(false, x1, cy) +
				pathCmd(true, x0, cy-6) + pathCmd(false, x0, cy+6) +
				pathCmd(true, x1, cy-6) + pathCmd(false, x1, cy+6)
			c.tag("path", append([]any{"d", d}, kv...)...)
		}
		kv := []any{"cx", x(s.v), "cy", cy, "r", 5.0, "fill", colLine, "stroke", "#fff", "stroke-width", 1.0}
		if p.Warn {
			kv = []any{"cx", x(s.v), "cy", cy, "r", 5.0, "fill", "#fff", "stroke", colLine, "stroke-width", 1.5, "stroke-dasharray", "2 1.5"}
		}
		c.open("circle", kv...)
		c.textEl("title", tooltip(p, s, l))
		c.close("circle")
	}
	if anyInterval {
		c.legend(ivLeft, bottom+40, []legendItem{{l.Interval, func(x, y float64) { c.bandSwatch(x, y-9, false) }, 18}})
	}
	return c.html()
}
