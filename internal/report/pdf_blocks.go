package report

import (
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/chart/chartpdf"
)

// factLabelW is the width of a fact's label column.
const factLabelW = 52.0

// facts writes a definition list: labels in bold on the left, values on
// the right, a row kept on one page.
func (p *pdfDoc) facts(fs []fact) {
	pdf := p.pdf
	for _, f := range fs {
		p.setFont("B", sizeBody)
		label := p.fit(p.lines(f.Label, factLabelW-3), 3, factLabelW-3)
		p.setFont("", sizeBody)
		value := p.fit(p.lines(f.Value, contentW-factLabelW), 12, contentW-factLabelW)
		h := float64(max(len(label), len(value))) * lineBody
		p.need(h)
		y := pdf.GetY()
		p.setFont("B", sizeBody)
		p.textColour(colInk)
		p.column(label, marginX, y, factLabelW-3, lineBody, "L")
		p.setFont("", sizeBody)
		p.column(value, marginX+factLabelW, y, contentW-factLabelW, lineBody, "L")
		pdf.SetY(y + h + 0.8)
	}
	pdf.SetY(pdf.GetY() + 2)
}

// column writes lines one under the other from x, y.
func (p *pdfDoc) column(ls []string, x, y, w, lh float64, align string) {
	for i, l := range ls {
		p.pdf.SetXY(x, y+float64(i)*lh)
		p.pdf.CellFormat(w, lh, l, "", 0, align, false, 0, "")
	}
}

// cardGap is the room between the summary's cards; cardPad their
// padding.
const (
	cardGap = 5.0
	cardPad = 3.0
)

// cards writes the summary's cards two by two, each pair as tall as its
// taller card.
func (p *pdfDoc) cards(cs []card) {
	w := (contentW - cardGap) / 2
	inner := w - 2*cardPad
	type laid struct {
		label, value, detail, reading []string
		h                             float64
	}
	lay := func(c card) laid {
		var l laid
		p.setFont("B", 7.5)
		l.label = p.fit(p.lines(strings.ToUpper(c.Label), inner), 2, inner)
		p.setFont("B", 15)
		l.value = p.fit(p.lines(c.Value, inner), 2, inner)
		p.setFont("", sizeSmall)
		if c.Detail != "" {
			l.detail = p.fit(p.lines(c.Detail, inner), 2, inner)
		}
		l.reading = p.fit(p.lines(c.Reading, inner), 3, inner)
		l.h = 2*cardPad + 1.5 + float64(len(l.label))*3.4 + float64(len(l.value))*6.6 +
			float64(len(l.detail))*lineSmall + 1.5 + float64(len(l.reading))*lineSmall
		return l
	}
	for i := 0; i < len(cs); i += 2 {
		row := []card{cs[i]}
		if i+1 < len(cs) {
			row = append(row, cs[i+1])
		}
		ls := make([]laid, len(row))
		h := 0.0
		for j, c := range row {
			ls[j] = lay(c)
			h = max(h, ls[j].h)
		}
		p.need(h)
		y := p.pdf.GetY()
		for j, c := range row {
			x := marginX + float64(j)*(w+cardGap)
			p.card(c, ls[j].label, ls[j].value, ls[j].detail, ls[j].reading, x, y, w, h)
		}
		p.pdf.SetY(y + h + cardGap)
	}
}

