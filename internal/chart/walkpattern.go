package chart

import (
	"encoding/xml"
	"fmt"
	"math"
	"strings"
)

// minTile is the least side of a pattern's tile, so that the stripes or
// dots over a chart stay few enough to draw one by one.
const minTile = 1.0

// defs reads the pattern definitions, which paints refer to later.
func (w *walker) defs() error {
	return w.children(func(c xml.StartElement) error {
		if c.Name.Local != "pattern" {
			return w.errf("<%s> in <defs>", c.Name.Local)
		}
		return w.pattern(c)
	})
}

// pattern reads a tile of the two kinds the charts use: an optional
// background rect over the whole tile, then one stripe (a line across the
// tile) or one dot, which must lie inside the tile so that no renderer has
// to clip it to its tile.
func (w *walker) pattern(el xml.StartElement) error {
	a, err := w.attrs(el, "id", "width", "height", "patternUnits", "patternTransform")
	if err != nil {
		return err
	}
	id := a["id"]
	if id == "" || w.patterns[id] != nil {
		return w.errf("<pattern id=%q>: empty or twice", id)
	}
	if a["patternUnits"] != "userSpaceOnUse" {
		return w.errf("<pattern patternUnits=%q>: want userSpaceOnUse", a["patternUnits"])
	}
	p := &Pattern{}
	if p.W, err = w.positive("width", a["width"]); err != nil {
		return err
	}
	if p.H, err = w.positive("height", a["height"]); err != nil {
		return err
	}
	if p.W < minTile || p.H < minTile {
		return w.errf("<pattern id=%q> of a tile under %v", id, minTile)
	}
	if v, ok := a["patternTransform"]; ok {
		arg, ok := strings.CutPrefix(v, "rotate(")
		if !ok || !strings.HasSuffix(arg, ")") {
			return w.errf("patternTransform=%q: want rotate(a)", v)
		}
		if p.Angle, err = w.number("patternTransform", strings.TrimSuffix(arg, ")")); err != nil {
			return err
		}
	}
	err = w.children(func(c xml.StartElement) error {
		if p.Kind != 0 {
			return w.errf("<%s> after the pattern's stripe or dot", c.Name.Local)
		}
		switch c.Name.Local {
		case "rect":
			return w.tileBackground(c, p)
		case "line":
			return w.tileStripe(c, p)
		case "circle":
			return w.tileDot(c, p)
		}
		return w.errf("<%s> in <pattern>", c.Name.Local)
	})
	if err != nil {
		return err
	}
	if p.Kind == 0 {
		return w.errf("<pattern id=%q> without a stripe or dot", id)
	}
	w.patterns[id] = p
	return nil
}

func (w *walker) tileBackground(el xml.StartElement, p *Pattern) error {
	a, err := w.attrs(el, "x", "y", "width", "height", "fill")
	if err != nil {
		return err
	}
	n, err := w.numbers(a, 0, "x", "y", "width", "height")
	if err != nil {
		return err
	}
	if p.Background.Set || n[0] != 0 || n[1] != 0 || n[2] != p.W || n[3] != p.H {
		return w.errf("<rect> in <pattern>: want one over the whole tile")
	}
	if p.Background, err = w.paint("fill", a["fill"]); err != nil {
		return err
	}
	if !p.Background.Set || p.Background.Pattern != nil {
		return w.errf("<rect fill=%q> in <pattern>: want a colour", a["fill"])
	}
	return w.tooltipOnly("rect")
}

func (w *walker) tileStripe(el xml.StartElement, p *Pattern) error {
	a, err := w.attrs(el, "x1", "y1", "x2", "y2", "stroke", "stroke-width")
	if err != nil {
		return err
	}
	n, err := w.numbers(a, 0, "x1", "y1", "x2", "y2")
	if err != nil {
		return err
	}
	s, err := w.style(a, Paint{})
	if err != nil {
		return err
	}
	x := n[0]
	if n[2] != x || min(n[1], n[3]) > 0 || max(n[1], n[3]) < p.H || x-s.Width/2 < 0 || x+s.Width/2 > p.W || !s.Stroke.Set {
		return w.errf("<line> in <pattern>: want a stroked vertical line across the tile and inside it")
	}
	p.Kind, p.Ink, p.X, p.Size = Stripes, s.Stroke.Colour, x, s.Width
	return w.tooltipOnly("line")
}

