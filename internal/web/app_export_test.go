package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// exportCSV reads a CSV export: its records without the byte order mark.
func exportCSV(t *testing.T, rec *httptest.ResponseRecorder) [][]string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("got status %d, want 200\n%s", rec.Code, appExcerpt(rec.Body.String()))
	}
	body := rec.Body.Bytes()
	if !bytes.HasPrefix(body, []byte("\uFEFF")) {
		t.Fatalf("the CSV has no byte order mark: %q", body[:min(len(body), 40)])
	}
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v", err)
	}
	return recs
}

// exportXLSX reads an XLSX export's rows, failing the test when a cell
// holds a formula.
func exportXLSX(t *testing.T, rec *httptest.ResponseRecorder, sheet string) [][]string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("got status %d, want 200\n%s", rec.Code, appExcerpt(rec.Body.String()))
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("opening the XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for r := range rows {
		for c := range rows[r] {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
				t.Errorf("cell %s holds the formula %q", cell, formula)
			}
		}
	}
	return rows
}

// column returns the values of a named column below the header.
func column(t *testing.T, recs [][]string, name string) []string {
	t.Helper()
	i := slices.Index(recs[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, recs[0])
	}
	var out []string
	for _, r := range recs[1:] {
		if i < len(r) {
			out = append(out, r[i])
		} else {
			out = append(out, "")
		}
	}
	return out
}

