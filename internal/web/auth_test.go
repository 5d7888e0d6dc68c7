package web

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

const loginTestPassword = "correct horse battery"

// addLoginUser adds a user with a real password to acme, as an analyst.
func (f *appFixture) addLoginUser(t *testing.T, email string) nps.User {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(loginTestPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := appMust(f.db.CreateUser(ctx, nps.User{Email: email, Name: "Login", PasswordHash: hash}))(t)
	appMust(f.db.AddMember(ctx, f.acme.ID, u.ID, nps.RoleAnalyst))(t)
	return u
}

// login posts the sign-in form with the headers given.
func (f *appFixture) login(email, password, next string, headers ...string) *httptest.ResponseRecorder {
	return f.do("POST", "/login", appForm("email", email, "password", password, "next", next), "", headers...)
}

// sessionCookieOf returns the session cookie a response sets, or nil.
func sessionCookieOf(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

// withCookie sends a GET with the session cookie c.
func (f *appFixture) withCookie(path string, c *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func TestLogin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		f.addLoginUser(t, "login@example.com")

		rec := f.do("GET", "/login?next=%2Fw%2Facme%2Fsurveys", nil, "")
		if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, `<input type="hidden" name="next" value="/w/acme/surveys">`) ||
			!strings.Contains(body, `autocomplete="current-password"`) {
			t.Fatalf("GET /login: got %d\n%s", rec.Code, appExcerpt(body))
		}

		// Wrong password and unknown email: the same answer.
		wrong := f.login("login@example.com", "not the password", "/w/acme/surveys")
		unknown := f.login("nobody@example.com", "not the password", "/w/acme/surveys")
		for name, rec := range map[string]*httptest.ResponseRecorder{"wrong password": wrong, "unknown email": unknown} {
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), catalog.Messages("en").T(errLoginWrong)) || sessionCookieOf(rec) != nil {
				t.Errorf("%s: got %d, cookie %v\n%s", name, rec.Code, sessionCookieOf(rec), appExcerpt(rec.Body.String()))
			}
		}
		if a, b := strings.ReplaceAll(wrong.Body.String(), "login@example.com", "E"), strings.ReplaceAll(unknown.Body.String(), "nobody@example.com", "E"); a != b {
			t.Errorf("a wrong password and an unknown email give different pages:\n%s\n%s", appExcerpt(a), appExcerpt(b))
		}
		if !strings.Contains(wrong.Body.String(), `value="login@example.com"`) {
			t.Error("a failed sign-in does not keep the email")
		}
		// A megabyte of password is refused without hashing it.
		if rec := f.login("login@example.com", strings.Repeat("x", 200_000), "/"); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("huge password: got %d, want 422", rec.Code)
		}

		// The email in another case signs in and goes where it was going.
		rec = f.login("LOGIN@example.com", loginTestPassword, "/w/acme/surveys?page=2")
		c := sessionCookieOf(rec)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/w/acme/surveys?page=2" || c == nil {
			t.Fatalf("sign in: got %d %q, cookie %v", rec.Code, rec.Header().Get("Location"), c)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure ||
			c.MaxAge != int(auth.SessionLifetime/time.Second) || !auth.PlausibleSessionSecret(c.Value) {
			t.Errorf("session cookie over plain HTTP: got %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure, 30 days", c)
		}
		if rec := f.withCookie("/w/acme/surveys", c); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "login@example.com") {
			t.Errorf("signed in: GET /w/acme/surveys got %d", rec.Code)
		}
		// Signed in, the sign-in page moves on.
		if rec := f.withCookie("/login?next=%2Fw%2Facme%2Fsurveys", c); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/w/acme/surveys" {
			t.Errorf("GET /login signed in: got %d %q", rec.Code, rec.Header().Get("Location"))
		}

		// Signing in again replaces the session (no fixation).
		rec = f.login("login@example.com", loginTestPassword, "/", "Cookie: "+sessionCookie+"="+c.Value)
		c2 := sessionCookieOf(rec)
		if c2 == nil || c2.Value == c.Value {
			t.Fatalf("second sign-in: cookie %v, want a new secret", c2)
		}
		if rec := f.withCookie("/w/acme/surveys", c); rec.Code != http.StatusSeeOther {
			t.Errorf("the session before the second sign-in: got %d, want it ended (303)", rec.Code)
		}

		// Signing out ends the session and clears the cookie.
		req := httptest.NewRequest("POST", "/logout", nil)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c2.Value})
		out := httptest.NewRecorder()
		f.h.ServeHTTP(out, req)
		if cleared := sessionCookieOf(out); out.Code != http.StatusSeeOther || out.Header().Get("Location") != "/login" || cleared == nil || cleared.MaxAge >= 0 {
			t.Errorf("sign out: got %d %q, cookie %+v", out.Code, out.Header().Get("Location"), cleared)
		}
		if rec := f.withCookie("/w/acme/surveys", c2); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("after sign out: got %d %q, want a redirect to /login", rec.Code, rec.Header().Get("Location"))
		}
		// Signing out when signed out is fine.
		if rec := f.do("POST", "/logout", appForm(), ""); rec.Code != http.StatusSeeOther {
			t.Errorf("sign out signed out: got %d", rec.Code)
		}
	})
}

