package web

import (
	"net/http"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/text"
)

// Suggested themes: what the comments of a wave that matched no theme
// have in common (text.Discover over the newest of them), for an analyst
// to adopt into the taxonomy in one click.

const (
	// suggestFrom is how many of the newest unmatched comments are read.
	suggestFrom = 2000
	// maxSuggestions is how many suggestions the page shows.
	maxSuggestions = 8
	// exampleRunes bounds an example comment on the page.
	exampleRunes = 280
)

// suggestionRow is a suggested theme as the page shows it.
type suggestionRow struct {
	Key, Text string
	Count     int64
	Examples  []string
}

// discover returns the suggestions of the scope's wave against the
// workspace's themes, and the comments they were found in. A stored
// taxonomy that no longer compiles (valid when saved, refused by a later
// version of the analysis, which then analyses with the default) has no
// suggestions: the editor lists its problems on the next save, and the
// rest of the themes page does not depend on it.
func (s *Server) discover(r *http.Request, a *appRequest, themes []text.Theme, sc dashScope) ([]text.Suggestion, []string, error) {
	compiled, err := text.Compile(themes)
	if err != nil {
		return nil, nil, nil
	}
	comments, err := s.db.Unmatched(r.Context(), a.Workspace.ID, sc.Wave.ID, suggestFrom)
	if err != nil {
		return nil, nil, err
	}
	return text.Discover(comments, compiled, text.Lang(sc.Survey.DefaultLanguage), maxSuggestions), comments, nil
}

// suggestions are the page's suggested themes with two example comments
// each.
func (s *Server) suggestions(r *http.Request, a *appRequest, themes []text.Theme, sc dashScope) ([]suggestionRow, error) {
	found, comments, err := s.discover(r, a, themes, sc)
	if err != nil {
		return nil, err
	}
	rows := make([]suggestionRow, 0, len(found))
	for _, sg := range found {
		row := suggestionRow{Key: sg.Key, Text: sg.Text, Count: int64(sg.Count)}
		for _, i := range sg.Examples[:min(2, len(sg.Examples))] {
			row.Examples = append(row.Examples, excerpt(comments[i], exampleRunes))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// excerpt cuts s to at most max runes, ending a cut text in "…".
func excerpt(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// handleSuggestionAdopt adds a suggested theme to the taxonomy. The
// suggestion is found again, from the comments of the wave in the URL's
// scope, rather than taken from the form: what is added is what the
// analysis suggested, and a suggestion that has gone meanwhile (the
// taxonomy changed, newer comments outweigh it) is refused.
func (s *Server) handleSuggestionAdopt(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	sc, err := s.dashScopeOf(r, a, false)
	if err != nil {
		return err
	}
	if sc.Wave.ID == 0 {
		return badRequest("insight.suggest.err.gone")
	}
	tax, err := s.db.Taxonomy(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	themes, err := insight.Themes(tax)
	if err != nil {
		return err
	}
	found, _, err := s.discover(r, a, themes, sc)
	if err != nil {
		return err
	}
	key := r.PostFormValue("key")
	for _, sg := range found {
		if sg.Key != key {
			continue
		}
		// Over the taxonomy the suggestion was found against: one saved
		// meanwhile is not overwritten (409).
		if _, err := insight.SaveTaxonomy(r.Context(), s.db, a.Workspace.ID, append(themes, sg.Theme()), tax.Version); err != nil {
			return err
		}
		http.Redirect(w, r, a.layout("").Base()+"/themes?"+string(sc.Query("done", "adopted")), http.StatusSeeOther)
		return nil
	}
	return appHTTPError(http.StatusConflict, nil, "insight.suggest.err.gone")
}
