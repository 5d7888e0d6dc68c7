package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test -update to write it)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test -update and review the diff", path)
	}
}

func TestHTMLGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    Report
	}{
		{"full-en.html", fixture(t, "en")},
		{"full-nl.html", fixture(t, "nl")},
		{"empty-en.html", emptyFixture("en")},
	} {
		var b bytes.Buffer
		if err := HTML(&b, tt.r); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		golden(t, tt.name, b.Bytes())
	}
}

// render writes r's HTML page.
func render(t *testing.T, r Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// attr is the value of an element's attribute, "" without it.
func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestCSP checks that the policy names the hash of the page's style
// element, byte for byte, and is the one the page repeats in its <meta>.
func TestCSP(t *testing.T) {
	for _, r := range []Report{fixture(t, "en"), emptyFixture("nl")} {
		page := render(t, r)
		open := strings.Index(page, "<style>")
		end := strings.Index(page, "</style>")
		if open < 0 || end < open || strings.Count(page, "<style") != 1 {
			t.Fatalf("the page has no single <style> element")
		}
		sum := sha256.Sum256([]byte(page[open+len("<style>") : end]))
		hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		policy := r.CSP()
		for _, want := range []string{"default-src 'none'", "style-src " + hash + ";", "img-src data:"} {
			if !strings.Contains(policy, want) {
				t.Errorf("CSP %q lacks %q", policy, want)
			}
		}
		doc, err := nethtml.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		meta := ""
		for n := range doc.Descendants() {
			if n.Type == nethtml.ElementNode && n.Data == "meta" && attr(n, "http-equiv") == "Content-Security-Policy" {
				meta = attr(n, "content")
			}
		}
		if meta != policy {
			t.Errorf("the page's <meta> policy is %q, want CSP() %q", meta, policy)
		}
	}
	a, b := fixture(t, "en"), fixture(t, "en")
	b.Brand.Colour = "#123456"
	if a.CSP() == b.CSP() {
		t.Error("CSP is the same for two brand colours, whose style elements differ")
	}
}

// TestHTMLSelfContained checks that the page asks for nothing outside
// itself and runs no script.
func TestHTMLSelfContained(t *testing.T) {
	page := render(t, fixture(t, "en"))
	doc, err := nethtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type != nethtml.ElementNode {
			continue
		}
		switch n.Data {
		case "script", "link", "iframe", "object", "embed", "base", "form":
			t.Errorf("the page has a <%s>", n.Data)
		}
		for _, a := range n.Attr {
			v := strings.TrimSpace(a.Val)
			switch {
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("<%s> has the handler %s", n.Data, a.Key)
			case a.Key == "style":
				t.Errorf("<%s> has a style attribute, which the policy refuses", n.Data)
			case (a.Key == "src" || a.Key == "href" || a.Key == "xlink:href") && !strings.HasPrefix(v, "#") &&
				!strings.HasPrefix(v, "data:image/png;base64,") && !strings.HasPrefix(v, "url(#"):
				t.Errorf("<%s %s=%.40q> points outside the page", n.Data, a.Key, v)
			}
		}
	}
	if strings.Contains(page, "url(http") || strings.Contains(page, "@import") {
		t.Error("the style sheet loads something")
	}
}

// TestHTMLAccessible checks the page's structure: a language, one h1,
// sections headed by h2 and labelled by them, tables with captions and
// scoped header cells, and a text for the logo.
func TestHTMLAccessible(t *testing.T) {
	page := render(t, fixture(t, "nl"))
	doc, err := nethtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	count := map[string]int{}
	for n := range doc.Descendants() {
		if n.Type == nethtml.ElementNode {
			count[n.Data]++
			if id := attr(n, "id"); id != "" {
				if ids[id] {
					t.Errorf("id %q is used twice", id)
				}
				ids[id] = true
			}
		}
	}
	for n := range doc.Descendants() {
		if n.Type != nethtml.ElementNode {
			continue
		}
		switch n.Data {
		case "html":
			if attr(n, "lang") != "nl" {
				t.Errorf(`<html lang=%q>, want "nl"`, attr(n, "lang"))
			}
		case "section":
			if l := attr(n, "aria-labelledby"); !ids[l] {
				t.Errorf("a section is labelled by %q, which is no id of the page", l)
			}
		case "table":
			c := n.FirstChild
			for c != nil && c.Type != nethtml.ElementNode {
				c = c.NextSibling
			}
			if c == nil || c.Data != "caption" || c.FirstChild == nil {
				t.Error("a table has no caption first")
			}
		case "th":
			if s := attr(n, "scope"); s != "col" && s != "row" {
				t.Errorf("a header cell has scope %q, want col or row", s)
			}
		case "img":
			if attr(n, "alt") == "" {
				t.Error("an image has no alt text")
			}
		}
	}
	if count["h1"] != 1 {
		t.Errorf("%d h1 elements, want 1", count["h1"])
	}
	if count["section"] != 12 || count["h2"] != 13 {
		t.Errorf("%d sections and %d h2 (with the contents'), want 12 and 13", count["section"], count["h2"])
	}
	if count["svg"] != 4 {
		t.Errorf("%d inline charts, want 4", count["svg"])
	}
}

// TestHTMLEscapes feeds the page markup in every text a caller gives: it
// must come out as text.
func TestHTMLEscapes(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'</style>&`
	r := fixture(t, "en")
	r.Workspace, r.Survey, r.Wave = evil, evil, evil
	r.Verbatims = []Verbatim{{Score: 1, Comment: evil, Who: evil, Themes: []string{evil}}}
	r.Segments = []Breakdown{{Attribute: evil, Groups: []Group{{Name: evil, Result: r.Score.Result}}}}
	r.Owners = []Group{{Name: evil, Result: r.Score.Result}}
	r.Themes[0].Name = evil
	r.AtRisk = []AccountRisk{{Account: evil, Owner: evil, Category: -1, Score: 1}}
	r.Plans.Items = []Plan{{Account: evil, Owner: evil, Title: evil}}
	r.Promoters.Actions = []Count{{Name: evil, Count: 1}}
	r.Trend = []Group{{Name: evil, Result: r.Score.Result}}
	r.Score.PreviousWave = evil
	page := render(t, r)
	for _, bad := range []string{"<script", "<img src=x", "</style>&", `"'</style>`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	doc, err := nethtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	imgs := 0
	for n := range doc.Descendants() {
		if n.Type != nethtml.ElementNode {
			continue
		}
		if n.Data == "script" {
			t.Error("the page has a <script>")
		}
		if n.Data == "img" {
			imgs++
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s> has the handler %s", n.Data, a.Key)
			}
		}
	}
	if imgs != 1 {
		t.Errorf("%d images, want the logo only", imgs)
	}
	if strings.Count(page, "</style>") != 1 {
		t.Errorf("the page closes %d style elements, want 1", strings.Count(page, "</style>"))
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the comment's text is not shown, escaped")
	}
}

// TestHTMLHostile renders the texts no font has, control characters and
// huge comments: valid UTF-8 out, no control characters, right-to-left
// comments isolated.
func TestHTMLHostile(t *testing.T) {
	page := render(t, hostileFixture(t))
	if !utf8.ValidString(page) {
		t.Error("the page is not valid UTF-8")
	}
	for i, r := range page {
		if r != '\n' && unicode.IsControl(r) {
			t.Errorf("the page holds the control character %U at %d", r, i)
			break
		}
	}
	for _, want := range []string{"Slecht 😡😡 שלום עולם مرحبا evil end", `<blockquote dir="auto">`, "<bdi>Ünïcödé Ñame</bdi>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
