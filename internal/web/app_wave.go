package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// appFormErrors carries a refused form's error to its page, which shows it
// next to the input it names.
type appFormErrors struct {
	// Invalid is the refused input's error; nil when there is none.
	Invalid *nps.ValidationError
}

// ErrorFor returns the error message of the input named field, or "".
func (e appFormErrors) ErrorFor(field string) string {
	if e.Invalid == nil || e.Invalid.Field != field {
		return ""
	}
	return e.Invalid.Message
}

// appWaveForm is the new-wave form's input as typed. Times are in the
// format of an <input type="datetime-local">, read as UTC.
type appWaveForm struct {
	Name, OpensAt, ClosesAt, Population string
}

// appLocalTime is the format of <input type="datetime-local">.
const appLocalTime = "2006-01-02T15:04"

// wave returns the wave the form describes, or a *nps.ValidationError,
// in the language of m, for input that is not a time or a number.
func (f appWaveForm) wave(m i18n.Messages, surveyID int64) (nps.Wave, error) {
	w := nps.Wave{SurveyID: surveyID, Name: f.Name}
	var err error
	if w.OpensAt, err = appParseTime(m, "opens_at", f.OpensAt); err != nil {
		return w, err
	}
	if w.ClosesAt, err = appParseTime(m, "closes_at", f.ClosesAt); err != nil {
		return w, err
	}
	if f.Population != "" {
		n, err := strconv.ParseInt(f.Population, 10, 64)
		if err != nil || n < 1 {
			return w, &nps.ValidationError{Field: "population", Message: m.T("app.waveform.bad_population")}
		}
		w.Population = n
	}
	return w, nil
}

// appParseTime reads the time of an <input type="datetime-local"> named
// field; its error is in the language of m.
func appParseTime(m i18n.Messages, field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(appLocalTime, s)
	if err != nil {
		return time.Time{}, &nps.ValidationError{Field: field, Message: m.T("app.waveform.bad_time", "example", "2026-05-01T09:00")}
	}
	return t, nil
}

// appWaveFormPage is the data of the form that creates a wave.
type appWaveFormPage struct {
	appLayout
	appFormErrors
	Survey nps.Survey
	Form   appWaveForm
}

func (s *Server) handleAppWaveNew(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sv, err := s.appSurvey(r, a)
	if err != nil {
		return err
	}
	f := appWaveForm{Name: s.db.Now().Format("2006"), OpensAt: s.db.Now().UTC().Format(appLocalTime)}
	return s.render(w, http.StatusOK, "app/wave_form", appWaveFormPage{appLayout: a.layout(a.M.T("app.waveform.title", "survey", sv.Name)), Survey: sv, Form: f})
}

func (s *Server) handleAppWaveCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sv, err := s.appSurvey(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	get := func(name string) string { return strings.TrimSpace(r.PostForm.Get(name)) }
	f := appWaveForm{Name: get("name"), OpensAt: get("opens_at"), ClosesAt: get("closes_at"), Population: get("population")}
	wv, err := f.wave(a.M, sv.ID)
	if err == nil {
		_, err = s.db.CreateWave(r.Context(), a.Workspace.ID, wv)
	}
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		return s.render(w, http.StatusUnprocessableEntity, "app/wave_form", appWaveFormPage{
			appLayout: a.layout(a.M.T("app.waveform.title", "survey", sv.Name)), appFormErrors: appFormErrors{ve}, Survey: sv, Form: f})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, appSurveyPath(a, sv.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleAppWaveOpen(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.changeAppWave(w, r, a, s.db.OpenWave)
}

func (s *Server) handleAppWaveClose(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.changeAppWave(w, r, a, s.db.CloseWave)
}

// changeAppWave opens or closes the URL's wave and shows its survey again.
func (s *Server) changeAppWave(w http.ResponseWriter, r *http.Request, a *appRequest, change func(ctx context.Context, workspaceID, id int64) (nps.Wave, error)) error {
	id, err := appPathID(r, "wave")
	if err != nil {
		return err
	}
	wv, err := change(r.Context(), a.Workspace.ID, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, appSurveyPath(a, wv.SurveyID), http.StatusSeeOther)
	return nil
}

// appResponsesPage is the data of a wave's latest responses.
type appResponsesPage struct {
	appLayout
	Survey nps.Survey
	Wave   appWaveRow
	// OwnOnly says that the list holds only the responses of the
	// reader's own accounts (a member's view).
	OwnOnly   bool
	Responses []store.ListedResponse
	// Older is the URL of the next page, empty on the last.
	Older string
}

func (s *Server) handleAppWave(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	wv, sv, err := s.appWaveOf(r, a)
	if err != nil {
		return err
	}
	f := store.ResponseFilter{WaveID: wv.ID}
	if f.After, err = appParseCursor(r.URL.Query().Get("after")); err != nil {
		return err
	}
	if a.Role == nps.RoleMember {
		f.OwnerID = a.User.ID
	}
	page, err := s.db.LatestResponses(r.Context(), a.Workspace.ID, f)
	if err != nil {
		return err
	}
	p := appResponsesPage{
		appLayout: a.layout(sv.Name + " — " + wv.Name),
		Survey:    sv,
		Wave:      appWaveRow{Wave: wv, Status: appWaveStatus(wv, s.db.Now())},
		OwnOnly:   f.OwnerID != 0,
		Responses: page.Responses,
	}
	if !page.Next.IsZero() {
		p.Older = p.Base() + "/waves/" + strconv.FormatInt(wv.ID, 10) + "?after=" + url.QueryEscape(appFormatCursor(page.Next))
	}
	return s.render(w, http.StatusOK, "app/wave", p)
}

// appFormatCursor writes a page cursor for a URL: the time in Unix
// microseconds (the precision both databases keep) and the ID.
func appFormatCursor(c store.ResponseCursor) string {
	return strconv.FormatInt(c.CreatedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// appParseCursor reads a cursor written by appFormatCursor; "" is the
// first page.
func appParseCursor(s string) (store.ResponseCursor, error) {
	if s == "" {
		return store.ResponseCursor{}, nil
	}
	bad := appHTTPError(http.StatusBadRequest, nil, "app.error.bad_page_link")
	at, id, ok := strings.Cut(s, "-")
	micros, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return store.ResponseCursor{}, bad
	}
	return store.ResponseCursor{CreatedAt: time.UnixMicro(micros).UTC(), ID: n}, nil
}
