package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// The isolation matrix tries every route the server registers (routes)
// as every kind of caller, with the first workspace's rows, another
// workspace's and rows that exist nowhere. Its table (matrixTries) has
// one entry per route pattern; the test fails while a registered route
// has none, so a new route is added to the matrix by adding its entry
// there (and, for a workspace's page, its least role to wantRoles).
//
// An entry's path, query, form and body name rows by placeholders
// ({survey}, {wave}, {invitation}, …), which a try fills with Acme's row
// (own), Globex's row of the same kind (foreign) or a guess. Whom a
// route is tried as follows from its kind:
//
//   - app: nobody, a user of Globex, every role of Acme (checkRouteMatrix);
//     then Acme's owner with each placeholder in turn Globex's row, a
//     guessed one and, in the path, a malformed one (404), and with
//     Globex's slug (404);
//   - api: no token, a revoked and a malformed one (401); Acme's token
//     (status), Globex's token on Acme's rows (404), Acme's token with
//     each placeholder Globex's row or a guess (404);
//   - public: the token of Acme's link (status), of Globex's link (the
//     same status, nothing of Acme), and guessed tokens, well-formed and
//     malformed (404, nothing of either);
//   - operations and auth: the callers and answers the entry lists.
//
// Every response must carry the security headers and no server error,
// and none may show a caller of one workspace text of the other
// (matrixFixture.checked). A refused write of another workspace's
// caller, or with another workspace's rows, must leave that workspace's
// rows as they were.

// matrixTry is the matrix's entry for one route.
type matrixTry struct {
	// status is the answer to a caller the route allows, with Acme's
	// rows.
	status int
	// path is the request's path with placeholders; empty means the
	// pattern's, in workspace acme.
	path        string
	query, form string
	// body is an API request's document, sent as contentType
	// (application/json when empty).
	body, contentType string
	// fresh makes the row a placeholder names anew for every try, for
	// the routes that use one up.
	fresh map[string]func() string
	// refused is the answer when the query, form or body names a row of
	// another workspace or none; 0 means 404. A path's is always 404.
	refused int
	// as lists the callers of an operations or auth route with their
	// answers, "" for nobody.
	as map[string]int
}

// placeholder is a name in braces in a try's path, query, form or body.
var placeholder = regexp.MustCompile(`\{([a-z]+)\}`)

// malformedID is a path segment that is no row's ID or token: bytes
// that are not UTF-8, a NUL, a quote.
const malformedID = "%FF%00%27"

// TestIsolationMatrix runs the matrix on each database; see above.
func TestIsolationMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newMatrixFixture(t, db)
		tries := f.matrixTries()
		s := appMust(New(db, nil, Options{}))(t)
		routes := s.routes()
		byKind := map[routeKind][]route{}
		for _, rt := range routes {
			if _, ok := tries[rt.pattern]; !ok {
				t.Errorf("route %s has no entry in the isolation matrix (matrixTries)", rt.pattern)
			}
			byKind[rt.kind] = append(byKind[rt.kind], rt)
		}
		for pattern := range tries {
			if f.kinds[pattern] == "" {
				t.Errorf("the isolation matrix tries %s, which no route registers", pattern)
			}
		}
		for _, rt := range byKind[routeOps] {
			f.tryAs(t, rt, tries[rt.pattern])
		}
		for _, rt := range byKind[routeAuth] {
			f.tryAs(t, rt, tries[rt.pattern])
		}
		for _, rt := range byKind[routePublic] {
			f.tryPublic(t, rt, tries[rt.pattern])
		}
		for _, rt := range byKind[routeAPI] {
			f.tryAPI(t, rt, tries[rt.pattern])
		}
		f.tryApp(t, byKind[routeApp], tries)
		f.want = ""

		requests, pairs := 0, 0
		for _, callers := range f.counts {
			pairs += len(callers)
			for _, n := range callers {
				requests += n
			}
		}
		for _, kind := range []routeKind{routeOps, routeAuth, routePublic, routeAPI, routeApp} {
			callers := map[string]bool{}
			n := 0
			for _, rt := range byKind[kind] {
				for c, k := range f.counts[rt.pattern] {
					callers[c] = true
					n += k
				}
			}
			t.Logf("%-10s %3d routes × %2d callers, %4d requests", kind, len(byKind[kind]), len(callers), n)
		}
		t.Logf("%d routes; %d route × caller pairs tried; %d requests", len(routes), pairs, requests)
	})
}

