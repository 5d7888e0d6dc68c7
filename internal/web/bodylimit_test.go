package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBodyLimits sends to every route that takes a body (every route
// but GET of routes) one that says it
// is a byte over its path's ceiling: each answers 413 in the form of its
// area without reading a byte of it, and the database is unchanged.
func TestBodyLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		_, apiSecret := appMust2(db.CreateAPIToken(context.Background(), f.acme.ID, "limits", 0))(t)
		var routes []string
		for _, rt := range f.srv.routes() {
			if method, _, ok := strings.Cut(rt.pattern, " "); ok && method != "GET" {
				routes = append(routes, rt.pattern)
			}
		}
		param := regexp.MustCompile(`\{[a-z_]+\}`)
		before := dbFingerprint(t, db)
		for _, rt := range routes {
			method, pattern, _ := strings.Cut(rt, " ")
			path := param.ReplaceAllStringFunc(strings.Replace(pattern, "{slug}", "acme", 1), func(string) string { return "1" })
			limit := bodyCeiling(path)
			body := &countingReader{r: io.LimitReader(zeros{}, limit+1)}
			req := httptest.NewRequest(method, path, body)
			req.ContentLength = limit + 1
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.secrets["owner"]})
			wantType := "text/html"
			if strings.HasPrefix(path, "/api/") {
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+apiSecret)
				wantType = "application/problem+json"
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s with %d bytes: got %d, want 413\n%s", rt, limit+1, rec.Code, appExcerpt(rec.Body.String()))
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
				t.Errorf("%s: Content-Type %q, want %s", rt, ct, wantType)
			}
			if body.n != 0 {
				t.Errorf("%s: %d bytes of the refused body were read, want none", rt, body.n)
			}
		}
		if after := dbFingerprint(t, db); after != before {
			t.Error("the database changed while every request was refused")
		}
	})
}

// TestBodyLimitsChunked sends bodies without a length, one byte over the
// limit, to the routes that read a body: the route reads at most its limit
// and a byte, answers 413 and stores nothing.
func TestBodyLimitsChunked(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		_, apiSecret := appMust2(db.CreateAPIToken(ctx, f.acme.ID, "limits", 0))(t)
		c := appMust(db.CreateContact(ctx, f.acme.ID, nps.Contact{Name: "Body Limit", Email: "body-limit@example.com"}))(t)
		inv := appMust(db.CreateInvitation(ctx, f.acme.ID, f.wave.ID, c.ID))(t)
		link := appMust(db.SurveyLink(ctx, f.acme.ID, f.survey.ID))(t)
		// A first use records itself on the session and the token: done
		// here, so that only what the refused requests would store counts.
		f.do("GET", "/w/acme/surveys", nil, "owner")
		f.srv.Handler().ServeHTTP(httptest.NewRecorder(), apiRequest("GET", "/api/v1/surveys", apiSecret, nil))
		before := dbFingerprint(t, db)
		for _, tc := range []struct {
			method, path string
			limit        int64
			api          bool
		}{
			{"POST", "/s/" + inv.Token, maxFormBytes, false},
			{"POST", "/s/" + inv.Token + "/7", maxOneClickBytes, false},
			{"POST", "/p/" + link, maxFormBytes, false},
			{"POST", "/u/" + inv.Token, maxUnsubscribeBytes, false},
			{"POST", "/d/unknown", maxUnsubscribeBytes, false},
			{"POST", "/login", appMaxFormBytes, false},
			{"POST", "/w/acme/surveys", appMaxFormBytes, false},
			{"POST", "/w/acme/settings", appMaxFormBytes, false},
			{"POST", fmt.Sprintf("/w/acme/surveys/%d/waves", f.survey.ID), appMaxFormBytes, false},
			{"POST", "/w/acme/settings/brand", brandFormBytes, false},
			{"POST", "/w/acme/import", appImportMaxBytes, false},
			{"POST", "/api/v1/responses", maxBatchBody, true},
			{"POST", "/api/v1/surveys", maxDocumentBody, true},
			{"PUT", fmt.Sprintf("/api/v1/surveys/%d", f.survey.ID), maxDocumentBody, true},
			{"POST", "/api/v1/bounces", maxBounceBytes, true},
		} {
			ct, start := "application/x-www-form-urlencoded", ""
			switch {
			case tc.api:
				ct = "application/json"
			case strings.HasSuffix(tc.path, "/brand") || strings.HasSuffix(tc.path, "/import"):
				// A file part that goes on past the limit.
				ct, start = "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
			}
			body := &countingReader{r: io.LimitReader(io.MultiReader(strings.NewReader(start), zeros{}), tc.limit+1)}
			req := apiRequest(tc.method, tc.path, apiSecret, body)
			req.ContentLength = -1
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.secrets["owner"]})
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s %s with %d bytes, chunked: got %d, want 413\n%s", tc.method, tc.path, tc.limit+1, rec.Code, appExcerpt(rec.Body.String()))
			}
			if body.n > tc.limit+1 {
				t.Errorf("%s %s: read %d bytes, want at most %d", tc.method, tc.path, body.n, tc.limit+1)
			}
			if after := dbFingerprint(t, db); after != before {
				t.Errorf("%s %s: the database changed", tc.method, tc.path)
				before = after
			}
		}
	})
}

// apiRequest is a request with the API token secret as its bearer token.
func apiRequest(method, path, secret string, body io.Reader) *http.Request {
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Authorization", "Bearer "+secret)
	return req
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// zeros reads as endless "0" characters: a form value, a JSON number's
// digits, never a valid document of any route.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

// dbFingerprint is every row of every table, sorted, as text: two equal
// fingerprints mean nothing was stored or changed in between.
func dbFingerprint(t *testing.T, db *store.DB) string {
	t.Helper()
	var tables []string
	for _, c := range storetest.Columns(t, db) {
		tables = append(tables, c.Table)
	}
	var b strings.Builder
	for _, table := range slices.Compact(tables) {
		rows := sortedRows(t, db, `SELECT * FROM `+table)
		fmt.Fprintf(&b, "%s:%d\n%s\n", table, len(rows), strings.Join(rows, "\n"))
	}
	return b.String()
}
