package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/promotor/promotor/internal/nps"
)

// surveyContent is the JSON of the surveys.content column: what a survey
// asks, in every language.
type surveyContent struct {
	Questions nps.Questions             `json:"questions"`
	Texts     map[string]nps.SurveyText `json:"texts"`
}

const surveyColumns = `id, workspace_id, name, default_language, anonymous, content, created_at, updated_at`

func scanSurvey(row rowScanner) (nps.Survey, error) {
	var s nps.Survey
	var content surveyContent
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Name, &s.DefaultLanguage, &s.Anonymous,
		jsonCol{&content}, timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt})
	s.Questions, s.Texts = content.Questions, content.Texts
	return s, err
}

// CreateSurvey stores a new survey in the workspace and returns it with
// its ID.
func (db *DB) CreateSurvey(ctx context.Context, workspaceID int64, s nps.Survey) (nps.Survey, error) {
	s.WorkspaceID = workspaceID
	s.CreatedAt = db.now()
	s.UpdatedAt = s.CreatedAt
	if err := s.Validate(); err != nil {
		return nps.Survey{}, fmt.Errorf("store: create survey: %w", err)
	}
	content, err := jsonArg(surveyContent{Questions: s.Questions, Texts: s.Texts})
	if err != nil {
		return nps.Survey{}, fmt.Errorf("store: create survey: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if _, err := workspace(ctx, tx, workspaceID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO surveys (workspace_id, name, default_language, anonymous, content, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			s.WorkspaceID, s.Name, s.DefaultLanguage, s.Anonymous, content, s.CreatedAt).Scan(&s.ID)
	})
	if err != nil {
		return nps.Survey{}, fmt.Errorf("store: create survey: %w", err)
	}
	return s, nil
}

// Survey returns the workspace's survey with the given ID.
func (db *DB) Survey(ctx context.Context, workspaceID, id int64) (nps.Survey, error) {
	s, err := survey(ctx, db.read, workspaceID, id)
	if err != nil {
		return nps.Survey{}, fmt.Errorf("store: %w", err)
	}
	return s, nil
}

func survey(ctx context.Context, q querier, workspaceID, id int64) (nps.Survey, error) {
	s, err := scanSurvey(q.QueryRowContext(ctx,
		`SELECT `+surveyColumns+` FROM surveys WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return s, notFound(err, "survey", id)
}

// Surveys returns the workspace's surveys, oldest first.
func (db *DB) Surveys(ctx context.Context, workspaceID int64) ([]nps.Survey, error) {
	rows, err := db.read.QueryContext(ctx,
		`SELECT `+surveyColumns+` FROM surveys WHERE workspace_id = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: surveys: %w", err)
	}
	surveys, err := collect(rows, scanSurvey)
	if err != nil {
		return nil, fmt.Errorf("store: surveys: %w", err)
	}
	return surveys, nil
}

const waveColumns = `id, workspace_id, survey_id, name, opens_at, closes_at, population, created_at`

func scanWave(row rowScanner) (nps.Wave, error) {
	var w nps.Wave
	err := row.Scan(&w.ID, &w.WorkspaceID, &w.SurveyID, &w.Name, timeCol{&w.OpensAt},
		timeCol{&w.ClosesAt}, idCol{&w.Population}, timeCol{&w.CreatedAt})
	return w, err
}

// CreateWave stores a new wave of one of the workspace's surveys and
// returns it with its ID; a survey not in the workspace is
// nps.ErrNotFound.
func (db *DB) CreateWave(ctx context.Context, workspaceID int64, w nps.Wave) (nps.Wave, error) {
	w.WorkspaceID = workspaceID
	w.OpensAt, w.ClosesAt = normTime(w.OpensAt), normTime(w.ClosesAt)
	w.CreatedAt = db.now()
	if err := w.Validate(); err != nil {
		return nps.Wave{}, fmt.Errorf("store: create wave: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := survey(ctx, tx, workspaceID, w.SurveyID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO waves (workspace_id, survey_id, name, opens_at, closes_at, population, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			w.WorkspaceID, w.SurveyID, w.Name, w.OpensAt, nullTime(w.ClosesAt), nullID(w.Population), w.CreatedAt,
		).Scan(&w.ID)
	})
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: create wave: %w", err)
	}
	return w, nil
}

// Wave returns the workspace's wave with the given ID.
func (db *DB) Wave(ctx context.Context, workspaceID, id int64) (nps.Wave, error) {
	w, err := wave(ctx, db.read, workspaceID, id)
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: %w", err)
	}
	return w, nil
}

func wave(ctx context.Context, q querier, workspaceID, id int64) (nps.Wave, error) {
	w, err := scanWave(q.QueryRowContext(ctx,
		`SELECT `+waveColumns+` FROM waves WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return w, notFound(err, "wave", id)
}

// Waves returns the waves of one of the workspace's surveys, or of all of
// them when surveyID is 0, in the order they open.
func (db *DB) Waves(ctx context.Context, workspaceID, surveyID int64) ([]nps.Wave, error) {
	var w where
	w.and("workspace_id = " + w.arg(workspaceID))
	if surveyID != 0 {
		w.and("survey_id = " + w.arg(surveyID))
	}
	rows, err := db.read.QueryContext(ctx,
		`SELECT `+waveColumns+` FROM waves`+w.String()+` ORDER BY opens_at, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: waves: %w", err)
	}
	waves, err := collect(rows, scanWave)
	if err != nil {
		return nil, fmt.Errorf("store: waves: %w", err)
	}
	return waves, nil
}
