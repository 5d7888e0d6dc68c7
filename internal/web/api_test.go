package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// apiT0 is the fixed time of the API tests' clock.
var apiT0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// apiFixture is a workspace with a survey, an open wave, an account, a
// contact and API tokens (valid, revoked), and another workspace with its
// own survey, wave and token, served by the real router.
type apiFixture struct {
	db      *store.DB
	h       http.Handler
	srv     *Server
	ws      nps.Workspace
	survey  nps.Survey
	wave    nps.Wave
	account nps.Account
	contact nps.Contact
	// token is valid for ws, revoked was revoked, other is other's.
	token, revoked, other string
	otherSurvey           nps.Survey
	otherWave             nps.Wave
}

func newAPIFixture(t testing.TB, db *store.DB) *apiFixture {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return apiT0 }
	f := &apiFixture{db: db}
	var err error
	f.srv, err = New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.h = f.srv.Handler()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.ws, err = db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"})
	check(err)
	f.survey, err = db.CreateSurvey(ctx, f.ws.ID, apiSampleSurvey("Relationship NPS"))
	check(err)
	f.wave, err = db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: f.survey.ID, Name: "2025", OpensAt: apiT0.Add(-24 * time.Hour), Population: 5000})
	check(err)
	f.account, err = db.CreateAccount(ctx, f.ws.ID, nps.Account{ExternalID: "CRM-1", Name: "Client BV"})
	check(err)
	f.contact, err = db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: f.account.ID, Email: "anna@client.example", Name: "Anna"})
	check(err)
	_, f.token, err = db.CreateAPIToken(ctx, f.ws.ID, "tests", 0)
	check(err)
	rev, revoked, err := db.CreateAPIToken(ctx, f.ws.ID, "old", 0)
	check(err)
	_, err = db.RevokeAPIToken(ctx, f.ws.ID, rev.ID)
	check(err)
	f.revoked = revoked

	other, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "other", Name: "Other"})
	check(err)
	f.otherSurvey, err = db.CreateSurvey(ctx, other.ID, apiSampleSurvey("Other survey"))
	check(err)
	f.otherWave, err = db.CreateWave(ctx, other.ID, nps.Wave{SurveyID: f.otherSurvey.ID, Name: "Other wave", OpensAt: apiT0.Add(-time.Hour)})
	check(err)
	_, f.other, err = db.CreateAPIToken(ctx, other.ID, "other", 0)
	check(err)
	return f
}

// apiSampleSurvey asks the retention and permission questions and rates
// support, in Dutch and English.
func apiSampleSurvey(name string) nps.Survey {
	text := func(q string) nps.SurveyText {
		return nps.SurveyText{Question: q, FollowUp: nps.FollowUp{Promoter: "Why?", Passive: "What is missing?", Detractor: "What went wrong?"},
			Retention: "Competitor?", Permission: "May we call?", Drivers: map[string]string{"support": "Support"}}
	}
	return nps.Survey{Name: name, DefaultLanguage: "nl",
		Questions: nps.Questions{Retention: true, Permission: true, Drivers: []string{"support"}},
		Texts:     map[string]nps.SurveyText{"nl": text("Aanbevelen?"), "en": text("Recommend?")}}
}

