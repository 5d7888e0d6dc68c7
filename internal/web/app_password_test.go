package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/metrics/metricstest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestAccountRoutes tries the account's pages as nobody (sent to sign
// in) and as every signed-in user, of any role, of another workspace and
// of none: each may use them.
func TestAccountRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		for _, rt := range f.srv.accountRoutes() {
			if want, ok := wantRoles[rt.pattern]; !ok || want != rt.min || rt.min != "" {
				t.Errorf("route %s asks for role %q, want any signed-in user (wantRoles %q)", rt.pattern, rt.min, want)
			}
			method, path, _ := strings.Cut(rt.pattern, " ")
			for _, actor := range []string{"", "outsider", "lonely", "viewer", "member", "analyst", "owner"} {
				want := http.StatusOK
				var form url.Values
				if method == "POST" {
					form = appForm("current", "not the password", "new", "a long new password", "confirm", "a long new password")
					want = http.StatusUnprocessableEntity
				}
				if actor == "" {
					want = http.StatusSeeOther
				}
				rec := f.do(method, path, form, actor)
				if rec.Code != want {
					t.Errorf("%s as %q: got %d, want %d\n%s", rt.pattern, actor, rec.Code, want, appExcerpt(rec.Body.String()))
				}
				if loc := rec.Header().Get("Location"); actor == "" && !strings.HasPrefix(loc, "/login") {
					t.Errorf("%s signed out: sent to %q, want the sign-in page", rt.pattern, loc)
				}
			}
		}
		// The header links to the page.
		if body := f.do("GET", "/w/acme/dashboard", nil, "viewer").Body.String(); !strings.Contains(body, `href="/account/password"`) {
			t.Error("the app header has no link to the password page")
		}
	})
}

// TestPasswordChange: a wrong current password, a short new one and two
// new ones that differ are refused and change nothing; a change signs out
// the user's other browsers and keeps this one signed in with a new
// session; wrong current passwords are limited like sign-ins.
func TestPasswordChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		const old, next = "the old password, long enough", "the new password, long enough"
		u := f.users["analyst"]
		if err := db.ResetPassword(ctx, u.ID, appMust(auth.HashPassword(old))(t)); err != nil {
			t.Fatal(err)
		}
		// Two browsers: this one ("analyst") and another.
		before, _ := appMust2(db.CreateSession(ctx, u.ID, "password"))(t)
		elsewhere, _ := appMust2(db.CreateSession(ctx, u.ID, "password"))(t)
		f.secrets["analyst"] = before

		for _, tc := range []struct {
			name, current, new, confirm, want string
		}{
			{"wrong current", "not it", next, next, "The current password is wrong."},
			{"short", old, "short", "short", fmt.Sprintf("at least %d characters", auth.MinPasswordChars)},
			{"mismatch", old, next, next + "!", "The two new passwords are not the same."},
			{"too long", old, strings.Repeat("x", auth.MaxPasswordBytes+1), strings.Repeat("x", auth.MaxPasswordBytes+1), "at most"},
		} {
			rec := f.do("POST", "/account/password", appForm("current", tc.current, "new", tc.new, "confirm", tc.confirm), "analyst", "Accept-Language: en")
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%s: got %d, want 422 with %q\n%s", tc.name, rec.Code, tc.want, appExcerpt(rec.Body.String()))
			}
			if strings.Contains(rec.Body.String(), tc.current) || strings.Contains(rec.Body.String(), `value="`+tc.new) {
				t.Errorf("%s: the page shows a password typed", tc.name)
			}
		}
		if got := appMust(db.UserByEmail(ctx, u.Email))(t); !appMust(auth.CheckPassword(got.PasswordHash, old))(t) {
			t.Fatal("a refused change changed the password")
		}
		if _, err := db.SessionUser(ctx, elsewhere); err != nil {
			t.Fatalf("a refused change ended the other session: %v", err)
		}

		rec := f.do("POST", "/account/password", appForm("current", old, "new", next, "confirm", next), "analyst")
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/password?done=1" {
			t.Fatalf("change: got %d to %q, want 303 to the page's done notice\n%s", rec.Code, rec.Header().Get("Location"), appExcerpt(rec.Body.String()))
		}
		var issued string
		for _, c := range rec.Result().Cookies() {
			if c.Name == sessionCookie && c.HttpOnly {
				issued = c.Value
			}
		}
		if issued == "" || issued == before {
			t.Fatalf("change: session cookie %q, want a new one (was %q)", issued, before)
		}
		got := appMust(db.UserByEmail(ctx, u.Email))(t)
		if !appMust(auth.CheckPassword(got.PasswordHash, next))(t) {
			t.Error("after the change the new password does not count")
		}
		// The change is audited as the user's own, from their address.
		log := appMust(db.AuditLog(ctx, f.acme.ID, store.AuditFilter{Action: nps.AuditPasswordChange}))(t)
		if len(log.Entries) != 1 {
			t.Fatalf("audit entries of the change: %d, want 1", len(log.Entries))
		}
		if a := log.Entries[0].Actor; a.Kind != nps.ActorUser || a.UserID != u.ID || a.Name != u.Email || a.IP != "192.0.2.1" {
			t.Errorf("the change's audit actor: %+v, want the user %s from 192.0.2.1", a, u.Email)
		}
		// The other browser is signed out at its next request, and so is
		// this browser's old cookie; the new one goes on.
		f.secrets["elsewhere"], f.secrets["before"], f.secrets["analyst"] = elsewhere, before, issued
		for _, actor := range []string{"elsewhere", "before"} {
			if rec := f.do("GET", "/w/acme/dashboard", nil, actor); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
				t.Errorf("%s session after the change: got %d to %q, want sent to sign in", actor, rec.Code, rec.Header().Get("Location"))
			}
		}
		rec = f.do("GET", "/account/password?done=1", nil, "analyst", "Accept-Language: en")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Your password is changed") {
			t.Errorf("the new session: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}

		// Wrong current passwords: refused after the limit, which the
		// metrics count.
		m := metrics.New()
		f.srv.opts.Metrics, f.srv.opts.MetricsNetworks = m, loopback
		for range passwordPerUser.burst {
			f.do("POST", "/account/password", appForm("current", "guess", "new", next, "confirm", next), "analyst")
		}
		rec = f.do("POST", "/account/password", appForm("current", next, "new", old, "confirm", old), "analyst", "Accept-Language: en")
		checkTooMany(t, "the right password after 10 wrong ones", rec)
		if !strings.Contains(rec.Body.String(), "Too many wrong passwords") {
			t.Errorf("refusal page: %s", appExcerpt(rec.Body.String()))
		}
		fams := metricstest.Parse(t, scrape(f.h, "127.0.0.1:40000").Body)
		if got, _ := fams.Value("promotor_rate_limited_total", map[string]string{"limit": "password"}); got != 1 {
			t.Errorf("refusals counted under the password limit: %v, want 1", got)
		}
		f.clock.add(passwordPerUser.per)
		if rec := f.do("POST", "/account/password", appForm("current", next, "new", old, "confirm", old), "analyst"); rec.Code != http.StatusSeeOther {
			t.Errorf("after %v: got %d, want 303", passwordPerUser.per, rec.Code)
		}
	})
}
