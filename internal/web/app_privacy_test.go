package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestPrivacyScenarios: an owner finds a contact, downloads all that is
// held about them as a JSON attachment that no cache keeps, and erases
// them after typing their email; a wrong confirmation erases nothing;
// every NPS figure of the dashboard, the accounts, the trend and the
// calculation is the same before and after.
func TestPrivacyScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		w := "/w/acme"
		figures := func() map[string]string {
			out := map[string]string{}
			for _, path := range []string{"/dashboard", "/accounts", "/trend", "/calculation.csv"} {
				rec := f.do("GET", w+path, nil, "owner")
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: %d", path, rec.Code)
				}
				// The dashboard's latest comments are the comments, which go;
				// every other line is a figure or a label, which stay.
				var kept []string
				for _, l := range strings.Split(rec.Body.String(), "\n") {
					if !strings.Contains(l, "<q>") {
						kept = append(kept, l)
					}
				}
				out[path] = strings.Join(kept, "\n")
			}
			return out
		}
		before := figures()
		var mia int64
		for _, m := range appMust(db.FindContacts(t.Context(), f.acme.ID, "member-contact", 5))(t) {
			mia = m.Contact.ID
		}
		contact := fmt.Sprintf("%s/contacts/%d", w, mia)
		f.run(t, []appScenario{
			{name: "find", method: "GET", path: w + "/privacy?q=MEMBER-contact", actor: "owner", status: http.StatusOK,
				want:    []string{"Mia Member-Contact", "member-contact@example.com", "Member Account BV", contact + "/export", contact + "/erase"},
				notWant: []string{"Abe Analyst-Contact"}},
			{name: "no match", method: "GET", path: w + "/privacy?q=zzz", actor: "owner", status: http.StatusOK, want: []string{"No contact matches."}},
			{name: "another workspace's", method: "GET", path: "/w/globex/contacts/" + fmt.Sprint(mia) + "/export", actor: "outsider", status: http.StatusNotFound},
			{name: "confirm page", method: "GET", path: contact + "/erase", actor: "owner", status: http.StatusOK,
				want: []string{"Type member-contact@example.com to confirm", "Their scores stay"}},
			{name: "wrong confirmation", method: "POST", path: contact + "/erase", form: appForm("confirm", "someone@example.com"), actor: "owner",
				status: http.StatusUnprocessableEntity, want: []string{"nothing was erased"}},
		})
		rec := f.do("GET", contact+"/export", nil, "owner")
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" ||
			!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") {
			t.Fatalf("export: %d %v", rec.Code, rec.Header())
		}
		var x store.ContactExport
		if err := json.Unmarshal(rec.Body.Bytes(), &x); err != nil {
			t.Fatal(err)
		}
		if x.Schema != "promotor.contact-export/1" || x.Contact.Name != "Mia Member-Contact" || len(x.Responses) != 1 ||
			x.Responses[0].Comment != "member account comment" || x.Account.Name != "Member Account BV" {
			t.Errorf("export: %+v", x)
		}
		f.run(t, []appScenario{
			{name: "erase", method: "POST", path: contact + "/erase", form: appForm("confirm", " Member-Contact@example.com "), actor: "owner",
				status: http.StatusSeeOther, want: []string{w + fmt.Sprintf("/privacy?erased=%d", mia)}},
			{name: "erased", method: "GET", path: w + fmt.Sprintf("/privacy?erased=%d&q=member-contact", mia), actor: "owner", status: http.StatusOK,
				want: []string{fmt.Sprintf("contact #%d was erased", mia), "No contact matches."}},
			{name: "the comment is gone", method: "GET", path: w + "/responses", actor: "owner", status: http.StatusOK,
				notWant: []string{"member account comment", "Mia Member-Contact"}},
			{name: "audited", method: "GET", path: w + "/audit", actor: "owner", status: http.StatusOK,
				want: []string{"exported a contact&#39;s data", "erased a contact&#39;s data", fmt.Sprintf("contact %d", mia)}},
		})
		after := figures()
		for path, body := range before {
			if after[path] != body {
				t.Errorf("%s changed with the erasure:\n%s", path, lineDiff(body, after[path]))
			}
		}
	})
}

// lineDiff lists the lines of a that b lacks and those of b that a lacks.
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !inb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ina[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