// fill returns the try's method, path with query, and body, its
// placeholders filled from values.
func (c matrixTry) fill(pattern string, values map[string]string) (string, string, string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = strings.NewReplacer("{slug}", "acme", "{$}", "").Replace(path)
	if c.path != "" {
		path = c.path
	}
	if c.query != "" {
		path += "?" + c.query
	}
	body := c.form + c.body
	sub := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			if v, ok := values[m[1:len(m)-1]]; ok {
				return v
			}
			return m
		})
	}
	return method, sub(path), sub(body)
}

// names lists the placeholders of the try, and whether each is in the
// path.
func (c matrixTry) names(pattern string) map[string]bool {
	_, target, body := c.fill(pattern, nil)
	path, query, _ := strings.Cut(target, "?")
	names := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(query+"&"+body, -1) {
		names[m[1]] = false
	}
	for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
		names[m[1]] = true
	}
	return names
}

// values returns Acme's values for a try, with its fresh rows made anew.
func (f *matrixFixture) values(c matrixTry) map[string]string {
	v := maps.Clone(f.own)
	for name, make := range c.fresh {
		v[name] = make()
	}
	return v
}

// request sends a request with a raw body through the fixture's handler.
// A form body goes as a same-origin browser's form; headers are
// "Name: value".
func (f *matrixFixture) request(method, target, body, actor string, headers ...string) *httptest.ResponseRecorder {
	if body == "" && method != http.MethodPost {
		return f.doRaw(method, target, nil, actor, headers...)
	}
	if !strings.HasPrefix(target, "/api/") {
		headers = slices.Concat(formHeaders, headers)
	}
	return f.doRaw(method, target, strings.NewReader(body), actor, headers...)
}

// expectStatus fails when rec's status is not want.
func expectStatus(t *testing.T, what string, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Errorf("%s: got status %d, want %d\n%s", what, rec.Code, want, appExcerpt(rec.Body.String()+rec.Header().Get("Location")))
	}
}

// tryAs tries an operations or auth route as the callers its entry lists.
func (f *matrixFixture) tryAs(t *testing.T, rt route, c matrixTry) {
	t.Helper()
	f.want = rt.pattern
	for _, actor := range slices.Sorted(maps.Keys(c.as)) {
		method, path, body := c.fill(rt.pattern, f.values(c))
		// "token" is Acme's API token, any other actor a session.
		cookie, headers := actor, []string{}
		if actor == "token" {
			cookie, headers = "", []string{"Authorization: Bearer " + f.acmeSecret}
		}
		expectStatus(t, fmt.Sprintf("%s %s as %q", method, path, actor), f.request(method, path, body, cookie, headers...), c.as[actor])
	}
	for name := range c.names(rt.pattern) {
		v := f.values(c)
		v[name] = f.guess(v[name])
		method, path, body := c.fill(rt.pattern, v)
		f.label = "guessed " + name
		expectStatus(t, method+" "+path+" guessed", f.request(method, path, body, ""), http.StatusNotFound)
		f.label = ""
	}
}

// guess returns a value of the shape of v that names nothing: each digit
// and letter replaced by a random one of its kind; a number becomes one
// no row has.
func (f *matrixFixture) guess(v string) string {
	if strings.Trim(v, "0123456789") == "" {
		return "987654321"
	}
	const lower, upper, digit = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
	b := []byte(v)
	for i, ch := range b {
		switch {
		case strings.IndexByte(lower, ch) >= 0:
			b[i] = lower[f.rng.IntN(len(lower))]
		case strings.IndexByte(upper, ch) >= 0:
			b[i] = upper[f.rng.IntN(len(upper))]
		case strings.IndexByte(digit, ch) >= 0:
			b[i] = digit[f.rng.IntN(len(digit))]
		}
	}
	return string(b)
}

