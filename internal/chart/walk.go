package chart

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
)

// Walk reads a chart drawn by this package and makes the calls of its
// drawing on d, in document order, in viewBox units, so that the PDF and
// PNG renderers draw the very chart the dashboard shows.
//
// It knows the fixed subset of SVG this package writes, and refuses
// anything else, element, attribute or value, with an error: a chart
// changed here must fail in the other media rather than be drawn half. The
// texts of title, desc and tooltips are not drawn.
func Walk(svg template.HTML, d Drawer) error {
	w := &walker{dec: xml.NewDecoder(strings.NewReader(string(svg))), d: d, patterns: map[string]*Pattern{}}
	w.dec.Strict = true
	root, err := w.next()
	if err != nil {
		return err
	}
	if root.Name.Local != "svg" {
		return w.errf("<%s> is not <svg>", root.Name.Local)
	}
	if err := w.svg(root); err != nil {
		return err
	}
	for {
		tok, err := w.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("chart: walk: %w", err)
		}
		if cd, ok := tok.(xml.CharData); !ok || strings.TrimSpace(string(cd)) != "" {
			return w.errf("content after </svg>")
		}
	}
}

// Drawer receives the drawing of a chart from Walk. Coordinates are in the
// chart's viewBox units, y down, and each call paints over the ones before.
type Drawer interface {
	// Size is called first, with the viewBox's width and height.
	Size(w, h float64)
	// Rect fills and strokes the rectangle with its top left at x, y.
	Rect(x, y, w, h float64, s Style)
	// Line strokes a line; its fill is none.
	Line(x1, y1, x2, y2 float64, s Style)
	// Circle fills and strokes a circle.
	Circle(cx, cy, r float64, s Style)
	// Path fills the closed subpaths of p (an open one filled as if
	// closed, as SVG does) and strokes them all.
	Path(p []Subpath, s Style)
	// Text draws one line of text.
	Text(t Text)
}

// Colour is an opaque RGB colour.
type Colour struct{ R, G, B uint8 }

// Paint is what fills or strokes a shape: nothing (the zero Paint), a solid
// colour, or a pattern.
type Paint struct {
	// Set is false for no paint ("none").
	Set bool
	// Colour is the solid colour; unused when Pattern is set.
	Colour Colour
	// Pattern, if not nil, tiles the shape instead of a solid colour.
	Pattern *Pattern
}

// PatternKind is the shape repeated by a pattern.
type PatternKind int

// The kinds of pattern the charts use: detractors' diagonal stripes and a
// small sample's hatching (stripes without a background), passives' dots.
const (
	// Stripes are lines parallel to the y axis of the pattern's space,
	// at X in each tile, Size wide.
	Stripes PatternKind = iota + 1
	// Dots are discs at X, Y in each tile, of radius Size.
	Dots
)

// Pattern is a tiling as SVG defines it with patternUnits="userSpaceOnUse":
// a W×H tile repeated from the origin of the chart, in a space rotated by
// Angle about that origin.
type Pattern struct {
	Kind PatternKind
	// Background fills each tile under the ink; unset for a hatching that
	// lets the shapes beneath show through.
	Background Paint
	// Ink is the colour of the stripes or dots.
	Ink Colour
	// W and H are the tile's size.
	W, H float64
	// Angle rotates the pattern's space, in degrees, clockwise on screen
	// (SVG's rotate, y down).
	Angle float64
	// X, Y and Size place a stripe (X, its width Size) or a dot (its
	// centre X, Y and radius Size) in the tile.
	X, Y, Size float64
}

// Style is how a shape is painted.
type Style struct {
	Fill, Stroke Paint
	// Width is the stroke's width.
	Width float64
	// Dash is the stroke's dash array, nil for a solid stroke.
	Dash []float64
	// RoundJoin and RoundCap ask for round line joins and caps instead of
	// miter joins and butt caps.
	RoundJoin, RoundCap bool
}

// XY is a point of a path.
type XY struct{ X, Y float64 }

// Subpath is one run of path data from a move: its points, and whether it
// was closed.
type Subpath struct {
	Points []XY
	Closed bool
}

// Anchor is where a text's x lies on it.
type Anchor int

// The anchors of SVG's text-anchor.
const (
	AnchorStart Anchor = iota
	AnchorMiddle
	AnchorEnd
)

// Text is one line of text at its baseline.
type Text struct {
	X, Y   float64
	S      string
	Anchor Anchor
	// Size is the font size.
	Size         float64
	Bold, Italic bool
	// Fill is the text's colour, always solid.
	Fill Colour
	// Halo, when set, is drawn under the text as a stroke of HaloWidth
	// (SVG's paint-order="stroke"), to keep the text legible over lines.
	Halo      Paint
	HaloWidth float64
	// Length, when not 0, is the width the text must fit in (SVG's
	// textLength with lengthAdjust="spacingAndGlyphs").
	Length float64
}

// walker is the state of one Walk.
type walker struct {
	dec      *xml.Decoder
	d        Drawer
	patterns map[string]*Pattern // by id
	fontSize float64             // the root's, inherited by texts
}

