package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestAlertRuleScenarios: a new workspace is offered the recommended
// rule; owners add, change and delete rules, analysts read them, and a
// refused form writes nothing.
func TestAlertRuleScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		ctx := context.Background()
		w := "/w/acme"
		count := func() int { return len(appMust(db.AlertRules(ctx, f.acme.ID))(t)) }
		f.run(t, []appScenario{
			{name: "no rules yet", method: "GET", path: w + "/alert-rules", actor: "owner", status: http.StatusOK,
				want: []string{"no alert rules yet", "Add the recommended rule: detractor (score 6 or lower), contact within 2 working days",
					`action="/w/acme/alert-rules/recommended"`, `action="/w/acme/alert-rules"`}},
			{name: "analyst reads only", method: "GET", path: w + "/alert-rules", actor: "analyst", status: http.StatusOK,
				want: []string{"Alert rules"}, notWant: []string{`action="/w/acme/alert-rules`, "recommended"}},
			{name: "recommended rule", method: "POST", path: w + "/alert-rules/recommended", form: appForm(), actor: "owner", status: http.StatusSeeOther,
				want: []string{"/w/acme/alert-rules"}},
			{name: "with the rule", method: "GET", path: w + "/alert-rules", actor: "analyst", status: http.StatusOK,
				want: []string{">Detractor</a>", "score 6 or lower; contact within 2 working days", "Active"}, notWant: []string{"no alert rules yet"}},
			{name: "score out of range", method: "POST", path: w + "/alert-rules", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("name", "Too high", "kind", "score", "max_score", "10", "followup_days", "2"),
				want: []string{"The rule was not saved: The score must be from 0 to 9.", `value="Too high"`, `aria-invalid="true"`}},
			{name: "not a number", method: "POST", path: w + "/alert-rules", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("name", "Drop", "kind", "drop", "min_drop", "lots"), want: []string{"Enter a whole number."}},
			{name: "no keywords", method: "POST", path: w + "/alert-rules", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("name", "Words", "kind", "keyword", "keywords", " , "), want: []string{"Give one to 50 keywords"}},
			{name: "deadline too far", method: "POST", path: w + "/alert-rules", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("name", "Late", "kind", "score", "max_score", "6", "followup_days", "31"), want: []string{"from 0 to 30 working days"}},
			{name: "keyword rule", method: "POST", path: w + "/alert-rules", actor: "owner", status: http.StatusSeeOther,
				form: appForm("name", "Churn <words>", "kind", "keyword", "keywords", "Opzeg*\nSlechte   service", "followup_days", "0", "active", "1")},
			{name: "silent rule", method: "POST", path: w + "/alert-rules", actor: "owner", status: http.StatusSeeOther,
				form: appForm("name", "Key accounts", "kind", "silent", "silent_months", "6", "min_revenue", "1.000.000,50", "followup_days", "5", "active", "1")},
			{name: "the new rules", method: "GET", path: w + "/alert-rules", actor: "owner", status: http.StatusOK,
				want: []string{"Churn &lt;words&gt;", "comments mentioning opzeg*, slechte service; no follow-up",
					"no answer for 6 months from an account with at least 1,000,000 annual revenue; contact within 5 working days"},
				notWant: []string{"Churn <words>"}},
		})
		if n := count(); n != 3 {
			t.Fatalf("rules: got %d, want 3 (the refused forms wrote nothing)", n)
		}
		rules := appMust(db.AlertRules(ctx, f.acme.ID))(t)
		var detractor nps.AlertRule
		for _, r := range rules {
			if r.Name == "Detractor" {
				detractor = r
			}
		}
		if detractor.MaxScore != 6 || detractor.FollowUpDays != 2 || !detractor.Active {
			t.Fatalf("recommended rule: got %+v", detractor)
		}
		for _, r := range rules {
			if r.Kind == nps.RuleSilent && r.MinRevenueCents != 100_000_050 {
				t.Errorf("key accounts' revenue typed 1.000.000,50: got %d cents, want 100000050", r.MinRevenueCents)
			}
		}
		id := fmt.Sprint(detractor.ID)
		f.insertAlert(t, f.acme.ID, detractor.ID, 0, 0, 0, 0, nps.AlertOpen, time.Time{})
		f.run(t, []appScenario{
			{name: "rule page", method: "GET", path: w + "/alert-rules/" + id, actor: "owner", status: http.StatusOK,
				want: []string{`value="Detractor"`, `<option value="score" selected>`, `value="6"`, "Delete rule"}},
			{name: "rule page of an analyst", method: "GET", path: w + "/alert-rules/" + id, actor: "analyst", status: http.StatusOK,
				want: []string{"score 6 or lower"}, notWant: []string{`action="/w/acme/alert-rules`}},
			{name: "refused change", method: "POST", path: w + "/alert-rules/" + id, actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("name", "", "kind", "score", "max_score", "6"), want: []string{"Give the rule a name"}},
			{name: "change", method: "POST", path: w + "/alert-rules/" + id, actor: "owner", status: http.StatusSeeOther,
				form: appForm("name", "Strong detractor", "kind", "score", "max_score", "4", "followup_days", "1", "active", "1")},
			{name: "delete a rule with alerts", method: "POST", path: w + "/alert-rules/" + id + "/delete", form: appForm(), actor: "owner",
				status: http.StatusSeeOther, want: []string{"done=deactivated"}},
			{name: "said so", method: "GET", path: w + "/alert-rules?done=deactivated", actor: "owner", status: http.StatusOK,
				want: []string{"deactivated instead of deleted", "Strong detractor", "score 4 or lower; contact within 1 working day", "Inactive"}},
			{name: "other workspace's rule", method: "GET", path: "/w/globex/alert-rules/" + id, actor: "outsider", status: http.StatusNotFound},
		})
	})
}

