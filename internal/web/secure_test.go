package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
