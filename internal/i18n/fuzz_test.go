package i18n

import (
	"slices"
	"testing"
)

// FuzzChoose checks the choice of a respondent's language from the
// Accept-Language header and a stored language: always one of the
// supported ones, or none with ok false.
func FuzzChoose(f *testing.F) {
	for _, s := range []string{"nl-NL,nl;q=0.9,en;q=0.8", "en-GB", "*", "de, fr;q=0.5", "", ";;;", "nl;q=2", "x-klingon",
		"zh-Hant-TW;q=0.1", "en;q=0.0000001", "nl-BE-u-nu-arab", "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p"} {
		f.Add(s, "nl")
		f.Add(s, "")
	}
	supported := []string{"en", "nl"}
	f.Fuzz(func(t *testing.T, header, stored string) {
		accept := AcceptLanguage(header)
		for _, code := range accept {
			if code == "" {
				t.Fatalf("AcceptLanguage(%q) = %q: an empty code", header, accept)
			}
		}
		lang, ok := Choose(supported, []string{stored}, accept)
		if ok != slices.Contains(supported, lang) || (!ok && lang != "") {
			t.Fatalf("Choose(%q, %q) = %q, %v", stored, header, lang, ok)
		}
	})
}
