package web

import (
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBrowserReport quotes a comment from the feed as an analyst does,
// opens the report from the report page, and checks in the browser that
// the report's own policy lets its style and charts through (a blocked
// style element would leave the page unstyled), that the quote is there,
// and that the report fits a phone. With PROMOTOR_SCREENSHOT_DIR set it
// saves the report there.
func TestBrowserReport(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		b := &dashRun{f: f, origin: srv.URL, base: srv.URL + "/w/acme", browser: browser, dbName: path.Base(t.Name())}
		ctx := b.tab(t, "analyst", true)

		b.open(t, ctx, "/responses?comment=1", "Responses")
		do(t, ctx, "quote the first comment", chromedp.Click(chromedp.CSS(`form.quote button`)))
		waitPage(t, ctx, "/responses", `document.querySelector("form.quote button")?.textContent === "Remove from report"`)

		b.open(t, ctx, "/report", "Annual report")
		do(t, ctx, "open the report", chromedp.Click(chromedp.CSS(`a[href*="/report/view"]`)))
		waitPage(t, ctx, "/report/view", `document.querySelector("h1") !== null`)
		if got := eval[string](t, ctx, `getComputedStyle(document.querySelector("h2")).borderBottomStyle`); got != "solid" {
			t.Errorf("the report's headings are not styled (border %q): its policy blocked its style", got)
		}
		if n := eval[int](t, ctx, `[...document.querySelectorAll("svg[role=img]")].filter(s => s.getBoundingClientRect().width > 100).length`); n < 3 {
			t.Errorf("the report shows %d charts, want at least 3", n)
		}
		if got := eval[string](t, ctx, `document.body.textContent`); !strings.Contains(got, "analyst account comment <b>bold</b>") || !strings.Contains(got, "Appendix") {
			t.Errorf("the report lacks the quote or the appendix:\n%.600s", got)
		}
		noSideways(t, ctx, "the report")
		screenshot(t, ctx, "report-"+b.dbName+".png")
	})
}
