package report

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"strings"
	"sync"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/promotor/promotor/internal/chart/chartpdf"
)

// The PDF's layout, in millimetres on A4 portrait, and its type sizes in
// points.
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 18.0
	marginTop    = 18.0
	// bodyBottom is where the content of a page ends; the footer sits
	// below it.
	bodyBottom = pageH - 20
	noteBottom = pageH - 15.5
	footerY    = pageH - 10
	contentW   = pageW - 2*marginX

	sizeBody  = 9.5
	sizeSmall = 8.0
	sizeTable = 8.5
	lineBody  = 4.6
	lineSmall = 3.9
	lineTable = 4.0

	// keepLines is the most lines of a paragraph kept on one page.
	keepLines = 6
)

// pagesAlias stands for the number of pages in the footer until the
// document is closed. It is made of control characters, which no text of
// the report can hold (clean and pdfText drop them), so that no comment
// can contain it and be rewritten.
const pagesAlias = "\x02nb\x03"

// grey and the other fixed colours of the PDF; the brand's come from the
// workspace.
var (
	colInk   = rgb{0x1d, 0x23, 0x30}
	colMuted = rgb{0x54, 0x5d, 0x6e}
	colRule  = rgb{0xd5, 0xd9, 0xe0}
	colHead  = rgb{0xf3, 0xf5, 0xf8}
	colGood  = rgb{0x1a, 0x6b, 0x35}
	colBad   = rgb{0xa4, 0x16, 0x1a}
)

// font is the Go regular font's outline table, read once, to know which
// characters the PDF can show.
var font = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(goregular.TTF) })

