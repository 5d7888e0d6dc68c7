package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLogClientGone: a request whose client went away fails with
// context.Canceled wherever it was waiting, which the soak test saw
// logged as a server error ("store: coverage: context canceled",
// status 500) for a dashboard page cut off at the end of a run. It is
// logged at debug; a cancellation the client did not cause stays an
// error.
func TestLogClientGone(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(nil, slog.New(slog.NewTextHandler(&logs, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := s.handle(func(http.ResponseWriter, *http.Request) error {
		return fmt.Errorf("store: coverage: %w", context.Canceled)
	})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(gone, http.MethodGet, "/", nil))
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("the request of a client that went away: got an error logged, want none\n%s", logs.String())
	}
	logs.Reset()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a cancellation with the client still there: got %q logged, want an error", logs.String())
	}
}
