package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The REST API under /api/v1: JSON in and out, authenticated by a
// workspace's API token (Authorization: Bearer pmt_…), which decides the
// workspace of every request. A row of another workspace is 404, never
// 403, so that a token learns nothing about other workspaces. Every error
// is application/problem+json (RFC 9457), written by one adapter.

// apiRoute is one route of the API: the table in routes.go registers them
// and TestOpenAPIDocument checks them against openapi.json.
type apiRoute struct {
	method, pattern string
	handler         apiHandler
}

// apiHandler handles an authenticated API request; the token's workspace
// is the one the request may see.
type apiHandler func(w http.ResponseWriter, r *http.Request, token nps.APIToken) error

// Request body limits. A batch of 1,000 responses with comments of a
// thousand characters fits in maxBatchBody; anything above is refused
// before it is read into memory. Other requests are small documents.
const (
	maxBatchBody    = 4 << 20
	maxDocumentBody = 1 << 20
)

// authenticated adapts an apiHandler: it authenticates the bearer token,
// runs the handler, and turns its error into a problem.
//
// The token is looked up first: a valid token is never refused by the
// limit of failed authentications per client address
// (apiFailedAuthPerIP), which a stranger behind the same address could
// otherwise exhaust to lock it out. Only a missing or invalid token
// spends that limit, and is refused with 429 once it is exhausted; a
// valid token spends one request of its own limit (apiPerToken).
func (s *Server) authenticated(h apiHandler) http.Handler {
	return s.apiError(func(w http.ResponseWriter, r *http.Request) error {
		now, ip := s.db.Now(), s.clientKey(r)
		token, err := s.bearerToken(r)
		var he *httpError
		if errors.As(err, &he) && he.status == http.StatusUnauthorized {
			if wait := s.limits.apiFailedAuth.take(ip, now); wait > 0 {
				s.opts.Metrics.RateLimited("api_failed_auth")
				return tooManyRequests(w, wait, "too many requests without a valid API token from this address")
			}
		}
		if err != nil {
			return err
		}
		if wait := s.limits.apiToken.take(strconv.FormatInt(token.ID, 10), now); wait > 0 {
			s.opts.Metrics.RateLimited(limitAPIToken)
			return tooManyRequests(w, wait, "too many requests with this API token")
		}
		r = r.WithContext(store.WithActor(r.Context(), nps.Actor{Kind: nps.ActorToken, TokenID: token.ID,
			Name: token.Name, IP: ipText(s.clientIP(r))}))
		return h(w, r, token)
	})
}

// tooManyRequests sets Retry-After and returns the 429 to answer.
func tooManyRequests(w http.ResponseWriter, wait time.Duration, message string) error {
	setRetryAfter(w, wait)
	return &httpError{status: http.StatusTooManyRequests, message: message + "; retry after the seconds in Retry-After"}
}

// apiError adapts a handler that returns an error: the one place where
// the API's errors become a problem document and a log line.
func (s *Server) apiError(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeProblem(w, r, err)
		}
	})
}

// errUnauthorized answers a missing, malformed, unknown or revoked token
// alike.
var errUnauthorized = &httpError{status: http.StatusUnauthorized,
	message: "a valid API token is required: send the header Authorization: Bearer pmt_…"}

// bearerToken returns the valid token of the request's Authorization
// header.
func (s *Server) bearerToken(r *http.Request) (nps.APIToken, error) {
	scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nps.APIToken{}, errUnauthorized
	}
	token, err := s.db.APITokenBySecret(r.Context(), strings.TrimSpace(secret))
	if errors.Is(err, nps.ErrNotFound) {
		return nps.APIToken{}, &httpError{status: http.StatusUnauthorized, message: errUnauthorized.message, cause: err}
	}
	return token, err
}

// problem is an RFC 9457 problem document. Type is always about:blank,
// whose title is the status's name; detail and errors say what went wrong.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Errors lists every invalid input of a 422: the field and, in a
	// batch, the index of the item.
	Errors []fieldProblem `json:"errors,omitempty"`
}

