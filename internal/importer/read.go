package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Table is a file as text: its header and its rows, each with the line
// of the file it starts on (the row number in a sheet).
type Table struct {
	// Format says what was read, for the dry run: "CSV, UTF-8, delimiter ;".
	Format string
	Header []string
	// HeaderLine is the line of the header.
	HeaderLine int
	Rows       []Row
	// Spreadsheet reports cells read from an XLSX workbook, where a date
	// may be a serial day number.
	Spreadsheet bool
}

// Row is one line of data.
type Row struct {
	Line  int
	Cells []string
	// Formulas marks the cells that hold a spreadsheet formula; nil when
	// none does.
	Formulas []bool
}

// Read reads a CSV file or an XLSX workbook (told apart by their first
// bytes, not by a file name) within the limits. The first non-empty row
// is the header. Problems are an *Error naming the line.
func Read(r io.Reader, lim Limits) (*Table, error) {
	sr := &sizeReader{r: r, max: lim.maxBytes()}
	br := bufio.NewReaderSize(sr, lim.maxLine())
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		return readXLSX(data, lim)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return nil, &Error{Msg: "this is an old Excel workbook (.xls); save it as .xlsx or as CSV UTF-8 and try again"}
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, &Error{Msg: "the file is UTF-16 text; save it as CSV UTF-8 (or Windows-1252) and try again"}
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	}
	return readCSV(&decoder{br: br, maxLine: lim.maxLine(), bom: bytes.HasPrefix(head, []byte("\xef\xbb\xbf"))})
}

// sizeReader fails once more than max bytes were read.
type sizeReader struct {
	r      io.Reader
	n, max int64
}

func (s *sizeReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.max {
		return 0, &Error{Msg: fmt.Sprintf("the file is larger than the limit of %d MB", s.max>>20)}
	}
	return n, err
}

// readCSV reads the decoded text of a CSV file.
func readCSV(d *decoder) (*Table, error) {
	// Lines up to the first non-blank one tell the delimiter; they are
	// fed to the CSV reader again so that its line numbers are the file's.
	var lead bytes.Buffer
	var first []byte
	for first == nil {
		line, err := d.next()
		if err == io.EOF {
			return nil, &Error{Msg: "the file is empty"}
		}
		if err != nil {
			return nil, err
		}
		lead.Write(line)
		if len(bytes.TrimSpace(line)) > 0 {
			first = line
		}
	}
	cr := csv.NewReader(io.MultiReader(&lead, d))
	cr.Comma = sniffDelimiter(first)
	cr.FieldsPerRecord = -1
	t := &Table{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if t.Header == nil {
			if err := t.setHeader(rec, line); err != nil {
				return nil, err
			}
			continue
		}
		if err := t.addRow(rec, line, nil); err != nil {
			return nil, err
		}
	}
	t.Format = fmt.Sprintf("CSV, %s, delimiter %s", d.encodingName(), delimiterName(cr.Comma))
	return t, nil
}

// csvError turns the CSV reader's error into an *Error naming the line;
// the decoder's own errors pass through.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	msg := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = `a quote (") inside a cell that does not start with one; put the cell in quotes and double the quote inside it`
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = `a cell in quotes is not closed, or has text after its closing quote`
	}
	return &Error{Line: pe.Line, Msg: msg}
}

// setHeader takes the header row: names trimmed, unique, at most
// MaxColumns. An empty name is kept as "" (a column nobody can map).
func (t *Table) setHeader(rec []string, line int) error {
	if len(rec) > MaxColumns {
		return &Error{Line: line, Msg: fmt.Sprintf("the header has %d columns; at most %d are read", len(rec), MaxColumns)}
	}
	seen := map[string]int{}
	t.Header = make([]string, len(rec))
	for i, name := range rec {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		key := strings.ToLower(name)
		if j, ok := seen[key]; ok {
			return &Error{Line: line, Column: name, Msg: fmt.Sprintf("the header names this column twice (columns %d and %d)", j+1, i+1)}
		}
		seen[key] = i
		t.Header[i] = name
	}
	t.HeaderLine = line
	return nil
}

// addRow adds a data row, unless all its cells are empty. A row may have
// fewer cells than the header (trailing empty ones left out), not more.
func (t *Table) addRow(rec []string, line int, formulas []bool) error {
	empty := true
	for i, c := range rec {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if i >= len(t.Header) {
			return &Error{Line: line, Msg: fmt.Sprintf("the row has %d cells, more than the %d columns of the header", len(rec), len(t.Header))}
		}
		empty = false
	}
	if empty {
		return nil
	}
	cells := make([]string, len(t.Header))
	copy(cells, rec)
	if formulas != nil {
		f := make([]bool, len(t.Header))
		copy(f, formulas)
		formulas = f
	}
	t.Rows = append(t.Rows, Row{Line: line, Cells: cells, Formulas: formulas})
	return nil
}

// sniffDelimiter picks the delimiter of the header line: the most
// frequent of , ; and tab outside quotes. Dutch Excel writes ;. A header
// without any is one column, read with a comma.
func sniffDelimiter(line []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case !quoted && (b == ',' || b == ';' || b == '\t'):
			counts[rune(b)]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

func delimiterName(r rune) string {
	if r == '\t' {
		return "tab"
	}
	return string(r)
}