// TestFollowUpScenarios: who sees which follow-ups, the deadline in
// words, and recording a contact, closing and reopening.
func TestFollowUpScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAlertFixture(t, db)
		w := "/w/acme"
		analyst, member, globex := fmt.Sprint(f.analystAlert), fmt.Sprint(f.memberAlert), fmt.Sprint(f.globexAlert)
		future := f.clock.now().Add(time.Hour).Format(appLocalTime)
		before := f.clock.now().Add(-time.Hour).Format(appLocalTime)
		f.run(t, []appScenario{
			{name: "open follow-ups", method: "GET", path: w + "/followups", actor: "owner", status: http.StatusOK,
				want: []string{"Analyst Account BV", "Member Account BV", "Abe Analyst-Contact", "overdue by 1 hour", "due in 2 working days",
					"analyst account comment &lt;b&gt;bold&lt;/b&gt;", `class="overdue"`, `aria-current="page">Open`},
				notWant: []string{"<b>bold</b>", "Globex"}},
			{name: "a member's own", method: "GET", path: w + "/followups", actor: "member", status: http.StatusOK,
				want: []string{"Member Account BV", "You see the follow-ups of the accounts you own."}, notWant: []string{"Analyst Account BV"}},
			{name: "overdue", method: "GET", path: w + "/followups?tab=overdue", actor: "analyst", status: http.StatusOK,
				want: []string{"Analyst Account BV"}, notWant: []string{"Member Account BV"}},
			{name: "none contacted", method: "GET", path: w + "/followups?tab=contacted", actor: "analyst", status: http.StatusOK,
				want: []string{"No contacted follow-ups."}},
			{name: "no such tab", method: "GET", path: w + "/followups?tab=late", actor: "analyst", status: http.StatusBadRequest},
			{name: "detail", method: "GET", path: w + "/followups/" + analyst, actor: "owner", status: http.StatusOK,
				want: []string{"Follow-up: Analyst Account BV", "/w/acme/accounts/" + fmt.Sprint(f.analystAccount), "/w/acme/responses/" + fmt.Sprint(f.analystResponse),
					"Detractor", "score 3 is at or below 6", "alert raised", "Record contact", "Close follow-up", "overdue by 1 hour"}},
			{name: "another's follow-up for a member", method: "GET", path: w + "/followups/" + analyst, actor: "member", status: http.StatusNotFound},
			{name: "another's follow-up, contact by a member", method: "POST", path: w + "/followups/" + analyst + "/contact", form: appForm(),
				actor: "member", status: http.StatusNotFound},
			{name: "other workspace's follow-up", method: "GET", path: w + "/followups/" + globex, actor: "owner", status: http.StatusNotFound},
			{name: "contact in the future", method: "POST", path: w + "/followups/" + analyst + "/contact", actor: "analyst",
				form: appForm("contacted_at", future, "note", "Kept"), status: http.StatusUnprocessableEntity,
				want: []string{"neither in the future nor before the alert", `value="` + future + `"`, "Kept"}},
			{name: "contact before the alert", method: "POST", path: w + "/followups/" + analyst + "/contact", actor: "analyst",
				form: appForm("contacted_at", before), status: http.StatusUnprocessableEntity, want: []string{"neither in the future nor before the alert"}},
			{name: "contact time unreadable", method: "POST", path: w + "/followups/" + analyst + "/contact", actor: "analyst",
				form: appForm("contacted_at", "yesterday"), status: http.StatusUnprocessableEntity, want: []string{"as a date and time"}},
			{name: "close without a note", method: "POST", path: w + "/followups/" + analyst + "/close", actor: "analyst",
				form: appForm("note", " "), status: http.StatusUnprocessableEntity, want: []string{"to close without contact, say why"}},
			{name: "still open", method: "GET", path: w + "/followups?tab=open", actor: "owner", status: http.StatusOK, want: []string{"Analyst Account BV"}},
			{name: "contact", method: "POST", path: w + "/followups/" + analyst + "/contact", actor: "analyst",
				form: appForm("note", "Called <Abe>"), status: http.StatusSeeOther, want: []string{"/w/acme/followups/" + analyst}},
			{name: "contacted", method: "GET", path: w + "/followups/" + analyst, actor: "owner", status: http.StatusOK,
				want:    []string{"first contact recorded — Analyst: Called &lt;Abe&gt;", "contacted 1 hour late", "Reopen follow-up"},
				notWant: []string{"Record contact"}},
			{name: "contacted tab", method: "GET", path: w + "/followups?tab=contacted", actor: "owner", status: http.StatusOK, want: []string{"Analyst Account BV"}},
			{name: "contact twice", method: "POST", path: w + "/followups/" + analyst + "/contact", actor: "analyst", form: appForm(), status: http.StatusConflict},
			{name: "reopen", method: "POST", path: w + "/followups/" + analyst + "/reopen", actor: "owner", form: appForm(), status: http.StatusSeeOther},
			{name: "member closes own", method: "POST", path: w + "/followups/" + member + "/close", actor: "member",
				form: appForm("note", "Answer was a mistake"), status: http.StatusSeeOther},
			{name: "closed", method: "GET", path: w + "/followups?tab=closed", actor: "member", status: http.StatusOK,
				want: []string{"Member Account BV", "closed without contact"}},
			{name: "history", method: "GET", path: w + "/followups/" + analyst, actor: "owner", status: http.StatusOK,
				want: []string{"first contact recorded", "reopened — Owner", "Record contact"}},
			{name: "viewer", method: "GET", path: w + "/followups", actor: "viewer", status: http.StatusForbidden},
		})
	})
}

