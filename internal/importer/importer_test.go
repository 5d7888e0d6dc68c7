package importer

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// parse reads a file and parses it as kind k with the suggested mapping.
func parse(t *testing.T, k Kind, file string) (*Records, error) {
	t.Helper()
	tab, err := Read(strings.NewReader(file), Limits{})
	if err != nil {
		return nil, err
	}
	rs, errs := Parse(k, tab, Suggest(k, tab.Header))
	if errs != nil {
		return rs, errs
	}
	return rs, nil
}

// TestBadInput checks that every kind of bad file gets an error that
// names the line and, where it is a cell's, the column.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		file string
		want string
	}{
		{"missing required column", Contacts, "naam;taal\nAnna;nl\n", "no column is mapped to email or external_id"},
		{"missing score column", Responses, "email,date\na@b.nl,2025-03-01\n", "no column is mapped to score"},
		{"duplicate email", Contacts, "email;naam\nanna@acme.nl;Anna\nbob@acme.nl;Bob\nAnna@Acme.nl;Anna B\n",
			`line 4: column "email": "anna@acme.nl" is also on line 2`},
		{"duplicate external id", Accounts, "id,name\nA1,Acme\nA1,Globex\n", `line 3: column "id": "A1" is also on line 2`},
		{"invalid email", Contacts, "E-mail,Naam\nanna@acme.nl,Anna\nx@,X\n", `line 3: column "E-mail": "x@" is not a valid email address`},
		{"score with decimal comma", Responses, "email;score;datum\na@b.nl;\"10,5\";1-3-2025\n", `line 2: column "score": "10,5" is not a score`},
		{"score out of range", Responses, "score,date\n11,2025-03-01\n", `line 2: column "score": "11" is not a score`},
		{"score missing", Responses, "score,date\n,2025-03-01\n", `line 2: column "score": the score is missing`},
		{"bad date", Responses, "score,date\n9,31-02-2025\n", `line 2: column "date": "31-02-2025" is not a date`},
		{"future-proof year", Responses, "score,date\n9,0001-01-01\n", `line 2: column "date"`},
		{"mixed encodings", Contacts, "email;naam\na@b.nl;Jos\xc3\xa9\nb@b.nl;Jos\xe9\n", "line 3: the text is not UTF-8, but line 2 is: the file mixes encodings"},
		{"mixed encodings, Windows first", Contacts, "email;naam\na@b.nl;Jos\xe9\nb@b.nl;Jos\xc3\xa9\n", "line 3: the text is UTF-8, but line 2 is not"},
		{"BOM then Windows-1252", Contacts, "\xef\xbb\xbfemail;naam\na@b.nl;Jos\xe9\n", "line 2: the text is not UTF-8, but the file starts with a UTF-8 byte order mark"},
		{"UTF-16", Contacts, "\xff\xfee\x00m\x00", "UTF-16"},
		{"binary", Contacts, "email\na@b.nl\n\x00\x01\x02\n", "line 3: the byte 0x00 is not text"},
		{"formula", Contacts, "email,name\na@b.nl,\"=HYPERLINK(\"\"http://evil\"\")\"\n", `line 2: column "name": "=HYPERLINK(\"http://evil\")" looks like a spreadsheet formula`},
		{"formula with plus", Accounts, "id,name,industry\n1,Acme,+SUM(A1:A3)\n", `line 2: column "industry"`},
		{"formula with at", Responses, "score,date,comment\n9,2025-03-01,@SUM(1+1)\n", `line 2: column "comment"`},
		{"formula DDE", Responses, "score,date,comment\n9,2025-03-01,-cmd|' /C calc'!A0\n", `line 2: column "comment"`},
		{"too many cells", Contacts, "email,name\na@b.nl,Anna,extra\n", "line 2: the row has 3 cells"},
		{"bare quote", Contacts, "email,name\na@b.nl,An\"na\n", `line 2: a quote (")`},
		{"unclosed quote", Contacts, "email,name\na@b.nl,\"Anna\n", "a cell in quotes is not closed"},
		{"duplicate header", Contacts, "email,Email\na@b.nl,b@b.nl\n", `line 1: column "Email": the header names this column twice`},
		{"empty", Contacts, "\n\n", "the file is empty"},
		{"old xls", Contacts, "\xd0\xcf\x11\xe0rest", "old Excel workbook"},
		{"negative revenue", Accounts, "id;name;omzet\n1;Acme;-5\n", `line 2: column "omzet": "-5" is not an amount of revenue: it must not be negative`},
		{"revenue with three decimals", Accounts, "id;name;omzet\n1;Acme;\"1,2345\"\n", `line 2: column "omzet"`},
		{"badly grouped revenue", Accounts, "id;name;omzet\n1;Acme;1.23.456\n", `(its thousands are not grouped by three)`},
		{"bad status", Accounts, "id,name,status\n1,Acme,gone\n", `line 2: column "status": "gone" is not a status`},
		{"churned without date", Accounts, "id,name,status\n1,Acme,churned\n", `line 2: column "status"`},
		{"bad language", Contacts, "email,language\na@b.nl,Dutch\n", `line 2: column "language": "Dutch" is not a language code`},
		{"bad opt-out", Contacts, "email,unsubscribed\na@b.nl,maybe\n", `line 2: column "unsubscribed": "maybe" is neither yes/no`},
		{"long name", Contacts, "email,name\na@b.nl," + strings.Repeat("x", 201) + "\n", `line 2: column "name": must be at most 200 characters`},
		{"revenue without a year", Revenue, "klantnummer;omzet\nK1;100\n", "no column is mapped to year, which an import of revenue needs"},
		{"revenue with an attribute", Revenue, "", "revenue have no attributes"},
		{"revenue year twice", Revenue, "Klantnummer;Jaar;Omzet\nK1;2024;100\nK2;2024;5\nK1;2024;200\n",
			`line 4: column "Jaar": account "K1" has revenue for 2024 on line 2 too`},
		{"revenue of a two-digit year", Revenue, "account,year,revenue\nK1,24,100\n", `line 2: column "year": "24" is not a year: write it with four digits`},
		{"revenue of a date", Revenue, "account,year,revenue\nK1,2024-01-01,100\n", `line 2: column "year": "2024-01-01" is not a year`},
		{"revenue of a year out of range", Revenue, "account,year,revenue\nK1,1850,100\n", `line 2: column "year": 1850 is not a year from 1900 to 2200`},
		{"revenue missing", Revenue, "account,year,revenue\nK1,2024,\n", `line 2: column "revenue": the revenue is missing`},
		{"revenue of no account", Revenue, "account,year,revenue\n,2024,5\n", `line 2: column "account": the account's external id is missing`},
		{"negative revenue of a year", Revenue, "account;jaar;omzet\nK1;2024;-5\n", `line 2: column "omzet": "-5" is not an amount of revenue: it must not be negative`},
		{"revenue year without revenue", Accounts, "id;name;omzetjaar\n1;Acme;2024\n", `column "omzetjaar": a year of the revenue needs the revenue`},
		{"bad revenue year", Accounts, "id;name;omzet;omzetjaar\n1;Acme;5;'24\n", `line 2: column "omzetjaar": "'24" is not a year`},
		{"long line", Contacts, "email\n" + strings.Repeat("x", DefaultMaxLine+10) + "\n", "line 2: the line is longer than 64 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.file == "" { // a mapping that Suggest would not make
				err := Mapping{"account_external_id": "a", "year": "y", "revenue": "r", "attr:x": "x"}.Check(tt.kind, []string{"a", "y", "r", "x"})
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("got error %v, want one containing %q", err, tt.want)
				}
				return
			}
			_, err := parse(t, tt.kind, tt.file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestGarbage feeds 50 MB of random bytes: the error names the first
// line and comes after reading little of the input.
func TestGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 50<<20)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	r := &countingReader{r: bytes.NewReader(data)}
	start := time.Now()
	_, err := Read(r, Limits{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 || !strings.Contains(e.Msg, "not") {
		t.Fatalf("got %v, want an *Error at line 1", err)
	}
	if r.n > 1<<20 || time.Since(start) > time.Second {
		t.Errorf("read %d bytes in %v before refusing garbage; want under 1 MB and a second", r.n, time.Since(start))
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestSizeLimit(t *testing.T) {
	file := "email\n" + strings.Repeat("a@b.nl\n", 1000)
	_, err := Read(strings.NewReader(file), Limits{MaxBytes: 1000})
	if err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("got %v, want the size limit", err)
	}
}

// TestEncodingsAndDelimiters reads the same contacts written the ways
// spreadsheets write them.
func TestEncodingsAndDelimiters(t *testing.T) {
	tests := []struct {
		name, file, format string
	}{
		{"UTF-8 comma", "email,naam\nanna@acme.nl,José\n", "CSV, UTF-8, delimiter ,"},
		{"UTF-8 BOM semicolon", "\xef\xbb\xbfE-mailadres;Naam\r\nanna@acme.nl;José\r\n", "CSV, UTF-8 with BOM, delimiter ;"},
		{"Windows-1252 semicolon", "e-mail;naam\nanna@acme.nl;Jos\xe9\n", "CSV, Windows-1252, delimiter ;"},
		{"tab", "Email\tName\nanna@acme.nl\tJosé\n", "CSV, UTF-8, delimiter tab"},
		{"quoted header with commas", "\"email;x\",naam\nanna@acme.nl,José\n", "CSV, UTF-8, delimiter ,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := Read(strings.NewReader(tt.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if tab.Format != tt.format {
				t.Errorf("format: got %q, want %q", tab.Format, tt.format)
			}
			m := Suggest(Contacts, tab.Header)
			if tt.name == "quoted header with commas" {
				m["email"] = "email;x"
			}
			rs, errs := Parse(Contacts, tab, m)
			if errs != nil {
				t.Fatal(errs)
			}
			if len(rs.Contacts) != 1 || rs.Contacts[0].Contact.Name != "José" || rs.Contacts[0].Contact.Email != "anna@acme.nl" {
				t.Errorf("got %+v, want José <anna@acme.nl>", rs.Contacts)
			}
		})
	}
}

