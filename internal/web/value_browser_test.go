package web

import (
	"context"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBrowserValueCalculator fills in the impact calculator on a phone as
// a viewer does, with the first article's example typed the Dutch way,
// submits it and reads the range; the calculator and the value page fit
// the phone's width without sideways scrolling of the page. With
// PROMOTOR_SCREENSHOT_DIR set it saves both pages there.
func TestBrowserValueCalculator(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newValueFixture(t, db)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		b := &dashRun{f: f.appFixture, origin: srv.URL, base: srv.URL + "/w/acme", browser: browser, dbName: path.Base(t.Name())}
		ctx := b.tab(t, "viewer", true)

		b.open(t, ctx, "/value/calculator", "Impact calculator")
		if got := eval[string](t, ctx, `document.querySelector("input[name=current]").value`); got != "17" {
			t.Errorf("current NPS: got %q, want the current wave's +17", got)
		}
		var steps []chromedp.Action[chromedp.Void]
		for _, field := range [][2]string{{"revenue", "30.000.000"}, {"churn", "20"}, {"marketing", "6.000.000"}, {"current", "20"}, {"target", "30"}} {
			sel := chromedp.CSS(`input[name=` + field[0] + `]`)
			steps = append(steps, chromedp.Clear(sel), chromedp.SendKeys(sel, field[1]))
		}
		steps = append(steps, chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)))
		do(t, ctx, "fill in the article's example", steps...)
		waitPage(t, ctx, "/value/calculator", `q.get("target") === "30" && document.getElementById("h-result") !== null`)
		checkHeading(t, ctx, "the calculator's result", "Impact calculator")
		if got := eval[string](t, ctx, `document.querySelector("p.result strong").textContent`); got != "EUR 2,100,000 – 2,700,000" {
			t.Errorf("result: got %q, want EUR 2,100,000 – 2,700,000", got)
		}
		if got := texts(t, ctx, "table.steps tbody td.num"); strings.Join(got, "|") != "EUR 600,000 – 900,000|EUR 900,000|EUR 600,000 – 900,000|EUR 2,100,000 – 2,700,000" {
			t.Errorf("steps: got %q, want the article's four amounts", got)
		}
		noSideways(t, ctx, "the calculator")
		screenshot(t, ctx, "value-calculator-"+b.dbName+".png")

		b.open(t, ctx, "/value", "What NPS is worth")
		noSideways(t, ctx, "the value page")
		screenshot(t, ctx, "value-"+b.dbName+".png")
	})
}

// noSideways fails when the page is wider than the screen.
func noSideways(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	// Against the screen's own width: a phone browser widens its layout
	// viewport, window.innerWidth, to fit a page that is too wide.
	if width := eval[float64](t, ctx, `document.documentElement.scrollWidth`); width > phoneWidth {
		t.Errorf("%s scrolls sideways: %v px on a %d px screen", page, width, phoneWidth)
	}
}
