// Package chartpng rasterises Promotor's charts to PNG, for the email
// digest: mail clients such as Gmail show no SVG. It draws the very SVG the
// dashboard shows, read back by chart.Walk, with anti-aliased polygons and
// the Go fonts the PDF uses, so that the same chart reads the same in
// every medium. The output is deterministic: the same chart and width give
// the same bytes.
package chartpng

import (
	"bytes"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/vector"

	"github.com/promotor/promotor/internal/chart"
)

// The widths a PNG may have, in pixels: an email's column is about 600
// wide, twice that for sharp screens; the bound keeps memory in check.
const (
	MinWidth = 16
	MaxWidth = 4096
)

// maxPixels bounds an image, 64 MB in memory: a chart of forty groups is
// three times as high as wide, 1900 px high at 600 px wide.
const maxPixels = 1 << 24

// PNG draws svg, a chart of package chart, widthPx pixels wide, its height
// in proportion.
func PNG(svg template.HTML, widthPx int) ([]byte, error) {
	if widthPx < MinWidth || widthPx > MaxWidth {
		return nil, fmt.Errorf("chartpng: width %d px, want %d to %d", widthPx, MinWidth, MaxWidth)
	}
	fs, err := loadFaces()
	if err != nil {
		return nil, err
	}
	p := &painter{width: widthPx, faces: fs}
	if err := chart.Walk(svg, p); err != nil {
		return nil, fmt.Errorf("chartpng: %w", err)
	}
	if p.err != nil {
		return nil, p.err
	}
	if p.img == nil {
		return nil, fmt.Errorf("chartpng: a chart without a size")
	}
	var b bytes.Buffer
	if err := png.Encode(&b, p.img); err != nil {
		return nil, fmt.Errorf("chartpng: encode: %w", err)
	}
	return b.Bytes(), nil
}

// painter is a chart.Drawer onto an image: a viewBox point v lands at
// pixel k·v.
type painter struct {
	width int
	faces *faces
	img   *image.RGBA
	k     float64
	r     vector.Rasterizer
	buf   sfnt.Buffer
	work  int   // the vertices rasterised so far
	err   error // the first failure of a drawing call
}

// maxWork bounds the vertices one chart may rasterise, so that no SVG makes
// PNG run away: sixty years of monthly points need 30,000 at 600 px and
// 330,000 at MaxWidth.
const maxWork = 20_000_000

func (p *painter) Size(w, h float64) {
	p.k = float64(p.width) / w
	ph := math.Round(h * p.k)
	if ph < 1 || ph*float64(p.width) > maxPixels {
		p.err = fmt.Errorf("chartpng: a chart %v by %v is %.0f px high at %d px wide, more than %d px in all", w, h, ph, p.width, maxPixels)
		return
	}
	p.img = image.NewRGBA(image.Rect(0, 0, p.width, int(ph)))
}

func (p *painter) at(x, y float64) vec { return vec{x * p.k, y * p.k} }

// ready reports whether there is an image to draw on.
func (p *painter) ready() bool { return p.img != nil && p.err == nil }

func (p *painter) Rect(x, y, w, h float64, s chart.Style) {
	a, b := p.at(x, y), p.at(x+w, y+h)
	corners := []vec{a, {b.x, a.y}, b, {a.x, b.y}}
	p.shape([]poly{corners}, []polyline{{pts: corners, closed: true}}, s)
}

func (p *painter) Line(x1, y1, x2, y2 float64, s chart.Style) {
	p.shape(nil, []polyline{{pts: []vec{p.at(x1, y1), p.at(x2, y2)}}}, s)
}

func (p *painter) Circle(cx, cy, r float64, s chart.Style) {
	d := disc(p.at(cx, cy), r*p.k)
	p.shape([]poly{d}, []polyline{{pts: d, closed: true}}, s)
}

func (p *painter) Path(sp []chart.Subpath, s chart.Style) {
	var fills []poly
	var lines []polyline
	for _, sub := range sp {
		pts := make([]vec, len(sub.Points))
		for i, v := range sub.Points {
			pts[i] = p.at(v.X, v.Y)
		}
		if len(pts) > 2 {
			fills = append(fills, pts)
		}
		lines = append(lines, polyline{pts: pts, closed: sub.Closed})
	}
	p.shape(fills, lines, s)
}

// shape fills the polygons, then strokes the lines, as s says.
func (p *painter) shape(fills []poly, lines []polyline, s chart.Style) {
	if !p.ready() {
		return
	}
	if s.Fill.Set && len(fills) > 0 {
		p.fill(fills, s.Fill)
	}
	if s.Stroke.Set {
		dash := make([]float64, len(s.Dash))
		for i, d := range s.Dash {
			dash[i] = d * p.k
		}
		pn := pen{width: s.Width * p.k, dash: dash, roundJoin: s.RoundJoin, roundCap: s.RoundCap}
		ps, err := stroke(lines, pn)
		if err != nil {
			p.err = err
			return
		}
		p.solid(ps, s.Stroke.Colour)
	}
}

