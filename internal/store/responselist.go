package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/promotor/promotor/internal/nps"
)

// Bounds of a page of LatestResponses.
const (
	DefaultResponsePage = 50
	MaxResponsePage     = 500
)

// ResponseFilter chooses the responses LatestResponses returns; its zero
// value lists all of the workspace's responses.
type ResponseFilter struct {
	// ID keeps one response: a permalink.
	ID int64
	// SurveyID and WaveID keep the responses of a survey or a wave.
	SurveyID, WaveID int64
	// AccountID keeps the responses of one account.
	AccountID int64
	// OwnerID, when set, keeps only responses of accounts that this user
	// owns: what a member (an account manager) may see.
	OwnerID int64
	// Segment keeps the responses of accounts with an attribute's value.
	Segment Segment
	// Category keeps promoters, passives or detractors; "" keeps all.
	Category string
	// HasComment keeps the responses with a comment.
	HasComment bool
	// Search keeps the responses whose comment has every word of it, after
	// stemming (see searchCondition), in the order they were recorded.
	Search string
	// Tag keeps the responses with this tag.
	Tag string
	// Theme keeps the responses whose comment mentions this theme (a key
	// of the workspace's taxonomy), Sentiment those of this tone.
	Theme     string
	Sentiment nps.Sentiment
	// After is the cursor of the last response of the previous page; zero
	// for the first page.
	After ResponseCursor
	// Limit is the page size, DefaultResponsePage when 0, at most
	// MaxResponsePage.
	Limit int
}

// ResponseCursor is a position in the newest-first order of responses:
// the first answer's time and the ID, which breaks ties. Paging by it
// (keyset pagination) reads one index range per page however deep the
// page, where an OFFSET would read and skip every earlier row, and it
// neither repeats nor skips a response when new ones arrive meanwhile.
type ResponseCursor struct {
	CreatedAt time.Time
	ID        int64
}

// IsZero reports whether c is the start of the list.
func (c ResponseCursor) IsZero() bool { return c.ID == 0 }

// ListedResponse is a response with the names of whom it came from, as a
// list shows it; the names are empty for anonymous responses.
type ListedResponse struct {
	nps.Response
	ContactName  string
	ContactEmail string
	AccountName  string
}

// ResponsePage is one page of LatestResponses.
type ResponsePage struct {
	Responses []ListedResponse
	// Next is the cursor of the following page; zero on the last page.
	Next ResponseCursor
}

// LatestResponses returns a page of the workspace's responses that f
// selects, newest first (by the first answer's time, then ID), with
// contact and account names. A wave not in the workspace has no responses
// here; callers check the wave when they must tell.
func (db *DB) LatestResponses(ctx context.Context, workspaceID int64, f ResponseFilter) (ResponsePage, error) {
	switch {
	case f.Limit == 0:
		f.Limit = DefaultResponsePage
	case f.Limit < 0 || f.Limit > MaxResponsePage:
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", &nps.ValidationError{
			Field: "limit", Message: fmt.Sprintf("must be from 1 to %d, got %d", MaxResponsePage, f.Limit)})
	}
	w, err := f.where(db.dialect, workspaceID)
	if err != nil {
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", err)
	}
	// A search lists the matches in the order they were recorded (by ID),
	// newest first, which the full-text indexes can follow to the first
	// page's matches without collecting all of them; a common word can
	// match millions of comments.
	from, order := "responses r", "r.created_at DESC, r.id DESC"
	if f.Search != "" {
		order = "r.id DESC"
		if db.dialect == SQLite {
			from, order = "response_search s JOIN responses r ON r.id = s.rowid", "s.rowid DESC"
		}
	}
	switch {
	case f.After.IsZero():
	case f.Search != "":
		w.and("r.id < " + w.arg(f.After.ID))
	default:
		// Spelled out rather than as a row value, (r.created_at, r.id) <
		// (…), which PostgreSQL plans as an index range only sometimes;
		// the first condition is the range both databases seek to, the
		// second breaks the ties within its first time.
		at, id := w.arg(normTime(f.After.CreatedAt)), w.arg(f.After.ID)
		w.and("r.created_at <= " + at)
		w.and("(r.created_at < " + at + " OR r.id < " + id + ")")
	}
	var list []ListedResponse
	if db.dialect == Postgres && f.Search != "" {
		list, err = db.searchPostgres(ctx, w, workspaceID, f.After.ID, f.Limit+1)
	} else {
		list, err = db.listResponses(ctx, from, w, order, f.Limit+1)
	}
	if err != nil {
		return ResponsePage{}, fmt.Errorf("store: latest responses: %w", err)
	}
	page := ResponsePage{Responses: list}
	if len(list) > f.Limit {
		page.Responses = list[:f.Limit]
		last := page.Responses[f.Limit-1]
		page.Next = ResponseCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	return page, nil
}

