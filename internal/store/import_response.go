package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
)

// Historical responses are recorded as any answer is (ingest.go), with the
// channel "import" and the date they were given, so that the score rollup
// counts them in the same transaction. Re-importing a file changes
// nothing: a contact answers a wave once, and an answer already stored
// with the same score, comment and date is left as it is, while another
// answer of that contact in that wave refuses the line, since an import
// never replaces an answer. Answers without a contact match stored
// imported ones by wave, account, date, score and comment, each stored
// answer matching one line.

type plannedResponse struct {
	line    int
	r       nps.Response
	contact *nps.Contact
	account *nps.Account
	wave    *nps.Wave
}

// answerKey identifies an answer without a contact in a wave.
type answerKey struct {
	wave, account int64
	at            time.Time
	score         int
	comment       string
}

// priorAnswer is an answer of a contact, as far as the import compares.
type priorAnswer struct {
	score   int
	comment string
	at      time.Time
}

func (p *importPlan) planResponses(ctx context.Context, o ImportOptions) error {
	s, chosen, err := p.importSurvey(ctx, o)
	if err != nil {
		return err
	}
	waves, err := p.loadWaves(ctx, s.ID)
	if err != nil {
		return err
	}
	emails, accounts := map[string]bool{}, newAccountKeys()
	for _, r := range p.rs.Responses {
		emails[r.Email] = true
		accounts.add(r.AccountExternalID, r.AccountName)
	}
	if err := p.loadAccountRefs(ctx, accounts); err != nil {
		return err
	}
	contacts, _, err := p.loadContactKeys(ctx, emails, nil)
	if err != nil {
		return err
	}
	answered, anonymous, err := p.storedAnswers(ctx, s.ID, contacts)
	if err != nil {
		return err
	}
	accountOf := map[*nps.Contact]*nps.Account{}
	seen := map[string]int{}
	for _, rec := range p.rs.Responses {
		at := normTime(rec.Date)
		if at.After(p.now) {
			p.reject(rec.Line, "date", "%s is in the future", at.Format(time.RFC3339))
			continue
		}
		if rec.Language != "" {
			if err := s.ValidateResponse(nps.Response{Language: rec.Language}); err != nil {
				p.reject(rec.Line, "language", "the survey has no texts in %q", rec.Language)
				continue
			}
		}
		w := chosen
		if w == nil {
			w = p.waveNamed(waves, s.ID, rec)
		}
		a, ok := p.refs.resolve(rec.Line, rec.AccountExternalID, rec.AccountName)
		if !ok {
			continue
		}
		r := nps.Response{Score: rec.Score, Comment: rec.Comment, Language: rec.Language, Channel: nps.ChannelImport, CreatedAt: at}
		pr := plannedResponse{line: rec.Line, r: r, account: a, wave: w}
		if rec.Email != "" {
			c := contacts[rec.Email]
			if c == nil {
				c = &nps.Contact{WorkspaceID: p.workspaceID, Email: rec.Email, Language: rec.Language, CreatedAt: p.now, UpdatedAt: p.now}
				contacts[rec.Email], accountOf[c] = c, a
				p.newContacts = append(p.newContacts, plannedContact{c: c, account: a})
			}
			if known, isNew := accountOf[c]; a != nil && ((isNew && known != a) || (!isNew && c.AccountID != 0 && a.ID != c.AccountID)) {
				p.reject(rec.Line, "email", "%s is a contact of another account than the row names", rec.Email)
				continue
			}
			key := w.Name + "\x00" + strconv.FormatInt(w.ID, 10) + "\x00" + rec.Email
			if first, dup := seen[key]; dup {
				p.reject(rec.Line, "email", "%s answered wave %q on line %d already: a contact answers a wave once", rec.Email, w.Name, first)
				continue
			}
			seen[key] = rec.Line
			pr.contact = c
			if prev, ok := answered[[2]int64{w.ID, c.ID}]; ok && c.ID != 0 && w.ID != 0 {
				if prev.score == r.Score && prev.comment == r.Comment && prev.at.Equal(at) {
					p.report.Responses.Unchanged++
					continue
				}
				p.reject(rec.Line, "score", "%s answered wave %q already (score %d on %s); an import never replaces an answer",
					rec.Email, w.Name, prev.score, prev.at.Format("2006-01-02"))
				continue
			}
		} else if w.ID != 0 {
			k := answerKey{w.ID, 0, at, r.Score, r.Comment}
			if a != nil {
				k.account = a.ID
			}
			if anonymous[k] > 0 && (a == nil || a.ID != 0) {
				anonymous[k]--
				p.report.Responses.Unchanged++
				continue
			}
		}
		p.responses = append(p.responses, pr)
	}
	p.report.Responses.Create, p.report.Contacts.Create = len(p.responses), len(p.newContacts)
	return nil
}

