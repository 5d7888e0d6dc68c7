package web

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// The test client's addresses: the connection's and one a proxy would
// add, neither of which an anonymous answer may leave anywhere.
const (
	anonClientIP    = "203.0.113.77"
	anonForwardedIP = "203.0.113.78"
)

// TestAnonymousLeavesNoTrace answers an anonymous survey by a personal
// link and by its public link, and fails on any trace of who answered:
// a contact or invitation on the response, an audit entry, the client's
// address in any text column of any table, or in the log lines of the
// survey routes (at debug level, failures included).
func TestAnonymousLeavesNoTrace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var logs bytes.Buffer
		s, err := New(db, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Options{})
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		f := newSurveyFixture(t, db)
		anon := check(db.CreateSurvey(ctx, f.ws.ID, testSurvey("Anonymous", true)))(t)
		w := f.openWave(t, anon)
		_, inv := f.invite(t, "nl", w)
		public := check(db.SurveyLink(ctx, f.ws.ID, anon.ID))(t)
		audited := countRows(t, db, "audit_log")

		send := func(method, path string, form url.Values) int {
			var body *strings.Reader
			if form == nil {
				body = strings.NewReader("")
			} else {
				body = strings.NewReader(form.Encode())
			}
			req := httptest.NewRequest(method, path, body)
			req.RemoteAddr = anonClientIP + ":41234"
			req.Header.Set("X-Forwarded-For", anonForwardedIP)
			req.Header.Set("X-Real-IP", anonForwardedIP)
			if form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code
		}
		personal, link := "/s/"+inv.Token, "/p/"+public
		for _, r := range []struct {
			method, path string
			form         url.Values
			status       int
		}{
			{"GET", personal, nil, http.StatusOK},
			{"GET", personal + "/9", nil, http.StatusOK},
			{"POST", personal, url.Values{"score": {"11"}}, http.StatusUnprocessableEntity},
			{"POST", personal, url.Values{"score": {"9"}, "comment": {"anoniem"}}, http.StatusSeeOther},
			{"GET", personal + "/thanks", nil, http.StatusOK},
			{"POST", personal, url.Values{"score": {"1"}}, http.StatusConflict},
			{"GET", link, nil, http.StatusOK},
			{"POST", link, url.Values{"score": {"x"}}, http.StatusUnprocessableEntity},
			{"POST", link, url.Values{"score": {"3"}, "comment": {"openbaar"}}, http.StatusSeeOther},
			{"GET", link + "/thanks", nil, http.StatusOK},
			{"GET", "/p/unknown-token", nil, http.StatusNotFound},
		} {
			if got := send(r.method, r.path, r.form); got != r.status {
				t.Errorf("%s %s: got %d, want %d", r.method, r.path, got, r.status)
			}
		}

		var linked, answers int
		if err := rawSQL(t, db).QueryRow(`SELECT count(*), count(contact_id) + count(invitation_id) FROM responses WHERE survey_id = $1`,
			anon.ID).Scan(&answers, &linked); err != nil {
			t.Fatal(err)
		}
		if answers != 2 || linked != 0 {
			t.Errorf("anonymous answers: %d, with %d contact or invitation links; want 2 with none", answers, linked)
		}
		if n := countRows(t, db, "audit_log"); n != audited {
			t.Errorf("audit entries after anonymous answers: %d, want %d", n, audited)
		}
		for _, col := range textColumns(t, db) {
			var n int
			query := fmt.Sprintf(`SELECT count(*) FROM %s WHERE CAST(%s AS TEXT) LIKE $1`, col.Table, col.Name)
			if err := rawSQL(t, db).QueryRow(query, "%203.0.113.7%").Scan(&n); err != nil {
				t.Fatalf("%s.%s: %v", col.Table, col.Name, err)
			}
			if n > 0 {
				t.Errorf("%s.%s holds the client's address in %d rows", col.Table, col.Name, n)
			}
		}
		if strings.Contains(logs.String(), "203.0.113.7") {
			t.Errorf("the survey routes' log carries the client's address:\n%s", logs.String())
		}
		if !strings.Contains(logs.String(), "request failed") {
			t.Errorf("no log line of a failed survey request to check:\n%s", logs.String())
		}
	})
}

// rawSQL is a pool of db's connections for queries of the schema, which
// the store does not offer.
func rawSQL(t *testing.T, db *store.DB) *sql.DB {
	t.Helper()
	pool, err := db.Pool(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

// countRows counts a table's rows.
func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := rawSQL(t, db).QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// textColumns lists every column of every table that can hold text.
func textColumns(t *testing.T, db *store.DB) []storetest.Column {
	t.Helper()
	var cols []storetest.Column
	for _, c := range storetest.Columns(t, db) {
		// SQLite's declared types ("" is none, which holds anything), then
		// PostgreSQL's other types that hold text.
		if c.Type == "" || strings.Contains(c.Type, "text") || strings.Contains(c.Type, "char") || strings.Contains(c.Type, "blob") ||
			slices.Contains([]string{"jsonb", "json", "bytea", "tsvector", "inet"}, c.Type) {
			cols = append(cols, c)
		}
	}
	if len(cols) < 50 {
		t.Fatalf("only %d text columns found: the schema query is wrong", len(cols))
	}
	return cols
}
