package web

import (
	"context"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBrowserPasswordChange changes a password on a phone as a user does:
// from the header's link, a mistyped repetition first, then the change;
// the page stays signed in and fits the screen.
func TestBrowserPasswordChange(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		const old, next = "the old password, long enough", "the new password, long enough"
		u := f.users["member"]
		if err := db.ResetPassword(ctx, u.ID, appMust(auth.HashPassword(old))(t)); err != nil {
			t.Fatal(err)
		}
		f.secrets["member"], _ = appMust2(db.CreateSession(ctx, u.ID, "password"))(t)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		b := &dashRun{f: f, origin: srv.URL, base: srv.URL, browser: browser, dbName: path.Base(t.Name())}
		tab := b.tab(t, "member", true)

		b.open(t, tab, "/w/acme/dashboard", "Overview")
		do(t, tab, "follow the header's link", chromedp.Click(chromedp.CSS(`a[href="/account/password"]`)))
		waitPage(t, tab, "/account/password", `document.getElementById("current") !== null`)
		checkHeading(t, tab, "the password page", "Change your password")
		fill := func(current, newPassword, confirm string) {
			t.Helper()
			var steps []chromedp.Action[chromedp.Void]
			for _, field := range [][2]string{{"current", current}, {"new", newPassword}, {"confirm", confirm}} {
				sel := chromedp.CSS(`input[name=` + field[0] + `]`)
				steps = append(steps, chromedp.Clear(sel), chromedp.SendKeys(sel, field[1]))
			}
			steps = append(steps, chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
			do(t, tab, "fill in the form", steps...)
		}
		fill(old, next, next+"?")
		waitPage(t, tab, "/account/password", `document.getElementById("password-error") !== null`)
		if msg := mainText(t, tab); !strings.Contains(msg, "The two new passwords are not the same.") {
			t.Errorf("mistyped repetition: the page says %q", msg)
		}
		fill(old, next, next)
		waitPage(t, tab, "/account/password", `q.get("done") === "1"`)
		if msg := mainText(t, tab); !strings.Contains(msg, "Your password is changed.") {
			t.Errorf("after the change: the page says %q", msg)
		}
		noSideways(t, tab, "the password page")
		screenshot(t, tab, "password-"+b.dbName+".png")
		got := appMust(db.UserByEmail(ctx, u.Email))(t)
		if !appMust(auth.CheckPassword(got.PasswordHash, next))(t) {
			t.Error("the new password does not count")
		}
		// Still signed in, with the re-issued session.
		b.open(t, tab, "/w/acme/dashboard", "Overview")
	})
}
