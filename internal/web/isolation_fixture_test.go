package web

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// matrixFixture is the plan fixture (Acme and Globex, each with surveys,
// waves, accounts, contacts, responses, plans and benchmarks) with a row
// of every other kind a route names in both workspaces, and the secrets
// of every public link. own and foreign hold, by placeholder name, the
// value of Acme's row and of Globex's row of the same kind.
type matrixFixture struct {
	*planFixture
	t       *testing.T
	own     map[string]string
	foreign map[string]string
	// revoked and malformed are API tokens that must not authenticate.
	revoked, malformed string
	// acmeSecret and globexSecret are an API token of each workspace;
	// Globex's must never reach Acme's rows.
	acmeSecret, globexSecret string

	// label names the callers of the requests being made, for the
	// counts; empty means the actor of the request's session or token.
	label string
	// watch, when set, is a workspace whose rows the next write request
	// must leave unchanged.
	watch int64
	// raw is the server's handler without the checks, for the requests
	// that make a try's rows.
	raw http.Handler
	// want, when set, is the route pattern the requests are made for,
	// which the server's mux must choose for them.
	want   string
	counts map[string]map[string]int // by route pattern, then caller
	probe  *http.ServeMux            // the server's patterns, to tell which a request reaches
	kinds  map[string]routeKind      // by route pattern
	tables []string                  // the tables with a workspace_id column
	rng    *rand.Rand                // of guessed IDs and tokens, the same on every run
}

// Markers are text of each workspace's rows: a response to a caller of
// one workspace must contain none of the other's.
var (
	acmeMarkers = []string{"Acme", "Relationship NPS", "Event feedback", "Member Account BV", "Analyst Account BV",
		"Mia Member-Contact", "Abe Analyst-Contact", "member account comment", "analyst account comment", "Member plan", "CRM sync"}
	globexMarkers = []string{"Globex", "globex secret comment", "secret-hook", "globex.example"}
)

