// Package export writes tables as CSV or XLSX files, row by row, so that
// an export of a million rows never sits in memory: rows in, bytes out. It
// reads no database; the caller hands it the header and then each row.
//
// What it guarantees whatever the rows hold, since comments and names are
// written by strangers: every text cell that a spreadsheet could take for a
// formula is neutralised (Neutralise), in CSV and XLSX alike, and XLSX text
// cells are written as strings, never as formulas. Numbers stay numbers
// (a negative NPS is a number, not neutralised text) and times are UTC.
package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Format is the kind of file an export writes.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads a format's name, "csv" or "xlsx".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case CSV, XLSX:
		return f, nil
	}
	return "", fmt.Errorf("export: %q is not a format; use csv or xlsx", s)
}

// ContentType is the media type of the format's files.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// ErrTooManyRows is returned by Row when a sheet would pass the most rows
// a spreadsheet holds (XLSXMaxRows, the header included).
var ErrTooManyRows = errors.New("export: more rows than a spreadsheet holds; export as CSV or narrow the filters")

// Writer writes one table: first the header, then the rows, then Close.
// A Writer is not safe for concurrent use.
type Writer interface {
	// Header writes the column names; call it once, before any row.
	Header(names ...string) error
	// Row writes one row of cells, at most as many as the header has.
	Row(cells ...Cell) error
	// Close writes what remains of the file and releases the writer.
	Close() error
	// Discard releases the writer without finishing the file, for a
	// caller that gave up; it does nothing after Close.
	Discard()
}

// New returns a writer of the format that writes to w; sheet names the
// XLSX worksheet (at most 31 characters, none of : \ / ? * [ ]) and is
// not used by CSV.
func New(w io.Writer, f Format, sheet string) (Writer, error) {
	switch f {
	case CSV:
		return newCSV(w), nil
	case XLSX:
		return newXLSX(w, sheet)
	}
	return nil, fmt.Errorf("export: %q is not a format; use csv or xlsx", string(f))
}

// cellKind tells what a Cell holds.
type cellKind uint8

const (
	emptyCell cellKind = iota
	textCell
	intCell
	floatCell
	timeCell
)

// Cell is one value of a row; its zero value is an empty cell.
type Cell struct {
	kind cellKind
	text string
	n    int64
	x    float64
	t    time.Time
}

// Text is a text cell. Its text is written neutralised (Neutralise) and
// as valid UTF-8.
func Text(s string) Cell { return Cell{kind: textCell, text: s} }

// Int is a whole number.
func Int(n int64) Cell { return Cell{kind: intCell, n: n} }

// Float is a number; NaN and the infinities, which no spreadsheet holds,
// are empty cells.
func Float(x float64) Cell {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Cell{}
	}
	return Cell{kind: floatCell, x: x}
}

// Time is a moment, written in UTC; the zero time is an empty cell.
func Time(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{kind: timeCell, t: t.UTC()}
}

// TimeLayout is how CSV writes a time: ISO 8601 in UTC, to the second.
// XLSX writes a date cell that shows the same.
const TimeLayout = "2006-01-02T15:04:05Z"

// formulaStart reports whether a text starting with r could be read as a
// formula or as a command by a spreadsheet: the characters of OWASP's
// advice on CSV injection (= + - @, tab and carriage return) and their
// full-width forms, which some spreadsheets in East Asian locales take
// for the ASCII ones.
func formulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// Neutralise returns s as a text cell holds it: with a leading apostrophe
// when it starts with a character that could make a spreadsheet read it as
// a formula, and with invalid UTF-8 replaced by U+FFFD. The apostrophe is
// what a user types to keep a cell as text; it is part of the cell's text
// in the file, so a reader sees that the value was neutralised.
func Neutralise(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r, _ := utf8.DecodeRuneInString(s); s != "" && formulaStart(r) {
		return "'" + s
	}
	return s
}
