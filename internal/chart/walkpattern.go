package chart

import (
	"encoding/xml"
	"strings"
)

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
