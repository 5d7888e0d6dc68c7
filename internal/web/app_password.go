package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
)

// accountRoutes are the pages of the signed-in user's own account, outside
// any workspace: every signed-in user may use them, also one without a
// workspace. TestAccountRoutes tries each as every kind of visitor.
func (s *Server) accountRoutes() []route {
	return []route{
		{"GET /account/password", routeAuth, "", s.signedIn(s.handlePasswordForm)},
		{"POST /account/password", routeAuth, "", s.signedIn(s.handlePasswordChange)},
	}
}

// passwordPage is the data of the password change page. The passwords
// typed are never sent back.
type passwordPage struct {
	appLayout
	MinChars int
	Error    string
	Done     bool
}

func (s *Server) passwordPage(a *appRequest) passwordPage {
	return passwordPage{appLayout: a.layout(a.M.T("app.password.title")), MinChars: auth.MinPasswordChars}
}

// handlePasswordForm asks for the current password and the new one twice.
func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p := s.passwordPage(a)
	p.Done = r.URL.Query().Get("done") == "1"
	return s.render(w, http.StatusOK, "app/password", p)
}

// handlePasswordChange sets the user's new password once the current one
// is proven. Wrong current passwords count against the sign-in limits of
// the user (passwordPerUser) and the sign-ins' of the client address, so that a browser
// left signed in cannot be used to guess the password. A change ends
// every session of the user and signs this browser in anew (store.ChangePassword).
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p := s.passwordPage(a)
	now := s.db.Now()
	userKey := strconv.FormatInt(a.User.ID, 10)
	limits := []guessLimit{{s.limits.passwordUser, userKey}, {s.limits.loginIP, s.clientKey(r)}}
	if wait := s.guessWait(w, limitPassword, now, limits...); wait > 0 {
		p.Error = a.M.T("app.password.too_many", "wait", loginWaitText(a.M, wait))
		return s.render(w, http.StatusTooManyRequests, "app/password", p)
	}
	current, next := r.PostFormValue("current"), r.PostFormValue("new")
	ok, err := s.checkLogin(a.User, current)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		s.guessFailed(now, limits...)
		p.Error = a.M.T("app.password.wrong")
	case next != r.PostFormValue("confirm"):
		p.Error = a.M.T("app.password.mismatch")
	case auth.ValidatePassword(next) != nil:
		p.Error = a.M.T("app.password.rules", "min", auth.MinPasswordChars, "max", auth.MaxPasswordBytes)
	}
	if p.Error != "" {
		return s.render(w, http.StatusUnprocessableEntity, "app/password", p)
	}
	s.limits.passwordUser.forget(userKey)
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	secret, _, err := s.db.ChangePassword(r.Context(), a.User.ID, a.User.PasswordHash, hash)
	if errors.Is(err, nps.ErrConflict) {
		return appHTTPError(http.StatusConflict, err, "app.password.conflict")
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, secret)
	http.Redirect(w, r, "/account/password?done=1", http.StatusSeeOther)
	return nil
}
