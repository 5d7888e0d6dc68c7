package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/metrics/metricstest"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// loopback is the default of --metrics-allowed-networks.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("::1/128")}

// scrape gets /metrics from h as the peer remote, with headers as name,
// value pairs.
func scrape(h http.Handler, remote string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestMetricsAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		server := func(opts Options) http.Handler {
			s, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
			if err != nil {
				t.Fatal(err)
			}
			return s.Handler()
		}
		open := server(Options{Metrics: metrics.New(), MetricsNetworks: loopback})
		withToken := server(Options{Metrics: metrics.New(), MetricsNetworks: loopback, MetricsToken: "s3cret"})
		none := server(Options{MetricsNetworks: loopback})
		// A proxy on the same machine, trusted for its X-Forwarded-For.
		proxied := server(Options{Metrics: metrics.New(), MetricsNetworks: loopback, TrustedProxies: loopback})
		cases := []struct {
			name    string
			h       http.Handler
			remote  string
			headers []string
			status  int
		}{
			{"loopback", open, "127.0.0.1:40000", nil, http.StatusOK},
			{"loopback v6", open, "[::1]:40000", nil, http.StatusOK},
			{"other network", open, "192.0.2.1:40000", nil, http.StatusNotFound},
			{"through a proxy", open, "127.0.0.1:40000", []string{"X-Forwarded-For", "198.51.100.7"}, http.StatusNotFound},
			{"through a Forwarded proxy", open, "127.0.0.1:40000", []string{"Forwarded", "for=198.51.100.7"}, http.StatusNotFound},
			{"through a proxy that adds X-Real-IP", open, "127.0.0.1:40000", []string{"X-Real-IP", "198.51.100.7"}, http.StatusNotFound},
			{"through a proxy that adds X-Forwarded-Proto", open, "127.0.0.1:40000", []string{"X-Forwarded-Proto", "https"}, http.StatusNotFound},
			{"from a trusted proxy that adds no header", proxied, "127.0.0.1:40000", nil, http.StatusNotFound},
			{"token", withToken, "127.0.0.1:40000", []string{"Authorization", "Bearer s3cret"}, http.StatusOK},
			{"no token", withToken, "127.0.0.1:40000", nil, http.StatusNotFound},
			{"wrong token", withToken, "127.0.0.1:40000", []string{"Authorization", "Bearer s3cre"}, http.StatusNotFound},
			{"token from elsewhere", withToken, "192.0.2.1:40000", []string{"Authorization", "Bearer s3cret"}, http.StatusNotFound},
			{"metrics off", none, "127.0.0.1:40000", nil, http.StatusNotFound},
		}
		for _, c := range cases {
			rec := scrape(c.h, c.remote, c.headers...)
			if rec.Code != c.status {
				t.Errorf("%s: got %d, want %d", c.name, rec.Code, c.status)
			}
			if rec.Code == http.StatusOK && !strings.Contains(rec.Body.String(), "go_goroutines") {
				t.Errorf("%s: the exposition lacks the Go collector", c.name)
			}
		}
	})
}

