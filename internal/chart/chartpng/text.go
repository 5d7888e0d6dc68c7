package chartpng

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// faces are the Go fonts, the same as the PDF's, by bold then italic.
type faces [2][2]*opentype.Font

// loadFaces parses the fonts once; they are read only after, and sfnt
// fonts may be used at once by many callers, each with its own buffer.
var loadFaces = sync.OnceValues(func() (*faces, error) {
	var fs faces
	for i, ttf := range [4][]byte{goregular.TTF, goitalic.TTF, gobold.TTF, gobolditalic.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("chartpng: font %d: %w", i, err)
		}
		fs[i/2][i%2] = f
	}
	return &fs, nil
})

// glyphs lays out s at size px from the origin on the baseline: it returns
// the glyphs' outlines, flattened to closed polylines, and the advance.
func glyphs(f *opentype.Font, buf *sfnt.Buffer, s string, size float64) ([]polyline, float64, error) {
	ppem := fixed.Int26_6(math.Round(size * 64))
	var out []polyline
	var x fixed.Int26_6
	var prev sfnt.GlyphIndex
	for i, r := range s {
		g, err := f.GlyphIndex(buf, r)
		if err != nil {
			return nil, 0, fmt.Errorf("chartpng: glyph of %q: %w", r, err)
		}
		if i > 0 {
			k, err := f.Kern(buf, prev, g, ppem, font.HintingNone)
			switch {
			case err == nil:
				x += k
			case !errors.Is(err, sfnt.ErrNotFound):
				return nil, 0, fmt.Errorf("chartpng: kerning: %w", err)
			}
		}
		segs, err := f.LoadGlyph(buf, g, ppem, nil)
		if err != nil {
			return nil, 0, fmt.Errorf("chartpng: outline of %q: %w", r, err)
		}
		out = flatten(out, segs, fix(x))
		adv, err := f.GlyphAdvance(buf, g, ppem, font.HintingNone)
		if err != nil {
			return nil, 0, fmt.Errorf("chartpng: advance of %q: %w", r, err)
		}
		x += adv
		prev = g
	}
	return out, fix(x), nil
}

func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }

func pt(p fixed.Point26_6, dx float64) vec { return vec{fix(p.X) + dx, fix(p.Y)} }

// flatten appends the contours of segs, shifted by dx, as closed polylines
// whose curves are cut into pieces of about a pixel.
func flatten(out []polyline, segs sfnt.Segments, dx float64) []polyline {
	var cur []vec
	end := func() {
		if len(cur) > 2 {
			out = append(out, polyline{pts: cur, closed: true})
		}
		cur = nil
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			end()
			cur = []vec{pt(s.Args[0], dx)}
		case sfnt.SegmentOpLineTo:
			cur = append(cur, pt(s.Args[0], dx))
		case sfnt.SegmentOpQuadTo:
			a, b, c := cur[len(cur)-1], pt(s.Args[0], dx), pt(s.Args[1], dx)
			n := pieces(b.sub(a).len() + c.sub(b).len())
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				cur = append(cur, a.mul(u*u).add(b.mul(2*u*t)).add(c.mul(t*t)))
			}
		case sfnt.SegmentOpCubeTo:
			a, b, c, d := cur[len(cur)-1], pt(s.Args[0], dx), pt(s.Args[1], dx), pt(s.Args[2], dx)
			n := pieces(b.sub(a).len() + c.sub(b).len() + d.sub(c).len())
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				cur = append(cur, a.mul(u*u*u).add(b.mul(3*u*u*t)).add(c.mul(3*u*t*t)).add(d.mul(t*t*t)))
			}
		}
	}
	end()
	return out
}

// pieces is how many lines a curve of the given control length becomes.
func pieces(length float64) int { return min(16, max(1, int(math.Ceil(length/1.5)))) }
