package web

import (
	"fmt"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBrowserThemes opens the themes page on a phone as a viewer: the
// effects table, the tone, the themes over the waves with their chart and
// the loyalty matrix show the fixture's figures, the page itself never
// scrolls sideways (a wide table scrolls inside its own box), and
// choosing a theme of the trend table draws its chart; the taxonomy
// editor fits the phone as well. With
// PROMOTOR_SCREENSHOT_DIR set it saves the page there.
func TestBrowserThemes(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newThemesFixture(t, db)
		analyse(t, db, f.acme.ID)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		b := &dashRun{f: f.appFixture, origin: srv.URL, base: srv.URL + "/w/acme", browser: browser, dbName: path.Base(t.Name())}
		ctx := b.tab(t, "viewer", true)
		page := "/themes?survey=" + fmt.Sprint(f.themed.ID)
		b.open(t, ctx, page, "Themes · 2026")

		if got := texts(t, ctx, "table.impact tbody th"); strings.Join(got, "|") != "Price|<i>odd</i>|Customer support" {
			t.Errorf("themes in rank: got %q, want Price, <i>odd</i>, Customer support", got)
		}
		if got := texts(t, ctx, "table.impact tbody tr:first-child td"); strings.Join(got, "|") != "15|30%|50%|30%|10%|-53|-12.6|-18.2 … -7.0 significant" {
			t.Errorf("price: got %q", got)
		}
		if got := texts(t, ctx, "table.loyalty tbody tr:first-child td.at-risk"); strings.Join(got, "|") != "5 (13%)|1 (3%)" {
			t.Errorf("promoters at risk: got %q, want 5 (13%%) and 1 (3%%)", got)
		}
		if got := eval[int](t, ctx, `document.querySelectorAll("table.sentiment tbody tr").length`); got != 4 {
			t.Errorf("tone: %d rows, want 4", got)
		}
		if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > phoneWidth {
			t.Errorf("the themes page is %v px wide on a %v px screen", w, phoneWidth)
		}
		// Each wide table scrolls in its own box, which fits the screen.
		if w := eval[float64](t, ctx, `Math.max(...[...document.querySelectorAll("main .scroll")].map(e => e.getBoundingClientRect().right))`); w > phoneWidth {
			t.Errorf("a table's box reaches %v px on a %v px screen", w, phoneWidth)
		}
		if got := eval[string](t, ctx, `document.querySelector("#trend svg title")?.textContent ?? ""`); got != "Effect of Price on the NPS per wave" {
			t.Errorf("chart: got %q, want the effect of price", got)
		}
		b.screenshot(t, ctx, "themes-phone")

		do(t, ctx, "choose support", chromedp.Click(chromedp.CSS(`table.theme-trend a[href*="trend=support"]`)))
		waitPage(t, ctx, "/themes", `q.get("trend") === "support"`)
		if got := eval[string](t, ctx, `document.querySelector("#trend svg title")?.textContent ?? ""`); got != "Effect of Customer support on the NPS per wave" {
			t.Errorf("chart after choosing support: got %q", got)
		}

		// The taxonomy editor fits the phone too.
		ctx = b.tab(t, "analyst", true)
		b.open(t, ctx, "/themes/taxonomy", "Taxonomy")
		if n := eval[int](t, ctx, `document.querySelectorAll("form.taxonomy fieldset").length`); n != 13 {
			t.Errorf("the editor has %d themes, want the default 12 and a blank one", n)
		}
		if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > phoneWidth {
			t.Errorf("the taxonomy editor is %v px wide on a %v px screen", w, phoneWidth)
		}
		b.screenshot(t, ctx, "themes-taxonomy-phone")
	})
}
