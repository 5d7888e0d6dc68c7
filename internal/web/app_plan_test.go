package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// planFixture adds to the dashboard fixture a plan for the member's
// account and one for the analyst's, each with a shareable action, a
// note and a shareable update, and a plan in Globex.
type planFixture struct {
	*dashFixture
	memberPlan, analystPlan, globexPlan nps.Plan
	memberAction, globexItem            nps.PlanItem
}

func newPlanFixture(t *testing.T, db *store.DB) *planFixture {
	t.Helper()
	ctx := context.Background()
	f := &planFixture{dashFixture: newDashFixture(t, db)}
	ws := f.acme.ID
	f.memberPlan = appMust(db.CreatePlan(ctx, ws, nps.Plan{AccountID: f.memberAccount, Title: "Member plan", CreatedBy: f.users["member"].ID}, []int64{f.memberResponse}))(t)
	f.analystPlan = appMust(db.CreatePlan(ctx, ws, nps.Plan{AccountID: f.analystAccount, Title: "Analyst plan"}, []int64{f.analystResponse}))(t)
	f.memberAction = appMust(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: f.memberPlan.ID, Kind: nps.ItemAction, Body: "Member shared action",
		OwnerID: f.users["member"].ID, DueOn: "2026-01-01", Shareable: true}, nil))(t)
	for _, p := range []nps.Plan{f.memberPlan, f.analystPlan} {
		appMust(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: p.ID, Kind: nps.ItemNote, Body: p.Title + " internal note"}, nil))(t)
		appMust(db.AddPlanItem(ctx, ws, nps.PlanItem{PlanID: p.ID, Kind: nps.ItemUpdate, Body: p.Title + " shared update", Shareable: true}, nil))(t)
	}
	f.globexPlan = appMust(db.CreatePlan(ctx, f.globex.ID, nps.Plan{AccountID: f.globexAccount, Title: "Globex secret plan"}, []int64{f.globexResponse}))(t)
	f.globexItem = appMust(db.AddPlanItem(ctx, f.globex.ID, nps.PlanItem{PlanID: f.globexPlan.ID, Kind: nps.ItemUpdate, Body: "Globex update", Shareable: true}, nil))(t)
	return f
}

// TestPlanRoutes tries every plan route as a visitor, a user of another
// workspace and each role, and fails when a route of planRoutes is not in
// its table.
func TestPlanRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		ctx := context.Background()
		w := "/w/acme"
		plan := w + "/plans/" + fmt.Sprint(f.memberPlan.ID)
		item := plan + "/items/" + fmt.Sprint(f.memberAction.ID)
		routes := []struct {
			pattern, path string
			form          url.Values
			status        int
			// before prepares each try and returns the path when it
			// differs.
			before func() string
		}{
			{"GET /w/{slug}/plans", w + "/plans", nil, http.StatusOK, nil},
			{"GET /w/{slug}/plans/new", w + "/plans/new?account=" + fmt.Sprint(f.memberAccount), nil, http.StatusOK, nil},
			{"POST /w/{slug}/plans", w + "/plans", appForm("account", fmt.Sprint(f.memberAccount), "title", "Matrix plan"), http.StatusSeeOther, nil},
			{"GET /w/{slug}/plans/{plan}", plan, nil, http.StatusOK, nil},
			{"POST /w/{slug}/plans/{plan}", plan, appForm("title", "Member plan"), http.StatusSeeOther, nil},
			{"POST /w/{slug}/plans/{plan}/responses", plan + "/responses", appForm("response", fmt.Sprint(f.memberResponse)), http.StatusSeeOther, nil},
			{"POST /w/{slug}/plans/{plan}/responses/{response}/unlink", "", appForm(), http.StatusSeeOther, func() string {
				if err := db.LinkPlanResponse(ctx, f.acme.ID, f.memberPlan.ID, f.memberResponse); err != nil {
					t.Fatal(err)
				}
				return plan + "/responses/" + fmt.Sprint(f.memberResponse) + "/unlink"
			}},
			{"POST /w/{slug}/plans/{plan}/items", plan + "/items", appForm("kind", "note", "body", "Matrix note"), http.StatusSeeOther, nil},
			{"POST /w/{slug}/plans/{plan}/items/{item}", item, appForm("status", "doing"), http.StatusSeeOther, nil},
			{"POST /w/{slug}/plans/{plan}/items/{item}/delete", "", appForm(), http.StatusSeeOther, func() string {
				it := appMust(db.AddPlanItem(ctx, f.acme.ID, nps.PlanItem{PlanID: f.memberPlan.ID, Kind: nps.ItemNote, Body: "Doomed"}, nil))(t)
				return plan + "/items/" + fmt.Sprint(it.ID) + "/delete"
			}},
			{"POST /w/{slug}/accounts/{account}/page/rotate", w + "/accounts/" + fmt.Sprint(f.memberAccount) + "/page/rotate", appForm(), http.StatusSeeOther, nil},
		}
		s, _ := New(db, nil, Options{})
		var tries []routeTry
		for _, c := range routes {
			tries = append(tries, routeTry{c.pattern, c.status, func() (string, url.Values) {
				if c.before != nil {
					return c.before(), c.form
				}
				return c.path, c.form
			}})
		}
		f.checkRouteMatrix(t, s.planRoutes(), tries)
	})
}

