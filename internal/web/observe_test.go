package web

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestRequestIDFromTrustedProxies: the id a trusted proxy sends is the
// request's, in the response and the log; a client's own is replaced by
// a new one, as is an id that could forge a log line.
func TestRequestIDFromTrustedProxies(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(storetest.Open(t, store.SQLite), slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Options{TrustedProxies: localProxy})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, c := range []struct {
		name, peer, id string
		taken          bool
	}{
		{"a trusted proxy's id", "192.0.2.1:4711", "lb-4711", true},
		{"a client's id", "198.51.100.7:4711", "lb-4712", false},
		{"an address next to the trusted proxy", "192.0.2.2:4711", "lb-4713", false},
		{"a trusted proxy's id that could forge a log line", "192.0.2.1:4711", `x" level=ERROR`, false},
	} {
		logs.Reset()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = c.peer
		req.Header.Set(requestIDHeader, c.id)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(requestIDHeader)
		if (got == c.id) != c.taken || !validRequestID(got) {
			t.Errorf("%s: sent %q, got %q back; want it taken: %v", c.name, c.id, got, c.taken)
		}
		if !strings.Contains(logs.String(), `"request_id":"`+got+`"`) {
			t.Errorf("%s: the log does not name the id %q:\n%s", c.name, got, logs.String())
		}
	}
}