// TestWebhookScenarios: creating an endpoint shows its secret once; the
// log shows deliveries and attempts, escaped; a replay and a refused
// form.
func TestWebhookScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAlertFixture(t, db)
		ctx := context.Background()
		w := "/w/acme"
		ep, del := fmt.Sprint(f.endpoint), fmt.Sprint(f.delivery)
		f.run(t, []appScenario{
			{name: "bad URL", method: "POST", path: w + "/webhooks", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("url", "ftp://files.example", "events", "alert.created"), want: []string{"starts with https://", `value="ftp://files.example"`}},
			{name: "no events", method: "POST", path: w + "/webhooks", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("url", "https://x.example"), want: []string{"Choose at least one kind of event."}},
			{name: "unknown format", method: "POST", path: w + "/webhooks", actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("url", "https://x.example", "format", "xml", "events", "alert.created"), want: []string{"Choose Promotor JSON, Slack or Microsoft Teams."}},
		})
		if n := len(appMust(db.WebhookEndpoints(ctx, f.acme.ID))(t)); n != 1 {
			t.Fatalf("endpoints after refused forms: got %d, want 1", n)
		}
		rec := f.do("POST", w+"/webhooks", appForm("url", "https://teams.example/hook", "format", "teams", "events", "followup.overdue",
			"events", "alert.created", "active", "1"), "owner")
		secret := regexp.MustCompile(`value="(whsec_[A-Za-z0-9_-]+)"`).FindStringSubmatch(rec.Body.String())
		if rec.Code != http.StatusOK || secret == nil || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("create endpoint: got %d, Cache-Control %q, secret %v\n%s", rec.Code, rec.Header().Get("Cache-Control"), secret, appExcerpt(rec.Body.String()))
		}
		f.run(t, []appScenario{
			{name: "list", method: "GET", path: w + "/webhooks", actor: "owner", status: http.StatusOK,
				want: []string{"https://teams.example/hook", "Microsoft Teams", "<code>alert.created</code>, <code>followup.overdue</code>",
					"whsec_••••" + secret[1][len(secret[1])-4:], "Sales &lt;channel&gt;"},
				notWant: []string{secret[1], "globex"}},
			{name: "endpoint", method: "GET", path: w + "/webhooks/" + ep, actor: "owner", status: http.StatusOK,
				want:    []string{"Delivery log", "#" + del, "<code>alert.created</code>", "failed", "502", "bad gateway &lt;x&gt;", "Rotate the secret"},
				notWant: []string{"bad gateway <x>"}},
			{name: "delivery", method: "GET", path: w + "/webhooks/" + ep + "/deliveries/" + del, actor: "owner", status: http.StatusOK,
				want:    []string{"Delivery #" + del, "acme-1", "87 ms", "&lt;html&gt;upstream&lt;/html&gt;", "Replay", "&lt;b&gt;payload&lt;/b&gt;"},
				notWant: []string{"<html>upstream"}},
			{name: "other workspace's delivery", method: "GET", path: w + "/webhooks/" + ep + "/deliveries/" + fmt.Sprint(f.globexDelivery), actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's endpoint", method: "GET", path: w + "/webhooks/" + fmt.Sprint(f.globexEndpoint), actor: "owner", status: http.StatusNotFound},
			{name: "replay", method: "POST", path: w + "/webhooks/" + ep + "/deliveries/" + del + "/replay", form: appForm(), actor: "owner",
				status: http.StatusSeeOther, want: []string{"done=replayed"}},
			{name: "replayed", method: "GET", path: w + "/webhooks/" + ep + "/deliveries/" + del + "?done=replayed", actor: "owner", status: http.StatusOK,
				want: []string{"sent again shortly", "pending"}},
			{name: "refused change", method: "POST", path: w + "/webhooks/" + ep, actor: "owner", status: http.StatusUnprocessableEntity,
				form: appForm("url", "https://u:p@x.example", "events", "alert.created"), want: []string{"no user name or password", "Delivery log"}},
			{name: "change", method: "POST", path: w + "/webhooks/" + ep, actor: "owner", status: http.StatusSeeOther,
				form: appForm("url", "https://hooks.slack.example/acme2", "format", "slack", "events", "response.created")},
			{name: "delete with deliveries", method: "POST", path: w + "/webhooks/" + ep + "/delete", form: appForm(), actor: "owner",
				status: http.StatusSeeOther, want: []string{"done=deactivated"}},
			{name: "said so", method: "GET", path: w + "/webhooks?done=deactivated", actor: "owner", status: http.StatusOK,
				want: []string{"deactivated instead of deleted", "https://hooks.slack.example/acme2", "Inactive"}},
		})
		rec = f.do("POST", w+"/webhooks/"+ep+"/rotate", appForm(), "owner")
		rotated := regexp.MustCompile(`value="(whsec_[A-Za-z0-9_-]+)"`).FindStringSubmatch(rec.Body.String())
		old := appMust(db.WebhookEndpoint(ctx, f.acme.ID, f.endpoint))(t)
		if rec.Code != http.StatusOK || rotated == nil || rotated[1] != old.Secret || !strings.Contains(rec.Body.String(), "New secret") {
			t.Errorf("rotate: got %d, secret %v (stored %s)", rec.Code, rotated, old.Secret)
		}
		if d := appMust(db.WebhookDelivery(ctx, f.acme.ID, f.delivery))(t); d.State != nps.DeliveryPending {
			t.Errorf("replayed delivery: got state %s, want pending", d.State)
		}
	})
}