func newMatrixFixture(t *testing.T, db *store.DB) *matrixFixture {
	t.Helper()
	ctx := context.Background()
	f := &matrixFixture{planFixture: newPlanFixture(t, db), t: t, counts: map[string]map[string]int{}, rng: rand.New(rand.NewPCG(9, 1))}
	acme, globex := f.acme.ID, f.globex.ID

	// The server of the matrix sends its test emails to a recorder and
	// shows its server errors in the test's log.
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	s := appMust(New(db, log, Options{BaseURL: "https://nps.example.com", Mail: &mailtest.Recorder{}}))(t)
	// Every caller of the matrix comes from one address, with more failed
	// authentications than the API lets one address make: the limits are
	// TestAPILimits' and TestSurveyLimits' to try, not the matrix's.
	s.limits = noLimits()
	f.raw = s.Handler()
	f.h = f.checked(f.raw)
	f.probe, f.kinds = http.NewServeMux(), map[string]routeKind{}
	for _, rt := range s.routes() {
		f.probe.Handle(rt.pattern, http.NotFoundHandler())
		f.kinds[rt.pattern] = rt.kind
	}

	id := func(n int64) string { return fmt.Sprint(n) }
	f.own = map[string]string{
		"survey": id(f.survey.ID), "wave": id(f.wave.ID), "account": id(f.memberAccount), "response": id(f.memberResponse),
		"plan": id(f.memberPlan.ID), "item": id(f.memberAction.ID), "benchmark": id(f.benchmark),
	}
	f.foreign = map[string]string{
		"survey": id(f.globexSurvey.ID), "wave": id(f.globexWave.ID), "account": id(f.globexAccount), "response": id(f.globexResponse),
		"plan": id(f.globexPlan.ID), "item": id(f.globexItem.ID), "benchmark": id(f.globexBenchmark),
	}
	both := func(name string, make func(ws int64, w nps.Wave) string) {
		f.own[name], f.foreign[name] = make(acme, f.wave), make(globex, f.globexWave)
	}

	// The contact of each workspace's first answer: Mia at the member's
	// account in Acme, Gina in Globex.
	contactOf := func(ws int64, response int64) int64 {
		return appMust(db.Response(ctx, ws, response))(t).ContactID
	}
	mia, gina := contactOf(acme, f.memberResponse), contactOf(globex, f.globexResponse)
	f.own["contact"], f.foreign["contact"] = id(mia), id(gina)

	rule := func(ws int64, _ nps.Wave) string {
		return id(appMust(db.CreateAlertRule(ctx, ws, nps.AlertRule{Name: "Matrix rule", Kind: nps.RuleScore, MaxScore: 6, Active: true}))(t).ID)
	}
	both("rule", rule)
	f.own["alert"] = id(f.insertAlert(t, acme, parseID(f.own["rule"]), f.memberResponse, f.memberAccount, 0, f.users["member"].ID,
		nps.AlertOpen, appT0.Add(48*time.Hour)))
	f.foreign["alert"] = id(f.insertAlert(t, globex, parseID(f.foreign["rule"]), f.globexResponse, f.globexAccount, 0, 0,
		nps.AlertOpen, appT0.Add(48*time.Hour)))
	both("endpoint", func(ws int64, _ nps.Wave) string {
		return id(appMust(db.CreateWebhookEndpoint(ctx, ws, nps.WebhookEndpoint{URL: "https://hooks.example/matrix",
			Events: []nps.EventKind{nps.EventAlertCreated}, Active: true}))(t).ID)
	})
	f.own["delivery"] = id(f.insertDelivery(t, acme, parseID(f.own["endpoint"]), "acme-matrix"))
	f.foreign["delivery"] = id(f.insertDelivery(t, globex, parseID(f.foreign["endpoint"]), "globex-matrix"))

	f.own["referral"] = id(appMust(db.CreateReferral(ctx, acme, nps.Referral{ReferrerAccountID: f.memberAccount, ReferrerContactID: mia,
		ReferredAccountID: appMust(db.CreateAccount(ctx, acme, nps.Account{Name: "Referred BV"}))(t).ID}, 0))(t).ID)
	f.foreign["referral"] = id(appMust(db.CreateReferral(ctx, globex, nps.Referral{ReferrerAccountID: f.globexAccount, ReferrerContactID: gina,
		ReferredAccountID: appMust(db.CreateAccount(ctx, globex, nps.Account{Name: "Globex referred"}))(t).ID}, 0))(t).ID)
	both("send", func(ws int64, w nps.Wave) string {
		return id(appMust(db.CreateSend(ctx, ws, nps.Send{WaveID: w.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
			ScheduledAt: appT0.Add(time.Hour), PerMinute: 10}))(t).ID)
	})
	f.own["token"], f.foreign["token"] = id(f.token.ID), id(f.globexToken.ID)

	// Public links: an invitation each, the public link of a survey, an
	// account's customer page, a shared report and a digest's unsubscribe
	// link.
	n := 0
	inviteIn := func(ws int64, w nps.Wave) string {
		n++
		c := appMust(db.CreateContact(ctx, ws, nps.Contact{Email: fmt.Sprintf("invitee-%d@example.com", n), Name: "Ivy Invitee"}))(t)
		return appMust(db.CreateInvitation(ctx, ws, w.ID, c.ID))(t).Token
	}
	both("invitation", inviteIn)
	both("oneclick", inviteIn)
	f.own["public"] = appMust(db.SurveyLink(ctx, acme, f.anonSurvey.ID))(t)
	f.foreign["public"] = appMust(db.SurveyLink(ctx, globex, f.globexSurvey.ID))(t)
	f.own["page"] = appMust(db.AccountPage(ctx, acme, f.memberAccount))(t)
	f.foreign["page"] = appMust(db.AccountPage(ctx, globex, f.globexAccount))(t)
	link := func(ws int64, w nps.Wave) (nps.ReportLink, string) {
		return appMust2(db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: ws, WaveID: w.ID, Lang: "en", ExpiresAt: appT0.Add(30 * 24 * time.Hour)}))(t)
	}
	own, ownSecret := link(acme, f.wave)
	other, otherSecret := link(globex, f.globexWave)
	f.own["link"], f.foreign["link"], f.own["report"], f.foreign["report"] = id(own.ID), id(other.ID), ownSecret, otherSecret
	f.own["digest"] = appMust(db.SetDigest(ctx, acme, f.users["viewer"].ID, nps.DigestWeekly))(t).Token
	f.foreign["digest"] = appMust(db.SetDigest(ctx, globex, f.users["outsider"].ID, nps.DigestWeekly))(t).Token

	// The API: a token of each workspace, a revoked one, accounts by
	// their external IDs and a survey the API may rewrite.
	_, f.acmeSecret = appMust2(db.CreateAPIToken(ctx, acme, "Matrix sync", 0))(t)
	_, f.globexSecret = appMust2(db.CreateAPIToken(ctx, globex, "Globex matrix", 0))(t)
	gone, goneSecret := appMust2(db.CreateAPIToken(ctx, acme, "Matrix revoked", 0))(t)
	appMust(db.RevokeAPIToken(ctx, acme, gone.ID))(t)
	f.revoked, f.malformed = goneSecret, "pmt_"+strings.Repeat("%", 8)
	f.own["external"], f.foreign["external"] = "ACME-7", "GLOBEX-7"
	appMust(db.CreateAccount(ctx, acme, nps.Account{Name: "Acme API BV", ExternalID: "ACME-7"}))(t)
	appMust(db.CreateAccount(ctx, globex, nps.Account{Name: "Globex API", ExternalID: "GLOBEX-7"}))(t)
	f.own["apisurvey"] = id(appMust(db.CreateSurvey(ctx, acme, appTestSurvey("Acme API survey", false)))(t).ID)
	f.foreign["apisurvey"] = f.foreign["survey"]
	f.own["apiwave"] = id(appMust(db.CreateWave(ctx, acme, nps.Wave{SurveyID: parseID(f.own["apisurvey"]), Name: "API wave",
		OpensAt: appT0.Add(-time.Hour)}))(t).ID)
	f.foreign["apiwave"] = f.foreign["wave"]

	f.own["asset"] = strings.TrimPrefix(assetURL("app.css"), "/assets/")
	f.own["export"] = "responses.csv"
	f.foreign["referred"] = f.foreign["account"]
	// A session of Acme's owner that signing out ends.
	f.secrets["leaving"], _ = appMust2(db.CreateSession(ctx, f.users["owner"].ID, "password"))(t)

	// An upload of Globex's owner, which no user of Acme may reach.
	f.foreign["import"] = f.importOf(t, "/w/globex/import", "outsider")
	f.tables = workspaceTablesOf(t, db)
	return f
}

