package web

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/annual"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/report"
	"github.com/promotor/promotor/internal/store"
)

// The annual report: the page that makes it (a wave, a language,
// anonymised or not), the report itself as HTML and PDF, the comments an
// analyst quotes in it, and the read-only links that share it. Every copy
// is gathered by package annual and laid out by package report. A member
// gets the report of the accounts they own.

// reportPage is the page of a wave's report.
type reportPage struct {
	appLayout
	appFormErrors
	Scope dashScope
	// Lang and Anonymise are the choices of the report to open.
	Lang      string
	Anonymise bool
	// Edit is set for those who choose the verbatims and share the report.
	Edit      bool
	Verbatims []store.Verbatim
	MaxQuotes int
	Links     []nps.ReportLink
	// NewLink is the address of the link just made, shown once.
	NewLink string
	Now     time.Time
}

// reportLinkDays are the lifetimes a new link may have.
var reportLinkDays = []int{7, 30, 90, 365}

// ReportQuery is the query of the report of the page's choices.
func (p reportPage) ReportQuery() template.URL {
	anon := ""
	if p.Anonymise {
		anon = "1"
	}
	return p.Scope.Query("lang", p.Lang, "anon", anon)
}

// LinkDays are the choices of a new link's lifetime.
func (p reportPage) LinkDays() []int { return reportLinkDays }

// LinkState says whether a link works, expired or was revoked.
func (p reportPage) LinkState(l nps.ReportLink) string {
	switch {
	case !l.RevokedAt.IsZero():
		return p.T("annual.link.revoked", "time", p.FormatTime(l.RevokedAt))
	case !l.Works(p.Now):
		return p.T("annual.link.expired", "time", p.FormatTime(l.ExpiresAt))
	}
	return p.T("annual.link.works", "time", p.FormatTime(l.ExpiresAt))
}

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p, err := s.reportPageOf(r, a)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/report", p)
}

// reportPageOf reads the page's scope and choices, and for those who edit
// the wave's verbatims and links.
func (s *Server) reportPageOf(r *http.Request, a *appRequest) (reportPage, error) {
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return reportPage{}, err
	}
	p := reportPage{appLayout: a.layout(a.M.T("annual.title")), Scope: sc, Lang: cmp.Or(r.FormValue("lang"), a.M.Lang),
		Now: s.db.Now(), Edit: roleAllows(a.Role, nps.RoleAnalyst), MaxQuotes: store.MaxReportVerbatims}
	if p.Lang != "nl" {
		p.Lang = "en" // the report's languages are these two
	}
	p.Anonymise = r.FormValue("anon") == "1"
	if sc.Wave.ID == 0 || !p.Edit {
		return p, nil
	}
	if p.Verbatims, err = s.db.ReportVerbatims(r.Context(), a.Workspace.ID, sc.Wave.ID); err != nil {
		return p, err
	}
	p.Links, err = s.db.ReportLinks(r.Context(), a.Workspace.ID, sc.Wave.ID)
	return p, err
}

// reportOptions reads the report asked for: wave, lang and anon; a member
// gets the report of their own accounts.
func reportOptions(r *http.Request, a *appRequest) (annual.Options, error) {
	q := r.URL.Query()
	o := annual.Options{Lang: q.Get("lang"), Anonymise: q.Get("anon") == "1"}
	if o.Lang == "" {
		o.Lang = a.M.Lang
	}
	if o.Lang != "nl" && o.Lang != "en" {
		return o, badRequest("annual.err.lang")
	}
	id, err := strconv.ParseInt(q.Get("wave"), 10, 64)
	if err != nil || id <= 0 {
		return o, badRequest("annual.err.wave")
	}
	o.WaveID = id
	if a.Role == nps.RoleMember {
		o.OwnerID = a.User.ID
	}
	return o, nil
}

func (s *Server) handleReportView(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.appReport(w, r, a, false)
}

func (s *Server) handleReportPDF(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.appReport(w, r, a, true)
}

func (s *Server) appReport(w http.ResponseWriter, r *http.Request, a *appRequest, pdf bool) error {
	o, err := reportOptions(r, a)
	if err != nil {
		return err
	}
	rep, err := annual.Gather(r.Context(), s.db, catalog, a.Workspace, o)
	if err != nil {
		return err
	}
	what := "report.html"
	if pdf {
		what = "report.pdf"
	}
	if err := s.db.RecordAudit(r.Context(), a.Workspace.ID, nps.AuditExport, what, auditScope(r)); err != nil {
		return err
	}
	return writeReport(w, rep, a.Workspace.Slug, pdf)
}

