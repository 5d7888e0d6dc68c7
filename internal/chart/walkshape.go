package chart

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// The reading of Walk's elements: shapes, texts, paints and patterns.

// The attributes of painting, common to the shapes.
var paintAttrs = []string{"fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linejoin", "stroke-linecap"}

func withPaint(names ...string) []string { return append(names, paintAttrs...) }

var black = Paint{Set: true}

// style reads the painting attributes of a shape whose fill is fill when
// it has none (SVG's black, or nothing for a line).
func (w *walker) style(a map[string]string, fill Paint) (Style, error) {
	s := Style{Fill: fill, Width: 1}
	var err error
	if v, ok := a["fill"]; ok {
		if s.Fill, err = w.paint("fill", v); err != nil {
			return s, err
		}
	}
	if v, ok := a["stroke"]; ok {
		if s.Stroke, err = w.paint("stroke", v); err != nil {
			return s, err
		}
		if s.Stroke.Pattern != nil {
			return s, w.errf("stroke=%q: a pattern stroke", v)
		}
	}
	if v, ok := a["stroke-width"]; ok {
		if s.Width, err = w.positive("stroke-width", v); err != nil {
			return s, err
		}
	}
	if v, ok := a["stroke-dasharray"]; ok {
		if s.Dash, err = w.dashes(v); err != nil {
			return s, err
		}
	}
	switch v := a["stroke-linejoin"]; v {
	case "", "miter":
	case "round":
		s.RoundJoin = true
	default:
		return s, w.errf("stroke-linejoin=%q: unknown", v)
	}
	switch v := a["stroke-linecap"]; v {
	case "", "butt":
	case "round":
		s.RoundCap = true
	default:
		return s, w.errf("stroke-linecap=%q: unknown", v)
	}
	return s, nil
}

// paint parses "none", "#rgb", "#rrggbb" or a reference to a pattern
// defined before.
func (w *walker) paint(name, v string) (Paint, error) {
	if v == "none" {
		return Paint{}, nil
	}
	if id, ok := strings.CutPrefix(v, "url(#"); ok && strings.HasSuffix(id, ")") {
		p := w.patterns[strings.TrimSuffix(id, ")")]
		if p == nil {
			return Paint{}, w.errf("%s=%q: no such pattern", name, v)
		}
		return Paint{Set: true, Pattern: p}, nil
	}
	c, err := w.colour(name, v)
	return Paint{Set: true, Colour: c}, err
}

// colour parses "#rgb" or "#rrggbb".
func (w *walker) colour(name, v string) (Colour, error) {
	hex, ok := strings.CutPrefix(v, "#")
	if ok && len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if !ok || len(hex) != 6 || err != nil {
		return Colour{}, w.errf("%s=%q: not a colour", name, v)
	}
	return Colour{uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}

// dashes parses a dash array; "none" and all zeros are no dashes, and an
// odd count is repeated, as SVG does.
func (w *walker) dashes(v string) ([]float64, error) {
	if v == "none" {
		return nil, nil
	}
	var out []float64
	sum := 0.0
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' }) {
		d, err := w.number("stroke-dasharray", f)
		if err != nil {
			return nil, err
		}
		if d < 0 {
			return nil, w.errf("stroke-dasharray=%q: negative", v)
		}
		out = append(out, d)
		sum += d
	}
	if len(out) == 0 {
		return nil, w.errf("stroke-dasharray=%q: empty", v)
	}
	if sum == 0 {
		return nil, nil
	}
	if len(out)%2 == 1 {
		out = append(out, out...)
	}
	return out, nil
}

func (w *walker) rect(el xml.StartElement) error {
	a, err := w.attrs(el, withPaint("x", "y", "width", "height")...)
	if err != nil {
		return err
	}
	n, err := w.numbers(a, 0, "x", "y", "width", "height")
	if err != nil {
		return err
	}
	s, err := w.style(a, black)
	if err != nil {
		return err
	}
	if err := w.tooltipOnly("rect"); err != nil {
		return err
	}
	if n[2] < 0 || n[3] < 0 {
		return w.errf("<rect> of negative size")
	}
	if n[2] > 0 && n[3] > 0 {
		w.d.Rect(n[0], n[1], n[2], n[3], s)
	}
	return nil
}

