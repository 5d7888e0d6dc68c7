package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// The report is laid out once, in its language, as a document of sections
// made of a few kinds of block; the HTML template and the PDF writer each
// draw that document, so that the two formats cannot tell different
// stories.

// document is a report laid out in its language.
type document struct {
	Lang string
	// Title is "NPS report 2025"; Workspace, Survey and Period say what
	// it is about, Generated when it was made, and Anonymised is the
	// sentence that says names were left out ("" when they were not).
	Title, Workspace, Survey, Period, Generated, Anonymised string
	Brand                                                   brand
	Sections                                                []section
	// Contents heads the table of contents; Page is the PDF footer's
	// "Page {n} of {total}" and Continued a table's caption on its next
	// page, "{caption} (continued)", with their placeholders left in;
	// Footer ends the HTML page and LogoAlt describes the logo.
	Contents, Page, Continued, Footer, LogoAlt string
}

// section is one numbered section of the report.
type section struct {
	// ID is the anchor of the section ("s3"), Number its place (1–12).
	ID     string
	Number int
	Title  string
	Blocks []block
}

// blockKind says which field of a block holds its content.
type blockKind string

const (
	// kindText is a paragraph; kindNote a smaller one that explains.
	kindText blockKind = "text"
	kindNote blockKind = "note"
	// kindHeading is a heading within a section.
	kindHeading blockKind = "heading"
	kindFacts   blockKind = "facts"
	kindCards   blockKind = "cards"
	kindTable   blockKind = "table"
	kindChart   blockKind = "chart"
	kindQuotes  blockKind = "quotes"
)

// block is one piece of a section.
type block struct {
	Kind   blockKind
	Text   string
	Facts  []fact
	Cards  []card
	Table  *table
	Chart  template.HTML
	Quotes []quote
}

// fact is one labelled figure of a definition list.
type fact struct{ Label, Value string }

// card is one figure of the management summary with its one-line
// reading; Tone ("good", "bad" or "") adds colour to what the words
// already say.
type card struct {
	Label, Value, Detail, Reading, Tone string
}

// table is a table with a caption, a header row and rows whose first
// cell names the row. Num marks the columns of figures (aligned right),
// Widths are the columns' relative widths in the PDF, and Total is an
// optional last row that sums up.
type table struct {
	Caption string
	Head    []string
	Rows    [][]string
	Total   []string
	Num     []bool
	Widths  []float64
}

// quote is one verbatim comment.
type quote struct {
	// ScoreLabel is "Score 9, promoter", Tone the category's tone.
	ScoreLabel, Tone string
	Text, Who        string
	Themes           string
}

// Tone of a category, for the colour of its score.
func toneOf(c nps.Category) string {
	switch c {
	case nps.Promoter:
		return "good"
	case nps.Detractor:
		return "bad"
	}
	return ""
}

func text(s string) block { return block{Kind: kindText, Text: s} }
func note(s string) block { return block{Kind: kindNote, Text: s} }
func heading(s string) block {
	return block{Kind: kindHeading, Text: s}
}
func facts(fs ...fact) block           { return block{Kind: kindFacts, Facts: fs} }
func tableBlock(t *table) block        { return block{Kind: kindTable, Table: t} }
func chartBlock(c template.HTML) block { return block{Kind: kindChart, Chart: c} }

// build lays r out: it validates what it is given and writes every text
// and figure in r's language.
func build(r Report) (document, error) {
	if err := validate(r); err != nil {
		return document{}, err
	}
	w, err := newWords(r.Lang)
	if err != nil {
		return document{}, fmt.Errorf("report: %w", err)
	}
	b := builder{r: r, w: w}
	d := document{
		Lang:      r.Lang,
		Title:     w.T("title", "wave", clean(r.Wave)),
		Workspace: clean(r.Workspace),
		Survey:    clean(r.Survey),
		Period:    b.period(),
		Generated: w.T("generated", "date", w.date(r.Generated)),
		Brand:     brandOf(r.Brand),
		Contents:  w.T("contents"),
		Page:      w.T("page"),
		Continued: w.T("continued"),
	}
	d.Footer = w.T("footer", "title", d.Title, "workspace", d.Workspace)
	d.LogoAlt = w.T("logo_alt", "workspace", d.Workspace)
	if r.Generated.IsZero() {
		d.Generated = ""
	}
	if r.Anonymised {
		d.Anonymised = w.T("anonymised_note")
	}
	for i, s := range []func() section{
		b.summary, b.score, b.change, b.distribution, b.segments, b.themes,
		b.verbatims, b.atRisk, b.plans, b.promoters, b.money, b.appendix,
	} {
		sec := s()
		sec.Number = i + 1
		sec.ID = fmt.Sprintf("s%d", i+1)
		d.Sections = append(d.Sections, sec)
	}
	return d, nil
}

