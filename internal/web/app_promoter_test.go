package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// promoterFixture is the app fixture with the IDs the promoter pages
// need: Mia (the member's account, 9) is a promoter, Abe (the analyst's
// account, 3) a detractor.
type promoterFixture struct {
	*appFixture
	memberAccount, analystAccount nps.Account
	mia, abe                      nps.Contact
	miaResponse                   int64
}

func newPromoterFixture(t *testing.T, db *store.DB) *promoterFixture {
	t.Helper()
	ctx := context.Background()
	f := &promoterFixture{appFixture: newAppFixture(t, db)}
	for _, acc := range appMust(db.Accounts(ctx, f.acme.ID, store.AccountFilter{}))(t) {
		switch acc.Name {
		case "Member Account BV":
			f.memberAccount = acc
		case "Analyst Account BV":
			f.analystAccount = acc
		}
	}
	page := appMust(db.LatestResponses(ctx, f.acme.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t)
	for _, r := range page.Responses {
		c := appMust(db.Contact(ctx, f.acme.ID, r.ContactID))(t)
		if r.Score == 9 {
			f.mia, f.miaResponse = c, r.ID
		} else {
			f.abe = c
		}
	}
	return f
}

// promoter adds a contact at account with an answer of score and comment
// in the fixture's wave.
func (f *promoterFixture) promoter(t *testing.T, account nps.Account, name, email, lang string, score int, comment string) nps.Contact {
	t.Helper()
	ctx := context.Background()
	c := appMust(f.db.CreateContact(ctx, f.acme.ID, nps.Contact{AccountID: account.ID, Name: name, Email: email, Language: lang}))(t)
	f.clock.add(time.Minute)
	appMust(f.db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: score, Comment: comment,
		Language: lang, Channel: nps.ChannelLink}))(t)
	return c
}

// TestPromoterRoutes tries every route of promoterRoutes as a visitor, a
// user of another workspace and each role, and fails when a route is not
// in its table.
func TestPromoterRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db)
		w := "/w/acme"
		mia := fmt.Sprint(f.mia.ID)
		n := 0
		newAccount := func() nps.Account {
			n++
			return appMust(db.CreateAccount(ctx, f.acme.ID, nps.Account{Name: fmt.Sprint("Matrix referred ", n)}))(t)
		}
		newReferral := func() int64 {
			return appMust(db.CreateReferral(ctx, f.acme.ID, nps.Referral{ReferrerAccountID: f.memberAccount.ID, ReferrerContactID: f.mia.ID,
				ReferredAccountID: newAccount().ID}, 0))(t).ID
		}
		kept := newReferral()
		routes := []struct {
			pattern string
			path    func() string
			form    func() url.Values
			status  int
		}{
			{"GET /w/{slug}/promoters", func() string { return w + "/promoters" }, nil, http.StatusOK},
			{"GET /w/{slug}/promoters/{contact}", func() string { return w + "/promoters/" + mia }, nil, http.StatusOK},
			{"POST /w/{slug}/promoters/{contact}/actions", func() string { return w + "/promoters/" + mia + "/actions" },
				func() url.Values { return appForm("kind", "reward", "note", "Korting") }, http.StatusSeeOther},
			{"POST /w/{slug}/promoters/{contact}/thank", func() string { return w + "/promoters/" + mia + "/thank" },
				func() url.Values { return appForm("confirm", "1") }, http.StatusSeeOther},
			{"GET /w/{slug}/referrals", func() string { return w + "/referrals" }, nil, http.StatusOK},
			{"POST /w/{slug}/referrals", func() string { return w + "/referrals" },
				func() url.Values {
					return appForm("referrer", fmt.Sprint(f.memberAccount.ID), "referred", fmt.Sprint(newAccount().ID))
				}, http.StatusSeeOther},
			{"POST /w/{slug}/referrals/{referral}/thanked", func() string { return w + "/referrals/" + fmt.Sprint(kept) + "/thanked" },
				func() url.Values { return appForm() }, http.StatusSeeOther},
			{"POST /w/{slug}/referrals/{referral}/thank-email", func() string { return w + "/referrals/" + fmt.Sprint(kept) + "/thank-email" },
				func() url.Values { return appForm() }, http.StatusSeeOther},
			{"POST /w/{slug}/referrals/{referral}/delete", func() string { return w + "/referrals/" + fmt.Sprint(newReferral()) + "/delete" },
				func() url.Values { return appForm() }, http.StatusSeeOther},
			{"GET /w/{slug}/loop", func() string { return w + "/loop" }, nil, http.StatusOK},
		}
		s, _ := New(db, nil, Options{})
		var tries []routeTry
		for _, c := range routes {
			tries = append(tries, routeTry{c.pattern, c.status, func() (string, url.Values) {
				if c.form == nil {
					return c.path(), nil
				}
				return c.path(), c.form()
			}})
		}
		f.checkRouteMatrix(t, s.promoterRoutes(), tries)
	})
}