// writeReport writes a report whole, or an error before any byte of it:
// the report is made in memory (a few hundred kilobytes at most) so that
// a failure halfway is an error page, not half a report. The HTML is sent
// under the report's own policy, which allows its inline style and
// images and nothing else.
func writeReport(w http.ResponseWriter, rep report.Report, slug string, pdf bool) error {
	var b bytes.Buffer
	h := w.Header()
	if pdf {
		if err := report.PDF(&b, rep); err != nil {
			return fmt.Errorf("web: report PDF: %w", err)
		}
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `attachment; filename="`+reportFilename(slug, rep.Wave)+`"`)
	} else {
		if err := report.HTML(&b, rep); err != nil {
			return fmt.Errorf("web: report HTML: %w", err)
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", rep.CSP())
	}
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	_, err := b.WriteTo(w)
	return err
}

// reportFilename names a report's PDF: "promotor-acme-2025-report.pdf",
// of letters, digits and hyphens only.
func reportFilename(slug, wave string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(wave) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "wave"
	}
	return "promotor-" + slug + "-" + name + "-report.pdf"
}

// handleReportVerbatim quotes a comment in its wave's report or takes it
// out, and goes back to the page it came from.
func (s *Server) handleReportVerbatim(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostForm.Get("response"), 10, 64)
	if err != nil || id <= 0 {
		return badRequest("annual.err.response")
	}
	if r.PostForm.Get("remove") == "1" {
		err = s.db.DropVerbatim(r.Context(), a.Workspace.ID, id)
	} else {
		err = s.db.ChooseVerbatim(r.Context(), a.Workspace.ID, id)
	}
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		return appHTTPError(http.StatusUnprocessableEntity, err, "annual.err.quote", "error", ve.Message)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, backTo(r, a, a.layout("").Base()+"/report"), http.StatusSeeOther)
	return nil
}

// handleReportLinkCreate makes a share link and shows it in the answer to
// the POST itself, once, as a new API token is shown.
func (s *Server) handleReportLinkCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p, err := s.reportPageOf(r, a)
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(r.PostForm.Get("days"))
	if err != nil || days <= 0 {
		return badRequest("annual.err.days")
	}
	l := nps.ReportLink{WorkspaceID: a.Workspace.ID, WaveID: p.Scope.Wave.ID, Lang: p.Lang, Anonymise: p.Anonymise,
		CreatedBy: a.User.ID, ExpiresAt: p.Now.AddDate(0, 0, days)}
	_, token, err := s.db.CreateReportLink(r.Context(), l)
	status := http.StatusOK
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		status, p.appFormErrors = http.StatusUnprocessableEntity, appFormErrors{ve}
	} else if err != nil {
		return err
	} else {
		p.NewLink = s.absoluteURL(r, "/r/"+token)
	}
	if p.Links, err = s.db.ReportLinks(r.Context(), a.Workspace.ID, p.Scope.Wave.ID); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, status, "app/report", p)
}

func (s *Server) handleReportLinkRevoke(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("link"), 10, 64)
	if err != nil {
		return nps.ErrNotFound
	}
	if err := s.db.RevokeReportLink(r.Context(), a.Workspace.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, backTo(r, a, a.layout("").Base()+"/report"), http.StatusSeeOther)
	return nil
}

// handleSharedReport shows the report a share link names, to whoever has
// the link; an unknown, expired or revoked link is one and the same 404.
func (s *Server) handleSharedReport(w http.ResponseWriter, r *http.Request) error {
	return s.sharedReport(w, r, false)
}

func (s *Server) handleSharedReportPDF(w http.ResponseWriter, r *http.Request) error {
	return s.sharedReport(w, r, true)
}

func (s *Server) sharedReport(w http.ResponseWriter, r *http.Request, pdf bool) error {
	notFound := func(err error) error {
		return &pageError{status: http.StatusNotFound, kind: "annual.shared.notfound", cause: err}
	}
	l, err := s.db.ReportLinkByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return notFound(err)
	}
	ws, err := s.db.Workspace(r.Context(), l.WorkspaceID)
	if err != nil {
		return notFound(err)
	}
	rep, err := annual.Gather(r.Context(), s.db, catalog, ws, annual.Options{WaveID: l.WaveID, Lang: l.Lang, Anonymise: l.Anonymise})
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	return writeReport(w, rep, ws.Slug, pdf)
}

// backTo is the page a form asks to go back to ("back"): a path of this
// workspace only, never another site; fallback otherwise.
func backTo(r *http.Request, a *appRequest, fallback string) string {
	base := a.layout("").Base()
	if u, err := url.Parse(r.PostFormValue("back")); err == nil && u.Scheme == "" && u.Host == "" &&
		strings.HasPrefix(u.Path, base+"/") && !strings.HasPrefix(u.Path, "//") {
		if u.Fragment != "" {
			return u.RequestURI() + "#" + url.PathEscape(u.Fragment)
		}
		return u.RequestURI()
	}
	return fallback
}
