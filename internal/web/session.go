package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
)

// sessionCookie names the cookie that carries a session's secret.
const sessionCookie = "promotor_session"

// setSessionCookie hands the browser the session's secret. HttpOnly keeps
// it from scripts; SameSite=Lax keeps browsers from sending it with
// cross-site POSTs (the cross-origin check in secure is the other half of
// the CSRF defence) while a link from an email still arrives signed in.
// The cookie lives as long as the session can; the server ends it earlier
// when it is idle or revoked. It is Secure whenever the browser reached the
// server over https (requestHTTPS), also when TLS ends at a proxy in front
// and the request arrives as plain HTTP.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    secret,
		Path:     "/",
		MaxAge:   int(auth.SessionLifetime / time.Second),
		HttpOnly: true,
		Secure:   s.requestHTTPS(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie tells the browser to forget the session cookie.
func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.requestHTTPS(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// sessionUser returns the user signed in with the request's session
// cookie, and whether there is one. A missing, unknown or ended session
// is no error: the visitor is signed out.
func (s *Server) sessionUser(r *http.Request) (nps.User, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nps.User{}, false, nil
	}
	u, err := s.db.SessionUser(r.Context(), c.Value)
	switch {
	case errors.Is(err, nps.ErrNotFound):
		return nps.User{}, false, nil
	case err != nil:
		return nps.User{}, false, err
	}
	return u, true, nil
}
