package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// The import of a file in the signed-in area, in four steps: upload
// (/import), mapping (/import/{id}), dry run (POST …/check) and apply
// (POST …/apply), which runs in the background while …/progress reloads
// itself. Analysts and owners may import (routes.go).

// appImportMaxBytes bounds an upload: the importer's limit and room for
// the form around the file.
const appImportMaxBytes = importer.DefaultMaxBytes + 1<<20

// appImportTimeout bounds an apply running in the background.
const appImportTimeout = 30 * time.Minute

type appImportFormPage struct {
	appLayout
	Kinds []importer.Kind
	Kind  importer.Kind
	Error string
	MaxMB int
}

// KindLabel is the name of a kind of import in the page's language, in
// lower case as it reads in a sentence ("contacts").
func (l appLayout) KindLabel(k importer.Kind) string {
	return l.TOr("app.import.kind."+string(k), string(k))
}

func (s *Server) handleAppImportForm(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.renderImportForm(w, http.StatusOK, a, importer.Contacts, "")
}

func (s *Server) renderImportForm(w http.ResponseWriter, status int, a *appRequest, k importer.Kind, msg string) error {
	return s.render(w, status, "app/import", appImportFormPage{appLayout: a.layout(a.M.T("app.import.title")), Kinds: importer.Kinds,
		Kind: k, Error: msg, MaxMB: importer.DefaultMaxBytes >> 20})
}

func (s *Server) handleAppImportUpload(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	r.Body = http.MaxBytesReader(w, r.Body, appImportMaxBytes)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return s.renderImportForm(w, http.StatusRequestEntityTooLarge, a, importer.Contacts,
				a.M.T("app.import.too_large", "mb", importer.DefaultMaxBytes>>20))
		}
		return appHTTPError(http.StatusBadRequest, err, "app.import.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	kind, err := importer.ParseKind(r.FormValue("kind"))
	if err != nil {
		return s.renderImportForm(w, http.StatusUnprocessableEntity, a, importer.Contacts, a.M.T("app.import.choose_kind"))
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		return s.renderImportForm(w, http.StatusUnprocessableEntity, a, kind, a.M.T("app.import.choose_file"))
	}
	defer file.Close()
	t, err := importer.Read(file, importer.Limits{})
	var ie *importer.Error
	if errors.As(err, &ie) {
		return s.renderImportForm(w, http.StatusUnprocessableEntity, a, kind, header.Filename+": "+ie.Error())
	}
	if err != nil {
		return err
	}
	job := s.imports.add(a.Workspace.ID, a.User.ID, header.Filename, kind, t, s.db.Now())
	http.Redirect(w, r, appImportPath(a, job.id), http.StatusSeeOther)
	return nil
}

func appImportPath(a *appRequest, id string) string { return a.layout("").Base() + "/import/" + id }

// appImportField is a field of the mapping form and the column chosen.
type appImportField struct {
	Name, Label, Column string
}

// appImportAttr is a column that may be imported as a free attribute.
type appImportAttr struct {
	Column  string
	Checked bool
}

type appImportWave struct {
	ID    int64
	Label string
}

type appImportMapPage struct {
	appLayout
	ID, Name, Format string
	Kind             importer.Kind
	Rows             int
	Columns          []string
	Fields           []appImportField
	// Attrs are the columns that may become attributes; nil for kinds
	// without attributes.
	Attrs []appImportAttr
	// Sample holds the first rows, to recognise the columns by.
	Sample           [][]string
	Source           string
	Surveys          []nps.Survey
	Waves            []appImportWave
	SurveyID, WaveID int64
	Error            string
}

func (s *Server) handleAppImportMapping(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	job, err := s.imports.get(r.PathValue("id"), a)
	if err != nil {
		return err
	}
	m, o := s.imports.plan(job)
	source := a.M.T("app.import.source.checked")
	if m == nil {
		m, source = importer.Suggest(job.kind, job.table.Header), a.M.T("app.import.source.suggested")
		if saved, err := s.db.ImportMapping(r.Context(), a.Workspace.ID, job.kind); err == nil && saved.Check(job.kind, job.table.Header) == nil {
			m, source = saved, a.M.T("app.import.source.remembered")
		} else if err != nil && !errors.Is(err, nps.ErrNotFound) {
			return err
		}
	}
	return s.renderImportMapping(w, r, http.StatusOK, a, job, m, o, source, "")
}

