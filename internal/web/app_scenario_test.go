package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestAppScenarios checks what the pages of the signed-in area show to
// whom, request by request.
func TestAppScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		w := "/w/acme"
		sv, anon, wv, anonWave := fmt.Sprint(f.survey.ID), fmt.Sprint(f.anonSurvey.ID), fmt.Sprint(f.wave.ID), fmt.Sprint(f.anonWave.ID)
		gsv, gwv := fmt.Sprint(f.globexSurvey.ID), fmt.Sprint(f.globexWave.ID)
		f.run(t, []appScenario{
			// Getting in.
			{name: "home signed out", method: "GET", path: "/", status: http.StatusSeeOther, want: []string{"/login"}},
			{name: "home", method: "GET", path: "/", actor: "viewer", status: http.StatusSeeOther, want: []string{"/w/acme/dashboard"}},
			{name: "home of a user without workspace", method: "GET", path: "/", actor: "lonely", status: http.StatusOK,
				want: []string{"No workspace yet", "lonely@example.com"}},
			{name: "signed out, back after sign-in", method: "GET", path: w + "/surveys?x=1", status: http.StatusSeeOther,
				want: []string{"/login?next=%2Fw%2Facme%2Fsurveys%3Fx%3D1"}},
			{name: "workspace home", method: "GET", path: w + "/", actor: "member", status: http.StatusSeeOther, want: []string{"/w/acme/dashboard"}},

			// Surveys, waves and the switcher.
			{name: "survey list", method: "GET", path: w + "/surveys", actor: "viewer", status: http.StatusOK,
				want: []string{"Relationship NPS", "Event feedback", "anonymous", "named", `href="/w/acme/surveys/` + sv + `"`,
					`<summary><span class="visually-hidden">Workspace: </span>Acme</summary>`, "viewer@example.com", `action="/logout"`},
				notWant: []string{"New survey", "API tokens", "Globex"}},
			{name: "survey list of an analyst", method: "GET", path: w + "/surveys", actor: "analyst", status: http.StatusOK,
				want: []string{`href="/w/acme/surveys/new"`}, notWant: []string{"API tokens"}},
			{name: "survey list of the owner", method: "GET", path: w + "/surveys", actor: "owner", status: http.StatusOK,
				want: []string{`href="/w/acme/tokens"`}},
			{name: "survey", method: "GET", path: w + "/surveys/" + sv, actor: "member", status: http.StatusOK,
				want: []string{"Relationship NPS", "Named survey", `href="/w/acme/waves/` + wv + `"`, "2026", "open",
					`<input id="public-link" type="url" readonly value="http://example.com/p/`, `/qr.svg"`,
					"Hoe waarschijnlijk is het", "How likely is it"},
				notWant: []string{"Edit survey", "New wave", `/close"`}},
			{name: "survey of an analyst", method: "GET", path: w + "/surveys/" + sv, actor: "analyst", status: http.StatusOK,
				want: []string{"Edit survey", `action="/w/acme/waves/` + wv + `/close"`, "New wave"}},
			{name: "unknown survey", method: "GET", path: w + "/surveys/999999", actor: "owner", status: http.StatusNotFound},
			{name: "malformed survey ID", method: "GET", path: w + "/surveys/abc", actor: "owner", status: http.StatusNotFound},

			// Responses: a member sees the accounts they own only.
			{name: "responses of the viewer", method: "GET", path: w + "/waves/" + wv, actor: "viewer", status: http.StatusOK,
				want: []string{"member account comment", "analyst account comment &lt;b&gt;bold&lt;/b&gt;", "Mia Member-Contact",
					"Member Account BV", "Analyst Account BV", "promoter", "detractor"},
				notWant: []string{"<b>bold</b>", "accounts you own"}},
			{name: "responses of a member", method: "GET", path: w + "/waves/" + wv, actor: "member", status: http.StatusOK,
				want:    []string{"member account comment", "Member Account BV", "accounts you own"},
				notWant: []string{"analyst account comment", "Analyst Account BV", "Abe Analyst-Contact"}},
			{name: "anonymous responses", method: "GET", path: w + "/waves/" + anonWave, actor: "analyst", status: http.StatusOK,
				want: []string{"anonymous comment"}, notWant: []string{"<th scope=\"col\">Contact</th>"}},
			{name: "anonymous responses of a member", method: "GET", path: w + "/waves/" + anonWave, actor: "member", status: http.StatusOK,
				want: []string{"No responses from your accounts yet."}, notWant: []string{"anonymous comment"}},
			{name: "bad page cursor", method: "GET", path: w + "/waves/" + wv + "?after=x", actor: "viewer", status: http.StatusBadRequest},

			// Another workspace's IDs are not found, and change nothing.
			{name: "other workspace's survey", method: "GET", path: w + "/surveys/" + gsv, actor: "owner", status: http.StatusNotFound,
				notWant: []string{"Globex secret survey"}},
			{name: "other workspace's survey edit", method: "GET", path: w + "/surveys/" + gsv + "/edit", actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's survey update", method: "POST", path: w + "/surveys/" + gsv, form: appSurveyFormValues("Taken over"),
				actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's survey new wave", method: "POST", path: w + "/surveys/" + gsv + "/waves",
				form: appForm("name", "x", "opens_at", "2026-06-01T09:00"), actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's wave", method: "GET", path: w + "/waves/" + gwv, actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's wave close", method: "POST", path: w + "/waves/" + gwv + "/close", form: appForm(), actor: "owner", status: http.StatusNotFound},
			{name: "other workspace's token revoke", method: "POST", path: w + "/tokens/" + fmt.Sprint(f.globexToken.ID) + "/revoke",
				form: appForm(), actor: "owner", status: http.StatusNotFound},
			{name: "workspace of others", method: "GET", path: "/w/globex/surveys", actor: "owner", status: http.StatusNotFound,
				notWant: []string{"Globex secret survey"}},
			{name: "unknown workspace", method: "GET", path: "/w/nope/surveys", actor: "owner", status: http.StatusNotFound},

			// Import: analysts and owners only, each in their own workspace.
			{name: "import form", method: "GET", path: w + "/import", actor: "analyst", status: http.StatusOK,
				want: []string{`enctype="multipart/form-data"`, `<a href="/w/acme/import">Import</a>`}},
			{name: "import form of a member", method: "GET", path: w + "/import", actor: "member", status: http.StatusForbidden},
			{name: "import form of a viewer", method: "GET", path: w + "/import", actor: "viewer", status: http.StatusForbidden},
			{name: "import upload of a viewer", method: "POST", path: w + "/import", form: appForm("kind", "contacts"), actor: "viewer", status: http.StatusForbidden},
			{name: "import into another workspace", method: "GET", path: "/w/globex/import", actor: "analyst", status: http.StatusNotFound},
			{name: "import check of another workspace", method: "POST", path: "/w/globex/import/x/check", form: appForm(), actor: "owner", status: http.StatusNotFound},

			// Forms.
			{name: "new survey form", method: "GET", path: w + "/surveys/new", actor: "analyst", status: http.StatusOK,
				want: []string{`action="/w/acme/surveys"`, `<label for="texts.nl.question">`, `name="texts.en.follow_up.detractor"`,
					`<option value="nl" selected>Dutch</option>`, `name="questions.retention" value="on" checked`}},
			{name: "edit survey form", method: "GET", path: w + "/surveys/" + anon + "/edit", actor: "analyst", status: http.StatusOK,
				want: []string{`action="/w/acme/surveys/` + anon + `"`, `value="Event feedback"`, `name="anonymous" value="on" checked`}},
			{name: "new wave form", method: "GET", path: w + "/surveys/" + sv + "/waves/new", actor: "analyst", status: http.StatusOK,
				want: []string{`type="datetime-local"`, `value="2026-05-04T09:0`}},
			{name: "wave with bad times", method: "POST", path: w + "/surveys/" + sv + "/waves",
				form:  appForm("name", "Bad", "opens_at", "2026-06-01T09:00", "closes_at", "2026-05-01T09:00", "population", "40"),
				actor: "analyst", status: http.StatusUnprocessableEntity,
				want: []string{`id="closes_at-error"`, "must be after the opening time", `value="Bad"`, `value="40"`}},
			{name: "wave with unreadable time", method: "POST", path: w + "/surveys/" + sv + "/waves",
				form: appForm("name", "Bad", "opens_at", "tomorrow"), actor: "analyst", status: http.StatusUnprocessableEntity,
				want: []string{`id="opens_at-error"`, `value="tomorrow"`}},
			{name: "wave with bad population", method: "POST", path: w + "/surveys/" + sv + "/waves",
				form: appForm("name", "Bad", "opens_at", "2026-06-01T09:00", "population", "-3"), actor: "analyst", status: http.StatusUnprocessableEntity,
				want: []string{`id="population-error"`}},
			{name: "tokens", method: "GET", path: w + "/tokens", actor: "owner", status: http.StatusOK,
				want: []string{"CRM sync", f.token.Prefix + "…", "never"}, notWant: []string{"Globex sync"}},
			{name: "token without name", method: "POST", path: w + "/tokens", form: appForm("name", " "), actor: "owner",
				status: http.StatusUnprocessableEntity, want: []string{`id="token-name-error"`}},
		})
	})
}

