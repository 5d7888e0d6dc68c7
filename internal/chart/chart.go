// Package chart draws Promotor's charts as SVG on the server: the
// dashboard shows them inline, with no JavaScript, and a report or an
// email can take the same SVG.
//
// It takes display-ready values in: NPS values, interval bounds, counts and
// caller-translated texts. It computes no statistics and knows nothing of
// surveys, the database or HTTP; whatever a chart shows was decided by the
// caller, and this package only lays it out.
//
// Every chart is an <svg role="img"> with a <title> and <desc>, real <text>
// labels, a viewBox with width="100%" so that it scales to its container,
// and a meaning that never rests on colour alone: categories and small
// samples also differ in pattern, stroke and text. All caller text is
// escaped. The output is deterministic: the same input gives the same bytes,
// and the element ids derive from a hash of the input, so that two different
// charts on one page never share an id. (Two identical charts share ids that
// name identical definitions, which is harmless.)
//
// The SVG uses presentation attributes only, never a <style> element: the
// rules of a <style> inside inline SVG would apply to the whole page.
//
// Walk reads a chart back into drawing calls, for the report's PDF
// (chartpdf) and the email's PNG (chartpng), so that every medium shows one
// drawing. It knows exactly the SVG written here: an element, attribute or
// value added to a chart must be taught to Walk and to both renderers, and
// Walk's tests, which walk every kind of chart, fail until it is.
package chart

