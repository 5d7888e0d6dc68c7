package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// appTokensPage is the data of the API tokens page.
type appTokensPage struct {
	appLayout
	appFormErrors
	Tokens []nps.APIToken
	// Name is the name typed for a new token.
	Name string
	// Created and Secret are the token just created and its secret, shown
	// on this page once and never again.
	Created nps.APIToken
	Secret  string
}

func (s *Server) appTokensData(r *http.Request, a *appRequest, p appTokensPage) (appTokensPage, error) {
	tokens, err := s.db.APITokens(r.Context(), a.Workspace.ID)
	if err != nil {
		return p, err
	}
	p.appLayout, p.Tokens = a.layout(a.M.T("app.tokens.title")), tokens
	return p, nil
}

func (s *Server) handleAppTokens(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, err := s.appTokensData(r, a, appTokensPage{})
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/tokens", p)
}

// handleAppTokenCreate makes a token and shows its secret in the answer
// to the POST itself, not after a redirect, so that the secret is never in
// a URL or a page that can be fetched again; no-store keeps it out of the
// browser's cache.
func (s *Server) handleAppTokenCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	t, secret, err := s.db.CreateAPIToken(r.Context(), a.Workspace.ID, name, a.User.ID)
	status, p := http.StatusOK, appTokensPage{Created: t, Secret: secret}
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		status, p = http.StatusUnprocessableEntity, appTokensPage{appFormErrors: appFormErrors{ve}, Name: name}
	} else if err != nil {
		return err
	}
	if p, err = s.appTokensData(r, a, p); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, status, "app/tokens", p)
}

func (s *Server) handleAppTokenRevoke(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "token")
	if err != nil {
		return err
	}
	if _, err := s.db.RevokeAPIToken(r.Context(), a.Workspace.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/tokens", http.StatusSeeOther)
	return nil
}
