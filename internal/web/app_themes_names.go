package web

import "github.com/promotor/promotor/internal/store"

// taxonomyNames are the names of the workspace's themes in the reader's
// language, by key.
type taxonomyNames map[string]string

// of names a theme; a key the taxonomy no longer has shows as itself.
func (n taxonomyNames) of(key string) string {
	if v, ok := n[key]; ok {
		return v
	}
	return key
}

func themeNames(tax store.TaxonomyState, lang string) (taxonomyNames, error) {
	return taxonomyNames{}, nil
}

type suggestionRow struct{}

func (s *Server) suggestions(r any, a *appRequest, tax store.TaxonomyState, sc dashScope) ([]suggestionRow, error) {
	return nil, nil
}

func (s *Server) themeOptions(r any, a *appRequest, selected string) ([]themeOption, error) {
	return nil, nil
}