// noMarkers fails when body holds text of any of markers.
func noMarkers(t *testing.T, what, body string, markers ...[]string) {
	t.Helper()
	for _, m := range slices.Concat(markers...) {
		if strings.Contains(body, m) {
			t.Errorf("%s: the response holds %q\n%s", what, m, appExcerpt(body))
		}
	}
}

// triable reports whether a placeholder names a row, which another
// workspace's row or a guess can stand in for; a fresh form does not.
func (f *matrixFixture) triable(name string) bool {
	_, foreign := f.foreign[name]
	return foreign || f.own[name] != ""
}

// tryPublic tries a public link's route with Acme's token, Globex's and
// guessed ones.
func (f *matrixFixture) tryPublic(t *testing.T, rt route, c matrixTry) {
	t.Helper()
	f.want = rt.pattern
	method, path, body := c.fill(rt.pattern, f.values(c))
	f.label = "Acme's token"
	rec := f.request(method, path, body, "")
	f.label = ""
	expectStatus(t, method+" "+path+" with Acme's token", rec, c.status)
	noMarkers(t, path+" with Acme's token", rec.Body.String(), globexMarkers)

	for name := range c.names(rt.pattern) {
		v := f.values(c)
		v[name] = f.foreign[name]
		method, path, body := c.fill(rt.pattern, v)
		f.label = "Globex's token"
		rec := f.request(method, path, body, "")
		expectStatus(t, method+" "+path+" with Globex's token", rec, c.status)
		noMarkers(t, path+" with Globex's token", rec.Body.String(), acmeMarkers)

		var bodies []string
		for _, g := range []string{f.guess(f.own[name]), malformedID, "x", strings.Repeat("a", 300)} {
			v[name] = g
			method, path, body := c.fill(rt.pattern, v)
			f.label = "guessed token"
			rec := f.request(method, path, body, "")
			expectStatus(t, method+" "+path+" with a guessed token", rec, http.StatusNotFound)
			noMarkers(t, path+" with a guessed token", rec.Body.String(), acmeMarkers, globexMarkers)
			bodies = append(bodies, rec.Body.String())
		}
		if len(slices.Compact(bodies)) != 1 {
			t.Errorf("%s: guessed tokens get different answers, which tell a well-formed token from another", rt.pattern)
		}
		f.label = ""
	}
}

// tryAPI tries an API route without a token, with bad ones, with Acme's
// and Globex's tokens and with each placeholder Globex's row or a guess.
func (f *matrixFixture) tryAPI(t *testing.T, rt route, c matrixTry) {
	t.Helper()
	f.want = rt.pattern
	ct := c.contentType
	if ct == "" {
		ct = "application/json"
	}
	send := func(label, secret string, want int, values map[string]string) {
		method, path, body := c.fill(rt.pattern, values)
		headers := []string{"Content-Type: " + ct}
		if secret != "" {
			headers = append(headers, "Authorization: Bearer "+secret)
		}
		f.label = label
		rec := f.request(method, path, body, "", headers...)
		f.label = ""
		expectStatus(t, method+" "+path+" with "+label, rec, want)
		if want == http.StatusUnauthorized && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s with %s: Content-Type %q, want a problem document", method, path, label, rec.Header().Get("Content-Type"))
		}
	}
	unauthorized := http.StatusUnauthorized
	if rt.pattern == "/api/v1/" {
		// No route: the answer is the same for every caller.
		unauthorized = c.status
	}
	send("no API token", "", unauthorized, f.values(c))
	send("revoked API token", f.revoked, unauthorized, f.values(c))
	send("malformed API token", f.malformed, unauthorized, f.values(c))
	send("API token", f.acmeSecret, c.status, f.values(c))

	names := c.names(rt.pattern)
	refused := func(inPath bool) int {
		if inPath || c.refused == 0 {
			return http.StatusNotFound
		}
		return c.refused
	}
	// Globex's token on Acme's rows is refused; on a route that names
	// none it gets Globex's answer, which holds nothing of Acme.
	globex, anyInPath := c.status, false
	for name, inPath := range names {
		if f.triable(name) {
			globex, anyInPath = refused(inPath || anyInPath), inPath || anyInPath
		}
	}
	send("API token of Globex", f.globexSecret, globex, f.values(c))
	// A session is no API token.
	f.label = "session, no API token"
	method, path, body := c.fill(rt.pattern, f.values(c))
	expectStatus(t, method+" "+path+" with a session", f.request(method, path, body, "owner", "Content-Type: "+ct), unauthorized)
	f.label = ""
	for name, inPath := range names {
		if !f.triable(name) {
			continue
		}
		f.watch = f.globex.ID
		v := f.values(c)
		v[name] = f.foreign[name]
		send("API token, Globex's IDs", f.acmeSecret, refused(inPath), v)
		f.watch = 0
		v[name] = f.guess(f.own[name])
		send("API token, guessed IDs", f.acmeSecret, refused(inPath), v)
	}
	f.watch = 0
}