// TestPlanScenarios checks what the plan pages show to whom and what
// their forms do.
func TestPlanScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		ctx := context.Background()
		w := "/w/acme"
		mp, ap, gp := fmt.Sprint(f.memberPlan.ID), fmt.Sprint(f.analystPlan.ID), fmt.Sprint(f.globexPlan.ID)
		f.run(t, []appScenario{
			{name: "list", method: "GET", path: w + "/plans", actor: "viewer", status: http.StatusOK,
				want: []string{"Member plan", "Analyst plan", "Member Account BV", "0 / 1"}, notWant: []string{"Globex"}},
			{name: "list of a member", method: "GET", path: w + "/plans", actor: "member", status: http.StatusOK,
				want: []string{"Member plan"}, notWant: []string{"Analyst plan"}},
			{name: "list of done plans", method: "GET", path: w + "/plans?state=done", actor: "viewer", status: http.StatusOK,
				notWant: []string{"Member plan"}},
			{name: "list, bad state", method: "GET", path: w + "/plans?state=x", actor: "viewer", status: http.StatusBadRequest},
			{name: "plan", method: "GET", path: w + "/plans/" + mp, actor: "viewer", status: http.StatusOK,
				want:    []string{"Member plan", "member account comment", "Member shared action", "Member plan internal note", "Member plan shared update", "/y/", "Overdue"},
				notWant: []string{"Make a new link", "Add to the plan"}},
			{name: "another owner's plan as a member", method: "GET", path: w + "/plans/" + ap, actor: "member", status: http.StatusNotFound,
				notWant: []string{"Analyst plan"}},
			{name: "other workspace's plan", method: "GET", path: w + "/plans/" + gp, actor: "owner", status: http.StatusNotFound,
				notWant: []string{"Globex secret plan"}},
			{name: "other workspace's item", method: "POST", path: w + "/plans/" + mp + "/items/" + fmt.Sprint(f.globexItem.ID), form: appForm("shareable", "false"),
				actor: "owner", status: http.StatusNotFound},
			{name: "item of another plan", method: "POST", path: w + "/plans/" + ap + "/items/" + fmt.Sprint(f.memberAction.ID), form: appForm("status", "done"),
				actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's item delete", method: "POST", path: w + "/plans/" + mp + "/items/" + fmt.Sprint(f.globexItem.ID) + "/delete",
				form: appForm(), actor: "owner", status: http.StatusNotFound},
			{name: "link other workspace's response", method: "POST", path: w + "/plans/" + mp + "/responses", form: appForm("response", fmt.Sprint(f.globexResponse)),
				actor: "owner", status: http.StatusNotFound},
			{name: "link another account's response", method: "POST", path: w + "/plans/" + mp + "/responses", form: appForm("response", fmt.Sprint(f.analystResponse)),
				actor: "owner", status: http.StatusUnprocessableEntity, want: []string{"must be answers of the plan&#39;s account"}},
			{name: "plan for other workspace's account", method: "POST", path: w + "/plans", form: appForm("account", fmt.Sprint(f.globexAccount), "title", "x"),
				actor: "owner", status: http.StatusNotFound},
			{name: "plan with other workspace's response", method: "POST", path: w + "/plans",
				form: appForm("account", fmt.Sprint(f.memberAccount), "title", "x", "response", fmt.Sprint(f.globexResponse)), actor: "owner", status: http.StatusNotFound},
			{name: "plan for another owner's account as a member", method: "POST", path: w + "/plans",
				form: appForm("account", fmt.Sprint(f.analystAccount), "title", "x"), actor: "member", status: http.StatusNotFound},
			{name: "rotate other workspace's account", method: "POST", path: w + "/accounts/" + fmt.Sprint(f.globexAccount) + "/page/rotate", form: appForm(),
				actor: "owner", status: http.StatusNotFound},
			{name: "new plan for other workspace's account", method: "GET", path: w + "/plans/new?account=" + fmt.Sprint(f.globexAccount), actor: "owner", status: http.StatusNotFound},
			{name: "plan without title", method: "POST", path: w + "/plans", form: appForm("account", fmt.Sprint(f.memberAccount), "title", " ", "problem", "Kept text"),
				actor: "member", status: http.StatusUnprocessableEntity, want: []string{"Title: must not be empty", "Kept text"}},
			{name: "start a plan", method: "POST", path: w + "/plans",
				form: appForm("account", fmt.Sprint(f.memberAccount), "title", "Faster support", "response", fmt.Sprint(f.memberResponse)), actor: "member", status: http.StatusSeeOther,
				want: []string{w + "/plans/"}},
			{name: "action with a bad date", method: "POST", path: w + "/plans/" + mp + "/items", form: appForm("kind", "action", "body", "Typed action", "due_on", "tomorrow"),
				actor: "member", status: http.StatusUnprocessableEntity, want: []string{"Due date: must be a date", "Typed action"}},
			{name: "link with a script address", method: "POST", path: w + "/plans/" + mp + "/items", form: appForm("kind", "link", "body", "x", "url", "javascript:alert(1)"),
				actor: "member", status: http.StatusUnprocessableEntity},
			{name: "owner of another workspace", method: "POST", path: w + "/plans/" + mp + "/items", form: appForm("kind", "action", "body", "x", "owner", fmt.Sprint(f.users["outsider"].ID)),
				actor: "member", status: http.StatusNotFound},
			{name: "add an action", method: "POST", path: w + "/plans/" + mp + "/items", form: appForm("kind", "action", "body", "Weekly call <script>", "owner", fmt.Sprint(f.users["member"].ID), "due_on", "2026-06-01", "shareable", "1"),
				actor: "member", status: http.StatusSeeOther, want: []string{"#item-"}},
			{name: "the action is shown escaped", method: "GET", path: w + "/plans/" + mp, actor: "member", status: http.StatusOK,
				want: []string{"Weekly call &lt;script&gt;", "2026-06-01"}, notWant: []string{"Weekly call <script>"}},
			{name: "quick status", method: "POST", path: w + "/plans/" + mp + "/items/" + fmt.Sprint(f.memberAction.ID), form: appForm("status", "done"),
				actor: "member", status: http.StatusSeeOther},
			{name: "bad status", method: "POST", path: w + "/plans/" + mp + "/items/" + fmt.Sprint(f.memberAction.ID), form: appForm("status", "finished"),
				actor: "member", status: http.StatusUnprocessableEntity},
			{name: "plan done", method: "POST", path: w + "/plans/" + mp, form: appForm("state", "done"), actor: "member", status: http.StatusSeeOther},
			{name: "done list", method: "GET", path: w + "/plans?state=done", actor: "member", status: http.StatusOK, want: []string{"Member plan", "1 / 2"}},
			{name: "account page", method: "GET", path: w + "/accounts/" + fmt.Sprint(f.memberAccount), actor: "member", status: http.StatusOK,
				want: []string{"Member plan", "Timeline", "Start an improvement plan", "Action done", "Answered", "member account comment"}},
			{name: "account page of a viewer", method: "GET", path: w + "/accounts/" + fmt.Sprint(f.memberAccount), actor: "viewer", status: http.StatusOK,
				want: []string{"Member plan", "Timeline"}, notWant: []string{"Start the plan"}},
		})
		// An update emailed to the contacts: one email per contact, in
		// the contact's language, counted on the plan page.
		rec := f.do("POST", w+"/plans/"+mp+"/items", appForm("kind", "update", "body", "We changed the invoice run", "shareable", "1", "email", "1"), "member")
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("post update: %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		items := appMust(db.PlanItems(ctx, f.acme.ID, f.memberPlan.ID))(t)
		up := items[len(items)-1]
		ns := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyUpdate, up.ID))(t)
		if len(ns) != 1 || ns[0].ToEmail != "member-contact@example.com" {
			t.Fatalf("update emails: %+v, want one to the member's contact", ns)
		}
		n := ns[0]
		for _, want := range []string{"We changed the invoice run", "Member shared action", "http://example.com/y/", "Dear Mia Member-Contact"} {
			if !strings.Contains(n.Text, want) {
				t.Errorf("update email lacks %q:\n%s", want, n.Text)
			}
		}
		if strings.Contains(n.Text, "internal note") {
			t.Errorf("update email shows a note:\n%s", n.Text)
		}
		if page := f.do("GET", w+"/plans/"+mp, nil, "member"); !strings.Contains(page.Body.String(), "emails: 1 waiting, 0 sent, 0 failed") {
			t.Errorf("plan page does not count the update's emails:\n%s", appExcerpt(page.Body.String()))
		}
		// Without the tick, nobody is emailed.
		f.do("POST", w+"/plans/"+mp+"/items", appForm("kind", "update", "body", "Quiet update", "shareable", "1"), "member")
		items = appMust(db.PlanItems(ctx, f.acme.ID, f.memberPlan.ID))(t)
		if ns := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyUpdate, items[len(items)-1].ID))(t); len(ns) != 0 {
			t.Errorf("an update without the email tick was emailed: %v", ns)
		}
	})
}

