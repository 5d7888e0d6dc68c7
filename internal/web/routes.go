// Package web is Promotor's HTTP layer: every route is registered in
// routes, handlers return errors, and one adapter turns an error into a
// response and a log line. It holds no SQL and no statistics.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/sso"
	"github.com/promotor/promotor/internal/store"
)

// Options configures a Server.
type Options struct {
	// BaseURL is the public address of the server ("https://nps.example.com"),
	// used where a link leaves the request: QR codes, API documents, emails.
	// Empty means the address the request came to.
	BaseURL string
	// MailBaseURL is the address that links in emails written without a
	// request (escalations, silent-account alerts, digests) start with;
	// empty means BaseURL.
	MailBaseURL string
	// Mail sends the test emails of the signed-in area; nil when no SMTP
	// server is configured, which the digest's page tells its readers.
	Mail mail.Sender
	// Metrics counts requests, answers and sign-ins, and is served at
	// /metrics to the clients MetricsNetworks and MetricsToken allow
	// (metrics.go); nil counts nothing and serves 404 there.
	Metrics *metrics.Metrics
	// MetricsNetworks are the networks whose direct peers may read
	// /metrics; none means no one.
	MetricsNetworks []netip.Prefix
	// MetricsToken, when set, must also be presented as a Bearer token.
	MetricsToken string
	// SSO is the OpenID Connect provider users may sign in with, besides
	// their password (auth_oidc.go); nil for none.
	SSO *sso.Provider
	// TrustedProxies are the networks of the reverse proxies in front of
	// the server, whose X-Forwarded-For and X-Forwarded-Proto are believed
	// (clientip.go); none by default, so that no client can forge them.
	TrustedProxies []netip.Prefix
}

// Server serves Promotor's pages and API from one database.
type Server struct {
	db    *store.DB
	log   *slog.Logger
	opts  Options
	pages map[string]*template.Template
	// emails writes the invitation emails of previews and test sends.
	emails *mail.Renderer

	// dummyHash is the password hash that sign-ins of unknown emails are
	// checked against, made once.
	dummyHash func() (string, error)
	// limits are the rate limits of sign-ins, survey answers and the API
	// (ratelimit.go).
	limits limits
	// imports are the files being imported (app_import_job.go).
	imports importJobs
	// draining is set when the process begins to stop (health.go).
	draining atomic.Bool
}

// New returns a server on db that logs to log; nil logs nothing.
func New(db *store.DB, log *slog.Logger, opts Options) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{db: db, log: slog.New(requestIDHandler{log.Handler()}), opts: opts}
	s.dummyHash, s.limits = sync.OnceValues(newDummyHash), newLimits()
	// Made now, off the request path, so that the first sign-in of an
	// unknown email takes no longer than any other.
	go s.dummyHash()
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.pages = pages
	if s.emails, err = mail.NewRenderer(catalog); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	return s, nil
}

// appRoute is a page of a workspace and the least role that may use it.
type appRoute struct {
	pattern string
	min     nps.Role
	handler appHandler
}

// dashboardRoutes are the dashboard's pages (app_dashboard.go); a member
// sees the accounts they own only. TestDashboardRoutes tries each as
// every role and as a user of another workspace.
func (s *Server) dashboardRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/dashboard", nps.RoleViewer, s.handleDashboard},
		{"GET /w/{slug}/trend", nps.RoleViewer, s.handleTrend},
		{"GET /w/{slug}/breakdown", nps.RoleViewer, s.handleBreakdown},
		{"GET /w/{slug}/accounts", nps.RoleViewer, s.handleAccounts},
		{"GET /w/{slug}/accounts/{account}", nps.RoleViewer, s.handleAccount},
		{"GET /w/{slug}/responses", nps.RoleViewer, s.handleFeed},
		{"GET /w/{slug}/responses/{response}", nps.RoleViewer, s.handleResponse},
		{"POST /w/{slug}/responses/{response}/tags", nps.RoleMember, s.handleResponseTag},
		{"GET /w/{slug}/calculation", nps.RoleViewer, s.handleCalculation},
		{"GET /w/{slug}/calculation.csv", nps.RoleViewer, s.handleCalculationExport},
		{"GET /w/{slug}/export/{export}", nps.RoleViewer, s.handleExport}, // responses|accounts|aggregates.csv|xlsx
		{"GET /w/{slug}/benchmarks", nps.RoleViewer, s.handleBenchmarks},
		{"POST /w/{slug}/benchmarks", nps.RoleAnalyst, s.handleBenchmarkCreate},
		{"POST /w/{slug}/benchmarks/{benchmark}/delete", nps.RoleAnalyst, s.handleBenchmarkDelete},
		{"POST /w/{slug}/language", nps.RoleViewer, s.handleLanguage},
	}
}