func (s *Server) renderImportMapping(w http.ResponseWriter, r *http.Request, status int, a *appRequest, job *importJob,
	m importer.Mapping, o store.ImportOptions, source, msg string) error {
	l := a.layout("")
	l.Title = a.M.T("app.import.title_kind", "kind", l.KindLabel(job.kind))
	p := appImportMapPage{appLayout: l, ID: job.id, Name: job.name, Format: job.table.Format,
		Kind: job.kind, Rows: len(job.table.Rows), Source: source, SurveyID: o.SurveyID, WaveID: o.WaveID, Error: msg}
	used := map[string]bool{}
	for _, f := range importer.Fields(job.kind) {
		label := p.TOr("app.import.field."+f.Name, f.Label)
		p.Fields = append(p.Fields, appImportField{Name: f.Name, Label: label, Column: m[f.Name]})
		used[m[f.Name]] = true
	}
	for _, col := range job.table.Header {
		if col == "" {
			continue
		}
		p.Columns = append(p.Columns, col)
		if job.kind.HasAttributes() && !used[col] {
			p.Attrs = append(p.Attrs, appImportAttr{Column: col, Checked: m[importer.AttributePrefix+col] == col})
		}
	}
	for _, row := range job.table.Rows[:min(3, len(job.table.Rows))] {
		p.Sample = append(p.Sample, row.Cells)
	}
	if job.kind == importer.Responses {
		var err error
		if p.Surveys, err = s.db.Surveys(r.Context(), a.Workspace.ID); err != nil {
			return err
		}
		waves, err := s.db.Waves(r.Context(), a.Workspace.ID, 0)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, sv := range p.Surveys {
			names[sv.ID] = sv.Name
		}
		for _, wv := range waves {
			p.Waves = append(p.Waves, appImportWave{ID: wv.ID, Label: names[wv.SurveyID] + ": " + wv.Name})
		}
	}
	return s.render(w, status, "app/import_map", p)
}

// parseImportMapping reads the mapping form: a column per field
// ("map.email"), the columns to import as attributes (accounts and
// contacts), and for responses the survey and wave.
func parseImportMapping(r *http.Request, job *importJob) (importer.Mapping, store.ImportOptions) {
	m := importer.Mapping{}
	for _, f := range importer.Fields(job.kind) {
		if col := r.PostForm.Get("map." + f.Name); col != "" {
			m[f.Name] = col
		}
	}
	if job.kind.HasAttributes() {
		for _, col := range r.PostForm["attr"] {
			m[importer.AttributePrefix+col] = col
		}
	}
	var o store.ImportOptions
	o.SurveyID, _ = strconv.ParseInt(r.PostForm.Get("survey"), 10, 64)
	o.WaveID, _ = strconv.ParseInt(r.PostForm.Get("wave"), 10, 64)
	return m, o
}

type appImportCheckPage struct {
	appLayout
	ID, Name string
	Kind     importer.Kind
	Report   store.ImportReport
	Counts   []appImportCount
}

// RejectedLines are the lines the dry run refused, for the
// "import_rejected" partial.
func (p appImportCheckPage) RejectedLines() importer.Errors { return p.Report.Rejected }

// appImportCount is a row of the dry run's table: the records of a kind.
type appImportCount struct {
	Kind   importer.Kind
	Counts store.ImportCounts
}

func importCounts(r store.ImportReport) []appImportCount {
	var rows []appImportCount
	for _, c := range []appImportCount{{importer.Accounts, r.Accounts}, {importer.Contacts, r.Contacts}, {importer.Responses, r.Responses},
		{importer.Revenue, r.Revenue}} {
		if c.Counts != (store.ImportCounts{}) || c.Kind == r.Kind {
			rows = append(rows, c)
		}
	}
	return rows
}

