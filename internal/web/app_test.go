package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// appT0 is the start of the signed-in area tests' clock.
var appT0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// appClock is a settable clock for store.DB.Now, which the server reads
// too.
type appClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *appClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *appClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// appFixture is a workspace "acme" with a user of every role, a user of
// another workspace "globex", a named survey with an open wave and a
// response from an account of the member and one of the analyst, an
// anonymous survey, and an API token in each workspace.
type appFixture struct {
	db      *store.DB
	clock   *appClock
	srv     *Server
	h       http.Handler
	acme    nps.Workspace
	globex  nps.Workspace
	users   map[string]nps.User // by actor: owner, analyst, member, viewer, outsider, lonely
	secrets map[string]string   // session cookie of each actor

	survey, anonSurvey, globexSurvey nps.Survey
	wave, anonWave, globexWave       nps.Wave
	token, globexToken               nps.APIToken

	// trying is the actor checkRouteMatrix makes a request for next.
	trying string
}

func newAppFixture(t *testing.T, db *store.DB) *appFixture {
	return newAppFixtureWith(t, db, Options{})
}

func newAppFixtureWith(t *testing.T, db *store.DB, opts Options) *appFixture {
	t.Helper()
	ctx := context.Background()
	f := &appFixture{db: db, clock: &appClock{t: appT0}, users: map[string]nps.User{}, secrets: map[string]string{}}
	db.Now = f.clock.now
	s, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.h = s, s.Handler()
	f.acme = appMust(db.CreateWorkspace(ctx, nps.Workspace{Slug: "acme", Name: "Acme"}))(t)
	f.globex = appMust(db.CreateWorkspace(ctx, nps.Workspace{Slug: "globex", Name: "Globex"}))(t)
	for _, m := range []struct {
		actor string
		ws    nps.Workspace
		role  nps.Role
	}{
		{"owner", f.acme, nps.RoleOwner}, {"analyst", f.acme, nps.RoleAnalyst}, {"member", f.acme, nps.RoleMember},
		{"viewer", f.acme, nps.RoleViewer}, {"outsider", f.globex, nps.RoleOwner}, {"lonely", nps.Workspace{}, ""},
	} {
		u := appMust(db.CreateUser(ctx, nps.User{Email: m.actor + "@example.com", Name: strings.ToUpper(m.actor[:1]) + m.actor[1:]}))(t)
		if m.ws.ID != 0 {
			appMust(db.AddMember(ctx, m.ws.ID, u.ID, m.role))(t)
		}
		secret, _, err := db.CreateSession(ctx, u.ID, "password")
		if err != nil {
			t.Fatal(err)
		}
		f.users[m.actor], f.secrets[m.actor] = u, secret
	}

	f.survey = appMust(db.CreateSurvey(ctx, f.acme.ID, appTestSurvey("Relationship NPS", false)))(t)
	f.anonSurvey = appMust(db.CreateSurvey(ctx, f.acme.ID, appTestSurvey("Event feedback", true)))(t)
	f.globexSurvey = appMust(db.CreateSurvey(ctx, f.globex.ID, appTestSurvey("Globex secret survey", false)))(t)
	f.wave = appMust(db.CreateWave(ctx, f.acme.ID, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: appT0.Add(-24 * time.Hour)}))(t)
	f.anonWave = appMust(db.CreateWave(ctx, f.acme.ID, nps.Wave{SurveyID: f.anonSurvey.ID, Name: "Fair", OpensAt: appT0.Add(-24 * time.Hour)}))(t)
	f.globexWave = appMust(db.CreateWave(ctx, f.globex.ID, nps.Wave{SurveyID: f.globexSurvey.ID, Name: "Globex wave", OpensAt: appT0.Add(-24 * time.Hour)}))(t)

	for _, r := range []struct {
		owner, account, contact, comment string
		score                            int
	}{
		{"member", "Member Account BV", "Mia Member-Contact", "member account comment", 9},
		{"analyst", "Analyst Account BV", "Abe Analyst-Contact", "analyst account comment <b>bold</b>", 3},
	} {
		a := appMust(db.CreateAccount(ctx, f.acme.ID, nps.Account{Name: r.account, OwnerID: f.users[r.owner].ID}))(t)
		c := appMust(db.CreateContact(ctx, f.acme.ID, nps.Contact{AccountID: a.ID, Name: r.contact, Email: r.owner + "-contact@example.com"}))(t)
		appMust(db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: r.score, Comment: r.comment, Channel: nps.ChannelLink}))(t)
		f.clock.add(time.Minute)
	}
	appMust(db.RecordResponse(ctx, f.acme.ID, nps.Response{WaveID: f.anonWave.ID, Score: 7, Comment: "anonymous comment", Channel: nps.ChannelLink}))(t)
	f.token, _ = appMust2(db.CreateAPIToken(ctx, f.acme.ID, "CRM sync", f.users["owner"].ID))(t)
	f.globexToken, _ = appMust2(db.CreateAPIToken(ctx, f.globex.ID, "Globex sync", 0))(t)
	return f
}