// alertRoutes are the pages of follow-ups (app_followup.go) and alert
// rules: owners manage the rules and analysts read them; members and up
// work the follow-ups, a member those of the accounts they own only.
func (s *Server) alertRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/alert-rules", nps.RoleAnalyst, s.handleAlertRules},
		{"POST /w/{slug}/alert-rules", nps.RoleOwner, s.handleAlertRuleCreate},
		{"POST /w/{slug}/alert-rules/recommended", nps.RoleOwner, s.handleAlertRuleRecommended},
		{"GET /w/{slug}/alert-rules/{rule}", nps.RoleAnalyst, s.handleAlertRule},
		{"POST /w/{slug}/alert-rules/{rule}", nps.RoleOwner, s.handleAlertRuleUpdate},
		{"POST /w/{slug}/alert-rules/{rule}/delete", nps.RoleOwner, s.handleAlertRuleDelete},
		{"GET /w/{slug}/followups", nps.RoleMember, s.handleFollowUps},
		{"GET /w/{slug}/followups/{alert}", nps.RoleMember, s.handleFollowUp},
		{"POST /w/{slug}/followups/{alert}/contact", nps.RoleMember, s.handleFollowUpContact},
		{"POST /w/{slug}/followups/{alert}/close", nps.RoleMember, s.handleFollowUpClose},
		{"POST /w/{slug}/followups/{alert}/reopen", nps.RoleMember, s.handleFollowUpReopen},
	}
}

// webhookRoutes are the pages of webhook endpoints and their delivery
// log, for owners only: an endpoint's URL and secret let its holder read
// the workspace's events.
func (s *Server) webhookRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/webhooks", nps.RoleOwner, s.handleWebhooks},
		{"POST /w/{slug}/webhooks", nps.RoleOwner, s.handleWebhookCreate},
		{"GET /w/{slug}/webhooks/{endpoint}", nps.RoleOwner, s.handleWebhook},
		{"POST /w/{slug}/webhooks/{endpoint}", nps.RoleOwner, s.handleWebhookUpdate},
		{"POST /w/{slug}/webhooks/{endpoint}/rotate", nps.RoleOwner, s.handleWebhookRotate},
		{"POST /w/{slug}/webhooks/{endpoint}/delete", nps.RoleOwner, s.handleWebhookDelete},
		{"GET /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}", nps.RoleOwner, s.handleWebhookDelivery},
		{"POST /w/{slug}/webhooks/{endpoint}/deliveries/{delivery}/replay", nps.RoleOwner, s.handleWebhookReplay},
	}
}

// planRoutes are the pages of improvement plans and the customer page's
// link. TestPlanRoutes tries each as every role and as a user of another
// workspace.
func (s *Server) planRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/plans", nps.RoleViewer, s.handlePlans},
		{"GET /w/{slug}/plans/new", nps.RoleMember, s.handlePlanNew},
		{"POST /w/{slug}/plans", nps.RoleMember, s.handlePlanCreate},
		{"GET /w/{slug}/plans/{plan}", nps.RoleViewer, s.handlePlan},
		{"POST /w/{slug}/plans/{plan}", nps.RoleMember, s.handlePlanUpdate},
		{"POST /w/{slug}/plans/{plan}/responses", nps.RoleMember, s.handlePlanLink},
		{"POST /w/{slug}/plans/{plan}/responses/{response}/unlink", nps.RoleMember, s.handlePlanUnlink},
		{"POST /w/{slug}/plans/{plan}/items", nps.RoleMember, s.handlePlanItemAdd},
		{"POST /w/{slug}/plans/{plan}/items/{item}", nps.RoleMember, s.handlePlanItemUpdate},
		{"POST /w/{slug}/plans/{plan}/items/{item}/delete", nps.RoleMember, s.handlePlanItemDelete},
		{"POST /w/{slug}/accounts/{account}/page/rotate", nps.RoleMember, s.handleAccountPageRotate},
	}
}

