package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// newSendFixture is the app fixture with a recording mailer behind the
// test sends and a sender that drains the outbox into it.
func newSendFixture(t *testing.T, db *store.DB) (*appFixture, *mailtest.Recorder, *send.Sender) {
	t.Helper()
	rec := &mailtest.Recorder{}
	f := newAppFixtureWith(t, db, Options{BaseURL: "https://nps.example.com", Mail: rec})
	renderer, err := mail.NewRenderer(catalog)
	if err != nil {
		t.Fatal(err)
	}
	return f, rec, &send.Sender{DB: db, Mail: rec, Render: renderer, BaseURL: "https://nps.example.com",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestAppSendScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f, _, _ := newSendFixture(t, db)
		ctx := context.Background()
		w, wv, gwv := "/w/acme", fmt.Sprint(f.wave.ID), fmt.Sprint(f.globexWave.ID)
		gsend := appMust(db.CreateSend(ctx, f.globex.ID, nps.Send{WaveID: f.globexWave.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
			ScheduledAt: appT0.Add(time.Hour), PerMinute: 10}))(t)
		gs := fmt.Sprint(gsend.ID)
		newSend := appForm("audience", "all", "scheduled_at", "2026-05-04T10:00", "per_minute", "120", "max_reminders", "2", "reminder_days", "5")
		f.run(t, []appScenario{
			{name: "sends of a viewer", method: "GET", path: w + "/waves/" + wv + "/sends", actor: "viewer", status: http.StatusOK,
				want: []string{"Nothing sent for this wave yet", `/email?lang=nl"`}, notWant: []string{"New send", "Send a test"}},
			{name: "sends of an analyst", method: "GET", path: w + "/waves/" + wv + "/sends", actor: "analyst", status: http.StatusOK,
				want: []string{"New send", `action="/w/acme/waves/` + wv + `/sends"`, `value="analyst@example.com"`}},
			{name: "send of a member", method: "POST", path: w + "/waves/" + wv + "/sends", form: newSend, actor: "member", status: http.StatusForbidden},
			{name: "send with a bad pace", method: "POST", path: w + "/waves/" + wv + "/sends",
				form: appForm("audience", "all", "per_minute", "0"), actor: "analyst", status: http.StatusUnprocessableEntity,
				want: []string{"per_minute: must be between 1 and 1000000"}},
			{name: "send to an unknown audience", method: "POST", path: w + "/waves/" + wv + "/sends",
				form: appForm("audience", "<everyone>", "per_minute", "10"), actor: "analyst", status: http.StatusUnprocessableEntity,
				want: []string{"&#34;&lt;everyone&gt;&#34; is not an audience"}, notWant: []string{"<everyone>"}},
			{name: "send", method: "POST", path: w + "/waves/" + wv + "/sends", form: newSend, actor: "analyst", status: http.StatusSeeOther,
				want: []string{"/w/acme/sends/"}},
			{name: "email preview in Dutch", method: "GET", path: w + "/waves/" + wv + "/email?lang=nl", actor: "viewer", status: http.StatusOK,
				want: []string{"Hoe waarschijnlijk", "https://nps.example.com/s/preview/10", "https://nps.example.com/u/preview", "Example account"}},
			{name: "email preview of a reminder", method: "GET", path: w + "/waves/" + wv + "/email?lang=en&reminder=1&format=text", actor: "viewer",
				status: http.StatusOK, want: []string{"Subject: A reminder", "How likely"}},
			{name: "settings of an analyst", method: "GET", path: w + "/settings", actor: "analyst", status: http.StatusForbidden},
			{name: "settings", method: "GET", path: w + "/settings", actor: "owner", status: http.StatusOK, want: []string{`name="fatigue_days"`, `value="0"`}},
			{name: "bad fatigue days", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "-1"), actor: "owner",
				status: http.StatusUnprocessableEntity, want: []string{"must be between 0 (no limit) and 3650 days"}},
			{name: "fatigue days", method: "POST", path: w + "/settings", form: appForm("fatigue_days", "90"), actor: "owner",
				status: http.StatusSeeOther, want: []string{"/w/acme/settings?saved=1"}},

			// Another workspace's waves and sends are not found.
			{name: "other workspace's sends", method: "GET", path: w + "/waves/" + gwv + "/sends", actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's new send", method: "POST", path: w + "/waves/" + gwv + "/sends", form: newSend, actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's preview", method: "GET", path: w + "/waves/" + gwv + "/email", actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's test send", method: "POST", path: w + "/waves/" + gwv + "/test-email", form: appForm("to", "x@example.com"),
				actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's send", method: "GET", path: w + "/sends/" + gs, actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's send cancel", method: "POST", path: w + "/sends/" + gs + "/cancel", form: appForm(), actor: "owner", status: http.StatusNotFound},
			{name: "sends of a workspace of others", method: "GET", path: "/w/globex/waves/" + gwv + "/sends", actor: "owner", status: http.StatusNotFound},
		})
		if ws := appMust(db.Workspace(ctx, f.acme.ID))(t); ws.FatigueDays != 90 {
			t.Errorf("fatigue days = %d, want 90", ws.FatigueDays)
		}
		if g := appMust(db.Send(ctx, f.globex.ID, gsend.ID))(t); g.State != nps.SendScheduled {
			t.Errorf("the other workspace's send is %s, want it untouched", g.State)
		}
	})
}

