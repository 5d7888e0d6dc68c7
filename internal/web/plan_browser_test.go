package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestBrowserCustomerPage opens an account's customer page on a phone
// as the customer does: it shows the shared update and the done action
// and nothing else of the team's (a note, an action not shared, another
// account's update), fits the screen without sideways scrolling, and
// another account's link shows that account only, while a guessed link
// shows a page that names nothing. With PROMOTOR_SCREENSHOT_DIR set it
// saves the pages there.
func TestBrowserCustomerPage(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPlanFixture(t, db)
		ws := f.acme.ID
		done := nps.StatusDone
		appMust(db.UpdatePlanItem(ctx, ws, f.memberAction.ID, nps.PlanItemUpdate{Status: &done}))(t)
		appMust(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.memberPlan.ID, Kind: nps.ItemAction, Body: "Unshared action of the team", Status: nps.StatusDone}, nil))(t)
		appMust(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.memberPlan.ID, Kind: nps.ItemLink, Body: "A very long report title " + strings.Repeat("without-any-spaces-", 8),
			URL: "https://example.com/" + strings.Repeat("long-path-segment/", 10), Shareable: true}, nil))(t)
		memberToken := appMust(db.AccountPage(ctx, ws, f.memberAccount))(t)
		analystToken := appMust(db.AccountPage(ctx, ws, f.analystAccount))(t)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		dbName := path.Base(t.Name())

		tab, cancel := chromedp.NewContext(browser)
		t.Cleanup(cancel)
		// The tab's first run opens it and so carries no timeout, which
		// would close the tab when it ends.
		if err := chromedp.Do(tab, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateScale(2))); err != nil {
			t.Fatalf("open a phone tab: %v", err)
		}

		// open loads a customer page and returns its status and text.
		open := func(token string) (int64, string) {
			t.Helper()
			sctx, cancel := context.WithTimeout(tab, browserTimeout)
			defer cancel()
			res, err := chromedp.Run(sctx, chromedp.NavigateResponse(srv.URL+"/y/"+token))
			if err != nil {
				t.Fatalf("open the customer page: %v", err)
			}
			return res.Status, eval[string](t, tab, `document.body.innerText`)
		}
		status, text := open(memberToken)
		if status != http.StatusOK {
			t.Fatalf("customer page: status %d\n%s", status, text)
		}
		for _, want := range []string{"Member Account BV", "member account comment", "Member plan shared update", "Member shared action", "What we did"} {
			if !strings.Contains(text, want) {
				t.Errorf("customer page lacks %q:\n%s", want, text)
			}
		}
		for _, never := range []string{"internal note", "Unshared action", "Analyst plan shared update", "Globex", "Member</"} {
			if strings.Contains(text, never) {
				t.Errorf("customer page shows %q:\n%s", never, text)
			}
		}
		if wide := eval[bool](t, tab, `document.documentElement.scrollWidth > window.innerWidth`); wide {
			t.Errorf("customer page scrolls sideways: %v px on a %v px screen",
				eval[float64](t, tab, `document.documentElement.scrollWidth`), eval[float64](t, tab, `window.innerWidth`))
		}
		screenshot(t, tab, "customer-page-"+dbName+".png")

		_, text = open(analystToken)
		if !strings.Contains(text, "Analyst Account BV") || !strings.Contains(text, "Analyst plan shared update") {
			t.Errorf("the other account's page lacks its own progress:\n%s", text)
		}
		if strings.Contains(text, "Member") {
			t.Errorf("the other account's page shows the first account's:\n%s", text)
		}

		b := make([]byte, 24)
		rand.Read(b)
		changed := []byte(memberToken)
		changed[5] ^= 1 // a neighbour character, still URL-safe base64
		if changed[5] == '-' || changed[5] == '_' {
			changed[5] = 'a'
		}
		for _, guess := range []string{base64.RawURLEncoding.EncodeToString(b), string(changed)} {
			status, text := open(guess)
			if status != http.StatusNotFound {
				t.Errorf("guessed token %q: status %d, want 404", guess, status)
			}
			if !strings.Contains(text, "Page not found") || strings.Contains(text, "Account") {
				t.Errorf("guessed token %q shows:\n%s", guess, text)
			}
		}
	})
}