import (
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash"
	"hash/fnv"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Point is one value with its interval, e.g. the NPS of a wave or a group.
type Point struct {
	// Label names the point on the x axis or its row ("2025", "2025-03",
	// "Retail").
	Label string
	// Value is the figure drawn, an NPS in -100..100; values outside are
	// drawn at the end of the axis, and NaN is drawn as no value.
	Value float64
	// Low and High bound the interval; Low == High (for instance both equal
	// to Value) means the point has none.
	Low, High float64
	// N is the number of responses behind the point.
	N int64
	// Warn marks a small sample: the point is drawn dashed and hatched and
	// with a text marker, not merely in another colour.
	Warn bool
}

// Labels are the texts a chart draws besides the caller's labels, already
// translated by the caller.
type Labels struct {
	// Detractors, Passives and Promoters name the categories.
	Detractors, Passives, Promoters string
	// Interval names the interval band or whisker ("95% interval").
	Interval string
	// SmallN marks a point or row with a small sample ("small sample").
	SmallN string
	// N abbreviates the number of responses ("n").
	N string
}

// The colours have a contrast of at least 3:1 on white (WCAG 1.4.11 for
// graphics). The passive colour is darker than the usual #b7950b, which
// reaches only 2.9:1.
const (
	colDetractor = "#c0392b"
	colPassive   = "#9a7d0a"
	colPromoter  = "#1e8449"
	colLine      = "#1f4e79"
	colBand      = "#c9d9ea"
	colGrid      = "#d0d7de"
	colZero      = "#333"
	colMuted     = "#555"
	colText      = "#222"
	colZebra     = "#f4f6f8"
)

// viewW is the viewBox width of every chart, so that charts side by side in
// boxes of one width draw their text at one size.
const viewW = 480.0

// The widths, in CSS px, a chart must read at: the dashboard caps a chart's
// box at 40rem, and a phone leaves it about 360 px.
const (
	desktopPx = 640.0
	phonePx   = 360.0
)

// Font sizes by role, in viewBox units. A chart's text scales with its box,
// so the two widths bound every size from both sides: the smallest text
// must be 10 px at phone width, 10 × viewW / phonePx = 13.3 units, and the
// title at most 18 px at desktop width, 18 × viewW / desktopPx = 13.5 units.
// Hence one size for all text, 10.1 px on a phone and 18 px on a desktop;
// the title stands out by weight and place, not size. (A bigger title would
// be an HTML heading outside the SVG.)
const (
	fontSize   = 13.5
	fontTitle  = fontSize // the chart's title, bold
	fontAxis   = fontSize // ticks, scores, the labels of points and rows
	fontValue  = fontSize // a figure at its point, bar or row
	fontLegend = fontSize // legend entries and category names
	fontNote   = fontSize // the small-sample marker of a row
)

// Text extents, as fractions of the font size, for placing texts clear of
// each other; textWidth estimates the width.
const (
	textAscent  = 0.75 // baseline to the top of digits and capitals
	textDescent = 0.22
)

// noData is drawn in the middle of a chart with nothing to show.
const noData = "—"

// canvas accumulates one SVG document.
type canvas struct {
	b  strings.Builder
	id string // prefix of every id in the document
}

// newCanvas opens an SVG of w×h viewBox units with its title and desc and
// the given pattern definitions. kind and the hash of the input make the ids.
func newCanvas(kind string, h *hasher, w, ht float64, title, desc string, patterns ...pattern) *canvas {
	c := &canvas{id: fmt.Sprintf("chart-%s-%012x", kind, h.sum()&0xffffffffffff)}
	labelledBy := c.id + "-title"
	if desc != "" {
		labelledBy += " " + c.id + "-desc"
	}
	c.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 "+num(w)+" "+num(ht),
		"width", "100%", "role", "img", "aria-labelledby", labelledBy,
		"font-family", "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "font-size", fontSize)
	c.textEl("title", title, "id", c.id+"-title")
	if desc != "" {
		c.textEl("desc", desc, "id", c.id+"-desc")
	}
	if len(patterns) > 0 {
		c.raw("<defs>\n")
		for _, p := range patterns {
			p.write(c)
		}
		c.raw("</defs>\n")
	}
	c.tag("rect", "width", w, "height", ht, "fill", "#fff")
	c.label(12, 24, title, int((w-24)/(fontTitle*0.6)), "font-size", fontTitle, "font-weight", "bold", "fill", colText)
	return c
}

// html closes the document and returns it.
func (c *canvas) html() template.HTML {
	c.raw("</svg>\n")
	return template.HTML(c.b.String())
}

// ref returns a paint reference to the pattern p of this chart.
func (c *canvas) ref(p pattern) string { return "url(#" + c.id + "-" + string(p) + ")" }

func (c *canvas) raw(s string) { c.b.WriteString(s) }

// attrs writes key="value" pairs; values are float64 (written by num),
// int, or string (escaped).
func (c *canvas) attrs(kv []any) {
	for i := 0; i+1 < len(kv); i += 2 {
		c.b.WriteByte(' ')
		c.b.WriteString(kv[i].(string))
		c.b.WriteString(`="`)
		switch v := kv[i+1].(type) {
		case float64:
			c.b.WriteString(num(v))
		case int:
			c.b.WriteString(strconv.Itoa(v))
		case string:
			escape(&c.b, v)
		default:
			panic(fmt.Sprintf("chart: attribute %v of type %T", kv[i], v))
		}
		c.b.WriteByte('"')
	}
}

// tag writes an empty element.
func (c *canvas) tag(name string, kv ...any) {
	c.b.WriteByte('<')
	c.b.WriteString(name)
	c.attrs(kv)
	c.b.WriteString("/>\n")
}

// open writes a start tag; close writes the end tag.
func (c *canvas) open(name string, kv ...any) {
	c.b.WriteByte('<')
	c.b.WriteString(name)
	c.attrs(kv)
	c.b.WriteString(">\n")
}

func (c *canvas) close(name string) {
	c.b.WriteString("</")
	c.b.WriteString(name)
	c.b.WriteString(">\n")
}

// textEl writes an element holding escaped text only.
func (c *canvas) textEl(name, s string, kv ...any) {
	c.b.WriteByte('<')
	c.b.WriteString(name)
	c.attrs(kv)
	c.b.WriteByte('>')
	escape(&c.b, s)
	c.b.WriteString("</")
	c.b.WriteString(name)
	c.b.WriteString(">\n")
}

// text writes a <text> at x, y.
func (c *canvas) text(x, y float64, s string, kv ...any) {
	c.textEl("text", s, append([]any{"x", x, "y", y}, kv...)...)
}

// label writes a <text> at x, y cut to at most max runes; a cut text
// carries the whole one as its tooltip.
func (c *canvas) label(x, y float64, s string, max int, kv ...any) {
	short, cut := truncate(s, max)
	c.tipText(x, y, short, cut, s, kv)
}

// tipText writes a <text> showing short, with full as its tooltip if cut.
func (c *canvas) tipText(x, y float64, short string, cut bool, full string, kv []any) {
	if !cut {
		c.text(x, y, short, kv...)
		return
	}
	c.b.WriteString("<text")
	c.attrs(append([]any{"x", x, "y", y}, kv...))
	c.b.WriteByte('>')
	escape(&c.b, short)
	c.b.WriteString("<title>")
	escape(&c.b, full)
	c.b.WriteString("</title></text>\n")
}

// fitText writes a <text> squeezed to width when it is estimated to be
// wider, so that a huge count stays over its bar.
func (c *canvas) fitText(x, y, width, size float64, s string, kv ...any) {
	c.fitLabel(x, y, width, size, s, 0, kv...)
}

// fitLabel is fitText for a text first cut to at most max runes (none if
// max is 0), carrying the whole text as its tooltip if cut.
func (c *canvas) fitLabel(x, y, width, size float64, s string, max int, kv ...any) {
	short, cut := truncate(s, max)
	if textWidth(short, size) > width {
		kv = append(kv, "textLength", width, "lengthAdjust", "spacingAndGlyphs")
	}
	c.tipText(x, y, short, cut, s, append(kv, "font-size", size))
}

// empty draws the no-data marker in the middle of a w×h chart, and the
// description under it, as the reason why there is nothing to see.
func (c *canvas) empty(w, h float64, desc string) template.HTML {
	c.text(w/2, h/2+8, noData, "text-anchor", "middle", "font-size", 24.0, "fill", colMuted)
	if desc != "" {
		c.label(w/2, h/2+32, desc, int((w-24)/(fontLegend*0.6)), "text-anchor", "middle", "font-size", fontLegend, "fill", colMuted)
	}
	return c.html()
}

// escape writes s escaped for XML text and attribute values; invalid UTF-8
// and characters XML forbids become U+FFFD, so the document stays well
// formed whatever the caller passes.
func escape(w io.Writer, s string) {
	_ = xml.EscapeText(w, []byte(s)) // a strings.Builder does not fail
}

// num formats a coordinate compactly, with at most one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// signed formats an NPS for reading: "+12", "-8", "0", "+12.5".
func signed(v float64) string {
	s := num(v)
	if v := math.Round(v*10) / 10; v > 0 {
		return "+" + s
	}
	return s
}

// clampNPS bounds v to the axis; NaN stays NaN.
func clampNPS(v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return math.Max(-100, math.Min(100, v))
}

// span is a point's value and interval, clamped to the axis.
type span struct {
	ok       bool // Value is a number
	v        float64
	lo, hi   float64
	interval bool // lo < hi
}

func spanOf(p Point) span {
	if math.IsNaN(p.Value) {
		return span{}
	}
	s := span{ok: true, v: clampNPS(p.Value)}
	s.lo, s.hi = s.v, s.v
	if !math.IsNaN(p.Low) && !math.IsNaN(p.High) && p.Low != p.High {
		s.lo, s.hi = clampNPS(math.Min(p.Low, p.High)), clampNPS(math.Max(p.Low, p.High))
		s.interval = s.lo < s.hi
	}
	return s
}

// valueText is how a point's value reads in a label or tooltip.
func valueText(s span) string {
	if !s.ok {
		return noData
	}
	return signed(s.v)
}

// tooltip describes one point in words, for its <title>.
func tooltip(p Point, s span, l Labels) string {
	t := p.Label + ": NPS " + valueText(s)
	if s.interval {
		t += ", " + l.Interval + " [" + signed(s.lo) + ", " + signed(s.hi) + "]"
	}
	t += ", " + countText(p.N, l)
	if p.Warn {
		t += ", " + l.SmallN
	}
	return t
}

// countText is "n 340".
func countText(n int64, l Labels) string {
	if l.N == "" {
		return strconv.FormatInt(n, 10)
	}
	return l.N + " " + strconv.FormatInt(n, 10)
}

// textWidth estimates the width of s at size; generous, so that labels
// thinned by it do not touch.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * size * 0.6
}