// TestMetricsCount makes requests of every kind and reads what they
// counted back from the exposition, as Prometheus would.
func TestMetricsCount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		m := metrics.New()
		for name, pool := range db.Pools() {
			if err := m.WatchPool(name, pool); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.WatchOutbox(db.OutboxQueued); err != nil {
			t.Fatal(err)
		}
		f := newSurveyFixtureWith(t, db, Options{Metrics: m, MetricsNetworks: loopback})
		base := "/s/" + f.inv.Token
		expect(t, "one-click", f.do("POST", base+"/8", url.Values{}), http.StatusNoContent)
		expect(t, "same click", f.do("POST", base+"/8", url.Values{}), http.StatusNoContent)
		expect(t, "form", f.do("POST", base, url.Values{"score": {"9"}}), http.StatusSeeOther)
		expect(t, "unknown path", f.do("GET", "/no/such/page", nil), http.StatusNotFound)
		expect(t, "wrong password", f.do("POST", "/login", url.Values{"email": {"nobody@acme.example"}, "password": {"wrong"}}), http.StatusUnprocessableEntity)

		fams := metricstest.Parse(t, scrape(f.h, "127.0.0.1:40000").Body)
		want := []struct {
			name   string
			labels map[string]string
			value  float64
		}{
			{"promotor_answers_stored_total", map[string]string{"channel": metrics.ChannelOneClick}, 1},
			{"promotor_answers_stored_total", map[string]string{"channel": metrics.ChannelSurveyPage}, 1},
			{"promotor_http_request_duration_seconds", map[string]string{"route": "/s/{token}/{score}", "method": "POST", "status": "2xx"}, 2},
			{"promotor_http_request_duration_seconds", map[string]string{"route": "/s/{token}", "method": "POST", "status": "3xx"}, 1},
			{"promotor_http_request_duration_seconds", map[string]string{"route": "unmatched", "method": "GET", "status": "4xx"}, 1},
			{"promotor_http_request_duration_seconds", map[string]string{"route": "/login", "method": "POST", "status": "4xx"}, 1},
			{"promotor_login_failures_total", nil, 1},
			{"promotor_outbox_queued", nil, 0},
			{"go_sql_max_open_connections", map[string]string{"db_name": "main"}, -1},
		}
		for _, w := range want {
			got, ok := fams.Value(w.name, w.labels)
			if !ok || (w.value >= 0 && got != w.value) {
				t.Errorf("%s%v: got %v (present %v), want %v", w.name, w.labels, got, ok, w.value)
			}
		}
		for _, v := range fams.LabelValues() {
			if strings.Contains(v, f.inv.Token) || strings.Contains(v, "acme") || strings.Contains(v, "@") {
				t.Errorf("a label holds %q: no tokens, workspaces or emails in labels", v)
			}
		}
		if !slices.ContainsFunc(fams.LabelValues(), func(v string) bool { return v == "/metrics" }) {
			// The scrape itself is counted once it is answered: the next
			// one shows it.
			fams = metricstest.Parse(t, scrape(f.h, "127.0.0.1:40000").Body)
			if _, ok := fams.Value("promotor_http_request_duration_seconds", map[string]string{"route": "/metrics"}); !ok {
				t.Error("the scrape of /metrics is not counted")
			}
		}
	})
}

func TestMetricsAPIAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		m := metrics.New()
		f.srv.opts.Metrics, f.srv.opts.MetricsNetworks = m, loopback
		one := `{"wave_id": ` + strconv.FormatInt(f.wave.ID, 10) + `, "score": 9}`
		batch := `{"responses": [{"wave_id": ` + strconv.FormatInt(f.wave.ID, 10) + `, "score": 9}, {"wave_id": ` + strconv.FormatInt(f.wave.ID, 10) + `, "score": 3}]}`
		for _, body := range []string{one, batch} {
			if rec := f.do("POST", "/api/v1/responses", f.token, body); rec.Code != http.StatusCreated {
				t.Fatalf("POST %s: %d %s", body, rec.Code, rec.Body)
			}
		}
		rec := f.do("POST", "/api/v1/responses", f.token, one, "Idempotency-Key", "k1")
		replay := f.do("POST", "/api/v1/responses", f.token, one, "Idempotency-Key", "k1")
		if rec.Code != http.StatusCreated || replay.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("keyed POST and its replay: %d, %d %q", rec.Code, replay.Code, replay.Header().Get("Idempotent-Replayed"))
		}
		fams := metricstest.Parse(t, scrape(f.h, "127.0.0.1:40000").Body)
		if got, _ := fams.Value("promotor_answers_stored_total", map[string]string{"channel": metrics.ChannelAPI}); got != 4 {
			t.Errorf("API answers counted: got %v, want 4 (one, a batch of two, one keyed; the replay is not new)", got)
		}
	})
}
