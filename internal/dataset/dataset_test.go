package dataset_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/promotor/promotor/internal/dataset"
	"github.com/promotor/promotor/internal/export"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// attacks are comments a spreadsheet would run if they were written as
// they are.
var attacks = []string{`=HYPERLINK("http://x","y")`, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"}

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// workspace is a workspace whose every name and comment is an attack.
type workspace struct {
	ws     nps.Workspace
	survey nps.Survey
	wave   nps.Wave
}

func newWorkspace(t *testing.T, db *store.DB) workspace {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return t0.Add(24 * time.Hour) }
	var w workspace
	var err error
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.ws, err = db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
	check(err)
	owner, err := db.CreateUser(ctx, nps.User{Email: "owner@acme.example", Name: "@owner"})
	check(err)
	_, err = db.AddMember(ctx, w.ws.ID, owner.ID, nps.RoleMember)
	check(err)
	w.survey, err = db.CreateSurvey(ctx, w.ws.ID, nps.Survey{Name: "=survey", DefaultLanguage: "en", Texts: map[string]nps.SurveyText{
		"en": {Question: "Recommend?", FollowUp: nps.FollowUp{Promoter: "Why?", Passive: "Why?", Detractor: "Why?"}}}})
	check(err)
	w.wave, err = db.CreateWave(ctx, w.ws.ID, nps.Wave{SurveyID: w.survey.ID, Name: "-2025", OpensAt: t0})
	check(err)
	acc, err := db.CreateAccount(ctx, w.ws.ID, nps.Account{ExternalID: "+31", Name: `=cmd|' /C calc'!A0`, OwnerID: owner.ID,
		Industry: "@retail", Attributes: map[string]string{"tier": "-gold"}, AnnualRevenueCents: 1_250_000_50})
	check(err)
	check(db.UpsertAccountRevenue(ctx, w.ws.ID, []nps.AccountRevenue{{AccountID: acc.ID, Year: 2024, RevenueCents: 99_00}}))
	for i, a := range attacks {
		c, err := db.CreateContact(ctx, w.ws.ID, nps.Contact{AccountID: acc.ID, Email: strings.Repeat("x", i+1) + "@acme.example", Name: "=name"})
		check(err)
		_, err = db.RecordResponse(ctx, w.ws.ID, nps.Response{WaveID: w.wave.ID, ContactID: c.ID, Score: i % 4, Comment: a,
			Language: "en", Channel: nps.ChannelImport, CreatedAt: t0.Add(time.Duration(i) * time.Hour)})
		check(err)
	}
	return w
}

// write writes an export to bytes.
func write(t *testing.T, db *store.DB, ws int64, k dataset.Kind, f export.Format, s dataset.Scope) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.New(&buf, f, k.Sheet())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := dataset.Write(context.Background(), db, ws, k, s, w)
	if err != nil {
		t.Fatalf("Write(%s, %s): %v", k, f, err)
	}
	if want := map[dataset.Kind]int64{dataset.Responses: int64(len(attacks)), dataset.Accounts: 1, dataset.Aggregates: 1}[k]; rows != want {
		t.Errorf("Write(%s, %s): %d rows, want %d", k, f, rows, want)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheet is an export read back: its rows, and for XLSX whether each cell
// is a number.
type sheet struct {
	rows    [][]string
	numeric map[[2]int]bool
}

// col returns the index of a column of the header.
func (s sheet) col(t *testing.T, name string) int {
	t.Helper()
	i := slices.Index(s.rows[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, s.rows[0])
	}
	return i
}

// cell returns the value of row r, column c; "" past the row's end, where
// a workbook's empty cells are left out.
func (s sheet) cell(r, c int) string {
	if c >= len(s.rows[r]) {
		return ""
	}
	return s.rows[r][c]
}

func readCSV(t *testing.T, data []byte) sheet {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Fatal("the CSV has no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v", err)
	}
	return sheet{rows: rows}
}

// readXLSX reads the workbook's only sheet raw, failing the test when any
// cell holds a formula.
func readXLSX(t *testing.T, data []byte, name string) sheet {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("opening the XLSX: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{name}) {
		t.Fatalf("sheets: got %q, want [%s]", got, name)
	}
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	s := sheet{rows: rows, numeric: map[[2]int]bool{}}
	for r := range rows {
		for c := range rows[r] {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if formula, err := f.GetCellFormula(name, cell); err != nil || formula != "" {
				t.Errorf("cell %s: formula %q (%v), want none", cell, formula, err)
			}
			typ, err := f.GetCellType(name, cell)
			if err != nil {
				t.Fatal(err)
			}
			s.numeric[[2]int{r, c}] = typ == excelize.CellTypeUnset && rows[r][c] != ""
		}
	}
	return s
}

