package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/dataset"
	"github.com/promotor/promotor/internal/export"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The exports of the dashboard: GET /w/{slug}/export/{what}.{csv|xlsx},
// with the scope (and for responses the feed's filters) of the page they
// are linked from. A member's export holds their own accounts only, as
// their pages do. The file is streamed as the store reads the rows
// (package dataset); its headers and status go out with the first byte,
// so an error before it is an error page, and an error after it cuts the
// connection, so that a browser reports a failed download rather than
// keeping a file that looks complete.

// exportWriteTime is how long an export may take to send: far more than
// the server's write timeout, which is made for pages.
const exportWriteTime = time.Hour

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	name, ext, _ := strings.Cut(r.PathValue("export"), ".")
	kind, err := dataset.ParseKind(name)
	if err != nil {
		return nps.ErrNotFound
	}
	format, err := export.ParseFormat(ext)
	if err != nil || string(format) != ext {
		return nps.ErrNotFound
	}
	scope, err := s.exportScopeOf(r, a, kind)
	if err != nil {
		return err
	}
	// Who took which data: exports are where personal data leaves. The
	// entry is written before the first byte, so a download cut short is
	// recorded too.
	if err := s.db.RecordAudit(r.Context(), a.Workspace.ID, nps.AuditExport, r.PathValue("export"), auditScope(r)); err != nil {
		return err
	}
	d := &download{w: w, contentType: format.ContentType(),
		filename: dataset.Filename(a.Workspace.Slug, kind, format, s.db.Now())}
	if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(exportWriteTime)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	rows, err := dataset.Export(r.Context(), s.db, a.Workspace.ID, kind, scope, format, d)
	if err != nil && !d.started {
		return exportError(err)
	}
	if err != nil {
		s.logError(r, http.StatusInternalServerError, err)
		// The status is sent: cut the connection, so that the file is
		// seen to be broken.
		panic(http.ErrAbortHandler)
	}
	d.start()
	s.log.InfoContext(r.Context(), "export", "user_id", a.User.ID, "workspace_id", a.Workspace.ID, "what", kind,
		"format", format, "rows", rows, "bytes", d.bytes)
	return nil
}

// exportScopeOf reads what an export covers from the query, as the page it
// is linked from reads it: the feed's filters for responses, the
// dashboard's scope for the others (any wave or wave=all), and for the
// aggregates the split by=owner or by=account:{attribute} of the
// breakdown.
func (s *Server) exportScopeOf(r *http.Request, a *appRequest, kind dataset.Kind) (dataset.Scope, error) {
	if kind == dataset.Responses {
		_, f, err := s.feedFilterOf(r, a)
		return dataset.Scope{ResponseFilter: f}, err
	}
	sc, err := s.dashScopeOf(r, a, true)
	if err != nil {
		return dataset.Scope{}, err
	}
	scope := dataset.Scope{ResponseFilter: store.ResponseFilter{SurveyID: sc.Survey.ID, WaveID: sc.Wave.ID, OwnerID: sc.OwnerID, Segment: sc.Segment}}
	if kind != dataset.Aggregates {
		return scope, nil
	}
	if scope.By, err = dataset.ParseSplit(r.URL.Query().Get("by"), sc.Attributes); err != nil {
		return scope, badRequest("dash.err.by")
	}
	return scope, nil
}

// auditFreeText are the parameters of an export's query whose value is
// typed text: a search may be a customer's name or words of their
// comment.
var auditFreeText = []string{"q"}

// auditScope is the audit detail of an export: the scope it was asked
// for, its query's parameters, with typed text replaced by "redacted",
// since the audit log outlives the erasure of what the text named.
func auditScope(r *http.Request) string {
	q := r.URL.Query()
	for _, key := range auditFreeText {
		if q.Get(key) != "" {
			q.Set(key, "redacted")
		}
	}
	return q.Encode()
}

// exportError is the page of an export refused before its first byte.
func exportError(err error) error {
	if errors.Is(err, export.ErrTooManyRows) {
		return appHTTPError(http.StatusRequestEntityTooLarge, err, "dash.export.too_many_rows", "max", export.XLSXMaxRows-1)
	}
	return err
}

// download is the response of an export: its headers and status are sent
// with the first byte.
type download struct {
	w                     http.ResponseWriter
	contentType, filename string
	started               bool
	bytes                 int64
}

// start sends the headers and the status, once.
func (d *download) start() {
	if d.started {
		return
	}
	d.started = true
	h := d.w.Header()
	h.Set("Content-Type", d.contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.filename}))
	// Exports hold personal data: no cache keeps a copy.
	h.Set("Cache-Control", "no-store")
	d.w.WriteHeader(http.StatusOK)
}

func (d *download) Write(p []byte) (int, error) {
	d.start()
	n, err := d.w.Write(p)
	d.bytes += int64(n)
	return n, err
}