// promoterRoutes are the pages of the promoter programme and the loop figures.
func (s *Server) promoterRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/promoters", nps.RoleViewer, s.handlePromoters},
		{"GET /w/{slug}/promoters/{contact}", nps.RoleViewer, s.handlePromoter},
		{"POST /w/{slug}/promoters/{contact}/actions", nps.RoleMember, s.handlePromoterAction},
		{"POST /w/{slug}/promoters/{contact}/thank", nps.RoleMember, s.handlePromoterThank},
		{"GET /w/{slug}/referrals", nps.RoleViewer, s.handleReferrals},
		{"POST /w/{slug}/referrals", nps.RoleMember, s.handleReferralCreate},
		{"POST /w/{slug}/referrals/{referral}/thanked", nps.RoleMember, s.handleReferralThanked},
		{"POST /w/{slug}/referrals/{referral}/thank-email", nps.RoleMember, s.handleReferralThankEmail},
		{"POST /w/{slug}/referrals/{referral}/delete", nps.RoleMember, s.handleReferralDelete},
		{"GET /w/{slug}/loop", nps.RoleViewer, s.handleLoop},
	}
}

// valueRoutes are the pages of what the NPS is worth (app_value.go); a
// member sees the accounts they own only. TestValueRoutes tries each as
// every role and as a user of another workspace.
func (s *Server) valueRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/value", nps.RoleViewer, s.handleValue},
		{"GET /w/{slug}/value/calculator", nps.RoleViewer, s.handleValueCalculator},
	}
}

// reportRoutes are the pages of the annual report (app_report.go) and of
// the workspace's look on it (app_brand.go); a member gets the report of
// the accounts they own. TestReportRoutes tries each as every role and as
// a user of another workspace.
func (s *Server) reportRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/report", nps.RoleViewer, s.handleReport},
		{"GET /w/{slug}/report/view", nps.RoleViewer, s.handleReportView},
		{"GET /w/{slug}/report/pdf", nps.RoleViewer, s.handleReportPDF},
		{"POST /w/{slug}/report/verbatims", nps.RoleAnalyst, s.handleReportVerbatim},
		{"POST /w/{slug}/report/links", nps.RoleAnalyst, s.handleReportLinkCreate},
		{"POST /w/{slug}/report/links/{link}/revoke", nps.RoleAnalyst, s.handleReportLinkRevoke},
		{"GET /w/{slug}/settings/brand", nps.RoleOwner, s.handleBrand},
		{"POST /w/{slug}/settings/brand", nps.RoleOwner, s.handleBrandUpdate},
	}
}

// privacyRoutes are the owners' pages of the audit log (app_audit.go)
// and of a data subject's requests (app_privacy.go). TestPrivacyRoutes
// tries each as every role and as a user of another workspace.
func (s *Server) privacyRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/audit", nps.RoleOwner, s.handleAudit},
		{"GET /w/{slug}/privacy", nps.RoleOwner, s.handlePrivacy},
		{"GET /w/{slug}/contacts/{contact}/export", nps.RoleOwner, s.handleContactExport},
		{"GET /w/{slug}/contacts/{contact}/erase", nps.RoleOwner, s.handleContactEraseForm},
		{"POST /w/{slug}/contacts/{contact}/erase", nps.RoleOwner, s.handleContactErase},
	}
}

// loopRoutes are the dashboard's pages and those of the closed loop. The
// route tests (TestDashboardRoutes, TestAlertRoutes, TestPlanRoutes,
// TestPromoterRoutes) try each as every role and as a user of another
// workspace, against the roles wantRoles states.
func (s *Server) loopRoutes() []appRoute {
	return slices.Concat(s.dashboardRoutes(), s.alertRoutes(), s.webhookRoutes(), s.planRoutes(), s.promoterRoutes())
}