// listResponses reads up to n responses of the feed's query.
func (db *DB) listResponses(ctx context.Context, from string, w *where, order string, n int) ([]ListedResponse, error) {
	// The joins repeat the workspace so that a name can only come from
	// the response's own workspace.
	rows, err := db.read.QueryContext(ctx, `
		SELECT r.id, r.workspace_id, r.survey_id, r.wave_id, r.invitation_id, r.contact_id, r.account_id,
			r.score, r.comment, r.answers, r.language, r.channel, r.revision, r.created_at, r.updated_at,
			COALESCE(c.name, ''), COALESCE(c.email, ''), COALESCE(a.name, '')
		FROM `+from+`
		LEFT JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id
		LEFT JOIN accounts a ON a.workspace_id = r.workspace_id AND a.id = r.account_id`+
		w.String()+`
		ORDER BY `+order+`
		LIMIT `+w.arg(n), w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row rowScanner) (ListedResponse, error) {
		var l ListedResponse
		r := &l.Response
		err := row.Scan(&r.ID, &r.WorkspaceID, &r.SurveyID, &r.WaveID, idCol{&r.InvitationID},
			idCol{&r.ContactID}, idCol{&r.AccountID}, &r.Score, &r.Comment, jsonCol{&r.Answers},
			&r.Language, &r.Channel, &r.Revision, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt},
			&l.ContactName, &l.ContactEmail, &l.AccountName)
		return l, err
	})
}

// searchWalk is how many of the newest responses a PostgreSQL search
// checks one by one before it asks the full-text index (a variable for
// the tests).
var searchWalk = 20_000

