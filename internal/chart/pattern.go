package chart

// pattern names a fill defined in a chart's <defs>; its id is the chart's
// id prefix plus the name.
type pattern string

// The patterns. Each category differs from the others in pattern as well as
// colour, so that the chart reads in greyscale and for colour-blind readers:
// detractors diagonal stripes, passives dots, promoters solid. A small
// sample's interval is hatched over the usual band.
const (
	patDetractor pattern = "det"
	patPassive   pattern = "pas"
	patSmallN    pattern = "small"
)

func (p pattern) write(c *canvas) {
	id := c.id + "-" + string(p)
	switch p {
	case patDetractor:
		c.open("pattern", "id", id, "width", 6.0, "height", 6.0, "patternUnits", "userSpaceOnUse", "patternTransform", "rotate(45)")
		c.tag("rect", "width", 6.0, "height", 6.0, "fill", colDetractor)
		c.tag("line", "x1", 3.0, "y1", 0.0, "x2", 3.0, "y2", 6.0, "stroke", "#fff", "stroke-width", 2.0)
	case patPassive:
		c.open("pattern", "id", id, "width", 6.0, "height", 6.0, "patternUnits", "userSpaceOnUse")
		c.tag("rect", "width", 6.0, "height", 6.0, "fill", colPassive)
		c.tag("circle", "cx", 3.0, "cy", 3.0, "r", 1.4, "fill", "#fff")
	case patSmallN:
		c.open("pattern", "id", id, "width", 5.0, "height", 5.0, "patternUnits", "userSpaceOnUse", "patternTransform", "rotate(-45)")
		c.tag("line", "x1", 2.5, "y1", 0.0, "x2", 2.5, "y2", 5.0, "stroke", colLine, "stroke-width", 1.2)
	}
	c.close("pattern")
}

// category is one of the three NPS categories as drawn.
type category struct {
	name   string
	colour string
	fill   string // paint of its bars: a pattern reference or the colour
}

// categories returns detractors, passives and promoters as drawn on c.
func categories(c *canvas, l Labels) [3]category {
	return [3]category{
		{l.Detractors, colDetractor, c.ref(patDetractor)},
		{l.Passives, colPassive, c.ref(patPassive)},
		{l.Promoters, colPromoter, colPromoter},
	}
}

// swatch draws a category's 14×14 legend key with its top left at x, y.
func (c *canvas) swatch(x, y float64, k category) {
	c.tag("rect", "x", x, "y", y, "width", 14.0, "height", 14.0, "fill", k.fill, "stroke", k.colour)
}

// bandSwatch draws the legend key of an interval band, hatched for a small
// sample, with its top left at x, y.
func (c *canvas) bandSwatch(x, y float64, small bool) {
	c.tag("rect", "x", x, "y", y, "width", 18.0, "height", 10.0, "fill", colBand)
	if small {
		c.tag("rect", "x", x, "y", y, "width", 18.0, "height", 10.0, "fill", c.ref(patSmallN),
			"stroke", colLine, "stroke-dasharray", "3 2")
	}
}

// legendItem is one entry of a row of legend entries.
type legendItem struct {
	text string
	key  func(x, y float64) // draws the key from x beside text at baseline y
	keyW float64
}

// legend draws items in a row from x at text baseline y.
func (c *canvas) legend(x, y float64, items []legendItem) {
	for _, it := range items {
		if it.text == "" {
			continue
		}
		it.key(x, y)
		c.text(x+it.keyW+6, y, it.text, "font-size", fontLegend, "fill", colText)
		x += it.keyW + 6 + textWidth(it.text, fontLegend) + 18
	}
}
