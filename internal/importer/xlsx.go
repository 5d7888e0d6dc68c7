package importer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the first sheet of a workbook. Cells are read raw
// (a date is its serial day number, a number without its display
// format), so that what a cell holds does not depend on the locale it was
// shown in; a cell with a formula is marked.
func readXLSX(data []byte, lim Limits) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		// A zip bomb stops here: the unpacked workbook may be at most ten
		// times the file limit.
		UnzipSizeLimit:    10 * lim.maxBytes(),
		UnzipXMLSizeLimit: 10 * lim.maxBytes(),
	})
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("the file looks like an XLSX workbook but cannot be read (%v); save it again as .xlsx or as CSV UTF-8", err)}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &Error{Msg: "the workbook has no sheets"}
	}
	sheet := sheets[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("sheet %q cannot be read: %v", sheet, err)}
	}
	t := &Table{Format: fmt.Sprintf("XLSX, sheet %q", sheet), Spreadsheet: true}
	for i, rec := range rows {
		line := i + 1
		if t.Header == nil {
			if !blank(rec) {
				if err := t.setHeader(rec, line); err != nil {
					return nil, err
				}
			}
			continue
		}
		formulas, err := cellFormulas(f, sheet, line, len(rec))
		if err != nil {
			return nil, err
		}
		if err := t.addRow(rec, line, formulas); err != nil {
			return nil, err
		}
	}
	if t.Header == nil {
		return nil, &Error{Msg: fmt.Sprintf("sheet %q is empty", sheet)}
	}
	return t, nil
}

// cellFormulas marks the cells of a row that hold a formula; nil when
// none does.
func cellFormulas(f *excelize.File, sheet string, line, n int) ([]bool, error) {
	var marks []bool
	for col := 1; col <= n; col++ {
		name, err := excelize.CoordinatesToCellName(col, line)
		if err != nil {
			return nil, &Error{Line: line, Msg: err.Error()}
		}
		formula, err := f.GetCellFormula(sheet, name)
		if err != nil {
			return nil, &Error{Line: line, Msg: fmt.Sprintf("cell %s cannot be read: %v", name, err)}
		}
		if formula != "" {
			if marks == nil {
				marks = make([]bool, n)
			}
			marks[col-1] = true
		}
	}
	return marks, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
