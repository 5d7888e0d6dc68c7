package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestAuditScenarios: sign-ins (a failure of a known user too, never of
// an unknown email, never the password), sign-outs, exports and the
// owners' changes reach the audit page, by the user and from the
// client's address, newest first and filtered; other workspaces' owners
// do not see them.
func TestAuditScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		f.addLoginUser(t, "dana@example.com")
		if rec := f.login("dana@example.com", "wrong password!", "/"); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password: got %d", rec.Code)
		}
		if rec := f.login("nobody@example.com", "wrong password!", "/"); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("unknown email: got %d", rec.Code)
		}
		in := f.login("dana@example.com", loginTestPassword, "/")
		c := sessionCookieOf(in)
		if in.Code != http.StatusSeeOther || c == nil {
			t.Fatalf("sign-in: got %d", in.Code)
		}
		req := httptest.NewRequest("POST", "/logout", strings.NewReader(""))
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(c)
		f.h.ServeHTTP(httptest.NewRecorder(), req)
		w := "/w/acme"
		f.run(t, []appScenario{
			{name: "export", method: "GET", path: w + "/export/responses.csv", actor: "viewer", status: http.StatusOK},
			{name: "fatigue", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "30", "retention_months", "24", "confirm_retention", "24"),
				actor: "owner", status: http.StatusSeeOther, want: []string{w + "/settings?saved=1"}},
			{name: "retention refused", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "30", "retention_months", "3"),
				actor: "owner", status: http.StatusUnprocessableEntity, want: []string{"from 6 to 120"}},
			{name: "settings link", method: "GET", path: w + "/settings", actor: "owner", status: http.StatusOK,
				want: []string{`href="/w/acme/audit"`, `value="24"`}},
			{name: "the log", method: "GET", path: w + "/audit", actor: "owner", status: http.StatusOK,
				want: []string{"Audit log", "signed in", "failed to sign in", "signed out", "dana@example.com", "192.0.2.1",
					"exported data", "responses.csv", "viewer@example.com", "settings changed", "retention_months", "0 → 24",
					"API token created", "token &#39;CRM sync&#39;"},
				notWant: []string{"nobody@example.com", loginTestPassword, "wrong password"}},
			{name: "by action", method: "GET", path: w + "/audit?action=data.export", actor: "owner", status: http.StatusOK,
				want: []string{"responses.csv"}, notWant: []string{"dana@example.com"}},
			{name: "by actor", method: "GET", path: w + "/audit?actor=dana@example.com", actor: "owner", status: http.StatusOK,
				want: []string{"signed in"}, notWant: []string{"responses.csv"}},
			{name: "unknown action", method: "GET", path: w + "/audit?action=drop.tables", actor: "owner", status: http.StatusBadRequest},
			{name: "globex sees none of it", method: "GET", path: "/w/globex/audit", actor: "outsider", status: http.StatusOK,
				notWant: []string{"dana@example.com", "responses.csv", "viewer@example.com"}},
		})
		// Pages: the next link carries the filters and ends.
		rec := f.do("GET", w+"/audit?actor=dana@example.com", nil, "owner")
		if strings.Contains(rec.Body.String(), `rel="next"`) {
			t.Errorf("three entries of dana: a next page is offered")
		}
		page, err := db.AuditLog(context.Background(), f.acme.ID, store.AuditFilter{Limit: 1})
		if err != nil || page.Next == 0 {
			t.Fatalf("a page of one: %v, next %d", err, page.Next)
		}
		if n := len(appMust(db.AuditLog(context.Background(), f.acme.ID, store.AuditFilter{Action: nps.AuditSignInFailed}))(t).Entries); n != 1 {
			t.Errorf("failed sign-ins recorded: got %d, want 1 (the known user's)", n)
		}
	})
}

// TestPrivacyRoutes tries the audit log's and the privacy pages' routes
// as nobody, as a user of another workspace and as each role, and fails
// when a route of privacyRoutes is not tried.
func TestPrivacyRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		s, _ := New(db, nil, Options{})
		page := func(path string) func() (string, url.Values) {
			return func() (string, url.Values) { return path, nil }
		}
		n := 0
		// contact makes a contact for one request and returns its path and
		// its email, which an erasure is confirmed with.
		contact := func() (string, string) {
			n++
			email := fmt.Sprintf("matrix%d@example.com", n)
			c := appMust(db.CreateContact(context.Background(), f.acme.ID, nps.Contact{Email: email}))(t)
			return fmt.Sprintf("/w/acme/contacts/%d", c.ID), email
		}
		f.checkRouteMatrix(t, s.privacyRoutes(), []routeTry{
			{"GET /w/{slug}/audit", http.StatusOK, page("/w/acme/audit")},
			{"GET /w/{slug}/privacy", http.StatusOK, page("/w/acme/privacy?q=example")},
			{"GET /w/{slug}/contacts/{contact}/export", http.StatusOK, func() (string, url.Values) {
				path, _ := contact()
				return path + "/export", nil
			}},
			{"GET /w/{slug}/contacts/{contact}/erase", http.StatusOK, func() (string, url.Values) {
				path, _ := contact()
				return path + "/erase", nil
			}},
			{"POST /w/{slug}/contacts/{contact}/erase", http.StatusSeeOther, func() (string, url.Values) {
				path, email := contact()
				return path + "/erase", appForm("confirm", email)
			}},
		})
	})
}