// TestCustomerPage checks the public page of an account: what it shows,
// in which language, and that a wrong or old token shows nothing.
func TestCustomerPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newPlanFixture(t, db)
		ctx := context.Background()
		token := appMust(db.AccountPage(ctx, f.acme.ID, f.memberAccount))(t)
		rec := f.do("GET", "/y/"+token, nil, "")
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("customer page: %d\n%s", rec.Code, body)
		}
		for _, want := range []string{"Member Account BV", "member account comment", "Member shared action", "Member plan shared update", "2026-01-01"} {
			if !strings.Contains(body, want) {
				t.Errorf("customer page lacks %q", want)
			}
		}
		for _, never := range []string{"internal note", "Analyst", "Member</", "Globex", "Acme"} {
			if strings.Contains(body, never) {
				t.Errorf("customer page shows %q", never)
			}
		}
		for h, want := range map[string]string{"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := rec.Header().Get(h); got != want {
				t.Errorf("customer page %s: %q, want %q", h, got, want)
			}
		}
		if nl := f.do("GET", "/y/"+token, nil, "", "Accept-Language: nl"); !strings.Contains(nl.Body.String(), "Wat u ons vertelde") {
			t.Errorf("customer page with Accept-Language nl is not in Dutch")
		}
		if en := f.do("GET", "/y/"+token+"?lang=en", nil, "", "Accept-Language: nl"); !strings.Contains(en.Body.String(), "What you told us") {
			t.Errorf("customer page with ?lang=en is not in English")
		}
		rotated := appMust(db.RotateAccountPage(ctx, f.acme.ID, f.memberAccount))(t)
		for _, bad := range []string{token, "nonsense", rotated[:len(rotated)-2] + "zz"} {
			rec := f.do("GET", "/y/"+bad, nil, "")
			if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "Member") {
				t.Errorf("customer page of token %q: %d, want a 404 that names nothing", bad, rec.Code)
			}
		}
		if rec := f.do("GET", "/y/"+rotated, nil, ""); rec.Code != http.StatusOK {
			t.Errorf("rotated token: %d", rec.Code)
		}
	})
}
