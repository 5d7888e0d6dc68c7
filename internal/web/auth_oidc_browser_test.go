package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/sso/ssotest"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBrowserSSO clicks the sign-in page's button in headless Chromium
// and comes back from the in-process provider signed in, where the page
// was going; a user the provider knows and Promotor does not comes back
// to the sign-in page with the reason.
func TestBrowserSSO(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		sf := newSSOFixture(t, db)
		ctx, cancel := chromedp.NewContext(browser)
		t.Cleanup(cancel)
		// The tab's first action opens it, and must not carry a timeout,
		// which would close the tab when it ends.
		if err := chromedp.Do(ctx, chromedp.Navigate(sf.url+"/login?next=%2Fw%2Facme%2Fsurveys")); err != nil {
			t.Fatalf("open the sign-in page: %v", err)
		}

		sf.op.Next(ssotest.Login{Subject: "sub-unknown", Email: "stranger@example.com", EmailVerified: true})
		do(t, ctx, "click the button as a stranger", chromedp.Click(chromedp.ID("sso")))
		waitFor(t, ctx, `location.pathname === "/login/oidc/callback" && document.getElementById("login-error") !== null`)
		if got, want := eval[string](t, ctx, `document.getElementById("login-error").textContent`),
			catalog.Messages("en").T("sso.refused.unknown", "name", "Test ID"); got != want {
			t.Errorf("the stranger's page: got %q, want %q", got, want)
		}

		sf.op.Next(ssotest.Login{Subject: "sub-owner", Email: "owner@example.com", EmailVerified: true})
		do(t, ctx, "click the button again as the owner", chromedp.Click(chromedp.ID("sso")))
		waitFor(t, ctx, `location.pathname === "/w/acme/surveys" && document.readyState !== "loading"`)
		if got := eval[bool](t, ctx, `document.body.textContent.includes("owner@example.com")`); !got {
			t.Error("after the sign-in: the page does not name the owner")
		}
	})
}
