package annual

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAnonymise checks that no word of a name given survives, and no
// email address.
func FuzzAnonymise(f *testing.F) {
	f.Add("Jan de Vries, jan@acme.nl, 0612345678", "Jan de Vries")
	f.Add("Acme Holding BV: acme!", "Acme Holding BV")
	f.Fuzz(func(t *testing.T, comment, name string) {
		got := Anonymise(comment, name)
		left := map[string]bool{}
		for _, w := range strings.FieldsFunc(got, notWordRune) {
			left[strings.ToLower(w)] = true
		}
		for _, w := range strings.FieldsFunc(name, notWordRune) {
			if w = strings.ToLower(w); utf8.RuneCountInString(w) >= 3 && !legalForms[w] && left[w] {
				t.Errorf("Anonymise(%q, %q) = %q keeps %q", comment, name, got, w)
			}
		}
		if emailRE.MatchString(got) {
			t.Errorf("Anonymise(%q) = %q keeps an email address", comment, got)
		}
	})
}
