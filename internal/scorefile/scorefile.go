// Package scorefile reads the score files that `promotor calc` checks: one
// score per line, or a CSV with a header naming a score column and,
// optionally, a weight column. It turns bytes into a histogram and nothing
// else; any line that is not a whole number from 0 to 10 is an error that
// names the file and the line, so a wrong number is never produced.
package scorefile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
)

// Options choose the columns of a CSV file.
type Options struct {
	// Column names the score column (case-insensitive); "" means "score".
	Column string
	// Weight names an optional weight column; "" means unweighted.
	Weight string
}

// Scores is what a file holds: its weighted histogram (unit weights when
// the file has no weight column) and whether weights were read.
type Scores struct {
	Histogram nps.WeightedHistogram
	Weighted  bool
}

// Error is a problem with the input at a line (0 when it concerns the file
// as a whole).
type Error struct {
	Name string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Name + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
}

// maxPlainLine bounds a line of a plain score file: a longer one cannot be
// a score and is reported rather than buffered.
const maxPlainLine = 64 << 10

// Read reads scores from r; name is how errors refer to the input.
func Read(r io.Reader, name string, o Options) (Scores, error) {
	br := bufio.NewReaderSize(r, maxPlainLine)
	if err := skipBOM(br, name); err != nil {
		return Scores{}, err
	}
	// The first non-blank line decides the format: a line with a letter in
	// it is a CSV header, anything else is the first score of a plain file.
	line, first, err := firstLine(br, name)
	if err != nil || first == nil {
		return Scores{}, err
	}
	if bytes.IndexFunc(first, unicode.IsLetter) >= 0 {
		return readCSV(io.MultiReader(bytes.NewReader(first), br), name, line, sniffDelimiter(first), o)
	}
	if o.Column != "" || o.Weight != "" {
		return Scores{}, &Error{name, line, "no header line: --column and --weight need a CSV file with a header"}
	}
	return readPlain(br, name, line, first)
}

func skipBOM(br *bufio.Reader, name string) error {
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, err := br.Discard(3)
		return err
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return &Error{name, 0, "the file is UTF-16 encoded; save it as UTF-8 (or CSV UTF-8) and try again"}
	}
	return nil
}

// firstLine returns the first non-blank line (a copy, without its line
// ending) and its number; a nil line means the input holds no data.
func firstLine(br *bufio.Reader, name string) (int, []byte, error) {
	for n := 1; ; n++ {
		raw, err := readLine(br, name, n)
		if raw == nil {
			return 0, nil, err
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			line := bytes.Clone(raw)
			if !bytes.HasSuffix(line, []byte("\n")) {
				line = append(line, '\n') // the last line of a file may lack one
			}
			return n, line, nil
		}
	}
}

// readLine returns the next line including its ending, nil at the end of
// input; a read error or an over-long line is an error.
func readLine(br *bufio.Reader, name string, n int) ([]byte, error) {
	raw, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, &Error{name, n, fmt.Sprintf("line longer than %d KB is not a score", maxPlainLine>>10)}
	case err == io.EOF:
		if len(raw) == 0 {
			return nil, nil
		}
	case err != nil:
		return nil, &Error{name, 0, fmt.Sprintf("read: %v", err)}
	}
	return raw, nil
}

// readPlain reads one score per line; it is the hot path for large files,
// so it parses bytes in place without allocating per line.
func readPlain(br *bufio.Reader, name string, n int, first []byte) (Scores, error) {
	var h nps.Histogram
	add := func(raw []byte, n int) error {
		field := bytes.TrimSpace(raw)
		if len(field) == 0 {
			return nil
		}
		s, ok := parseScore(field)
		if !ok {
			return &Error{name, n, notAScore(field)}
		}
		h[s]++
		return nil
	}
	if err := add(first, n); err != nil {
		return Scores{}, err
	}
	for {
		n++
		raw, err := readLine(br, name, n)
		if err != nil {
			return Scores{}, err
		}
		if raw == nil {
			break
		}
		if err := add(raw, n); err != nil {
			return Scores{}, err
		}
	}
	return unitWeights(h), nil
}

// unitWeights turns a plain histogram into a weighted one with weight 1,
// which estimates exactly as the plain histogram does.
func unitWeights(h nps.Histogram) Scores {
	var s Scores
	s.Histogram.Count = h
	for i, c := range h {
		s.Histogram.Weight[i] = float64(c)
		s.Histogram.Square[i] = float64(c)
	}
	return s
}