// fill paints the polygons with a colour or a pattern: the pattern's
// background, then its ink through the shape's coverage times the ink's.
func (p *painter) fill(fills []poly, f chart.Paint) {
	pat := f.Pattern
	if pat == nil {
		p.solid(fills, f.Colour)
		return
	}
	if pat.Background.Set {
		p.solid(fills, pat.Background.Colour)
	}
	box := p.box(fills)
	if box.Empty() {
		return
	}
	shape := p.mask(fills, box)
	// The marks over the shape's box, in viewBox units, then in pixels.
	m, err := pat.MarksIn(float64(box.Min.X)/p.k, float64(box.Min.Y)/p.k, float64(box.Max.X)/p.k, float64(box.Max.Y)/p.k)
	if err != nil {
		p.err = fmt.Errorf("chartpng: %w", err)
		return
	}
	var marks []poly
	for _, q := range m.Stripes {
		marks = append(marks, poly{p.at(q[0].X, q[0].Y), p.at(q[1].X, q[1].Y), p.at(q[2].X, q[2].Y), p.at(q[3].X, q[3].Y)})
	}
	for _, c := range m.Dots {
		marks = append(marks, disc(p.at(c.X, c.Y), pat.Size*p.k))
	}
	ink := p.mask(marks, box)
	for i := range ink.Pix {
		ink.Pix[i] = uint8((uint32(ink.Pix[i])*uint32(shape.Pix[i]) + 127) / 255)
	}
	c := pat.Ink
	draw.DrawMask(p.img, box, image.NewUniform(color.RGBA{c.R, c.G, c.B, 255}), image.Point{}, ink, box.Min, draw.Over)
}

// box is the pixels the polygons touch, within the image.
func (p *painter) box(ps []poly) image.Rectangle {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range ps {
		for _, v := range q {
			x0, y0, x1, y1 = min(x0, v.x), min(y0, v.y), max(x1, v.x), max(y1, v.y)
		}
	}
	if x0 > x1 {
		return image.Rectangle{}
	}
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
	return r.Intersect(p.img.Bounds())
}

// raster loads the polygons into the rasteriser, sized to box, and
// reports false, with p.err set, when that is more work than allowed.
func (p *painter) raster(ps []poly, box image.Rectangle) bool {
	for _, q := range ps {
		p.work += len(q)
	}
	if p.work > maxWork {
		p.err = fmt.Errorf("chartpng: a chart of more than %d vertices", maxWork)
		return false
	}
	p.r.Reset(box.Dx(), box.Dy())
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	for _, q := range ps {
		if len(q) < 3 {
			continue
		}
		p.r.MoveTo(float32(q[0].x-ox), float32(q[0].y-oy))
		for _, v := range q[1:] {
			p.r.LineTo(float32(v.x-ox), float32(v.y-oy))
		}
		p.r.ClosePath()
	}
	return true
}

// solid paints the polygons in c.
func (p *painter) solid(ps []poly, c chart.Colour) {
	box := p.box(ps)
	if box.Empty() {
		return
	}
	if !p.raster(ps, box) {
		return
	}
	p.r.DrawOp = draw.Over
	p.r.Draw(p.img, box, image.NewUniform(color.RGBA{c.R, c.G, c.B, 255}), image.Point{})
}

// mask is the coverage of the polygons over box.
func (p *painter) mask(ps []poly, box image.Rectangle) *image.Alpha {
	m := image.NewAlpha(box)
	if len(ps) == 0 {
		return m
	}
	if !p.raster(ps, box) {
		return m
	}
	p.r.DrawOp = draw.Src
	p.r.Draw(m, box, image.Opaque, image.Point{})
	return m
}

// Text sets t in the Go fonts; a text that must fit a length it exceeds is
// set smaller, as the PDF does. A halo is the glyphs' outlines stroked
// with round joins under them.
func (p *painter) Text(t chart.Text) {
	if !p.ready() {
		return
	}
	f := p.faces[b2i(t.Bold)][b2i(t.Italic)]
	size := t.Size * p.k
	outline, w, err := glyphs(f, &p.buf, t.S, size)
	if limit := t.Length * p.k; err == nil && t.Length > 0 && w > limit {
		outline, _, err = glyphs(f, &p.buf, t.S, size*limit/w)
		w = limit
	}
	if err != nil {
		p.err = err
		return
	}
	at := p.at(t.X, t.Y)
	switch t.Anchor {
	case chart.AnchorMiddle:
		at.x -= w / 2
	case chart.AnchorEnd:
		at.x -= w
	}
	fills := make([]poly, len(outline))
	for i, l := range outline {
		for j := range l.pts {
			l.pts[j] = l.pts[j].add(at)
		}
		fills[i] = l.pts
	}
	if t.Halo.Set {
		halo, err := stroke(outline, pen{width: t.HaloWidth * p.k, roundJoin: true})
		if err != nil {
			p.err = err
			return
		}
		p.solid(halo, t.Halo.Colour)
	}
	p.solid(fills, t.Fill)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
