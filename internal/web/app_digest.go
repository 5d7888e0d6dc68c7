package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The digest's pages. Each user chooses, per workspace, whether and how
// often they receive the workspace's digest email (digest_mail.go), on
// /w/{slug}/digest, which every role may use for themselves. The digest's
// one-click unsubscribe link, /d/{token}, works without signing in, like
// an invitation's: GET only asks (link scanners fetch every link of a
// message), POST stops the digest, from the page's button or as the
// one-click request of RFC 8058 that mail clients send when the
// List-Unsubscribe-Post header offers it.

// digestChoices are the frequencies the digest page offers, in order.
var digestChoices = []nps.DigestFrequency{nps.DigestNone, nps.DigestWeekly, nps.DigestMonthly}

// digestPage is the data of app/digest.
type digestPage struct {
	appLayout
	appFormErrors
	Choices   []nps.DigestFrequency
	Frequency nps.DigestFrequency
	// NextAt is when the next digest is due; zero for none.
	NextAt time.Time
	Saved  bool
	// Member says that the digest shows the user's own accounts only.
	Member bool
	// NoMail says that the server sends no email, so no digest either.
	NoMail bool
}

func (s *Server) newDigestPage(a *appRequest, sub nps.DigestSubscription) digestPage {
	return digestPage{appLayout: a.layout(a.M.T("digest.title")), Choices: digestChoices, Frequency: sub.Frequency,
		NextAt: sub.NextAt, Member: a.Role == nps.RoleMember, NoMail: s.opts.Mail == nil}
}

// digestOf returns the user's subscription of the workspace, "none"
// when they never chose one.
func (s *Server) digestOf(r *http.Request, a *appRequest) (nps.DigestSubscription, error) {
	sub, err := s.db.DigestSubscription(r.Context(), a.Workspace.ID, a.User.ID)
	if errors.Is(err, nps.ErrNotFound) {
		return nps.DigestSubscription{Frequency: nps.DigestNone}, nil
	}
	return sub, err
}

func (s *Server) handleDigest(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sub, err := s.digestOf(r, a)
	if err != nil {
		return err
	}
	p := s.newDigestPage(a, sub)
	p.Saved = r.URL.Query().Get("saved") == "1"
	return s.render(w, http.StatusOK, "app/digest", p)
}

func (s *Server) handleDigestUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f, err := nps.ParseDigestFrequency(r.PostForm.Get("frequency"))
	if err != nil {
		sub, err := s.digestOf(r, a)
		if err != nil {
			return err
		}
		p := s.newDigestPage(a, sub)
		p.appFormErrors = appFormErrors{&nps.ValidationError{Field: "frequency", Message: a.M.T("digest.err.frequency")}}
		return s.render(w, http.StatusUnprocessableEntity, "app/digest", p)
	}
	if _, err := s.db.SetDigest(r.Context(), a.Workspace.ID, a.User.ID, f); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/digest?saved=1", http.StatusSeeOther)
	return nil
}

// digestUnsubscribePage is the data of app/digest_unsubscribe.
type digestUnsubscribePage struct {
	appLayout
	Token     string
	Email     string
	Workspace string
	// Settings is the path of the digest's page in its workspace, which
	// asks to sign in first.
	Settings string
	// Done says that the digest is stopped (now or before).
	Done bool
}

// digestUnsubscribeLayout is the layout of the unsubscribe page: not
// signed in, in the language of the digest's user.
func digestUnsubscribeLayout(r *http.Request, u nps.User) appLayout {
	m := appMessages(r, u)
	return appLayout{Title: m.T("digest.unsubscribe.title"), M: m}
}

// digestSettingsPath is the path of the digest's page of ws.
func digestSettingsPath(ws nps.Workspace) string { return appLayout{Workspace: ws}.Base() + "/digest" }

func (s *Server) handleDigestUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	rcp, err := s.db.DigestByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/digest_unsubscribe", digestUnsubscribePage{appLayout: digestUnsubscribeLayout(r, rcp.User),
		Token: rcp.Token, Email: rcp.User.Email, Workspace: rcp.Workspace.Name, Settings: digestSettingsPath(rcp.Workspace),
		Done: rcp.Frequency == nps.DigestNone})
}

func (s *Server) handleDigestUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUnsubscribeBytes)
	if err := r.ParseForm(); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return appHTTPError(http.StatusRequestEntityTooLarge, err, "app.error.form_too_large")
		}
		return appHTTPError(http.StatusBadRequest, err, "app.error.form_unreadable")
	}
	rcp, err := s.db.UnsubscribeDigest(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/digest_unsubscribe", digestUnsubscribePage{appLayout: digestUnsubscribeLayout(r, rcp.User),
		Token: rcp.Token, Email: rcp.User.Email, Workspace: rcp.Workspace.Name, Settings: digestSettingsPath(rcp.Workspace), Done: true})
}