// fieldProblem is one invalid input.
type fieldProblem struct {
	Index  *int   `json:"index,omitempty"`
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// invalidInput reports input that cannot be accepted, every problem of it.
type invalidInput struct {
	detail   string
	problems []fieldProblem
}

func (e *invalidInput) Error() string {
	var b strings.Builder
	b.WriteString(e.detail)
	for _, p := range e.problems[:min(len(e.problems), 3)] {
		b.WriteString("; ")
		if p.Index != nil {
			fmt.Fprintf(&b, "[%d] ", *p.Index)
		}
		b.WriteString(p.Field + ": " + p.Detail)
	}
	return b.String()
}

// writeProblem answers err as a problem document and logs it. Domain and
// input errors say what is wrong; an internal error's detail is only
// logged.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := problem{Type: "about:blank"}
	var inv *invalidInput
	var be *store.BatchError
	var ve *nps.ValidationError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &inv):
		p.Status, p.Detail, p.Errors = http.StatusUnprocessableEntity, inv.detail, inv.problems
	case errors.As(err, &be):
		p.Status, p.Detail = http.StatusUnprocessableEntity, fmt.Sprintf("%d of the responses cannot be recorded; none was", len(be.Items))
		for _, it := range be.Items {
			p.Errors = append(p.Errors, itemProblem(it.Index, it.Err))
		}
	case errors.As(err, &ve):
		p.Status, p.Detail = http.StatusUnprocessableEntity, ve.Error()
		p.Errors = []fieldProblem{{Field: ve.Field, Detail: ve.Message}}
	case errors.As(err, &tooBig):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body exceeds %d bytes", tooBig.Limit)
	default:
		p.Status, p.Detail = errorStatus(err)
	}
	p.Title = http.StatusText(p.Status)
	s.logError(r, p.Status, err)
	if p.Status == http.StatusUnauthorized {
		// RFC 6750: a request without a token gets the scheme only; one
		// with a bad token learns that it is invalid.
		challenge := `Bearer realm="promotor"`
		if r.Header.Get("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	writeJSON(w, "application/problem+json", p.Status, p)
}

// itemProblem describes the refusal of batch item i. A refusal that is not
// a field's (a closed wave, an opted-out contact) names the field it
// concerns.
func itemProblem(i int, err error) fieldProblem {
	p := fieldProblem{Index: &i}
	var ve *nps.ValidationError
	switch {
	case errors.As(err, &ve):
		p.Field, p.Detail = ve.Field, ve.Message
	case errors.Is(err, nps.ErrWaveClosed):
		p.Field, p.Detail = "wave_id", "the wave is closed"
	case errors.Is(err, nps.ErrOptedOut):
		p.Field, p.Detail = "contact_id", "the contact opted out"
	case errors.Is(err, nps.ErrNotFound):
		// Found missing while recording, after the references were
		// checked: a row deleted in between.
		p.Detail = "refers to a wave, contact, account or invitation that does not exist in this workspace"
	default:
		_, p.Detail = errorStatus(err)
	}
	return p
}

// writeJSON writes v as the response's JSON body with the given status.
func writeJSON(w http.ResponseWriter, contentType string, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("web: encode JSON: %w", err)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// readBody reads a JSON request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (ct != "application/json" && !strings.HasSuffix(ct, "+json")) {
		return nil, &httpError{status: http.StatusUnsupportedMediaType, message: "the request body must be JSON: send Content-Type: application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("web: read request body: %w", err)
	}
	return body, nil
}

// decodeJSON decodes a request body into v strictly: unknown fields,
// values of the wrong type and trailing data are refused with a message
// naming the field.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	if err == nil {
		return nil
	}
	return &invalidInput{detail: "the request body is not acceptable", problems: []fieldProblem{jsonProblem(err)}}
}

// jsonProblem turns an encoding/json error into a field and a message.
func jsonProblem(err error) fieldProblem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fieldProblem{Detail: fmt.Sprintf("is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)}
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[apiTime]():
		return fieldProblem{Field: typ.Field, Detail: fmt.Sprintf("must be a time like \"2025-03-14T09:30:00Z\", got %s", typ.Value)}
	case errors.As(err, &typ):
		return fieldProblem{Field: typ.Field, Detail: fmt.Sprintf("must be %s, got %s", jsonTypeName(typ.Type.Kind().String()), typ.Value)}
	case errors.Is(err, io.EOF):
		return fieldProblem{Detail: "is empty; send a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fieldProblem{Detail: "is not valid JSON: it ends too early"}
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field, _ = strconv.Unquote(field)
		return fieldProblem{Field: field, Detail: "is not a field of this request"}
	}
	return fieldProblem{Detail: "is not acceptable JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// jsonTypeName names a Go kind as the JSON type that decodes into it.
func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "map", kind == "struct":
		return "an object"
	case kind == "slice", kind == "array":
		return "an array"
	}
	return "of another type"
}

// pathID parses the positive integer ID of a path segment; anything else
// names nothing, so it is 404 like an unknown ID.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &httpError{status: http.StatusNotFound, message: fmt.Sprintf("%s %q does not exist", name, r.PathValue(name))}
	}
	return id, nil
}

// apiNoRoute answers a request under /api/v1/ that no route takes: 405
// with the allowed methods when the path exists, else 404. probe holds
// the API's routes, to ask which methods a path has.
func (s *Server) apiNoRoute(routes []apiRoute) http.Handler {
	probe := http.NewServeMux()
	for _, rt := range routes {
		probe.Handle(rt.method+" "+rt.pattern, http.NotFoundHandler())
	}
	probe.Handle("GET /api/v1/openapi.json", http.NotFoundHandler())
	return s.apiError(func(w http.ResponseWriter, r *http.Request) error {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			req := r.Clone(r.Context())
			req.Method = m
			if _, pattern := probe.Handler(req); pattern != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) == 0 {
			return &httpError{status: http.StatusNotFound, message: "no API route " + r.URL.Path + "; see /api/v1/openapi.json"}
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return &httpError{status: http.StatusMethodNotAllowed, message: r.Method + " is not allowed here; use " + strings.Join(allowed, " or ")}
	})
}

//go:embed openapi.json
var openAPIDocument []byte

// handleOpenAPI serves the OpenAPI document; it needs no token, so that
// clients can be generated before one exists.
func handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openAPIDocument)
}