// A hash made with other parameters is replaced at sign-in.
func TestLoginRehash(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		old, err := auth.HashPasswordWith(loginTestPassword, auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
		if err != nil {
			t.Fatal(err)
		}
		appMust(db.CreateUser(ctx, nps.User{Email: "old@example.com", PasswordHash: old}))(t)
		if rec := f.login("old@example.com", loginTestPassword, "/"); rec.Code != http.StatusSeeOther {
			t.Fatalf("sign in with an old hash: got %d", rec.Code)
		}
		u := appMust(db.UserByEmail(ctx, "old@example.com"))(t)
		if auth.NeedsRehash(u.PasswordHash) {
			t.Errorf("hash after sign-in: %q, want DefaultParams", u.PasswordHash)
		}
		if ok, _ := auth.CheckPassword(u.PasswordHash, loginTestPassword); !ok {
			t.Error("the new hash does not check the password")
		}
	})
}

func TestLoginCookieSecure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		for _, tc := range []struct {
			name string
			opts Options
			tls  bool
		}{
			{"https base URL", Options{BaseURL: "https://nps.example.com"}, false},
			{"TLS request", Options{}, true},
		} {
			f := newAppFixtureWith(t, db, tc.opts)
			f.addLoginUser(t, "secure-"+strings.ReplaceAll(tc.name, " ", "-")+"@example.com")
			req := httptest.NewRequest("POST", "/login", strings.NewReader(appForm(
				"email", "secure-"+strings.ReplaceAll(tc.name, " ", "-")+"@example.com", "password", loginTestPassword).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			if c := sessionCookieOf(rec); c == nil || !c.Secure || !c.HttpOnly {
				t.Errorf("%s: cookie %+v, want Secure and HttpOnly", tc.name, c)
			}
			// The fixture shares the database: start the next one afresh.
			db = storetest.Open(t, db.Dialect())
		}
	})
}

// The eleventh failure in a row is refused with 429 before the password is
// looked at; time lets one more try in, and a full bucket ends it.
func TestLoginRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		f.addLoginUser(t, "target@example.com")
		for i := range loginPerEmail.burst {
			if rec := f.login("target@example.com", fmt.Sprintf("guess number %d", i), "/"); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: got %d, want 422", i+1, rec.Code)
			}
			f.clock.add(time.Second)
		}
		for _, pw := range []string{"guess number 11", loginTestPassword} {
			rec := f.login("Target@Example.com", pw, "/")
			retry, err := strconv.Atoi(rec.Header().Get("Retry-After"))
			if rec.Code != http.StatusTooManyRequests || err != nil || retry < 1 || retry > int(loginPerEmail.per/time.Second) ||
				!strings.Contains(rec.Body.String(), "Too many failed attempts") || sessionCookieOf(rec) != nil {
				t.Errorf("attempt after %d failures (%q): got %d, Retry-After %q\n%s", loginPerEmail.burst, pw, rec.Code,
					rec.Header().Get("Retry-After"), appExcerpt(rec.Body.String()))
			}
		}
		// Another email from the same address is not held up by the email's limit.
		f.addLoginUser(t, "bystander@example.com")
		if rec := f.login("bystander@example.com", loginTestPassword, "/"); rec.Code != http.StatusSeeOther {
			t.Errorf("another email from the same address: got %d, want 303", rec.Code)
		}
		// One more try comes back at the limit's rate, and a wrong one
		// spends it; the right one then signs in and forgets the failures.
		f.clock.add(loginPerEmail.per)
		if rec := f.login("target@example.com", "guess number 12", "/"); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a try after %v: got %d, want 422", loginPerEmail.per, rec.Code)
		}
		checkTooMany(t, "the try after that", f.login("target@example.com", loginTestPassword, "/"))
		f.clock.add(loginPerEmail.per)
		if rec := f.login("target@example.com", loginTestPassword, "/"); rec.Code != http.StatusSeeOther {
			t.Errorf("sign-in when a try came back: got %d, want 303", rec.Code)
		}
		for i := range loginPerEmail.burst {
			if rec := f.login("target@example.com", "wrong again", "/"); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d after a sign-in: got %d, want 422 (the sign-in forgets the failures)", i+1, rec.Code)
			}
		}
	})
}

