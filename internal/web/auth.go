package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// appMaxFormBytes bounds a signed-in form's body: a survey with all its texts
// in two languages is well under it, and a huge post is refused before it
// is parsed.
const appMaxFormBytes = 256 << 10

// errLoginWrong is the key of the one message for every failed sign-in,
// so that the page does not tell whether an email has an account.
const errLoginWrong = "app.login.wrong"

// loginPage is the data of the sign-in page.
type loginPage struct {
	appLayout
	Email string
	Next  string
	Error string
	// SSO names the single sign-on provider of the button (auth_oidc.go);
	// empty for none.
	SSO string
}

// handleLoginForm shows the sign-in form; a signed-in visitor goes on to
// where they were going.
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	next := loginNextPath(r.URL.Query().Get("next"))
	if done, err := s.signedInGoOn(w, r, next); done || err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/login", loginPage{appLayout: loginLayout(r), Next: next, SSO: s.ssoName()})
}

// signedInGoOn sends a visitor who is signed in already on to next, and
// reports whether it did: the sign-in pages have nothing to ask them.
func (s *Server) signedInGoOn(w http.ResponseWriter, r *http.Request, next string) (bool, error) {
	_, ok, err := s.sessionUser(r)
	if ok && err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
	return ok, err
}

// loginLayout is the layout of the sign-in page: in the browser's
// language, as there is no user yet.
func loginLayout(r *http.Request) appLayout {
	m := appMessages(r, nps.User{})
	return appLayout{Title: m.T("app.login.title"), M: m}
}

// handleLogin checks an email and password and signs the browser in.
//
// It does the same work whether or not the email has an account (an
// unknown email is checked against a dummy hash) and answers both with
// the same message, so that neither the page nor its timing tells which
// emails have accounts. Failures are limited per email and per client
// address (loginPerEmail, loginPerIP).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	email := nps.NormalizeEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	page := loginPage{appLayout: loginLayout(r), Email: email, Next: loginNextPath(r.PostFormValue("next")), SSO: s.ssoName()}

	now := s.db.Now()
	// No account has an email over 254 bytes; cutting the key there keeps
	// made-up long emails from filling the limiter's memory.
	emailKey := email[:min(len(email), 254)]
	limits := []guessLimit{{s.limits.loginEmail, emailKey}, {s.limits.loginIP, s.clientKey(r)}}
	if wait := s.guessWait(w, limitLogin, now, limits...); wait > 0 {
		page.Error = page.T("app.login.too_many", "wait", loginWaitText(page.M, wait))
		return s.render(w, http.StatusTooManyRequests, "app/login", page)
	}

	u, err := s.db.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, nps.ErrNotFound) {
		return err
	}
	ok, err := s.checkLogin(u, password)
	if err != nil {
		return err
	}
	ctx := store.WithActor(r.Context(), s.userActor(r, u))
	if !ok {
		s.guessFailed(now, limits...)
		s.opts.Metrics.LoginFailed()
		// Only a known user's failure is recorded: an email typed without
		// an account may be anyone's, or a password typed in the wrong box.
		if u.ID != 0 {
			if err := s.db.RecordSignInFailure(ctx, u.ID, "password"); err != nil {
				return err
			}
		}
		page.Error = page.T(errLoginWrong)
		return s.render(w, http.StatusUnprocessableEntity, "app/login", page)
	}
	s.limits.loginEmail.forget(emailKey)

	if auth.NeedsRehash(u.PasswordHash) {
		s.rehash(r, u, password)
	}
	return s.startSession(w, r, u, page.Next, "password")
}

// guessLimit is one limit on guessing a password: the limiter that counts
// wrong passwords, and the key they count against. Only a wrong password
// spends it (take); every try waits for it (wait).
type guessLimit struct {
	lim *limiter
	key string
}

// guessWait returns how long until every one of limits lets another
// password be tried, 0 when they all do now. A refusal sets Retry-After
// and is counted in the metrics under the limit's name metric.
func (s *Server) guessWait(w http.ResponseWriter, metric string, now time.Time, limits ...guessLimit) time.Duration {
	var wait time.Duration
	for _, l := range limits {
		wait = max(wait, l.lim.wait(l.key, now))
	}
	if wait > 0 {
		s.opts.Metrics.RateLimited(metric)
		setRetryAfter(w, wait)
	}
	return wait
}

