package web

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/sso"
	"github.com/promotor/promotor/internal/store"
)

// Single sign-on through an OpenID Connect provider (internal/sso does the
// protocol). GET /login/oidc sends the browser to the provider with a new
// state, nonce and PKCE verifier, which a short-lived cookie keeps; the
// provider sends it back to GET /login/oidc/callback, which takes the
// cookie (once: a replayed answer finds none), checks the state, has sso
// exchange the code and verify the ID token, and signs in the Promotor
// user the provider vouched for with the same session as a password.
//
// Only existing users sign in: the one linked to the token's issuer and
// subject, else the one with the token's email when the provider says it
// verified that email and the email's domain is one the operator trusts
// the provider with (--oidc-email-domains), who is then linked so that a
// later change of email at the provider neither locks them out nor lets
// the email's next holder in. Without trusted domains nobody is linked
// by email: at a public or multi-tenant provider whoever controls an
// account there may show a verified email of any domain. Nobody is
// created: a workspace and a role cannot be read from a provider's
// account safely.

// oidcCookie names the cookie that carries a sign-in from /login/oidc to
// its callback. It is sent to those two paths only.
const (
	oidcCookie     = "promotor_oidc"
	oidcCookiePath = "/login/oidc"
)

// oidcFlowLifetime is how long a sign-in at the provider may take.
const oidcFlowLifetime = 10 * time.Minute

// oidcFlow is what the cookie keeps: the secrets the provider's answer
// is checked against, where to go after signing in, and when it began.
// It lives only in the browser that began the sign-in, HttpOnly; an
// answer is accepted only with the state this browser sent, so that a
// code obtained by someone else cannot sign this browser in.
type oidcFlow struct {
	sso.Request
	Next    string `json:"next"`
	Started int64  `json:"started"`
}

// handleOIDCStart begins a sign-in at the provider; a signed-in visitor
// goes on to where they were going, as at /login.
func (s *Server) handleOIDCStart(w http.ResponseWriter, r *http.Request) error {
	if s.opts.SSO == nil {
		return fmt.Errorf("web: single sign-on is not configured: %w", nps.ErrNotFound)
	}
	next := loginNextPath(r.URL.Query().Get("next"))
	if done, err := s.signedInGoOn(w, r, next); done || err != nil {
		return err
	}
	req, authURL := s.opts.SSO.Start()
	b, err := json.Marshal(oidcFlow{Request: req, Next: next, Started: s.db.Now().Unix()})
	if err != nil {
		return fmt.Errorf("web: single sign-on: %w", err)
	}
	// SameSite=Lax: the provider's redirect back is a top-level GET,
	// which brings the cookie along, while other sites' requests do not.
	http.SetCookie(w, &http.Cookie{
		Name:     oidcCookie,
		Value:    base64.RawURLEncoding.EncodeToString(b),
		Path:     oidcCookiePath,
		MaxAge:   int(oidcFlowLifetime / time.Second),
		HttpOnly: true,
		Secure:   s.requestHTTPS(r),
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

// takeOIDCFlow returns the sign-in the request's cookie carries and
// clears the cookie, so that each answer of the provider is taken once.
// A missing, unreadable or expired cookie is no sign-in (false).
func (s *Server) takeOIDCFlow(w http.ResponseWriter, r *http.Request) (oidcFlow, bool) {
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return oidcFlow{}, false
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Path: oidcCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: s.requestHTTPS(r), SameSite: http.SameSiteLaxMode})
	var f oidcFlow
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(b, &f) != nil || f.State == "" {
		return oidcFlow{}, false
	}
	if age := s.db.Now().Sub(time.Unix(f.Started, 0)); age < 0 || age > oidcFlowLifetime {
		return oidcFlow{}, false
	}
	f.Next = loginNextPath(f.Next)
	return f, true
}

// oidcErrorCode is the shape of an OAuth error code; a provider's answer
// that is not one is not shown.
var oidcErrorCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

// handleOIDCCallback takes the provider's answer: it signs the user in,
// or shows the sign-in page with why not, having signed nobody in.
func (s *Server) handleOIDCCallback(w http.ResponseWriter, r *http.Request) error {
	p := s.opts.SSO
	if p == nil {
		return fmt.Errorf("web: single sign-on is not configured: %w", nps.ErrNotFound)
	}
	flow, ok := s.takeOIDCFlow(w, r)
	q := r.URL.Query()
	state := q.Get("state")
	if !ok || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(flow.State)) != 1 {
		return s.oidcRefuse(w, r, "/", http.StatusBadRequest, errors.New("no sign-in of this browser has this state"), "sso.refused.state")
	}
	if code := q.Get("error"); code != "" {
		cause := fmt.Errorf("the provider answered %q: %q", code, q.Get("error_description"))
		if code == "access_denied" {
			return s.oidcRefuse(w, r, flow.Next, http.StatusForbidden, cause, "sso.refused.denied")
		}
		if !oidcErrorCode.MatchString(code) {
			code = "?"
		}
		return s.oidcRefuse(w, r, flow.Next, http.StatusBadRequest, cause, "sso.refused.provider", "code", code)
	}
	ctx, cancel := context.WithTimeout(r.Context(), sso.RequestTimeout)
	defer cancel()
	id, err := p.Finish(ctx, flow.Request, q.Get("code"))
	switch {
	case errors.Is(err, sso.ErrToken):
		return s.oidcRefuse(w, r, flow.Next, http.StatusUnauthorized, err, "sso.refused.token")
	case err != nil:
		return s.oidcRefuse(w, r, flow.Next, http.StatusBadGateway, err, "sso.refused.exchange")
	}
	u, err := s.oidcUser(ctx, r, id)
	switch {
	case errors.Is(err, errSSOLinkOff):
		return s.oidcRefuse(w, r, flow.Next, http.StatusForbidden, err, "sso.refused.link_off")
	case errors.Is(err, errSSODomain):
		return s.oidcRefuse(w, r, flow.Next, http.StatusForbidden, err, "sso.refused.domain", "domain", emailDomainOf(id.Email))
	case errors.Is(err, nps.ErrNotFound) || errors.Is(err, nps.ErrConflict):
		return s.oidcRefuse(w, r, flow.Next, http.StatusForbidden, err, "sso.refused.unknown")
	case err != nil:
		return err
	}
	return s.startSession(w, r, u, flow.Next, "sso "+ssoHost(p.Issuer()))
}