// A survey is created and edited through the form; a refused form comes
// back with its error next to the input and everything typed kept, and
// user text is always escaped.
func TestAppSurveyForm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		const evil = `<script>alert(1)</script>`

		form := appSurveyFormValues("")
		form.Set("texts.en.question", "Kept "+evil)
		rec := f.do("POST", "/w/acme/surveys", form, "analyst")
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `<p class="field-error" id="name-error">must not be empty</p>`) ||
			!strings.Contains(body, `aria-invalid="true" aria-describedby="name-error"`) ||
			!strings.Contains(body, `value="Kept &lt;script&gt;alert(1)&lt;/script&gt;"`) || strings.Contains(body, evil) {
			t.Fatalf("survey without a name: got %d\n%s", rec.Code, appExcerpt(body))
		}

		// A follow-up left empty in a language that has a question.
		form = appSurveyFormValues("Broken")
		form.Set("texts.en.follow_up.passive", "")
		rec = f.do("POST", "/w/acme/surveys", form, "analyst")
		if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="texts.en.follow_up.passive-error"`) {
			t.Errorf("survey with an empty follow-up: got %d\n%s", rec.Code, appExcerpt(body))
		}

		// Created with a hostile name and only Dutch texts.
		form = appSurveyFormValues(evil)
		for _, k := range []string{"question", "follow_up.promoter", "follow_up.passive", "follow_up.detractor", "retention"} {
			form.Set("texts.en."+k, "")
		}
		form.Set("questions.permission", "on")
		form.Set("texts.nl.permission", "Mogen we u bellen?")
		rec = f.do("POST", "/w/acme/surveys", form, "analyst")
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("create survey: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		surveys := appMust(db.Surveys(ctx, f.acme.ID))(t)
		created := surveys[len(surveys)-1]
		if created.Name != evil || created.Anonymous || created.DefaultLanguage != "nl" || len(created.Texts) != 1 ||
			!created.Questions.Retention || !created.Questions.Permission || created.Texts["nl"].Permission != "Mogen we u bellen?" {
			t.Errorf("created survey: got %+v", created)
		}
		if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/w/acme/surveys/%d", created.ID) {
			t.Errorf("create survey: Location %q", loc)
		}
		for _, path := range []string{"/w/acme/surveys", fmt.Sprintf("/w/acme/surveys/%d", created.ID), fmt.Sprintf("/w/acme/surveys/%d/edit", created.ID)} {
			body := f.do("GET", path, nil, "analyst").Body.String()
			if strings.Contains(body, evil) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("GET %s: the survey name is not shown escaped:\n%s", path, appExcerpt(body))
			}
		}

		// Editing keeps what the form does not show: driver questions.
		withDrivers := f.survey
		withDrivers.Questions.Drivers = []string{"support"}
		for _, lang := range []string{"nl", "en"} {
			text := withDrivers.Texts[lang]
			text.Drivers = map[string]string{"support": "Support " + lang}
			withDrivers.Texts[lang] = text
		}
		appMust(db.UpdateSurvey(ctx, f.acme.ID, f.survey.ID, withDrivers))(t)
		form = appSurveyFormValues("Relationship NPS 2026")
		form.Set("texts.en.question", "Would you recommend us?")
		rec = f.do("POST", fmt.Sprintf("/w/acme/surveys/%d", f.survey.ID), form, "owner")
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("update survey: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		got := appMust(db.Survey(ctx, f.acme.ID, f.survey.ID))(t)
		if got.Name != "Relationship NPS 2026" || got.Texts["en"].Question != "Would you recommend us?" || got.Questions.Permission ||
			len(got.Questions.Drivers) != 1 || got.Texts["nl"].Drivers["support"] != "Support nl" {
			t.Errorf("updated survey: got %+v", got)
		}

		// A survey with responses cannot become anonymous: the store says
		// why and the form shows it.
		form.Set("anonymous", "on")
		rec = f.do("POST", fmt.Sprintf("/w/acme/surveys/%d", f.survey.ID), form, "owner")
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "The survey was not saved") {
			t.Errorf("make an answered survey anonymous: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
	})
}

// Waves are created, closed and opened again with POST buttons.
func TestAppWaves(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		surveyPath := fmt.Sprintf("/w/acme/surveys/%d", f.survey.ID)

		rec := f.do("POST", surveyPath+"/waves", appForm("name", "Q3 <2026>", "opens_at", "2026-07-01T08:00", "closes_at", "2026-09-30T17:00", "population", "120"), "analyst")
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != surveyPath {
			t.Fatalf("create wave: got %d %q", rec.Code, rec.Header().Get("Location"))
		}
		waves := appMust(db.Waves(ctx, f.acme.ID, f.survey.ID))(t)
		q3 := waves[len(waves)-1]
		if q3.Name != "Q3 <2026>" || q3.Population != 120 || q3.OpensAt.Format(appLocalTime) != "2026-07-01T08:00" || q3.ClosesAt.Format(appLocalTime) != "2026-09-30T17:00" {
			t.Errorf("created wave: got %+v", q3)
		}
		body := f.do("GET", surveyPath, nil, "analyst").Body.String()
		if !strings.Contains(body, "Q3 &lt;2026&gt;") || !strings.Contains(body, "scheduled") ||
			!strings.Contains(body, fmt.Sprintf(`action="/w/acme/waves/%d/open"`, q3.ID)) {
			t.Errorf("survey page after creating a wave:\n%s", appExcerpt(body))
		}

		wavePath := fmt.Sprintf("/w/acme/waves/%d", f.wave.ID)
		if rec := f.do("POST", wavePath+"/close", appForm(), "analyst"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != surveyPath {
			t.Fatalf("close wave: got %d %q", rec.Code, rec.Header().Get("Location"))
		}
		if w := appMust(db.Wave(ctx, f.acme.ID, f.wave.ID))(t); !w.ClosesAt.Equal(f.clock.now()) {
			t.Errorf("closed wave: closes at %v, want now (%v)", w.ClosesAt, f.clock.now())
		}
		if body := f.do("GET", wavePath, nil, "viewer").Body.String(); !strings.Contains(body, `status-closed">closed`) {
			t.Errorf("wave page after closing:\n%s", appExcerpt(body))
		}
		f.clock.add(time.Hour)
		if rec := f.do("POST", wavePath+"/open", appForm(), "owner"); rec.Code != http.StatusSeeOther {
			t.Fatalf("open wave: got %d", rec.Code)
		}
		if w := appMust(db.Wave(ctx, f.acme.ID, f.wave.ID))(t); !w.ClosesAt.IsZero() || !w.OpenAt(f.clock.now()) {
			t.Errorf("reopened wave: got %+v, want open without end", w)
		}
		// A scheduled wave cannot be closed: the store's reason is shown.
		rec = f.do("POST", fmt.Sprintf("/w/acme/waves/%d/close", q3.ID), appForm(), "analyst")
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "has not opened yet") {
			t.Errorf("close a scheduled wave: got %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
	})
}

