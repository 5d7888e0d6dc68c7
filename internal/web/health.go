package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// handleHealth reports that the process is alive; it touches nothing else
// so that a slow database never gets a live process restarted.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := fmt.Fprintln(w, "ok")
	return err
}

// readyTimeout bounds the database check of /readyz.
const readyTimeout = 2 * time.Second

// Drain makes /readyz answer 503 from now on, while everything else is
// still served: serve calls it when it begins to stop, so that a load
// balancer sends new requests elsewhere before the listener closes.
func (s *Server) Drain() { s.draining.Store(true) }

// handleReady reports whether the server can do its work: it is not
// stopping, and the database answers within readyTimeout.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.draining.Load() {
		// Expected while stopping, so not an error to log.
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err := fmt.Fprintln(w, "shutting down")
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return unavailable("database not reachable", err)
	}
	_, err := fmt.Fprintln(w, "ready")
	return err
}