// validate refuses a report whose figures contradict each other or that
// no language of the report can show.
func validate(r Report) error {
	if r.Lang != "nl" && r.Lang != "en" {
		return fmt.Errorf("report: language %q: want nl or en", r.Lang)
	}
	h, res := r.Score.Histogram, r.Score.Result
	for s, c := range h {
		if c < 0 {
			return fmt.Errorf("report: histogram: negative count %d for score %d", c, s)
		}
	}
	if h.N() != res.N || h.Promoters() != res.Promoters || h.Detractors() != res.Detractors {
		return fmt.Errorf("report: the histogram counts %d responses (%d promoters, %d detractors) but the result %d (%d, %d)",
			h.N(), h.Promoters(), h.Detractors(), res.N, res.Promoters, res.Detractors)
	}
	if r.Score.Invited < 0 || r.Score.Accounts < 0 || r.Score.Answered < 0 {
		return fmt.Errorf("report: invited %d, accounts %d and answered %d must not be negative", r.Score.Invited, r.Score.Accounts, r.Score.Answered)
	}
	for i, v := range r.Verbatims {
		if !nps.ValidScore(v.Score) {
			return fmt.Errorf("report: verbatim %d: score %d is not on the 0–10 scale", i+1, v.Score)
		}
	}
	for i, a := range r.AtRisk {
		if !nps.ValidScore(a.Score) {
			return fmt.Errorf("report: account at risk %d: score %d is not on the 0–10 scale", i+1, a.Score)
		}
	}
	if m := r.Money; m.HasCalculator && len(m.Calculator.Steps) != 4 {
		return fmt.Errorf("report: the calculator has %d steps, want 4", len(m.Calculator.Steps))
	}
	if g := r.Money.Growth; r.Money.HasGrowth {
		want := 3
		if g.HasReferredShare {
			want = 4
		}
		if len(g.Steps) != want {
			return fmt.Errorf("report: earned growth has %d steps, want %d", len(g.Steps), want)
		}
	}
	for name, c := range map[string]template.HTML{
		"distribution": r.Charts.Distribution, "categories": r.Charts.Categories,
		"trend": r.Charts.Trend, "themes": r.Charts.Themes,
	} {
		if c != "" && !strings.HasPrefix(string(c), "<svg ") {
			return fmt.Errorf("report: the %s chart is not an SVG of package chart", name)
		}
	}
	return nil
}

// builder writes the sections of one report.
type builder struct {
	r Report
	w words
}

// period is "1 March 2025 – 15 April 2025", "from 1 March 2025" for a
// wave without an end, or "" without dates.
func (b builder) period() string {
	open, closes := b.w.date(b.r.Opens), b.w.date(b.r.Closes)
	switch {
	case open != "" && closes != "":
		return open + " – " + closes
	case open != "":
		return b.w.T("period_from", "date", open)
	}
	return ""
}

// resultRow is the row of an NPS table: its name, n, the NPS, its
// interval and the small-sample note.
func (b builder) resultRow(name string, r nps.Result) []string {
	row := []string{name, b.w.count(r.N), b.w.score(r), b.w.interval(r), ""}
	if !r.Empty() && r.N < nps.UncertainBelow {
		row[4] = b.w.T("small_sample")
	}
	return row
}

// resultTable is a table of NPS results, one row per named group.
func (b builder) resultTable(caption, first string, groups []Group) *table {
	t := &table{
		Caption: caption,
		Head:    []string{first, "n", "NPS", b.intervalHead(), b.w.T("note")},
		Num:     []bool{false, true, true, true, false},
		Widths:  []float64{4, 1.2, 1.2, 2, 2.4},
	}
	for _, g := range groups {
		t.Rows = append(t.Rows, b.resultRow(clean(g.Name), g.Result))
	}
	return t
}

// intervalHead heads a column of intervals: "Interval (95 %)".
func (b builder) intervalHead() string {
	c := b.r.Score.Result.Confidence
	if c == 0 {
		c = nps.DefaultConfidence
	}
	return b.w.T("interval_head", "level", b.w.confidence(c))
}