// errf is an error at the decoder's place in the document.
func (w *walker) errf(format string, args ...any) error {
	line, col := w.dec.InputPos()
	return fmt.Errorf("chart: walk: line %d col %d: %s", line, col, fmt.Sprintf(format, args...))
}

// next returns the next start element, skipping white space; it is an
// error to meet text or an end element.
func (w *walker) next() (xml.StartElement, error) {
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("chart: walk: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			return tok, nil
		case xml.CharData:
			if strings.TrimSpace(string(tok)) != "" {
				return xml.StartElement{}, w.errf("unexpected text %q", string(tok))
			}
		case xml.EndElement:
			return xml.StartElement{}, w.errf("unexpected </%s>", tok.Name.Local)
		default:
			return xml.StartElement{}, w.errf("unexpected %T", tok)
		}
	}
}

// children calls each for every child element of the element just opened,
// until its end; text other than white space is an error.
func (w *walker) children(each func(xml.StartElement) error) error {
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return fmt.Errorf("chart: walk: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if err := each(tok); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.CharData:
			if strings.TrimSpace(string(tok)) != "" {
				return w.errf("unexpected text %q", string(tok))
			}
		default:
			return w.errf("unexpected %T", tok)
		}
	}
}

// tooltipOnly reads the children of a shape, which may be a <title> only.
func (w *walker) tooltipOnly(el string) error {
	return w.children(func(c xml.StartElement) error {
		if c.Name.Local != "title" || len(c.Attr) > 0 {
			return w.errf("<%s> in <%s>", c.Name.Local, el)
		}
		return w.dec.Skip()
	})
}

// svg walks the root.
func (w *walker) svg(el xml.StartElement) error {
	a, err := w.attrs(el, "xmlns", "viewBox", "width", "role", "aria-labelledby", "font-family", "font-size")
	if err != nil {
		return err
	}
	vb := strings.Fields(a["viewBox"])
	if len(vb) != 4 || vb[0] != "0" || vb[1] != "0" {
		return w.errf("<svg viewBox=%q>: want 0 0 w h", a["viewBox"])
	}
	vw, err := w.number("viewBox", vb[2])
	if err != nil {
		return err
	}
	vh, err := w.number("viewBox", vb[3])
	if err != nil {
		return err
	}
	if vw <= 0 || vh <= 0 {
		return w.errf("<svg viewBox=%q>: empty", a["viewBox"])
	}
	if v, ok := a["width"]; ok && v != "100%" {
		return w.errf("<svg width=%q>: want 100%%", v)
	}
	w.fontSize = 16 // SVG's initial value
	if v, ok := a["font-size"]; ok {
		if w.fontSize, err = w.positive("font-size", v); err != nil {
			return err
		}
	}
	w.d.Size(vw, vh)
	return w.children(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "title", "desc":
			return w.dec.Skip()
		case "defs":
			return w.defs()
		case "rect":
			return w.rect(c)
		case "line":
			return w.line(c)
		case "circle":
			return w.circle(c)
		case "path":
			return w.path(c)
		case "text":
			return w.text(c)
		}
		return w.errf("unknown element <%s>", c.Name.Local)
	})
}

// attrs returns the attributes of el by name, refusing any not in known.
func (w *walker) attrs(el xml.StartElement, known ...string) (map[string]string, error) {
	a := make(map[string]string, len(el.Attr))
	for _, at := range el.Attr {
		name := at.Name.Local
		if at.Name.Space != "" {
			return nil, w.errf("<%s %s:%s>: unknown attribute", el.Name.Local, at.Name.Space, name)
		}
		ok := false
		for _, k := range known {
			ok = ok || k == name
		}
		if !ok {
			return nil, w.errf("<%s %s=%q>: unknown attribute", el.Name.Local, name, at.Value)
		}
		a[name] = at.Value
	}
	return a, nil
}

// maxNumber bounds the numbers of a chart, whose viewBox is some hundreds
// of units wide, so that no renderer meets absurd coordinates.
const maxNumber = 1e6

// number parses a coordinate or length.
func (w *walker) number(name, s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "NIni") {
		return 0, w.errf("%s=%q: not a number", name, s)
	}
	if math.Abs(v) > maxNumber {
		return 0, w.errf("%s=%q: beyond ±%g", name, s, maxNumber)
	}
	return v, nil
}

// positive parses a length that must be above 0.
func (w *walker) positive(name, s string) (float64, error) {
	v, err := w.number(name, s)
	if err == nil && v <= 0 {
		err = w.errf("%s=%q: not positive", name, s)
	}
	return v, err
}

// numbers parses the named attributes of a, a missing one being def.
func (w *walker) numbers(a map[string]string, def float64, names ...string) ([]float64, error) {
	out := make([]float64, len(names))
	for i, n := range names {
		out[i] = def
		if s, ok := a[n]; ok {
			v, err := w.number(n, s)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
	}
	return out, nil
}
