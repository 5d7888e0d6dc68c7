package chart

import (
	"html/template"
	"strconv"
	"unicode/utf8"
)

// Layout of a category bar, in viewBox units.
const (
	catW                = viewW
	catLeft, catRight   = 12.0, 468.0
	catBarTop, catBarH  = 38.0, 40.0
	catLabelY           = catBarTop + catBarH + 22
	catLineH            = 19.0
	catGap              = 16.0 // between labels in a row
	catKeyW, catKeyText = 14.0, 6.0
	catListRunes        = 53 // (catRight - catLeft - catKeyW - catKeyText) / the width of a rune
)

// Categories draws the shares of detractors, passives and promoters as one
// bar stacked to 100%, each segment in its category's colour and pattern.
// Under the bar each segment has its key and name and, on a second line, its
// whole percentage and count, placed under the segment where room allows and
// else listed one category a line. The percentages add up to 100;
// a share that rounds to 0 or 100 but is not reads "<1%" or ">99%".
func Categories(title, desc string, detractors, passives, promoters int64, l Labels) template.HTML {
	h := newHasher("categories", title, desc, l)
	counts := [3]int64{detractors, passives, promoters}
	var total float64
	for i, n := range counts {
		h.int(n)
		counts[i] = max(0, n)
		total += float64(counts[i])
	}

	// The labels, their widths and the centres of their segments.
	var names, texts [3]string
	var widths, centres [3]float64
	pcts := percentages(counts)
	x := catLeft
	for i, n := range counts {
		w := float64(n) / total * (catRight - catLeft)
		centres[i] = x + w/2
		x += w
	}
	for i, name := range []string{l.Detractors, l.Passives, l.Promoters} {
		names[i] = name
		texts[i] = percentText(pcts[i], counts[i], total) + " (" + countText(counts[i], l) + ")"
		widths[i] = catKeyW + catKeyText + max(textWidth(names[i], fontLegend), textWidth(texts[i], fontLegend))
	}
	lefts, inRow := placeRow(centres, widths, catLeft, catRight)
	height := catLabelY + catLineH + 12
	if !inRow {
		height = catLabelY + 2*catLineH + 12
	}
	if total == 0 {
		height = 120
	}

	c := newCanvas("categories", h, catW, height, title, desc, patDetractor, patPassive)
	if total == 0 {
		return c.empty(catW, height, desc)
	}
	cats := categories(c, l)
	x = catLeft
	for i, n := range counts {
		w := float64(n) / total * (catRight - catLeft)
		if n > 0 {
			c.open("rect", "x", x, "y", catBarTop, "width", w, "height", catBarH, "fill", cats[i].fill, "stroke", cats[i].colour)
			c.textEl("title", cats[i].name+": "+texts[i])
			c.close("rect")
		}
		x += w
	}
	c.tag("rect", "x", catLeft, "y", catBarTop, "width", catRight-catLeft, "height", catBarH, "fill", "none", "stroke", colZero, "stroke-width", 1.0)
	for i, k := range cats {
		if !inRow {
			y := catLabelY + float64(i)*catLineH
			c.swatch(catLeft, y-11, k)
			// A long name is cut, never the figures after it.
			room := catListRunes - utf8.RuneCountInString(texts[i]) - 1
			name, cut := truncate(k.name, max(room, 1))
			c.tipText(catLeft+catKeyW+catKeyText, y, name+" "+texts[i], cut, k.name+" "+texts[i], []any{"font-size", fontLegend, "fill", colText})
			continue
		}
		c.swatch(lefts[i], catLabelY-11, k)
		c.text(lefts[i]+catKeyW+catKeyText, catLabelY, k.name, "font-size", fontLegend, "fill", colText)
		c.text(lefts[i]+catKeyW+catKeyText, catLabelY+catLineH, texts[i], "font-size", fontLegend, "font-weight", "bold", "fill", colText)
	}
	return c.html()
}

// percentText is "23%", or "<1%" and ">99%" where rounding would hide
// a category or all but one.
func percentText(pct, n int64, total float64) string {
	s := strconv.FormatInt(pct, 10) + "%"
	switch {
	case pct == 0 && n > 0:
		s = "<1%"
	case pct == 100 && float64(n) < total:
		s = ">99%"
	}
	return s
}

// percentages rounds the shares of counts to whole percentages that add up
// to 100, by largest remainder (ties to the first), so that the labels of
// one bar never read 99% or 101% together.
func percentages(counts [3]int64) [3]int64 {
	// In float64, as counts near the int64 limit would overflow a sum.
	var total float64
	for _, n := range counts {
		total += float64(n)
	}
	var pct [3]int64
	if total <= 0 {
		return pct
	}
	var rest [3]float64
	left := int64(100)
	for i, n := range counts {
		share := float64(n) / total * 100
		pct[i] = int64(share)
		rest[i] = share - float64(pct[i])
		left -= pct[i]
	}
	for ; left > 0; left-- {
		best := -1
		for i := range rest {
			if rest[i] >= 0 && (best < 0 || rest[i] > rest[best]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		pct[best]++
		rest[best] = -1
	}
	return pct
}

// placeRow returns the left edges of boxes of the given widths, each as
// close as it can be to being centred at its centre, in order and without
// overlap between lo and hi; false when they do not fit in one row.
func placeRow(centres, widths [3]float64, lo, hi float64) ([3]float64, bool) {
	var lefts [3]float64
	need := -catGap
	for _, w := range widths {
		need += w + catGap
	}
	if need > hi-lo {
		return lefts, false
	}
	next := lo
	for i := range lefts {
		lefts[i] = max(centres[i]-widths[i]/2, next)
		next = lefts[i] + widths[i] + catGap
	}
	end := hi
	for i := len(lefts) - 1; i >= 0; i-- {
		lefts[i] = min(lefts[i], end-widths[i])
		end = lefts[i] - catGap
	}
	return lefts, true
}