// A send goes from the form through the outbox to the mailer; its page
// shows the progress, and a contact who unsubscribes gets nothing more.
func TestAppSendFlow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, rec, sender := newSendFixture(t, db)
		res := f.do("POST", "/w/acme/waves/"+fmt.Sprint(f.wave.ID)+"/sends",
			appForm("audience", "all", "per_minute", "600", "max_reminders", "1", "reminder_days", "3"), "analyst")
		if res.Code != http.StatusSeeOther {
			t.Fatalf("new send: got %d\n%s", res.Code, appExcerpt(res.Body.String()))
		}
		page := res.Header().Get("Location")
		if body := f.do("GET", page, nil, "viewer").Body.String(); !strings.Contains(body, "recipients are chosen when the send starts") ||
			!strings.Contains(body, `http-equiv="refresh"`) {
			t.Fatalf("scheduled send page:\n%s", appExcerpt(body))
		}
		if err := sender.StartDue(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.add(time.Second)
		if err := sender.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		sent := rec.Sent()
		if len(sent) != 2 {
			t.Fatalf("sent %d messages, want the fixture's 2 contacts", len(sent))
		}
		m := sent[0]
		token := strings.TrimPrefix(m.Unsubscribe.URL, "https://nps.example.com/u/")
		if m.Invitation != token || !strings.Contains(m.Text, "https://nps.example.com/s/"+token+"/9") || m.MessageID == "" {
			t.Fatalf("message = %+v", m)
		}
		body := f.do("GET", page, nil, "viewer").Body.String()
		for _, want := range []string{`<progress max="2" value="2"`, "100 % done", "<th scope=\"row\">Sent</th><td>2</td>"} {
			if !strings.Contains(body, want) {
				t.Errorf("send page: want %q in\n%s", want, appExcerpt(body))
			}
		}
		if strings.Contains(body, `http-equiv="refresh"`) {
			t.Errorf("a finished send's page refreshes itself")
		}
		f.run(t, []appScenario{
			{name: "invitations of the send", method: "GET", path: page, actor: "viewer", status: http.StatusOK,
				want: []string{"member-contact@example.com", "analyst-contact@example.com", "Member Account BV", `status-sent`}},
			{name: "invitations of a member", method: "GET", path: page, actor: "member", status: http.StatusOK,
				want:    []string{"member-contact@example.com", "accounts you own"},
				notWant: []string{"analyst-contact@example.com"}},
			{name: "failed invitations", method: "GET", path: page + "?state=failed", actor: "viewer", status: http.StatusOK,
				want: []string{"No invitations whose latest message is failed"}, notWant: []string{"member-contact@example.com"}},
			{name: "bad invitation filter", method: "GET", path: page + "?state=lost", actor: "viewer", status: http.StatusBadRequest},
			{name: "bad invitation page", method: "GET", path: page + "?after=x", actor: "viewer", status: http.StatusBadRequest},
		})

		// The unsubscribe link: GET (a link scanner) changes nothing, the
		// one-click POST of RFC 8058 unsubscribes.
		inv := appMust(db.InvitationByToken(ctx, token))(t)
		r := httptest.NewRecorder()
		f.h.ServeHTTP(r, httptest.NewRequest("GET", "/u/"+token, nil))
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `<form method="post">`) {
			t.Fatalf("unsubscribe page: %d\n%s", r.Code, r.Body.String())
		}
		if c := appMust(db.Contact(ctx, f.acme.ID, inv.ContactID))(t); c.OptedOut() {
			t.Fatal("GET of the unsubscribe link unsubscribed")
		}
		req := httptest.NewRequest("POST", "/u/"+token, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r = httptest.NewRecorder()
		f.h.ServeHTTP(r, req)
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "geen enquêtes of herinneringen meer") {
			t.Fatalf("one-click unsubscribe: %d\n%s", r.Code, r.Body.String())
		}
		if c := appMust(db.Contact(ctx, f.acme.ID, inv.ContactID))(t); !c.OptedOut() {
			t.Fatal("the one-click POST did not unsubscribe")
		}
		for _, path := range []string{"/u/" + strings.Repeat("x", 32), "/u/short"} {
			r = httptest.NewRecorder()
			f.h.ServeHTTP(r, httptest.NewRequest("POST", path, strings.NewReader("List-Unsubscribe=One-Click")))
			if r.Code != http.StatusNotFound {
				t.Errorf("POST %s: got %d, want 404", path, r.Code)
			}
		}

		// Three days on, only the contact who stayed gets a reminder.
		f.clock.add(3*24*time.Hour + time.Minute)
		if err := sender.QueueReminders(ctx); err != nil {
			t.Fatal(err)
		}
		f.clock.add(time.Second)
		if err := sender.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		sent = rec.Sent()
		if len(sent) != 3 || sent[2].To.Email == m.To.Email || !strings.Contains(sent[2].Subject, "reminder") && !strings.Contains(sent[2].Subject, "Herinnering") {
			t.Fatalf("after the reminders: %d messages, last %+v", len(sent), sent[len(sent)-1])
		}
	})
}

// A test send goes to the address typed, marked as a test; a refused
// address says so on the page.
func TestAppEmailTest(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f, rec, _ := newSendFixture(t, db)
		path := "/w/acme/waves/" + fmt.Sprint(f.wave.ID) + "/test-email"
		r := f.do("POST", path, appForm("to", "Colleague@Example.com", "lang", "en"), "analyst")
		if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "A test email was sent to colleague@example.com.") {
			t.Fatalf("test send: %d\n%s", r.Code, appExcerpt(r.Body.String()))
		}
		if sent := rec.Sent(); len(sent) != 1 || !strings.HasPrefix(sent[0].Subject, "[Test] ") || sent[0].To.Email != "colleague@example.com" {
			t.Fatalf("sent %+v", sent)
		}
		r = f.do("POST", path, appForm("to", "not an address"), "analyst")
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "not sent:") {
			t.Fatalf("test send to a bad address: %d\n%s", r.Code, appExcerpt(r.Body.String()))
		}
		if n := len(rec.Sent()); n != 1 {
			t.Fatalf("%d messages after a refused test send, want 1", n)
		}
	})
}
