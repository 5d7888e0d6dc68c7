package chartpng

import (
	"fmt"
	"math"
)

// The geometry of painting, in pixels: every fill is a set of polygons,
// and a stroke is turned into polygons too (a quadrilateral a segment, a
// disc or miter a join, a disc a round cap), so that one anti-aliasing
// rasteriser draws everything.

type vec struct{ x, y float64 }

func (a vec) add(b vec) vec       { return vec{a.x + b.x, a.y + b.y} }
func (a vec) sub(b vec) vec       { return vec{a.x - b.x, a.y - b.y} }
func (a vec) mul(k float64) vec   { return vec{a.x * k, a.y * k} }
func (a vec) dot(b vec) float64   { return a.x*b.x + a.y*b.y }
func (a vec) cross(b vec) float64 { return a.x*b.y - a.y*b.x }
func (a vec) len() float64        { return math.Hypot(a.x, a.y) }

// poly is a closed polygon.
type poly []vec

// area is the signed area of p, positive when it turns clockwise on
// screen (y down).
func (p poly) area() float64 {
	a := 0.0
	for i := range p {
		a += p[i].cross(p[(i+1)%len(p)])
	}
	return a / 2
}

// clockwise returns p turning clockwise. The rasteriser adds the signed
// coverage of overlapping polygons, so the pieces of a stroke must all turn
// one way to make a union rather than cancel out.
func clockwise(p poly) poly {
	if p.area() >= 0 {
		return p
	}
	q := make(poly, len(p))
	for i, v := range p {
		q[len(p)-1-i] = v
	}
	return q
}

// polyline is an open or closed run of points.
type polyline struct {
	pts    []vec
	closed bool
}

// pen is how a stroke is made.
type pen struct {
	width     float64
	dash      []float64 // pixels; nil for solid
	roundJoin bool
	roundCap  bool
}

// miterLimit is SVG's initial stroke-miterlimit, which the charts keep.
const miterLimit = 4

// discSteps is the number of sides of a disc of radius r: a side about a
// pixel long, at least 8.
func discSteps(r float64) int {
	return min(256, max(8, int(math.Ceil(2*math.Pi*r))))
}

// disc is a polygon close to the circle at c of radius r, clockwise.
func disc(c vec, r float64) poly {
	n := discSteps(r)
	p := make(poly, n)
	for i := range p {
		s, co := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		p[i] = vec{c.x + r*co, c.y + r*s}
	}
	return p
}

// maxDashes bounds the dashes of one stroke; a chart's longest dashed
// line has some tens.
const maxDashes = 100_000

// stroke returns the polygons that cover the stroke of lines by pn, or an
// error when it would have more than maxDashes dashes.
func stroke(lines []polyline, pn pen) ([]poly, error) {
	if len(pn.dash) > 0 {
		period, length := 0.0, 0.0
		for _, d := range pn.dash {
			period += d
		}
		for _, l := range lines {
			for i := 1; i < len(l.pts); i++ {
				length += l.pts[i].sub(l.pts[i-1]).len()
			}
			if l.closed && len(l.pts) > 1 {
				length += l.pts[0].sub(l.pts[len(l.pts)-1]).len()
			}
		}
		if n := length / period * float64(len(pn.dash)) / 2; !(n <= maxDashes) {
			return nil, fmt.Errorf("chartpng: a stroke of about %.0f dashes, more than %d", n, maxDashes)
		}
	}
	var out []poly
	for _, l := range lines {
		for _, piece := range dashes(l, pn.dash) {
			out = strokeOne(out, piece, pn)
		}
	}
	return out, nil
}

