package web

import (
	"errors"
	"net/http"
)

// httpError is an error with the status and the message safe to show;
// the wrapped cause is logged, never shown.
type httpError struct {
	status  int
	message string
	cause   error
}

func (e *httpError) Error() string { return e.message + ": " + e.cause.Error() }
func (e *httpError) Unwrap() error { return e.cause }

func unavailable(message string, cause error) error {
	return &httpError{status: http.StatusServiceUnavailable, message: message, cause: cause}
}

// handle adapts a handler that returns an error: the one place where
// errors become a status, a safe message and a log line.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, message := http.StatusInternalServerError, "internal error"
		var he *httpError
		if errors.As(err, &he) {
			status, message = he.status, he.message
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		http.Error(w, message, status)
	})
}