// parseScore accepts a whole number from 0 to 10 written in ASCII digits.
func parseScore(b []byte) (int, bool) {
	switch {
	case len(b) == 1 && b[0] >= '0' && b[0] <= '9':
		return int(b[0] - '0'), true
	case len(b) == 2 && b[0] == '1' && b[1] == '0':
		return 10, true
	}
	return 0, false
}

func notAScore(field []byte) string {
	const show = 40
	s := string(field)
	if utf8.RuneCountInString(s) > show {
		s = string([]rune(s)[:show]) + "…"
	}
	return fmt.Sprintf("%q is not a score: want a whole number from 0 to 10", s)
}

// columnList names a header's columns for a message on one line: plainly,
// or quoted where a name is empty or holds a comma or a character that
// does not print (a stray carriage return would garble the terminal).
func columnList(header []string) string {
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = h
		if h == "" || strings.ContainsFunc(h, func(r rune) bool { return r == ',' || !unicode.IsPrint(r) }) {
			names[i] = strconv.Quote(h)
		}
	}
	return strings.Join(names, ", ")
}

// sniffDelimiter picks the delimiter the header line uses most: Dutch
// Excel writes ';', other tools write tabs; a tie means ','.
func sniffDelimiter(header []byte) rune {
	best, count := ',', bytes.Count(header, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(header, []byte(string(d))); c > count {
			best, count = d, c
		}
	}
	return best
}

// readCSV reads a CSV whose first record, the header, starts at line
// offset of the input.
func readCSV(r io.Reader, name string, offset int, delim rune, o Options) (Scores, error) {
	cr := csv.NewReader(r)
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // checked below, after skipping blank lines
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return Scores{}, csvError(err, name, offset)
	}
	header = slices.Clone(header) // ReuseRecord recycles the slice
	column := o.Column
	if column == "" {
		column = "score"
	}
	si := columnIndex(header, column)
	if si < 0 {
		return Scores{}, &Error{name, offset, fmt.Sprintf("no %q column in the header (columns: %s; --column chooses one)", column, columnList(header))}
	}
	wi := -1
	if o.Weight != "" {
		if wi = columnIndex(header, o.Weight); wi < 0 {
			return Scores{}, &Error{name, offset, fmt.Sprintf("no %q weight column in the header (columns: %s)", o.Weight, columnList(header))}
		}
	}
	s := Scores{Weighted: wi >= 0}
	// lineOf is the input line of field i of the record just read, which
	// differs between fields when a quoted field spans lines.
	lineOf := func(i int) int {
		l, _ := cr.FieldPos(i)
		return l + offset - 1
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return Scores{}, csvError(err, name, offset)
		}
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			return Scores{}, &Error{name, lineOf(0), fmt.Sprintf("%d fields where the header has %d", len(rec), len(header))}
		}
		field := strings.TrimSpace(rec[si])
		score, ok := parseScore([]byte(field))
		if !ok {
			if field == "" {
				return Scores{}, &Error{name, lineOf(si), "the score is empty"}
			}
			return Scores{}, &Error{name, lineOf(si), notAScore([]byte(field))}
		}
		w := 1.0
		if wi >= 0 {
			if w, err = parseWeight(rec[wi], delim); err != nil {
				return Scores{}, &Error{name, lineOf(wi), err.Error()}
			}
		}
		s.Histogram.Add(score, w)
	}
}

// blank reports whether a record holds nothing but white space: a blank
// line, which is skipped like one in a plain file.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func columnIndex(header []string, name string) int {
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return i
		}
	}
	return -1
}

// parseWeight reads a non-negative decimal; where the delimiter is not a
// comma, a decimal comma (Dutch "1,5") is accepted too.
func parseWeight(field string, delim rune) (float64, error) {
	f := strings.TrimSpace(field)
	if delim != ',' {
		f = strings.Replace(f, ",", ".", 1)
	}
	w, err := strconv.ParseFloat(f, 64)
	if err != nil || !nps.ValidWeight(w) {
		return 0, fmt.Errorf("%q is not a weight: want a number from 0 to %g", field, nps.MaxWeight)
	}
	return w, nil
}

func csvError(err error, name string, offset int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{name, pe.Line + offset - 1, pe.Err.Error()}
	}
	return &Error{name, 0, fmt.Sprintf("read: %v", err)}
}
