package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/promotor/promotor/internal/export"
)

// attacks are comments that a spreadsheet would run as formulas or
// commands if they were written as they are.
var attacks = []string{`=HYPERLINK("http://x","y")`, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", `=cmd|' /C calc'!A0`}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"good service", "good service"},
		{"=1+1", "'=1+1"},
		{"+31 6 1234", "'+31 6 1234"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"＠x", "'＠x"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"'=1", "'=1"},
		{"caf\xe9", "caf\uFFFD"},
		{"\xff=1", "\uFFFD=1"},
	}
	for _, tt := range tests {
		if got := export.Neutralise(tt.in); got != tt.want {
			t.Errorf("Neutralise(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"csv", "XLSX"} {
		if _, err := export.ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "xls", "json"} {
		if _, err := export.ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q): got no error, want one", s)
		}
	}
}

var when = time.Date(2026, 3, 1, 10, 15, 30, 0, time.FixedZone("CET", 3600))

// writeTable writes the test table: a header, a row of typed cells, one
// row per attack and a row of empty cells.
func writeTable(t *testing.T, f export.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.New(&buf, f, "Responses")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Header("id", "comment", "nps", "share", "answered_at", "=header"); err != nil {
		t.Fatal(err)
	}
	if err := w.Row(export.Int(1), export.Text(`Snel, "goed" en
duidelijk`), export.Int(-18), export.Float(0.25), export.Time(when), export.Text("ë")); err != nil {
		t.Fatal(err)
	}
	for i, a := range attacks {
		if err := w.Row(export.Int(int64(i+2)), export.Text(a)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Row(export.Int(99), export.Text(""), export.Float(1/zero()), export.Cell{}, export.Time(time.Time{})); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zero() float64 { return 0 }

func TestCSV(t *testing.T) {
	data := writeTable(t, export.CSV)
	if !bytes.HasPrefix(data, []byte("\uFEFFid,comment,nps,share,answered_at,'=header\r\n")) {
		t.Fatalf("CSV starts %q, want the byte order mark and the neutralised header with CRLF", data[:min(60, len(data))])
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV back: %v", err)
	}
	want := [][]string{
		{"id", "comment", "nps", "share", "answered_at", "'=header"},
		{"1", "Snel, \"goed\" en\nduidelijk", "-18", "0.25", "2026-03-01T09:15:30Z", "ë"},
	}
	for i, a := range attacks {
		want = append(want, []string{strconv.Itoa(i + 2), "'" + a, "", "", "", ""})
	}
	want = append(want, []string{"99", "", "", "", "", ""})
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: got %q, want %q", i, recs[i], want[i])
		}
	}
}

func TestXLSX(t *testing.T) {
	data := writeTable(t, export.XLSX)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("opening the XLSX: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Responses" {
		t.Fatalf("sheets: got %q, want [Responses]", got)
	}
	rows, err := f.GetRows("Responses", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3+len(attacks) {
		t.Fatalf("got %d rows, want %d: %q", len(rows), 3+len(attacks), rows)
	}
	if got := strings.Join(rows[0], "|"); got != "id|comment|nps|share|answered_at|'=header" {
		t.Errorf("header: got %q", got)
	}
	for i, a := range attacks {
		if got := rows[i+2][1]; got != "'"+a {
			t.Errorf("comment %q: got %q, want %q", a, got, "'"+a)
		}
	}
	// No cell holds a formula, and text, numbers and dates keep their types.
	for r := range rows {
		for c := range rows[r] {
			name, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if formula, err := f.GetCellFormula("Responses", name); err != nil || formula != "" {
				t.Errorf("cell %s: formula %q, %v; want none", name, formula, err)
			}
		}
	}
	types := map[string]excelize.CellType{"A2": excelize.CellTypeUnset, "B2": excelize.CellTypeInlineString, "C2": excelize.CellTypeUnset,
		"D2": excelize.CellTypeUnset, "B3": excelize.CellTypeInlineString}
	for cell, want := range types {
		if got, err := f.GetCellType("Responses", cell); err != nil || got != want {
			t.Errorf("type of %s: got %v, %v, want %v", cell, got, err, want)
		}
	}
	for cell, want := range map[string]string{"A2": "1", "C2": "-18", "D2": "0.25", "F2": "ë"} {
		if got, _ := f.GetCellValue("Responses", cell, excelize.Options{RawCellValue: true}); got != want {
			t.Errorf("value of %s: got %q, want %q", cell, got, want)
		}
	}
	// The time is a date cell that shows ISO 8601 in UTC.
	if got, _ := f.GetCellValue("Responses", "E2"); got != "2026-03-01T09:15:30Z" {
		t.Errorf("shown time: got %q, want 2026-03-01T09:15:30Z", got)
	}
	if raw, _ := f.GetCellValue("Responses", "E2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "46082.38") {
		t.Errorf("time's serial day: got %q, want 46082.38…", raw)
	}
	if got, _ := f.GetCellValue("Responses", "C"+strconv.Itoa(len(attacks)+3)); got != "" {
		t.Errorf("an infinite number: got %q, want an empty cell", got)
	}
}

func TestWriterMisuse(t *testing.T) {
	for _, f := range []export.Format{export.CSV, export.XLSX} {
		var buf bytes.Buffer
		w, err := export.New(&buf, f, "Sheet")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Row(export.Int(1)); err == nil {
			t.Errorf("%s: a row before the header: got no error", f)
		}
		if err := w.Header("a"); err != nil {
			t.Fatal(err)
		}
		if err := w.Header("a"); err == nil {
			t.Errorf("%s: a second header: got no error", f)
		}
		if err := w.Row(export.Int(1), export.Int(2)); err == nil {
			t.Errorf("%s: more cells than columns: got no error", f)
		}
		w.Discard()
		if err := w.Close(); err != nil {
			t.Errorf("%s: Close after Discard: %v", f, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: a discarded file wrote %d bytes, want none", f, buf.Len())
		}
	}
	if _, err := export.New(&bytes.Buffer{}, export.XLSX, "a/b"); err == nil {
		t.Error("a sheet name with a slash: got no error")
	}
	if _, err := export.New(&bytes.Buffer{}, "ods", "x"); err == nil {
		t.Error("an unknown format: got no error")
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestCSVWriteError(t *testing.T) {
	w, _ := export.New(failWriter{}, export.CSV, "")
	if err := w.Header("comment"); err != nil {
		t.Fatal(err) // buffered
	}
	var err error
	for i := 0; i < 10000 && err == nil; i++ {
		err = w.Row(export.Text(strings.Repeat("x", 100)))
	}
	if err == nil {
		t.Error("rows to a failing writer: got no error")
	}
}

func FuzzCSV(f *testing.F) {
	for _, a := range append(attacks, "", "plain", "a,b", "\"q\"", "x\r\ny", "\r", "\n=1", "\xff") {
		f.Add(a)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		w, _ := export.New(&buf, export.CSV, "")
		if err := w.Header("comment", "n"); err != nil {
			t.Fatal(err)
		}
		if err := w.Row(export.Text(s), export.Int(-1)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF"))))
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("reading back %q: %v\n%q", s, err, buf.Bytes())
		}
		if len(recs) != 2 || len(recs[1]) != 2 {
			t.Fatalf("reading back %q: got %q, want a header and one row of two fields", s, recs)
		}
		// encoding/csv reads a CRLF inside a quoted field as LF.
		want := strings.ReplaceAll(export.Neutralise(s), "\r\n", "\n")
		got := recs[1][0]
		if got != want {
			t.Errorf("field %q: got %q, want %q", s, got, want)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", []rune(got)[0]) {
			t.Errorf("field %q starts with a formula character after neutralising: %q", s, got)
		}
		if recs[1][1] != "-1" {
			t.Errorf("number: got %q, want -1", recs[1][1])
		}
	})
}

func TestXLSXRowLimit(t *testing.T) {
	w, err := export.New(io.Discard, export.XLSX, "Sheet")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Discard()
	if err := w.Header("n"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < export.XLSXMaxRows; i++ {
		if err := w.Row(); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	if err := w.Row(export.Int(1)); !errors.Is(err, export.ErrTooManyRows) {
		t.Errorf("row %d: got %v, want ErrTooManyRows", export.XLSXMaxRows, err)
	}
}
