package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// apiSurvey is a survey in the API.
type apiSurvey struct {
	ID              int64                     `json:"id"`
	Name            string                    `json:"name"`
	DefaultLanguage string                    `json:"default_language"`
	Anonymous       bool                      `json:"anonymous"`
	Questions       nps.Questions             `json:"questions"`
	Texts           map[string]nps.SurveyText `json:"texts"`
	CreatedAt       time.Time                 `json:"created_at"`
	UpdatedAt       time.Time                 `json:"updated_at"`
}

func toAPISurvey(s nps.Survey) apiSurvey {
	return apiSurvey{ID: s.ID, Name: s.Name, DefaultLanguage: s.DefaultLanguage, Anonymous: s.Anonymous,
		Questions: s.Questions, Texts: s.Texts, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

// surveyInput is the body that creates a survey or replaces one's content.
type surveyInput struct {
	Name            string                    `json:"name"`
	DefaultLanguage string                    `json:"default_language"`
	Anonymous       bool                      `json:"anonymous"`
	Questions       nps.Questions             `json:"questions"`
	Texts           map[string]nps.SurveyText `json:"texts"`
}

func (in surveyInput) survey() nps.Survey {
	return nps.Survey{Name: in.Name, DefaultLanguage: in.DefaultLanguage, Anonymous: in.Anonymous,
		Questions: in.Questions, Texts: in.Texts}
}

// notFoundAs turns a store's nps.ErrNotFound about the request's path into
// a 404 that names what was asked for; other errors pass.
func notFoundAs(err error, what string, id int64) error {
	if errors.Is(err, nps.ErrNotFound) {
		return &httpError{status: http.StatusNotFound, message: fmt.Sprintf("%s %d does not exist", what, id), cause: err}
	}
	return err
}

func (s *Server) handleAPISurveyList(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	surveys, err := s.db.Surveys(r.Context(), token.WorkspaceID)
	if err != nil {
		return err
	}
	out := struct {
		Surveys []apiSurvey `json:"surveys"`
	}{Surveys: make([]apiSurvey, 0, len(surveys))}
	for _, sv := range surveys {
		out.Surveys = append(out.Surveys, toAPISurvey(sv))
	}
	return writeJSON(w, "application/json", http.StatusOK, out)
}

func (s *Server) handleAPISurveyCreate(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	var in surveyInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := s.db.CreateSurvey(r.Context(), token.WorkspaceID, in.survey())
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/surveys/%d", sv.ID))
	return writeJSON(w, "application/json", http.StatusCreated, toAPISurvey(sv))
}

func (s *Server) handleAPISurveyGet(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sv, err := s.db.Survey(r.Context(), token.WorkspaceID, id)
	if err != nil {
		return notFoundAs(err, "survey", id)
	}
	return writeJSON(w, "application/json", http.StatusOK, toAPISurvey(sv))
}

func (s *Server) handleAPISurveyUpdate(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The survey is looked up first, so that another workspace's ID is
	// 404 whatever the body.
	if _, err := s.db.Survey(r.Context(), token.WorkspaceID, id); err != nil {
		return notFoundAs(err, "survey", id)
	}
	var in surveyInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	sv, err := s.db.UpdateSurvey(r.Context(), token.WorkspaceID, id, in.survey())
	if err != nil {
		return notFoundAs(err, "survey", id)
	}
	return writeJSON(w, "application/json", http.StatusOK, toAPISurvey(sv))
}

// readJSON reads a document body strictly into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r, maxDocumentBody)
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

// apiWave is a wave in the API. ClosesAt and Population are null when not
// set; Open says whether it takes answers now.
type apiWave struct {
	ID         int64      `json:"id"`
	SurveyID   int64      `json:"survey_id"`
	Name       string     `json:"name"`
	OpensAt    time.Time  `json:"opens_at"`
	ClosesAt   *time.Time `json:"closes_at"`
	Population *int64     `json:"population"`
	Open       bool       `json:"open"`
	CreatedAt  time.Time  `json:"created_at"`
}

func (s *Server) toAPIWave(w nps.Wave) apiWave {
	out := apiWave{ID: w.ID, SurveyID: w.SurveyID, Name: w.Name, OpensAt: w.OpensAt, Open: w.OpenAt(s.db.Now()), CreatedAt: w.CreatedAt}
	if !w.ClosesAt.IsZero() {
		out.ClosesAt = &w.ClosesAt
	}
	if w.Population != 0 {
		out.Population = &w.Population
	}
	return out
}

func (s *Server) handleAPIWaveList(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.Survey(r.Context(), token.WorkspaceID, id); err != nil {
		return notFoundAs(err, "survey", id)
	}
	waves, err := s.db.Waves(r.Context(), token.WorkspaceID, id)
	if err != nil {
		return err
	}
	out := struct {
		Waves []apiWave `json:"waves"`
	}{Waves: make([]apiWave, 0, len(waves))}
	for _, wv := range waves {
		out.Waves = append(out.Waves, s.toAPIWave(wv))
	}
	return writeJSON(w, "application/json", http.StatusOK, out)
}

// waveInput is the body that creates a wave; a time left out is now (the
// opening) or never (the closing).
type waveInput struct {
	Name       string   `json:"name"`
	OpensAt    *apiTime `json:"opens_at"`
	ClosesAt   *apiTime `json:"closes_at"`
	Population int64    `json:"population"`
}

func (s *Server) handleAPIWaveCreate(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.db.Survey(r.Context(), token.WorkspaceID, id); err != nil {
		return notFoundAs(err, "survey", id)
	}
	var in waveInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	wv := nps.Wave{SurveyID: id, Name: in.Name, OpensAt: s.db.Now(), Population: in.Population}
	if in.OpensAt != nil {
		wv.OpensAt = in.OpensAt.Time
	}
	if in.ClosesAt != nil {
		wv.ClosesAt = in.ClosesAt.Time
	}
	wv, err = s.db.CreateWave(r.Context(), token.WorkspaceID, wv)
	if err != nil {
		return notFoundAs(err, "survey", id)
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/waves/%d", wv.ID))
	return writeJSON(w, "application/json", http.StatusCreated, s.toAPIWave(wv))
}

func (s *Server) handleAPIWaveGet(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	wv, err := s.db.Wave(r.Context(), token.WorkspaceID, id)
	if err != nil {
		return notFoundAs(err, "wave", id)
	}
	return writeJSON(w, "application/json", http.StatusOK, s.toAPIWave(wv))
}

// wavePatch is a JSON merge patch (RFC 7396) of a wave: the fields present
// change, null clears closes_at or population, and state "open" or
// "closed" opens or closes the wave now, as the buttons of the signed-in
// area do.
type wavePatch struct {
	Name       *string           `json:"name"`
	OpensAt    *apiTime          `json:"opens_at"`
	ClosesAt   nullable[apiTime] `json:"closes_at"`
	Population nullable[int64]   `json:"population"`
	State      *string           `json:"state"`
}

// apiTime is a time in a request body, written as in RFC 3339.
type apiTime struct{ time.Time }

// UnmarshalJSON parses an RFC 3339 string; anything else is an
// *json.UnmarshalTypeError, so that the decoder names the field.
func (t *apiTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if t.Time, err = time.Parse(time.RFC3339Nano, s); err == nil {
			return nil
		}
	}
	return &json.UnmarshalTypeError{Value: truncate(string(b), 40), Type: reflect.TypeFor[apiTime]()}
}

// nullable is a merge-patch field: absent, null, or a value.
type nullable[T any] struct {
	set   bool
	value T
}

func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.set = true
	if string(b) == "null" {
		var zero T
		n.value = zero
		return nil
	}
	return json.Unmarshal(b, &n.value)
}

func (s *Server) handleAPIWavePatch(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	wv, err := s.db.Wave(ctx, token.WorkspaceID, id)
	if err != nil {
		return notFoundAs(err, "wave", id)
	}
	var p wavePatch
	if err := readJSON(w, r, &p); err != nil {
		return err
	}
	if p.State != nil && !slices.Contains([]string{"open", "closed"}, *p.State) {
		return &nps.ValidationError{Field: "state", Message: fmt.Sprintf("%q is not a state; use open or closed", *p.State)}
	}
	if p.State != nil && (p.OpensAt != nil || p.ClosesAt.set) {
		return &nps.ValidationError{Field: "state", Message: "set either state or opens_at and closes_at, not both"}
	}
	if p.State != nil && *p.State == "closed" && wv.OpensAt.After(s.db.Now()) {
		// Refused before the other fields are written, so that the
		// patch changes all or nothing.
		return &nps.ValidationError{Field: "state", Message: "the wave has not opened yet, so it cannot be closed; change its opening time instead"}
	}
	if p.Name != nil || p.OpensAt != nil || p.ClosesAt.set || p.Population.set {
		if p.Name != nil {
			wv.Name = *p.Name
		}
		if p.OpensAt != nil {
			wv.OpensAt = p.OpensAt.Time
		}
		if p.ClosesAt.set {
			wv.ClosesAt = p.ClosesAt.value.Time
		}
		if p.Population.set {
			wv.Population = p.Population.value
		}
		if wv, err = s.db.UpdateWave(ctx, token.WorkspaceID, id, wv); err != nil {
			return notFoundAs(err, "wave", id)
		}
	}
	switch {
	case p.State == nil:
	case *p.State == "open":
		wv, err = s.db.OpenWave(ctx, token.WorkspaceID, id)
	default:
		wv, err = s.db.CloseWave(ctx, token.WorkspaceID, id)
	}
	if err != nil {
		return notFoundAs(err, "wave", id)
	}
	return writeJSON(w, "application/json", http.StatusOK, s.toAPIWave(wv))
}
