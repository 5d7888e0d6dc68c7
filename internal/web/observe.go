package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// requestIDHeader carries a request's id: taken from a trusted proxy
// (Options.TrustedProxies) that set one, else made here, and echoed in
// the response either way, so that a log line and a complaint about one
// request can be matched. A client's own id is not taken: it could give
// its requests the id of someone else's, muddling the log.
const requestIDHeader = "X-Request-Id"

// requestIDKey is the context key of the request id.
type requestIDKey struct{}

// requestID returns the id of the request ctx belongs to, or "".
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID accepts the ids proxies and load balancers make (UUIDs,
// hex, base32) and nothing that could forge a log line or grow without
// bound.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// observe is the outermost handler: it gives each request its id, and
// when the request is answered logs it once and counts it in the metrics,
// both by the route pattern that matched and never by the path, which may
// hold a survey's token, nor the query. The probes and the scrape are
// logged at debug, so that they do not drown the requests of people.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := ""
		if peer, ok := parseHop(r.RemoteAddr); ok && s.trustedProxy(peer) {
			id = r.Header.Get(requestIDHeader)
		}
		if !validRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(requestIDHeader, id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK // a handler that wrote nothing
		}
		d := time.Since(start)
		// The mux sets the pattern on the request it is handed, which is r.
		route, method := routeOf(r)
		s.opts.Metrics.ObserveRequest(route, method, rec.status, d)
		level := slog.LevelInfo
		if quietRoutes[route] {
			level = slog.LevelDebug
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", method), slog.String("route", route), slog.Int("status", rec.status),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.Int64("bytes", rec.bytes))
	})
}

// quietRoutes are the routes that machines poll.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// routeOf returns the route pattern that served r without its method
// ("unmatched" when none did, as for a 404 of the mux), and r's method,
// or "other" for a method no route has, so that neither label takes
// values a client makes up.
func routeOf(r *http.Request) (route, method string) {
	route = r.Pattern
	if _, path, ok := strings.Cut(route, " "); ok {
		route = path
	}
	if route == "" {
		route = "unmatched"
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return route, r.Method
	}
	return route, "other"
}

// recorder remembers the status and counts the bytes of a response. It
// unwraps for http.ResponseController, so that handlers still reach the
// connection's deadlines and flushing.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 && status >= 200 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// requestIDHandler adds the request id of a record's context to the
// record, so that every line logged about a request names it.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := requestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
