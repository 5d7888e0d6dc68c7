package web

import (
	"net/http"
	"strings"
)

// contentSecurityPolicy allows only the server's own scripts, styles and
// images: no inline script, no third-party request, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// hstsHeader asks browsers to use only https for a year. It leaves out
// includeSubDomains and preload: other hosts of the operator's domain may
// not serve https, and that is not Promotor's to decide.
const hstsHeader = "max-age=31536000"

// secure sets the security headers on every response, holds every body
// to its ceiling (limitBody) and rejects cross-origin state-changing
// browser requests (CSRF) with a 403 in the form of the route:
// problem+json under /api/, plain text elsewhere. Requests without browser
// fetch metadata, such as API clients with a bearer token, pass.
func (s *Server) secure(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := &httpError{status: http.StatusForbidden, message: "cross-origin request refused"}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.writeProblem(w, r, err)
			return
		}
		s.logError(r, http.StatusForbidden, err)
		http.Error(w, err.message, err.status)
	}))
	protected := cop.Handler(next)
	hsts := s.baseHTTPS()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Survey links carry their token in the path: never send it on.
		h.Set("Referrer-Policy", "no-referrer")
		if hsts {
			h.Set("Strict-Transport-Security", hstsHeader)
		}
		// Nearly every answer shows someone's data (a signed-in page, a
		// respondent's answer, an API document, an error naming a
		// workspace), so none is stored by a browser or a proxy unless
		// its route says otherwise: the assets, the QR codes and the
		// OpenAPI document, which are the same for everyone.
		h.Set("Cache-Control", "no-store")
		if !s.limitBody(w, r) {
			return
		}
		protected.ServeHTTP(w, r)
	})
}