func (w *walker) line(el xml.StartElement) error {
	a, err := w.attrs(el, "x1", "y1", "x2", "y2", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap")
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
	if err := w.tooltipOnly("line"); err != nil {
		return err
	}
	w.d.Line(n[0], n[1], n[2], n[3], s)
	return nil
}

func (w *walker) circle(el xml.StartElement) error {
	a, err := w.attrs(el, withPaint("cx", "cy", "r")...)
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
	if err := w.tooltipOnly("circle"); err != nil {
		return err
	}
	if n[2] < 0 {
		return w.errf("<circle> of negative radius")
	}
	if n[2] > 0 {
		w.d.Circle(n[0], n[1], n[2], s)
	}
	return nil
}

func (w *walker) path(el xml.StartElement) error {
	a, err := w.attrs(el, withPaint("d")...)
	if err != nil {
		return err
	}
	p, err := w.pathData(a["d"])
	if err != nil {
		return err
	}
	s, err := w.style(a, black)
	if err != nil {
		return err
	}
	if err := w.tooltipOnly("path"); err != nil {
		return err
	}
	if len(p) > 0 {
		w.d.Path(p, s)
	}
	return nil
}

// pathData parses the commands this package writes: absolute moves (M),
// lines (L) and closes (Z), the numbers apart by spaces or commas or by a
// sign.
func (w *walker) pathData(d string) ([]Subpath, error) {
	var out []Subpath
	var cmd byte
	i := 0
	skip := func() {
		for i < len(d) && (d[i] == ' ' || d[i] == ',' || d[i] == '\n' || d[i] == '\t' || d[i] == '\r') {
			i++
		}
	}
	num := func() (float64, error) {
		skip()
		j := i
		if j < len(d) && (d[j] == '-' || d[j] == '+') {
			j++
		}
		for j < len(d) && (d[j] >= '0' && d[j] <= '9' || d[j] == '.') {
			j++
		}
		if j == i {
			return 0, w.errf("d=%q: a number missing at %d", d, i)
		}
		v, err := w.number("d", d[i:j])
		i = j
		return v, err
	}
	for skip(); i < len(d); skip() {
		switch c := d[i]; c {
		case 'M', 'L', 'Z':
			cmd = c
			i++
		default:
			if cmd != 'M' && cmd != 'L' || !strings.ContainsRune("+-.0123456789", rune(c)) {
				return nil, w.errf("d=%q: unknown command %q", d, c)
			}
		}
		if cmd == 'Z' {
			if len(out) == 0 {
				return nil, w.errf("d=%q: Z before M", d)
			}
			last := &out[len(out)-1]
			last.Closed = true
			// A command after Z starts from the subpath's first point.
			out = append(out, Subpath{Points: []XY{last.Points[0]}})
			cmd = 0
			continue
		}
		x, err := num()
		if err != nil {
			return nil, err
		}
		y, err := num()
		if err != nil {
			return nil, err
		}
		switch {
		case cmd == 'M':
			out = append(out, Subpath{Points: []XY{{x, y}}})
			cmd = 'L' // numbers after a move's pair are lines
		case len(out) == 0:
			return nil, w.errf("d=%q: L before M", d)
		default:
			last := &out[len(out)-1]
			last.Points = append(last.Points, XY{x, y})
		}
	}
	// Drop the lone points: a move without a line, or the start left by a
	// final Z, draws nothing.
	kept := out[:0]
	for _, s := range out {
		if len(s.Points) > 1 {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

func (w *walker) text(el xml.StartElement) error {
	a, err := w.attrs(el, "x", "y", "text-anchor", "font-size", "font-weight", "font-style", "fill",
		"stroke", "stroke-width", "stroke-linejoin", "paint-order", "textLength", "lengthAdjust")
	if err != nil {
		return err
	}
	n, err := w.numbers(a, 0, "x", "y")
	if err != nil {
		return err
	}
	t := Text{X: n[0], Y: n[1], Size: w.fontSize}
	switch v := a["text-anchor"]; v {
	case "", "start":
	case "middle":
		t.Anchor = AnchorMiddle
	case "end":
		t.Anchor = AnchorEnd
	default:
		return w.errf("text-anchor=%q: unknown", v)
	}
	if v, ok := a["font-size"]; ok {
		if t.Size, err = w.positive("font-size", v); err != nil {
			return err
		}
	}
	switch v := a["font-weight"]; v {
	case "", "normal":
	case "bold":
		t.Bold = true
	default:
		return w.errf("font-weight=%q: unknown", v)
	}
	switch v := a["font-style"]; v {
	case "", "normal":
	case "italic":
		t.Italic = true
	default:
		return w.errf("font-style=%q: unknown", v)
	}
	s, err := w.style(a, black)
	if err != nil {
		return err
	}
	if !s.Fill.Set || s.Fill.Pattern != nil {
		return w.errf("<text fill=%q>: want a colour", a["fill"])
	}
	t.Fill = s.Fill.Colour
	if s.Stroke.Set {
		// Only a halo: a stroke painted under the glyphs.
		if a["paint-order"] != "stroke" {
			return w.errf("<text stroke=%q> without paint-order=\"stroke\"", a["stroke"])
		}
		t.Halo, t.HaloWidth = s.Stroke, s.Width
	} else if v, ok := a["paint-order"]; ok {
		return w.errf("<text paint-order=%q> without a stroke", v)
	}
	if v, ok := a["textLength"]; ok {
		if t.Length, err = w.positive("textLength", v); err != nil {
			return err
		}
		if a["lengthAdjust"] != "spacingAndGlyphs" {
			return w.errf("<text textLength=%q lengthAdjust=%q>: want spacingAndGlyphs", v, a["lengthAdjust"])
		}
	} else if v, ok := a["lengthAdjust"]; ok {
		return w.errf("<text lengthAdjust=%q> without textLength", v)
	}
	var b strings.Builder
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return w.errf("<text>: %v", err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			b.Write(tok)
			continue
		case xml.StartElement:
			if tok.Name.Local != "title" || len(tok.Attr) > 0 {
				return w.errf("<%s> in <text>", tok.Name.Local)
			}
			if err := w.dec.Skip(); err != nil {
				return w.errf("<text>: %v", err)
			}
			continue
		case xml.EndElement:
		default:
			return w.errf("unexpected %T in <text>", tok)
		}
		break
	}
	if t.S = collapse(b.String()); t.S != "" {
		w.d.Text(t)
	}
	return nil
}

// collapse treats white space as SVG does by default: newlines removed,
// tabs made spaces, spaces trimmed and runs of them made one.
func collapse(s string) string {
	s = strings.NewReplacer("\r", "", "\n", "", "\t", " ").Replace(s)
	var b strings.Builder
	space := false
	for _, r := range strings.Trim(s, " ") {
		if r == ' ' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