// PDF writes r as an A4 document: a cover page with the management
// summary, then a page or more per section, the charts as vectors, tables
// that repeat their header row on every page they run over, and the
// workspace and page number in every footer. Nothing is written when r
// cannot be laid out.
func PDF(w io.Writer, r Report) error {
	d, err := build(r)
	if err != nil {
		return err
	}
	f, err := font()
	if err != nil {
		return fmt.Errorf("report: pdf: font: %w", err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	p := &pdfDoc{pdf: pdf, d: d, font: f, glyph: map[rune]bool{}}
	p.colour, _ = parseColour(d.Brand.Colour)
	p.colourText, _ = parseColour(d.Brand.ColourText)
	p.accent, _ = parseColour(d.Brand.Accent)
	p.accentText, _ = parseColour(d.Brand.AccentText)
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	chartpdf.AddFonts(pdf)
	pdf.SetTitle(p.txt(d.Title+" — "+d.Workspace), true)
	pdf.SetAuthor(p.txt(d.Workspace), true)
	pdf.SetCreator("Promotor", true)
	pdf.SetLang(d.Lang)
	if !r.Generated.IsZero() {
		pdf.SetCreationDate(r.Generated)
		pdf.SetModificationDate(r.Generated)
	}
	pdf.AliasNbPages(pagesAlias)
	pdf.SetFooterFunc(p.footer)
	p.cover(d.Sections[0])
	for _, s := range d.Sections[1:] {
		p.section(s)
	}
	if p.err != nil {
		return p.err
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// pdfDoc writes one document.
type pdfDoc struct {
	pdf *fpdf.Fpdf
	d   document
	// colour and accent are the brand's, for rules and fills; colourText
	// and accentText the readable ones, for text.
	colour, colourText, accent, accentText rgb
	font                                   *sfnt.Font
	buf                                    sfnt.Buffer
	glyph                                  map[rune]bool
	// err is the first failure; once set, nothing more is drawn.
	err error
}

// txt makes s showable in the PDF's font: control characters are dropped
// (a tab becomes a space, a line break stays) and each run of characters
// the font has no glyph for (emoji, scripts beyond Latin, Greek and
// Cyrillic) becomes one U+FFFD, so that a comment in any script keeps its
// place and length in the layout instead of breaking it. The HTML page
// shows such text as written.
func (p *pdfDoc) txt(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	missing := false
	for _, r := range s {
		switch {
		case r == '\n':
		case r == '\t':
			r = ' '
		case unicode.IsControl(r) || bidiControl(r):
			continue
		case !p.has(r):
			if !missing {
				b.WriteRune('\uFFFD')
			}
			missing = true
			continue
		}
		missing = false
		b.WriteRune(r)
	}
	return b.String()
}

// has reports whether the font has a glyph for r.
func (p *pdfDoc) has(r rune) bool {
	if r < 0x7f {
		return r >= 0x20
	}
	ok, seen := p.glyph[r]
	if !seen {
		g, err := p.font.GlyphIndex(&p.buf, r)
		ok = err == nil && g != 0
		p.glyph[r] = ok
	}
	return ok
}

// setFont sets the Go font in a style ("", "B", "I", "BI") and size.
func (p *pdfDoc) setFont(style string, size float64) { p.pdf.SetFont(chartpdf.Family, style, size) }

func (p *pdfDoc) textColour(c rgb) { p.pdf.SetTextColor(int(c.r), int(c.g), int(c.b)) }
func (p *pdfDoc) drawColour(c rgb) { p.pdf.SetDrawColor(int(c.r), int(c.g), int(c.b)) }
func (p *pdfDoc) fillColour(c rgb) { p.pdf.SetFillColor(int(c.r), int(c.g), int(c.b)) }

// fail keeps the first error.
func (p *pdfDoc) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// need starts a new page unless h millimetres fit under the current
// position; it reports whether it did.
func (p *pdfDoc) need(h float64) bool { return p.needTo(h, bodyBottom) }

// needTo is need for content that may run down to bottom.
func (p *pdfDoc) needTo(h, bottom float64) bool {
	if p.pdf.GetY()+h <= bottom {
		return false
	}
	p.newPage()
	return true
}

// newPage goes on at the top of a new page.
func (p *pdfDoc) newPage() {
	p.pdf.AddPage()
	p.pdf.SetXY(marginX, marginTop)
}

// lines wraps s, in the current font, to width w; it has at least one
// line.
func (p *pdfDoc) lines(s string, w float64) []string {
	ls := p.pdf.SplitText(p.txt(s), w)
	if len(ls) == 0 {
		return []string{""}
	}
	return ls
}

// fit cuts ls to at most max lines, ending the last in "…" when it cut.
func (p *pdfDoc) fit(ls []string, max int, w float64) []string {
	if len(ls) <= max {
		return ls
	}
	ls = ls[:max]
	last := []rune(strings.TrimRight(ls[max-1], " "))
	for len(last) > 0 && p.pdf.GetStringWidth(string(last)+"…") > w {
		last = last[:len(last)-1]
	}
	ls[max-1] = string(last) + "…"
	return ls
}

// para writes a paragraph across the content width, breaking pages
// between its lines; a paragraph may run down to bottom.
func (p *pdfDoc) para(s string, size, lh float64, c rgb, bottom float64) {
	p.setFont("", size)
	p.textColour(c)
	ls := p.lines(s, contentW)
	// A short paragraph stays on one page; a long one may break, but
	// not before its second line.
	if len(ls) <= keepLines {
		p.needTo(float64(len(ls))*lh, bottom)
	} else {
		p.needTo(2*lh, bottom)
	}
	for _, l := range ls {
		p.needTo(lh, bottom)
		p.pdf.SetX(marginX)
		p.pdf.CellFormat(contentW, lh, l, "", 1, "L", false, 0, "")
	}
	p.pdf.SetY(p.pdf.GetY() + 2)
}

// footer writes the workspace and the page number under every page.
func (p *pdfDoc) footer() {
	p.setFont("", 7.5)
	p.textColour(colMuted)
	p.drawColour(colRule)
	p.pdf.SetLineWidth(0.2)
	p.pdf.Line(marginX, footerY-4, pageW-marginX, footerY-4)
	ws := p.fit(p.lines(p.d.Workspace, contentW/2), 1, contentW/2)[0]
	p.pdf.Text(marginX, footerY, ws)
	n := strings.NewReplacer("{n}", fmt.Sprint(p.pdf.PageNo()), "{total}", pagesAlias).Replace(p.txt(p.d.Page))
	width := p.pdf.GetStringWidth(strings.ReplaceAll(n, pagesAlias, "99"))
	p.pdf.Text(pageW-marginX-width, footerY, n)
}

// cover is the first page: the logo, what the report is about, and the
// management summary.
func (p *pdfDoc) cover(s section) {
	pdf := p.pdf
	pdf.AddPage()
	y := marginTop
	if h := p.logo(y); h > 0 {
		y += h + 6
	}
	pdf.SetXY(marginX, y)
	if p.d.Workspace != "" {
		p.line(p.d.Workspace, "B", 11, 5.5, p.accentText, 2)
	}
	p.line(p.d.Title, "B", 24, 10.5, p.colourText, 2)
	if p.d.Survey != "" {
		p.line(p.d.Survey, "", 13, 6.5, colInk, 2)
	}
	if meta := strings.Join(nonEmpty(p.d.Period, p.d.Generated), " · "); meta != "" {
		p.line(meta, "", sizeSmall, lineSmall, colMuted, 1)
	}
	if p.d.Anonymised != "" {
		p.line(p.d.Anonymised, "I", sizeSmall, lineSmall, colMuted, 1)
	}
	pdf.SetY(pdf.GetY() + 4)
	p.sectionTitle(s, 15)
	p.blocks(s.Blocks)
}

// line writes a short text in the content width, cut to max lines.
func (p *pdfDoc) line(s, style string, size, lh float64, c rgb, max int) {
	p.setFont(style, size)
	p.textColour(c)
	for _, l := range p.fit(p.lines(s, contentW), max, contentW) {
		p.pdf.SetX(marginX)
		p.pdf.CellFormat(contentW, lh, l, "", 1, "L", false, 0, "")
	}
}

// logo draws the workspace's logo at the top left of the cover, at most
// 60 × 20 mm, and returns its height; 0 when there is none or it cannot
// be drawn.
func (p *pdfDoc) logo(y float64) float64 {
	b := p.d.Brand
	if b.Logo == nil {
		return 0
	}
	// fpdf reads only some PNGs (no interlacing, no 16-bit) and JPEGs:
	// writing the decoded image again as a plain PNG lets it read any
	// logo that decodes.
	var buf bytes.Buffer
	if err := png.Encode(&buf, b.image); err != nil {
		return 0
	}
	info := p.pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: "png"}, &buf)
	if info == nil || p.pdf.Err() {
		p.fail(fmt.Errorf("report: pdf: logo: %w", p.pdf.Error()))
		return 0
	}
	w, h := 60.0, 60.0*float64(b.LogoH)/float64(b.LogoW)
	if h > 20 {
		w, h = 20*float64(b.LogoW)/float64(b.LogoH), 20
	}
	p.pdf.ImageOptions("logo", marginX, y, w, h, false, fpdf.ImageOptions{ImageType: "png"}, 0, "")
	return h
}

// section starts a section on a new page.
func (p *pdfDoc) section(s section) {
	p.newPage()
	p.sectionTitle(s, 16)
	p.blocks(s.Blocks)
}

// sectionTitle writes "3 Change and trend" over a rule in the brand's
// colour, and adds the section to the document outline.
func (p *pdfDoc) sectionTitle(s section, size float64) {
	pdf := p.pdf
	pdf.Bookmark(p.txt(fmt.Sprintf("%d %s", s.Number, s.Title)), 0, -1)
	lh := size * 0.45
	p.setFont("B", size)
	num := fmt.Sprintf("%d ", s.Number)
	nw := pdf.GetStringWidth(num) + 1
	p.textColour(p.accentText)
	pdf.SetX(marginX)
	pdf.CellFormat(nw, lh, num, "", 0, "L", false, 0, "")
	p.textColour(p.colourText)
	for i, l := range p.fit(p.lines(s.Title, contentW-nw), 2, contentW-nw) {
		pdf.SetX(marginX + nw)
		pdf.CellFormat(contentW-nw, lh, l, "", 1, "L", false, 0, "")
		if i == 0 {
			lh = size * 0.42
		}
	}
	y := pdf.GetY() + 1.5
	p.drawColour(p.colour)
	pdf.SetLineWidth(0.7)
	pdf.Line(marginX, y, pageW-marginX, y)
	pdf.SetY(y + 5)
}

// blocks writes a section's blocks in order.
func (p *pdfDoc) blocks(bs []block) {
	for _, b := range bs {
		if p.err != nil {
			return
		}
		switch b.Kind {
		case kindText:
			p.para(b.Text, sizeBody, lineBody, colInk, bodyBottom)
		case kindNote:
			// A note explains what stands above it, so it may take the
			// room above the footer rather than stand alone on a page.
			p.para(b.Text, sizeSmall, lineSmall, colMuted, noteBottom)
		case kindHeading:
			p.subheading(b.Text)
		case kindFacts:
			p.facts(b.Facts)
		case kindCards:
			p.cards(b.Cards)
		case kindTable:
			p.table(b.Table)
		case kindChart:
			p.chart(b.Chart)
		case kindQuotes:
			p.quotes(b.Quotes)
		}
	}
}

// subheading heads a part of a section, kept with a few lines of what
// follows.
func (p *pdfDoc) subheading(s string) {
	p.pdf.SetY(p.pdf.GetY() + 2)
	p.need(6 + 4*lineBody)
	p.setFont("B", 11.5)
	p.textColour(p.colourText)
	for _, l := range p.fit(p.lines(s, contentW), 2, contentW) {
		p.pdf.SetX(marginX)
		p.pdf.CellFormat(contentW, 5.5, l, "", 1, "L", false, 0, "")
	}
	p.pdf.SetY(p.pdf.GetY() + 1.5)
}