// digestRoutes are the pages where each user, of any role, chooses their
// own digest email of the workspace (app_digest.go). TestDigestRoutes
// tries each as every role and as a user of another workspace.
func (s *Server) digestRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/digest", nps.RoleViewer, s.handleDigest},
		{"POST /w/{slug}/digest", nps.RoleViewer, s.handleDigestUpdate},
	}
}

// insightRoutes are the pages of what the comments say: the themes page
// with the loyalty matrix (app_themes.go) and the taxonomy that finds the
// themes (app_themes_taxonomy.go), which analysts edit. TestThemesRoutes
// tries each as every role and as a user of another workspace.
func (s *Server) insightRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/themes", nps.RoleViewer, s.handleThemes},
		{"POST /w/{slug}/themes/suggestions", nps.RoleAnalyst, s.handleSuggestionAdopt},
		{"GET /w/{slug}/themes/taxonomy", nps.RoleViewer, s.handleTaxonomy},
		{"POST /w/{slug}/themes/taxonomy", nps.RoleAnalyst, s.handleTaxonomySave},
		{"POST /w/{slug}/themes/taxonomy/default", nps.RoleAnalyst, s.handleTaxonomyDefault},
	}
}

// ssoRoutes are the pages of single sign-on (auth_oidc.go), public like
// /login; without a provider configured they are not found. TestSSORoutes
// tries each as every kind of visitor.
func (s *Server) ssoRoutes() []route {
	return []route{
		{"GET /login/oidc", routeAuth, "", s.htmlPage(s.handleOIDCStart)},
		{"GET /login/oidc/callback", routeAuth, "", s.htmlPage(s.handleOIDCCallback)},
	}
}

// workspaceRoutes are the pages of surveys, waves, sends, the workspace's
// settings, imports and API tokens; wantRoles (app_test.go) states their
// least roles, which TestAppRoleMatrix checks.
func (s *Server) workspaceRoutes() []appRoute {
	return []appRoute{
		{"GET /w/{slug}/{$}", nps.RoleViewer, s.handleAppWorkspace},
		{"GET /w/{slug}/surveys", nps.RoleViewer, s.handleAppSurveyList},
		{"GET /w/{slug}/surveys/new", nps.RoleAnalyst, s.handleAppSurveyNew},
		{"POST /w/{slug}/surveys", nps.RoleAnalyst, s.handleAppSurveyCreate},
		{"GET /w/{slug}/surveys/{survey}", nps.RoleViewer, s.handleAppSurvey},
		{"GET /w/{slug}/surveys/{survey}/edit", nps.RoleAnalyst, s.handleAppSurveyEdit},
		{"POST /w/{slug}/surveys/{survey}", nps.RoleAnalyst, s.handleAppSurveyUpdate},
		{"GET /w/{slug}/surveys/{survey}/waves/new", nps.RoleAnalyst, s.handleAppWaveNew},
		{"POST /w/{slug}/surveys/{survey}/waves", nps.RoleAnalyst, s.handleAppWaveCreate},
		{"GET /w/{slug}/waves/{wave}", nps.RoleViewer, s.handleAppWave}, // a member sees own accounts only
		{"POST /w/{slug}/waves/{wave}/open", nps.RoleAnalyst, s.handleAppWaveOpen},
		{"POST /w/{slug}/waves/{wave}/close", nps.RoleAnalyst, s.handleAppWaveClose},
		{"GET /w/{slug}/waves/{wave}/sends", nps.RoleViewer, s.handleAppSends},
		{"POST /w/{slug}/waves/{wave}/sends", nps.RoleAnalyst, s.handleAppSendCreate},
		{"GET /w/{slug}/waves/{wave}/email", nps.RoleViewer, s.handleAppEmailPreview},
		{"POST /w/{slug}/waves/{wave}/test-email", nps.RoleAnalyst, s.handleAppEmailTest},
		{"GET /w/{slug}/sends/{send}", nps.RoleViewer, s.handleAppSend},
		{"POST /w/{slug}/sends/{send}/cancel", nps.RoleAnalyst, s.handleAppSendCancel},
		{"GET /w/{slug}/settings", nps.RoleOwner, s.handleAppSettings},
		{"POST /w/{slug}/settings", nps.RoleOwner, s.handleAppSettingsUpdate},
		{"GET /w/{slug}/import", nps.RoleAnalyst, s.handleAppImportForm},
		{"POST /w/{slug}/import", nps.RoleAnalyst, s.handleAppImportUpload},
		{"GET /w/{slug}/import/{id}", nps.RoleAnalyst, s.handleAppImportMapping},
		{"POST /w/{slug}/import/{id}/check", nps.RoleAnalyst, s.handleAppImportCheck},
		{"POST /w/{slug}/import/{id}/apply", nps.RoleAnalyst, s.handleAppImportApply},
		{"GET /w/{slug}/import/{id}/progress", nps.RoleAnalyst, s.handleAppImportProgress},
		{"GET /w/{slug}/tokens", nps.RoleOwner, s.handleAppTokens},
		{"POST /w/{slug}/tokens", nps.RoleOwner, s.handleAppTokenCreate},
		{"POST /w/{slug}/tokens/{token}/revoke", nps.RoleOwner, s.handleAppTokenRevoke},
	}
}

