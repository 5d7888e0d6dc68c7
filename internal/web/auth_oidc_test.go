package web

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/sso"
	"github.com/promotor/promotor/internal/sso/ssotest"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// ssoFixture is the app fixture served over HTTP, with single sign-on
// at an in-process provider, "Test ID".
type ssoFixture struct {
	*appFixture
	op  *ssotest.Provider
	url string // Promotor's address
}

// newSSOFixture trusts the provider with the emails of example.com, the
// domain of the fixture's users.
func newSSOFixture(t *testing.T, db *store.DB) *ssoFixture {
	t.Helper()
	return newSSOFixtureDomains(t, db, "example.com")
}

// newSSOFixtureDomains trusts the provider with the emails of domains.
func newSSOFixtureDomains(t *testing.T, db *store.DB, domains ...string) *ssoFixture {
	t.Helper()
	sf := &ssoFixture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sf.h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	sf.url = srv.URL
	// The provider reads the fixture's clock, which exists once the
	// fixture does, before the first token is issued.
	sf.op = ssotest.New(t, func() time.Time { return sf.clock.now() }, srv.URL+"/login/oidc/callback")
	cfg := sf.op.Config("Test ID")
	cfg.EmailDomains = domains
	p, err := sso.Discover(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sf.appFixture = newAppFixtureWith(t, db, Options{BaseURL: srv.URL, SSO: p})
	return sf
}

// browser is a browser: a client with its own cookies that follows
// redirects, until it reaches a path in stopAt, if any.
func (sf *ssoFixture) browser(t *testing.T, stopAt ...string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		for _, p := range stopAt {
			if req.URL.Path == p {
				return http.ErrUseLastResponse
			}
		}
		return nil
	}}
}

// page is what a browser ended on.
type page struct {
	status int
	url    string // where the browser ended, or the redirect it stopped at
	body   string
}

func (sf *ssoFixture) get(t *testing.T, b *http.Client, target string, headers ...string) page {
	t.Helper()
	if strings.HasPrefix(target, "/") {
		target = sf.url + target
	}
	req, err := http.NewRequest("GET", target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	resp, err := b.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, url: resp.Request.URL.String(), body: string(body)}
	if loc := resp.Header.Get("Location"); loc != "" {
		p.url = loc
	}
	return p
}

// signedIn reports who b is signed in as in Promotor ("" for nobody).
func (sf *ssoFixture) signedIn(t *testing.T, b *http.Client) string {
	t.Helper()
	u, _ := url.Parse(sf.url)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name != sessionCookie {
			continue
		}
		if user, err := sf.db.SessionUser(context.Background(), c.Value); err == nil {
			return user.Email
		}
	}
	return ""
}

// signInAs has the provider sign l in and runs the whole flow in b,
// starting at the sign-in page's button with next.
func (sf *ssoFixture) signInAs(t *testing.T, b *http.Client, l ssotest.Login, next string, headers ...string) page {
	t.Helper()
	sf.op.Next(l)
	return sf.get(t, b, "/login/oidc?next="+url.QueryEscape(next), headers...)
}

// wantAudit checks that acme's audit log has n entries of action by
// actor, each with detail.
func (sf *ssoFixture) wantAudit(t *testing.T, what string, n int, action nps.AuditAction, actor, detail string) {
	t.Helper()
	page, err := sf.db.AuditLog(context.Background(), sf.acme.ID, store.AuditFilter{Action: action, Actor: actor})
	if err != nil {
		t.Fatal(err)
	}
	ok := len(page.Entries) == n
	for _, e := range page.Entries {
		ok = ok && e.Detail == detail
	}
	if !ok {
		t.Errorf("%s: %s entries by %s %+v, want %d with detail %q", what, action, actor, page.Entries, n, detail)
	}
}

// wantRefused checks that p is the sign-in page with message key of the
// provider "Test ID", in English, and that b is signed in as nobody.
func (sf *ssoFixture) wantRefused(t *testing.T, what string, b *http.Client, p page, status int, key string, args ...any) {
	t.Helper()
	msg := catalog.Messages("en").T(key, append([]any{"name", "Test ID"}, args...)...)
	if p.status != status || !strings.Contains(html.UnescapeString(p.body), msg) || !strings.Contains(p.body, `id="sso"`) {
		t.Errorf("%s: got %d at %s, want %d and the sign-in page with %q\n%s", what, p.status, p.url, status, msg, appExcerpt(p.body))
	}
	if who := sf.signedIn(t, b); who != "" {
		t.Errorf("%s: signed in as %s, want nobody", what, who)
	}
}

func TestSSOSignIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		sf := newSSOFixture(t, db)
		ctx := context.Background()
		analyst := sf.users["analyst"]

		b := sf.browser(t)
		login := sf.get(t, b, "/login?next=%2Fw%2Facme%2Fsurveys")
		if !strings.Contains(login.body, `<a class="button" id="sso" href="/login/oidc?next=%2fw%2facme%2fsurveys">Sign in with Test ID</a>`) ||
			!strings.Contains(login.body, `name="password"`) {
			t.Errorf("sign-in page: want the button with next and the password form\n%s", appExcerpt(login.body))
		}

		// The first half: to the provider, with the cookie that keeps the
		// sign-in's secrets.
		req := httptest.NewRequest("GET", "/login/oidc?next=%2Fw%2Facme%2Fsurveys", nil)
		rec := httptest.NewRecorder()
		sf.h.ServeHTTP(rec, req)
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, sf.op.URL+"/auth?") {
			t.Errorf("GET /login/oidc: got %d %q, want a redirect to the provider", rec.Code, loc)
		}
		var flow *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == oidcCookie {
				flow = c
			}
		}
		if flow == nil || !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode || flow.Path != "/login/oidc" ||
			flow.MaxAge != 600 || flow.Secure {
			t.Errorf("the sign-in's cookie over plain HTTP: got %+v, want HttpOnly, SameSite=Lax, Path=/login/oidc, 10 minutes, not Secure", flow)
		}

		// The whole flow signs in by the verified email, goes where it
		// was going, and links the identity.
		got := sf.signInAs(t, b, ssotest.Login{Subject: "sub-analyst", Email: "Analyst@Example.com", EmailVerified: true}, "/w/acme/surveys?page=2")
		if got.status != http.StatusOK || got.url != sf.url+"/w/acme/surveys?page=2" || sf.signedIn(t, b) != "analyst@example.com" {
			t.Fatalf("sign in: got %d at %s as %q, want 200 at /w/acme/surveys?page=2 as the analyst\n%s", got.status, got.url, sf.signedIn(t, b), appExcerpt(got.body))
		}
		if u, err := db.UserByOIDC(ctx, sf.op.URL, "sub-analyst"); err != nil || u.ID != analyst.ID {
			t.Errorf("the link after the first sign-in: got %+v, %v, want the analyst", u, err)
		}
		// The link and the sign-in are in the analyst's audit log, by the
		// analyst, the sign-in naming the provider.
		host := strings.TrimPrefix(sf.op.URL, "http://")
		sf.wantAudit(t, "the first sign-in", 1, nps.AuditSSOLink, "analyst@example.com", sf.op.URL)
		sf.wantAudit(t, "the first sign-in", 1, nps.AuditSignIn, "analyst@example.com", "sso "+host)
		// Signed in, the button moves on, as /login does.
		if got := sf.get(t, b, "/login/oidc?next=%2Fw%2Facme%2Fsurveys"); got.status != http.StatusOK || got.url != sf.url+"/w/acme/surveys" {
			t.Errorf("GET /login/oidc signed in: got %d at %s", got.status, got.url)
		}

		// Another browser, which carries a session planted before the
		// provider's answer: the link finds the analyst whatever email the
		// provider sends now, and the planted session is ended (no
		// fixation).
		b2 := sf.browser(t, "/login/oidc/callback")
		callback := sf.signInAs(t, b2, ssotest.Login{Subject: "sub-analyst", Email: "anna@elsewhere.example"}, "/")
		u, _ := url.Parse(sf.url)
		b2.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sf.secrets["viewer"], Path: "/"}})
		b2.CheckRedirect = nil
		got = sf.get(t, b2, callback.url)
		if got.status != http.StatusOK || sf.signedIn(t, b2) != "analyst@example.com" {
			t.Errorf("sign in by the link with another email: got %d as %q, want the analyst", got.status, sf.signedIn(t, b2))
		}
		if _, err := db.SessionUser(ctx, sf.secrets["viewer"]); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("the session planted before the sign-in: got %v, want it ended", err)
		}

		// Nobody else gets in, and the pages do not tell an unknown email
		// from an unverified or taken one.
		var refusals []string
		for _, c := range []struct {
			name  string
			login ssotest.Login
		}{
			{"an unknown email", ssotest.Login{Subject: "sub-x", Email: "nobody@example.com", EmailVerified: true}},
			{"an unverified email", ssotest.Login{Subject: "sub-viewer", Email: "viewer@example.com"}},
			{"no email", ssotest.Login{Subject: "sub-viewer"}},
			{"the email of a user linked to another subject", ssotest.Login{Subject: "sub-new", Email: "analyst@example.com", EmailVerified: true}},
		} {
			b := sf.browser(t)
			got := sf.signInAs(t, b, c.login, "/w/acme/surveys")
			sf.wantRefused(t, c.name, b, got, http.StatusForbidden, "sso.refused.unknown")
			refusals = append(refusals, got.body)
			if _, err := db.UserByOIDC(ctx, sf.op.URL, c.login.Subject); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("%s: the subject is linked (%v), want no link", c.name, err)
			}
		}
		// Of those, only the analyst is known: their refusal is recorded,
		// once; nobody is linked anew.
		sf.wantAudit(t, "the refusals", 1, nps.AuditSignInFailed, "analyst@example.com", "sso")
		sf.wantAudit(t, "the refusals", 1, nps.AuditSSOLink, "analyst@example.com", sf.op.URL)
		for i := range refusals[1:] {
			if refusals[i+1] != refusals[0] {
				t.Errorf("refusal %d differs from the first:\n%s\n%s", i+1, appExcerpt(refusals[0]), appExcerpt(refusals[i+1]))
			}
		}

		// In Dutch for a Dutch browser.
		got = sf.signInAs(t, sf.browser(t), ssotest.Login{Subject: "sub-x"}, "/", "Accept-Language: nl")
		if want := catalog.Messages("nl").T("sso.refused.unknown", "name", "Test ID"); !strings.Contains(html.UnescapeString(got.body), want) ||
			!strings.Contains(got.body, "Aanmelden met Test ID") {
			t.Errorf("refusal in Dutch: want %q and the Dutch button\n%s", want, appExcerpt(got.body))
		}
	})
}

