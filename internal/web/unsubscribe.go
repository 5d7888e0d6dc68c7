package web

import (
	"net/http"
)

// The unsubscribe link of every invitation email, /u/{token}, carries the
// invitation's token. GET only asks (link scanners fetch every link of a
// message, and must not unsubscribe anyone); POST unsubscribes, both from
// the page's button and as the one-click request of RFC 8058, which mail
// clients send with the body "List-Unsubscribe=One-Click" when the
// List-Unsubscribe-Post header offers it. An opt-out is honoured forever:
// the contact gets no survey mail again, from any survey of the workspace.

// maxUnsubscribeBytes bounds the body of an unsubscribe POST, which
// carries at most the one-click field.
const maxUnsubscribeBytes = 1 << 10

// unsubscribePage is the data of survey/unsubscribe.
type unsubscribePage struct {
	surveyChrome
	// Done says that the contact is unsubscribed (now or before).
	Done bool
}

func (s *Server) handleUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	resp, lang, err := s.invitationTarget(r)
	if err != nil {
		return err
	}
	p := unsubscribePage{surveyChrome: s.chrome(lang, lang.M.T("unsubscribe.title"), nil), Done: resp.contact.OptedOut()}
	return s.render(w, http.StatusOK, "survey/unsubscribe", p)
}

func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := parseBody(w, r, maxUnsubscribeBytes); err != nil {
		return err
	}
	resp, lang, err := s.invitationTarget(r)
	if err != nil {
		return err
	}
	if _, err := s.db.OptOutContact(r.Context(), resp.inv.WorkspaceID, resp.inv.ContactID); err != nil {
		return withLang(err, lang.Text)
	}
	p := unsubscribePage{surveyChrome: s.chrome(lang, lang.M.T("optedout.title"), nil), Done: true}
	return s.render(w, http.StatusOK, "survey/unsubscribe", p)
}
