// Package web is Promotor's HTTP layer: every route is registered in
// routes, handlers return errors, and one adapter turns an error into a
// response and a log line. It holds no SQL and no statistics.
package web

import (
	"log/slog"
	"net/http"

	"github.com/promotor/promotor/internal/store"
)

// Server serves Promotor's pages and API from one database.
type Server struct {
	db  *store.DB
	log *slog.Logger
}

// New returns a server on db that logs to log.
func New(db *store.DB, log *slog.Logger) *Server {
	return &Server{db: db, log: log}
}

// Handler returns the router with every route Promotor serves.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", s.handle(s.handleHealth))
	mux.Handle("GET /readyz", s.handle(s.handleReady))
	return mux
}