// do sends a request through the router; body is JSON. token "" sends
// none; headers are extra header name and value pairs.
func (f *apiFixture) do(method, path, token, body string, headers ...string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// count returns the number of responses of the fixture's workspace, from
// the rollup.
func (f *apiFixture) count(t testing.TB) int64 {
	t.Helper()
	h, err := f.db.Histogram(context.Background(), f.ws.ID, store.HistogramFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return h.N()
}

// apiScenario is one request and what its answer must hold.
type apiScenario struct {
	name         string
	method, path string
	// token: "" the valid one; "none", "bad", "revoked", "other" as named;
	// anything else is sent as is.
	token  string
	body   string
	status int
	// want are fragments of the body; header holds header values.
	want   []string
	header map[string]string
	// reqHeader are request header name and value pairs.
	reqHeader []string
}

func (f *apiFixture) run(t *testing.T, scenarios []apiScenario) {
	t.Helper()
	for _, sc := range scenarios {
		token := map[string]string{"": f.token, "none": "", "bad": "pmt_" + strings.Repeat("x", 43), "revoked": f.revoked, "other": f.other}[sc.token]
		if _, named := map[string]bool{"": true, "none": true, "bad": true, "revoked": true, "other": true}[sc.token]; !named {
			token = sc.token
		}
		rec := f.do(sc.method, sc.path, token, sc.body, sc.reqHeader...)
		body := rec.Body.String()
		if rec.Code != sc.status {
			t.Errorf("%s: %s %s: got %d, want %d\n%s", sc.name, sc.method, sc.path, rec.Code, sc.status, body)
			continue
		}
		wantType := "application/json"
		if sc.status >= 400 {
			wantType = "application/problem+json"
			var p problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != sc.status || p.Type != "about:blank" || p.Title != http.StatusText(sc.status) {
				t.Errorf("%s: not a problem document of status %d: %v\n%s", sc.name, sc.status, err, body)
			}
		}
		if ct := rec.Header().Get("Content-Type"); ct != wantType {
			t.Errorf("%s: Content-Type %q, want %q", sc.name, ct, wantType)
		}
		for _, w := range sc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: %s %s: body lacks %q\n%s", sc.name, sc.method, sc.path, w, body)
			}
		}
		for k, v := range sc.header {
			if got := rec.Header().Get(k); got != v {
				t.Errorf("%s: header %s = %q, want %q", sc.name, k, got, v)
			}
		}
	}
}

func TestAPIScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		sv, wv, osv, owv := f.survey.ID, f.wave.ID, f.otherSurvey.ID, f.otherWave.ID
		survey := func(id int64) string { return fmt.Sprintf("/api/v1/surveys/%d", id) }
		wave := func(id int64) string { return fmt.Sprintf("/api/v1/waves/%d", id) }
		newSurvey := `{"name": "Support NPS", "default_language": "en", "anonymous": true,
			"texts": {"en": {"question": "Recommend?", "follow_up": {"promoter": "Why?", "passive": "Why?", "detractor": "Why?"}}}}`
		challenge := map[string]string{"WWW-Authenticate": `Bearer realm="promotor"`}
		invalid := map[string]string{"WWW-Authenticate": `Bearer realm="promotor", error="invalid_token"`}
		f.run(t, []apiScenario{
			// Authentication.
			{name: "no token", method: "GET", path: "/api/v1/surveys", token: "none", status: 401, want: []string{"Authorization: Bearer"}, header: challenge},
			{name: "bad token", method: "GET", path: "/api/v1/surveys", token: "bad", status: 401, header: invalid},
			{name: "revoked token", method: "GET", path: "/api/v1/surveys", token: "revoked", status: 401, header: invalid},
			{name: "not a token", method: "GET", path: "/api/v1/surveys", token: "hunter2", status: 401, header: invalid},
			// Surveys.
			{name: "list surveys", method: "GET", path: "/api/v1/surveys", status: 200, want: []string{`"name": "Relationship NPS"`, `"default_language": "nl"`}},
			{name: "other workspace's list", method: "GET", path: "/api/v1/surveys", token: "other", status: 200, want: []string{`"Other survey"`}},
			{name: "get survey", method: "GET", path: survey(sv), status: 200, want: []string{fmt.Sprintf(`"id": %d`, sv), `"drivers": [`}},
			{name: "get other's survey", method: "GET", path: survey(osv), status: 404, want: []string{fmt.Sprintf("survey %d does not exist", osv)}},
			{name: "other gets ours", method: "GET", path: survey(sv), token: "other", status: 404},
			{name: "survey id not a number", method: "GET", path: "/api/v1/surveys/abc", status: 404},
			{name: "create survey", method: "POST", path: "/api/v1/surveys", body: newSurvey, status: 201, want: []string{`"name": "Support NPS"`, `"anonymous": true`}},
			{name: "create survey unknown field", method: "POST", path: "/api/v1/surveys", body: `{"name": "x", "colour": "red"}`, status: 422, want: []string{`"field": "colour"`}},
			{name: "create survey wrong type", method: "POST", path: "/api/v1/surveys", body: `{"name": 7}`, status: 422, want: []string{`"field": "name"`, "must be a string"}},
			{name: "create survey invalid", method: "POST", path: "/api/v1/surveys", body: `{"name": "x", "default_language": "en"}`, status: 422, want: []string{`"field": "texts"`}},
			{name: "create survey not JSON", method: "POST", path: "/api/v1/surveys", body: `{"name": `, status: 422, want: []string{"ends too early"}},
			{name: "update survey", method: "PUT", path: survey(sv), body: strings.Replace(newSurvey, `"anonymous": true`, `"anonymous": false`, 1), status: 200, want: []string{`"name": "Support NPS"`, fmt.Sprintf(`"id": %d`, sv)}},
			{name: "update other's survey", method: "PUT", path: survey(osv), body: newSurvey, status: 404},
			{name: "update survey invalid", method: "PUT", path: survey(sv), body: `{"name": ""}`, status: 422, want: []string{`"field": "name"`}},
			// Waves.
			{name: "list waves", method: "GET", path: survey(sv) + "/waves", status: 200, want: []string{`"name": "2025"`, `"population": 5000`, `"open": true`, `"closes_at": null`}},
			{name: "list other's waves", method: "GET", path: survey(osv) + "/waves", status: 404},
			{name: "create wave", method: "POST", path: survey(sv) + "/waves", body: `{"name": "2026", "opens_at": "2026-01-01T00:00:00Z"}`, status: 201, want: []string{`"name": "2026"`, `"open": false`, `"population": null`}},
			{name: "create wave bad time", method: "POST", path: survey(sv) + "/waves", body: `{"name": "x", "opens_at": "soon"}`, status: 422, want: []string{`"field": "opens_at"`, `got \"soon\"`}},
			{name: "patch bad population", method: "PATCH", path: wave(wv), body: `{"population": "many"}`, status: 422, want: []string{`"field": "population"`, "must be a whole number"}},
			{name: "create wave in other's survey", method: "POST", path: survey(osv) + "/waves", body: `{"name": "x"}`, status: 404},
			{name: "get wave", method: "GET", path: wave(wv), status: 200, want: []string{fmt.Sprintf(`"survey_id": %d`, sv)}},
			{name: "get other's wave", method: "GET", path: wave(owv), status: 404},
			{name: "rename wave", method: "PATCH", path: wave(wv), body: `{"name": "2025 (all)", "population": 6000}`, status: 200, want: []string{`"name": "2025 (all)"`, `"population": 6000`}},
			{name: "close wave", method: "PATCH", path: wave(wv), body: `{"state": "closed"}`, status: 200, want: []string{`"open": false`, `"closes_at": "2025-03-14T09:30:00Z"`}},
			{name: "reopen wave", method: "PATCH", path: wave(wv), body: `{"state": "open", "population": null}`, status: 200, want: []string{`"open": true`, `"closes_at": null`, `"population": null`}},
			{name: "bad state", method: "PATCH", path: wave(wv), body: `{"state": "ajar"}`, status: 422, want: []string{`"field": "state"`}},
			{name: "state and times", method: "PATCH", path: wave(wv), body: `{"state": "open", "closes_at": null}`, status: 422},
			{name: "patch other's wave", method: "PATCH", path: wave(owv), body: `{"name": "mine"}`, status: 404},
			{name: "patch unknown field", method: "PATCH", path: wave(wv), body: `{"survey_id": 1}`, status: 422, want: []string{`"field": "survey_id"`}},
			// NPS.
			{name: "nps of an empty wave", method: "GET", path: survey(sv) + fmt.Sprintf("/nps?wave=%d", wv), status: 200, want: []string{`"n": 0`, `"nps": null`, `"histogram": [`}},
			{name: "nps of all waves", method: "GET", path: survey(sv) + "/nps?method=wald&confidence=0.9", status: 200, want: []string{`"method": "wald"`, `"confidence": 0.9`}},
			{name: "nps of other's wave", method: "GET", path: survey(sv) + fmt.Sprintf("/nps?wave=%d", owv), status: 404},
			{name: "nps of other's survey", method: "GET", path: survey(osv) + "/nps", status: 404},
			{name: "nps bad parameters", method: "GET", path: survey(sv) + "/nps?method=exact&confidence=95&from=2025-13&colour=red", status: 422,
				want: []string{`"field": "colour"`, `"field": "confidence"`, `"field": "from"`, `"field": "method"`}},
			{name: "nps of other's account", method: "GET", path: survey(sv) + "/nps?account=999999", status: 404},
			// Responses.
			{name: "record one", method: "POST", path: "/api/v1/responses", body: fmt.Sprintf(`{"wave_id": %d, "score": 9}`, wv), status: 201, want: []string{`"score": 9`, `"category": "promoter"`, `"channel": "api"`}},
			{name: "record a batch", method: "POST", path: "/api/v1/responses", body: fmt.Sprintf(`{"responses": [{"wave_id": %d, "score": 3}, {"wave_id": %[1]d, "score": 7, "contact_email": "ANNA@client.example"}]}`, wv),
				status: 201, want: []string{`"responses": [`, `"score": 3`, fmt.Sprintf(`"contact_id": %d`, f.contact.ID), fmt.Sprintf(`"account_id": %d`, f.account.ID)}},
			{name: "record in other's wave", method: "POST", path: "/api/v1/responses", body: fmt.Sprintf(`{"wave_id": %d, "score": 9}`, owv), status: 422, want: []string{`"field": "wave_id"`, "does not exist in this workspace"}},
			{name: "record as text", method: "POST", path: "/api/v1/responses", body: "score=9", status: 415, reqHeader: []string{"Content-Type", "application/x-www-form-urlencoded"}},
			// Routing.
			{name: "unknown route", method: "GET", path: "/api/v1/nope", status: 404, want: []string{"openapi.json"}},
			{name: "unknown route without token", method: "GET", path: "/api/v1/surveys/1/answers", token: "none", status: 404},
			{name: "method not allowed", method: "DELETE", path: "/api/v1/surveys", status: 405, header: map[string]string{"Allow": "GET, POST"}},
			{name: "method not allowed on an item", method: "DELETE", path: wave(wv), status: 405, header: map[string]string{"Allow": "GET, PATCH"}},
		})
	})
}

