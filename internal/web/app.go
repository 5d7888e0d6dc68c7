package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The signed-in area. Its URLs carry the workspace (/w/{slug}/…); every
// route names the least role that may use it (the table in routes.go),
// and inWorkspace checks the session, the membership and the role before
// the handler runs.
//
// The roles, as the routes and handlers enforce them:
//
//	                              viewer  member  analyst  owner
//	surveys, waves, public link     yes     yes     yes     yes
//	responses of a wave             all     own¹    all     all
//	create and edit surveys          -       -      yes     yes
//	create, open and close waves     -       -      yes     yes
//	sends of a wave, their progress yes     yes     yes     yes
//	send, cancel, test-send email    -       -      yes     yes
//	import from CSV and XLSX         -       -      yes     yes
//	API tokens, fatigue rule         -       -       -      yes
//
// ¹ A member is typically an account manager and sees the responses of
// the accounts they own only, so none of an anonymous survey. A viewer
// (management, say) reads everything but changes nothing. For route
// checks the roles rank viewer < member < analyst < owner.

// roleRank orders the roles for route checks.
func roleRank(r nps.Role) int {
	switch r {
	case nps.RoleOwner:
		return 4
	case nps.RoleAnalyst:
		return 3
	case nps.RoleMember:
		return 2
	case nps.RoleViewer:
		return 1
	}
	return 0
}

// roleAllows reports whether role may use a route whose least role is min.
func roleAllows(role, min nps.Role) bool { return roleRank(role) >= roleRank(min) && roleRank(min) > 0 }

// appRequest is what inWorkspace resolved for a request: the signed-in
// user, the workspace of the URL and the user's role in it.
type appRequest struct {
	User       nps.User
	Workspace  nps.Workspace
	Role       nps.Role
	Workspaces []store.WorkspaceRole
	// M are the messages in the user's language (appMessages).
	M i18n.Messages
	// Here is the path and query of the request, for the language menu
	// to come back to.
	Here string
}

// appHandler is a handler of a workspace's pages.
type appHandler func(w http.ResponseWriter, r *http.Request, a *appRequest) error

// appLayout is the part of every signed-in page's data that the layout
// reads: the title, the user and the workspace switcher.
type appLayout struct {
	Title      string
	User       nps.User
	Workspace  nps.Workspace
	Role       nps.Role
	Workspaces []store.WorkspaceRole
	M          i18n.Messages
	Here       string
}

// layout returns the layout data of a page titled title.
func (a *appRequest) layout(title string) appLayout {
	return appLayout{Title: title, User: a.User, Workspace: a.Workspace, Role: a.Role, Workspaces: a.Workspaces, M: a.M, Here: a.Here}
}

// T returns a message in the page's language (English on pages that did
// not choose one).
func (l appLayout) T(key string, args ...any) string {
	if l.M.Lang == "" {
		return catalog.Messages(i18n.Fallback).T(key, args...)
	}
	return l.M.T(key, args...)
}

// TOr returns the message key in the page's language, or fallback when
// no language has the key: for labels of values that the catalog may not
// know yet.
func (l appLayout) TOr(key, fallback string) string {
	if msg := l.T(key); msg != key {
		return msg
	}
	return fallback
}

// StatusLabel shows a status or state (of a wave, a send, an invitation or
// a message: "open", "opted_out") in the page's language; the value itself
// stays in the markup's classes.
func (l appLayout) StatusLabel(status any) string {
	v := fmt.Sprint(status)
	return l.TOr("app.status."+v, v)
}

// Lang is the code of the page's language, for <html lang>.
func (l appLayout) Lang() string { return cmp.Or(l.M.Lang, i18n.Fallback) }

// appMessages chooses the language of a user's pages: the one they chose
// (users.language), else their browser's, else English.
func appMessages(r *http.Request, u nps.User) i18n.Messages {
	lang, ok := i18n.Choose(catalog.Languages(), []string{u.Language}, i18n.AcceptLanguage(r.Header.Get("Accept-Language")))
	if !ok {
		lang = i18n.Fallback
	}
	return catalog.Messages(lang)
}

// SignedIn reports whether the page is shown to a signed-in user.
func (l appLayout) SignedIn() bool { return l.User.ID != 0 }

// Can reports whether the user's role allows what needs role min, so that
// a page shows only the buttons its reader may use.
func (l appLayout) Can(min nps.Role) bool { return l.Workspace.ID != 0 && roleAllows(l.Role, min) }

// Base is the path of the workspace's pages: "/w/{slug}".
func (l appLayout) Base() string { return "/w/" + l.Workspace.Slug }

// FormatTime shows a time to the minute, in UTC, which the forms use too.
func (l appLayout) FormatTime(t time.Time) string { return nps.FormatTime(t) }

// Count shows a count with the language's thousands separator:
// "2,600,596" in English, "2.600.596" in Dutch.
func (l appLayout) Count(n int64) string { return i18n.NewNumbers(l.Lang()).Grouped(n) }

