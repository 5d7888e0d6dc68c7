package export

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// XLSXMaxRows is the most rows a worksheet holds, the header included.
const XLSXMaxRows = excelize.TotalRows

// xlsxTimeFormat shows a date cell as ISO 8601 in UTC; the cell itself is
// a date, so that it sorts and computes as one.
const xlsxTimeFormat = `yyyy-mm-dd"T"hh:mm:ss"Z"`

// xlsxWriter writes one worksheet with excelize's StreamWriter, which keeps
// up to 16 MB of the sheet in memory and the rest in a temporary file.
// The workbook is zipped straight into the destination at Close (rather
// than through excelize's in-memory buffer), so that memory stays flat
// however many rows there are; nothing reaches the destination before
// Close.
type xlsxWriter struct {
	dst    io.Writer
	file   *excelize.File
	sheet  *excelize.StreamWriter
	row    int
	cols   int
	values []any
	// timeStyle and headerStyle are the styles of date cells and of the
	// header row.
	timeStyle, headerStyle int
	done                   bool
}

func newXLSX(w io.Writer, sheet string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x := &xlsxWriter{dst: w, file: f}
	err := x.setUp(sheet)
	if err != nil {
		x.Discard()
		return nil, fmt.Errorf("export: xlsx: %w", err)
	}
	return x, nil
}

func (x *xlsxWriter) setUp(sheet string) error {
	if err := x.file.SetSheetName(x.file.GetSheetName(0), sheet); err != nil {
		return err
	}
	var err error
	if x.sheet, err = x.file.NewStreamWriter(sheet); err != nil {
		return err
	}
	format := xlsxTimeFormat
	if x.timeStyle, err = x.file.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
		return err
	}
	if x.headerStyle, err = x.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	// The header stays in view while scrolling.
	return x.sheet.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func (x *xlsxWriter) Header(names ...string) error {
	if x.row > 0 {
		return errors.New("export: header written twice")
	}
	x.cols = len(names)
	x.values = make([]any, len(names))
	for i, n := range names {
		x.values[i] = Neutralise(n)
	}
	return x.setRow(excelize.RowOpts{StyleID: x.headerStyle})
}

func (x *xlsxWriter) Row(cells ...Cell) error {
	switch {
	case x.row == 0:
		return errors.New("export: row before the header")
	case len(cells) > x.cols:
		return errors.New("export: row has more cells than the header")
	case x.row >= XLSXMaxRows:
		return ErrTooManyRows
	}
	clear(x.values)
	for i, c := range cells {
		switch c.kind {
		case textCell:
			// A string is an inline string cell, never a formula:
			// excelize writes a formula only from Cell.Formula.
			x.values[i] = Neutralise(c.text)
		case intCell:
			x.values[i] = c.n
		case floatCell:
			x.values[i] = c.x
		case timeCell:
			x.values[i] = excelize.Cell{StyleID: x.timeStyle, Value: c.t}
		}
	}
	return x.setRow()
}

func (x *xlsxWriter) setRow(opts ...excelize.RowOpts) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err == nil {
		err = x.sheet.SetRow(cell, x.values[:x.cols], opts...)
	}
	if err != nil {
		return fmt.Errorf("export: xlsx: row %d: %w", x.row, err)
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	if x.done {
		return nil
	}
	defer x.Discard()
	if x.row == 0 {
		return errors.New("export: xlsx: no header")
	}
	if err := x.sheet.Flush(); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	// excelize zips into a buffer that it then copies out; handing it a
	// zip writer on the destination instead streams the workbook.
	x.file.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(x.dst) })
	if _, err := x.file.WriteToBuffer(); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	return nil
}

// Discard removes the temporary files of the sheet.
func (x *xlsxWriter) Discard() {
	if !x.done {
		x.done = true
		x.file.Close()
	}
}