// card draws one card: a box with a bar in the accent colour on top.
func (p *pdfDoc) card(c card, label, value, detail, reading []string, x, y, w, h float64) {
	pdf := p.pdf
	p.drawColour(colRule)
	pdf.SetLineWidth(0.25)
	pdf.Rect(x, y, w, h, "D")
	p.fillColour(p.accent)
	pdf.Rect(x, y, w, 1.2, "F")
	inner := w - 2*cardPad
	cy := y + cardPad + 1.5
	p.setFont("B", 7.5)
	p.textColour(colMuted)
	p.column(label, x+cardPad, cy, inner, 3.4, "L")
	cy += float64(len(label)) * 3.4
	p.setFont("B", 15)
	switch c.Tone {
	case "good":
		p.textColour(colGood)
	case "bad":
		p.textColour(colBad)
	default:
		p.textColour(colInk)
	}
	p.column(value, x+cardPad, cy, inner, 6.6, "L")
	cy += float64(len(value)) * 6.6
	p.setFont("", sizeSmall)
	p.textColour(colInk)
	p.column(detail, x+cardPad, cy, inner, lineSmall, "L")
	cy += float64(len(detail))*lineSmall + 1.5
	p.column(reading, x+cardPad, cy, inner, lineSmall, "L")
}

// Tables: cellPad is the room around a cell's text, maxCellLines the most
// lines a cell shows (a row must fit on a page).
const (
	cellPad      = 1.4
	maxCellLines = 10
)

// table writes a table with its caption; a table that runs over a page
// goes on with its caption marked as continued and its header row again.
func (p *pdfDoc) table(t *table) {
	pdf := p.pdf
	var sum float64
	for _, w := range t.Widths {
		sum += w
	}
	widths := make([]float64, len(t.Head))
	for i := range widths {
		widths[i] = contentW / float64(len(widths))
		if len(t.Widths) == len(widths) && sum > 0 {
			widths[i] = contentW * t.Widths[i] / sum
		}
	}
	cells := func(row []string, style string) ([][]string, float64) {
		p.setFont(style, sizeTable)
		out := make([][]string, len(row))
		n := 1
		for i, c := range row {
			if i >= len(widths) {
				break
			}
			w := widths[i] - 2*cellPad
			out[i] = p.fit(p.lines(c, w), maxCellLines, w)
			n = max(n, len(out[i]))
		}
		return out, float64(n)*lineTable + 2*cellPad
	}
	head, headH := cells(t.Head, "B")
	caption := func(s string) {
		p.setFont("B", sizeBody)
		p.textColour(p.colourText)
		for _, l := range p.fit(p.lines(s, contentW), 2, contentW) {
			pdf.SetX(marginX)
			pdf.CellFormat(contentW, lineBody, l, "", 1, "L", false, 0, "")
		}
		pdf.SetY(pdf.GetY() + 0.8)
	}
	header := func() {
		y := pdf.GetY()
		p.fillColour(colHead)
		pdf.Rect(marginX, y, contentW, headH, "F")
		p.drawRow(head, widths, y, "B", t.Num)
		p.drawColour(p.accent)
		pdf.SetLineWidth(0.5)
		pdf.Line(marginX, y+headH, pageW-marginX, y+headH)
		pdf.SetY(y + headH)
	}
	rows := make([][][]string, len(t.Rows))
	heights := make([]float64, len(t.Rows))
	for i, r := range t.Rows {
		rows[i], heights[i] = cells(r, "")
	}
	first := headH + 2*lineBody
	if len(heights) > 0 {
		first += heights[0]
	}
	p.need(first)
	caption(t.Caption)
	header()
	for i := range rows {
		if pdf.GetY()+heights[i] > bodyBottom {
			p.newPage()
			caption(p.d.continued(t.Caption))
			header()
		}
		y := pdf.GetY()
		p.drawRow(rows[i], widths, y, "", t.Num)
		p.drawColour(colRule)
		pdf.SetLineWidth(0.2)
		pdf.Line(marginX, y+heights[i], pageW-marginX, y+heights[i])
		pdf.SetY(y + heights[i])
	}
	if t.Total != nil {
		total, h := cells(t.Total, "B")
		p.need(h)
		y := pdf.GetY()
		p.drawColour(colMuted)
		pdf.SetLineWidth(0.4)
		pdf.Line(marginX, y, pageW-marginX, y)
		p.drawRow(total, widths, y, "B", t.Num)
		pdf.SetY(y + h)
	}
	pdf.SetY(pdf.GetY() + 4)
}