// TestEscalationEmails: an overdue follow-up goes to the workspace's
// owners, the account's owner left out, each in their own language; a
// silent key account's alert goes to the account's owner.
func TestEscalationEmails(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAlertFixture(t, db)
		ctx := context.Background()
		s, err := New(db, nil, Options{BaseURL: "https://nps.example/"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserLanguage(ctx, f.users["owner"].ID, "nl"); err != nil {
			t.Fatal(err)
		}
		boss := appMust(db.CreateUser(ctx, nps.User{Email: "boss@example.com", Name: "Boss", Language: "en"}))(t)
		appMust(db.AddMember(ctx, f.acme.ID, boss.ID, nps.RoleOwner))(t)
		ownerAcc := appMust(db.CreateAccount(ctx, f.acme.ID, nps.Account{Name: "Owner's BV", OwnerID: f.users["owner"].ID}))(t)
		ownersAlert := f.insertAlert(t, f.acme.ID, f.rule, 0, ownerAcc.ID, 0, f.users["owner"].ID, nps.AlertOpen, f.clock.now().Add(-time.Minute))
		if err := s.EscalateOverdue(ctx); err != nil {
			t.Fatal(err)
		}
		mails := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyEscalation, f.analystAlert))(t)
		got := map[string]nps.Notification{}
		for _, n := range mails {
			got[n.ToEmail] = n
		}
		nl, en := got["owner@example.com"], got["boss@example.com"]
		if len(mails) != 2 || nl.ID == 0 || en.ID == 0 {
			t.Fatalf("escalation of the analyst's follow-up: got %d emails to %v, want one to each owner", len(mails), got)
		}
		link := fmt.Sprintf("https://nps.example/w/acme/followups/%d", f.analystAlert)
		for _, c := range []struct {
			n       nps.Notification
			subject string
			want    []string
		}{
			{nl, "Verlopen opvolging: Analyst Account BV", []string{"Beste Owner,", "De eigenaar is Analyst.", "Klant: Analyst Account BV", "Score: 3", link}},
			{en, "Overdue follow-up: Analyst Account BV", []string{"Hello Boss,", "Its owner is Analyst.", "Contact: Abe Analyst-Contact", "Score: 3", link}},
		} {
			if c.n.Subject != c.subject || c.n.Kind != nps.NotifyEscalation || c.n.AccountID != f.analystAccount {
				t.Errorf("email to %s: got subject %q, kind %s, account %d", c.n.ToEmail, c.n.Subject, c.n.Kind, c.n.AccountID)
			}
			for _, w := range append(c.want, "analyst account comment <b>bold</b>") {
				if !strings.Contains(c.n.Text, w) {
					t.Errorf("text to %s lacks %q:\n%s", c.n.ToEmail, w, c.n.Text)
				}
			}
			if !strings.Contains(c.n.HTML, "&lt;b&gt;bold&lt;/b&gt;") || strings.Contains(c.n.HTML, "<b>bold</b>") {
				t.Errorf("HTML to %s does not escape the comment", c.n.ToEmail)
			}
		}
		if own := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyEscalation, ownersAlert))(t); len(own) != 1 || own[0].ToEmail != boss.Email {
			t.Errorf("escalation of the owner's own follow-up: got %+v, want only the other owner", own)
		}
		if n := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyEscalation, f.memberAlert))(t); len(n) != 0 {
			t.Errorf("follow-up not yet due: got %d escalation emails", len(n))
		}
		if err := s.EscalateOverdue(ctx); err != nil {
			t.Fatal(err)
		}
		if again := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyEscalation, f.analystAlert))(t); len(again) != 2 {
			t.Errorf("second run: got %d emails, want still 2", len(again))
		}

		// A silent key account: the member's, whose last answer is old.
		appMust(db.CreateAlertRule(ctx, f.acme.ID, nps.AlertRule{Name: "Silent", Kind: nps.RuleSilent, SilentMonths: 1, FollowUpDays: 2, Active: true}))(t)
		f.clock.add(45 * 24 * time.Hour)
		if err := s.RaiseSilentKeyAccounts(ctx); err != nil {
			t.Fatal(err)
		}
		alerts := appMust(db.Alerts(ctx, f.acme.ID, store.AlertFilter{AccountID: f.memberAccount, State: nps.AlertOpen}))(t)
		var silent store.AlertItem
		for _, a := range alerts {
			if a.Kind == nps.RuleSilent {
				silent = a
			}
		}
		ns := appMust(db.Notifications(ctx, f.acme.ID, nps.NotifyAlert, silent.ID))(t)
		if silent.ID == 0 || len(ns) != 1 || ns[0].ToEmail != "member@example.com" || ns[0].Subject != "Key account without an answer: Member Account BV" {
			t.Fatalf("silent account's alert %d: got emails %+v", silent.ID, ns)
		}
	})
}

