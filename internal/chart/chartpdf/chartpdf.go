// Package chartpdf draws Promotor's charts into a PDF as vectors, from the
// very SVG the dashboard shows (read back by chart.Walk), so that a report
// shows the same chart as the screen. It also owns the fonts those charts
// and the report's text are set in.
package chartpdf

import (
	"fmt"
	"html/template"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/promotor/promotor/internal/chart"
)

// Family is the font family AddFonts registers, with the styles "", "B",
// "I" and "BI": the Go fonts, which cover Latin with its accents (ë, é),
// dashes and the ellipsis.
const Family = "Go"

// AddFonts registers the Go fonts under Family as UTF-8 fonts; a second
// call does nothing.
func AddFonts(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(Family, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(Family, "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes(Family, "I", goitalic.TTF)
	pdf.AddUTF8FontFromBytes(Family, "BI", gobolditalic.TTF)
}

// Draw draws the chart svg with its top left at x, y, scaled to width, all
// in the document's unit, and returns the height it takes. It registers the
// fonts if need be. The chart is read whole before anything is drawn, so
// that an SVG Walk refuses leaves the page untouched.
//
// Draw leaves the font, the colours and the line width, cap and join as it
// found them; the dash pattern is left solid.
func Draw(pdf *fpdf.Fpdf, svg template.HTML, x, y, width float64) (height float64, err error) {
	if err := pdf.Error(); err != nil {
		return 0, fmt.Errorf("chartpdf: draw: the document has failed before: %w", err)
	}
	if pdf.PageNo() == 0 {
		return 0, fmt.Errorf("chartpdf: draw: the document has no page")
	}
	if !(width > 0) {
		return 0, fmt.Errorf("chartpdf: draw: width %v, want more than 0", width)
	}
	var ops ops
	if err := chart.Walk(svg, &ops); err != nil {
		return 0, fmt.Errorf("chartpdf: draw: %w", err)
	}
	if ops.err != nil {
		return 0, fmt.Errorf("chartpdf: draw: %w", ops.err)
	}
	if ops.w <= 0 {
		return 0, fmt.Errorf("chartpdf: draw: a chart without a size")
	}
	AddFonts(pdf)
	saved := save(pdf)
	p := &painter{pdf: pdf, x: x, y: y, k: width / ops.w}
	for _, op := range ops.list {
		op(p)
	}
	saved.restore(pdf)
	if err := pdf.Error(); err != nil {
		return 0, fmt.Errorf("chartpdf: draw: %w", err)
	}
	return ops.h * p.k, nil
}

// ops is a chart.Drawer that keeps the calls, with the marks of their
// patterns, to be painted once the whole chart has been read.
type ops struct {
	w, h float64
	list []func(*painter)
	err  error // the first pattern with too many marks
}

func (o *ops) Size(w, h float64) { o.w, o.h = w, h }

// marks returns the marks of the fill f over the box, if a pattern.
func (o *ops) marks(f chart.Paint, x0, y0, x1, y1 float64) chart.Marks {
	if !f.Set || f.Pattern == nil {
		return chart.Marks{}
	}
	m, err := f.Pattern.MarksIn(x0, y0, x1, y1)
	if err != nil && o.err == nil {
		o.err = err
	}
	return m
}

func (o *ops) Rect(x, y, w, h float64, s chart.Style) {
	m := o.marks(s.Fill, x, y, x+w, y+h)
	o.list = append(o.list, func(p *painter) { p.rect(x, y, w, h, s, m) })
}

func (o *ops) Line(x1, y1, x2, y2 float64, s chart.Style) {
	o.list = append(o.list, func(p *painter) { p.line(x1, y1, x2, y2, s) })
}

func (o *ops) Circle(cx, cy, r float64, s chart.Style) {
	m := o.marks(s.Fill, cx-r, cy-r, cx+r, cy+r)
	o.list = append(o.list, func(p *painter) { p.circle(cx, cy, r, s, m) })
}

func (o *ops) Path(sp []chart.Subpath, s chart.Style) {
	ms := make([]chart.Marks, len(sp))
	for i, sub := range sp {
		if len(sub.Points) > 2 {
			x0, y0, x1, y1 := bounds(sub.Points)
			ms[i] = o.marks(s.Fill, x0, y0, x1, y1)
		}
	}
	o.list = append(o.list, func(p *painter) { p.path(sp, s, ms) })
}

func (o *ops) Text(t chart.Text) { o.list = append(o.list, func(p *painter) { p.text(t) }) }

// state is what Draw changes of the document's graphics state and gives
// back.
type state struct {
	draw, fill, text [3]int
	lineWidth        float64
	lineCap, join    string
	family, style    string
	fontSize         float64 // in the document's unit
}

func save(pdf *fpdf.Fpdf) state {
	var s state
	s.draw[0], s.draw[1], s.draw[2] = pdf.GetDrawColor()
	s.fill[0], s.fill[1], s.fill[2] = pdf.GetFillColor()
	s.text[0], s.text[1], s.text[2] = pdf.GetTextColor()
	s.lineWidth, s.lineCap, s.join = pdf.GetLineWidth(), pdf.GetLineCapStyle(), pdf.GetLineJoinStyle()
	s.family, s.style = pdf.GetFontFamily(), pdf.GetFontStyle()
	_, s.fontSize = pdf.GetFontSize()
	return s
}

func (s state) restore(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(s.draw[0], s.draw[1], s.draw[2])
	pdf.SetFillColor(s.fill[0], s.fill[1], s.fill[2])
	pdf.SetTextColor(s.text[0], s.text[1], s.text[2])
	pdf.SetLineWidth(s.lineWidth)
	pdf.SetLineCapStyle(s.lineCap)
	pdf.SetLineJoinStyle(s.join)
	pdf.SetDashPattern(nil, 0)
	if s.family != "" {
		pdf.SetFont(s.family, s.style, 0)
		pdf.SetFontUnitSize(s.fontSize)
	}
}
