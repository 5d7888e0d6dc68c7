package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The dashboard browser test's steps: tabs signed in as an actor, pages
// opened and checked, and what a tab shows.

// tab opens a tab signed in as actor, in a browser context of its own,
// at desktop width or, with phone, as a phone.
func (b *dashRun) tab(t *testing.T, actor string, phone bool) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	viewport := chromedp.EmulateViewport(desktopWidth, desktopHeight)
	if phone {
		viewport = chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateScale(2))
	}
	// The first run opens the tab; it must not carry a timeout, which
	// would close the tab when it ends.
	if err := chromedp.Do(ctx, viewport); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	sctx, scancel := context.WithTimeout(ctx, browserTimeout)
	defer scancel()
	httpOnly := true
	if _, err := chromedp.Call(sctx, network.SetCookie, network.SetCookieParams{Name: sessionCookie, Value: b.f.secrets[actor],
		URL: b.origin, HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax}); err != nil {
		t.Fatalf("sign in as %s: %v", actor, err)
	}
	return ctx
}

// open navigates to a page of the workspace and checks that it loaded
// with status 200, a heading that starts with heading, and no error.
func (b *dashRun) open(t *testing.T, ctx context.Context, page, heading string) {
	t.Helper()
	if status := b.navigate(t, ctx, page); status != 200 {
		t.Fatalf("GET %s: got status %d, want 200; the page says %q", page, status, mainText(t, ctx))
	}
	checkHeading(t, ctx, page, heading)
}

// navigate opens a page of the workspace and returns its status.
func (b *dashRun) navigate(t *testing.T, ctx context.Context, page string) int64 {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	res, err := chromedp.Run(sctx, chromedp.NavigateResponse(b.base+page))
	if err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	return res.Status
}

// checkHeading checks that the page's heading starts with heading and
// that it shows no error.
func checkHeading(t *testing.T, ctx context.Context, page, heading string) {
	t.Helper()
	if h1 := eval[string](t, ctx, `document.querySelector("main h1")?.textContent ?? ""`); !strings.HasPrefix(h1, heading) {
		t.Errorf("%s: got heading %q, want it to start with %q", page, h1, heading)
	}
	if msg := eval[string](t, ctx, `document.querySelector("main .error, main [role=alert]")?.textContent ?? ""`); msg != "" {
		t.Errorf("%s: shows the error %q, want none", page, msg)
	}
}

// waitPage waits until the tab shows a loaded page whose path ends with
// suffix and whose query satisfies the JavaScript condition on q, a
// URLSearchParams ("true" for any).
func waitPage(t *testing.T, ctx context.Context, suffix, condition string) {
	t.Helper()
	waitFor(t, ctx, `(() => { const q = new URLSearchParams(location.search);
		return location.pathname.endsWith(`+strconv.Quote(suffix)+`) && document.readyState !== "loading" && (`+condition+`); })()`)
}

// mainText is the text of the page's main element as a reader sees it.
func mainText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.getElementById("main")?.innerText ?? document.body.innerText`)
}

// texts returns the trimmed text of every element selector matches.
func texts(t *testing.T, ctx context.Context, selector string) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...document.querySelectorAll(`+strconv.Quote(selector)+`)].map(e => e.textContent.trim())`)
}

// press focuses the element of selector and types keys into it.
func press(t *testing.T, ctx context.Context, selector, keys string) {
	t.Helper()
	do(t, ctx, "type "+keys+" into "+selector, chromedp.Focus(chromedp.CSS(selector)), chromedp.KeyEvent(keys))
}