// appTestSurvey is a survey in Dutch and English with both extra
// questions.
func appTestSurvey(name string, anonymous bool) nps.Survey {
	s := appDefaultSurvey()
	s.Name, s.Anonymous = name, anonymous
	return s
}

// formHeaders are the headers a browser sends with a same-origin form.
var formHeaders = []string{"Content-Type: application/x-www-form-urlencoded", "Sec-Fetch-Site: same-origin", "Origin: http://example.com"}

// do sends a request as actor ("" for a visitor who is not signed in).
// A form is posted with the fetch metadata of a same-origin form, as a
// browser sends it; headers ("Name: value") are added or replace those.
func (f *appFixture) do(method, target string, form url.Values, actor string, headers ...string) *httptest.ResponseRecorder {
	if form == nil {
		return f.doRaw(method, target, nil, actor, headers...)
	}
	return f.doRaw(method, target, strings.NewReader(form.Encode()), actor, slices.Concat(formHeaders, headers)...)
}

// doRaw sends a request with body as it is, as actor ("" for a visitor
// who is not signed in), with headers ("Name: value") only: the later of
// two of one name wins.
func (f *appFixture) doRaw(method, target string, body io.Reader, actor string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	if actor != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.secrets[actor]})
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// appScenario is one request of the signed-in area and what must come
// back.
type appScenario struct {
	name         string
	method, path string
	form         url.Values
	actor        string
	status       int
	want         []string // fragments of the body, or of Location for a redirect
	notWant      []string
}

func (f *appFixture) run(t *testing.T, scenarios []appScenario) {
	t.Helper()
	for _, sc := range scenarios {
		rec := f.do(sc.method, sc.path, sc.form, sc.actor)
		got := rec.Body.String()
		if rec.Code >= 300 && rec.Code < 400 {
			got = rec.Header().Get("Location")
		}
		if rec.Code != sc.status {
			t.Errorf("%s: %s %s as %q: got status %d, want %d\n%s", sc.name, sc.method, sc.path, sc.actor, rec.Code, sc.status, appExcerpt(got))
			continue
		}
		for _, w := range sc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %s %s as %q: want %q in\n%s", sc.name, sc.method, sc.path, sc.actor, w, appExcerpt(got))
			}
		}
		for _, w := range sc.notWant {
			if strings.Contains(got, w) {
				t.Errorf("%s: %s %s as %q: got %q, want it absent", sc.name, sc.method, sc.path, sc.actor, w)
			}
		}
	}
}

// appExcerpt shortens a page for a failure message.
func appExcerpt(s string) string {
	if i := strings.Index(s, `<main id="main">`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

// appMust fails the test when err is set and returns v otherwise.
func appMust[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("got error %v, want none", err)
		}
		return v
	}
}

func appMust2[T, U any](v T, w U, err error) func(testing.TB) (T, U) {
	return func(tb testing.TB) (T, U) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("got error %v, want none", err)
		}
		return v, w
	}
}