// TestSSOEmailDomains: a first sign-in is linked by its verified email
// only when the operator trusts the provider with the email's domain;
// without any such domain nobody is linked by email, which the log tells
// the operator how to change, while identities linked already keep
// signing in.
func TestSSOEmailDomains(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		sf := newSSOFixtureDomains(t, db)
		var logs bytes.Buffer
		sf.srv.log = slog.New(slog.NewTextHandler(&logs, nil))
		ctx := context.Background()
		analyst := ssotest.Login{Subject: "sub-analyst", Email: "analyst@example.com", EmailVerified: true}
		unknown := ssotest.Login{Subject: "sub-x", Email: "nobody@example.com", EmailVerified: true}

		var pages []string
		for _, l := range []ssotest.Login{analyst, unknown} {
			b := sf.browser(t)
			got := sf.signInAs(t, b, l, "/w/acme/surveys")
			sf.wantRefused(t, "linking off, "+l.Email, b, got, http.StatusForbidden, "sso.refused.link_off")
			pages = append(pages, got.body)
			if _, err := db.UserByOIDC(ctx, sf.op.URL, l.Subject); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("linking off, %s: the subject is linked (%v), want no link", l.Email, err)
			}
		}
		if pages[0] != pages[1] {
			t.Errorf("linking off: a user's refusal differs from a stranger's:\n%s\n%s", appExcerpt(pages[0]), appExcerpt(pages[1]))
		}
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "--oidc-email-domains") {
			t.Errorf("linking off: want a warning that names --oidc-email-domains:\n%s", logs.String())
		}
		// The analyst's refusal is in their audit log; the stranger's
		// names nobody.
		sf.wantAudit(t, "linking off", 1, nps.AuditSignInFailed, "analyst@example.com", "sso")
		sf.wantAudit(t, "linking off", 0, nps.AuditSSOLink, "analyst@example.com", "")
		got := sf.signInAs(t, sf.browser(t), analyst, "/", "Accept-Language: nl")
		if want := catalog.Messages("nl").T("sso.refused.link_off", "name", "Test ID"); !strings.Contains(html.UnescapeString(got.body), want) {
			t.Errorf("linking off in Dutch: want %q\n%s", want, appExcerpt(got.body))
		}

		// An identity linked before signs in all the same.
		if err := db.LinkOIDC(ctx, sf.users["analyst"].ID, sf.op.URL, "sub-analyst"); err != nil {
			t.Fatal(err)
		}
		b := sf.browser(t)
		if got := sf.signInAs(t, b, analyst, "/w/acme/surveys"); got.status != http.StatusOK || sf.signedIn(t, b) != "analyst@example.com" {
			t.Errorf("a linked identity with linking off: got %d as %q, want the analyst", got.status, sf.signedIn(t, b))
		}

		// Domains of others are no domain of the users'.
		sf = newSSOFixtureDomains(t, storetest.Open(t, db.Dialect()), "acme.example", "example.nl")
		b = sf.browser(t)
		sf.wantRefused(t, "a domain not trusted", b, sf.signInAs(t, b, analyst, "/w/acme/surveys"), http.StatusForbidden,
			"sso.refused.domain", "domain", "example.com")
		if _, err := sf.db.UserByOIDC(ctx, sf.op.URL, analyst.Subject); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("a domain not trusted: the subject is linked (%v), want no link", err)
		}
	})
}

func TestSSORefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		sf := newSSOFixture(t, db)
		analyst := ssotest.Login{Subject: "sub-analyst", Email: "analyst@example.com", EmailVerified: true}
		spoilt := func(change func(map[string]any)) ssotest.Login {
			l := analyst
			l.Claims = change
			return l
		}
		for _, c := range []struct {
			name   string
			login  ssotest.Login
			status int
			key    string
			args   []any
		}{
			{"access denied", ssotest.Login{Error: "access_denied"}, http.StatusForbidden, "sso.refused.denied", nil},
			{"another provider error", ssotest.Login{Error: "login_required"}, http.StatusBadRequest, "sso.refused.provider", []any{"code", "login_required"}},
			{"an error code that is not one", ssotest.Login{Error: "<script>x</script>"}, http.StatusBadRequest, "sso.refused.provider", []any{"code", "?"}},
			{"wrong audience", spoilt(func(c map[string]any) { c["aud"] = "another-app" }), http.StatusUnauthorized, "sso.refused.token", nil},
			{"expired token", spoilt(func(c map[string]any) { c["exp"] = appT0.Add(-time.Second).Unix() }), http.StatusUnauthorized, "sso.refused.token", nil},
			{"missing nonce", spoilt(func(c map[string]any) { delete(c, "nonce") }), http.StatusUnauthorized, "sso.refused.token", nil},
			{"another sign-in's nonce", spoilt(func(c map[string]any) { c["nonce"] = "from-another-sign-in" }), http.StatusUnauthorized, "sso.refused.token", nil},
			{"another issuer", spoilt(func(c map[string]any) { c["iss"] = "https://evil.example" }), http.StatusUnauthorized, "sso.refused.token", nil},
		} {
			b := sf.browser(t)
			sf.wantRefused(t, c.name, b, sf.signInAs(t, b, c.login, "/w/acme/surveys"), c.status, c.key, c.args...)
		}

		// The provider's answer, caught on its way to the callback.
		answer := func() (*http.Client, string) {
			b := sf.browser(t, "/login/oidc/callback")
			got := sf.signInAs(t, b, analyst, "/w/acme/surveys")
			if got.status != http.StatusFound || !strings.HasPrefix(got.url, sf.url+"/login/oidc/callback?") {
				t.Fatalf("the provider's answer: got %d %s, want a redirect to the callback", got.status, got.url)
			}
			b.CheckRedirect = nil
			return b, got.url
		}

		// A replayed answer: after its sign-in, in the same browser (the
		// session stays, nothing new) and in another.
		b, callback := answer()
		if got := sf.get(t, b, callback); got.status != http.StatusOK || sf.signedIn(t, b) != "analyst@example.com" {
			t.Fatalf("the answer: got %d as %q", got.status, sf.signedIn(t, b))
		}
		exchanges := sf.op.Exchanges()
		if got := sf.get(t, b, callback); got.status != http.StatusBadRequest {
			t.Errorf("the answer replayed in its browser: got %d, want 400", got.status)
		}
		replay := sf.browser(t)
		sf.wantRefused(t, "the answer replayed in another browser", replay, sf.get(t, replay, callback), http.StatusBadRequest, "sso.refused.state")

		// A foreign state: the attacker's answer in a victim's browser
		// that began a sign-in of its own (login CSRF), or none.
		_, attackers := answer()
		victim, _ := answer()
		sf.wantRefused(t, "a foreign answer in a browser that began a sign-in", victim, sf.get(t, victim, attackers), http.StatusBadRequest, "sso.refused.state")
		sf.wantRefused(t, "a foreign answer in a browser that began none", sf.browser(t), sf.get(t, sf.browser(t), attackers), http.StatusBadRequest, "sso.refused.state")
		// The right state without a code, and a code that is not the
		// provider's.
		for name, change := range map[string]func(url.Values){
			"no code":      func(q url.Values) { q.Del("code") },
			"another code": func(q url.Values) { q.Set("code", "made-up") },
			"no state":     func(q url.Values) { q.Del("state") },
		} {
			b, callback := answer()
			u, _ := url.Parse(callback)
			q := u.Query()
			change(q)
			u.RawQuery = q.Encode()
			status, key := http.StatusBadGateway, "sso.refused.exchange"
			if name == "no state" {
				status, key = http.StatusBadRequest, "sso.refused.state"
			}
			sf.wantRefused(t, name, b, sf.get(t, b, u.String()), status, key)
		}
		// A sign-in that took too long.
		b, callback = answer()
		sf.clock.add(oidcFlowLifetime + time.Second)
		sf.wantRefused(t, "a sign-in older than its lifetime", b, sf.get(t, b, callback), http.StatusBadRequest, "sso.refused.state")
		if got := sf.op.Exchanges(); got != exchanges {
			t.Errorf("refusals of the state: %d codes exchanged, want none", got-exchanges)
		}
	})
}

