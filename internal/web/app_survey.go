package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// appSurveysPage is the data of the list of a workspace's surveys.
type appSurveysPage struct {
	appLayout
	Surveys []nps.Survey
}

func (s *Server) handleAppSurveyList(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	surveys, err := s.db.Surveys(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/surveys", appSurveysPage{appLayout: a.layout(a.M.T("app.surveys.title")), Surveys: surveys})
}

// appSurveyFormPage is the data of the form that creates or edits a survey.
type appSurveyFormPage struct {
	appLayout
	appFormErrors
	// SurveyID is 0 for a new survey.
	SurveyID int64
	Form     appSurveyForm
	// Languages are the codes of the languages the form edits.
	Languages []string
}

// appTextInput is one text input of the survey form, for the
// "textfield" partial.
type appTextInput struct {
	Name, Label, Value, Error string
}

// Input returns the input of language t's field name ("question",
// "follow_up.promoter") with its label, value and error.
func (p appSurveyFormPage) Input(t appSurveyText, name, label, value string) appTextInput {
	field := t.Field(name)
	return appTextInput{Name: field, Label: label, Value: value, Error: p.ErrorFor(field)}
}

// Action is the URL the form posts to.
func (p appSurveyFormPage) Action() string {
	if p.SurveyID == 0 {
		return p.Base() + "/surveys"
	}
	return p.Base() + "/surveys/" + strconv.FormatInt(p.SurveyID, 10)
}

func newAppSurveyFormPage(a *appRequest, id int64, f appSurveyForm, invalid *nps.ValidationError) appSurveyFormPage {
	title := a.M.T("app.surveyform.title_new")
	if id != 0 {
		title = a.M.T("app.surveyform.title_edit", "name", f.Name)
	}
	return appSurveyFormPage{appLayout: a.layout(title), appFormErrors: appFormErrors{invalid}, SurveyID: id, Form: f, Languages: appLanguages}
}

func (s *Server) handleAppSurveyNew(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.render(w, http.StatusOK, "app/survey_form", newAppSurveyFormPage(a, 0, appSurveyFormOf(appDefaultSurvey()), nil))
}

func (s *Server) handleAppSurveyCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := parseAppSurveyForm(r.PostForm)
	created, err := s.db.CreateSurvey(r.Context(), a.Workspace.ID, f.apply(nps.Survey{}))
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		return s.render(w, http.StatusUnprocessableEntity, "app/survey_form", newAppSurveyFormPage(a, 0, f, ve))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, appSurveyPath(a, created.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleAppSurveyEdit(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sv, err := s.appSurvey(r, a)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/survey_form", newAppSurveyFormPage(a, sv.ID, appSurveyFormOf(sv), nil))
}

func (s *Server) handleAppSurveyUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sv, err := s.appSurvey(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := parseAppSurveyForm(r.PostForm)
	_, err = s.db.UpdateSurvey(r.Context(), a.Workspace.ID, sv.ID, f.apply(sv))
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) {
		return s.render(w, http.StatusUnprocessableEntity, "app/survey_form", newAppSurveyFormPage(a, sv.ID, f, ve))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, appSurveyPath(a, sv.ID), http.StatusSeeOther)
	return nil
}

// appSurveyPage is the data of a survey's page: its texts, its waves and its
// public link.
type appSurveyPage struct {
	appLayout
	Survey nps.Survey
	Texts  []appSurveyText
	Waves  []appWaveRow
	// Link is the absolute URL of the survey's anonymous public link, and
	// QR the path of its QR code image.
	Link, QR string
}

// appWaveRow is a wave as the survey page lists it.
type appWaveRow struct {
	nps.Wave
	// Status is "scheduled", "open" or "closed" at the time of the page.
	Status string
}

func (s *Server) handleAppSurvey(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sv, err := s.appSurvey(r, a)
	if err != nil {
		return err
	}
	waves, err := s.db.Waves(r.Context(), a.Workspace.ID, sv.ID)
	if err != nil {
		return err
	}
	token, err := s.db.SurveyLink(r.Context(), a.Workspace.ID, sv.ID)
	if err != nil {
		return err
	}
	p := appSurveyPage{
		appLayout: a.layout(sv.Name),
		Survey:    sv,
		Texts:     appSurveyFormOf(sv).Texts,
		Link:      s.absoluteURL(r, "/p/"+token),
		QR:        "/p/" + token + "/qr.svg",
	}
	now := s.db.Now()
	for _, wv := range waves {
		p.Waves = append(p.Waves, appWaveRow{Wave: wv, Status: appWaveStatus(wv, now)})
	}
	return s.render(w, http.StatusOK, "app/survey", p)
}

// appWaveStatus says where a wave stands at now.
func appWaveStatus(w nps.Wave, now time.Time) string {
	switch {
	case now.Before(w.OpensAt):
		return "scheduled"
	case w.OpenAt(now):
		return "open"
	}
	return "closed"
}

// appSurvey returns the survey of the URL's {survey}, in the workspace.
func (s *Server) appSurvey(r *http.Request, a *appRequest) (nps.Survey, error) {
	id, err := appPathID(r, "survey")
	if err != nil {
		return nps.Survey{}, err
	}
	return s.db.Survey(r.Context(), a.Workspace.ID, id)
}

func appSurveyPath(a *appRequest, id int64) string {
	return "/w/" + a.Workspace.Slug + "/surveys/" + strconv.FormatInt(id, 10)
}