// searchPostgres finds the newest n responses below the ID before (0: the
// newest) that w, with its full-text condition, selects. PostgreSQL plans
// such a query either by walking the responses newest first, which finds
// a common word at once and a rare one only after reading them all, or by
// reading every match from the index and sorting, which is the other way
// round; its estimate of a word's frequency cannot tell a rare word from
// one it has not seen. So the search does both, each bounded: first it
// walks the newest searchWalk responses, then, if that found fewer than n,
// it reads the older matches from the index (ORDER BY r.id + 0 keeps the
// planner off the walk), which are few when the walk found few.
func (db *DB) searchPostgres(ctx context.Context, w *where, workspaceID, before int64, n int) ([]ListedResponse, error) {
	bound := ""
	args := []any{workspaceID, searchWalk}
	if before != 0 {
		bound = " AND id < $3"
		args = append(args, before)
	}
	var lowest sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT MIN(id) FROM (SELECT id FROM responses WHERE workspace_id = $1`+bound+`
		ORDER BY id DESC LIMIT $2) t`, args...).Scan(&lowest)
	if err != nil || !lowest.Valid {
		return nil, err
	}
	walk := w.clone()
	walk.and("r.id >= " + walk.arg(lowest.Int64))
	list, err := db.listResponses(ctx, "responses r", walk, "r.id DESC", n)
	if err != nil || len(list) == n {
		return list, err
	}
	rest := w.clone()
	rest.and("r.id < " + rest.arg(lowest.Int64))
	more, err := db.listResponses(ctx, "responses r", rest, "r.id + 0 DESC", n-len(list))
	return append(list, more...), err
}

// categoryScores are the score ranges of the categories.
var categoryScores = map[string][2]int{"detractor": {0, 6}, "passive": {7, 8}, "promoter": {9, 10}}

// where returns the conditions of f on the responses r joined to their
// accounts a.
func (f ResponseFilter) where(d Dialect, workspaceID int64) (*where, error) {
	w := &where{}
	ws := w.arg(workspaceID)
	w.and("r.workspace_id = " + ws)
	for _, c := range []struct {
		col string
		id  int64
	}{{"r.id", f.ID}, {"r.survey_id", f.SurveyID}, {"r.wave_id", f.WaveID}, {"r.account_id", f.AccountID}, {"a.owner_id", f.OwnerID}} {
		if c.id != 0 {
			w.and(c.col + " = " + w.arg(c.id))
		}
	}
	if err := f.Segment.check(); err != nil {
		return nil, err
	}
	if !f.Segment.IsZero() {
		w.and(f.Segment.condition(w))
	}
	if f.Category != "" {
		r, ok := categoryScores[f.Category]
		if !ok {
			return nil, &nps.ValidationError{Field: "category", Message: fmt.Sprintf("%q is not a category; use promoter, passive or detractor", f.Category)}
		}
		w.and("r.score BETWEEN " + w.arg(r[0]) + " AND " + w.arg(r[1]))
	}
	if f.HasComment || f.Search != "" {
		w.and("r.comment <> ''")
	}
	if f.Search != "" {
		cond, err := searchCondition(d, w, f.Search)
		if err != nil {
			return nil, err
		}
		w.and(cond)
	}
	if f.Tag != "" {
		tag, err := nps.NormalizeTag(f.Tag)
		if err != nil {
			return nil, err
		}
		w.and("r.id IN (SELECT t.response_id FROM response_tags t WHERE t.workspace_id = " + ws + " AND t.tag = " + w.arg(tag) + ")")
	}
	if f.Theme != "" {
		if len(f.Theme) > 40 {
			return nil, &nps.ValidationError{Field: "theme", Message: "is longer than a theme's key"}
		}
		w.and("r.id IN (SELECT t.response_id FROM response_themes t WHERE t.workspace_id = " + ws + " AND t.theme = " + w.arg(f.Theme) + ")")
	}
	if f.Sentiment != "" {
		if !slices.Contains(nps.Sentiments, f.Sentiment) {
			return nil, &nps.ValidationError{Field: "sentiment", Message: fmt.Sprintf("%q is not a sentiment; use positive, neutral or negative", f.Sentiment)}
		}
		w.and("r.id IN (SELECT i.response_id FROM response_insight i WHERE i.workspace_id = " + ws + " AND i.sentiment = " + w.arg(string(f.Sentiment)) + ")")
	}
	return w, nil
}

// maxSearchWords bounds the words of a search.
const maxSearchWords = 10

// searchCondition returns the full-text condition on the comment for the
// words of q: every word must occur after the database's stemming. SQLite's
// FTS5 index response_search stems with Porter and takes each word also as
// the start of a longer one (Dutch has no stemmer there); PostgreSQL's
// column responses.search is stemmed by the Dutch or English text search
// configuration of the response's language, and each word is looked up in
// both. Whole stems rather than prefixes on PostgreSQL let its statistics
// tell a common word from a rare one, which decides between walking the
// newest responses and reading the index. Only letters and digits make a
// word, so nothing the user types is read as query syntax.
func searchCondition(d Dialect, w *where, q string) (string, error) {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "", &nps.ValidationError{Field: "q", Message: "search for at least one word of letters or digits"}
	}
	if len(words) > maxSearchWords {
		return "", &nps.ValidationError{Field: "q", Message: fmt.Sprintf("search for at most %d words", maxSearchWords)}
	}
	if d == Postgres {
		query := w.arg(strings.Join(words, " & "))
		return "r.search @@ (to_tsquery('dutch', " + query + ") || to_tsquery('english', " + query + "))", nil
	}
	terms := make([]string, len(words))
	for i, word := range words {
		terms[i] = `"` + word + `"*`
	}
	// LatestResponses joins response_search s to the responses.
	return "response_search MATCH " + w.arg(strings.Join(terms, " ")), nil
}
