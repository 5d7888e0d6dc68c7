package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// UpdateSurvey replaces the name, default language, anonymity, questions
// and texts of one of the workspace's surveys with s's and returns it as
// stored. Its ID, workspace and creation time stay; UpdatedAt moves to
// now.
//
// A survey that has responses cannot switch between named and anonymous:
// becoming anonymous would leave identities on the responses it promised
// not to store, and becoming named would mix responses without identity
// into results that are read per account. Such a change is a
// *nps.ValidationError; a new survey is the way to ask differently.
func (db *DB) UpdateSurvey(ctx context.Context, workspaceID, id int64, s nps.Survey) (nps.Survey, error) {
	if err := s.Validate(); err != nil {
		return nps.Survey{}, fmt.Errorf("store: update survey: %w", err)
	}
	content, err := jsonArg(surveyContent{Questions: s.Questions, Texts: s.Texts})
	if err != nil {
		return nps.Survey{}, fmt.Errorf("store: update survey: %w", err)
	}
	now := db.now()
	err = db.write(ctx, func(tx *sql.Tx) error {
		prev, err := scanSurvey(tx.QueryRowContext(ctx,
			`SELECT `+surveyColumns+` FROM surveys WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(),
			workspaceID, id))
		if err != nil {
			return notFound(err, "survey", id)
		}
		if prev.Anonymous != s.Anonymous {
			answered, err := surveyAnswered(ctx, tx, workspaceID, id)
			if err != nil {
				return err
			}
			if answered {
				return &nps.ValidationError{Field: "anonymous", Message: "cannot change once the survey has responses: " +
					"named responses would keep identities an anonymous survey promises not to store, and anonymous " +
					"ones cannot be told apart by account; create a new survey instead"}
			}
		}
		s.ID, s.WorkspaceID, s.CreatedAt, s.UpdatedAt = id, workspaceID, prev.CreatedAt, now
		_, err = tx.ExecContext(ctx, `
			UPDATE surveys SET name = $3, default_language = $4, anonymous = $5, content = $6, updated_at = $7
			WHERE workspace_id = $1 AND id = $2`,
			workspaceID, id, s.Name, s.DefaultLanguage, s.Anonymous, content, now)
		return err
	})
	if err != nil {
		return nps.Survey{}, fmt.Errorf("store: update survey: %w", err)
	}
	return s, nil
}

// surveyAnswered reports whether any wave of the survey has a response,
// reading the waves' index and then responses by wave.
func surveyAnswered(ctx context.Context, q querier, workspaceID, surveyID int64) (bool, error) {
	var answered bool
	err := q.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM responses WHERE workspace_id = $1
			AND wave_id IN (SELECT id FROM waves WHERE workspace_id = $1 AND survey_id = $2))`,
		workspaceID, surveyID).Scan(&answered)
	return answered, err
}

// UpdateWave replaces the name, opening and closing times and population
// of one of the workspace's waves with w's and returns it as stored; the
// survey, ID and creation time stay. A population smaller than the wave's
// responses is refused, because no interval can be computed with it.
func (db *DB) UpdateWave(ctx context.Context, workspaceID, id int64, w nps.Wave) (nps.Wave, error) {
	var out nps.Wave
	err := db.changeWave(ctx, workspaceID, id, func(prev nps.Wave, _ time.Time) (nps.Wave, error) {
		prev.Name, prev.OpensAt, prev.ClosesAt, prev.Population = w.Name, normTime(w.OpensAt), normTime(w.ClosesAt), w.Population
		return prev, nil
	}, &out)
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: update wave: %w", err)
	}
	return out, nil
}

// CloseWave ends one of the workspace's waves now, so that it takes no
// more answers, and returns it. A wave closed already keeps its closing
// time; one that has not opened yet cannot be closed (change its opening
// time instead).
func (db *DB) CloseWave(ctx context.Context, workspaceID, id int64) (nps.Wave, error) {
	var out nps.Wave
	err := db.changeWave(ctx, workspaceID, id, func(w nps.Wave, now time.Time) (nps.Wave, error) {
		switch {
		case !w.ClosesAt.IsZero() && !w.ClosesAt.After(now):
		case w.OpensAt.After(now):
			return w, &nps.ValidationError{Field: "closes_at", Message: "the wave has not opened yet, so it cannot be closed; change its opening time instead"}
		default:
			w.ClosesAt = now
		}
		return w, nil
	}, &out)
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: close wave: %w", err)
	}
	return out, nil
}

// OpenWave makes one of the workspace's waves take answers from now on,
// without an end: it clears the closing time and brings a future opening
// time forward to now. It returns the wave.
func (db *DB) OpenWave(ctx context.Context, workspaceID, id int64) (nps.Wave, error) {
	var out nps.Wave
	err := db.changeWave(ctx, workspaceID, id, func(w nps.Wave, now time.Time) (nps.Wave, error) {
		w.ClosesAt = time.Time{}
		if w.OpensAt.After(now) {
			w.OpensAt = now
		}
		return w, nil
	}, &out)
	if err != nil {
		return nps.Wave{}, fmt.Errorf("store: open wave: %w", err)
	}
	return out, nil
}

// changeWave reads the wave, locked, lets change compute its new state,
// checks it and writes it, setting *out.
func (db *DB) changeWave(ctx context.Context, workspaceID, id int64, change func(nps.Wave, time.Time) (nps.Wave, error), out *nps.Wave) error {
	now := db.now()
	return db.write(ctx, func(tx *sql.Tx) error {
		prev, err := scanWave(tx.QueryRowContext(ctx,
			`SELECT `+waveColumns+` FROM waves WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(),
			workspaceID, id))
		if err != nil {
			return notFound(err, "wave", id)
		}
		w, err := change(prev, now)
		if err != nil {
			return err
		}
		if err := w.Validate(); err != nil {
			return err
		}
		if w.Population != 0 && w.Population != prev.Population {
			var n int64
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM responses WHERE workspace_id = $1 AND wave_id = $2`,
				workspaceID, id).Scan(&n)
			if err != nil {
				return err
			}
			if w.Population < n {
				return &nps.ValidationError{Field: "population", Message: fmt.Sprintf("must be at least the wave's %d responses, got %d", n, w.Population)}
			}
		}
		if w != prev {
			_, err = tx.ExecContext(ctx, `
				UPDATE waves SET name = $3, opens_at = $4, closes_at = $5, population = $6
				WHERE workspace_id = $1 AND id = $2`,
				workspaceID, id, w.Name, w.OpensAt, nullTime(w.ClosesAt), nullID(w.Population))
			if err != nil {
				return err
			}
		}
		*out = w
		return nil
	})
}
