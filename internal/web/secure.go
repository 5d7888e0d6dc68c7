package web

import (
	"net/http"
	"strings"
)

// contentSecurityPolicy allows only the server's own scripts, styles and
// images: no inline script, no third-party request, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secure sets the security headers on every response and rejects
// cross-origin state-changing browser requests (CSRF) with a 403 in the
// form of the route: problem+json under /api/, a page elsewhere. Requests
// without browser fetch metadata, such as API clients with a bearer token,
// pass.
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Survey links carry their token in the path: never send it on.
		h.Set("Referrer-Policy", "no-referrer")
		if !s.limitBody(w, r) {
			return
		}
		protected.ServeHTTP(w, r)
	})
}