// guessFailed counts a wrong password against every one of limits.
func (s *Server) guessFailed(now time.Time, limits ...guessLimit) {
	for _, l := range limits {
		l.lim.take(l.key, now)
	}
}

// startSession signs the browser in as u, whose password or identity
// provider vouched for them, and sends it on to next. A new session on
// every sign-in, and the old one ended: a session secret planted before
// sign-in (session fixation) is never promoted. The sign-in is audited
// in the session's transaction, with method as its detail ("password",
// "sso login.example.com").
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u nps.User, next, method string) error {
	// The old session's end is audited as the doing of who signs in now.
	ctx := store.WithActor(r.Context(), s.userActor(r, u))
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.db.DeleteSession(ctx, c.Value); err != nil {
			return err
		}
	}
	secret, _, err := s.db.CreateSession(ctx, u.ID, method)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, secret)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// checkLogin reports whether password is u's. For a user that does not
// exist (zero ID) or has no password, the password is checked against the
// dummy hash all the same, so that the time taken tells nothing.
func (s *Server) checkLogin(u nps.User, password string) (bool, error) {
	if len(password) > auth.MaxPasswordBytes {
		// Longer than any password that can be set: no hash needed to
		// know it is wrong, and an attacker's megabyte is not hashed.
		return false, nil
	}
	if u.ID == 0 || u.PasswordHash == "" {
		dummy, err := s.dummyHash()
		if err != nil {
			return false, err
		}
		_, err = auth.CheckPassword(dummy, password)
		return false, err
	}
	return auth.CheckPassword(u.PasswordHash, password)
}

// rehash stores a new hash of the user's password, made with the current
// parameters, once the user proved to know it: raised parameters reach
// every user who signs in. A failure only delays that, so it is logged and
// the sign-in goes on.
func (s *Server) rehash(r *http.Request, u nps.User, password string) {
	h, err := auth.HashPassword(password)
	if err == nil {
		err = s.db.RehashPassword(r.Context(), u.ID, u.PasswordHash, h)
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "rehash password", "user_id", u.ID, "err", err)
	}
}

// handleLogout ends the session and clears the cookie.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		u, _, err := s.sessionUser(r)
		if err != nil {
			return err
		}
		if err := s.db.DeleteSession(store.WithActor(r.Context(), s.userActor(r, u)), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// appHomePage is the data of the page of a signed-in user who belongs to no
// workspace.
type appHomePage struct{ appLayout }

// handleAppHome sends a signed-in user to their first workspace, and anyone
// else to the sign-in page.
func (s *Server) handleAppHome(w http.ResponseWriter, r *http.Request) error {
	u, ok, err := s.sessionUser(r)
	if err != nil {
		return err
	}
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	ms, err := s.db.Memberships(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		m := appMessages(r, u)
		return s.render(w, http.StatusOK, "app/home", appHomePage{appLayout{Title: m.T("app.home.title"), User: u, M: m}})
	}
	http.Redirect(w, r, "/w/"+ms[0].Workspace.Slug+"/dashboard", http.StatusSeeOther)
	return nil
}

// loginNextPath returns next when it is a path on this server, and "/"
// otherwise, so that a link to the sign-in page cannot send the user on
// to another site (an open redirect). "//evil.example" and "/\evil" are
// read by browsers as other hosts, so they are refused too.
func loginNextPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Path == "/login" {
		return "/"
	}
	return next
}

// userActor is the user doing a request, for the audit log.
func (s *Server) userActor(r *http.Request, u nps.User) nps.Actor {
	return nps.Actor{Kind: nps.ActorUser, UserID: u.ID, Name: u.Email, IP: ipText(s.clientIP(r))}
}

// loginWaitText says a wait in whole minutes, rounded up, in the
// language of m.
func loginWaitText(m i18n.Messages, d time.Duration) string {
	n := int((d + time.Minute - 1) / time.Minute)
	if n <= 1 {
		return m.T("app.login.wait_minute")
	}
	return m.T("app.login.wait_minutes", "n", n)
}

// newDummyHash returns the hash of a random password, made with the
// current parameters so that checking it costs what checking a user's
// hash costs.
func newDummyHash() (string, error) { return auth.HashPassword(auth.GeneratePassword()) }