// appForm builds a form from name, value pairs.
func appForm(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

// appSurveyFormValues is a complete survey form, to change in a test.
func appSurveyFormValues(name string) url.Values {
	v := appForm("name", name, "default_language", "nl", "questions.retention", "on")
	s := appDefaultSurvey()
	for _, lang := range []string{"nl", "en"} {
		t := s.Texts[lang]
		v.Set("texts."+lang+".question", t.Question)
		v.Set("texts."+lang+".follow_up.promoter", t.FollowUp.Promoter)
		v.Set("texts."+lang+".follow_up.passive", t.FollowUp.Passive)
		v.Set("texts."+lang+".follow_up.detractor", t.FollowUp.Detractor)
		v.Set("texts."+lang+".retention", t.Retention)
	}
	return v
}

// TestAppRoleMatrix sends every route of the signed-in area as every kind
// of visitor: not signed in goes to sign in; a user of another workspace
// gets 404; a role below the route's least role gets 403; the others get
// the route's answer.
func TestAppRoleMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		w := "/w/acme"
		sv, wv := fmt.Sprint(f.survey.ID), fmt.Sprint(f.wave.ID)
		routes := []struct {
			method, path string
			form         url.Values
			min          nps.Role
			status       int
		}{
			{"GET", w + "/", nil, nps.RoleViewer, http.StatusSeeOther},
			{"GET", w + "/surveys", nil, nps.RoleViewer, http.StatusOK},
			{"GET", w + "/surveys/new", nil, nps.RoleAnalyst, http.StatusOK},
			{"POST", w + "/surveys", appSurveyFormValues("Matrix survey"), nps.RoleAnalyst, http.StatusSeeOther},
			{"GET", w + "/surveys/" + sv, nil, nps.RoleViewer, http.StatusOK},
			{"GET", w + "/surveys/" + sv + "/edit", nil, nps.RoleAnalyst, http.StatusOK},
			{"POST", w + "/surveys/" + sv, appSurveyFormValues("Relationship NPS"), nps.RoleAnalyst, http.StatusSeeOther},
			{"GET", w + "/surveys/" + sv + "/waves/new", nil, nps.RoleAnalyst, http.StatusOK},
			{"POST", w + "/surveys/" + sv + "/waves", appForm("name", "Matrix wave", "opens_at", "2026-06-01T09:00"), nps.RoleAnalyst, http.StatusSeeOther},
			{"GET", w + "/waves/" + wv, nil, nps.RoleViewer, http.StatusOK},
			{"POST", w + "/waves/" + wv + "/close", appForm(), nps.RoleAnalyst, http.StatusSeeOther},
			{"POST", w + "/waves/" + wv + "/open", appForm(), nps.RoleAnalyst, http.StatusSeeOther},
			{"GET", w + "/tokens", nil, nps.RoleOwner, http.StatusOK},
			{"POST", w + "/tokens", appForm("name", "Matrix token"), nps.RoleOwner, http.StatusOK},
			{"POST", w + "/tokens/" + fmt.Sprint(f.token.ID) + "/revoke", appForm(), nps.RoleOwner, http.StatusSeeOther},
		}
		for _, rt := range routes {
			for _, actor := range []string{"", "outsider", "viewer", "member", "analyst", "owner"} {
				want := rt.status
				switch {
				case actor == "":
					want = http.StatusSeeOther
				case actor == "outsider":
					want = http.StatusNotFound
				case !roleAllows(nps.Role(actor), rt.min):
					want = http.StatusForbidden
				}
				rec := f.do(rt.method, rt.path, rt.form, actor)
				if rec.Code != want {
					t.Errorf("%s %s as %q: got %d, want %d", rt.method, rt.path, actor, rec.Code, want)
				}
				if actor == "" && !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
					t.Errorf("%s %s signed out: Location %q, want /login…", rt.method, rt.path, rec.Header().Get("Location"))
				}
				if actor == "outsider" && strings.Contains(rec.Body.String(), "Acme") {
					t.Errorf("%s %s as a user of another workspace: the 404 names the workspace", rt.method, rt.path)
				}
			}
		}
	})
}

