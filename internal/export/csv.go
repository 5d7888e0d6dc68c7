package export

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// bom is the UTF-8 byte order mark. Excel opens a CSV file as UTF-8 only
// when it starts with one, and reads it in the system's code page
// otherwise (ë becomes Ã«); other programs skip it.
const bom = "\uFEFF"

// csvWriter writes RFC 4180 CSV: comma-separated, CRLF after each record,
// a field quoted when it holds a comma, a quote, CR or LF (quotes doubled),
// preceded by a byte order mark. It writes what it is given byte for byte
// inside the quotes: encoding/csv's writer with CRLF line ends would drop a
// lone CR from a field.
type csvWriter struct {
	w      *bufio.Writer
	cols   int
	header bool
	closed bool
}

func newCSV(w io.Writer) *csvWriter {
	return &csvWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

func (c *csvWriter) Header(names ...string) error {
	if c.header {
		return errors.New("export: header written twice")
	}
	c.header, c.cols = true, len(names)
	c.w.WriteString(bom)
	cells := make([]Cell, len(names))
	for i, n := range names {
		cells[i] = Text(n)
	}
	return c.record(cells)
}

func (c *csvWriter) Row(cells ...Cell) error {
	if !c.header {
		return errors.New("export: row before the header")
	}
	if len(cells) > c.cols {
		return errors.New("export: row has more cells than the header")
	}
	return c.record(cells)
}

// record writes one line, with empty fields after cells up to the
// header's width, as RFC 4180 wants every line of the same length; the
// error is the underlying writer's, once the buffer passes to it.
func (c *csvWriter) record(cells []Cell) error {
	for i := range c.cols {
		if i > 0 {
			c.w.WriteByte(',')
		}
		if i >= len(cells) {
			continue
		}
		switch cell := cells[i]; cell.kind {
		case textCell:
			writeField(c.w, Neutralise(cell.text))
		case intCell:
			c.w.WriteString(strconv.FormatInt(cell.n, 10))
		case floatCell:
			c.w.WriteString(strconv.FormatFloat(cell.x, 'f', -1, 64))
		case timeCell:
			c.w.WriteString(cell.t.Format(TimeLayout))
		}
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

// writeField writes a text field, quoted when RFC 4180 needs it.
func writeField(w *bufio.Writer, s string) {
	if !strings.ContainsAny(s, ",\"\r\n") {
		w.WriteString(s)
		return
	}
	w.WriteByte('"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		w.WriteString(s[:i+1])
		w.WriteByte('"')
		s = s[i+1:]
	}
	w.WriteString(s)
	w.WriteByte('"')
}

func (c *csvWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	return c.w.Flush()
}

// Discard leaves what the buffer holds unwritten: a caller that gave up
// does not want a tail of rows that looks like the end of the file.
func (c *csvWriter) Discard() { c.closed = true }