func TestLoginNextPath(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"", "/"},
		{"/w/acme/surveys", "/w/acme/surveys"},
		{"/w/acme/waves/3?after=1-2", "/w/acme/waves/3?after=1-2"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/login", "/"},
		{"/ok\r\nSet-Cookie: x=1", "/"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
	} {
		if got := loginNextPath(tc.next); got != tc.want {
			t.Errorf("loginNextPath(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

// The sign-in form never sends the user to another site.
func TestLoginOpenRedirect(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		f.addLoginUser(t, "login@example.com")
		for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example"} {
			rec := f.login("login@example.com", loginTestPassword, next)
			if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/" {
				t.Errorf("sign in with next=%q: got %d %q, want 303 to /", next, rec.Code, loc)
			}
		}
		body := f.do("GET", "/login?next="+url.QueryEscape("https://evil.example/"), nil, "").Body.String()
		if strings.Contains(body, "evil.example") {
			t.Error("GET /login keeps a foreign next in the form")
		}
	})
}

// Sessions end when idle and at their absolute end.
func TestSessionExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		if rec := f.do("GET", "/w/acme/surveys", nil, "viewer"); rec.Code != http.StatusOK {
			t.Fatalf("fresh session: got %d", rec.Code)
		}
		f.clock.add(auth.SessionIdleTimeout + time.Minute)
		rec := f.do("GET", "/w/acme/surveys", nil, "viewer")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("idle session: got %d %q, want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
		}
	})
}

// Cross-site form posts are refused before they reach a handler; the
// same form from the same origin works.
func TestCSRF(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		f.addLoginUser(t, "login@example.com")
		before := len(appMust(db.Surveys(ctx, f.acme.ID))(t))
		for _, tc := range []struct {
			name    string
			headers []string
		}{
			{"fetch metadata", []string{"Sec-Fetch-Site: cross-site"}},
			{"origin only", []string{"Sec-Fetch-Site: ", "Origin: https://evil.example"}},
		} {
			rec := f.do("POST", "/login", appForm("email", "login@example.com", "password", loginTestPassword), "", tc.headers...)
			if rec.Code != http.StatusForbidden || sessionCookieOf(rec) != nil {
				t.Errorf("cross-site sign-in (%s): got %d, want 403 and no cookie", tc.name, rec.Code)
			}
			rec = f.do("POST", "/w/acme/surveys", appSurveyFormValues("CSRF survey"), "analyst", tc.headers...)
			if rec.Code != http.StatusForbidden {
				t.Errorf("cross-site survey create (%s): got %d, want 403", tc.name, rec.Code)
			}
			rec = f.do("POST", fmt.Sprintf("/w/acme/waves/%d/close", f.wave.ID), appForm(), "analyst", tc.headers...)
			if rec.Code != http.StatusForbidden {
				t.Errorf("cross-site wave close (%s): got %d, want 403", tc.name, rec.Code)
			}
		}
		if after := len(appMust(db.Surveys(ctx, f.acme.ID))(t)); after != before {
			t.Errorf("cross-site posts created %d surveys", after-before)
		}
		if w := appMust(db.Wave(ctx, f.acme.ID, f.wave.ID))(t); !w.ClosesAt.IsZero() {
			t.Error("a cross-site post closed the wave")
		}
		if rec := f.do("POST", "/w/acme/surveys", appSurveyFormValues("Same-origin survey"), "analyst"); rec.Code != http.StatusSeeOther {
			t.Errorf("same-origin survey create: got %d, want 303", rec.Code)
		}
		if rec := f.login("login@example.com", loginTestPassword, "/"); rec.Code != http.StatusSeeOther {
			t.Errorf("same-origin sign-in: got %d, want 303", rec.Code)
		}
	})
}
