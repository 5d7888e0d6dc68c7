package importer

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/xuri/excelize/v2"
)

// xlsxSeed is a workbook whose first sheet holds rows (nil leaves a cell
// empty, a string starting with "=" is a formula), for a seed corpus.
func xlsxSeed(f *testing.F, rows [][]any) []byte {
	f.Helper()
	x := excelize.NewFile()
	for i, r := range rows {
		for j, v := range r {
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			var err error
			switch v := v.(type) {
			case nil:
				continue
			case string:
				if strings.HasPrefix(v, "=") {
					err = x.SetCellFormula("Sheet1", name, v)
					break
				}
				err = x.SetCellValue("Sheet1", name, v)
			default:
				err = x.SetCellValue("Sheet1", name, v)
			}
			if err != nil {
				f.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzRead reads arbitrary CSV and XLSX files and parses each as every
// kind with the suggested mapping. A refusal is an *Error; a table has
// rows as wide as its header below it; records come from distinct data
// rows, hold values the domain accepts, and problems name data lines.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"email;naam\nanna@acme.nl;José\n", "\xef\xbb\xbfid,name,omzet\n1,Acme,\"1.234,56\"\n", "score\tdate\n9\t1-3-2025\n",
		"email\n\"a@b.nl\n", "x\x00y", "naam;taal\r\nJos\xe9;nl\r\n", "PK\x03\x04garbage", "\"a\"\"b\",c\n1,2,3\n",
		"klantnummer;jaar;omzet;omzetjaar\nK1;2024;\"1.234,56\";2023\nK1;2024;5;\n",
		"score,comment,date,email,taal\n9,\"=HYPERLINK(\"\"x\"\")\",2025-03-01,A@B.nl,nl\n11,x,2025-02-30,,xx\n10,,1735689600,,\n",
		"email,opted out,account,klantnummer\nb@c.nl,ja,Acme,K1\nc@d.nl,2025-01-01,,K1\nd@e,x,,\n",
		"a,a\n1,2\n", "\n\n \nheader\n1,2\n", "\xd0\xcf\x11\xe0", "\xff\xfeh\x00",
	} {
		f.Add([]byte(s))
	}
	f.Add(xlsxSeed(f, [][]any{
		{"Klantnummer", "Bedrijfsnaam", "Omzet", "Opzegdatum"},
		{"K1", "Acme", 1234.56, nil}, {}, {"K2", "Globex", 1500, 45717}, {"K3", "Initech", "=C2*2", nil},
	}))
	f.Add(xlsxSeed(f, [][]any{
		{"Score", "Opmerking", "Datum", "E-mail"},
		{9, "Top", 45717.5, "anna@acme.nl"}, {"10", "-cmd|' /C calc'!A0", "1-3-2025", nil}, {11, nil, 0, "x"},
	}))
	f.Add(xlsxSeed(f, [][]any{{"Klantnummer", "Jaar", "Omzet"}, {"K1", 2024, 1e15}, {"K1", "2024", -5}, {"K2", 1899, "1.500"}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := Read(bytes.NewReader(in), Limits{MaxBytes: 1 << 20, MaxLine: 4 << 10})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" {
				t.Fatalf("Read(%q): error %v is not an *Error with a message", in, err)
			}
			return
		}
		if len(tab.Header) > MaxColumns {
			t.Fatalf("Read(%q): %d columns", in, len(tab.Header))
		}
		lines := map[int]bool{}
		for _, row := range tab.Rows {
			if len(row.Cells) != len(tab.Header) || (row.Formulas != nil && len(row.Formulas) != len(tab.Header)) ||
				row.Line <= tab.HeaderLine || lines[row.Line] {
				t.Fatalf("Read(%q): row %+v does not fit the header %q at line %d", in, row, tab.Header, tab.HeaderLine)
			}
			lines[row.Line] = true
		}
		for _, k := range Kinds {
			rs, errs := Parse(k, tab, Suggest(k, tab.Header))
			if rs == nil && errs == nil {
				t.Fatalf("Parse(%s, %q): neither records nor errors", k, in)
			}
			for _, e := range errs {
				if e.Msg == "" || (rs != nil && !lines[e.Line]) {
					t.Fatalf("Parse(%s, %q): error %v is not at a data line", k, in, e)
				}
			}
			if rs == nil {
				continue
			}
			if rs.Len()+len(errs) > len(tab.Rows) {
				t.Fatalf("Parse(%s, %q): %d records and %d errors from %d rows", k, in, rs.Len(), len(errs), len(tab.Rows))
			}
			checkRecords(t, k, in, rs, lines)
		}
	})
}

// checkRecords fails unless each record comes from a data line and holds
// what the domain accepts of it.
func checkRecords(t *testing.T, k Kind, in []byte, rs *Records, lines map[int]bool) {
	t.Helper()
	bad := func(line int, what string, v any, err error) {
		if !lines[line] || err != nil {
			t.Fatalf("Parse(%s, %d bytes %.200q): line %d: %s %+v: %v", k, len(in), in, line, what, v, err)
		}
	}
	for _, a := range rs.Accounts {
		// A row may name an account by its key alone, to update it.
		var err error
		if (a.Account.ExternalID == "" && a.Account.Name == "") || a.Account.AnnualRevenueCents < 0 {
			err = errors.New("no key, or a negative revenue")
		}
		bad(a.Line, "account", a, err)
	}
	for _, c := range rs.Contacts {
		bad(c.Line, "contact", c, c.Contact.Validate())
	}
	for _, r := range rs.Responses {
		var err error
		if !nps.ValidScore(r.Score) || r.Date.IsZero() || r.Date.Year() < 1900 {
			err = errors.New("score or date out of range")
		}
		bad(r.Line, "response", r, err)
	}
	for _, r := range rs.Revenues {
		bad(r.Line, "revenue", r, nps.AccountRevenue{AccountID: 1, Year: r.Year, RevenueCents: r.RevenueCents}.Validate())
	}
}

// FuzzParseAmount checks an amount typed in a form or a file: in cents,
// never negative or beyond the bound, and the amount written back plainly
// ("1234,56", "1234.56", "1.234,56") reads as the same cents.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1234", "1234,5", "1.234,56", "1,234.56", "1.500", "€ 1.234,56", "1 234,56", "EUR 12", "0",
		"-5", "1,2345", "1.23.456", "", ",5", "99999999999999999", "9999999999999,99", "1\u00a0234", "USD1,000,000.00", "٣", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := ParseAmount(s)
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, strconv.Quote(strings.TrimSpace(s))) {
				t.Fatalf("ParseAmount(%q): error %q does not quote the amount", s, msg)
			}
			return
		}
		if cents < 0 || cents > maxCents {
			t.Fatalf("ParseAmount(%q) = %d cents, out of range", s, cents)
		}
		whole, frac := strconv.FormatInt(cents/100, 10), cents%100
		for _, back := range []string{whole + "," + pad2(frac), whole + "." + pad2(frac), group(whole, ".") + "," + pad2(frac)} {
			if got, err := ParseAmount(back); err != nil || got != cents {
				t.Fatalf("ParseAmount(%q) = %d; written back as %q it reads %d, %v", s, cents, back, got, err)
			}
		}
	})
}

func pad2(n int64) string { return strconv.FormatInt(100+n, 10)[1:] }

// group writes digits with sep between thousands.
func group(digits, sep string) string {
	for i := len(digits) - 3; i > 0; i -= 3 {
		digits = digits[:i] + sep + digits[i:]
	}
	return digits
}
