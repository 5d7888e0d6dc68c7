package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
)

//go:embed templates/report.html templates/report.css
var templates embed.FS

// page is the HTML template's data: the document and what only the page
// needs.
type page struct {
	document
	// CSP is the page's policy, repeated in a <meta> element so that a
	// saved copy opened from disk keeps it; Style is the exact content of
	// the <style> element whose hash the policy names.
	CSP   string
	Style template.CSS
	// Meta is the period and the date made, in one line.
	Meta string
}

// parsed holds the template and the style sheet, read once from the
// embedded files.
var parsed = sync.OnceValues(func() (*template.Template, error) {
	return template.ParseFS(templates, "templates/report.html")
})

// sheet is the embedded style sheet, read once.
var sheet = sync.OnceValues(func() (string, error) {
	b, err := templates.ReadFile("templates/report.css")
	return string(b), err
})

// HTML writes r as one self-contained HTML page: the style in one <style>
// element, the charts inline, the logo as a data: URI, no script and no
// request for anything outside the page. It prints as the report on A4,
// a page per section. Nothing is written when r cannot be laid out.
func HTML(w io.Writer, r Report) error {
	d, err := build(r)
	if err != nil {
		return err
	}
	t, err := parsed()
	if err != nil {
		return fmt.Errorf("report: templates: %w", err)
	}
	style, err := styleOf(d.Brand)
	if err != nil {
		return err
	}
	p := page{document: d, CSP: csp(style), Style: template.CSS(style), Meta: strings.Join(nonEmpty(d.Period, d.Generated), " · ")}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "report", p); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}

// CSP returns the Content-Security-Policy of r's HTML page: nothing may
// load but the page's one style element, named by the SHA-256 of its
// content (which holds the workspace's colours, hence a method), and the
// logo's data: URI; no script, no frame, no form. A server sends it with
// the page.
func (r Report) CSP() string {
	style, err := styleOf(coloursOf(r.Brand))
	if err != nil {
		// The style sheet is embedded: it reads unless the binary is
		// broken, and then the strictest policy is the safe answer.
		return "default-src 'none'"
	}
	return csp(style)
}

// csp is the policy of a page whose style element holds style.
func csp(style string) string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// styleOf is the content of the page's style element: the brand's
// colours as custom properties, then the embedded sheet. The colours are
// validated "#rrggbb", so nothing a workspace sets can escape the rule.
func styleOf(b brand) (string, error) {
	s, err := sheet()
	if err != nil {
		return "", fmt.Errorf("report: style: %w", err)
	}
	return ":root { --colour: " + b.Colour + "; --accent: " + b.Accent +
		"; --colour-text: " + b.ColourText + "; --accent-text: " + b.AccentText + "; }\n" + s, nil
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
