package report

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf8"
)

// FuzzText puts any text in every place a caller's text goes: both
// formats must render it, the HTML as valid UTF-8.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "plain", "<script>x</script>", "😀 שלום \u202e\x00\r\n\t", "\xff\xfe", "{nb}\x02nb\x03", "x\n\n\n\ny"} {
		f.Add(s)
	}
	base := fixture(f, "nl")
	f.Fuzz(func(t *testing.T, s string) {
		r := base
		r.Workspace, r.Survey, r.Wave = s, s, s
		r.Verbatims = []Verbatim{{Score: 4, Comment: s, Who: s, Themes: []string{s}}}
		r.AtRisk = []AccountRisk{{Account: s, Owner: s, Category: -1, Score: 4}}
		r.Segments = []Breakdown{{Attribute: s, Groups: []Group{{Name: s, Result: base.Score.Result}}}}
		r.Themes = append([]Theme{{Name: s, Impact: base.Themes[0].Impact}}, base.Themes[1:]...)
		var b bytes.Buffer
		if err := HTML(&b, r); err != nil {
			t.Fatalf("HTML: %v", err)
		}
		if !utf8.Valid(b.Bytes()) {
			t.Fatal("HTML: invalid UTF-8")
		}
		if err := PDF(io.Discard, r); err != nil {
			t.Fatalf("PDF: %v", err)
		}
	})
}