// strokeOne appends the polygons of one polyline's stroke.
func strokeOne(out []poly, l polyline, pn pen) []poly {
	pts := dedupe(l.pts, l.closed)
	hw := pn.width / 2
	if len(pts) < 2 {
		if len(pts) == 1 && pn.roundCap && !l.closed {
			out = append(out, disc(pts[0], hw))
		}
		return out
	}
	n := len(pts)
	segs := n - 1
	if l.closed {
		segs = n
	}
	normal := func(i int) vec {
		d := pts[(i+1)%n].sub(pts[i])
		d = d.mul(1 / d.len())
		return vec{-d.y, d.x}.mul(hw)
	}
	for i := 0; i < segs; i++ {
		a, b, nv := pts[i], pts[(i+1)%n], normal(i)
		out = append(out, clockwise(poly{a.add(nv), b.add(nv), b.sub(nv), a.sub(nv)}))
	}
	// Joins at the inner vertices, and at the first of a closed line.
	for i := 0; i < n; i++ {
		if !l.closed && (i == 0 || i == n-1) {
			continue
		}
		prev := (i - 1 + segs) % segs
		out = join(out, pts[i], normal(prev), normal(i%segs), hw, pn)
	}
	if !l.closed && pn.roundCap {
		out = append(out, disc(pts[0], hw), disc(pts[n-1], hw))
	}
	return out
}

// join appends the polygons that fill the gap at vertex v between a
// segment of normal n1 and the next of normal n2 (both hw long).
func join(out []poly, v, n1, n2 vec, hw float64, pn pen) []poly {
	if pn.roundJoin {
		return append(out, disc(v, hw))
	}
	turn := n1.cross(n2)
	if math.Abs(turn) < 1e-12 {
		return out // straight on
	}
	// The outer side is the one the line turns away from.
	side := -1.0
	if turn < 0 {
		side = 1
	}
	a, b := v.add(n1.mul(side)), v.add(n2.mul(side))
	u1, u2 := n1.mul(1/hw), n2.mul(1/hw)
	cosine := u1.dot(u2)
	if ratio := math.Sqrt(2 / (1 + cosine)); 1+cosine > 1e-9 && ratio <= miterLimit {
		m := v.add(u1.add(u2).mul(side * hw / (1 + cosine)))
		return append(out, clockwise(poly{v, a, m, b}))
	}
	return append(out, clockwise(poly{v, a, b})) // a bevel past the limit
}

// dedupe drops points that repeat the one before (and, for a closed line,
// a last point on the first), which have no direction.
func dedupe(pts []vec, closed bool) []vec {
	out := make([]vec, 0, len(pts))
	for _, p := range pts {
		if len(out) == 0 || p.sub(out[len(out)-1]).len() > 1e-9 {
			out = append(out, p)
		}
	}
	if closed && len(out) > 1 && out[0].sub(out[len(out)-1]).len() <= 1e-9 {
		out = out[:len(out)-1]
	}
	return out
}

// dashes cuts l into the open polylines its dash array draws, the pattern
// running on across vertices as SVG's does.
func dashes(l polyline, dash []float64) []polyline {
	if len(dash) == 0 {
		return []polyline{l}
	}
	pts := l.pts
	if l.closed && len(pts) > 0 {
		pts = append(append([]vec(nil), pts...), pts[0])
	}
	var out []polyline
	i, left, on := 0, dash[0], true
	var cur []vec
	if len(pts) > 0 {
		cur = []vec{pts[0]}
	}
	for k := 0; k+1 < len(pts); k++ {
		a, b := pts[k], pts[k+1]
		seg := b.sub(a).len()
		pos := 0.0
		for seg-pos > left {
			pos += left
			p := a.add(b.sub(a).mul(pos / seg))
			if on {
				out = append(out, polyline{pts: append(cur, p)})
				cur = nil
			} else {
				cur = []vec{p}
			}
			on = !on
			i = (i + 1) % len(dash)
			left = dash[i]
		}
		left -= seg - pos
		if on {
			cur = append(cur, b)
		}
	}
	if on && len(cur) > 1 {
		out = append(out, polyline{pts: cur})
	}
	return out
}