// appRoutes are all the pages of a workspace (/w/{slug}/…), each with the
// least role that may use it.
func (s *Server) appRoutes() []appRoute {
	return slices.Concat(s.workspaceRoutes(), s.loopRoutes(), s.insightRoutes(), s.valueRoutes(), s.reportRoutes(), s.digestRoutes(), s.privacyRoutes())
}

// apiRoutes are the REST API's authenticated routes, which
// TestOpenAPIDocument checks against openapi.json.
func (s *Server) apiRoutes() []apiRoute {
	return []apiRoute{
		{"GET", "/api/v1/surveys", s.handleAPISurveyList},
		{"POST", "/api/v1/surveys", s.handleAPISurveyCreate},
		{"GET", "/api/v1/surveys/{id}", s.handleAPISurveyGet},
		{"PUT", "/api/v1/surveys/{id}", s.handleAPISurveyUpdate},
		{"GET", "/api/v1/surveys/{id}/waves", s.handleAPIWaveList},
		{"POST", "/api/v1/surveys/{id}/waves", s.handleAPIWaveCreate},
		{"GET", "/api/v1/surveys/{id}/nps", s.handleAPINPS},
		{"GET", "/api/v1/waves/{id}", s.handleAPIWaveGet},
		{"PATCH", "/api/v1/waves/{id}", s.handleAPIWavePatch},
		{"POST", "/api/v1/responses", s.handleAPIResponseCreate},
		{"POST", "/api/v1/bounces", s.handleAPIBounce},
		{"GET", "/api/v1/accounts/{external_id}/revenue", s.handleAPIRevenueGet},
		{"PUT", "/api/v1/accounts/{external_id}/revenue", s.handleAPIRevenuePut},
	}
}

// routeKind is how a route knows its caller, which decides whom the
// isolation matrix (TestIsolationMatrix) tries it as.
type routeKind string

const (
	// routeOps routes know no caller: health, assets, the API's document.
	routeOps routeKind = "operations"
	// routePublic routes take a secret token in the path, which decides
	// the workspace: survey, customer, unsubscribe and shared-report links.
	routePublic routeKind = "public"
	// routeAuth routes sign in and out, and the home page that chooses a
	// workspace.
	routeAuth routeKind = "auth"
	// routeApp routes are a workspace's pages: the session, the
	// membership and the route's least role decide.
	routeApp routeKind = "app"
	// routeAPI routes are the REST API's: the bearer token decides the
	// workspace.
	routeAPI routeKind = "api"
)

// route is one pattern the server registers, with its handler and kind;
// min is the least role of an app route.
type route struct {
	pattern string
	kind    routeKind
	min     nps.Role
	handler http.Handler
}