// importSurvey returns the survey of the responses and the wave chosen
// for all of them, if any.
func (p *importPlan) importSurvey(ctx context.Context, o ImportOptions) (nps.Survey, *nps.Wave, error) {
	var chosen *nps.Wave
	surveyID := o.SurveyID
	if o.WaveID != 0 {
		w, err := wave(ctx, p.q, p.workspaceID, o.WaveID)
		if err != nil {
			return nps.Survey{}, nil, err
		}
		if surveyID != 0 && w.SurveyID != surveyID {
			return nps.Survey{}, nil, &nps.ValidationError{Field: "wave", Message: "is a wave of another survey"}
		}
		surveyID, chosen = w.SurveyID, &w
		if p.rs.Mapped["wave"] {
			return nps.Survey{}, nil, &nps.ValidationError{Field: "wave", Message: "a wave is chosen for all responses, so the file's wave column cannot be mapped too"}
		}
	}
	if surveyID == 0 {
		return nps.Survey{}, nil, &nps.ValidationError{Field: "survey", Message: "choose the survey the responses belong to"}
	}
	s, err := survey(ctx, p.q, p.workspaceID, surveyID)
	if err != nil {
		return nps.Survey{}, nil, err
	}
	if s.Anonymous && (p.rs.Mapped["email"] || p.rs.Mapped["account_external_id"] || p.rs.Mapped["account_name"]) {
		return nps.Survey{}, nil, &nps.ValidationError{Field: "survey", Message: "is anonymous: it keeps no email or account with a response, so leave those columns out"}
	}
	return s, chosen, nil
}

// loadWaves returns the survey's waves by name; of waves sharing a name,
// the first created.
func (p *importPlan) loadWaves(ctx context.Context, surveyID int64) (map[string]*nps.Wave, error) {
	rows, err := p.q.QueryContext(ctx, `SELECT `+waveColumns+` FROM waves WHERE workspace_id = $1 AND survey_id = $2 ORDER BY id`,
		p.workspaceID, surveyID)
	if err != nil {
		return nil, fmt.Errorf("waves: %w", err)
	}
	list, err := collect(rows, scanWave)
	if err != nil {
		return nil, fmt.Errorf("waves: %w", err)
	}
	byName := map[string]*nps.Wave{}
	for i := range list {
		if byName[list[i].Name] == nil {
			byName[list[i].Name] = &list[i]
		}
	}
	return byName, nil
}