// The latest responses page in pages, newest first, with a link to the
// older ones.
func TestAppResponsesPaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		n := store.DefaultResponsePage + 5
		for i := range n {
			f.clock.add(time.Second)
			appMust(db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: f.anonWave.ID, Score: i % 11, Comment: fmt.Sprintf("paged comment %03d", i), Channel: nps.ChannelLink}))(t)
		}
		path := fmt.Sprintf("/w/acme/waves/%d", f.anonWave.ID)
		body := f.do("GET", path, nil, "viewer").Body.String()
		last := fmt.Sprintf("paged comment %03d", n-1)
		if !strings.Contains(body, last) || strings.Index(body, last) > strings.Index(body, fmt.Sprintf("paged comment %03d", n-2)) {
			t.Errorf("first page: want the newest response first:\n%s", appExcerpt(body))
		}
		i := strings.Index(body, `rel="next"`)
		j := strings.LastIndex(body[:max(i, 0)], `href="`)
		if i < 0 || j < 0 {
			t.Fatalf("first page: no link to older responses")
		}
		next := strings.ReplaceAll(body[j+len(`href="`):strings.Index(body[j+6:], `"`)+j+6], "&amp;", "&")
		body = f.do("GET", next, nil, "viewer").Body.String()
		for _, want := range []string{"paged comment 000", "paged comment 004", "anonymous comment"} {
			if !strings.Contains(body, want) {
				t.Errorf("second page %s: want %q", next, want)
			}
		}
		if strings.Contains(body, "paged comment 005") || strings.Contains(body, `rel="next"`) {
			t.Errorf("second page %s: want only the 6 oldest responses and no further link", next)
		}
	})
}

