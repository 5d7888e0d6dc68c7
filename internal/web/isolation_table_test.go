package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/text"
)

// matrixTries is the isolation matrix's table: one entry for every route
// pattern routes registers (TestIsolationMatrix fails while one has
// none). To add a route, add its pattern here with the answer to a caller
// it allows, naming the rows it uses by placeholders ({survey}, {wave},
// {account}, …, the keys of matrixFixture.own); a route that uses its row
// up makes one per try in fresh. A workspace's page also needs its least
// role in wantRoles; an operations or auth route lists its callers in as.
func (f *matrixFixture) matrixTries() map[string]matrixTry {
	t, db, ctx := f.t, f.db, context.Background()
	acme := f.acme.ID
	id := func(n int64) string { return fmt.Sprint(n) }
	ok, see := http.StatusOK, http.StatusSeeOther
	newWave := func(closed bool) string {
		w := nps.Wave{SurveyID: f.survey.ID, Name: "Matrix wave", OpensAt: appT0.Add(-48 * time.Hour)}
		if closed {
			w.ClosesAt = appT0.Add(-24 * time.Hour)
		}
		return id(appMust(db.CreateWave(ctx, acme, w))(t).ID)
	}
	openAlert := func() int64 {
		return f.insertAlert(t, acme, parseID(f.own["rule"]), 0, f.memberAccount, 0, f.users["member"].ID, nps.AlertOpen, appT0.Add(time.Hour))
	}
	// An import belongs to the user who uploaded it: each allowed role
	// tries its own.
	upload := func() string {
		actor := f.trying
		if actor != "owner" && actor != "analyst" {
			actor = "analyst"
		}
		return f.importOf(t, "/w/acme/import", actor)
	}
	referred := func() string {
		return id(appMust(db.CreateAccount(ctx, acme, nps.Account{Name: "Matrix referred " + f.guess("aaaaaaaa")}))(t).ID)
	}
	ruleForm := "name=Low&kind=score&max_score=5&followup_days=2&active=1"
	hookForm := "url=https%3A%2F%2Fhooks.example%2Fx&format=promotor&events=alert.created&active=1"
	newSurvey := `{"name": "Support NPS", "default_language": "en", "anonymous": false,
		"texts": {"en": {"question": "Recommend?", "follow_up": {"promoter": "Why?", "passive": "Why?", "detractor": "Why?"}}}}`
	anyone := map[string]int{"": ok, "owner": ok, "outsider": ok, "token": ok}

	return map[string]matrixTry{
		// Operations.
		"GET /healthz": {as: anyone},
		"GET /readyz":  {as: anyone},
		// Metrics answer only the allowed networks' direct peers
		// (metrics_test.go); to anyone else, signed in or not, 404.
		"GET /metrics": {as: map[string]int{"": http.StatusNotFound, "owner": http.StatusNotFound,
			"outsider": http.StatusNotFound, "token": http.StatusNotFound}},
		"GET /assets/{name}":       {path: "/assets/{asset}", as: anyone},
		"GET /api/v1/openapi.json": {as: anyone},

		// Signing in and out: the home page sends nobody to sign in and
		// a user to a workspace of theirs; logging out ends the session.
		"GET /{$}":     {as: map[string]int{"": see, "owner": see, "outsider": see, "lonely": ok}},
		"GET /login":   {as: map[string]int{"": ok, "owner": see}},
		"POST /login":  {form: "email=owner%40example.com&password=not+the+password", as: map[string]int{"": http.StatusUnprocessableEntity}},
		"POST /logout": {as: map[string]int{"": see, "leaving": see}},
		// The user's own password: any signed-in user; a wrong current
		// password changes nothing.
		"GET /account/password": {as: map[string]int{"": see, "owner": ok, "outsider": ok, "lonely": ok}},
		"POST /account/password": {form: "current=not+the+password&new=a+new+long+passphrase&confirm=a+new+long+passphrase",
			as: map[string]int{"": see, "owner": http.StatusUnprocessableEntity}},
		// Single sign-on: without a provider configured, as here, not
		// found (TestSSORoutes tries them with one).
		"GET /login/oidc":          {as: map[string]int{"": http.StatusNotFound, "owner": http.StatusNotFound}},
		"GET /login/oidc/callback": {path: "/login/oidc/callback?state=x&code=y", as: map[string]int{"": http.StatusNotFound, "owner": http.StatusNotFound}},

		// Survey pages and the other public links.
		"GET /s/{token}":          {status: ok, path: "/s/{invitation}"},
		"POST /s/{token}":         {status: see, path: "/s/{invitation}", form: "score=8&comment=matrix"},
		"GET /s/{token}/thanks":   {status: ok, path: "/s/{invitation}/thanks"},
		"GET /s/{token}/{score}":  {status: ok, path: "/s/{oneclick}/7"},
		"POST /s/{token}/{score}": {status: http.StatusNoContent, path: "/s/{oneclick}/7", form: "lang=en"},
		"GET /p/{token}":          {status: ok, path: "/p/{public}"},
		"POST /p/{token}":         {status: see, path: "/p/{public}", form: "score=8"},
		"GET /p/{token}/thanks":   {status: ok, path: "/p/{public}/thanks"},
		"GET /p/{token}/qr.png":   {status: ok, path: "/p/{public}/qr.png"},
		"GET /p/{token}/qr.svg":   {status: ok, path: "/p/{public}/qr.svg"},
		"GET /y/{token}":          {status: ok, path: "/y/{page}"},
		"GET /u/{token}":          {status: ok, path: "/u/{invitation}"},
		"POST /u/{token}":         {status: ok, path: "/u/{invitation}", form: "List-Unsubscribe=One-Click"},
		"GET /r/{token}":          {status: ok, path: "/r/{report}"},
		"GET /r/{token}/pdf":      {status: ok, path: "/r/{report}/pdf"},
		"GET /d/{token}":          {status: ok, path: "/d/{digest}"},
		"POST /d/{token}":         {status: ok, path: "/d/{digest}"},

		// The REST API.
		"GET /api/v1/surveys":                        {status: ok},
		"POST /api/v1/surveys":                       {status: http.StatusCreated, body: newSurvey},
		"GET /api/v1/surveys/{id}":                   {status: ok, path: "/api/v1/surveys/{survey}"},
		"PUT /api/v1/surveys/{id}":                   {status: ok, path: "/api/v1/surveys/{apisurvey}", body: newSurvey},
		"GET /api/v1/surveys/{id}/waves":             {status: ok, path: "/api/v1/surveys/{survey}/waves"},
		"POST /api/v1/surveys/{id}/waves":            {status: http.StatusCreated, path: "/api/v1/surveys/{apisurvey}/waves", body: `{"name": "API 2027", "opens_at": "2027-01-01T00:00:00Z"}`},
		"GET /api/v1/surveys/{id}/nps":               {status: ok, path: "/api/v1/surveys/{survey}/nps", query: "wave={wave}"},
		"GET /api/v1/waves/{id}":                     {status: ok, path: "/api/v1/waves/{wave}"},
		"PATCH /api/v1/waves/{id}":                   {status: ok, path: "/api/v1/waves/{apiwave}", body: `{"name": "API wave"}`},
		"POST /api/v1/responses":                     {status: http.StatusCreated, body: `{"wave_id": {apiwave}, "score": 9}`, refused: http.StatusUnprocessableEntity},
		"POST /api/v1/bounces":                       {status: ok, contentType: "message/rfc822", body: bounceOf(t, "postfix-user-unknown.eml", "tok-postfix", "{invitation}")},
		"GET /api/v1/accounts/{external_id}/revenue": {status: ok, path: "/api/v1/accounts/{external}/revenue"},
		"PUT /api/v1/accounts/{external_id}/revenue": {status: ok, path: "/api/v1/accounts/{external}/revenue", body: `{"revenue": [{"year": 2025, "revenue": "1000.00"}]}`},
		"/api/v1/": {status: http.StatusNotFound, path: "/api/v1/nope"},

		// Surveys, waves, sends, settings, imports and API tokens.
		"GET /w/{slug}/{$}":                        {status: see},
		"GET /w/{slug}/surveys":                    {status: ok},
		"GET /w/{slug}/surveys/new":                {status: ok},
		"POST /w/{slug}/surveys":                   {status: see, form: appSurveyFormValues("Matrix survey").Encode()},
		"GET /w/{slug}/surveys/{survey}":           {status: ok},
		"GET /w/{slug}/surveys/{survey}/edit":      {status: ok},
		"POST /w/{slug}/surveys/{survey}":          {status: see, form: appSurveyFormValues("Relationship NPS").Encode()},
		"GET /w/{slug}/surveys/{survey}/waves/new": {status: ok},
		"POST /w/{slug}/surveys/{survey}/waves":    {status: see, form: "name=Matrix+wave&opens_at=2026-06-01T09%3A00"},
		"GET /w/{slug}/waves/{wave}":               {status: ok},
		"POST /w/{slug}/waves/{wave}/open":         {status: see, fresh: map[string]func() string{"wave": func() string { return newWave(true) }}},
		"POST /w/{slug}/waves/{wave}/close":        {status: see, fresh: map[string]func() string{"wave": func() string { return newWave(false) }}},
		"GET /w/{slug}/waves/{wave}/sends":         {status: ok},
		"POST /w/{slug}/waves/{wave}/sends":        {status: see, form: "audience=all&scheduled_at=2026-05-04T10%3A00&per_minute=120&max_reminders=2&reminder_days=5"},
		"GET /w/{slug}/waves/{wave}/email":         {status: ok},
		"POST /w/{slug}/waves/{wave}/test-email":   {status: ok, form: "to=tester%40example.com&lang=en"},
		"GET /w/{slug}/sends/{send}":               {status: ok},
		"POST /w/{slug}/sends/{send}/cancel": {status: see, fresh: map[string]func() string{"send": func() string {
			return id(appMust(db.CreateSend(ctx, acme, nps.Send{WaveID: f.wave.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
				ScheduledAt: appT0.Add(time.Hour), PerMinute: 10}))(t).ID)
		}}},
		"GET /w/{slug}/settings":  {status: ok},
		"POST /w/{slug}/settings": {status: see, form: "fatigue_days=0"},
		"GET /w/{slug}/import":    {status: ok},
		// Not a multipart upload, which the import refuses before it
		// reads a file; importOf uploads one.
		"POST /w/{slug}/import":              {status: http.StatusBadRequest},
		"GET /w/{slug}/import/{id}":          {status: ok, path: "/w/acme/import/{import}", fresh: map[string]func() string{"import": upload}},
		"POST /w/{slug}/import/{id}/check":   {status: ok, path: "/w/acme/import/{import}/check", form: "map.email=email&map.name=name", fresh: map[string]func() string{"import": upload}},
		"POST /w/{slug}/import/{id}/apply":   {status: see, path: "/w/acme/import/{import}/apply", fresh: map[string]func() string{"import": upload}},
		"GET /w/{slug}/import/{id}/progress": {status: ok, path: "/w/acme/import/{import}/progress", fresh: map[string]func() string{"import": upload}},
		"GET /w/{slug}/tokens":               {status: ok},
		"POST /w/{slug}/tokens":              {status: ok, form: "name=Matrix+token"},
		"POST /w/{slug}/tokens/{token}/revoke": {status: see, fresh: map[string]func() string{"token": func() string {
			tok, _ := appMust2(db.CreateAPIToken(ctx, acme, "Doomed", 0))(t)
			return id(tok.ID)
		}}},

		// The dashboard.
		"GET /w/{slug}/dashboard":                  {status: ok, query: "survey={survey}&wave={wave}"},
		"GET /w/{slug}/trend":                      {status: ok, query: "survey={survey}"},
		"GET /w/{slug}/breakdown":                  {status: ok, query: "wave={wave}"},
		"GET /w/{slug}/accounts":                   {status: ok, query: "wave={wave}"},
		"GET /w/{slug}/accounts/{account}":         {status: ok},
		"GET /w/{slug}/responses":                  {status: ok, query: "wave={wave}"},
		"GET /w/{slug}/responses/{response}":       {status: ok},
		"POST /w/{slug}/responses/{response}/tags": {status: see, form: "tag=matrix"},
		"GET /w/{slug}/calculation":                {status: ok, query: "wave={wave}&account={account}"},
		"GET /w/{slug}/calculation.csv":            {status: ok, query: "wave={wave}"},
		"GET /w/{slug}/export/{export}":            {status: ok, path: "/w/acme/export/{export}", query: "wave={wave}"},
		"GET /w/{slug}/benchmarks":                 {status: ok},
		"POST /w/{slug}/benchmarks":                {status: see, form: "name=Matrix&nps=12"},
		"POST /w/{slug}/benchmarks/{benchmark}/delete": {status: see, fresh: map[string]func() string{"benchmark": func() string {
			return id(appMust(db.CreateBenchmark(ctx, acme, nps.Benchmark{Name: "Doomed", NPS: 1}))(t).ID)
		}}},
		"POST /w/{slug}/language": {status: see, form: "lang=en"},

		// Alert rules, follow-ups and webhooks.
		"GET /w/{slug}/alert-rules":              {status: ok},
		"POST /w/{slug}/alert-rules":             {status: see, form: ruleForm},
		"POST /w/{slug}/alert-rules/recommended": {status: see},
		"GET /w/{slug}/alert-rules/{rule}":       {status: ok},
		"POST /w/{slug}/alert-rules/{rule}":      {status: see, form: ruleForm},
		"POST /w/{slug}/alert-rules/{rule}/delete": {status: see, fresh: map[string]func() string{"rule": func() string {
			return id(appMust(db.CreateAlertRule(ctx, acme, nps.AlertRule{Name: "Doomed", Kind: nps.RuleScore, MaxScore: 1}))(t).ID)
		}}},
		"GET /w/{slug}/followups":                  {status: ok},
		"GET /w/{slug}/followups/{alert}":          {status: ok},
		"POST /w/{slug}/followups/{alert}/contact": {status: see, form: "note=Called", fresh: map[string]func() string{"alert": func() string { return id(openAlert()) }}},
		"POST /w/{slug}/followups/{alert}/close":   {status: see, form: "note=Duplicate", fresh: map[string]func() string{"alert": func() string { return id(openAlert()) }}},
		"POST /w/{slug}/followups/{alert}/reopen": {status: see, fresh: map[string]func() string{"alert": func() string {
			a := openAlert()
			appMust(db.CloseAlert(ctx, acme, a, f.users["owner"].ID, "dup"))(t)
			return id(a)
		}}},
		"GET /w/{slug}/webhooks":                                          {status: ok},
		"POST /w/{slug}/webhooks":                                         {status: ok, form: hookForm},
		"GET /w/{slug}/webhooks/{endpoint}":                               {status: ok},
		"POST /w/{slug}/webhooks/{endpoint}":                              {status: see, form: hookForm},
		"POST /w/{slug}/webhooks/{endpoint}/rotate":                       {status: ok},
		"GET /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}":         {status: ok},
		"POST /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}/replay": {status: see},
		"POST /w/{slug}/webhooks/{endpoint}/delete": {status: see, fresh: map[string]func() string{"endpoint": func() string {
			return id(appMust(db.CreateWebhookEndpoint(ctx, acme, nps.WebhookEndpoint{URL: "https://doomed.example",
				Events: []nps.EventKind{nps.EventPlanChanged}}))(t).ID)
		}}},

		// Improvement plans and customer pages.
		"GET /w/{slug}/plans":                   {status: ok},
		"GET /w/{slug}/plans/new":               {status: ok, query: "account={account}"},
		"POST /w/{slug}/plans":                  {status: see, form: "account={account}&title=Matrix+plan"},
		"GET /w/{slug}/plans/{plan}":            {status: ok},
		"POST /w/{slug}/plans/{plan}":           {status: see, form: "title=Member+plan"},
		"POST /w/{slug}/plans/{plan}/responses": {status: see, form: "response={response}"},
		"POST /w/{slug}/plans/{plan}/responses/{response}/unlink": {status: see, fresh: map[string]func() string{"response": func() string {
			if err := db.LinkPlanResponse(ctx, acme, f.memberPlan.ID, f.memberResponse); err != nil {
				t.Fatal(err)
			}
			return id(f.memberResponse)
		}}},
		"POST /w/{slug}/plans/{plan}/items":        {status: see, form: "kind=note&body=Matrix+note"},
		"POST /w/{slug}/plans/{plan}/items/{item}": {status: see, form: "status=doing"},
		"POST /w/{slug}/plans/{plan}/items/{item}/delete": {status: see, fresh: map[string]func() string{"item": func() string {
			return id(appMust(db.AddPlanItem(ctx, acme, nps.PlanItem{PlanID: f.memberPlan.ID, Kind: nps.ItemNote, Body: "Doomed"}, nil))(t).ID)
		}}},
		"POST /w/{slug}/accounts/{account}/page/rotate": {status: see},

		// The promoter programme and the loop.
		"GET /w/{slug}/promoters": {status: ok},
		// Privacy: the audit log, and a contact's export and erasure;
		// erasing uses its contact up, confirmed by its ID (it has no
		// email).
		"GET /w/{slug}/audit":                     {status: ok},
		"GET /w/{slug}/privacy":                   {status: ok, query: "q=mia"},
		"GET /w/{slug}/contacts/{contact}/export": {status: ok},
		"GET /w/{slug}/contacts/{contact}/erase":  {status: ok},
		"POST /w/{slug}/contacts/{contact}/erase": {status: see, form: "confirm={contact}", fresh: map[string]func() string{"contact": func() string {
			return id(appMust(db.CreateContact(ctx, acme, nps.Contact{ExternalID: "doomed-" + f.guess("aaaaaaaa"), AccountID: f.memberAccount}))(t).ID)
		}}},
		"GET /w/{slug}/promoters/{contact}":          {status: ok},
		"POST /w/{slug}/promoters/{contact}/actions": {status: see, form: "kind=reward&note=Korting"},
		"POST /w/{slug}/promoters/{contact}/thank":   {status: see, form: "confirm=1"},
		"GET /w/{slug}/referrals":                    {status: ok},
		"POST /w/{slug}/referrals": {status: see, form: "referrer={account}&referred={referred}",
			fresh: map[string]func() string{"referred": referred}, refused: http.StatusUnprocessableEntity},
		"POST /w/{slug}/referrals/{referral}/thanked":     {status: see},
		"POST /w/{slug}/referrals/{referral}/thank-email": {status: see},
		"POST /w/{slug}/referrals/{referral}/delete": {status: see, fresh: map[string]func() string{"referral": func() string {
			return id(appMust(db.CreateReferral(ctx, acme, nps.Referral{ReferrerAccountID: f.memberAccount, ReferrerContactID: parseID(f.own["contact"]),
				ReferredAccountID: parseID(referred())}, 0))(t).ID)
		}}},
		"GET /w/{slug}/loop": {status: ok},

		// Themes, value, the report, the brand and the digest.
		"GET /w/{slug}/themes": {status: ok, query: "survey={survey}&wave={wave}"},
		// No answer of the fixture suggests a theme: adopting one is a
		// conflict, after the checks of caller and role.
		"POST /w/{slug}/themes/suggestions": {status: http.StatusConflict, form: "key=parking-garage"},
		"GET /w/{slug}/themes/taxonomy":     {status: ok},
		"POST /w/{slug}/themes/taxonomy": {status: see, form: "{taxonomy}", fresh: map[string]func() string{"taxonomy": func() string {
			appMust(db.SetTaxonomy(ctx, acme, "", 0))(t)
			return taxonomyForm(appMust(db.Taxonomy(ctx, acme))(t).Version, text.DefaultThemes()).Encode()
		}}},
		"POST /w/{slug}/themes/taxonomy/default": {status: see},
		"GET /w/{slug}/value":                    {status: ok},
		"GET /w/{slug}/value/calculator":         {status: ok, query: "revenue=1000&churn=10&marketing=0&current=0&target=10"},
		"GET /w/{slug}/report":                   {status: ok},
		"GET /w/{slug}/report/view":              {status: ok, query: "wave={wave}"},
		"GET /w/{slug}/report/pdf":               {status: ok, query: "wave={wave}"},
		"POST /w/{slug}/report/verbatims":        {status: see, form: "response={response}"},
		"POST /w/{slug}/report/links":            {status: ok, query: "wave={wave}", form: "days=30"},
		"POST /w/{slug}/report/links/{link}/revoke": {status: see, fresh: map[string]func() string{"link": func() string {
			l, _ := appMust2(db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: acme, WaveID: f.wave.ID, Lang: "en", ExpiresAt: appT0.Add(time.Hour)}))(t)
			return id(l.ID)
		}}},
		"GET /w/{slug}/settings/brand":  {status: ok},
		"POST /w/{slug}/settings/brand": {status: see, form: "colour=%231f4e79"},
		"GET /w/{slug}/digest":          {status: ok},
		"POST /w/{slug}/digest":         {status: see, form: "frequency=monthly"},
	}
}