// importOf uploads a contacts file as actor and returns its job's ID.
func (f *matrixFixture) importOf(t *testing.T, path, actor string) string {
	t.Helper()
	checked := f.h
	f.h = f.raw
	defer func() { f.h = checked }()
	rec := f.upload(t, path, actor, "contacts", "matrix.csv", "email;name\r\nimported@example.com;Imported\r\n")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("upload as %s: got %d, want 303", actor, rec.Code)
	}
	loc := rec.Header().Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// parseID reads an ID the fixture wrote.
func parseID(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

// checked wraps the server's handler with the checks that hold for every
// response of the matrix: the security headers, no server error, no text
// of the other workspace, and no write to a watched workspace. It counts
// each request by route and caller.
func (f *matrixFixture) checked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := f.t
		_, pattern := f.probe.Handler(r)
		if f.want != "" && pattern != f.want {
			t.Errorf("%s %s reaches route %s, want %s", r.Method, r.URL.RequestURI(), pattern, f.want)
		}
		caller, side := f.caller(r)
		if f.counts[pattern] == nil {
			f.counts[pattern] = map[string]int{}
		}
		f.counts[pattern][caller]++

		watch := f.watch
		if watch == 0 && r.Method != http.MethodGet && r.Method != http.MethodHead && f.kinds[pattern] != routePublic &&
			(side == "globex" || side == "") {
			// A write by anyone but Acme's own users and token must
			// leave Acme as it was.
			watch = f.acme.ID
		}
		var before map[string][]string
		if watch != 0 {
			before = f.snapshot(t, watch)
		}
		next.ServeHTTP(w, r)
		rec := w.(*httptest.ResponseRecorder)
		what := r.Method + " " + r.URL.RequestURI() + " as " + caller
		if rec.Code >= 500 {
			t.Errorf("%s: got status %d, want no server error\n%s", what, rec.Code, appExcerpt(rec.Body.String()))
		}
		checkSecurityHeaders(t, what, rec.Header())
		body := rec.Body.String() + rec.Header().Get("Location")
		markers := map[string][]string{"acme": globexMarkers, "globex": acmeMarkers}[side]
		for _, m := range markers {
			if strings.Contains(body, m) {
				t.Errorf("%s: the response holds %q of the other workspace\n%s", what, m, appExcerpt(body))
			}
		}
		if watch != 0 {
			after := f.snapshot(t, watch)
			for _, table := range slices.Concat(f.tables, []string{"workspaces", "users"}) {
				if !slices.Equal(before[table], after[table]) {
					t.Errorf("%s: got status %d and a change in %s of workspace %d, want none", what, rec.Code, table, watch)
				}
			}
		}
	})
}

