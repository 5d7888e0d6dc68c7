package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// appAuditPage is the data of the audit log's page.
type appAuditPage struct {
	appLayout
	Entries []nps.AuditEntry
	Actions []nps.AuditAction
	// Action and Actor are the filters shown; NextURL is the link to the
	// next (older) page, empty on the last.
	Action  nps.AuditAction
	Actor   string
	NextURL string
}

// ActionLabel is an action's name in the reader's language.
func (p appAuditPage) ActionLabel(a nps.AuditAction) string {
	return p.TOr("privacy.action."+string(a), string(a))
}

// ActorLabel says who did an entry's action.
func (p appAuditPage) ActorLabel(a nps.Actor) string {
	switch a.Kind {
	case nps.ActorToken:
		return p.T("privacy.actor.token", "name", a.Name)
	case nps.ActorSystem:
		return p.T("privacy.actor.system")
	}
	return a.Name
}

// handleAudit shows the workspace's audit log to its owners, newest
// first, a page at a time, filtered by action and by actor.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	q := r.URL.Query()
	f := store.AuditFilter{Action: nps.AuditAction(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor"))}
	if f.Action != "" && !f.Action.Valid() {
		return badRequest("privacy.audit.bad_action")
	}
	if b := q.Get("before"); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil || id <= 0 {
			return badRequest("privacy.audit.bad_before")
		}
		f.Before = id
	}
	page, err := s.db.AuditLog(r.Context(), a.Workspace.ID, f)
	if err != nil {
		return err
	}
	p := appAuditPage{appLayout: a.layout(a.M.T("privacy.audit.title")), Entries: page.Entries,
		Actions: nps.AuditActions, Action: f.Action, Actor: f.Actor}
	if page.Next != 0 {
		next := url.Values{"before": {strconv.FormatInt(page.Next, 10)}}
		if f.Action != "" {
			next.Set("action", string(f.Action))
		}
		if f.Actor != "" {
			next.Set("actor", f.Actor)
		}
		p.NextURL = p.Base() + "/audit?" + next.Encode()
	}
	return s.render(w, http.StatusOK, "app/audit", p)
}