// The refusals of a first sign-in that the email's domain decides.
var (
	errSSOLinkOff = errors.New("linking by verified email is off: set --oidc-email-domains (env PROMOTOR_OIDC_EMAIL_DOMAINS) to the email domains this provider alone vouches for")
	errSSODomain  = errors.New("the email's domain is not in --oidc-email-domains")
)

// oidcUser returns the Promotor user the provider vouched for: the one
// linked to the identity, else the one with its email, if verified and
// of a trusted domain, whom it links (auth.sso_link). Anyone else is
// nps.ErrNotFound, errSSOLinkOff or errSSODomain; a user linked to
// another identity of the issuer already is nps.ErrConflict. The page of
// a refusal by the email's domain does not depend on whether the email
// has an account; a known user's refusal is recorded in their audit log
// (auth.sign_in_failed, "sso"), as a wrong password is.
func (s *Server) oidcUser(ctx context.Context, r *http.Request, id sso.Identity) (nps.User, error) {
	u, err := s.db.UserByOIDC(ctx, id.Issuer, id.Subject)
	if !errors.Is(err, nps.ErrNotFound) {
		return u, err
	}
	if !id.EmailVerified || id.Email == "" {
		return nps.User{}, fmt.Errorf("web: subject %q of %s is linked to no user, and the token has no verified email: %w",
			id.Subject, id.Issuer, nps.ErrNotFound)
	}
	refusal := s.emailLinkRefusal(id)
	u, err = s.db.UserByEmail(ctx, id.Email)
	switch {
	case errors.Is(err, nps.ErrNotFound) && refusal != nil:
		return nps.User{}, refusal
	case err != nil:
		return nps.User{}, err
	}
	ctx = store.WithActor(ctx, s.userActor(r, u))
	if refusal == nil {
		refusal = s.db.LinkOIDC(ctx, u.ID, id.Issuer, id.Subject)
		if refusal == nil {
			return u, nil
		}
		if !errors.Is(refusal, nps.ErrConflict) {
			return nps.User{}, refusal
		}
	}
	if err := s.db.RecordSignInFailure(ctx, u.ID, "sso"); err != nil {
		return nps.User{}, err
	}
	return nps.User{}, refusal
}

// emailLinkRefusal returns why the identity may not be linked by its
// verified email (errSSOLinkOff, errSSODomain), or nil when it may.
func (s *Server) emailLinkRefusal(id sso.Identity) error {
	domains := s.opts.SSO.EmailDomains()
	if len(domains) == 0 {
		return fmt.Errorf("web: subject %q of %s is linked to no user: %w", id.Subject, id.Issuer, errSSOLinkOff)
	}
	if d := emailDomainOf(id.Email); !slices.Contains(domains, d) {
		return fmt.Errorf("web: subject %q of %s is linked to no user, and %q: %w", id.Subject, id.Issuer, d, errSSODomain)
	}
	return nil
}

// ssoHost is the host of an issuer URL, which names the provider in the
// sign-in's audit entry.
func ssoHost(issuer string) string {
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		return u.Host
	}
	return issuer
}

// emailDomainOf returns the domain of an email, in lower case.
func emailDomainOf(email string) string {
	return strings.ToLower(email[strings.LastIndexByte(email, '@')+1:])
}

// oidcRefuse shows the sign-in page with the message key (args are
// name, value pairs after the provider's name) and logs the cause, the
// detail that the page does not show. A token that fails verification
// or a provider that fails the exchange is logged as a warning, as it
// points at the configuration (a wrong client ID, clocks apart), and so
// is linking by email being off, which the operator may have to set up;
// the other refusals are what a user did or an outsider tried.
func (s *Server) oidcRefuse(w http.ResponseWriter, r *http.Request, next string, status int, cause error, key string, args ...any) error {
	level := slog.LevelInfo
	if status == http.StatusUnauthorized || status >= 500 || errors.Is(cause, errSSOLinkOff) {
		level = slog.LevelWarn
	}
	s.log.Log(r.Context(), level, "single sign-on refused", "status", status, "err", cause)
	page := loginPage{appLayout: loginLayout(r), Next: next, SSO: s.ssoName()}
	page.Error = page.T(key, append([]any{"name", page.SSO}, args...)...)
	return s.render(w, status, "app/login", page)
}

// ssoName is what the sign-in page's button calls the provider, or ""
// when single sign-on is not configured (no button).
func (s *Server) ssoName() string {
	if s.opts.SSO == nil {
		return ""
	}
	return s.opts.SSO.Name()
}