// thanksOf returns the thank-you emails queued for a contact.
func thanksOf(t *testing.T, db *store.DB, workspaceID, contactID int64) []nps.Notification {
	t.Helper()
	ctx := context.Background()
	var out []nps.Notification
	for _, act := range appMust(db.Promoter(ctx, workspaceID, contactID, 0))(t).Actions {
		if act.Kind == nps.PromoterThank {
			out = append(out, appMust(db.Notifications(ctx, workspaceID, nps.NotifyThanks, act.ID))(t)...)
		}
	}
	return out
}

func TestPromoterScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db)
		w := "/w/acme"
		xss := f.promoter(t, f.memberAccount, "Xavier", "xavier@example.com", "en", 10, "<script>alert(1)</script> Great support")
		other := f.promoter(t, f.analystAccount, "Olga Other", "olga@example.com", "nl", 10, "")
		quiet := f.promoter(t, f.memberAccount, "Quinten", "quinten@example.com", "nl", 9, "")
		appMust(db.OptOutContact(ctx, f.acme.ID, quiet.ID))(t)
		x, olga, q := fmt.Sprint(xss.ID), fmt.Sprint(other.ID), fmt.Sprint(quiet.ID)
		f.run(t, []appScenario{
			{name: "list", method: "GET", path: w + "/promoters", actor: "viewer", status: http.StatusOK,
				want:    []string{"Mia Member-Contact", "member account comment", "Olga Other", "&lt;script&gt;alert(1)&lt;/script&gt; Great support", "4 promoters"},
				notWant: []string{"<script>alert", "Abe Analyst-Contact", "Globex"}},
			{name: "list of a member", method: "GET", path: w + "/promoters", actor: "member", status: http.StatusOK,
				want: []string{"Mia Member-Contact", "Xavier"}, notWant: []string{"Olga Other"}},
			{name: "list by account", method: "GET", path: w + "/promoters?sort=account&dir=asc", actor: "viewer", status: http.StatusOK,
				want: []string{`aria-sort="ascending"`}},
			{name: "list, bad sort", method: "GET", path: w + "/promoters?sort=secret", actor: "viewer", status: http.StatusBadRequest},
			{name: "list, page past the end", method: "GET", path: w + "/promoters?page=9", actor: "viewer", status: http.StatusNotFound},
			{name: "list of all waves", method: "GET", path: w + "/promoters?wave=all", actor: "viewer", status: http.StatusOK, want: []string{"Xavier"}},
			{name: "other workspace's wave", method: "GET", path: w + "/promoters?wave=" + fmt.Sprint(f.globexWave.ID), actor: "owner", status: http.StatusNotFound},
			{name: "promoter page", method: "GET", path: w + "/promoters/" + x, actor: "viewer", status: http.StatusOK,
				want: []string{"Xavier", "Member Account BV", "&lt;script&gt;", "Reward loyalty", "Build a community", "Ask for a referral",
					"exclusive discount or a gift"},
				notWant: []string{"<script>alert", `name="kind"`, "Send thank-you email</button>"}},
			{name: "another owner's promoter as a member", method: "GET", path: w + "/promoters/" + olga, actor: "member", status: http.StatusNotFound,
				notWant: []string{"Olga"}},
			{name: "action on another owner's promoter", method: "POST", path: w + "/promoters/" + olga + "/actions", form: appForm("kind", "reward"),
				actor: "member", status: http.StatusNotFound},
			{name: "a viewer may not act", method: "POST", path: w + "/promoters/" + x + "/actions", form: appForm("kind", "reward"), actor: "viewer", status: http.StatusForbidden},
			{name: "a contact of another workspace", method: "GET", path: w + "/promoters/999999", actor: "owner", status: http.StatusNotFound},
			{name: "unknown kind", method: "POST", path: w + "/promoters/" + x + "/actions", form: appForm("kind", "bribe"), actor: "member",
				status: http.StatusUnprocessableEntity, want: []string{"That is not one of the actions."}},
			{name: "note too long", method: "POST", path: w + "/promoters/" + x + "/actions", form: appForm("kind", "surprise", "note", strings.Repeat("x", 2001)),
				actor: "member", status: http.StatusUnprocessableEntity, want: []string{"The note is too long"}},
			{name: "record a tip", method: "POST", path: w + "/promoters/" + x + "/actions", form: appForm("kind", "surprise", "note", "Taart <b>gestuurd</b>"),
				actor: "member", status: http.StatusSeeOther, want: []string{"/w/acme/promoters/" + x}},
			{name: "the tip is done", method: "GET", path: w + "/promoters/" + x, actor: "member", status: http.StatusOK,
				want: []string{"✓ done", "Taart &lt;b&gt;gestuurd&lt;/b&gt;", "Member"}},
			{name: "the list shows it", method: "GET", path: w + "/promoters", actor: "member", status: http.StatusOK, want: []string{"Surprise"}},
			{name: "opted out: refused", method: "POST", path: w + "/promoters/" + q + "/thank", form: appForm(), actor: "member",
				status: http.StatusConflict, want: []string{"opted out of our emails"}},
			{name: "thank", method: "POST", path: w + "/promoters/" + x + "/thank", form: appForm(), actor: "member", status: http.StatusSeeOther},
			{name: "thank again asks", method: "POST", path: w + "/promoters/" + x + "/thank", form: appForm(), actor: "member",
				status: http.StatusConflict, want: []string{"Send another thank-you email?", `name="confirm" value="1"`}},
			{name: "thank again, confirmed", method: "POST", path: w + "/promoters/" + x + "/thank", form: appForm("confirm", "1"), actor: "member", status: http.StatusSeeOther},
			{name: "emails queued", method: "GET", path: w + "/promoters/" + x, actor: "viewer", status: http.StatusOK,
				want: []string{"queued", "This answer was thanked for before."}},
		})
		if n := len(thanksOf(t, db, f.acme.ID, quiet.ID)); n != 0 {
			t.Errorf("the opted-out contact: %d thank-yous, want none", n)
		}
		thanks := thanksOf(t, db, f.acme.ID, xss.ID)
		if len(thanks) != 2 {
			t.Fatalf("thank-you emails of Xavier: got %d, want 2", len(thanks))
		}
		mail := thanks[0]
		for _, want := range []string{"Dear Xavier,", "10 out of 10", "Member Account BV", "> <script>alert(1)</script> Great support", "Kind regards, Acme"} {
			if !strings.Contains(mail.Text, want) {
				t.Errorf("thank-you text: want %q in\n%s", want, mail.Text)
			}
		}
		if strings.Contains(mail.HTML, "<script>") || !strings.Contains(mail.HTML, "&lt;script&gt;") {
			t.Errorf("thank-you HTML does not escape the comment:\n%s", mail.HTML)
		}
		if mail.ToEmail != "xavier@example.com" || mail.AccountID != f.memberAccount.ID || mail.Subject != "Thank you from Acme" {
			t.Errorf("thank-you: to %q, account %d, subject %q", mail.ToEmail, mail.AccountID, mail.Subject)
		}
		// Olga's language is Dutch, and so is her thank-you.
		f.run(t, []appScenario{{name: "thank Olga", method: "POST", path: w + "/promoters/" + olga + "/thank", form: appForm(), actor: "analyst", status: http.StatusSeeOther}})
		if n := thanksOf(t, db, f.acme.ID, other.ID); len(n) != 1 || !strings.Contains(n[0].Text, "Beste Olga Other,") ||
			!strings.Contains(n[0].Text, "Analyst Account BV") || !strings.Contains(n[0].Text, "Met vriendelijke groet, Acme") {
			t.Errorf("Olga's thank-you: got %+v", n)
		}
	})
}

func TestReferralScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newPromoterFixture(t, db)
		w := "/w/acme"
		newco := appMust(db.CreateAccount(ctx, f.acme.ID, nps.Account{Name: "Nieuwe Klant <i>BV</i>", AnnualRevenueCents: 1_234_567_89}))(t)
		member, analyst, n := fmt.Sprint(f.memberAccount.ID), fmt.Sprint(f.analystAccount.ID), fmt.Sprint(newco.ID)
		// A second account manager, who owns none of the accounts.
		other := appMust(db.CreateUser(ctx, nps.User{Email: "other@example.com", Name: "Other"}))(t)
		appMust(db.AddMember(ctx, f.acme.ID, other.ID, nps.RoleMember))(t)
		secret, _, err := db.CreateSession(ctx, other.ID, "password")
		if err != nil {
			t.Fatal(err)
		}
		f.users["other"], f.secrets["other"] = other, secret
		f.run(t, []appScenario{
			{name: "empty", method: "GET", path: w + "/referrals", actor: "viewer", status: http.StatusOK, want: []string{"No referrals recorded yet."},
				notWant: []string{`action="/w/acme/referrals"`}},
			{name: "self-referral", method: "POST", path: w + "/referrals", form: appForm("referrer", member, "referred", member), actor: "member",
				status: http.StatusUnprocessableEntity, want: []string{"An account cannot refer itself."}},
			{name: "a member for another owner's account", method: "POST", path: w + "/referrals", form: appForm("referrer", analyst, "referred", n),
				actor: "member", status: http.StatusUnprocessableEntity, want: []string{"Choose the account that referred."}},
			{name: "unknown contact", method: "POST", path: w + "/referrals", form: appForm("referrer", member, "referred", n, "contact", "nobody@example.com"),
				actor: "member", status: http.StatusUnprocessableEntity, want: []string{"No contact has this email address."}},
			{name: "no account", method: "POST", path: w + "/referrals", form: appForm("referrer", member, "referred", "x"),
				actor: "member", status: http.StatusUnprocessableEntity, want: []string{"Choose the new account."}},
			{name: "record", method: "POST", path: w + "/referrals", form: appForm("referrer", member, "referred", n, "contact", "MEMBER-contact@example.com", "note", "Beurs <b>"),
				actor: "member", status: http.StatusSeeOther},
			{name: "twice", method: "POST", path: w + "/referrals", form: appForm("referrer", member, "referred", n), actor: "member",
				status: http.StatusConflict, want: []string{"already referred"}},
			{name: "listed", method: "GET", path: w + "/referrals", actor: "viewer", status: http.StatusOK,
				want:    []string{"Member Account BV", "Mia Member-Contact", "Nieuwe Klant &lt;i&gt;BV&lt;/i&gt;", "1,234,567", "Beurs &lt;b&gt;", "0 / 1 (0%)"},
				notWant: []string{"<i>BV</i>", "Mark thanked"}},
			{name: "a member's own", method: "GET", path: w + "/referrals", actor: "member", status: http.StatusOK, want: []string{"Mark thanked", "Thank by email"}},
			{name: "an analyst sees it", method: "GET", path: w + "/referrals", actor: "analyst", status: http.StatusOK, want: []string{"Nieuwe Klant"}},
			{name: "another member sees none", method: "GET", path: w + "/referrals", actor: "other", status: http.StatusOK,
				want: []string{"Referrals"}, notWant: []string{"Nieuwe Klant", "Mia Member-Contact"}},
		})
		l := appMust(db.Referrals(ctx, f.acme.ID, store.ReferralFilter{}))(t)
		if len(l.Referrals) != 1 {
			t.Fatalf("referrals: got %d, want 1", len(l.Referrals))
		}
		id := fmt.Sprint(l.Referrals[0].ID)
		f.run(t, []appScenario{
			{name: "thank by email", method: "POST", path: w + "/referrals/" + id + "/thank-email", form: appForm(), actor: "member", status: http.StatusSeeOther},
			{name: "thanked", method: "GET", path: w + "/referrals", actor: "viewer", status: http.StatusOK, want: []string{"1 / 1 (100%)"}},
			{name: "the record shows it", method: "GET", path: w + "/promoters/" + fmt.Sprint(f.mia.ID), actor: "member", status: http.StatusOK,
				want: []string{"Thank-you email for the referral of Nieuwe Klant &lt;i&gt;BV&lt;/i&gt;", "queued"}},
			{name: "delete another workspace's", method: "POST", path: w + "/referrals/999999/delete", form: appForm(), actor: "owner", status: http.StatusNotFound},
			{name: "delete", method: "POST", path: w + "/referrals/" + id + "/delete", form: appForm(), actor: "owner", status: http.StatusSeeOther},
		})
		thanks := thanksOf(t, db, f.acme.ID, f.mia.ID)
		if len(thanks) != 1 || !strings.Contains(thanks[0].Text, "aanbevolen bij Nieuwe Klant <i>BV</i>") {
			t.Errorf("referral thank-yous: got %+v, want one naming the new account", thanks)
		}
	})
}

func TestLoopScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newPromoterFixture(t, db)
		w := "/w/acme"
		f.run(t, []appScenario{
			// One detractor (Abe, 3), no follow-up: 0 of 1 in time.
			{name: "loop", method: "GET", path: w + "/loop", actor: "viewer", status: http.StatusOK,
				want: []string{"Closing the loop", "<th scope=\"row\">2026</th>", "0 / 1 (0 %)", "Of the 1 detractors, 0 (0 %)",
					"There is nothing to compare yet"}},
			{name: "loop of a member", method: "GET", path: w + "/loop", actor: "member", status: http.StatusOK,
				want: []string{"no detractors", "This wave had no detractors.", "You see the accounts you own."}},
			{name: "another workspace's survey", method: "GET", path: w + "/loop?survey=" + fmt.Sprint(f.globexSurvey.ID), actor: "owner", status: http.StatusNotFound},
		})
		rec := f.do("GET", w+"/loop", nil, "viewer", "Accept-Language: nl")
		if !strings.Contains(rec.Body.String(), "De feedbackloop sluiten") {
			t.Errorf("loop in Dutch: got\n%s", appExcerpt(rec.Body.String()))
		}
	})
}