// A new token's secret is shown once, on the answer to the POST, and never
// again; a revoked token is listed as revoked.
func TestAppTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAppFixture(t, db)
		rec := f.do("POST", "/w/acme/tokens", appForm("name", "Warehouse <export>"), "owner")
		body := rec.Body.String()
		i := strings.Index(body, `<input id="secret" type="text" readonly value="`)
		if rec.Code != http.StatusOK || i < 0 || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("create token: got %d, Cache-Control %q\n%s", rec.Code, rec.Header().Get("Cache-Control"), appExcerpt(body))
		}
		rest := body[i+len(`<input id="secret" type="text" readonly value="`):]
		secret := rest[:strings.Index(rest, `"`)]
		tok, err := db.APITokenBySecret(ctx, secret)
		if err != nil || tok.WorkspaceID != f.acme.ID || tok.Name != "Warehouse <export>" || tok.CreatedBy != f.users["owner"].ID {
			t.Fatalf("the shown secret: token %+v, %v; want the new token of acme", tok, err)
		}
		if !strings.Contains(body, "Token “Warehouse &lt;export&gt;” created") {
			t.Errorf("create token: the name is not shown escaped\n%s", appExcerpt(body))
		}
		list := f.do("GET", "/w/acme/tokens", nil, "owner").Body.String()
		if strings.Contains(list, secret) || !strings.Contains(list, tok.Prefix+"…") {
			t.Errorf("token list: shows the secret again, or not the prefix\n%s", appExcerpt(list))
		}
		rec = f.do("POST", fmt.Sprintf("/w/acme/tokens/%d/revoke", tok.ID), appForm(), "owner")
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/w/acme/tokens" {
			t.Fatalf("revoke: got %d %q", rec.Code, rec.Header().Get("Location"))
		}
		if _, err := db.APITokenBySecret(ctx, secret); err == nil {
			t.Error("a revoked token still authenticates")
		}
		if list := f.do("GET", "/w/acme/tokens", nil, "owner").Body.String(); !strings.Contains(list, "revoked 2026-05-04") {
			t.Errorf("token list after revoke:\n%s", appExcerpt(list))
		}
		if rec := f.do("POST", "/w/acme/tokens/abc/revoke", appForm(), "owner"); rec.Code != http.StatusNotFound {
			t.Errorf("revoke a malformed ID: got %d, want 404", rec.Code)
		}
	})
}