// tryApp tries the workspace's pages: checkRouteMatrix's callers, then
// Acme's owner with Globex's rows, guessed and malformed ones, and
// Globex's slug.
func (f *matrixFixture) tryApp(t *testing.T, routes []route, tries map[string]matrixTry) {
	t.Helper()
	var table []appRoute
	var rts []routeTry
	for _, rt := range routes {
		c, ok := tries[rt.pattern]
		if !ok {
			continue
		}
		table = append(table, appRoute{pattern: rt.pattern, min: rt.min})
		rts = append(rts, routeTry{rt.pattern, c.status, func() (string, url.Values) {
			f.want = rt.pattern
			_, path, body := c.fill(rt.pattern, f.values(c))
			form, err := url.ParseQuery(body)
			if err != nil {
				t.Fatalf("%s: form %q: %v", rt.pattern, body, err)
			}
			if form == nil && strings.HasPrefix(rt.pattern, "POST ") {
				form = url.Values{}
			}
			return path, form
		}})
	}
	f.checkRouteMatrix(t, table, rts)

	f.trying = "owner"
	for _, rt := range routes {
		c, ok := tries[rt.pattern]
		if !ok {
			continue
		}
		f.want = rt.pattern
		write := !strings.HasPrefix(rt.pattern, "GET ")
		try := func(label string, values map[string]string, want int, watch int64) {
			method, path, body := c.fill(rt.pattern, values)
			f.label, f.watch = "owner, "+label, 0
			if write {
				f.watch = watch
			}
			rec := f.request(method, path, body, "owner")
			f.label, f.watch = "", 0
			expectStatus(t, method+" "+path+" as owner with "+label, rec, want)
		}
		for name, inPath := range c.names(rt.pattern) {
			if !f.triable(name) {
				continue
			}
			want := http.StatusNotFound
			if !inPath && c.refused != 0 {
				want = c.refused
			}
			if foreign, ok := f.foreign[name]; ok {
				v := f.values(c)
				v[name] = foreign
				try("Globex's IDs", v, want, f.globex.ID)
			}
			v := f.values(c)
			v[name] = f.guess(f.own[name])
			try("guessed IDs", v, want, 0)
			if inPath {
				v[name] = malformedID
				try("malformed IDs", v, want, 0)
			}
		}
		v := f.values(c)
		maps.Copy(v, f.foreign)
		method, path, body := c.fill(rt.pattern, v)
		path = strings.Replace(path, "/w/acme/", "/w/globex/", 1)
		f.label, f.watch = "owner, Globex's slug", f.globex.ID
		rec := f.request(method, path, body, "owner")
		f.label, f.watch = "", 0
		expectStatus(t, method+" "+path+" as owner of another workspace", rec, http.StatusNotFound)
	}
}
