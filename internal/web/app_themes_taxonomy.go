package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/insight"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/text"
)

// The taxonomy editor: the workspace's themes, each with its key, its
// names and its keywords per language. Saving hands the whole list to
// insight.SaveTaxonomy, which validates it and raises the taxonomy's
// version, so that every answer is analysed again; nothing is saved when
// any theme is wrong. The form works without JavaScript: a collapsible
// fieldset per theme, a blank one to add a theme, a checkbox to remove one.

// taxonomyPage is the taxonomy editor.
type taxonomyPage struct {
	appLayout
	// Default is set while the workspace uses the default taxonomy.
	Default bool
	// Version is the taxonomy's version the form was made from, so that
	// saving over a change made meanwhile is noticed.
	Version int
	Rows    []taxonomyRow
	// Errors are what is wrong with the input: nothing was saved.
	Errors []string
}

// taxonomyRow is one theme of the form, as given.
type taxonomyRow struct {
	// Number is the theme's place in the list saved (1 for the first),
	// which the validation messages count by; 0 for a removed theme and
	// for the blank row of a new theme.
	Number                 int
	Key                    string
	NameNL, NameEN         string
	KeywordsNL, KeywordsEN string
	Remove                 bool
}

// RowName is a row's name in the page's language, else in the other.
func (p taxonomyPage) RowName(row taxonomyRow) string {
	if p.Lang() == "nl" {
		return cmp.Or(row.NameNL, row.NameEN)
	}
	return cmp.Or(row.NameEN, row.NameNL)
}

// maxTaxonomyRows bounds the rows a form may post: the themes a taxonomy
// may hold, plus the blank row and some removed ones.
const maxTaxonomyRows = text.MaxThemes + 50

func (s *Server) handleTaxonomy(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	tax, err := s.db.Taxonomy(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	themes, err := insight.Themes(tax)
	if err != nil {
		return err
	}
	p := taxonomyPage{appLayout: a.layout(a.M.T("insight.taxonomy.title")), Default: tax.Taxonomy == "", Version: tax.Version}
	for i, th := range themes {
		p.Rows = append(p.Rows, taxonomyRow{Number: i + 1, Key: th.Key,
			NameNL: th.Name[text.Dutch], NameEN: th.Name[text.English],
			KeywordsNL: strings.Join(th.Keywords[text.Dutch], "\n"), KeywordsEN: strings.Join(th.Keywords[text.English], "\n")})
	}
	p.Rows = append(p.Rows, taxonomyRow{})
	return s.render(w, http.StatusOK, "app/themes_taxonomy", p)
}

func (s *Server) handleTaxonomySave(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p := taxonomyPage{appLayout: a.layout(a.M.T("insight.taxonomy.title"))}
	n, err := strconv.Atoi(r.PostFormValue("rows"))
	if err != nil || n < 0 || n > maxTaxonomyRows {
		return badRequest("insight.taxonomy.err.rows", "max", maxTaxonomyRows)
	}
	themes := []text.Theme{} // stored as [], not null, when every theme is removed
	for i := range n {
		field := func(name string) string { return r.PostFormValue(name + "." + strconv.Itoa(i)) }
		row := taxonomyRow{Key: strings.TrimSpace(field("key")), NameNL: field("name_nl"), NameEN: field("name_en"),
			KeywordsNL: field("keywords_nl"), KeywordsEN: field("keywords_en"), Remove: field("remove") == "1"}
		if row.blank() {
			continue
		}
		if !row.Remove {
			themes = append(themes, row.theme())
			row.Number = len(themes)
		}
		p.Rows = append(p.Rows, row)
	}
	p.Rows = append(p.Rows, taxonomyRow{})
	ctx, ws := r.Context(), a.Workspace.ID
	tax, err := s.db.Taxonomy(ctx, ws)
	if err != nil {
		return err
	}
	p.Default, p.Version = tax.Taxonomy == "", tax.Version
	v, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || v < 1 {
		return badRequest("insight.taxonomy.err.changed")
	}
	if _, err := insight.SaveTaxonomy(ctx, s.db, ws, themes, v); err != nil {
		var ve *nps.ValidationError
		switch {
		case errors.Is(err, nps.ErrConflict):
			// Changed meanwhile (another analyst, an adopted suggestion).
			// The form keeps this input and now carries the current
			// version, so saving it again overwrites knowingly.
			p.Errors = []string{a.M.T("insight.taxonomy.err.changed")}
			return s.render(w, http.StatusConflict, "app/themes_taxonomy", p)
		case errors.As(err, &ve):
			p.Errors = strings.Split(ve.Message, "\n")
			return s.render(w, http.StatusUnprocessableEntity, "app/themes_taxonomy", p)
		}
		return err
	}
	http.Redirect(w, r, p.Base()+"/themes?done=saved", http.StatusSeeOther)
	return nil
}

// handleTaxonomyDefault gives the workspace the default taxonomy back.
func (s *Server) handleTaxonomyDefault(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	if _, err := s.db.SetTaxonomy(r.Context(), a.Workspace.ID, "", 0); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/themes?done=restored", http.StatusSeeOther)
	return nil
}

// blank reports whether the row holds nothing: the unused row of a new
// theme.
func (row taxonomyRow) blank() bool {
	return row.Key == "" && strings.TrimSpace(row.NameNL+row.NameEN+row.KeywordsNL+row.KeywordsEN) == ""
}

// theme is the row as a theme: names and keywords of a language only
// where given, keywords one per line or separated by commas.
func (row taxonomyRow) theme() text.Theme {
	th := text.Theme{Key: row.Key, Name: map[text.Lang]string{}, Keywords: map[text.Lang][]string{}}
	for _, f := range []struct {
		lang           text.Lang
		name, keywords string
	}{{text.Dutch, row.NameNL, row.KeywordsNL}, {text.English, row.NameEN, row.KeywordsEN}} {
		if name := strings.TrimSpace(f.name); name != "" {
			th.Name[f.lang] = name
		}
		if kws := splitKeywords(f.keywords); len(kws) > 0 {
			th.Keywords[f.lang] = kws
		}
	}
	return th
}

// splitKeywords reads keywords one per line or separated by commas.
func splitKeywords(s string) []string {
	var out []string
	for _, kw := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		if kw = strings.TrimSpace(kw); kw != "" {
			out = append(out, kw)
		}
	}
	return out
}