// TestAPIAuthentication sends every API route a request without a token,
// with a revoked one, and with another workspace's.
func TestAPIAuthentication(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAPIFixture(t, db)
		// Two failed authentications a route from one address: more than
		// its limit lets through (TestAPILimits tries that).
		f.srv.limits = noLimits()
		for _, rt := range f.srv.apiRoutes() {
			path := strings.ReplaceAll(rt.pattern, "{id}", fmt.Sprint(f.survey.ID))
			if strings.HasPrefix(rt.pattern, "/api/v1/waves/") {
				path = strings.ReplaceAll(rt.pattern, "{id}", fmt.Sprint(f.wave.ID))
			}
			path = strings.ReplaceAll(path, "{external_id}", f.account.ExternalID)
			body := ""
			if rt.method != "GET" {
				body = "{}"
			}
			for _, tok := range []string{"", f.revoked} {
				if rec := f.do(rt.method, path, tok, body); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" ||
					rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s %s with token %q: got %d %q, want a 401 problem with a challenge", rt.method, path, tok, rec.Code, rec.Body)
				}
			}
			if strings.Contains(rt.pattern, "{") {
				if rec := f.do(rt.method, path, f.other, body); rec.Code != 404 {
					t.Errorf("%s %s with another workspace's token: got %d %q, want 404", rt.method, path, rec.Code, rec.Body)
				}
			}
		}
		if rec := f.do("GET", "/api/v1/openapi.json", "", ""); rec.Code != 200 {
			t.Errorf("GET /api/v1/openapi.json without a token: got %d, want 200", rec.Code)
		}
	})
}