// caller names who sends r, and the workspace whose side it is on:
// "acme", "globex" or "" for nobody's.
func (f *matrixFixture) caller(r *http.Request) (string, string) {
	side := ""
	name := "anonymous"
	if c, err := r.Cookie(sessionCookie); err == nil {
		for actor, secret := range f.secrets {
			if secret == c.Value {
				name, side = actor, "acme"
			}
		}
		if name == "outsider" {
			side = "globex"
		}
	}
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		switch auth {
		case f.acmeSecret:
			name, side = "API token", "acme"
		case f.globexSecret:
			name, side = "API token of Globex", "globex"
		case f.revoked:
			name = "revoked API token"
		default:
			name = "malformed API token"
		}
	}
	if f.label != "" {
		name = f.label
	}
	return name, side
}

// checkSecurityHeaders fails when a response lacks a header that every
// response carries.
func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	// Scripts follow script-src, or default-src without one.
	csp := h.Get("Content-Security-Policy")
	directives := map[string]string{}
	for d := range strings.SplitSeq(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	script, ok := directives["script-src"]
	if !ok {
		script, ok = directives["default-src"]
	}
	switch {
	case !ok || strings.Contains(script, "'unsafe-inline'"):
		t.Errorf("%s: Content-Security-Policy %q, want scripts without 'unsafe-inline'", what, csp)
	case h.Get("X-Content-Type-Options") != "nosniff":
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, h.Get("X-Content-Type-Options"))
	case !strings.Contains(csp, "frame-ancestors 'none'") && h.Get("X-Frame-Options") != "DENY":
		t.Errorf("%s: neither frame-ancestors 'none' nor X-Frame-Options DENY", what)
	}
}

// workspaceTablesOf lists the tables that hold a workspace's rows: those
// with a workspace_id column, and workspaces itself.
func workspaceTablesOf(t *testing.T, db *store.DB) []string {
	t.Helper()
	tables := []string{}
	for _, c := range storetest.Columns(t, db) {
		if c.Name == "workspace_id" {
			tables = append(tables, c.Table)
		}
	}
	if len(tables) < 10 {
		t.Fatalf("tables of a workspace: got %v", tables)
	}
	return tables
}

// snapshot reads every row of workspace ws, by table, each row as text
// and sorted, to tell whether a request changed any.
func (f *matrixFixture) snapshot(t *testing.T, ws int64) map[string][]string {
	t.Helper()
	snap := map[string][]string{}
	for _, table := range f.tables {
		snap[table] = sortedRows(t, f.db, `SELECT * FROM `+table+` WHERE workspace_id = $1`, ws)
	}
	snap["workspaces"] = sortedRows(t, f.db, `SELECT * FROM workspaces WHERE id = $1`, ws)
	snap["users"] = sortedRows(t, f.db, `SELECT * FROM users WHERE id IN (SELECT user_id FROM memberships WHERE workspace_id = $1)`, ws)
	return snap
}

// sortedRows reads every row query returns, each as its values in text
// (bytes as a string), sorted: two equal results mean the same rows.
func sortedRows(t *testing.T, db *store.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := rawSQL(t, db).Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols := appMust(rows.Columns())(t)
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var b strings.Builder
		for _, v := range vals {
			if raw, ok := v.([]byte); ok {
				v = string(raw)
			}
			fmt.Fprintf(&b, "%v\x1f", v)
		}
		lines = append(lines, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	slices.Sort(lines)
	return lines
}
