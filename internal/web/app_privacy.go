package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// maxPrivacyMatches bounds the contacts a search lists: a request names
// one person, and a broader search is narrowed, not paged.
const maxPrivacyMatches = 50

// appPrivacyPage is the data of the page where an owner finds a contact
// for a data subject's request.
type appPrivacyPage struct {
	appLayout
	Query   string
	Matches []store.ContactMatch
	// Erased is the contact just erased, 0 for none.
	Erased int64
}

// handlePrivacy finds contacts by email, external ID or name.
func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p := appPrivacyPage{appLayout: a.layout(a.M.T("privacy.title")), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	p.Erased, _ = strconv.ParseInt(r.URL.Query().Get("erased"), 10, 64)
	var err error
	if p.Matches, err = s.db.FindContacts(r.Context(), a.Workspace.ID, p.Query, maxPrivacyMatches); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/privacy", p)
}

// handleContactExport sends everything held about a contact as a JSON
// file, never cached; promotor contact export writes the same bytes.
func (s *Server) handleContactExport(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "contact")
	if err != nil {
		return err
	}
	x, err := s.db.ExportContact(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-contact-%d.json"`, a.Workspace.Slug, id))
	return writeJSON(w, "application/json; charset=utf-8", http.StatusOK, x)
}

// appErasePage is the data of the page that asks to confirm an erasure.
type appErasePage struct {
	appLayout
	appFormErrors
	Contact nps.Contact
	// Confirm is what must be typed: the contact's email, or its ID when
	// it has none.
	Confirm string
}

func (s *Server) erasePage(r *http.Request, a *appRequest) (appErasePage, error) {
	id, err := appPathID(r, "contact")
	if err != nil {
		return appErasePage{}, err
	}
	c, err := s.db.Contact(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return appErasePage{}, err
	}
	confirm := c.Email
	if confirm == "" {
		confirm = strconv.FormatInt(c.ID, 10)
	}
	return appErasePage{appLayout: a.layout(a.M.T("privacy.erase.title")), Contact: c, Confirm: confirm}, nil
}

// handleContactEraseForm asks to confirm an erasure by typing the
// contact's email: it cannot be undone.
func (s *Server) handleContactEraseForm(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, err := s.erasePage(r, a)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/erase", p)
}

// handleContactErase erases the contact when the confirmation matches.
func (s *Server) handleContactErase(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p, err := s.erasePage(r, a)
	if err != nil {
		return err
	}
	if !strings.EqualFold(strings.TrimSpace(r.PostForm.Get("confirm")), p.Confirm) {
		p.appFormErrors = appFormErrors{&nps.ValidationError{Field: "confirm", Message: a.M.T("privacy.erase.mismatch")}}
		return s.render(w, http.StatusUnprocessableEntity, "app/erase", p)
	}
	if _, err := s.db.EraseContact(r.Context(), a.Workspace.ID, p.Contact.ID); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("%s/privacy?erased=%d", p.Base(), p.Contact.ID), http.StatusSeeOther)
	return nil
}