func (w *walker) tileDot(el xml.StartElement, p *Pattern) error {
	a, err := w.attrs(el, "cx", "cy", "r", "fill")
	if err != nil {
		return err
	}
	n, err := w.numbers(a, 0, "cx", "cy", "r")
	if err != nil {
		return err
	}
	s, err := w.style(a, black)
	if err != nil {
		return err
	}
	x, y, r := n[0], n[1], n[2]
	if r <= 0 || x-r < 0 || x+r > p.W || y-r < 0 || y+r > p.H || s.Fill.Pattern != nil || !s.Fill.Set {
		return w.errf("<circle> in <pattern>: want a filled dot inside the tile")
	}
	p.Kind, p.Ink, p.X, p.Y, p.Size = Dots, s.Fill.Colour, x, y, r
	return w.tooltipOnly("circle")
}

// Marks are a pattern's ink over a box: its stripes, each the four corners
// of a parallelogram in one turning order reaching across the box, or the
// centres of its dots, each of the pattern's Size as radius. A renderer
// clips them to the shape the pattern fills.
type Marks struct {
	Stripes [][4]XY
	Dots    []XY
}

// MaxMarks bounds the marks over one shape, so that a huge shape cannot
// make a renderer draw without end; the charts' largest have a few hundred.
const MaxMarks = 100_000

// MarksIn returns the marks of p that touch the box from x0, y0 to x1, y1,
// or an error when they would be more than MaxMarks.
func (p *Pattern) MarksIn(x0, y0, x1, y1 float64) (Marks, error) {
	u0, u1, v0, v1 := p.span(x0, y0, x1, y1)
	across := (u1-u0)/p.W + 2
	count := across
	if p.Kind == Dots {
		count *= (v1-v0)/p.H + 2
	}
	if !(count <= MaxMarks) {
		return Marks{}, fmt.Errorf("chart: pattern: about %.0f marks over a box of %.0f by %.0f, more than %d", count, x1-x0, y1-y0, MaxMarks)
	}
	var m Marks
	switch p.Kind {
	case Stripes:
		half := p.Size / 2
		for k := math.Ceil((u0 - p.X - half) / p.W); p.X+k*p.W-half <= u1; k++ {
			u := p.X + k*p.W
			m.Stripes = append(m.Stripes, [4]XY{p.at(u-half, v0), p.at(u+half, v0), p.at(u+half, v1), p.at(u-half, v1)})
		}
	case Dots:
		r := p.Size
		for i := math.Ceil((u0 - p.X - r) / p.W); p.X+i*p.W-r <= u1; i++ {
			for j := math.Ceil((v0 - p.Y - r) / p.H); p.Y+j*p.H-r <= v1; j++ {
				m.Dots = append(m.Dots, p.at(p.X+i*p.W, p.Y+j*p.H))
			}
		}
	}
	return m, nil
}

// span returns the bounds of the box in the pattern's space.
func (p *Pattern) span(x0, y0, x1, y1 float64) (u0, u1, v0, v1 float64) {
	sin, cos := math.Sincos(p.Angle * math.Pi / 180)
	u0, v0 = math.Inf(1), math.Inf(1)
	u1, v1 = math.Inf(-1), math.Inf(-1)
	for _, c := range [4]XY{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
		u, v := c.X*cos+c.Y*sin, -c.X*sin+c.Y*cos
		u0, u1 = min(u0, u), max(u1, u)
		v0, v1 = min(v0, v), max(v1, v)
	}
	return u0, u1, v0, v1
}

// at maps a point of the pattern's space to the chart's.
func (p *Pattern) at(u, v float64) XY {
	sin, cos := math.Sincos(p.Angle * math.Pi / 180)
	return XY{u*cos - v*sin, u*sin + v*cos}
}