// checkNeutral fails the test for a text cell that starts with a formula
// character.
func checkNeutral(t *testing.T, what string, s sheet) {
	t.Helper()
	for r, row := range s.rows {
		for c, v := range row {
			if v == "" || s.numeric[[2]int{r, c}] || strings.HasPrefix(v, "'") {
				continue
			}
			if strings.ContainsAny(v[:1], "=+-@\t\r") && !isNumber(v) {
				t.Errorf("%s: row %d, column %q: %q starts with a formula character", what, r+1, s.rows[0][c], v)
			}
		}
	}
}

func isNumber(v string) bool {
	return strings.Trim(v, "-0123456789.") == ""
}

func TestResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorkspace(t, db)
		for _, f := range []export.Format{export.CSV, export.XLSX} {
			data := write(t, db, w.ws.ID, dataset.Responses, f, dataset.Scope{})
			var s sheet
			if f == export.CSV {
				s = readCSV(t, data)
			} else {
				s = readXLSX(t, data, "Responses")
			}
			if !slices.Equal(s.rows[0], dataset.ResponseColumns) || len(s.rows) != 1+len(attacks) {
				t.Fatalf("%s: header %q and %d rows, want %q and %d", f, s.rows[0], len(s.rows), dataset.ResponseColumns, 1+len(attacks))
			}
			checkNeutral(t, string(f), s)
			comment, score, at := s.col(t, "comment"), s.col(t, "score"), s.col(t, "answered_at")
			for i, a := range attacks {
				row := s.rows[i+1]
				// encoding/csv and Excel both read a CR before a line end
				// as part of it; here the CR stands alone.
				if want := "'" + a; row[comment] != want {
					t.Errorf("%s: comment %q: got %q, want %q", f, a, row[comment], want)
				}
				if row[score] != string(rune('0'+i%4)) || (f == export.XLSX && !s.numeric[[2]int{i + 1, score}]) {
					t.Errorf("%s: score of row %d: got %q, want the number %d", f, i+1, row[score], i%4)
				}
				for _, name := range []string{"survey", "wave", "account", "owner", "contact_name", "account_external_id"} {
					if v := row[s.col(t, name)]; !strings.HasPrefix(v, "'") {
						t.Errorf("%s: %s %q is not neutralised", f, name, v)
					}
				}
			}
			if f == export.CSV && s.rows[1][at] != "2025-03-14T09:30:00Z" {
				t.Errorf("answered_at: got %q, want 2025-03-14T09:30:00Z", s.rows[1][at])
			}
			if f == export.XLSX && !s.numeric[[2]int{1, at}] {
				t.Errorf("answered_at in XLSX: got %q as text, want a date", s.rows[1][at])
			}
		}
	})
}