// truncate cuts s to at most max runes, ending a cut text in "…".
func truncate(s string, max int) (string, bool) {
	if max < 1 || utf8.RuneCountInString(s) <= max {
		return s, false
	}
	i, n := 0, 0
	for i = range s {
		if n == max-1 {
			break
		}
		n++
	}
	return s[:i] + "…", true
}

// hasher hashes a chart's input into its ids.
type hasher struct{ h hash.Hash64 }

func newHasher(kind, title, desc string, l Labels) *hasher {
	h := &hasher{h: fnv.New64a()}
	for _, s := range []string{kind, title, desc, l.Detractors, l.Passives, l.Promoters, l.Interval, l.SmallN, l.N} {
		h.str(s)
	}
	return h
}

func (h *hasher) str(s string) {
	h.int(int64(len(s)))
	_, _ = io.WriteString(h.h, s)
}

func (h *hasher) int(v int64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(v))
	_, _ = h.h.Write(b[:])
}

func (h *hasher) float(v float64) { h.int(int64(math.Float64bits(v))) }

func (h *hasher) point(p Point) {
	h.str(p.Label)
	h.float(p.Value)
	h.float(p.Low)
	h.float(p.High)
	h.int(p.N)
	if p.Warn {
		h.int(1)
	} else {
		h.int(0)
	}
}

func (h *hasher) sum() uint64 { return h.h.Sum64() }