// drawRow writes the cells of one row from y; the first cell, which names
// the row, is bold.
func (p *pdfDoc) drawRow(cells [][]string, widths []float64, y float64, style string, num []bool) {
	x := marginX
	p.textColour(colInk)
	for i, c := range cells {
		st := style
		if i == 0 {
			st = "B"
		}
		p.setFont(st, sizeTable)
		align := "L"
		if i < len(num) && num[i] {
			align = "R"
		}
		p.column(c, x+cellPad, y+cellPad, widths[i]-2*cellPad, lineTable, align)
		x += widths[i]
	}
}

// continued marks a table's caption on the pages it runs over to.
func (d document) continued(caption string) string {
	return strings.ReplaceAll(d.Continued, "{caption}", caption)
}

// viewBox reads the size of a chart of package chart.
var viewBox = regexp.MustCompile(`^<svg [^>]*viewBox="0 0 ([0-9.]+) ([0-9.]+)"`)

// chartW is the width of a chart on the page: as wide as a chart box on
// the dashboard is to the screen, its text then reads at about 9 points.
const chartW = 125.0

// chart draws a chart as vectors, on the next page if it does not fit.
func (p *pdfDoc) chart(svg template.HTML) {
	m := viewBox.FindStringSubmatch(string(svg))
	if m == nil {
		p.fail(fmt.Errorf("report: pdf: a chart without a viewBox"))
		return
	}
	w, err1 := strconv.ParseFloat(m[1], 64)
	h, err2 := strconv.ParseFloat(m[2], 64)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		p.fail(fmt.Errorf("report: pdf: a chart's viewBox %q × %q", m[1], m[2]))
		return
	}
	p.need(chartW * h / w)
	y := p.pdf.GetY()
	drawn, err := chartpdf.Draw(p.pdf, svg, marginX, y, chartW)
	if err != nil {
		p.fail(fmt.Errorf("report: pdf: %w", err))
		return
	}
	p.pdf.SetY(y + drawn + 4)
}

// quotes writes the chosen comments, each with a bar in its category's
// colour; a comment longer than a page goes on over the next.
func (p *pdfDoc) quotes(qs []quote) {
	pdf := p.pdf
	const indent = 5.0
	w := contentW - indent
	for _, q := range qs {
		p.setFont("", sizeBody)
		text := p.lines(q.Text, w)
		p.setFont("", sizeSmall)
		caption := q.ScoreLabel + " · " + q.Who
		if q.Themes != "" {
			caption += " · " + q.Themes
		}
		capLines := p.fit(p.lines(caption, w), 3, w)
		whole := float64(len(text))*lineBody + float64(len(capLines))*lineSmall
		p.need(min(whole, 3*lineBody+lineSmall))
		bar := colRule
		switch q.Tone {
		case "good":
			bar = colGood
		case "bad":
			bar = colBad
		}
		top := pdf.GetY()
		drawBar := func(to float64) {
			p.fillColour(bar)
			pdf.Rect(marginX, top, 1.2, to-top, "F")
		}
		p.textColour(colInk)
		for _, l := range text {
			if pdf.GetY()+lineBody > bodyBottom {
				drawBar(pdf.GetY())
				p.newPage()
				top = pdf.GetY()
				p.textColour(colInk)
			}
			p.setFont("", sizeBody)
			pdf.SetX(marginX + indent)
			pdf.CellFormat(w, lineBody, l, "", 1, "L", false, 0, "")
		}
		if pdf.GetY()+float64(len(capLines))*lineSmall > bodyBottom {
			drawBar(pdf.GetY())
			p.newPage()
			top = pdf.GetY()
		}
		p.setFont("", sizeSmall)
		p.textColour(colMuted)
		for _, l := range capLines {
			pdf.SetX(marginX + indent)
			pdf.CellFormat(w, lineSmall, l, "", 1, "L", false, 0, "")
		}
		drawBar(pdf.GetY())
		pdf.SetY(pdf.GetY() + 4)
	}
}
