package chart

// The placing of a trend's texts: the labels under its axis and the values
// at its points, kept inside the plot and clear of their markers and of
// each other.

// Room, in viewBox units, around the values at a trend's points.
const (
	valueMarkerGap = 4.0  // between a value and its marker
	valueGap       = 8.0  // between the values of neighbours, for the halo and a wider font
	valueTopRoom   = 12.0 // how far a value may reach above the plot, short of the title
	valueBottom    = 4.0  // how far a "*" may reach under the plot, short of the labels
)

// extent is where a text is placed and how far it reaches.
type extent struct {
	x           float64
	anchor      string // "" for no text
	left, right float64
}

// centred places a text of width w centred at x, or against lo or hi if it
// would cross them.
func centred(x, w, lo, hi float64) extent {
	switch {
	case x-w/2 < lo:
		return extent{lo, "start", lo, lo + w}
	case x+w/2 > hi:
		return extent{hi, "end", hi - w, hi}
	}
	return extent{x, "middle", x - w/2, x + w/2}
}

// apart reports whether the texts at every k-th of es, counted back from the
// last, leave gap between neighbours; an extent without text takes no room.
func apart(es []extent, k int, gap float64) bool {
	prev := -1
	for i := (len(es) - 1) % k; i < len(es); i += k {
		if es[i].anchor == "" {
			continue
		}
		if prev >= 0 && es[prev].right+gap > es[i].left {
			return false
		}
		prev = i
	}
	return true
}

// thin returns the least k such that the texts at every k-th of es, counted
// back from the last, leave gap between neighbours.
func thin(es []extent, gap float64) int {
	k := 1
	for k < len(es) && !apart(es, k, gap) {
		k++
	}
	return k
}

// placed is a text at its place, with the box it is estimated to fill.
type placed struct {
	text string
	extent
	y float64 // baseline
}

func (p placed) top() float64    { return p.y - fontValue*textAscent }
func (p placed) bottom() float64 { return p.y + fontValue*textDescent }

// overlaps reports whether a and b come closer than gap.
func (a placed) overlaps(b placed, gap float64) bool {
	return a.left < b.right+gap && b.left < a.right+gap &&
		a.top() < b.bottom()+gap && b.top() < a.bottom()+gap
}

// star is the mark of a small sample's value.
func star(small bool) string {
	if small {
		return "*"
	}
	return ""
}

// placeValue places the value t of the point at x, y with a marker of the
// given radius: over the point, or under it when that would reach into the
// title, and shifted inward at the ends of the plot. A lone point's value
// goes beside it, clear of its whisker.
func placeValue(t string, x, y, radius float64, beside bool) placed {
	w := textWidth(t, fontValue)
	if beside {
		p := placed{text: t, y: y + fontValue*textAscent/2}
		if l := x + radius + 6; l+w <= trendRight {
			p.extent = extent{l, "start", l, l + w}
		} else {
			r := x - radius - 6
			p.extent = extent{r, "end", r - w, r}
		}
		return p
	}
	p := placed{text: t, extent: centred(x, w, trendLeft, trendRight), y: y - radius - valueMarkerGap}
	if p.top() < trendTop-valueTopRoom {
		p.y = y + radius + valueMarkerGap + fontValue*textAscent
	}
	return p
}

// thinValues returns the least k such that the values at every k-th point,
// counted back from the last, leave valueGap between neighbours.
func thinValues(vs []placed) int {
	es := make([]extent, len(vs))
	for i, v := range vs {
		es[i] = v.extent
	}
	return thin(es, valueGap)
}

// placeStar places the lone "*" of a small sample whose value is thinned
// out: under the point, else over it, wherever it touches none of the
// others; it is left out (the empty placed) where it would touch them, as
// the hollow dashed marker still tells the small sample.
func placeStar(x, y, radius float64, others []placed) placed {
	e := centred(x, textWidth("*", fontValue), trendLeft, trendRight)
	under := placed{text: "*", extent: e, y: y + radius + 2 + fontValue*textAscent}
	over := placed{text: "*", extent: e, y: y - radius - 2}
	candidates := []placed{under, over}
	if under.bottom() > trendBottom+valueBottom {
		candidates = []placed{over}
	}
	if over.top() < trendTop-valueTopRoom {
		candidates = []placed{under}
	}
	for _, p := range candidates {
		clear := true
		for _, o := range others {
			if o.text != "" && p.overlaps(o, 2) {
				clear = false
				break
			}
		}
		if clear {
			return p
		}
	}
	return placed{}
}
