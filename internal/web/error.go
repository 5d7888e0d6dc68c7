package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
)

// httpError is an error with the status and the message safe to show;
// the wrapped cause is logged, never shown.
type httpError struct {
	status  int
	message string
	cause   error
	// key and args name the message in the catalog, when it has one, so
	// that a signed-in page shows it in the reader's language; message is
	// its English text, for logs and plain-text answers.
	key  string
	args []any
}

func (e *httpError) Error() string {
	if e.cause == nil {
		return e.message
	}
	return e.message + ": " + e.cause.Error()
}
func (e *httpError) Unwrap() error { return e.cause }

// appHTTPError is an httpError whose message is the catalog's message key
// with args (name, value pairs): English in message, the reader's language
// on a signed-in page (appError).
func appHTTPError(status int, cause error, key string, args ...any) *httpError {
	return &httpError{status: status, message: catalog.Messages(i18n.Fallback).T(key, args...), cause: cause, key: key, args: args}
}

func unavailable(message string, cause error) error {
	return &httpError{status: http.StatusServiceUnavailable, message: message, cause: cause}
}

// errorStatus maps an error to the status and the message that may be
// shown for it. Domain errors say what went wrong in the user's terms;
// anything else is an internal error whose detail only the log sees.
func errorStatus(err error) (int, string) {
	var he *httpError
	var ve *nps.ValidationError
	switch {
	case errors.As(err, &he):
		return he.status, he.message
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, ve.Error()
	case errors.Is(err, nps.ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, nps.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, nps.ErrWaveClosed):
		return http.StatusConflict, "the wave is closed"
	case errors.Is(err, nps.ErrOptedOut):
		return http.StatusGone, "the contact opted out"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the server is busy; try again"
	}
	return http.StatusInternalServerError, "internal error"
}

// handle adapts a handler that returns an error: the one place where
// errors of plain-text and HTML routes become a status, a safe message and
// a log line. Server errors are logged as errors, client errors at debug.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, message := errorStatus(err)
		s.logError(r, status, err)
		http.Error(w, message, status)
	})
}

// logError logs a failed request once, at a level that fits its status.
// A request whose client went away fails with context.Canceled in
// whatever it was waiting for: the client's doing and nobody's answer,
// so it is logged at debug like a client error, not as a server error.
func (s *Server) logError(r *http.Request, status int, err error) {
	level := slogLevel(status)
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		level = slog.LevelDebug
	}
	route, method := routeOf(r)
	s.log.Log(r.Context(), level, "request failed", "method", method, "route", route, "status", status, "err", err)
}

func slogLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelDebug
}
