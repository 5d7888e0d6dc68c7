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

// handleReady reports whether the server can do its work: the database
// answers within readyTimeout.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return unavailable("database not reachable", err)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := fmt.Fprintln(w, "ready")
	return err
}