// wantRoles is the least role of each page of a workspace, stated here
// so that a route table that changes one fails its route test.
var wantRoles = map[string]nps.Role{
	"GET /w/{slug}/{$}":                                               nps.RoleViewer,
	"GET /w/{slug}/surveys":                                           nps.RoleViewer,
	"GET /w/{slug}/surveys/new":                                       nps.RoleAnalyst,
	"POST /w/{slug}/surveys":                                          nps.RoleAnalyst,
	"GET /w/{slug}/surveys/{survey}":                                  nps.RoleViewer,
	"GET /w/{slug}/surveys/{survey}/edit":                             nps.RoleAnalyst,
	"POST /w/{slug}/surveys/{survey}":                                 nps.RoleAnalyst,
	"GET /w/{slug}/surveys/{survey}/waves/new":                        nps.RoleAnalyst,
	"POST /w/{slug}/surveys/{survey}/waves":                           nps.RoleAnalyst,
	"GET /w/{slug}/waves/{wave}":                                      nps.RoleViewer,
	"POST /w/{slug}/waves/{wave}/open":                                nps.RoleAnalyst,
	"POST /w/{slug}/waves/{wave}/close":                               nps.RoleAnalyst,
	"GET /w/{slug}/waves/{wave}/sends":                                nps.RoleViewer,
	"POST /w/{slug}/waves/{wave}/sends":                               nps.RoleAnalyst,
	"GET /w/{slug}/waves/{wave}/email":                                nps.RoleViewer,
	"POST /w/{slug}/waves/{wave}/test-email":                          nps.RoleAnalyst,
	"GET /w/{slug}/sends/{send}":                                      nps.RoleViewer,
	"POST /w/{slug}/sends/{send}/cancel":                              nps.RoleAnalyst,
	"GET /w/{slug}/settings":                                          nps.RoleOwner,
	"POST /w/{slug}/settings":                                         nps.RoleOwner,
	"GET /w/{slug}/import":                                            nps.RoleAnalyst,
	"POST /w/{slug}/import":                                           nps.RoleAnalyst,
	"GET /w/{slug}/import/{id}":                                       nps.RoleAnalyst,
	"POST /w/{slug}/import/{id}/check":                                nps.RoleAnalyst,
	"POST /w/{slug}/import/{id}/apply":                                nps.RoleAnalyst,
	"GET /w/{slug}/import/{id}/progress":                              nps.RoleAnalyst,
	"GET /w/{slug}/tokens":                                            nps.RoleOwner,
	"POST /w/{slug}/tokens":                                           nps.RoleOwner,
	"POST /w/{slug}/tokens/{token}/revoke":                            nps.RoleOwner,
	"GET /w/{slug}/report":                                            nps.RoleViewer,
	"GET /w/{slug}/report/view":                                       nps.RoleViewer,
	"GET /w/{slug}/report/pdf":                                        nps.RoleViewer,
	"POST /w/{slug}/report/verbatims":                                 nps.RoleAnalyst,
	"POST /w/{slug}/report/links":                                     nps.RoleAnalyst,
	"POST /w/{slug}/report/links/{link}/revoke":                       nps.RoleAnalyst,
	"GET /w/{slug}/settings/brand":                                    nps.RoleOwner,
	"POST /w/{slug}/settings/brand":                                   nps.RoleOwner,
	"GET /w/{slug}/dashboard":                                         nps.RoleViewer,
	"GET /w/{slug}/trend":                                             nps.RoleViewer,
	"GET /w/{slug}/breakdown":                                         nps.RoleViewer,
	"GET /w/{slug}/accounts":                                          nps.RoleViewer,
	"GET /w/{slug}/accounts/{account}":                                nps.RoleViewer,
	"GET /w/{slug}/responses":                                         nps.RoleViewer,
	"GET /w/{slug}/responses/{response}":                              nps.RoleViewer,
	"POST /w/{slug}/responses/{response}/tags":                        nps.RoleMember,
	"GET /w/{slug}/calculation":                                       nps.RoleViewer,
	"GET /w/{slug}/calculation.csv":                                   nps.RoleViewer,
	"GET /w/{slug}/export/{export}":                                   nps.RoleViewer,
	"GET /w/{slug}/benchmarks":                                        nps.RoleViewer,
	"POST /w/{slug}/benchmarks":                                       nps.RoleAnalyst,
	"POST /w/{slug}/benchmarks/{benchmark}/delete":                    nps.RoleAnalyst,
	"POST /w/{slug}/language":                                         nps.RoleViewer,
	"GET /w/{slug}/alert-rules":                                       nps.RoleAnalyst,
	"POST /w/{slug}/alert-rules":                                      nps.RoleOwner,
	"POST /w/{slug}/alert-rules/recommended":                          nps.RoleOwner,
	"GET /w/{slug}/alert-rules/{rule}":                                nps.RoleAnalyst,
	"POST /w/{slug}/alert-rules/{rule}":                               nps.RoleOwner,
	"POST /w/{slug}/alert-rules/{rule}/delete":                        nps.RoleOwner,
	"GET /w/{slug}/followups":                                         nps.RoleMember,
	"GET /w/{slug}/followups/{alert}":                                 nps.RoleMember,
	"POST /w/{slug}/followups/{alert}/contact":                        nps.RoleMember,
	"POST /w/{slug}/followups/{alert}/close":                          nps.RoleMember,
	"POST /w/{slug}/followups/{alert}/reopen":                         nps.RoleMember,
	"GET /w/{slug}/webhooks":                                          nps.RoleOwner,
	"POST /w/{slug}/webhooks":                                         nps.RoleOwner,
	"GET /w/{slug}/webhooks/{endpoint}":                               nps.RoleOwner,
	"POST /w/{slug}/webhooks/{endpoint}":                              nps.RoleOwner,
	"POST /w/{slug}/webhooks/{endpoint}/rotate":                       nps.RoleOwner,
	"POST /w/{slug}/webhooks/{endpoint}/delete":                       nps.RoleOwner,
	"GET /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}":         nps.RoleOwner,
	"POST /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}/replay": nps.RoleOwner,
	"GET /w/{slug}/plans":                                             nps.RoleViewer,
	"GET /w/{slug}/plans/new":                                         nps.RoleMember,
	"POST /w/{slug}/plans":                                            nps.RoleMember,
	"GET /w/{slug}/plans/{plan}":                                      nps.RoleViewer,
	"POST /w/{slug}/plans/{plan}":                                     nps.RoleMember,
	"POST /w/{slug}/plans/{plan}/responses":                           nps.RoleMember,
	"POST /w/{slug}/plans/{plan}/responses/{response}/unlink":         nps.RoleMember,
	"POST /w/{slug}/plans/{plan}/items":                               nps.RoleMember,
	"POST /w/{slug}/plans/{plan}/items/{item}":                        nps.RoleMember,
	"POST /w/{slug}/plans/{plan}/items/{item}/delete":                 nps.RoleMember,
	"POST /w/{slug}/accounts/{account}/page/rotate":                   nps.RoleMember,
	"GET /w/{slug}/promoters":                                         nps.RoleViewer,
	"GET /w/{slug}/promoters/{contact}":                               nps.RoleViewer,
	"POST /w/{slug}/promoters/{contact}/actions":                      nps.RoleMember,
	"POST /w/{slug}/promoters/{contact}/thank":                        nps.RoleMember,
	"GET /w/{slug}/referrals":                                         nps.RoleViewer,
	"POST /w/{slug}/referrals":                                        nps.RoleMember,
	"POST /w/{slug}/referrals/{referral}/thanked":                     nps.RoleMember,
	"POST /w/{slug}/referrals/{referral}/thank-email":                 nps.RoleMember,
	"POST /w/{slug}/referrals/{referral}/delete":                      nps.RoleMember,
	"GET /w/{slug}/loop":                                              nps.RoleViewer,
	"GET /w/{slug}/themes":                                            nps.RoleViewer,
	"POST /w/{slug}/themes/suggestions":                               nps.RoleAnalyst,
	"GET /w/{slug}/themes/taxonomy":                                   nps.RoleViewer,
	"POST /w/{slug}/themes/taxonomy":                                  nps.RoleAnalyst,
	"POST /w/{slug}/themes/taxonomy/default":                          nps.RoleAnalyst,
	"GET /w/{slug}/value":                                             nps.RoleViewer,
	"GET /w/{slug}/value/calculator":                                  nps.RoleViewer,
	"GET /w/{slug}/digest":                                            nps.RoleViewer,
	"POST /w/{slug}/digest":                                           nps.RoleViewer,
	// Public routes, which anyone may open (""): single sign-on.
	"GET /login/oidc":                         "",
	"GET /login/oidc/callback":                "",
	"GET /w/{slug}/audit":                     nps.RoleOwner,
	"GET /w/{slug}/privacy":                   nps.RoleOwner,
	"GET /w/{slug}/contacts/{contact}/export": nps.RoleOwner,
	"GET /w/{slug}/contacts/{contact}/erase":  nps.RoleOwner,
	"POST /w/{slug}/contacts/{contact}/erase": nps.RoleOwner,
	// The user's own account: any signed-in user, of any workspace or none.
	"GET /account/password":  "",
	"POST /account/password": "",
}