func TestExportDownloads(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDashFixture(t, db)
		c := appMust(db.CreateContact(ctx, f.acme.ID, nps.Contact{AccountID: f.memberAccount, Email: "eve@example.com", Name: "=Eve"}))(t)
		appMust(db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: 1,
			Comment: `=HYPERLINK("http://x","y")`, Channel: nps.ChannelLink}))(t)
		base := "/w/acme/export/"
		scope := "?survey=" + fmt.Sprint(f.survey.ID) + "&wave=" + fmt.Sprint(f.wave.ID)

		rec := f.do("GET", base+"responses.csv"+scope, nil, "viewer")
		recs := exportCSV(t, rec)
		if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename=promotor-acme-responses-2026-05-04.csv` {
			t.Errorf("Content-Disposition: got %q", got)
		}
		if rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("headers: got %v", rec.Header())
		}
		comments := column(t, recs, "comment")
		slices.Sort(comments)
		if want := []string{`'=HYPERLINK("http://x","y")`, "analyst account comment <b>bold</b>", "member account comment"}; !slices.Equal(comments, want) {
			t.Errorf("comments: got %q, want %q", comments, want)
		}
		if got := column(t, recs, "contact_name"); !slices.Contains(got, "'=Eve") {
			t.Errorf("contact names: got %q, want '=Eve neutralised", got)
		}

		// The feed's filters hold, and a member gets their own accounts.
		recs = exportCSV(t, f.do("GET", base+"responses.csv"+scope+"&category=detractor&q=analyst", nil, "analyst"))
		if got := column(t, recs, "comment"); !slices.Equal(got, []string{"analyst account comment <b>bold</b>"}) {
			t.Errorf("filtered: got %q, want the analyst's detractor", got)
		}
		rows := exportXLSX(t, f.do("GET", base+"responses.xlsx"+scope, nil, "member"), "Responses")
		if got := column(t, rows, "account"); len(got) != 2 || got[0] != "Member Account BV" || got[1] != "Member Account BV" {
			t.Errorf("a member's responses: got accounts %q, want their own two", got)
		}
		if got := column(t, rows, "comment"); !slices.Contains(got, `'=HYPERLINK("http://x","y")`) {
			t.Errorf("a member's XLSX comments: got %q, want the formula neutralised", got)
		}
		if got := column(t, exportXLSX(t, f.do("GET", base+"accounts.xlsx"+scope, nil, "member"), "Accounts"), "name"); !slices.Equal(got, []string{"Member Account BV"}) {
			t.Errorf("a member's accounts: got %q", got)
		}
		if got := column(t, exportCSV(t, f.do("GET", base+"accounts.csv", nil, "owner")), "name"); !slices.Equal(got, []string{"Analyst Account BV", "Member Account BV"}) {
			t.Errorf("the owner's accounts: got %q", got)
		}

		agg := exportCSV(t, f.do("GET", base+"aggregates.csv"+scope, nil, "viewer"))
		if n, nps := column(t, agg, "n"), column(t, agg, "nps"); !slices.Equal(n, []string{"3"}) || nps[0] != "-33.333333333333336" {
			t.Errorf("aggregates: got n %q, NPS %q, want 3 and -33.3…", n, nps)
		}
		agg = exportCSV(t, f.do("GET", base+"aggregates.csv?survey="+fmt.Sprint(f.survey.ID)+"&wave=all&by=owner", nil, "member"))
		if got := column(t, agg, "owner"); !slices.Equal(got, []string{"Member"}) || column(t, agg, "n")[0] != "2" {
			t.Errorf("a member's aggregates by owner: got %q", agg)
		}
		if got := exportXLSX(t, f.do("GET", base+"aggregates.xlsx?by=account:industry", nil, "owner"), "Aggregates"); got[0][4] != "industry" {
			t.Errorf("aggregates by industry: header %q", got[0])
		}

		// What cannot be exported is a page, before any byte of a file.
		for _, c := range []struct {
			path, actor string
			status      int
		}{
			{base + "contacts.csv", "owner", http.StatusNotFound},
			{base + "responses.ods", "owner", http.StatusNotFound},
			{base + "responses.CSV", "owner", http.StatusNotFound},
			{base + "responses", "owner", http.StatusNotFound},
			{base + "responses.csv?survey=" + fmt.Sprint(f.globexSurvey.ID), "owner", http.StatusNotFound},
			{base + "accounts.csv?wave=" + fmt.Sprint(f.globexWave.ID), "owner", http.StatusNotFound},
			{base + "responses.csv?sentiment=angry", "owner", http.StatusBadRequest},
			{base + "responses.xlsx?category=fans", "owner", http.StatusUnprocessableEntity},
			{base + "responses.csv?q=%21%21", "owner", http.StatusUnprocessableEntity},
			{base + "aggregates.csv?by=contact:language", "owner", http.StatusBadRequest},
			{base + "aggregates.csv?by=account:salary", "owner", http.StatusBadRequest},
			{base + "accounts.csv?owner=" + fmt.Sprint(f.users["outsider"].ID), "owner", http.StatusBadRequest},
			{"/w/globex/export/responses.csv", "owner", http.StatusNotFound},
		} {
			rec := f.do("GET", c.path, nil, c.actor)
			if rec.Code != c.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Content-Disposition") != "" {
				t.Errorf("GET %s as %s: got %d %q, want a %d page", c.path, c.actor, rec.Code, rec.Header().Get("Content-Type"), c.status)
			}
			if strings.Contains(rec.Body.String(), "globex secret comment") {
				t.Errorf("GET %s shows another workspace's comment", c.path)
			}
		}

		// The links keep the page's filters.
		f.run(t, []appScenario{
			{name: "feed's export links", method: "GET", path: "/w/acme/responses" + scope + "&category=detractor", actor: "viewer", status: http.StatusOK,
				want: []string{`href="/w/acme/export/responses.csv?category=detractor&amp;survey=` + fmt.Sprint(f.survey.ID) + `&amp;wave=` + fmt.Sprint(f.wave.ID) + `"`,
					`href="/w/acme/export/responses.xlsx?category=detractor&amp;`}},
			{name: "dashboard's export links", method: "GET", path: "/w/acme/dashboard" + scope, actor: "viewer", status: http.StatusOK,
				want: []string{"/w/acme/export/responses.csv?survey=", "/w/acme/export/aggregates.xlsx?survey=" + fmt.Sprint(f.survey.ID) + "&amp;wave=all",
					"/w/acme/export/accounts.csv?survey=", "leading apostrophe"}},
		})
	})
}

// failingResponse is a response writer whose client went away after the
// headers.
type failingResponse struct {
	header http.Header
	status int
}

func (w *failingResponse) Header() http.Header       { return w.header }
func (w *failingResponse) WriteHeader(status int)    { w.status = status }
func (w *failingResponse) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestExportCut checks that an export that fails after its first byte
// aborts the response, which the server turns into a cut connection,
// instead of ending it as if the file were whole.
func TestExportCut(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	f := newDashFixture(t, db)
	batch := make([]nps.Response, 1000)
	for i := range batch {
		batch[i] = nps.Response{WaveID: f.wave.ID, Score: i % 11, Comment: strings.Repeat("long comment ", 10), Channel: nps.ChannelAPI}
	}
	appMust(db.RecordResponses(context.Background(), f.acme.ID, batch))(t)
	req := httptest.NewRequest("GET", "/w/acme/export/responses.csv?survey="+fmt.Sprint(f.survey.ID), nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.secrets["owner"]})
	w := &failingResponse{header: http.Header{}}
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("got panic %v, want http.ErrAbortHandler", p)
		}
		if w.status != http.StatusOK || w.header.Get("Content-Disposition") == "" {
			t.Errorf("got status %d and headers %v, want the file's", w.status, w.header)
		}
	}()
	f.h.ServeHTTP(w, req)
	t.Error("the handler returned")
}