// Money shows an amount in cents as whole units of the currency, the
// cents dropped, as the lists and the account page show revenue.
func (l appLayout) Money(cents int64) string { return l.Count(cents / 100) }

// Points shows a number of NPS points: whole from 10 on, with one decimal
// (the language's decimal sign) below.
func (l appLayout) Points(x float64) string {
	if x >= 10 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if l.Lang() == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// FormatDate shows the day of a time, in UTC; "—" for none.
func (l appLayout) FormatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

// inWorkspace guards the route of a workspace's page: a visitor who is not
// signed in is sent to sign in and back (signedIn); a user who is not
// a member of the URL's workspace, or when there is no such workspace,
// gets the same 404, so that the answer does not tell which workspaces
// exist; a member whose role is below min gets 403.
func (s *Server) inWorkspace(min nps.Role, h appHandler) http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, a *appRequest) error {
		slug := r.PathValue("slug")
		for _, m := range a.Workspaces {
			if m.Workspace.Slug == slug {
				a.Workspace, a.Role = m.Workspace, m.Role
			}
		}
		if a.Workspace.ID == 0 {
			return nps.ErrNotFound
		}
		if !roleAllows(a.Role, min) {
			return appHTTPError(http.StatusForbidden, nil, "app.error.role", "role", a.Role)
		}
		return h(w, r, a)
	})
}

// signedIn guards a signed-in page, and alone a page of the user's own
// account, which needs no workspace: a visitor who is not signed in is
// sent to sign in and back; for a user it resolves their workspaces and
// language, and names them as the actor of every change the store audits,
// before h runs. An error of h is a page in the area's
// layout, with the user's workspaces in the header.
func (s *Server) signedIn(h appHandler) http.Handler {
	return s.htmlPage(func(w http.ResponseWriter, r *http.Request) error {
		u, ok, err := s.sessionUser(r)
		if err != nil {
			return err
		}
		if !ok {
			target := "/login"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
		a := &appRequest{User: u, M: appMessages(r, u), Here: r.URL.RequestURI()}
		if a.Workspaces, err = s.db.Memberships(r.Context(), u.ID); err != nil {
			return err
		}
		r = r.WithContext(store.WithActor(r.Context(), s.userActor(r, u)))
		if err := h(w, r, a); err != nil {
			return s.appError(w, r, a.layout(""), err)
		}
		return nil
	})
}

// appErrorPage is the data of the page that shows an error.
type appErrorPage struct {
	appLayout
	Status  int
	Message string
}

// htmlPage adapts a handler of the signed-in area: an error it returns is
// shown as a page in the area's layout, with the status and safe message
// that errorStatus gives it, and logged once.
func (s *Server) htmlPage(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			if rerr := s.appError(w, r, appLayout{M: appMessages(r, nps.User{})}, err); rerr != nil {
				s.logError(r, http.StatusInternalServerError, rerr)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}
	})
}

// appError renders the error page for err in layout l and logs err. It
// returns an error only when the page cannot be rendered.
func (s *Server) appError(w http.ResponseWriter, r *http.Request, l appLayout, err error) error {
	status, message := errorStatus(err)
	s.logError(r, status, err)
	var he *httpError
	switch {
	case status == http.StatusNotFound:
		message = l.T("app.error.not_found")
	case status == http.StatusInternalServerError:
		message = l.T("app.error.internal")
	case errors.As(err, &he):
		if he.key != "" {
			message = l.T(he.key, he.args...)
		}
	case errors.Is(err, nps.ErrWaveClosed):
		message = l.T("app.error.wave_closed")
	case errors.Is(err, nps.ErrConflict):
		message = l.T("app.error.conflict")
	case errors.Is(err, nps.ErrOptedOut):
		message = l.T("app.error.opted_out")
	case errors.Is(err, context.DeadlineExceeded):
		message = l.T("app.error.busy")
	}
	l.Title = l.TOr("app.error.status."+strconv.Itoa(status), http.StatusText(status))
	return s.render(w, status, "app/error", appErrorPage{appLayout: l, Status: status, Message: message})
}

// appPathID reads a numeric ID from the URL path; anything else is not
// found, like an ID of another workspace.
func appPathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, nps.ErrNotFound
	}
	return id, nil
}

// parseAppForm reads a form body of at most appMaxFormBytes.
func parseAppForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, appMaxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return appHTTPError(http.StatusRequestEntityTooLarge, err, "app.error.form_too_large")
		}
		return appHTTPError(http.StatusBadRequest, err, "app.error.form_unreadable")
	}
	return nil
}

// handleAppWorkspace sends a workspace's home to its dashboard.
func (s *Server) handleAppWorkspace(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	http.Redirect(w, r, a.layout("").Base()+"/dashboard", http.StatusSeeOther)
	return nil
}
