package web

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestCrossOriginRefused checks that a cross-site browser request that
// changes state is refused in the form of its route, with the security
// headers set.
func TestCrossOriginRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newTestServer(t, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		tests := []struct {
			path, contentType string
		}{
			{"/api/v1/responses", "application/problem+json"},
			{"/login", "text/plain; charset=utf-8"},
		}
		for _, tt := range tests {
			req := httptest.NewRequest("POST", tt.path, strings.NewReader(`{}`))
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") != tt.contentType {
				t.Errorf("cross-site POST %s: got %d %q, want 403 %q", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.contentType)
			}
			if rec.Header().Get("Content-Security-Policy") != contentSecurityPolicy {
				t.Errorf("cross-site POST %s: the security headers are missing", tt.path)
			}
		}
	})
}

// TestSecurityHeaders: every kind of response carries the CSP, nosniff,
// frame protection and the referrer policy; HSTS when the base URL is
// https; and none that may hold personal data can be cached.
func TestSecurityHeaders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		for _, base := range []string{"", "https://nps.example.com"} {
			db := db
			if base != "" {
				db = storetest.Open(t, db.Dialect())
			}
			f := newAppFixtureWith(t, db, Options{BaseURL: base})
			for _, tc := range []struct {
				name, method, path, actor string
				status                    int
				cache                     string
			}{
				{"sign-in page", "GET", "/login", "", http.StatusOK, "no-store"},
				{"failed sign-in", "POST", "/login", "", http.StatusUnprocessableEntity, "no-store"},
				{"signed-in page", "GET", "/w/acme/dashboard", "owner", http.StatusOK, "no-store"},
				{"export", "GET", "/w/acme/export/responses.csv", "owner", http.StatusOK, "no-store"},
				{"forbidden", "GET", "/w/acme/tokens", "viewer", http.StatusForbidden, "no-store"},
				{"redirect to sign in", "GET", "/w/acme/dashboard", "", http.StatusSeeOther, "no-store"},
				{"no route", "GET", "/no/such/page", "", http.StatusNotFound, "no-store"},
				{"wrong method", "DELETE", "/login", "", http.StatusMethodNotAllowed, "no-store"},
				{"survey not found", "GET", "/s/" + strings.Repeat("x", 32), "", http.StatusNotFound, "no-store"},
				{"asset", "GET", assetURL("app.css"), "", http.StatusOK, "public, max-age=31536000, immutable"},
				{"unknown asset", "GET", "/assets/nothing.css", "", http.StatusNotFound, "no-store"},
				{"API", "GET", "/api/v1/surveys", "token", http.StatusOK, "no-store"},
				{"API without token", "GET", "/api/v1/surveys", "", http.StatusUnauthorized, "no-store"},
				{"API no route", "GET", "/api/v1/nothing", "", http.StatusNotFound, "no-store"},
				{"health", "GET", "/healthz", "", http.StatusOK, "no-store"},
			} {
				var form url.Values
				if tc.method == "POST" {
					form = appForm("email", "nobody@example.com", "password", "wrong password")
				}
				var rec *httptest.ResponseRecorder
				if tc.actor == "token" {
					rec = f.do(tc.method, tc.path, form, "", "Authorization: Bearer "+appAPISecret(t, f))
				} else {
					rec = f.do(tc.method, tc.path, form, tc.actor)
				}
				h := rec.Header()
				what := fmt.Sprintf("%s (%s %s, base %q)", tc.name, tc.method, tc.path, base)
				if rec.Code != tc.status {
					t.Errorf("%s: got %d, want %d", what, rec.Code, tc.status)
				}
				for name, want := range map[string]string{
					"Content-Security-Policy": contentSecurityPolicy,
					"X-Content-Type-Options":  "nosniff",
					"X-Frame-Options":         "DENY",
					"Referrer-Policy":         "no-referrer",
					"Cache-Control":           tc.cache,
				} {
					if got := h.Get(name); got != want {
						t.Errorf("%s: %s %q, want %q", what, name, got, want)
					}
				}
				if got, want := h.Get("Strict-Transport-Security"), map[bool]string{true: hstsHeader}[base != ""]; got != want {
					t.Errorf("%s: Strict-Transport-Security %q, want %q", what, got, want)
				}
			}
		}
	})
}

// appAPISecret is the secret of a new API token of the fixture's acme.
func appAPISecret(t *testing.T, f *appFixture) string {
	t.Helper()
	_, secret := appMust2(f.db.CreateAPIToken(context.Background(), f.acme.ID, "headers", 0))(t)
	return secret
}

// TestTemplatesNoInline parses every template and fails on what the CSP
// forbids, so that it is found here and not in a browser's console: an
// inline script (without src), a <style> element, a style attribute, an
// event-handler attribute (on…=) and a javascript: URL.
func TestTemplatesNoInline(t *testing.T) {
	files, err := fs.Glob(templateFS, "templates/*/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v, %d files", err, len(files))
	}
	for _, name := range files {
		b, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, problem := range inlineProblems(string(b)) {
			t.Errorf("%s: %s", name, problem)
		}
	}
}

// TestInlineProblems checks the checker on what it must find.
func TestInlineProblems(t *testing.T) {
	for in, want := range map[string]int{
		`<script src="{{asset "app.js"}}" defer></script>`:          0,
		`<a href="/x" data-on="1" class="{{if .X}}on{{end}}">x</a>`: 0,
		`<script>alert(1)</script>`:                                 1,
		`<SCRIPT type="module">x</SCRIPT>`:                          1,
		`<style>p{}</style>`:                                        1,
		`<p style="color:red">`:                                     1,
		`<p STYLE='x'>`:                                             1,
		`<button onclick="x()">`:                                    1,
		`<img src=x onError=y>`:                                     1,
		`<a href="javascript:void(0)">`:                             1,
		`<a href=" JavaScript:x">`:                                  1,
		`<form action="javascript:x">`:                              1,
		`<p {{if .X}}style="x"{{end}}>`:                             1,
	} {
		if got := inlineProblems(in); len(got) != want {
			t.Errorf("inlineProblems(%q) = %q, want %d problems", in, got, want)
		}
	}
}

// inlineProblems lists the inline scripts, styles and handlers of an HTML
// template.
func inlineProblems(src string) []string {
	var problems []string
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return problems
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		hasSrc := false
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case key == "src":
				hasSrc = true
			case key == "style" || strings.HasSuffix(key, "}}style"):
				problems = append(problems, fmt.Sprintf("style attribute on <%s>", tok.Data))
			case strings.HasPrefix(key, "on"):
				problems = append(problems, fmt.Sprintf("event handler %s on <%s>", a.Key, tok.Data))
			}
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				problems = append(problems, fmt.Sprintf("javascript: URL in %s of <%s>", a.Key, tok.Data))
			}
		}
		switch {
		case tok.Data == "script" && !hasSrc:
			problems = append(problems, "inline <script>")
		case tok.Data == "style":
			problems = append(problems, "<style> element")
		}
	}
}
