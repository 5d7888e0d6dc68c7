package web

import (
	"net/http"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// bodyCeiling is the largest request body any route under path accepts:
// the CSV or XLSX import and the brand's logo upload take files, the API's
// batch and bounce routes big documents, everything else a form or a
// document of at most appMaxFormBytes, maxDocumentBody under /api/. Routes
// that need less bound their bodies tighter themselves (the one-click
// POST and the unsubscribe forms take a kilobyte).
func bodyCeiling(path string) int64 {
	switch {
	case path == "/api/v1/responses":
		return maxBatchBody
	case path == "/api/v1/bounces":
		return maxBounceBytes
	case strings.HasPrefix(path, "/api/"):
		return maxDocumentBody
	}
	if rest, ok := strings.CutPrefix(path, "/w/"); ok {
		_, page, _ := strings.Cut(rest, "/")
		switch page {
		case "import":
			return appImportMaxBytes
		case "settings/brand":
			return brandFormBytes
		}
	}
	return appMaxFormBytes
}

// limitBody holds every request to the ceiling of its path before any
// route sees it. A body that says it is larger (Content-Length) is refused
// at once with 413, in the form of the area (problem+json, the survey's
// friendly page, the signed-in area's page), so that no route acts on it,
// not even one that never reads its body. A body without a length
// (chunked) is cut at the ceiling: the route that reads it gets the error
// of http.MaxBytesReader, which each of them answers with 413.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) bool {
	limit := bodyCeiling(r.URL.Path)
	if r.ContentLength <= limit {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		return true
	}
	tooBig := &http.MaxBytesError{Limit: limit}
	switch path := r.URL.Path; {
	case strings.HasPrefix(path, "/api/"):
		s.writeProblem(w, r, tooBig)
	case surveyPath(path):
		w.Header().Set("Cache-Control", "no-store")
		s.surveyError(w, r, &pageError{status: http.StatusRequestEntityTooLarge, kind: "too_large", cause: tooBig})
	default:
		err := appHTTPError(http.StatusRequestEntityTooLarge, tooBig, "app.error.form_too_large")
		if rerr := s.appError(w, r, appLayout{M: appMessages(r, nps.User{})}, err); rerr != nil {
			s.logError(r, http.StatusInternalServerError, rerr)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}
	return false
}

// surveyPath reports whether path is one of the pages respondents and
// customers see without signing in (routes.go), whose errors are the
// survey area's friendly pages.
func surveyPath(path string) bool {
	for _, prefix := range []string{"/s/", "/p/", "/u/", "/y/", "/r/"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}