func TestAccountsAndAggregates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorkspace(t, db)
		for _, f := range []export.Format{export.CSV, export.XLSX} {
			read := func(data []byte, name string) sheet {
				if f == export.CSV {
					return readCSV(t, data)
				}
				return readXLSX(t, data, name)
			}
			acc := read(write(t, db, w.ws.ID, dataset.Accounts, f, dataset.Scope{}), "Accounts")
			want := []string{"account_id", "external_id", "name", "owner", "industry", "region", "size", "attr:tier", "status",
				"churned_at", "annual_revenue", "revenue_2024", "last_answer_at", "latest_score", "latest_category"}
			if !slices.Equal(acc.rows[0], want) || len(acc.rows) != 2 {
				t.Fatalf("%s: accounts: got %q, want the header %q and one account", f, acc.rows, want)
			}
			checkNeutral(t, string(f)+" accounts", acc)
			for col, v := range map[string]string{"external_id": "'+31", "name": `'=cmd|' /C calc'!A0`, "owner": "'@owner",
				"industry": "'@retail", "attr:tier": "'-gold", "annual_revenue": "99", "revenue_2024": "99",
				"latest_score": "1", "latest_category": "detractor", "status": "active", "churned_at": ""} {
				if got := acc.cell(1, acc.col(t, col)); got != v {
					t.Errorf("%s: accounts' %s: got %q, want %q", f, col, got, v)
				}
			}

			agg := read(write(t, db, w.ws.ID, dataset.Aggregates, f, dataset.Scope{}), "Aggregates")
			checkNeutral(t, string(f)+" aggregates", agg)
			if len(agg.rows) != 2 {
				t.Fatalf("%s: aggregates: got %q, want one wave", f, agg.rows)
			}
			// Six detractors: an NPS of -100, written as a number.
			npsCol := agg.col(t, "nps")
			for col, v := range map[string]string{"wave": "'-2025", "survey": "'=survey", "n": "6", "detractors": "6", "score_0": "2",
				"score_3": "1", "nps": "-100", "confidence": "0.95", "population": ""} {
				if got := agg.cell(1, agg.col(t, col)); got != v {
					t.Errorf("%s: aggregates' %s: got %q, want %q", f, col, got, v)
				}
			}
			// The interval of six detractors reaches the bottom of the scale.
			if low, high := agg.cell(1, agg.col(t, "nps_low")), agg.cell(1, agg.col(t, "nps_high")); low != "-100" || !strings.HasPrefix(high, "-25.9") {
				t.Errorf("%s: interval: got %s … %s, want -100 … -25.9", f, low, high)
			}
			if f == export.XLSX && !agg.numeric[[2]int{1, npsCol}] {
				t.Errorf("XLSX: the NPS %q is text, want a number", agg.rows[1][npsCol])
			}

			split := read(write(t, db, w.ws.ID, dataset.Aggregates, f, dataset.Scope{By: store.GroupBy{Dimension: store.GroupSegment, Attribute: "tier"}}), "Aggregates")
			if got := split.rows[0][4]; got != "attr:tier" || split.rows[1][4] != "'-gold" {
				t.Errorf("%s: split by a custom attribute: got %q / %q", f, got, split.rows[1][4])
			}
			owners := read(write(t, db, w.ws.ID, dataset.Aggregates, f, dataset.Scope{By: store.GroupBy{Dimension: store.GroupOwner}}), "Aggregates")
			if got := owners.rows[0][4]; got != "owner" || owners.rows[1][4] != "'@owner" {
				t.Errorf("%s: split by owner: got %q / %q", f, got, owners.rows[1][4])
			}
		}
	})
}

func TestWriteErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorkspace(t, db)
		var buf bytes.Buffer
		ew, _ := export.New(&buf, export.CSV, "x")
		rows, err := dataset.Write(context.Background(), db, w.ws.ID, dataset.Responses, dataset.Scope{ResponseFilter: store.ResponseFilter{Category: "fans"}}, ew)
		var ve *nps.ValidationError
		if !errors.As(err, &ve) || rows != 0 {
			t.Errorf("a bad category: got %d rows, %v; want none and a validation error", rows, err)
		}
		ew.Discard()
		if _, err := dataset.ParseKind("contacts"); err == nil {
			t.Error("ParseKind(contacts): got no error")
		}
		if got := dataset.Filename("acme", dataset.Responses, export.XLSX, time.Date(2026, 12, 1, 23, 0, 0, 0, time.FixedZone("x", -3600))); got != "promotor-acme-responses-2026-12-02.xlsx" {
			t.Errorf("Filename: got %q", got)
		}
	})
}

func TestParseSplit(t *testing.T) {
	attrs := []string{"industry", "tier"}
	for by, want := range map[string]store.GroupBy{
		"":                 {},
		"owner":            {Dimension: store.GroupOwner},
		"account:tier":     {Dimension: store.GroupSegment, Attribute: "tier"},
		"account:industry": {Dimension: store.GroupSegment, Attribute: "industry"},
	} {
		if got, err := dataset.ParseSplit(by, attrs); err != nil || got != want {
			t.Errorf("ParseSplit(%q): got %+v, %v; want %+v", by, got, err, want)
		}
	}
	for _, by := range []string{"account:region", "account:", "wave", "Owner"} {
		var ve *nps.ValidationError
		if _, err := dataset.ParseSplit(by, attrs); !errors.As(err, &ve) {
			t.Errorf("ParseSplit(%q): got %v, want a validation error", by, err)
		}
	}
}