func (s *Server) handleAppImportCheck(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	job, err := s.imports.get(r.PathValue("id"), a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	m, o := parseImportMapping(r, job)
	report, err := s.importJob(r.Context(), a.Workspace.ID, job, m, store.ImportOptions{SurveyID: o.SurveyID, WaveID: o.WaveID, DryRun: true})
	var ve *nps.ValidationError
	var ie *importer.Error
	msg := ""
	switch {
	case errors.As(err, &ie):
		msg = ie.Error()
	case errors.As(err, &ve):
		msg = ve.Error()
	case errors.Is(err, nps.ErrNotFound):
		msg = a.M.T("app.import.no_survey_or_wave")
	case err != nil:
		return err
	}
	if msg != "" {
		return s.renderImportMapping(w, r, http.StatusUnprocessableEntity, a, job, m, o, a.M.T("app.import.source.chosen"), msg)
	}
	s.imports.checked(job, m, o)
	return s.render(w, http.StatusOK, "app/import_check", appImportCheckPage{appLayout: a.layout(a.M.T("app.import.check.title")),
		ID: job.id, Name: job.name, Kind: job.kind, Report: report, Counts: importCounts(report)})
}

// importJob parses the job's file with m and imports it with o.
func (s *Server) importJob(ctx context.Context, workspaceID int64, job *importJob, m importer.Mapping, o store.ImportOptions) (store.ImportReport, error) {
	if err := m.Check(job.kind, job.table.Header); err != nil {
		return store.ImportReport{}, err
	}
	rs, rejected := importer.Parse(job.kind, job.table, m)
	return s.db.Import(ctx, workspaceID, rs, rejected, o)
}

func (s *Server) handleAppImportApply(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	job, err := s.imports.get(r.PathValue("id"), a)
	if err != nil {
		return err
	}
	m, o := s.imports.plan(job)
	if m == nil {
		http.Redirect(w, r, appImportPath(a, job.id), http.StatusSeeOther)
		return nil
	}
	if s.imports.start(job) {
		o.DryRun = false
		o.Progress = func(done, total int) { s.imports.progress(job, done, total) }
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), appImportTimeout)
			defer cancel()
			report, err := s.importJob(ctx, job.workspaceID, job, m, o)
			if err != nil {
				s.log.Error("import failed", "workspace_id", job.workspaceID, "kind", job.kind, "err", err)
			} else if report.Applied {
				s.opts.Metrics.AnswersStored(metrics.ChannelImport, report.Responses.Create+report.Responses.Update)
			}
			s.imports.finish(job, report, err)
		}()
	}
	http.Redirect(w, r, appImportPath(a, job.id)+"/progress", http.StatusSeeOther)
	return nil
}

type appImportProgressPage struct {
	appLayout
	ID, Name string
	Kind     importer.Kind
	Status   importStatus
	Percent  int
	Counts   []appImportCount
	// Failed is the safe message of an apply that failed.
	Failed string
}

// RejectedLines are the lines the apply refused, for the
// "import_rejected" partial.
func (p appImportProgressPage) RejectedLines() importer.Errors { return p.Status.Report.Rejected }

func (s *Server) handleAppImportProgress(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	job, err := s.imports.get(r.PathValue("id"), a)
	if err != nil {
		return err
	}
	st := s.imports.status(job)
	p := appImportProgressPage{appLayout: a.layout(a.M.T("app.import.progress.title", "name", job.name)), ID: job.id, Name: job.name, Kind: job.kind,
		Status: st, Counts: importCounts(st.Report)}
	if st.Total > 0 {
		p.Percent = st.Done * 100 / st.Total
	}
	if st.Err != nil {
		status, msg := errorStatus(st.Err)
		if status >= http.StatusInternalServerError || status == http.StatusNotFound {
			msg = a.M.T("app.import.try_again")
		}
		p.Failed = msg
	}
	if !st.Finished {
		// Reloads the page until the import is done, without JavaScript.
		w.Header().Set("Refresh", "1")
	}
	return s.render(w, http.StatusOK, "app/import_progress", p)
}