// TestAlertPagesDutch renders the pages of alerts and webhooks for an
// owner who chose Dutch: none shows a message key, which is what a key
// missing from every language looks like.
func TestAlertPagesDutch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAlertFixture(t, db)
		ctx := context.Background()
		if err := db.SetUserLanguage(ctx, f.users["owner"].ID, "nl"); err != nil {
			t.Fatal(err)
		}
		keys := alertMessageKeys(t)
		w := "/w/acme"
		ep := fmt.Sprint(f.endpoint)
		for _, path := range []string{
			w + "/alert-rules", w + "/alert-rules/" + fmt.Sprint(f.rule), w + "/followups", w + "/followups?tab=all",
			w + "/followups?tab=closed", w + "/followups/" + fmt.Sprint(f.analystAlert), w + "/webhooks", w + "/webhooks/" + ep,
			w + "/webhooks/" + ep + "/deliveries/" + fmt.Sprint(f.delivery),
		} {
			rec := f.do("GET", path, nil, "owner")
			body := rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, `lang="nl"`) {
				t.Errorf("%s in Dutch: got %d\n%s", path, rec.Code, appExcerpt(body))
				continue
			}
			for _, k := range keys {
				if strings.Contains(body, ">"+k) || strings.Contains(body, k+"<") || strings.Contains(body, `"`+k+`"`) {
					t.Errorf("%s in Dutch shows the message key %s", path, k)
				}
			}
		}
	})
}

// alertMessageKeys are the keys of the alert and webhook messages, and
// the keys the pages build from values (kinds, states, tabs, formats).
func alertMessageKeys(t *testing.T) []string {
	t.Helper()
	keys := []string{"alert.history.raised", "alert.history.escalated", "alert.history.contacted", "alert.history.closed", "alert.history.reopened"}
	for _, k := range nps.RuleKinds {
		keys = append(keys, "alert.rule.kind."+string(k))
	}
	for _, s := range []string{"open", "contacted", "closed"} {
		keys = append(keys, "alert.state."+s)
	}
	for _, s := range followUpTabs {
		keys = append(keys, "alert.tab."+s, "alert.followups.none."+s)
	}
	for _, f := range webhookFormats {
		keys = append(keys, "webhook.format."+string(f))
	}
	for _, k := range nps.EventKinds {
		keys = append(keys, "webhook.event."+string(k))
	}
	for _, s := range []string{"pending", "delivered", "failed"} {
		keys = append(keys, "webhook.state."+s)
	}
	nl := catalog.Messages("nl")
	for _, k := range keys {
		if nl.T(k) == k {
			t.Errorf("message %s is in no language", k)
		}
	}
	return keys
}
