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

func TestHealth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newTestServer(t, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		tests := []struct {
			method, path string
			status       int
			body         string
		}{
			{"GET", "/healthz", http.StatusOK, "ok\n"},
			{"GET", "/readyz", http.StatusOK, "ready\n"},
			{"POST", "/healthz", http.StatusMethodNotAllowed, ""},
			{"GET", "/nope", http.StatusNotFound, ""},
		}
		for _, tt := range tests {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status || (tt.body != "" && rec.Body.String() != tt.body) {
				t.Errorf("%s %s: got %d %q, want %d %q", tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.body)
			}
		}
	})
}

func TestReadyWithoutDatabase(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var logs strings.Builder
		h := newTestServer(t, db, slog.New(slog.NewTextHandler(&logs, nil)))
		db.Close()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "database not reachable") {
			t.Errorf("GET /readyz on a closed database: got %d %q, want 503 database not reachable", rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), "closed") || !strings.Contains(logs.String(), "closed") {
			t.Errorf("GET /readyz: the cause must be logged, not shown: body %q, log %q", rec.Body, logs.String())
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET /healthz on a closed database: got %d, want 200", rec.Code)
		}
	})
}

// newTestServer returns the handler of a server on db.
func newTestServer(t testing.TB, db *store.DB, log *slog.Logger) http.Handler {
	t.Helper()
	s, err := New(db, log, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

func TestReadyWhileDraining(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		var logs strings.Builder
		s, err := New(db, slog.New(slog.NewTextHandler(&logs, nil)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		s.Drain()
		for path, want := range map[string]int{"/readyz": http.StatusServiceUnavailable, "/healthz": http.StatusOK, "/login": http.StatusOK} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != want {
				t.Errorf("GET %s while draining: got %d, want %d", path, rec.Code, want)
			}
		}
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("draining is no error to log:\n%s", logs.String())
		}
	})
}