func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"Klantnummer", "Bedrijfsnaam", "Omzet", "Opzegdatum"},
		{"K1", "Acme", 1234.56, nil},
		{},
		{"K2", "Globex", 1500, 45717},
		{"K3", "Initech", 10, nil},
	}
	for i, r := range rows {
		for j, v := range r {
			if v == nil {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue("Sheet1", name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetCellFormula("Sheet1", "C5", "=C2*2"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := Read(&buf, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := Parse(Accounts, tab, Suggest(Accounts, tab.Header))
	if len(errs) != 1 || errs[0].Line != 5 || errs[0].Column != "Omzet" || !strings.Contains(errs[0].Msg, "formula") {
		t.Errorf("errors: got %v, want the formula on line 5", errs)
	}
	if len(rs.Accounts) != 2 {
		t.Fatalf("got %d accounts, want 2: %+v", len(rs.Accounts), rs.Accounts)
	}
	a, b := rs.Accounts[0], rs.Accounts[1]
	if a.Line != 2 || a.Account.AnnualRevenueCents != 123456 || b.Line != 4 || b.Account.AnnualRevenueCents != 150000 ||
		b.Account.Status != "churned" || !b.Account.ChurnedAt.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got %+v and %+v", a, b)
	}
}

func TestSuggestRevenue(t *testing.T) {
	for _, header := range [][]string{{"Klantnummer", "Naam", "Jaar", "Omzet"}, {"Account", "Year", "Revenue"}, {"External ID", "Omzetjaar", "Bedrag"}} {
		m := Suggest(Revenue, header)
		if m["account_external_id"] != header[0] || m["year"] == "" || m["revenue"] == "" || len(m) != 3 {
			t.Errorf("%v: got %v, want the account, year and revenue columns", header, m)
		}
	}
	if m := Suggest(Accounts, []string{"Klantnummer", "Omzet", "Omzetjaar"}); m["revenue_year"] != "Omzetjaar" || m["revenue"] != "Omzet" {
		t.Errorf("accounts: got %v, want Omzetjaar as the revenue year", m)
	}
}

func TestSuggest(t *testing.T) {
	header := []string{"Response ID", "Email", "Name", "Score", "Comment", "Response timestamp", "Bedrijf", "Taal"}
	got := Suggest(Responses, header)
	want := Mapping{"email": "Email", "score": "Score", "comment": "Comment", "date": "Response timestamp", "account_name": "Bedrijf", "language": "Taal"}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
}

// TestRevenue reads revenue per year, several years per account, and the
// year of an accounts file's revenue, from CSV and XLSX.
func TestRevenue(t *testing.T) {
	rs, err := parse(t, Revenue, "Klantnummer;Jaar;Omzet\nK1;2023;\"1.234,56\"\nK1;2024;1500\nK2;2024;0\nk1;2024;7\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []RevenueRecord{{2, "K1", 2023, 123456}, {3, "K1", 2024, 150000}, {4, "K2", 2024, 0}, {5, "k1", 2024, 700}}
	if !reflect.DeepEqual(rs.Revenues, want) {
		t.Errorf("revenue: got %+v, want %+v", rs.Revenues, want)
	}

	rs, err = parse(t, Accounts, "id;name;omzet;omzetjaar\n1;Acme;5;2024\n2;Beta;7;\n3;Gamma;;2023\n")
	if err != nil {
		t.Fatal(err)
	}
	type year struct {
		has   bool
		year  int
		cents int64
	}
	var got []year
	for _, a := range rs.Accounts {
		got = append(got, year{a.HasRevenue, a.RevenueYear, a.Account.AnnualRevenueCents})
	}
	// Beta's year is the import's, which the store knows; Gamma gives no
	// revenue, so no year of it.
	if w := []year{{true, 2024, 500}, {true, 0, 700}, {false, 0, 0}}; !reflect.DeepEqual(got, w) {
		t.Errorf("accounts' revenue years: got %+v, want %+v", got, w)
	}

	f := excelize.NewFile()
	for i, r := range [][]any{{"Account", "Year", "Revenue"}, {"K1", 2024, 1234.5}, {"K1", 2025, 10}} {
		for j, v := range r {
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue("Sheet1", name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err := Read(&buf, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	xrs, errs := Parse(Revenue, tab, Suggest(Revenue, tab.Header))
	if errs != nil {
		t.Fatal(errs)
	}
	if w := []RevenueRecord{{2, "K1", 2024, 123450}, {3, "K1", 2025, 1000}}; !reflect.DeepEqual(xrs.Revenues, w) {
		t.Errorf("XLSX: got %+v, want %+v", xrs.Revenues, w)
	}
}
