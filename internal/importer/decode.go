package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// decoder turns a CSV file's bytes into UTF-8 text, line by line, and
// refuses what is not text on the first line that shows it: a control
// byte (binary data), a line too long to be a row, or a second encoding.
//
// A file is UTF-8 (with or without a byte order mark) or Windows-1252,
// which Excel on Windows writes for "CSV" in western Europe. The first
// line with a byte above 0x7F decides: valid UTF-8 or not. Lines of plain
// ASCII read the same in both.
type decoder struct {
	br      *bufio.Reader
	maxLine int
	bom     bool
	line    int
	// enc is the encoding found; decidedAt its first line.
	enc       encoding
	decidedAt int
	pending   []byte
	err       error
}

type encoding int

const (
	ascii encoding = iota
	utf8Text
	windows1252
)

func (d *decoder) encodingName() string {
	switch {
	case d.bom:
		return "UTF-8 with BOM"
	case d.enc == windows1252:
		return "Windows-1252"
	}
	return "UTF-8"
}

// Read implements io.Reader for the CSV reader.
func (d *decoder) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.pending, d.err = d.next()
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// next returns the next line, decoded, with its line ending; io.EOF at
// the end.
func (d *decoder) next() ([]byte, error) {
	raw, err := d.br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, &Error{Line: d.line + 1, Msg: fmt.Sprintf("the line is longer than %d KB: this is not a CSV file of customers", d.maxLine>>10)}
	case err == io.EOF && len(raw) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, err
	}
	d.line++
	return d.decode(raw)
}

// decode checks one raw line and returns it as UTF-8.
func (d *decoder) decode(raw []byte) ([]byte, error) {
	high := false
	for _, b := range raw {
		if isControl(b) {
			return nil, &Error{Line: d.line, Msg: fmt.Sprintf("the byte 0x%02X is not text: this is not a CSV file (save the sheet as CSV UTF-8 or XLSX)", b)}
		}
		high = high || b >= 0x80
	}
	if !high {
		return append([]byte(nil), raw...), nil
	}
	if utf8.Valid(raw) {
		if d.enc == windows1252 {
			return nil, d.mixed("is")
		}
		if d.enc == ascii {
			d.enc, d.decidedAt = utf8Text, d.line
		}
		for _, r := range string(raw) {
			if r >= 0x80 && r <= 0x9f {
				return nil, &Error{Line: d.line, Msg: fmt.Sprintf("the control character %U is not text: this is not a CSV file", r)}
			}
		}
		return append([]byte(nil), raw...), nil
	}
	if d.enc == utf8Text || d.bom {
		return nil, d.mixed("is not")
	}
	if d.enc == ascii {
		d.enc, d.decidedAt = windows1252, d.line
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, &Error{Line: d.line, Msg: "the text is neither UTF-8 nor Windows-1252"}
	}
	for _, r := range string(out) {
		// Bytes Windows-1252 leaves undefined decode to C1 controls.
		if r >= 0x80 && r <= 0x9f {
			return nil, &Error{Line: d.line, Msg: "the text is neither UTF-8 nor Windows-1252: this is not a CSV file"}
		}
	}
	return out, nil
}

// mixed reports a line whose encoding differs from an earlier one's.
func (d *decoder) mixed(this string) error {
	earlier := "the file starts with a UTF-8 byte order mark"
	switch d.enc {
	case windows1252:
		earlier = fmt.Sprintf("line %d is not (it reads as Windows-1252)", d.decidedAt)
	case utf8Text:
		earlier = fmt.Sprintf("line %d is", d.decidedAt)
	}
	return &Error{Line: d.line, Msg: fmt.Sprintf("the text %s UTF-8, but %s: the file mixes encodings; save it again as CSV UTF-8", this, earlier)}
}

// isControl reports a byte that no text file of customers holds: the C0
// controls other than tab and line endings, and DEL.
func isControl(b byte) bool {
	return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f
}
