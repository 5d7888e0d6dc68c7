package chart

import (
	"html/template"
	"math"
	"strconv"
)

// Layout of a distribution, in viewBox units.
const (
	distW, distH            = viewW, 276.0
	distLeft, distRight     = 12.0, 468.0
	distTop, distBase       = 64.0, 214.0
	distBarW                = 28.0
	distCountH              = 20.0 // room above the tallest bar for its count
	distLegendY             = 50.0
	distScoreY              = distBase + 18
	distBracketY            = distBase + 30
	distCategoryY           = distBracketY + 20
	distDetractorsEnd       = 6 // last score of a detractor
	distPassivesEnd         = 8 // last score of a passive
	distCategoryLabelRunes  = 24
	distCategoryLabelMargin = 4.0
)

// Distribution draws the counts of the scores 0 to 10 as 11 bars, the count
// above each bar and the score under it. Each bar has its category's colour
// and pattern (detractors 0-6 striped, passives 7-8 dotted, promoters 9-10
// solid), explained by a legend and by brackets under the scores.
func Distribution(title, desc string, counts [11]int64, l Labels) template.HTML {
	h := newHasher("distribution", title, desc, l)
	var most int64
	for i, n := range counts {
		h.int(n)
		counts[i] = max(0, n)
		most = max(most, counts[i])
	}
	c := newCanvas("distribution", h, distW, distH, title, desc, patDetractor, patPassive)
	if most == 0 {
		return c.empty(distW, distH, desc)
	}
	cats := categories(c, l)
	slot := (distRight - distLeft) / 11
	categoryOf := func(score int) category {
		switch {
		case score <= distDetractorsEnd:
			return cats[0]
		case score <= distPassivesEnd:
			return cats[1]
		}
		return cats[2]
	}

	c.legendRow(distLeft, distLegendY, cats)
	for score, n := range counts {
		k := categoryOf(score)
		cx := distLeft + slot*(float64(score)+0.5)
		bh := float64(n) / float64(most) * (distBase - distTop - distCountH)
		if n > 0 {
			bh = math.Max(bh, 1) // a count is never invisible
			c.tag("rect", "x", cx-distBarW/2, "y", distBase-bh, "width", distBarW, "height", bh, "fill", k.fill, "stroke", k.colour)
		}
		c.fitText(cx, distBase-bh-5, slot-4, fontValue, strconv.FormatInt(n, 10), "text-anchor", "middle", "fill", colText)
		c.text(cx, distScoreY, strconv.Itoa(score), "text-anchor", "middle", "font-size", fontAxis, "fill", colText)
	}
	c.tag("line", "x1", distLeft, "y1", distBase, "x2", distRight, "y2", distBase, "stroke", colZero, "stroke-width", 1.0)

	// Brackets under the scores name each category's range.
	for i, r := range [3][2]int{{0, distDetractorsEnd}, {distDetractorsEnd + 1, distPassivesEnd}, {distPassivesEnd + 1, 10}} {
		x0 := distLeft + slot*float64(r[0]) + distCategoryLabelMargin
		x1 := distLeft + slot*float64(r[1]+1) - distCategoryLabelMargin
		d := pathCmd(true, x0, distBracketY-5) + pathCmd(false, x0, distBracketY) +
			pathCmd(false, x1, distBracketY) + pathCmd(false, x1, distBracketY-5)
		c.tag("path", "d", d, "fill", "none", "stroke", cats[i].colour, "stroke-width", 1.5)
		// A name may reach past its bracket by the margins: the next is
		// centred as far away.
		runes := int((x1 - x0 + 2*distCategoryLabelMargin) / (fontLegend * 0.6))
		c.label((x0+x1)/2, distCategoryY, cats[i].name, min(runes, distCategoryLabelRunes), "text-anchor", "middle", "font-size", fontLegend, "fill", colText)
	}
	return c.html()
}

// legendRow draws the keys of the three categories in a row from x at text
// baseline y.
func (c *canvas) legendRow(x, y float64, cats [3]category) {
	items := make([]legendItem, 0, 3)
	for _, k := range cats {
		items = append(items, legendItem{k.name, func(x, y float64) { c.swatch(x, y-11, k) }, 14})
	}
	c.legend(x, y, items)
}
