package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

//go:embed all:templates
var templateFS embed.FS

// funcs are the template functions every page may use.
var funcs = template.FuncMap{
	"asset":    assetURL,
	"percent":  percent,
	"mul100":   func(x float64) float64 { return 100 * x },
	"inc":      func(i int) int { return i + 1 },
	"dec":      func(i int) int { return i - 1 },
	"category": func(score int) string { return nps.CategoryOf(score).String() },
	"list":     func(s ...string) []string { return s },
	"signed":   func(x float64) string { return nps.Signed(nps.RoundHalfAway(x)) },
}

// percent shows part/whole as a whole percentage; "—" when whole is 0.
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 0, 64) + "%"
}

// parsePages parses each page of templates/{area}/{page}.html together
// with its area's layout.html and partials (files starting with "_"). A
// page is rendered by the name "{area}/{page}"; the layout defines the
// template "layout", which the page fills in with its own defines.
func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	areas, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	for _, area := range areas {
		if !area.IsDir() {
			continue
		}
		dir := "templates/" + area.Name()
		files, err := fs.Glob(templateFS, dir+"/*.html")
		if err != nil {
			return nil, err
		}
		var shared []string
		for _, f := range files {
			if base := path.Base(f); base == "layout.html" || strings.HasPrefix(base, "_") {
				shared = append(shared, f)
			}
		}
		for _, f := range files {
			base := path.Base(f)
			if base == "layout.html" || strings.HasPrefix(base, "_") {
				continue
			}
			t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, append(shared, f)...)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", f, err)
			}
			pages[area.Name()+"/"+strings.TrimSuffix(base, ".html")] = t
		}
	}
	return pages, nil
}

// render executes page name with data into a buffer first, so that a
// template error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	rendered(name)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