// waveNamed returns the wave a row names, or the one named by the year of
// its date, planning it when the survey has none. A wave named by a year
// spans that year; one named by the file spans the dates of its answers.
func (p *importPlan) waveNamed(waves map[string]*nps.Wave, surveyID int64, rec importer.ResponseRecord) *nps.Wave {
	name := rec.Wave
	at := normTime(rec.Date)
	if name == "" {
		name = strconv.Itoa(at.Year())
	}
	w := waves[name]
	if w == nil {
		w = &nps.Wave{WorkspaceID: p.workspaceID, SurveyID: surveyID, Name: name, OpensAt: at, ClosesAt: at.Add(time.Second), CreatedAt: p.now}
		if rec.Wave == "" {
			w.OpensAt = time.Date(at.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
			w.ClosesAt = w.OpensAt.AddDate(1, 0, 0)
		}
		waves[name] = w
		p.newWaves = append(p.newWaves, w)
		return w
	}
	if w.ID == 0 && rec.Wave != "" {
		w.OpensAt = minTime(w.OpensAt, at)
		if !at.Before(w.ClosesAt) {
			w.ClosesAt = at.Add(time.Second)
		}
	}
	return w
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// storedAnswers reads the survey's answers of the given contacts, by wave
// and contact, and counts its imported answers without a contact.
func (p *importPlan) storedAnswers(ctx context.Context, surveyID int64, contacts map[string]*nps.Contact) (map[[2]int64]priorAnswer, map[answerKey]int, error) {
	answered := map[[2]int64]priorAnswer{}
	ids := make([]string, 0, len(contacts))
	for _, c := range contacts {
		ids = append(ids, strconv.FormatInt(c.ID, 10))
	}
	for len(ids) > 0 {
		n := min(len(ids), maxKeysPerQuery)
		rows, err := p.q.QueryContext(ctx, `
			SELECT wave_id, contact_id, score, comment, created_at FROM responses
			WHERE workspace_id = $1 AND survey_id = $2 AND contact_id IN (`+strings.Join(ids[:n], ", ")+`)`,
			p.workspaceID, surveyID)
		if err != nil {
			return nil, nil, fmt.Errorf("stored answers: %w", err)
		}
		for rows.Next() {
			var k [2]int64
			var a priorAnswer
			if err := rows.Scan(&k[0], &k[1], &a.score, &a.comment, timeCol{&a.at}); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("stored answers: %w", err)
			}
			answered[k] = a
		}
		if err := errors.Join(rows.Close(), rows.Err()); err != nil {
			return nil, nil, fmt.Errorf("stored answers: %w", err)
		}
		ids = ids[n:]
	}
	rows, err := p.q.QueryContext(ctx, `
		SELECT wave_id, COALESCE(account_id, 0), created_at, score, comment FROM responses
		WHERE workspace_id = $1 AND survey_id = $2 AND contact_id IS NULL AND channel = $3`,
		p.workspaceID, surveyID, nps.ChannelImport)
	if err != nil {
		return nil, nil, fmt.Errorf("stored answers: %w", err)
	}
	keys, err := collect(rows, func(row rowScanner) (answerKey, error) {
		var k answerKey
		return k, row.Scan(&k.wave, &k.account, timeCol{&k.at}, &k.score, &k.comment)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("stored answers: %w", err)
	}
	anonymous := map[answerKey]int{}
	for _, k := range keys {
		anonymous[k]++
	}
	return answered, anonymous, nil
}

// lineError is an answer that the recorder refused while the import was
// written, which rolls the import back.
type lineError struct{ err *importer.Error }

func (e *lineError) Error() string { return e.err.Error() }

// writeResponses creates the planned waves and records the responses.
func (p *importPlan) writeResponses(ctx context.Context, q querier, step func(int)) error {
	for _, w := range p.newWaves {
		if err := w.Validate(); err != nil {
			return fmt.Errorf("wave %q: %w", w.Name, err)
		}
		err := q.QueryRowContext(ctx, `
			INSERT INTO waves (workspace_id, survey_id, name, opens_at, closes_at, population, created_at)
			VALUES ($1, $2, $3, $4, $5, NULL, $6) RETURNING id`,
			w.WorkspaceID, w.SurveyID, w.Name, w.OpensAt, w.ClosesAt, w.CreatedAt).Scan(&w.ID)
		if err != nil {
			return fmt.Errorf("create wave %q: %w", w.Name, err)
		}
	}
	rec := newRecorder(q, p.dialect, p.now)
	for i, pr := range p.responses {
		r := pr.r
		r.WaveID = pr.wave.ID
		if pr.contact != nil {
			r.ContactID = pr.contact.ID
		}
		if pr.account != nil {
			r.AccountID = pr.account.ID
		}
		if err := rec.record(ctx, p.workspaceID, &r); err != nil {
			if isItemError(err) {
				return &lineError{&importer.Error{Line: pr.line, Msg: err.Error()}}
			}
			return fmt.Errorf("line %d: %w", pr.line, err)
		}
		if (i+1)%1000 == 0 {
			step(1000)
		}
	}
	if err := rec.flush(ctx); err != nil {
		return err
	}
	step(len(p.responses) % 1000)
	return nil
}