// routeTry is one route of a route-matrix test: try returns the path and
// form of one request, made afresh for each actor where a request uses a
// row up; status is the answer to a role the route allows. A try whose
// row must belong to the actor who sends it (an import's upload) reads
// the actor from the fixture's trying.
type routeTry struct {
	pattern string
	status  int
	try     func() (string, url.Values)
}

// checkRouteMatrix tries each route as nobody (sent to sign in), as a
// user of another workspace (404, without the workspace's name) and as
// every role (403 below the route's least role, which must be the one
// wantRoles states), and fails when a route of table is not tried.
func (f *appFixture) checkRouteMatrix(t *testing.T, table []appRoute, tries []routeTry) {
	t.Helper()
	least := map[string]nps.Role{}
	for _, rt := range table {
		least[rt.pattern] = rt.min
	}
	tried := map[string]bool{}
	for _, c := range tries {
		tried[c.pattern] = true
		min, ok := least[c.pattern]
		if !ok {
			t.Errorf("route %s is tried but not in the table", c.pattern)
		}
		if want, ok := wantRoles[c.pattern]; !ok || want != min {
			t.Errorf("route %s asks for role %q, want %q", c.pattern, min, want)
		}
		for _, actor := range []string{"", "outsider", "viewer", "member", "analyst", "owner"} {
			f.trying = actor
			path, form := c.try()
			want := c.status
			switch {
			case actor == "":
				want = http.StatusSeeOther
			case actor == "outsider":
				want = http.StatusNotFound
			case !roleAllows(nps.Role(actor), min):
				want = http.StatusForbidden
			}
			rec := f.do(strings.Fields(c.pattern)[0], path, form, actor)
			if rec.Code != want {
				t.Errorf("%s %s as %q: got %d, want %d\n%s", c.pattern, path, actor, rec.Code, want, appExcerpt(rec.Body.String()))
			}
			if actor == "outsider" && strings.Contains(rec.Body.String(), "Acme") {
				t.Errorf("%s as a user of another workspace: the 404 names the workspace", path)
			}
			if loc := rec.Header().Get("Location"); actor == "" && !strings.HasPrefix(loc, "/login") {
				t.Errorf("%s signed out: sent to %q, want the sign-in page", path, loc)
			}
		}
	}
	for _, rt := range table {
		if !tried[rt.pattern] {
			t.Errorf("route %s is not tried", rt.pattern)
		}
	}
}
