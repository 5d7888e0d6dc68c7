package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestNil calls every method on a nil *Metrics, as code run without
// metrics does: none may panic, and the handler has nothing to serve.
func TestNil(t *testing.T) {
	var m *Metrics
	if err := m.WatchPool("main", &sql.DB{}); err != nil {
		t.Errorf("WatchPool: %v", err)
	}
	if err := m.WatchOutbox(func(context.Context) (int64, error) { return 0, nil }); err != nil {
		t.Errorf("WatchOutbox: %v", err)
	}
	m.ObserveRequest("GET /", "GET", http.StatusOK, time.Millisecond)
	m.AnswersStored(ChannelAPI, 1)
	m.ObserveJob("send", OutcomeOK, time.Millisecond)
	m.Messages(OutcomeSent, 1)
	m.WebhookDelivery(OutcomeDelivered)
	m.LoginFailed()
	m.RateLimited("login")
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("Handler on nil: %d, want 404", w.Code)
	}
}