// TestSSORoutes tries the single sign-on routes as every kind of
// visitor: they are public, like /login; without a provider they are not
// found.
func TestSSORoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		sf := newSSOFixture(t, db)
		s := &Server{}
		tries := map[string]struct {
			path   string
			status int
		}{
			"GET /login/oidc":          {"/login/oidc?next=%2Fw%2Facme%2F", http.StatusSeeOther},
			"GET /login/oidc/callback": {"/login/oidc/callback?state=x&code=y", http.StatusBadRequest},
		}
		for _, rt := range s.ssoRoutes() {
			if want, ok := wantRoles[rt.pattern]; !ok || want != "" {
				t.Errorf("route %s: wantRoles has %q, %v, want it public (\"\")", rt.pattern, want, ok)
			}
			try, ok := tries[rt.pattern]
			if !ok {
				t.Errorf("route %s is not tried", rt.pattern)
				continue
			}
			for _, actor := range []string{"", "outsider", "viewer", "member", "analyst", "owner"} {
				rec := sf.do("GET", try.path, nil, actor)
				if rec.Code != try.status {
					t.Errorf("%s as %q: got %d, want %d", try.path, actor, rec.Code, try.status)
				}
				// Signed out, the start goes to the provider; signed
				// in, on to where it was going.
				loc := rec.Header().Get("Location")
				if rt.pattern == "GET /login/oidc" && (actor == "") != strings.HasPrefix(loc, sf.op.URL) {
					t.Errorf("%s as %q: sent to %q", try.path, actor, loc)
				}
			}
		}

		plain := newAppFixture(t, storetest.Open(t, db.Dialect()))
		for _, path := range []string{"/login/oidc", "/login/oidc/callback?state=x&code=y"} {
			if rec := plain.do("GET", path, nil, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s without single sign-on: got %d, want 404", path, rec.Code)
			}
		}
		if rec := plain.do("GET", "/login", nil, ""); strings.Contains(rec.Body.String(), `id="sso"`) {
			t.Error("sign-in page without single sign-on: got the button, want none")
		}
	})
}
