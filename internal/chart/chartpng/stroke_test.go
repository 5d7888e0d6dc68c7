package chartpng

import (
	"fmt"
	"image"
	"image/draw"
	"math"
	"testing"

	"golang.org/x/image/vector"
)

// covered is the area, in pixels, that the polygons cover in a 40×40
// image, as the rasteriser draws their union.
func covered(ps []poly) float64 {
	var r vector.Rasterizer
	r.Reset(40, 40)
	for _, p := range ps {
		r.MoveTo(float32(p[0].x), float32(p[0].y))
		for _, v := range p[1:] {
			r.LineTo(float32(v.x), float32(v.y))
		}
		r.ClosePath()
	}
	m := image.NewAlpha(image.Rect(0, 0, 40, 40))
	r.DrawOp = draw.Src
	r.Draw(m, m.Bounds(), image.Opaque, image.Point{})
	sum := 0.0
	for _, a := range m.Pix {
		sum += float64(a) / 255
	}
	return sum
}

func TestStrokeArea(t *testing.T) {
	square := []vec{{10, 10}, {30, 10}, {30, 30}, {10, 30}}
	corner := []vec{{10, 10}, {30, 10}, {30, 30}}
	cases := []struct {
		name  string
		lines []polyline
		pen   pen
		want  float64
	}{
		{"butt line", []polyline{{pts: []vec{{10, 20}, {30, 20}}}}, pen{width: 2}, 40},
		{"round line", []polyline{{pts: []vec{{10, 20}, {30, 20}}}}, pen{width: 2, roundCap: true}, 40 + math.Pi},
		{"miter square", []polyline{{pts: square, closed: true}}, pen{width: 2}, 22*22 - 18*18},
		{"round square", []polyline{{pts: square, closed: true}}, pen{width: 2, roundJoin: true}, 22*22 - 18*18 - 4*(1-math.Pi/4)},
		// Two segments of 20 by 2, with the miter's square outside and the
		// overlap inside.
		{"miter corner", []polyline{{pts: corner}}, pen{width: 2}, 2*40 + 1 - 1},
		// 20 long by 4 on, 3 off: 0-4, 7-11, 14-18, and 21 is past the end.
		{"dashed line", []polyline{{pts: []vec{{10, 20}, {30, 20}}}}, pen{width: 2, dash: []float64{4, 3}}, 2 * (4 + 4 + 4 + 0)},
		{"backwards line", []polyline{{pts: []vec{{30, 20}, {10, 20}}}}, pen{width: 2}, 40},
	}
	for _, tc := range cases {
		ps, err := stroke(tc.lines, tc.pen)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := covered(ps)
		if math.Abs(got-tc.want) > 0.6 {
			t.Errorf("%s: got %.2f px covered, want %.2f", tc.name, got, tc.want)
		}
	}
}

func TestDashes(t *testing.T) {
	cases := []struct {
		name string
		l    polyline
		dash []float64
		want string
	}{
		{"line", polyline{pts: []vec{{0, 0}, {10, 0}}}, []float64{4, 3}, "[{[{0 0} {4 0}] false} {[{7 0} {10 0}] false}]"},
		{"corner", polyline{pts: []vec{{0, 0}, {3, 0}, {3, 3}}}, []float64{4, 2}, "[{[{0 0} {3 0} {3 1}] false}]"},
		{"closed", polyline{pts: []vec{{0, 0}, {4, 0}, {4, 4}, {0, 4}}, closed: true}, []float64{6, 2}, "[{[{0 0} {4 0} {4 2}] false} {[{4 4} {0 4} {0 2}] false}]"},
		{"solid", polyline{pts: []vec{{0, 0}, {1, 0}}}, nil, "[{[{0 0} {1 0}] false}]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(dashes(tc.l, tc.dash)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestClockwise(t *testing.T) {
	p := poly{{0, 0}, {0, 1}, {1, 1}, {1, 0}}
	if p.area() >= 0 {
		t.Fatalf("got area %v of an anticlockwise square, want below 0", p.area())
	}
	if got := clockwise(p).area(); got != 1 {
		t.Errorf("got area %v, want 1", got)
	}
}