// routes is every route Promotor serves, the one list Handler registers.
// A route added here needs its entry in TestIsolationMatrix, which fails
// until it has one.
func (s *Server) routes() []route {
	rs := []route{
		// Operations.
		{"GET /healthz", routeOps, "", s.handle(s.handleHealth)},
		{"GET /readyz", routeOps, "", s.handle(s.handleReady)},
		{"GET /metrics", routeOps, "", s.handle(s.handleMetrics)}, // metrics.go: allowed networks only
		{"GET /assets/{name}", routeOps, "", http.HandlerFunc(handleAsset)},

		// Survey pages: what respondents see (survey.go explains why GET
		// never writes and what the one-click POST may do).
		{"GET /s/{token}", routePublic, "", s.surveyHandler(s.handleSurveyForm)},
		{"POST /s/{token}", routePublic, "", s.surveyHandler(s.handleSurveySubmit)},
		{"GET /s/{token}/thanks", routePublic, "", s.surveyHandler(s.handleSurveyThanks)},
		{"GET /s/{token}/{score}", routePublic, "", s.surveyHandler(s.handleSurveyOneClick)},
		{"POST /s/{token}/{score}", routePublic, "", s.surveyHandler(s.handleSurveyOneClickSave)},
		{"GET /p/{token}", routePublic, "", s.surveyHandler(s.handlePublicForm)},
		{"POST /p/{token}", routePublic, "", s.surveyHandler(s.handlePublicSubmit)},
		{"GET /p/{token}/thanks", routePublic, "", s.surveyHandler(s.handlePublicThanks)},
		{"GET /p/{token}/qr.png", routePublic, "", s.surveyHandler(s.handlePublicQRPNG)},
		{"GET /p/{token}/qr.svg", routePublic, "", s.surveyHandler(s.handlePublicQRSVG)},
		// The customer page of an account: "you said, we did" (plan_page.go).
		{"GET /y/{token}", routePublic, "", s.surveyHandler(s.handleCustomerPage)},
		// Unsubscribe links of invitation emails (unsubscribe.go: GET asks,
		// POST, also RFC 8058's one-click, unsubscribes).
		{"GET /u/{token}", routePublic, "", s.surveyHandler(s.handleUnsubscribeForm)},
		{"POST /u/{token}", routePublic, "", s.surveyHandler(s.handleUnsubscribe)},
		// A report shared by its read-only link (app_report.go).
		{"GET /r/{token}", routePublic, "", s.surveyHandler(s.handleSharedReport)},
		{"GET /r/{token}/pdf", routePublic, "", s.surveyHandler(s.handleSharedReportPDF)},
		// Unsubscribe links of digest emails (app_digest.go: GET asks, POST,
		// also RFC 8058's one-click, stops the digest), without signing in.
		{"GET /d/{token}", routePublic, "", s.htmlPage(s.handleDigestUnsubscribeForm)},
		{"POST /d/{token}", routePublic, "", s.htmlPage(s.handleDigestUnsubscribe)},

		// Signing in and out.
		{"GET /{$}", routeAuth, "", s.htmlPage(s.handleAppHome)},
		{"GET /login", routeAuth, "", s.htmlPage(s.handleLoginForm)},
		{"POST /login", routeAuth, "", s.htmlPage(s.handleLogin)},
		{"POST /logout", routeAuth, "", s.htmlPage(s.handleLogout)},
	}
	rs = append(rs, s.ssoRoutes()...)
	rs = append(rs, s.accountRoutes()...)

	// Signed-in area. Each page of a workspace (/w/{slug}/…) names the
	// least role that may use it, which wantRoles (app_test.go) states.
	for _, rt := range s.appRoutes() {
		rs = append(rs, route{rt.pattern, routeApp, rt.min, s.inWorkspace(rt.min, rt.handler)})
	}

	// REST API: every authenticated route in one table; other requests
	// under /api/v1/ get a problem document too.
	api := s.apiRoutes()
	for _, rt := range api {
		rs = append(rs, route{rt.method + " " + rt.pattern, routeAPI, "", s.authenticated(rt.handler)})
	}
	return append(rs,
		route{"GET /api/v1/openapi.json", routeOps, "", http.HandlerFunc(handleOpenAPI)},
		route{"/api/v1/", routeAPI, "", s.apiNoRoute(api)},
	)
}

// Handler returns the router with every route Promotor serves, behind the
// security headers and the cross-origin protection that guards every
// state-changing request.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, rt.handler)
	}
	return s.observe(s.secure(mux))
}
