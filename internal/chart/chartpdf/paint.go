package chartpdf

import (
	"codeberg.org/go-pdf/fpdf"

	"github.com/promotor/promotor/internal/chart"
)

// painter draws a chart's calls on a page: a viewBox point (vx, vy) lands
// at (x + k·vx, y + k·vy) in the document's unit.
type painter struct {
	pdf  *fpdf.Fpdf
	x, y float64
	k    float64
}

func (p *painter) pt(v chart.XY) fpdf.PointType {
	return fpdf.PointType{X: p.x + p.k*v.X, Y: p.y + p.k*v.Y}
}

func (p *painter) fillColour(c chart.Colour) { p.pdf.SetFillColor(int(c.R), int(c.G), int(c.B)) }

// stroke sets the pen of s and reports whether s strokes at all.
func (p *painter) stroke(s chart.Style) bool {
	if !s.Stroke.Set {
		return false
	}
	c := s.Stroke.Colour
	p.pdf.SetDrawColor(int(c.R), int(c.G), int(c.B))
	p.pdf.SetLineWidth(s.Width * p.k)
	dash := make([]float64, len(s.Dash))
	for i, d := range s.Dash {
		dash[i] = d * p.k
	}
	p.pdf.SetDashPattern(dash, 0)
	capStyle, joinStyle := "butt", "miter"
	if s.RoundCap {
		capStyle = "round"
	}
	if s.RoundJoin {
		joinStyle = "round"
	}
	p.pdf.SetLineCapStyle(capStyle)
	p.pdf.SetLineJoinStyle(joinStyle)
	return true
}

func (p *painter) rect(x, y, w, h float64, s chart.Style, m chart.Marks) {
	a := p.pt(chart.XY{X: x, Y: y})
	pw, ph := w*p.k, h*p.k
	if s.Fill.Set {
		p.fill(s.Fill, m,
			func() { p.pdf.Rect(a.X, a.Y, pw, ph, "F") },
			func() { p.pdf.ClipRect(a.X, a.Y, pw, ph, false) })
	}
	if p.stroke(s) {
		p.pdf.Rect(a.X, a.Y, pw, ph, "D")
	}
}

func (p *painter) line(x1, y1, x2, y2 float64, s chart.Style) {
	if p.stroke(s) {
		a, b := p.pt(chart.XY{X: x1, Y: y1}), p.pt(chart.XY{X: x2, Y: y2})
		p.pdf.Line(a.X, a.Y, b.X, b.Y)
	}
}

func (p *painter) circle(cx, cy, r float64, s chart.Style, m chart.Marks) {
	c := p.pt(chart.XY{X: cx, Y: cy})
	pr := r * p.k
	if s.Fill.Set {
		p.fill(s.Fill, m,
			func() { p.pdf.Circle(c.X, c.Y, pr, "F") },
			func() { p.pdf.ClipCircle(c.X, c.Y, pr, false) })
	}
	if p.stroke(s) {
		p.pdf.Circle(c.X, c.Y, pr, "D")
	}
}

// path fills each subpath, ms holding the marks of its pattern, then
// strokes them all.
func (p *painter) path(sp []chart.Subpath, s chart.Style, ms []chart.Marks) {
	if s.Fill.Set {
		for i, sub := range sp {
			if len(sub.Points) < 3 {
				continue // a line encloses nothing
			}
			pts := make([]fpdf.PointType, len(sub.Points))
			for j, v := range sub.Points {
				pts[j] = p.pt(v)
			}
			p.fill(s.Fill, ms[i],
				func() { p.pdf.Polygon(pts, "F") },
				func() { p.pdf.ClipPolygon(pts, false) })
		}
	}
	if p.stroke(s) {
		for _, sub := range sp {
			for i, v := range sub.Points {
				q := p.pt(v)
				if i == 0 {
					p.pdf.MoveTo(q.X, q.Y)
				} else {
					p.pdf.LineTo(q.X, q.Y)
				}
			}
			if sub.Closed {
				p.pdf.ClosePath()
			}
		}
		p.pdf.DrawPath("S")
	}
}

// fill paints a shape: a colour by solid(), a pattern by its background
// through solid() and then its marks m inside the clip that clip() begins.
func (p *painter) fill(f chart.Paint, m chart.Marks, solid, clip func()) {
	pat := f.Pattern
	if pat == nil {
		p.fillColour(f.Colour)
		solid()
		return
	}
	if pat.Background.Set {
		p.fillColour(pat.Background.Colour)
		solid()
	}
	p.fillColour(pat.Ink)
	clip()
	for _, q := range m.Stripes {
		p.pdf.Polygon([]fpdf.PointType{p.pt(q[0]), p.pt(q[1]), p.pt(q[2]), p.pt(q[3])}, "F")
	}
	for _, c := range m.Dots {
		q := p.pt(c)
		p.pdf.Circle(q.X, q.Y, pat.Size*p.k, "F")
	}
	p.pdf.ClipEnd()
}

// bounds returns the box around pts.
func bounds(pts []chart.XY) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = pts[0].X, pts[0].Y, pts[0].X, pts[0].Y
	for _, v := range pts[1:] {
		x0, y0 = min(x0, v.X), min(y0, v.Y)
		x1, y1 = max(x1, v.X), max(y1, v.Y)
	}
	return x0, y0, x1, y1
}

// text sets t in the Go fonts. A text that must fit a length it exceeds is
// set smaller, as a PDF has no glyph squeezing that readers agree on.
func (p *painter) text(t chart.Text) {
	style := ""
	if t.Bold {
		style += "B"
	}
	if t.Italic {
		style += "I"
	}
	size := t.Size * p.k
	p.pdf.SetFont(Family, style, 0)
	p.pdf.SetFontUnitSize(size)
	w := p.pdf.GetStringWidth(t.S)
	if limit := t.Length * p.k; t.Length > 0 && w > limit {
		p.pdf.SetFontUnitSize(size * limit / w)
		w = limit
	}
	at := p.pt(chart.XY{X: t.X, Y: t.Y})
	switch t.Anchor {
	case chart.AnchorMiddle:
		at.X -= w / 2
	case chart.AnchorEnd:
		at.X -= w
	}
	if t.Halo.Set {
		c := t.Halo.Colour
		p.pdf.SetDrawColor(int(c.R), int(c.G), int(c.B))
		p.pdf.SetLineWidth(t.HaloWidth * p.k)
		p.pdf.SetDashPattern(nil, 0)
		p.pdf.SetLineJoinStyle("round")
		p.pdf.SetTextRenderingMode(1) // stroke only
		p.pdf.Text(at.X, at.Y, t.S)
		p.pdf.SetTextRenderingMode(0)
	}
	p.pdf.SetTextColor(int(t.Fill.R), int(t.Fill.G), int(t.Fill.B))
	p.pdf.Text(at.X, at.Y, t.S)
}
